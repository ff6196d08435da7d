package dev.dora.api;

import dev.dora.facts.DeploymentFact;
import dev.dora.streams.metrics.Histograms;
import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * {@code GET /api/v1/deployments?format=rows}: the same page of deployments as flat rows, one field per column,
 * for tools that select columns by name (Grafana's Infinity data source) rather than walk nested lists. Each row
 * carries the deployment's own lead time (the median and 90th percentile of the lead times of the changes it
 * delivered, as its fact adds them to the metrics) instead of the list of changes. Without {@code format} the
 * answer is the full one, unchanged.
 */
final class DeploymentRows {

    static final String ROWS = "rows";

    private DeploymentRows() {
    }

    /** One page of rows; {@code next} as in the full answer. */
    record Page(List<Row> rows, String next) {
    }

    /**
     * One deployment as a row.
     *
     * @param leadTimeSamples       lead-time samples of its delivered changes (none for a baseline)
     * @param leadTimeMedianSeconds their median, null without samples
     * @param leadTimeP90Seconds    their 90th percentile, null without samples
     * @param failureRule           for a failed change, the first rule that holds, else null
     * @param incidentId            the incident behind that rule, when it is one
     * @param rollbackDeploymentId  the rollback behind it, when the rule is {@code rollback}
     */
    record Row(String id, String service, String environment, String finishedAt, String sha, boolean baseline,
               int deployedChanges, long leadTimeSamples, Double leadTimeMedianSeconds, Double leadTimeP90Seconds,
               boolean failed, String failureRule, String incidentId, String rollbackDeploymentId,
               Long recoverySeconds, boolean rework) {
    }

    /**
     * Whether {@code format} asks for rows.
     *
     * @throws ApiException 400 for a format that is neither absent nor {@code rows}
     */
    static boolean requested(final String format) {
        if (format == null || format.isBlank()) {
            return false;
        }
        if (ROWS.equals(format.trim())) {
            return true;
        }
        throw ApiException.badRequest("format: must be rows, or left out for the full answer (got '" + format + "')");
    }

    static Row row(final DeploymentFact fact) {
        final Histogram histogram = Histograms.decode(fact.getLeadTimeHistogram());
        final DeploymentRoutes.Failure failure = DeploymentRoutes.failure(fact);
        return new Row(fact.getDeploymentId(), fact.getService(), fact.getEnvironment(),
                fact.getFinishedAt().toString(), fact.getSha(), fact.getBaseline(), fact.getDeployedChanges(),
                histogram.getTotalCount(), Histograms.quantile(histogram, 0.5), Histograms.quantile(histogram, 0.9),
                fact.getFailed(), failure == null ? null : failure.rule(),
                failure == null ? null : failure.incidentId(), failure == null ? null : failure.rollbackDeploymentId(),
                fact.getRecoverySeconds(), fact.getRework());
    }
}
