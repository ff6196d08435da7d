package dev.dora.streams.topology;

import static dev.dora.streams.topology.PipelineDriver.commit;
import static dev.dora.streams.topology.PipelineDriver.deployment;
import static dev.dora.streams.topology.PipelineDriver.incidentBuilder;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.dora.events.DeploymentEvent;
import dev.dora.events.DeploymentStrategy;
import dev.dora.events.IncidentEvent;
import dev.dora.events.Severity;
import dev.dora.streams.model.MetricsAnswer;
import dev.dora.streams.model.ReferenceModel;
import dev.dora.streams.query.WindowMetrics.SeverityBreakdown;
import dev.dora.streams.query.WindowMetrics.StrategyBreakdown;
import dev.dora.streams.query.WindowMetrics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The metrics by incident severity and by deployment strategy, on a small hand-built history of one service. */
@Tag("topology")
class BreakdownsTopologyTest {

    private static final Instant T0 = Instant.parse("2026-10-01T00:00:00Z");
    private static final Instant FROM = Instant.parse("2026-09-01T00:00:00Z");
    private static final Instant TO = Instant.parse("2026-11-01T00:00:00Z");
    private static final double HOUR = 3_600.0;

    private static Instant h(final double hours) {
        return T0.plus(Duration.ofMinutes(Math.round(hours * 60)));
    }

    private static final DeploymentEvent D2 = deployment("d2", "shop", "c", h(10))
            .setStrategy(DeploymentStrategy.canary).build();
    private static final DeploymentEvent D4 = deployment("d4", "shop", "f", h(50)).setStrategy(null).build();
    private static final IncidentEvent I3 = incidentBuilder("i3", "shop", h(100), h(104))
            .setSeverity(Severity.SEV1).build();

    /**
     * a ← b ← c ← d ← e ← f ← g. d1 ships a (baseline, canary); d2 ships c (canary: 9 h and 8 h); d3 ships e
     * (blue-green: 17 h and 16 h); d4 ships f, naming no strategy (5 h), alone on its day; d5 is a canary hotfix
     * shipping g (2 h). i1 (SEV1, 2 h to restore) names d2 as its cause, recovered 3 h after d2; i2 (SEV2, 1 h)
     * names d3, recovered 11 h after d3; i3 (SEV1, 4 h) and i4 (no severity, 30 min) come too long after any
     * deployment to be charged to one.
     */
    private static List<SpecificRecord> history() {
        return List.of(
                commit("shop", "a", h(0)),
                commit("shop", "b", h(1), "a"),
                commit("shop", "c", h(2), "b"),
                commit("shop", "d", h(3), "c"),
                commit("shop", "e", h(4), "d"),
                commit("shop", "f", h(45), "e"),
                commit("shop", "g", h(73), "f"),
                deployment("d1", "shop", "a", h(5)).setStrategy(DeploymentStrategy.canary).build(),
                D2,
                deployment("d3", "shop", "e", h(20)).setStrategy(DeploymentStrategy.blue_green).build(),
                D4,
                deployment("d5", "shop", "g", h(75)).setStrategy(DeploymentStrategy.canary).setHotfix(true).build(),
                incidentBuilder("i1", "shop", h(11), h(13)).setSeverity(Severity.SEV1).setCauseDeploymentId("d2").build(),
                incidentBuilder("i2", "shop", h(30), h(31)).setSeverity(Severity.SEV2).setCauseDeploymentId("d3").build(),
                I3,
                incidentBuilder("i4", "shop", h(120), h(120.5)).build());
    }

    /** Later corrections: d2 was a blue-green deployment, i3 a SEV2, and d4 not a production deployment at all. */
    private static List<SpecificRecord> corrections() {
        return List.of(
                DeploymentEvent.newBuilder(D2).setStrategy(DeploymentStrategy.blue_green)
                        .setOccurredAt(D2.getOccurredAt().plusSeconds(3_600)).build(),
                IncidentEvent.newBuilder(I3).setSeverity(Severity.SEV2)
                        .setOccurredAt(I3.getOccurredAt().plusSeconds(3_600)).build(),
                DeploymentEvent.newBuilder(D4).setEnvironment("staging")
                        .setOccurredAt(D4.getOccurredAt().plusSeconds(3_600)).build());
    }

    private static WindowMetrics shop(final PipelineDriver driver) {
        return driver.metrics("shop", null, FROM, TO);
    }

    private static void assertQuantile(final Double expected, final Double actual, final String what) {
        if (expected == null) {
            assertNull(actual, what);
        } else {
            assertNotNull(actual, what);
            assertEquals(expected, actual, expected * 0.01, what);
        }
    }

    private static void assertSeverity(final WindowMetrics m, final String severity, final long opened,
                                       final long resolved, final Double median, final Double p90) {
        final SeverityBreakdown s = m.breakdowns().severity().get(severity);
        assertNotNull(s, severity + " in " + m.breakdowns().severity());
        assertEquals(opened, s.incidentsOpened(), severity + " opened");
        assertEquals(resolved, s.incidentsResolved(), severity + " resolved");
        assertQuantile(median, s.restoreMedianSeconds(), severity + " restore median");
        assertQuantile(p90, s.restoreP90Seconds(), severity + " restore p90");
    }

