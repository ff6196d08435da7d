package dev.dora.api;

import dev.dora.facts.DeploymentFact;
import dev.dora.streams.MetricsPipeline;
import dev.dora.streams.config.MetricsConfig;
import dev.dora.streams.query.LedgerReader;
import dev.dora.streams.query.MetricsQuery;
import dev.dora.streams.query.ReportsQuery;
import java.util.Optional;

/**
 * The running pipeline as the routes use it: every read first checks the pipeline can answer (503 otherwise), so no
 * route repeats the check. A store that moves away while it is read ({@code InvalidStateStoreException}) is answered
 * 503 by {@link QueryRoutes}.
 */
final class PipelineAccess {

    private final MetricsPipeline pipeline;

    PipelineAccess(final MetricsPipeline pipeline) {
        this.pipeline = pipeline;
    }

    MetricsConfig config() {
        return pipeline.config();
    }

    MetricsPipeline pipeline() {
        return pipeline;
    }

    MetricsQuery query() {
        requireRunning();
        return pipeline.query();
    }

    LedgerReader ledger() {
        requireRunning();
        return pipeline.ledger();
    }

    ReportsQuery weeklyReports() {
        requireRunning();
        return pipeline.weeklyReports();
    }

    /** The fact of a deployment, of whatever service it belongs to now. */
    Optional<DeploymentFact> deployment(final LedgerReader ledger, final String id) {
        return pipeline.deploymentService(id).flatMap(service -> ledger.deployment(service, id));
    }

    /** The version of every store the queries read, when it can be known here ({@link AnswerCache}). */
    Optional<?> version() {
        return pipeline.isRunning() ? pipeline.stateVersion() : Optional.empty();
    }

    /** The version of what the metrics and series read: the services and the buckets. */
    Optional<?> metricsVersion() {
        return pipeline.isRunning() ? pipeline.metricsVersion() : Optional.empty();
    }

    /** The version of what the list of services reads. */
    Optional<?> servicesVersion() {
        return pipeline.isRunning() ? pipeline.servicesVersion() : Optional.empty();
    }

    private void requireRunning() {
        if (!pipeline.isRunning()) {
            throw ApiException.notReady("the metrics are not ready: the pipeline is " + pipeline.state()
                    + "; retry shortly");
        }
    }
}
