package dev.dora.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dora.api.cluster.CallerToken;
import dev.dora.api.cluster.InternalRoutes;
import dev.dora.streams.MetricsPipeline;
import dev.dora.streams.query.KeptPeriods;
import dev.dora.streams.query.StateUnavailableException;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.json.JavalinJackson;
import java.time.Clock;
import org.apache.kafka.streams.errors.InvalidStateStoreException;

/**
 * The query REST API over the pipeline's state stores: {@code GET /api/v1/metrics}, {@code /metrics/series},
 * {@code /deployments}, {@code /deployments/{id}}, {@code /incidents}, {@code /incidents/{id}}, {@code /builds},
 * {@code /services} and {@code /health}. Answers are typed records serialised by Jackson ({@link Answers}); errors are thrown as
 * {@link ApiException} and answered here, in one place, as {@code {"error": "..."}}.
 */
public final class QueryRoutes {

    /** How long a client is asked to wait before it retries a 503 (seconds). */
    static final String RETRY_AFTER_SECONDS = "1";

    private QueryRoutes() {
    }

    public static void register(final JavalinConfig config, final MetricsPipeline pipeline) {
        register(config, pipeline, AnswerCache.Settings.DEFAULT.maxEntries());
    }

    /**
     * The routes, with an answer cache of at most {@code queryCacheEntries} answers (0: none), see
     * {@link AnswerCache}.
     */
    public static void register(final JavalinConfig config, final MetricsPipeline pipeline,
                                final int queryCacheEntries) {
        register(config, pipeline, Clock.systemUTC(),
                new AnswerCache.Settings(queryCacheEntries, AnswerCache.Settings.DEFAULT.maxBytes()));
    }

    static void register(final JavalinConfig config, final MetricsPipeline pipeline, final Clock clock) {
        register(config, pipeline, clock, AnswerCache.Settings.DEFAULT);
    }

    static void register(final JavalinConfig config, final MetricsPipeline pipeline, final Clock clock,
                         final AnswerCache.Settings cacheSettings) {
        config.jsonMapper(new JavalinJackson(new ObjectMapper(), false));
        final PipelineAccess access = new PipelineAccess(pipeline);
        final CachedRoutes cached = new CachedRoutes(new AnswerCache(cacheSettings), access, clock);
        // the periods of a series are kept like the answers, and not at all when answers are not
        pipeline.keepPeriods(cached.cache().enabled() ? KeptPeriods.DEFAULT_ENTRIES : 0);
        final MetricsRoutes metrics = new MetricsRoutes(access, clock);
        final DeploymentRoutes deployments = new DeploymentRoutes(access, clock);
        final IncidentRoutes incidents = new IncidentRoutes(access, clock);
        final BuildRoutes builds = new BuildRoutes(access, clock);
        final ServiceRoutes services = new ServiceRoutes(access, cached.cache());
        final ReportRoutes reports = new ReportRoutes(access);
        // the answers dashboards ask for again and again, given again while the state they read has not changed
        config.routes.get("/api/v1/metrics", cached.of(metrics::metrics, PipelineAccess::metricsVersion));
        config.routes.get("/api/v1/metrics/series", cached.of(metrics::series, PipelineAccess::metricsVersion));
        config.routes.get("/api/v1/deployments", cached.of(deployments::list));
        config.routes.get("/api/v1/deployments/{id}", deployments::one);
        config.routes.get("/api/v1/incidents", incidents::list);
        config.routes.get("/api/v1/incidents/{id}", incidents::one);
        config.routes.get("/api/v1/builds", builds::list);
        config.routes.get("/api/v1/reports/weekly", reports::weekly);
        config.routes.get("/api/v1/services", cached.of(services::services, PipelineAccess::servicesVersion));
        config.routes.get("/api/v1/health", services::health);
        InternalRoutes.register(config, pipeline::partitions);
        config.routes.before("/api/v1/*", QueryRoutes::enter);
        config.routes.after("/api/v1/*", ctx -> CallerToken.clear());
        config.routes.exception(ApiException.class, (e, ctx) -> {
            if (e.status() == 503) {
                ctx.header("Retry-After", RETRY_AFTER_SECONDS);
            }
            ctx.status(e.status()).json(new Answers.Error(e.getMessage()));
        });
        config.routes.exception(InvalidStateStoreException.class, (e, ctx) -> ctx.status(503)
                .header("Retry-After", RETRY_AFTER_SECONDS).json(
                new Answers.Error("the metrics are not readable yet: " + e.getMessage() + "; retry shortly")));
        config.routes.exception(StateUnavailableException.class, (e, ctx) -> ctx.status(503)
                .header("Retry-After", RETRY_AFTER_SECONDS).json(new Answers.Error(e.getMessage())));
    }

    /**
     * Before every query route: remembers the caller's credentials for the reads it forwards to other instances, and
     * refuses a public route to a request marked as forwarded by another instance, which must not fan out again.
     */
    private static void enter(final Context ctx) {
        CallerToken.set(ctx.header("Authorization"));
        if (InternalRoutes.isInternal(ctx) && !ctx.path().startsWith("/api/v1/internal/")) {
            throw ApiException.badRequest(InternalRoutes.HEADER + ": a request forwarded by another instance is "
                    + "answered by /api/v1/internal only");
        }
    }
}
