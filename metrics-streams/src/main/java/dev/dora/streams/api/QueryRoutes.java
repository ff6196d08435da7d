package dev.dora.streams.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dora.state.ServiceInfo;
import dev.dora.streams.MetricsPipeline;
import dev.dora.streams.metrics.DayBuckets;
import dev.dora.streams.metrics.MetricsQuery;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import org.apache.kafka.streams.errors.InvalidStateStoreException;

/**
 * The query REST API: {@code GET /api/v1/metrics}, {@code /api/v1/services} and {@code /api/v1/health}.
 * Field names are a public contract: add fields, never rename or drop one.
 */
public final class QueryRoutes {

    public static final int DEFAULT_WINDOW_DAYS = 90;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final MetricsPipeline pipeline;
    private final Clock clock;

    private QueryRoutes(final MetricsPipeline pipeline, final Clock clock) {
        this.pipeline = pipeline;
        this.clock = clock;
    }

    public static void register(final JavalinConfig config, final MetricsPipeline pipeline) {
        register(config, pipeline, Clock.systemUTC());
    }

    static void register(final JavalinConfig config, final MetricsPipeline pipeline, final Clock clock) {
        final QueryRoutes routes = new QueryRoutes(pipeline, clock);
        config.routes.get("/api/v1/metrics", routes::metrics);
        config.routes.get("/api/v1/services", routes::services);
        config.routes.get("/api/v1/health", routes::health);
    }

    private void metrics(final Context ctx) {
        final String service = blankToNull(ctx.queryParam("service"));
        final String team = blankToNull(ctx.queryParam("team"));
        if (service != null && team != null) {
            error(ctx, 400, "service, team: give one of them, or neither for every service");
            return;
        }
        final Window window;
        try {
            window = Window.parse(ctx.queryParam("from"), ctx.queryParam("to"), LocalDate.now(clock));
        } catch (final IllegalArgumentException e) {
            error(ctx, 400, e.getMessage());
            return;
        }
        final MetricsQuery query = query(ctx);
        if (query == null) {
            return;
        }
        final List<String> scope = query.servicesIn(service, team);
        if (service != null && scope.isEmpty()) {
            error(ctx, 404, "service: no events have named service '" + service + "'");
            return;
        }
        if (team != null && scope.isEmpty()) {
            error(ctx, 404, "team: no service currently belongs to team '" + team + "'");
            return;
        }
        final MetricsQuery.WindowMetrics m = query.metrics(scope, window.fromDay(), window.toDay());
        final ObjectNode body = JSON.createObjectNode();
        final ObjectNode scopeNode = body.putObject("scope");
        scopeNode.put("service", service);
        scopeNode.put("team", team);
        scopeNode.put("from", window.from().toString());
        scopeNode.put("to", window.to().toString());
        body.putObject("deploymentFrequency")
                .put("deployments", m.deployments())
                .put("perDay", m.perDay());
        body.putObject("leadTime")
                .put("samples", m.leadTimeSamples())
                .put("medianSeconds", m.leadTimeMedianSeconds())
                .put("p90Seconds", m.leadTimeP90Seconds());
        body.putObject("changeFailureRate")
                .put("deployments", m.deployments())
                .put("failed", m.failed())
                .put("rate", m.changeFailureRate());
        body.putObject("timeToRestore")
                .put("incidents", m.incidents())
                .put("medianSeconds", m.restoreMedianSeconds())
                .put("p90Seconds", m.restoreP90Seconds())
                .put("openIncidents", m.openIncidents());
        send(ctx, 200, body);
    }

    private void services(final Context ctx) {
        final MetricsQuery query = query(ctx);
        if (query == null) {
            return;
        }
        final ObjectNode body = JSON.createObjectNode();
        final ArrayNode list = body.putArray("services");
        for (final ServiceInfo info : query.services()) {
            list.addObject().put("service", info.getService()).put("team", info.getTeam());
        }
        send(ctx, 200, body);
    }

    private void health(final Context ctx) {
        final ObjectNode body = JSON.createObjectNode();
        body.put("status", pipeline.state().name());
        try {
            body.put("pendingRecords", pipeline.pendingRecords());
        } catch (final RuntimeException e) {
            body.putNull("pendingRecords");
            body.put("error", e.getMessage());
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            body.putNull("pendingRecords");
        }
        send(ctx, pipeline.isRunning() ? 200 : 503, body);
    }

    private MetricsQuery query(final Context ctx) {
        if (!pipeline.isRunning()) {
            error(ctx, 503, "the metrics are not ready: the pipeline is " + pipeline.state() + "; retry shortly");
            return null;
        }
        try {
            return pipeline.query();
        } catch (final InvalidStateStoreException e) {
            error(ctx, 503, "the metrics are not ready: " + e.getMessage() + "; retry shortly");
            return null;
        }
    }

    private static String blankToNull(final String value) {
        return value == null || value.isBlank() ? null : value;
    }

    private static void error(final Context ctx, final int status, final String message) {
        send(ctx, status, JSON.createObjectNode().put("error", message));
    }

    private static void send(final Context ctx, final int status, final ObjectNode body) {
        ctx.status(status).contentType("application/json").result(body.toString());
    }

    /** A window of whole UTC days, [from, to). */
    record Window(Instant from, Instant to) {

        long fromDay() {
            return DayBuckets.epochDay(from);
        }

        long toDay() {
            return DayBuckets.epochDay(to);
        }

        static Window parse(final String from, final String to, final LocalDate today) {
            final LocalDate end = to == null || to.isBlank() ? today.plusDays(1) : day("to", to);
            final LocalDate start = from == null || from.isBlank() ? end.minusDays(DEFAULT_WINDOW_DAYS) : day("from", from);
            if (!start.isBefore(end)) {
                throw new IllegalArgumentException("from: must be before to (got from=" + start + ", to=" + end + ")");
            }
            return new Window(start.atStartOfDay(ZoneOffset.UTC).toInstant(), end.atStartOfDay(ZoneOffset.UTC).toInstant());
        }

        private static LocalDate day(final String name, final String value) {
            try {
                return LocalDate.parse(value);
            } catch (final RuntimeException notADate) {
                try {
                    final Instant instant = Instant.parse(value);
                    if (instant.toEpochMilli() % DayBuckets.DAY_MS == 0) {
                        return LocalDate.ofInstant(instant, ZoneOffset.UTC);
                    }
                } catch (final RuntimeException notAnInstant) {
                    // fall through to one message for both
                }
                throw new IllegalArgumentException(name + ": must be a date like 2026-10-01 or an instant at 00:00Z"
                        + " (windows are whole UTC days), got '" + value + "'");
            }
        }
    }
}
