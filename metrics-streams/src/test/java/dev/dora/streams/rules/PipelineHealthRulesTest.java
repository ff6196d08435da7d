package dev.dora.streams.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dora.events.BuildEvent;
import dev.dora.events.BuildStatus;
import dev.dora.streams.rules.BrokenBranch.Outcome;
import dev.dora.streams.rules.BrokenBranch.Role;
import dev.dora.streams.rules.BrokenBranch.Step;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The pipeline-health rules alone: episodes of a broken default branch, durations, fast builds, rates, coverage. */
@Tag("unit")
class PipelineHealthRulesTest {

    private static final long MIN = 60_000;

    private static Step step(final Outcome outcome, final long minute) {
        return new Step(outcome, minute * MIN);
    }

    @Test
    void anEpisodeRunsFromTheFirstFailureToTheNextSuccess() {
        final List<Role> roles = BrokenBranch.roles(List.of(step(Outcome.SUCCESS, 0), step(Outcome.FAILURE, 10),
                step(Outcome.FAILURE, 20), step(Outcome.OTHER, 25), step(Outcome.SUCCESS, 40),
                step(Outcome.SUCCESS, 50)));
        assertEquals(List.of(Role.NONE, new Role(true, null), Role.NONE, Role.NONE, new Role(false, 30L * 60),
                Role.NONE), roles);
        assertTrue(roles.get(4).fixed());
    }

    @Test
    void aFailureAfterNothingBreaksTheBranchAndAnEpisodeMayStayOpen() {
        final List<Role> roles = BrokenBranch.roles(List.of(step(Outcome.FAILURE, 0), step(Outcome.SUCCESS, 5),
                step(Outcome.FAILURE, 9)));
        assertEquals(List.of(new Role(true, null), new Role(false, 300L), new Role(true, null)), roles);
    }

    @Test
    void theMeanCoverageIsTheSameToTheLastBitInEveryOrder() {
        // 0.1 + 0.2 + 0.3 and 0.3 + 0.2 + 0.1 differ in their last bit; the rows are gathered in any order
        assertTrue((0.1 + 0.2 + 0.3) != (0.3 + 0.2 + 0.1), "the example needs non-associative sums");
        final Double mean = PipelineHealth.meanCoverage(List.of(0.1, 0.2, 0.3));
        for (final List<Double> order : List.of(List.of(0.3, 0.2, 0.1), List.of(0.2, 0.3, 0.1), List.of(0.1, 0.3, 0.2))) {
            assertEquals(mean, PipelineHealth.meanCoverage(order), order.toString());
        }
        assertNull(PipelineHealth.meanCoverage(List.of()));
    }

    @Test
    void cancelledBuildsNeitherBreakNorFix() {
        assertEquals(List.of(Role.NONE, Role.NONE), BrokenBranch.roles(List.of(step(Outcome.OTHER, 0),
                step(Outcome.OTHER, 1))));
    }

    @Test
    void theDefaultBranchIsTheCatalogsOrMainOrMaster() {
        assertTrue(BrokenBranch.isDefaultBranch("main", null));
        assertTrue(BrokenBranch.isDefaultBranch("master", null));
        assertFalse(BrokenBranch.isDefaultBranch("develop", null));
        assertTrue(BrokenBranch.isDefaultBranch("develop", "develop"));
        assertFalse(BrokenBranch.isDefaultBranch("main", "develop"), "the catalog's branch replaces main");
        assertFalse(BrokenBranch.isDefaultBranch("Main", null), "branch names are compared exactly");
    }

    private static BuildEvent build(final BuildStatus status, final long seconds, final String branch) {
        final Instant finished = Instant.parse("2026-10-01T12:00:00Z");
        return BuildEvent.newBuilder().setId("b").setService("shop").setOccurredAt(finished).setStatus(status)
                .setStartedAt(finished.minusMillis(seconds * 1000 + 999))
                .setFinishedAt(status == BuildStatus.in_progress ? null : finished).setBranch(branch).build();
    }

    @Test
    void durationsAreWholeSecondsAndFastMeansASuccessWithinTheThreshold() {
        assertEquals(600, PipelineHealth.durationSeconds(build(BuildStatus.success, 600, "main")), "truncated");
        assertTrue(PipelineHealth.fast(build(BuildStatus.success, 600, "main"), 600), "at most the threshold");
        assertFalse(PipelineHealth.fast(build(BuildStatus.success, 601, "main"), 600));
        assertFalse(PipelineHealth.fast(build(BuildStatus.failure, 60, "main"), 600), "only successes are fast");
        assertFalse(PipelineHealth.finished(build(BuildStatus.in_progress, 60, "main")));
        assertFalse(PipelineHealth.onDefaultBranch(build(BuildStatus.in_progress, 60, "main")),
                "a running build is on no timeline yet");
        assertTrue(PipelineHealth.onDefaultBranch(build(BuildStatus.cancelled, 60, "master")));
        assertFalse(PipelineHealth.onDefaultBranch(build(BuildStatus.success, 60, "feature/x")));
        final BuildEvent skewed = BuildEvent.newBuilder(build(BuildStatus.success, 60, "main"))
                .setStartedAt(Instant.parse("2026-10-01T13:00:00Z")).build();
        assertEquals(0, PipelineHealth.durationSeconds(skewed), "a clock skew gives no negative duration");
    }

    @Test
    void ratesAndCoverage() {
        assertEquals(0.75, PipelineHealth.successRate(3, 1));
        assertNull(PipelineHealth.successRate(0, 0), "cancelled builds alone give no rate");
        assertEquals(0.5, PipelineHealth.underThreshold(1, 2));
        assertNull(PipelineHealth.underThreshold(0, 0));
        assertEquals(0.7, PipelineHealth.meanCoverage(List.of(0.6, 0.8)), 1e-12);
        assertNull(PipelineHealth.meanCoverage(List.of()));
        assertEquals(0.1, PipelineHealth.coverageChange(0.8, 0.7), 1e-12);
        assertNull(PipelineHealth.coverageChange(0.8, null));
        assertNull(PipelineHealth.coverageChange(null, 0.8));
    }
}
