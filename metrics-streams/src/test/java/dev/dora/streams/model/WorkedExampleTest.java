package dev.dora.streams.model;

import static dev.dora.streams.model.Events.change;
import static dev.dora.streams.model.Events.deploy;
import static dev.dora.streams.model.Events.incident;
import static dev.dora.streams.model.Events.prod;
import static dev.dora.streams.model.Events.rollback;
import static dev.dora.streams.model.Events.shas;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The worked example of {@code docs/METRICS.md}, event for event. Every number printed in the document is
 * asserted here: if the semantics or the document change, this test says which one is now wrong.
 */
@Tag("unit")
class WorkedExampleTest {

    private static final String S = "checkout";

    private static Instant t(final String iso) {
        return Instant.parse(iso);
    }

    static List<SpecificRecord> history() {
        return List.of(
                change(S, "c1", t("2026-07-03T10:00:00Z")),
                change(S, "c2", t("2026-07-03T15:00:00Z"), "c1"),
                prod(S, "D1", t("2026-07-06T09:00:00Z"), "c2"),
                change(S, "c3", t("2026-07-06T11:00:00Z"), "c2"),
                change(S, "b1", t("2026-07-06T13:00:00Z"), "c3"),
                change(S, "b2", t("2026-07-07T09:30:00Z"), "b1"),
                change(S, "c4", t("2026-07-07T10:00:00Z"), "c3"),
                change(S, "m1", t("2026-07-07T14:00:00Z"), "c4", "b2"),
                deploy(S, "S1", "staging", t("2026-07-07T15:30:00Z"), "m1"),
                prod(S, "D2", t("2026-07-07T16:00:00Z"), "m1"),
                incident(S, "I1", t("2026-07-07T16:20:00Z"), t("2026-07-07T17:05:00Z"), null, "b2"),
                rollback(S, "R1", t("2026-07-07T16:30:00Z"), "c2", "D2"),
                change(S, "c5", t("2026-07-08T10:00:00Z"), "m1"),
                prod(S, "D3", t("2026-07-08T11:00:00Z"), "c5"),
                incident(S, "I2", t("2026-07-08T15:00:00Z"), t("2026-07-08T18:30:00Z"), null, null),
                incident(S, "I3", t("2026-07-12T20:00:00Z"), null, null, null));
    }

    @Test
    void numbersOfTheDocument() {
        final ReferenceModel model = ReferenceModel.defaults().load(history());
        final MetricsAnswer week = model.metrics(S, null, t("2026-07-06T00:00:00Z"), t("2026-07-13T00:00:00Z"));

        // deployment frequency
        assertEquals(4, week.deployments());
        assertEquals(4.0 / 7, week.perDay(), 1e-12);
        assertEquals("0.5714", String.format(java.util.Locale.ROOT, "%.4f", week.perDay()));

        // lead time
        assertEquals(List.of(3_600L, 7_200L, 21_600L, 23_400L, 97_200L, 104_400L), week.leadTimeSampleValues());
        assertEquals(6, week.leadTimeSamples());
        assertEquals(21_600.0, week.leadTimeMedianSeconds());
        assertEquals(104_400.0, week.leadTimeP90Seconds());

        // change failure rate
        assertEquals(2, week.failed());
        assertEquals(0.5, week.changeFailureRate());

        // time to restore
        assertEquals(List.of(2_700L, 12_600L), week.restoreSampleValues());
        assertEquals(2, week.incidents());
        assertEquals(2_700.0, week.restoreMedianSeconds());
        assertEquals(12_600.0, week.restoreP90Seconds());
        assertEquals(1, week.openIncidents());

        // the per-deployment table
        final DeploymentView d1 = model.deployments().get("D1");
        assertTrue(d1.baseline());
        assertEquals(Set.copyOf(shas("c1", "c2")), d1.deployedChanges());
        assertFalse(d1.failed());

        final DeploymentView d2 = model.deployments().get("D2");
        assertEquals(Set.copyOf(shas("c3", "b1", "b2", "c4", "m1")), d2.deployedChanges());
        assertEquals(List.of(7_200L, 21_600L, 23_400L, 97_200L, 104_400L), d2.leadTimeSamples());
        assertEquals(ReferenceModel.CAUSE_SHA, d2.rule()); // the rollback holds too, but cause_sha comes first

        final DeploymentView r1 = model.deployments().get("R1");
        assertEquals(Set.of(), r1.deployedChanges());
        assertNull(r1.rule());

        final DeploymentView d3 = model.deployments().get("D3");
        assertEquals(Set.copyOf(shas("c5")), d3.deployedChanges());
        assertEquals(List.of(3_600L), d3.leadTimeSamples());
        assertEquals(ReferenceModel.TIME_WINDOW, d3.rule());

        assertFalse(model.deployments().containsKey("S1"), "staging is not production");
        assertEquals(4, model.deployments().size());
    }

    @Test
    void pipelineHealthOfTheDocument() {
        final ReferenceModel model = ReferenceModel.defaults().load(history()).load(WorkedBuildsExample.builds());
        final PipelineHealthAnswer.Block week = model.pipelineHealth(S, null, t("2026-07-06T00:00:00Z"),
                t("2026-07-13T00:00:00Z")).total();
        assertEquals(8, week.runs(), "B1-B8; B0 finished the week before, B9 is still running");
        assertEquals(3, week.succeeded());
        assertEquals(4, week.failed());
        assertEquals(1, week.cancelled());
        assertEquals(3.0 / 7, week.successRate());
        assertEquals("0.4286", String.format(java.util.Locale.ROOT, "%.4f", week.successRate()));
        assertEquals(List.of(120L, 300L, 360L, 480L, 540L, 600L, 720L, 900L), week.durations());
        assertEquals(480.0, week.durationMedianSeconds());
        assertEquals(900.0, week.durationP90Seconds());
        assertEquals(2.0 / 3, week.under10Minutes());
        assertEquals(1, week.episodes());
        assertEquals(12_480.0, week.medianTimeToFixSeconds());
        assertEquals(1, week.openNow());
        assertEquals(0.82, week.coverageLatest());
        assertEquals(0.07, week.coverageChange(), 1e-12);
        final MetricsAnswer metrics = model.metrics(S, null, t("2026-07-06T00:00:00Z"), t("2026-07-13T00:00:00Z"));
        assertEquals(4, metrics.deployments(), "builds change none of the four keys");
    }
}
