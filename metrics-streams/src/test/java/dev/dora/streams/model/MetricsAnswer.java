package dev.dora.streams.model;

import java.util.List;

/**
 * What the reference model answers for one scope and window: the four DORA metrics, exact.
 *
 * <p>Quantiles are exact nearest-rank values; the streaming topology reports them from an HdrHistogram, so
 * compare them with {@link #withinOnePercent(Double, Double)}. Counts and rates must match exactly. The
 * sorted sample lists are there so a failing comparison can show what the quantile was computed from.
 *
 * @param deployments           production deployments with finishedAt in the window
 * @param perDay                deployments / number of days in the window
 * @param leadTimeSamples       lead-time samples (seconds) of the window's non-baseline deployments
 * @param leadTimeMedianSeconds nearest-rank median, null without samples
 * @param leadTimeP90Seconds    nearest-rank p90, null without samples
 * @param failed                how many of the window's production deployments are failed changes
 * @param changeFailureRate     failed / deployments, null when there are no deployments
 * @param incidents             production incidents resolved in the window
 * @param restoreMedianSeconds  nearest-rank median of time to restore, null without samples
 * @param restoreP90Seconds     nearest-rank p90 of time to restore, null without samples
 * @param openIncidents         production incidents opened before the window end and not resolved before it
 * @param leadTimeSampleValues  every lead-time sample, ascending
 * @param restoreSampleValues   every time-to-restore sample, ascending
 * @param recoverySamples       failed deployments of the window that have recovered
 * @param recoveryMedianSeconds nearest-rank median of their failed deployment recovery time
 * @param recoveryP90Seconds    nearest-rank p90 of it
 * @param reworkDeployments     production deployments of the window that are rollbacks or hotfixes
 * @param incidentsOpened       production incidents opened in the window
 * @param incidentsBySeverity   those by severity ("unspecified" for none)
 * @param detectSamples         those with a detection time
 * @param meanTimeToDetectSeconds the mean of their whole-second detection delays, null without any
 * @param baselineDeployments   baseline deployments among the window's production deployments
 * @param unknownShaDeployments the window's production deployments whose sha is missing or not a known commit
 * @param undeployedChanges     known commits committed in the window that no production deployment delivered
 * @param meanTimeBetweenFailuresSeconds mean, over the production incidents opened in the window, of the whole
 *                              seconds since their service's previous production incident opened
 * @param unattributedIncidents the production incidents opened in the window that no deployment is charged with
 * @param bySeverity            per severity ("unspecified" for none) of the production incidents opened or
 *                              resolved in the window
 * @param byStrategy            per deployment strategy ("unspecified" for none) of the window's production
 *                              deployments
 */
public record MetricsAnswer(
        long deployments,
        double perDay,
        long leadTimeSamples,
        Double leadTimeMedianSeconds,
        Double leadTimeP90Seconds,
        long failed,
        Double changeFailureRate,
        long incidents,
        Double restoreMedianSeconds,
        Double restoreP90Seconds,
        long openIncidents,
        List<Long> leadTimeSampleValues,
        List<Long> restoreSampleValues,
        long recoverySamples,
        Double recoveryMedianSeconds,
        Double recoveryP90Seconds,
        long reworkDeployments,
        long incidentsOpened,
        java.util.Map<String, Long> incidentsBySeverity,
        long detectSamples,
        Double meanTimeToDetectSeconds,
        long baselineDeployments,
        long unknownShaDeployments,
        long undeployedChanges,
        Double meanTimeBetweenFailuresSeconds,
        long unattributedIncidents,
        java.util.Map<String, SeverityAnswer> bySeverity,
        java.util.Map<String, StrategyAnswer> byStrategy) {

    /** One severity: incidents opened in the window, incidents resolved in it and their time to restore. */
    public record SeverityAnswer(long incidentsOpened, long incidentsResolved,
                                 Double restoreMedianSeconds, Double restoreP90Seconds) {
    }

    /** One strategy: its deployments, failed and rework ones with rates, lead time and recovery time quantiles. */
    public record StrategyAnswer(long deployments, long failed, Double changeFailureRate,
                                 long reworkDeployments, Double reworkRate,
                                 long leadTimeSamples, Double leadTimeMedianSeconds, Double leadTimeP90Seconds,
                                 long recoverySamples, Double recoveryMedianSeconds, Double recoveryP90Seconds) {
    }

    public MetricsAnswer {
        leadTimeSampleValues = List.copyOf(leadTimeSampleValues);
        restoreSampleValues = List.copyOf(restoreSampleValues);
        bySeverity = java.util.Map.copyOf(bySeverity);
        byStrategy = java.util.Map.copyOf(byStrategy);
    }

    /**
     * True when a reported quantile is within 1% (relative) of the exact one, the HdrHistogram guarantee
     * with 2 significant digits; both null also matches (no samples).
     */
    public static boolean withinOnePercent(final Double exact, final Double reported) {
        if (exact == null || reported == null) {
            return exact == null && reported == null;
        }
        return Math.abs(reported - exact) <= 0.01 * Math.abs(exact);
    }
}
