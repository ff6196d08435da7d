package dev.dora.ingest.github;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dora.events.BuildEvent;
import dev.dora.events.BuildStatus;
import dev.dora.ingest.CanonicalEvents;
import dev.dora.ingest.InvalidEventException;
import dev.dora.ingest.catalog.ServiceCatalog;
import dev.dora.ingest.webhook.Mapping;
import dev.dora.ingest.webhook.WebhookRequest;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** GitHub's {@code workflow_run} webhook as builds, on octokit's documented payload and states derived from it. */
@Tag("unit")
class WorkflowRunsTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String HEAD = "3484a3fb816e0859fd6e1cea078d76385ff50625";
    private static final ServiceCatalog CATALOG = new ServiceCatalog(List.of(new ServiceCatalog.Entry(
            "storefront", "retail", List.of("octo-org/octo-repo"), List.of(), List.of(), "master")), List.of());

    private final GitHubSource source = new GitHubSource();

    @Test
    void aSuccessfulRunOfGitHubsExampleIsASuccessfulBuild() throws IOException {
        final Mapping mapping = map(GitHubSourceTest.fixture("workflow_run.completed.json"), ServiceCatalog.empty());

        assertEquals(List.of("octo-repo"), mapping.unmappedServices());
        final Instant at = Instant.parse("2020-10-05T16:33:49Z");
        assertEquals(BuildEvent.newBuilder()
                .setId("289782451-1").setService("octo-repo").setTeam(null).setSource("github")
                .setOccurredAt(at).setStatus(BuildStatus.success).setStartedAt(at).setFinishedAt(at)
                .setBranch("master").setSha(HEAD)
                // workflow_run.name is empty in GitHub's example: the workflow's own name stands in
                .setPipeline("test").setCoverage(null).setDefaultBranch(null)
                .build(), only(mapping));
    }

    @Test
    void theCatalogNamesTheServiceAndTeamAndNoAuthorIsRead() throws IOException {
        final Mapping mapping = map(GitHubSourceTest.fixture("workflow_run.completed.json"), CATALOG);
        final BuildEvent build = only(mapping);
        assertEquals(List.of(), mapping.unmappedServices());
        assertEquals("storefront", build.getService());
        assertEquals("retail", build.getTeam());
        assertNull(build.getDefaultBranch(), "stamped by the ingest edge after validation, not by the mapping");
        final String stored = build + CanonicalEvents.toJson(build).toString();
        for (final String personal : List.of("Matthias", "matfax", "Codertocat", "noreply")) {
            assertFalse(stored.contains(personal), stored);
        }
    }

    @Test
    void aRunInProgressIsARunningBuildOfTheSameAttempt() throws IOException {
        final BuildEvent build = only(map(GitHubSourceTest.fixture("workflow_run.in_progress.json"), CATALOG));
        assertEquals("289782451-1", build.getId());
        assertEquals(BuildStatus.in_progress, build.getStatus());
        assertEquals(Instant.parse("2020-10-05T16:33:49Z"), build.getStartedAt());
        assertNull(build.getFinishedAt());
    }

    @Test
    void aTimedOutReRunIsAFailedBuildOfItsOwn() throws IOException {
        final BuildEvent build = only(map(GitHubSourceTest.fixture("workflow_run.completed-timed_out.json"),
                CATALOG));
        assertEquals("289782451-2", build.getId());
        assertEquals(BuildStatus.failure, build.getStatus());
        assertEquals(Instant.parse("2020-10-05T17:02:10Z"), build.getStartedAt());
        assertEquals(Instant.parse("2020-10-05T17:08:10Z"), build.getFinishedAt());
        assertEquals(build.getFinishedAt(), build.getOccurredAt());
    }

    @Test
    void aCancelledRunIsACancelledBuildOnItsBranch() throws IOException {
        final BuildEvent build = only(map(GitHubSourceTest.fixture("workflow_run.completed-cancelled.json"),
                CATALOG));
        assertEquals(BuildStatus.cancelled, build.getStatus());
        assertEquals("feature/checkout", build.getBranch());
        assertEquals(Instant.parse("2020-10-05T16:35:02Z"), build.getFinishedAt());
    }

    @Test
    void aFailureIsAFailure() throws IOException {
        assertEquals(BuildStatus.failure, only(map(run(r -> r.put("conclusion", "failure")), CATALOG)).getStatus());
    }

    @ParameterizedTest
    @ValueSource(strings = {"skipped", "neutral", "action_required", "stale", "startup_failure"})
    void otherConclusionsAreIgnoredNamingThem(final String conclusion) throws IOException {
        final Mapping mapping = map(run(r -> r.put("conclusion", conclusion)), CATALOG);
        assertEquals(List.of(), mapping.events());
        assertEquals("workflow run 289782451-1 concluded '" + conclusion + "', which is neither a success, a"
                + " failure nor a cancellation", mapping.ignored());
    }

    @Test
    void aRequestedRunIsIgnored() throws IOException {
        final ObjectNode requested = GitHubSourceTest.fixture("workflow_run.in_progress.json").put("action",
                "requested");
        assertEquals("workflow_run action 'requested' is not mapped (only in_progress and completed)",
                map(requested, CATALOG).ignored());
    }

    @Test
    void thePipelineIsTheRunsNameElseTheWorkflowsElseItsPathElseCi() throws IOException {
        assertEquals("CI / build", only(map(run(r -> r.put("name", "CI / build")), CATALOG)).getPipeline());
        final ObjectNode withoutWorkflow = run(r -> { });
        withoutWorkflow.remove("workflow");
        assertEquals(".github/workflows/test.yml", only(map(withoutWorkflow, CATALOG)).getPipeline());
        ((ObjectNode) withoutWorkflow.get("workflow_run")).remove("path");
        assertEquals("ci", only(map(withoutWorkflow, CATALOG)).getPipeline());
    }

    @Test
    void withoutRunStartedAtTheRunStartsWhenItWasCreatedAndWithoutAttemptItIsTheFirst() throws IOException {
        final BuildEvent build = only(map(run(r -> {
            r.remove("run_started_at");
            r.remove("run_attempt");
        }), CATALOG));
        assertEquals(Instant.parse("2020-10-05T16:33:24Z"), build.getStartedAt());
        assertEquals("289782451-1", build.getId());
    }

    @Test
    void aRunWithoutHeadBranchIsIgnored() throws IOException {
        assertEquals("workflow run 289782451-1 names no head_branch",
                map(run(r -> r.putNull("head_branch")), CATALOG).ignored());
    }

    @Test
    void malformedRunsAreRefusedNamingTheField() {
        assertEquals("workflow_run.updated_at", refused(r -> r.remove("updated_at")));
        assertEquals("workflow_run.head_sha", refused(r -> r.put("head_sha", "3484a3f")));
        assertEquals("workflow_run.run_started_at", refused(r -> r.put("run_started_at", "yesterday")));
        assertEquals("workflow_run.id", refused(r -> r.remove("id")));
    }

    private String refused(final Consumer<ObjectNode> change) {
        return assertThrows(InvalidEventException.class, () -> map(run(change), CATALOG)).field();
    }

    /** GitHub's example run with a change to its {@code workflow_run}. */
    private static ObjectNode run(final Consumer<ObjectNode> change) throws IOException {
        final ObjectNode payload = GitHubSourceTest.fixture("workflow_run.completed.json");
        change.accept((ObjectNode) payload.get("workflow_run"));
        return payload;
    }

    private Mapping map(final ObjectNode payload, final ServiceCatalog catalog) throws IOException {
        return source.map(new WebhookRequest(Map.of(GitHubSource.EVENT_HEADER, "workflow_run", "Content-Type",
                "application/json"), MAPPER.writeValueAsBytes(payload)), catalog);
    }

    /** The one build of a mapping, checked to be a valid canonical event unchanged by the canonical contract. */
    private static BuildEvent only(final Mapping mapping) {
        assertNull(mapping.ignored(), mapping.ignored());
        assertEquals(1, mapping.events().size());
        final BuildEvent build = (BuildEvent) mapping.events().get(0);
        assertEquals(build, CanonicalEvents.parse(CanonicalEvents.toJson(build)));
        assertTrue(build.getFinishedAt() == null || !build.getFinishedAt().isBefore(build.getStartedAt()));
        return build;
    }
}