    @Test
    void bySeverityAndByStrategyOnAHandBuiltHistory() {
        try (PipelineDriver driver = new PipelineDriver().pipe(history())) {
            final WindowMetrics m = shop(driver);
            assertEquals(5, m.deploymentFrequency().deployments());
            assertEquals(2, m.changeFailureRate().failed());
            assertEquals(Set.of("SEV1", "SEV2", "unspecified"), m.breakdowns().severity().keySet());
            assertSeverity(m, "SEV1", 2, 2, 2 * HOUR, 4 * HOUR);
            assertSeverity(m, "SEV2", 1, 1, 1 * HOUR, 1 * HOUR);
            assertSeverity(m, "unspecified", 1, 1, 0.5 * HOUR, 0.5 * HOUR);

            assertEquals(Set.of("canary", "blue_green", "unspecified"), m.breakdowns().strategy().keySet());
            final StrategyBreakdown canary = m.breakdowns().strategy().get("canary");
            assertEquals(3, canary.deployments());
            assertEquals(1, canary.failedDeployments());
            assertEquals(1.0 / 3, canary.changeFailureRate());
            assertEquals(1, canary.reworkDeployments());
            assertEquals(1.0 / 3, canary.reworkRate());
            assertEquals(3, canary.leadTimeSamples()); // the baseline d1 has none
            assertQuantile(8 * HOUR, canary.leadTimeMedianSeconds(), "canary lead-time median");
            assertQuantile(9 * HOUR, canary.leadTimeP90Seconds(), "canary lead-time p90");
            assertEquals(1, canary.recoverySamples());
            assertQuantile(3 * HOUR, canary.recoveryMedianSeconds(), "canary recovery median");
            final StrategyBreakdown blueGreen = m.breakdowns().strategy().get("blue_green");
            assertEquals(1, blueGreen.deployments());
            assertEquals(1.0, blueGreen.changeFailureRate());
            assertEquals(0.0, blueGreen.reworkRate());
            assertQuantile(16 * HOUR, blueGreen.leadTimeMedianSeconds(), "blue-green lead-time median");
            assertQuantile(17 * HOUR, blueGreen.leadTimeP90Seconds(), "blue-green lead-time p90");
            assertQuantile(11 * HOUR, blueGreen.recoveryP90Seconds(), "blue-green recovery p90");
            final StrategyBreakdown unspecified = m.breakdowns().strategy().get("unspecified");
            assertEquals(1, unspecified.deployments());
            assertEquals(0.0, unspecified.changeFailureRate());
            assertQuantile(5 * HOUR, unspecified.leadTimeMedianSeconds(), "unspecified lead-time median");
            assertEquals(0, unspecified.recoverySamples());
            assertNull(unspecified.recoveryMedianSeconds());
            ConvergenceTest.assertSumsToTotals(m, "before the corrections");
            assertNotNull(driver.dayBucket("shop", D4.getFinishedAt()));
        }
    }

    @Test
    void lateCorrectionsMoveADeploymentAndAnIncidentBetweenKeys() {
        final List<SpecificRecord> events = new ArrayList<>(history());
        events.addAll(corrections());
        try (PipelineDriver driver = new PipelineDriver().pipe(history()).pipe(corrections())) {
            final WindowMetrics m = shop(driver);
            assertEquals(4, m.deploymentFrequency().deployments());
            assertSeverity(m, "SEV1", 1, 1, 2 * HOUR, 2 * HOUR);
            assertSeverity(m, "SEV2", 2, 2, 1 * HOUR, 4 * HOUR);

            // d4 left production: its strategy has no entry at all, and its day no bucket
            assertEquals(Set.of("canary", "blue_green"), m.breakdowns().strategy().keySet());
            assertNull(driver.dayBucket("shop", D4.getFinishedAt()), "d4's day bucket is deleted once empty");
            final StrategyBreakdown canary = m.breakdowns().strategy().get("canary");
            assertEquals(2, canary.deployments());
            assertEquals(0, canary.failedDeployments());
            assertEquals(0.0, canary.changeFailureRate());
            assertEquals(0.5, canary.reworkRate());
            assertEquals(2, canary.leadTimeSamples()); // with f undelivered now, d5 delivers f (30 h) and g (2 h)
            assertQuantile(2 * HOUR, canary.leadTimeMedianSeconds(), "canary lead-time median");
            assertQuantile(30 * HOUR, canary.leadTimeP90Seconds(), "canary lead-time p90");
            assertEquals(0, canary.recoverySamples());
            final StrategyBreakdown blueGreen = m.breakdowns().strategy().get("blue_green");
            assertEquals(2, blueGreen.deployments());
            assertEquals(2, blueGreen.failedDeployments());
            assertEquals(1.0, blueGreen.changeFailureRate());
            assertEquals(4, blueGreen.leadTimeSamples());
            assertQuantile(9 * HOUR, blueGreen.leadTimeMedianSeconds(), "blue-green lead-time median");
            assertQuantile(17 * HOUR, blueGreen.leadTimeP90Seconds(), "blue-green lead-time p90");
            assertEquals(2, blueGreen.recoverySamples());
            assertQuantile(3 * HOUR, blueGreen.recoveryMedianSeconds(), "blue-green recovery median");
            assertQuantile(11 * HOUR, blueGreen.recoveryP90Seconds(), "blue-green recovery p90");
            ConvergenceTest.assertSumsToTotals(m, "after the corrections");

            // the reference model, given the same events in one batch, agrees
            final MetricsAnswer expected = ReferenceModel.defaults().load(events).metrics("shop", null, FROM, TO);
            ConvergenceTest.assertBreakdownsMatch(expected, m, "shop");
        }
    }

    @Test
    void correctionsArrivingFirstGiveTheSameBreakdowns() {
        final WindowMetrics inOrder;
        try (PipelineDriver driver = new PipelineDriver().pipe(history()).pipe(corrections())) {
            inOrder = shop(driver);
        }
        try (PipelineDriver driver = new PipelineDriver().pipe(corrections()).pipe(history())) {
            final WindowMetrics reversed = shop(driver);
            assertEquals(inOrder.breakdowns().severity(), reversed.breakdowns().severity());
            assertEquals(inOrder.breakdowns().strategy(), reversed.breakdowns().strategy());
        }
    }
}
