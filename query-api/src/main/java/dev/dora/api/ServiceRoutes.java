package dev.dora.api;

import dev.dora.streams.MetricsPipeline;
import io.javalin.http.Context;

/** {@code GET /api/v1/services} (the known services and their teams) and {@code GET /api/v1/health}. */
final class ServiceRoutes {

    private final PipelineAccess pipeline;
    private final AnswerCache cache;

    ServiceRoutes(final PipelineAccess pipeline, final AnswerCache cache) {
        this.pipeline = pipeline;
        this.cache = cache;
    }

    Answers.Services services(final Context ctx) {
        return new Answers.Services(pipeline.query().services().stream()
                .map(info -> new Answers.Service(info.getService(), info.getTeam(), info.getEnvironments()))
                .toList());
    }

    /** 200 while Kafka Streams is running, else 503; with the records not processed yet and the answer cache's counts. */
    void health(final Context ctx) {
        final MetricsPipeline streams = pipeline.pipeline();
        Long pending;
        String error = null;
        try {
            pending = streams.pendingRecords();
        } catch (final RuntimeException e) {
            pending = null;
            error = e.getMessage();
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            pending = null;
        }
        ctx.status(streams.isRunning() ? 200 : 503).json(new Answers.Health(streams.state().name(), pending, error,
                new Answers.QueryCache(cache.stats(), streams.keptPeriods().given(), streams.keptPeriods().computed())));
    }
}
