package dev.dora.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dora.streams.MetricsPipeline;
import io.javalin.config.JavalinConfig;
import io.javalin.json.JavalinJackson;
import java.time.Clock;
import org.apache.kafka.streams.errors.InvalidStateStoreException;

/**
 * The query REST API over the pipeline's state stores: {@code GET /api/v1/metrics}, {@code /metrics/series},
 * {@code /deployments}, {@code /deployments/{id}}, {@code /incidents}, {@code /incidents/{id}}, {@code /services}
 * and {@code /health}. Answers are typed records serialised by Jackson ({@link Answers}); errors are thrown as
 * {@link ApiException} and answered here, in one place, as {@code {"error": "..."}}.
 */
public final class QueryRoutes {

    private QueryRoutes() {
    }

    public static void register(final JavalinConfig config, final MetricsPipeline pipeline) {
        register(config, pipeline, Clock.systemUTC());
    }

    static void register(final JavalinConfig config, final MetricsPipeline pipeline, final Clock clock) {
        config.jsonMapper(new JavalinJackson(new ObjectMapper(), false));
        final PipelineAccess access = new PipelineAccess(pipeline);
        final MetricsRoutes metrics = new MetricsRoutes(access, clock);
        final DeploymentRoutes deployments = new DeploymentRoutes(access, clock);
        final IncidentRoutes incidents = new IncidentRoutes(access, clock);
        final ServiceRoutes services = new ServiceRoutes(access);
        final ReportRoutes reports = new ReportRoutes(access);
        config.routes.get("/api/v1/metrics", metrics::metrics);
        config.routes.get("/api/v1/metrics/series", metrics::series);
        config.routes.get("/api/v1/deployments", deployments::list);
        config.routes.get("/api/v1/deployments/{id}", deployments::one);
        config.routes.get("/api/v1/incidents", incidents::list);
        config.routes.get("/api/v1/incidents/{id}", incidents::one);
        config.routes.get("/api/v1/reports/weekly", reports::weekly);
        config.routes.get("/api/v1/services", services::services);
        config.routes.get("/api/v1/health", services::health);
        config.routes.exception(ApiException.class,
                (e, ctx) -> ctx.status(e.status()).json(new Answers.Error(e.getMessage())));
        config.routes.exception(InvalidStateStoreException.class, (e, ctx) -> ctx.status(503).json(
                new Answers.Error("the metrics are not readable yet: " + e.getMessage() + "; retry shortly")));
    }
}
