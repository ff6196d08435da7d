package dev.dora.streams.query;

import java.util.SortedMap;

/**
 * Every metric of one scope, environment group and window, one block per metric. The blocks' component names are
 * the field names of every metrics answer ({@code GET /api/v1/metrics}, each bucket of {@code /metrics/series}, the
 * weekly report): a public contract, extended, never renamed. Quantiles are null without samples, rates null
 * without deployments (docs/METRICS.md).
 */
public record WindowMetrics(DeploymentFrequency deploymentFrequency, LeadTime leadTime,
                            ChangeFailureRate changeFailureRate, TimeToRestore timeToRestore,
                            FailedDeploymentRecoveryTime failedDeploymentRecoveryTime, ReworkRate reworkRate,
                            Incidents incidents, DataQuality dataQuality, PipelineHealth pipelineHealth,
                            Breakdowns breakdowns) {

    /** Production deployments in the window, and per day of the window. */
    public record DeploymentFrequency(long deployments, double perDay) {
    }

    /** Lead-time samples of the changes the window's deployments delivered. */
    public record LeadTime(long samples, Double medianSeconds, Double p90Seconds) {
    }

    /** The window's deployments, the failed changes among them and their share. */
    public record ChangeFailureRate(long deployments, long failed, Double rate) {
    }

    /** Incidents resolved in the window and how long each took; incidents open at the window's end. */
    public record TimeToRestore(long incidents, Double medianSeconds, Double p90Seconds, long openIncidents) {
    }

    /** Failed changes of the window that recovered, and how long it took. */
    public record FailedDeploymentRecoveryTime(long samples, Double medianSeconds, Double p90Seconds) {
    }

    /** The window's deployments, the unplanned ones among them (rollbacks and hotfixes) and their share. */
    public record ReworkRate(long deployments, long rework, Double rate) {
    }

    /** Incidents opened in the window, by severity, with the mean times to detect and between failures. */
    public record Incidents(long opened, SortedMap<String, Long> bySeverity, long detectSamples,
                            Double meanTimeToDetectSeconds, Double meanTimeBetweenFailuresSeconds) {
    }

    /** How much to trust the numbers; {@code changesNeverDeployed} is null outside production. */
    public record DataQuality(long baselineDeployments, long deploymentsWithUnknownSha, long incidentsNotAttributed,
                              Long changesNeverDeployed) {
    }

    /**
     * The CI builds that finished in the window (docs/METRICS.md, "Pipeline health"). Builds have no environment:
     * every environment of a scope has the same block. {@code successRate} is succeeded / (succeeded + failed), null
     * when both are 0; {@code under10Minutes} the share of successful builds within the fast-build threshold (600 s
     * unless {@code --fast-build} says otherwise), null without successful builds.
     */
    public record PipelineHealth(long runs, long succeeded, long failed, long cancelled, Double successRate,
                                 long durationSamples, Double durationMedianSeconds, Double durationP90Seconds,
                                 Double under10Minutes, BrokenDefaultBranch brokenDefaultBranch, Coverage coverage) {

        /** No build at all. */
        public static final PipelineHealth NONE = new PipelineHealth(0, 0, 0, 0, null, 0, null, null, null,
                new BrokenDefaultBranch(0, null, 0), new Coverage(null, null));
    }

    /** Episodes of a broken default branch that ended in the window, their median time to fix, and those open at its end. */
    public record BrokenDefaultBranch(long episodes, Double medianTimeToFixSeconds, long openNow) {
    }

    /**
     * The latest coverage reported in the window (for several services or pipelines: the mean of each one's latest),
     * and its change against the window of the same length before; null where there is no value.
     */
    public record Coverage(Double latest, Double change) {
    }

    /** Some of the numbers split by incident severity, deployment strategy and CI pipeline, keyed and sorted by name. */
    public record Breakdowns(SortedMap<String, SeverityBreakdown> severity,
                             SortedMap<String, StrategyBreakdown> strategy,
                             SortedMap<String, PipelineHealth> pipeline) {
    }

    /** One severity's share of the window's incidents and their time to restore. */
    public record SeverityBreakdown(long incidentsOpened, long incidentsResolved, Double restoreMedianSeconds,
                                    Double restoreP90Seconds) {
    }

    /** One deployment strategy's share of the window's deployments and their numbers. */
    public record StrategyBreakdown(long deployments, long failedDeployments, Double changeFailureRate,
                                    long reworkDeployments, Double reworkRate, long leadTimeSamples,
                                    Double leadTimeMedianSeconds, Double leadTimeP90Seconds, long recoverySamples,
                                    Double recoveryMedianSeconds, Double recoveryP90Seconds) {
    }
}
