package dev.dora.streams.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.dora.facts.FailureRule;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The four failure rules and their precedence, without Kafka. */
@Tag("unit")
class FailureAttributionTest {

    private static final long HOUR = 3_600_000L;
    private static final long WINDOW = 24 * HOUR;

    private static FailureRule rule(final List<String> byDeployment, final List<String> bySha,
                                    final List<String> inWindow, final List<String> rollbacks) {
        return FailureAttribution.rule(new FailureAttribution.Evidence(byDeployment, bySha, inWindow, rollbacks));
    }

    @Test
    void theFirstRuleThatHoldsIsReported() {
        assertNull(rule(List.of(), List.of(), List.of(), List.of()));
        assertEquals(FailureRule.rollback, rule(List.of(), List.of(), List.of(), List.of("r")));
        assertEquals(FailureRule.time_window, rule(List.of(), List.of(), List.of("i"), List.of("r")));
        assertEquals(FailureRule.cause_sha, rule(List.of(), List.of("i"), List.of("j"), List.of("r")));
        assertEquals(FailureRule.cause_deployment_id, rule(List.of("i"), List.of("i"), List.of("j"), List.of("r")));
    }

    @Test
    void aPairChargedByTwoRulesKeepsTheEarlierOne() {
        assertEquals(FailureRule.cause_deployment_id,
                FailureAttribution.first(FailureRule.cause_sha, FailureRule.cause_deployment_id));
        assertEquals(FailureRule.cause_sha, FailureAttribution.first(FailureRule.cause_sha, FailureRule.time_window));
    }

    @Test
    void theWindowIncludesBothEndsAndStopsWhereTheNextDeploymentFinished() {
        assertEquals(new FailureAttribution.TimeRange(0, WINDOW), FailureAttribution.timeWindow(0, null, WINDOW));
        assertEquals(new FailureAttribution.TimeRange(0, 2 * HOUR - 1),
                FailureAttribution.timeWindow(0, 2 * HOUR, WINDOW), "the next deployment takes its own millisecond");
        assertNull(FailureAttribution.timeWindow(5, 5L, WINDOW), "a deployment finishing at the same instant");
        assertEquals(new FailureAttribution.TimeRange(7, 7), FailureAttribution.timeWindow(7, null, 0));
    }

    /**
     * The rule seen from a deployment (which incidents fall in its window) and from an incident (is it within the
     * window of the last deployment at or before it) agree, for any timeline and any opening time.
     */
    @Test
    void bothViewsOfTheTimeWindowAgree() {
        final Random random = new Random(42);
        for (int trial = 0; trial < 10_000; trial++) {
            final long first = random.nextInt(100);
            final long second = first + random.nextInt(100);
            final long window = random.nextInt(80);
            final long opened = random.nextInt(250);
            final long last = opened >= second ? second : opened >= first ? first : -1;
            final boolean byIncident = last >= 0 && FailureAttribution.chargedByTime(last, opened, window);
            final FailureAttribution.TimeRange ofFirst = FailureAttribution.timeWindow(first, second, window);
            final FailureAttribution.TimeRange ofSecond = FailureAttribution.timeWindow(second, null, window);
            final boolean byDeployment = contains(ofFirst, opened) || contains(ofSecond, opened);
            assertEquals(byIncident, byDeployment, "first=" + first + " second=" + second + " window=" + window
                    + " opened=" + opened);
        }
    }

    private static boolean contains(final FailureAttribution.TimeRange range, final long at) {
        return range != null && range.first() <= at && at <= range.last();
    }
}
