package dev.dora.launcher.observability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dora.streams.query.WindowMetrics;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The DORA families as written: a null in the answer leaves the series out, never 0 or NaN; labels per scope. */
@Tag("unit")
class DoraGaugesTest {

    private static WindowMetrics metrics(final long deployments, final Double rate, final Double leadMedian,
                                         final Double leadP90) {
        return metrics(deployments, rate, leadMedian, leadP90, WindowMetrics.PipelineHealth.NONE);
    }

    private static WindowMetrics metrics(final long deployments, final Double rate, final Double leadMedian,
                                         final Double leadP90, final WindowMetrics.PipelineHealth pipeline) {
        return new WindowMetrics(new WindowMetrics.DeploymentFrequency(deployments, deployments / 30.0),
                new WindowMetrics.LeadTime(leadMedian == null ? 0 : 4, leadMedian, leadP90),
                new WindowMetrics.ChangeFailureRate(deployments, 1, rate),
                new WindowMetrics.TimeToRestore(0, null, null, 2),
                new WindowMetrics.FailedDeploymentRecoveryTime(0, null, null),
                new WindowMetrics.ReworkRate(deployments, 0, rate == null ? null : 0.0),
                new WindowMetrics.Incidents(0, new TreeMap<>(), 0, null, null),
                new WindowMetrics.DataQuality(0, 0, 0, 0L),
                pipeline,
                new WindowMetrics.Breakdowns(new TreeMap<>(), new TreeMap<>(), new TreeMap<>()));
    }

    private static Exposition write(final List<DoraScope> scopes) throws Exception {
        final MetricSnapshots snapshots = new DoraGauges(() -> scopes, "30d").collect();
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        ExpositionFormats.init().getPrometheusTextFormatWriter().write(out, snapshots);
        return Exposition.parse(out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void nothingToMeasureMeansNoSeries() throws Exception {
        final Exposition written = write(List.of(
                DoraScope.service("checkout", "commerce", metrics(12, 0.25, 3600.0, 7200.0)),
                DoraScope.service("edge-proxy", null, metrics(0, null, null, null)),
                DoraScope.team("commerce", metrics(12, 0.25, 3600.0, 7200.0)),
                DoraScope.organisation(metrics(12, 0.25, 3600.0, 7200.0))));
        final Map<String, String> checkout = Map.of("scope", "service", "service", "checkout", "team", "commerce",
                "window", "30d");
        final Map<String, String> edge = Map.of("scope", "service", "service", "edge-proxy", "window", "30d");
        assertEquals(Optional.of(12.0), written.value("dora_deployments", checkout));
        assertEquals(Optional.of(0.0), written.value("dora_deployments", edge), "no deployments is a count: 0");
        assertEquals(Optional.of(0.0), written.value("dora_deployments_per_day", edge));
        assertEquals(Optional.empty(), written.value("dora_change_failure_rate", edge), "no rate without deployments");
        assertEquals(Optional.empty(), written.value("dora_rework_rate", edge));
        assertEquals(Optional.of(2.0), written.value("dora_open_incidents", edge));
        assertTrue(written.samples("dora_lead_time_seconds").stream()
                .noneMatch(s -> "edge-proxy".equals(s.labels().get("service"))), "no lead time without samples");
        assertTrue(written.samples().stream().noneMatch(s -> Double.isNaN(s.value())), "never NaN");
        assertEquals(Optional.of(7200.0), written.value("dora_lead_time_seconds",
                Map.of("scope", "team", "team", "commerce", "window", "30d", "quantile", "0.9")));
        assertEquals(Optional.of(3600.0), written.value("dora_lead_time_seconds",
                Map.of("scope", "organisation", "window", "30d", "quantile", "0.5")));
        assertEquals(Optional.of("summary"), written.type("dora_lead_time_seconds"));
        assertTrue(written.samples("dora_time_to_restore_seconds").isEmpty(), "no family without any series");
        assertTrue(written.samples().stream().noneMatch(s -> s.name().endsWith("_count") || s.name().endsWith("_sum")),
                "exactly the documented families");
    }

    @Test
    void pipelineHealthHasItsGaugesAndNoRateWithoutBuilds() throws Exception {
        final WindowMetrics.PipelineHealth checkout = new WindowMetrics.PipelineHealth(40, 36, 3, 1, 36 / 39.0, 40,
                420.0, 900.0, 0.75, new WindowMetrics.BrokenDefaultBranch(2, 5400.0, 1),
                new WindowMetrics.Coverage(0.81, 0.02));
        final Exposition written = write(List.of(
                DoraScope.service("checkout", "commerce", metrics(12, 0.25, 3600.0, 7200.0, checkout)),
                DoraScope.service("edge-proxy", null, metrics(0, null, null, null))));
        final Map<String, String> labels = Map.of("scope", "service", "service", "checkout", "team", "commerce",
                "window", "30d");
        final Map<String, String> edge = Map.of("scope", "service", "service", "edge-proxy", "window", "30d");
        assertEquals(Optional.of(40.0), written.value("dora_builds", labels));
        assertEquals(Optional.of(36 / 39.0), written.value("dora_build_success_rate", labels));
        assertEquals(Optional.of(0.75), written.value("dora_build_fast_rate", labels));
        assertEquals(Optional.of(1.0), written.value("dora_default_branch_broken", labels));
        assertEquals(Optional.of(0.81), written.value("dora_build_coverage", labels));
        final Map<String, String> median = new HashMap<>(labels);
        median.put("quantile", "0.5");
        assertEquals(Optional.of(420.0), written.value("dora_build_duration_seconds", median));
        median.put("quantile", "0.9");
        assertEquals(Optional.of(900.0), written.value("dora_build_duration_seconds", median));
        assertEquals(Optional.of("summary"), written.type("dora_build_duration_seconds"));
        assertEquals(Optional.of(0.0), written.value("dora_builds", edge), "no builds is a count: 0");
        assertEquals(Optional.of(0.0), written.value("dora_default_branch_broken", edge));
        assertEquals(Optional.empty(), written.value("dora_build_success_rate", edge), "no rate without builds");
        assertEquals(Optional.empty(), written.value("dora_build_coverage", edge), "no coverage reported");
        assertTrue(written.samples("dora_build_duration_seconds").stream()
                .noneMatch(s -> "edge-proxy".equals(s.labels().get("service"))), "no duration without builds");
    }

    @Test
    void beforeTheFirstRefreshThereIsNothing() throws Exception {
        assertTrue(write(List.of()).samples().isEmpty());
    }
}
