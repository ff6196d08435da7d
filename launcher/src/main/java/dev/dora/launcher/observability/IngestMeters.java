package dev.dora.launcher.observability;

import dev.dora.ingest.IngestRoutes;
import dev.dora.ingest.webhook.WebhookRoutes;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Counts the ingest edge's requests by source and answer: {@code POST /api/v1/events} as source {@code api}, each
 * webhook as its source's name ({@code github}, ...). Only known sources get a label of their own; any other path
 * segment counts as {@code unknown}, so nobody can grow the series by posting to made-up sources. Requests refused
 * before the route (a 401 of an access filter, a 413) are counted too: the after-handlers run for every answer.
 */
final class IngestMeters {

    static final String API = "api";
    static final String UNKNOWN = "unknown";
    private static final String STARTED = IngestMeters.class.getName() + ".started";

    private final MeterRegistry registry;
    private final Set<String> sources;

    /** @param sources the webhook sources' names */
    IngestMeters(final MeterRegistry registry, final Set<String> sources) {
        this.registry = registry;
        this.sources = Set.copyOf(sources);
    }

    void register(final JavalinConfig config) {
        config.routes.before(IngestRoutes.PATH, this::started);
        config.routes.after(IngestRoutes.PATH, ctx -> finished(ctx, API));
        config.routes.before(WebhookRoutes.PATH, this::started);
        config.routes.after(WebhookRoutes.PATH, ctx -> finished(ctx, source(ctx.pathParam("source"))));
    }

    private String source(final String name) {
        return sources.contains(name) ? name : UNKNOWN;
    }

    private void started(final Context ctx) {
        ctx.attribute(STARTED, System.nanoTime());
    }

    private void finished(final Context ctx, final String source) {
        if (ctx.method() != HandlerType.POST) {
            return;
        }
        Counter.builder("dora.ingest.requests")
                .description("Requests to the ingest edge (POST /api/v1/events and /webhooks/{source}) by answer")
                .tag("source", source).tag("status", Integer.toString(ctx.statusCode()))
                .register(registry).increment();
        final Long started = ctx.attribute(STARTED);
        if (started != null) {
            Timer.builder("dora.ingest.request.duration")
                    .description("Time to answer an ingest request: reading, validating and Kafka's acknowledgement")
                    .tag("source", source)
                    .register(registry).record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        }
    }
}
