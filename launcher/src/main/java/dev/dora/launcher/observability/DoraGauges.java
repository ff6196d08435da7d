package dev.dora.launcher.observability;

import dev.dora.streams.query.WindowMetrics;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Quantile;
import io.prometheus.metrics.model.snapshots.Quantiles;
import io.prometheus.metrics.model.snapshots.SummarySnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The DORA series of {@code GET /metrics}, written from the scopes the refresher read last: a scrape only formats
 * numbers already computed. A metric that has nothing to measure in a scope (the API answers {@code null}) has no
 * series for that scope: not 0, not NaN. Quantiles are summaries, so that {@code quantile} is a label Prometheus
 * tooling accepts; they carry no {@code _count} or {@code _sum}, so the families are exactly those documented.
 */
final class DoraGauges implements MultiCollector {

    /** A gauge per scope, or none where the value is null. */
    private record Gauge(String name, String help, Function<WindowMetrics, Number> value) {
    }

    /** The median and 90th percentile of a distribution, as {@code quantile="0.5"} and {@code "0.9"}. */
    private record Percentiles(String name, String help, Function<WindowMetrics, Double> median,
                               Function<WindowMetrics, Double> p90) {
    }

    private static final List<Gauge> GAUGES = List.of(
            new Gauge("dora_deployments", "Production deployments in the rolling window (deploymentFrequency.deployments)",
                    m -> m.deploymentFrequency().deployments()),
            new Gauge("dora_deployments_per_day",
                    "Production deployments per day of the rolling window (deploymentFrequency.perDay)",
                    m -> m.deploymentFrequency().perDay()),
            new Gauge("dora_change_failure_rate",
                    "Share of the window's production deployments that are failed changes (changeFailureRate.rate)",
                    m -> m.changeFailureRate().rate()),
            new Gauge("dora_rework_rate",
                    "Share of the window's production deployments that are rollbacks or hotfixes (reworkRate.rate)",
                    m -> m.reworkRate().rate()),
            new Gauge("dora_open_incidents", "Production incidents open at the end of the window "
                    + "(timeToRestore.openIncidents)", m -> m.timeToRestore().openIncidents()),
            new Gauge("dora_builds", "CI builds that finished in the rolling window, every pipeline (pipelineHealth.runs)",
                    m -> m.pipelineHealth().runs()),
            new Gauge("dora_build_success_rate", "Share of the window's succeeded and failed builds that succeeded "
                    + "(pipelineHealth.successRate)", m -> m.pipelineHealth().successRate()),
            new Gauge("dora_build_fast_rate", "Share of the window's successful builds that took at most "
                    + "the fast-build threshold, 10 minutes by default (pipelineHealth.under10Minutes)",
                    m -> m.pipelineHealth().under10Minutes()),
            new Gauge("dora_default_branch_broken", "Pipelines whose default branch is broken now: episodes open at "
                    + "the end of the window (pipelineHealth.brokenDefaultBranch.openNow)",
                    m -> m.pipelineHealth().brokenDefaultBranch().openNow()),
            new Gauge("dora_build_coverage", "The latest line coverage reported in the window, 0 to 1 "
                    + "(pipelineHealth.coverage.latest)", m -> m.pipelineHealth().coverage().latest()));

    private static final List<Percentiles> PERCENTILES = List.of(
            new Percentiles("dora_lead_time_seconds",
                    "Lead time for changes delivered in the rolling window, from commit to production (leadTime)",
                    m -> m.leadTime().medianSeconds(), m -> m.leadTime().p90Seconds()),
            new Percentiles("dora_time_to_restore_seconds",
                    "Time to restore service of production incidents resolved in the rolling window (timeToRestore)",
                    m -> m.timeToRestore().medianSeconds(), m -> m.timeToRestore().p90Seconds()),
            new Percentiles("dora_failed_deployment_recovery_seconds",
                    "Failed deployment recovery time of the window's failed changes (failedDeploymentRecoveryTime)",
                    m -> m.failedDeploymentRecoveryTime().medianSeconds(),
                    m -> m.failedDeploymentRecoveryTime().p90Seconds()),
            new Percentiles("dora_build_duration_seconds",
                    "Duration of the CI builds that finished in the rolling window, start to finish (pipelineHealth)",
                    m -> m.pipelineHealth().durationMedianSeconds(), m -> m.pipelineHealth().durationP90Seconds()));

    /** Every family this collector may write. */
    static final List<String> NAMES = names();

    private final Supplier<List<DoraScope>> scopes;
    private final String window;

    /**
     * @param scopes the scopes read last (an empty list before the first refresh)
     * @param window the {@code window} label, e.g. {@code 30d}
     */
    DoraGauges(final Supplier<List<DoraScope>> scopes, final String window) {
        this.scopes = scopes;
        this.window = window;
    }

    @Override
    public MetricSnapshots collect() {
        final List<DoraScope> current = scopes.get();
        final List<MetricSnapshot> families = new ArrayList<>();
        for (final Gauge gauge : GAUGES) {
            final GaugeSnapshot.Builder family = GaugeSnapshot.builder().name(gauge.name()).help(gauge.help());
            boolean any = false;
            for (final DoraScope scope : current) {
                final Number value = gauge.value().apply(scope.metrics());
                if (value != null) {
                    family.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(scope.labels(window))
                            .value(value.doubleValue()).build());
                    any = true;
                }
            }
            if (any) {
                families.add(family.build());
            }
        }
        for (final Percentiles percentiles : PERCENTILES) {
            final SummarySnapshot.Builder family = SummarySnapshot.builder().name(percentiles.name())
                    .help(percentiles.help());
            boolean any = false;
            for (final DoraScope scope : current) {
                final Double median = percentiles.median().apply(scope.metrics());
                final Double p90 = percentiles.p90().apply(scope.metrics());
                if (median != null && p90 != null) {
                    family.dataPoint(SummarySnapshot.SummaryDataPointSnapshot.builder().labels(scope.labels(window))
                            .quantiles(Quantiles.of(new Quantile(0.5, median), new Quantile(0.9, p90))).build());
                    any = true;
                }
            }
            if (any) {
                families.add(family.build());
            }
        }
        return new MetricSnapshots(families);
    }

    @Override
    public List<String> getPrometheusNames() {
        return NAMES;
    }

    private static List<String> names() {
        final List<String> names = new ArrayList<>();
        GAUGES.forEach(g -> names.add(g.name()));
        PERCENTILES.forEach(p -> names.add(p.name()));
        return List.copyOf(names);
    }
}
