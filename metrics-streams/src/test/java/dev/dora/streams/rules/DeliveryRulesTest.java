package dev.dora.streams.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dora.events.ChangeEvent;
import dev.dora.events.DeploymentEvent;
import dev.dora.events.DeploymentStatus;
import dev.dora.events.IncidentEvent;
import dev.dora.events.IncidentStatus;
import dev.dora.streams.config.HotfixRule;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Lead time, recovery, rework and the incident durations, without Kafka. */
@Tag("unit")
class DeliveryRulesTest {

    private static final Instant T = Instant.parse("2026-10-01T12:00:00Z");

    @Test
    void leadTimeIsTruncatedToSecondsAndDropsSkewAndBaselines() {
        assertEquals(3_600L, LeadTime.sampleSeconds(false, T, T.minusSeconds(3_600).minusMillis(999)));
        assertEquals(0L, LeadTime.sampleSeconds(false, T, T.minusMillis(999)));
        assertNull(LeadTime.sampleSeconds(false, T, T.plusMillis(1)), "a commit younger than its deployment: clock skew");
        assertNull(LeadTime.sampleSeconds(true, T, T.minusSeconds(60)), "a baseline yields no sample");
        assertEquals(2, LeadTime.samples(false, T, List.of(change("a", null), change("b", null))).getTotalCount());
    }

    @Test
    void recoveryWaitsForTheLastChargedIncident() {
        final long finished = T.toEpochMilli();
        assertEquals(7_200L, Recovery.seconds(finished, List.of(finished + 3_600_000, finished + 7_200_000), false,
                null));
        assertNull(Recovery.seconds(finished, Arrays.asList(finished + 3_600_000, null), true, finished + 60_000),
                "one charged incident still open: not recovered, whatever rolled it back");
        assertEquals(60L, Recovery.seconds(finished, List.of(), true, finished + 60_000), "rolled back: the next one");
        assertNull(Recovery.seconds(finished, List.of(), true, null), "rolled back, nothing deployed since");
        assertNull(Recovery.seconds(finished, List.of(finished - 1), false, null), "negative: no sample");
    }

    @Test
    void reworkIsARollbackAHotfixFlagOrADeliveredHotfixUnlessBaseline() {
        final HotfixRule rule = HotfixRule.defaults();
        final List<ChangeEvent> hotfix = List.of(change("h", "hotfix/login"));
        assertTrue(Rework.isRework(deployment().setRollbackOf("d0").build(), false, List.of(), rule));
        assertTrue(Rework.isRework(deployment().setHotfix(true).build(), true, List.of(), rule));
        assertTrue(Rework.isRework(deployment().build(), false, hotfix, rule));
        assertFalse(Rework.isRework(deployment().build(), true, hotfix, rule), "a baseline's old hotfixes");
        assertFalse(Rework.isRework(deployment().build(), false, List.of(change("f", "feature/x")), rule));
    }

    @Test
    void incidentDurations() {
        final IncidentEvent resolved = IncidentEvent.newBuilder().setId("i").setService("s").setOccurredAt(T)
                .setEnvironment("production").setStatus(IncidentStatus.resolved).setOpenedAt(T)
                .setResolvedAt(T.plusSeconds(90).plusMillis(500)).setDetectedAt(T.plusSeconds(30)).build();
        assertEquals(90L, IncidentTimes.restoreSeconds(resolved));
        assertEquals(30L, IncidentTimes.detectSeconds(resolved));
        assertEquals(3_600L, IncidentTimes.sincePreviousSeconds(resolved, T.minusSeconds(3_600).toEpochMilli()));
        assertNull(IncidentTimes.sincePreviousSeconds(resolved, null));
        final IncidentEvent open = IncidentEvent.newBuilder(resolved).setStatus(IncidentStatus.open).build();
        assertNull(IncidentTimes.restoreSeconds(open), "an open incident has not been restored, whatever resolvedAt says");
        assertEquals(0L, IncidentTimes.restoreSeconds(IncidentEvent.newBuilder(resolved)
                .setResolvedAt(T.minusSeconds(5)).build()), "resolved before it opened counts as no time");
    }

    private static DeploymentEvent.Builder deployment() {
        return DeploymentEvent.newBuilder().setId("d").setService("s").setOccurredAt(T).setEnvironment("production")
                .setStatus(DeploymentStatus.success).setFinishedAt(T);
    }

    static ChangeEvent change(final String name, final String branch) {
        final String sha = String.format("%40s", name).replace(' ', '0');
        return ChangeEvent.newBuilder().setId(sha).setSha(sha).setService("s").setOccurredAt(T.minusSeconds(600))
                .setCommittedAt(T.minusSeconds(600)).setParents(List.of()).setBranch(branch).build();
    }
}
