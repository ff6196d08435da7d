package dev.dora.streams.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dora.state.ServiceInfo;
import dev.dora.streams.MetricsConfig;
import dev.dora.streams.MetricsPipeline;
import dev.dora.streams.benchmarks.Benchmark;
import dev.dora.streams.benchmarks.BenchmarkCatalog;
import dev.dora.streams.metrics.DayBuckets;
import dev.dora.streams.metrics.Granularity;
import dev.dora.streams.metrics.MetricsQuery;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Objects;
import org.apache.kafka.streams.errors.InvalidStateStoreException;

/**
 * The query REST API: {@code GET /api/v1/metrics}, {@code /api/v1/services} and {@code /api/v1/health}.
 * Field names are a public contract: add fields, never rename or drop one.
 */
public final class QueryRoutes {

    public static final int DEFAULT_WINDOW_DAYS = 90;
    public static final int MAX_SERIES_BUCKETS = 1_000;
    private static final int MAX_WINDOW_DAYS = 3_660;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final BenchmarkCatalog BENCHMARKS = BenchmarkCatalog.standard();

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
        config.routes.get("/api/v1/metrics/series", routes::series);
        final DeploymentRoutes deployments = new DeploymentRoutes(pipeline, ctx -> routes.request(ctx, false));
        config.routes.get("/api/v1/deployments", deployments::list);
        config.routes.get("/api/v1/deployments/{id}", deployments::one);
        final IncidentRoutes incidents = new IncidentRoutes(pipeline, ctx -> routes.request(ctx, false));
        config.routes.get("/api/v1/incidents", incidents::list);
        config.routes.get("/api/v1/incidents/{id}", incidents::one);
        config.routes.get("/api/v1/services", routes::services);
        config.routes.get("/api/v1/health", routes::health);
    }

    private void metrics(final Context ctx) {
        final Request request = request(ctx, false);
        if (request == null) {
            return;
        }
        final Benchmark benchmark;
        try {
            final String name = ctx.queryParam("benchmark");
            benchmark = BENCHMARKS.get(name == null || name.isBlank() ? BENCHMARKS.newest() : name.trim());
        } catch (final IllegalArgumentException e) {
            error(ctx, 400, "benchmark: " + e.getMessage());
            return;
        }
        final long fromDay = request.window.fromDay();
        final long toDay = request.window.toDay();
        final MetricsQuery.WindowMetrics m = request.query.metrics(request.services, request.environment, fromDay, toDay);
        final ObjectNode body = JSON.createObjectNode();
        scope(body, request);
        writeMetrics(body, m, request.environment);
        final double deployDays = request.query.deployDaysPerWeekMedian(request.services, request.environment, fromDay,
                toDay);
        // reports from 2023 on measure recovery from failed deployments, earlier ones restoring service after incidents
        final boolean byFailedDeployments = benchmark.recoveryMetric().toLowerCase(java.util.Locale.ROOT)
                .contains("failed deployment");
        final Benchmark.Inputs inputs = new Benchmark.Inputs(m.perDay(), deployDays, m.leadTimeMedianSeconds(),
                m.changeFailureRate(), byFailedDeployments ? m.recoveryMedianSeconds() : m.restoreMedianSeconds(),
                toDay - fromDay);
        final Benchmark.Tiers tiers = benchmark.classify(inputs);
        body.putObject("tiers")
                .put("deploymentFrequency", tiers.deploymentFrequency())
                .put("leadTime", tiers.leadTime())
                .put("changeFailureRate", tiers.changeFailureRate())
                .put("timeToRestore", tiers.timeToRestore())
                .put("overall", tiers.overall())
                .put("benchmark", tiers.benchmark());
        send(ctx, 200, body);
    }

    private void series(final Context ctx) {
        final Request request = request(ctx, true);
        if (request == null) {
            return;
        }
        final List<Granularity.Period> periods = request.granularity.periods(
                request.window.fromDate(), request.window.toDate());
        if (periods.size() > MAX_SERIES_BUCKETS) {
            error(ctx, 400, "granularity: " + request.granularity + " over this window gives " + periods.size()
                    + " buckets, more than " + MAX_SERIES_BUCKETS + "; choose a coarser granularity or a shorter window");
            return;
        }
        final ObjectNode body = JSON.createObjectNode();
        scope(body, request);
        body.put("granularity", request.granularity.toString());
        final ArrayNode buckets = body.putArray("buckets");
        final List<MetricsQuery.WindowMetrics> metrics = request.query.series(request.services, request.environment,
                periods);
        for (int i = 0; i < periods.size(); i++) {
            final ObjectNode bucket = buckets.addObject();
            bucket.put("start", periods.get(i).start().toString());
            bucket.put("end", periods.get(i).end().toString());
            writeMetrics(bucket, metrics.get(i), request.environment);
        }
        send(ctx, 200, body);
    }

    /** The parsed scope and window of a request, or null when an error (400, 404, 503) was already answered. */
    Request request(final Context ctx, final boolean series) {
        final String service = blankToNull(ctx.queryParam("service"));
        final String team = blankToNull(ctx.queryParam("team"));
        if (service != null && team != null) {
            error(ctx, 400, "service, team: give one of them, or neither for every service");
            return null;
        }
        final Window window;
        final Granularity granularity;
        try {
            window = Window.parse(ctx.queryParam("from"), ctx.queryParam("to"), ctx.queryParam("window"),
                    LocalDate.now(clock));
            granularity = series ? Granularity.parse(Objects.requireNonNullElse(ctx.queryParam("granularity"), "week"))
                    : null;
        } catch (final IllegalArgumentException e) {
            error(ctx, 400, e.getMessage());
            return null;
        }
        final MetricsQuery query = query(ctx);
        if (query == null) {
            return null;
        }
        final List<String> services = query.servicesIn(service, team);
        if (service != null && services.isEmpty()) {
            error(ctx, 404, "service: no events have named service '" + service + "'");
            return null;
        }
        if (team != null && services.isEmpty()) {
            error(ctx, 404, "team: no service currently belongs to team '" + team + "'");
            return null;
        }
        final String named = blankToNull(ctx.queryParam("environment"));
        final String environment = named == null ? MetricsConfig.PRODUCTION : pipeline.config().environmentGroup(named);
        if (named != null && !MetricsConfig.PRODUCTION.equals(environment)) {
            final java.util.SortedSet<String> known = query.environmentsOf(services);
            if (!known.contains(environment)) {
                error(ctx, 404, "environment: no deployment or incident of " + (service != null ? "service '" + service
                        + "'" : team != null ? "team '" + team + "'" : "any service") + " names environment '" + named
                        + "'; known: " + String.join(", ", known));
                return null;
            }
        }
        return new Request(service, team, environment, window, granularity, query, services);
    }

    /**
     * A request's scope (the services it covers), environment group and window, and the query that resolved
     * them.
     */
    record Request(String service, String team, String environment, Window window, Granularity granularity,
                   MetricsQuery query, List<String> services) {
    }

    private static void scope(final ObjectNode body, final Request request) {
        final ObjectNode scopeNode = body.putObject("scope");
        scopeNode.put("service", request.service);
        scopeNode.put("team", request.team);
        scopeNode.put("environment", request.environment);
        scopeNode.put("from", request.window.from().toString());
        scopeNode.put("to", request.window.to().toString());
    }

    /** The four metric blocks; their field names are the public contract of every metrics answer. */
    static void writeMetrics(final ObjectNode target, final MetricsQuery.WindowMetrics m, final String environment) {
        target.putObject("deploymentFrequency")
                .put("deployments", m.deployments())
                .put("perDay", m.perDay());
        target.putObject("leadTime")
                .put("samples", m.leadTimeSamples())
                .put("medianSeconds", m.leadTimeMedianSeconds())
                .put("p90Seconds", m.leadTimeP90Seconds());
        target.putObject("changeFailureRate")
                .put("deployments", m.deployments())
                .put("failed", m.failed())
                .put("rate", m.changeFailureRate());
        target.putObject("timeToRestore")
                .put("incidents", m.incidents())
                .put("medianSeconds", m.restoreMedianSeconds())
                .put("p90Seconds", m.restoreP90Seconds())
                .put("openIncidents", m.openIncidents());
        target.putObject("failedDeploymentRecoveryTime")
                .put("samples", m.recoverySamples())
                .put("medianSeconds", m.recoveryMedianSeconds())
                .put("p90Seconds", m.recoveryP90Seconds());
        target.putObject("reworkRate")
                .put("deployments", m.deployments())
                .put("rework", m.reworkDeployments())
                .put("rate", m.reworkRate());
        final ObjectNode incidents = target.putObject("incidents");
        incidents.put("opened", m.incidentsOpened());
        final ObjectNode bySeverity = incidents.putObject("bySeverity");
        new java.util.TreeMap<>(m.incidentsBySeverity()).forEach(bySeverity::put);
        incidents.put("detectSamples", m.detectSamples());
        incidents.put("meanTimeToDetectSeconds", m.meanTimeToDetectSeconds());
        incidents.put("meanTimeBetweenFailuresSeconds", m.meanTimeBetweenFailuresSeconds());
        target.putObject("dataQuality")
                .put("baselineDeployments", m.baselineDeployments())
                .put("deploymentsWithUnknownSha", m.unknownShaDeployments())
                .put("incidentsNotAttributed", m.unattributedIncidents())
                // delivery is counted against production only: a commit not yet in staging is not a data problem
                .put("changesNeverDeployed", MetricsConfig.PRODUCTION.equals(environment) ? m.undeployedChanges() : null);
        final ObjectNode breakdowns = target.putObject("breakdowns");
        final ObjectNode severities = breakdowns.putObject("severity");
        new java.util.TreeMap<>(m.bySeverity()).forEach((severity, s) -> severities.putObject(severity)
                .put("incidentsOpened", s.incidentsOpened())
                .put("incidentsResolved", s.incidentsResolved())
                .put("restoreMedianSeconds", s.restoreMedianSeconds())
                .put("restoreP90Seconds", s.restoreP90Seconds()));
        final ObjectNode strategies = breakdowns.putObject("strategy");
        new java.util.TreeMap<>(m.byStrategy()).forEach((strategy, s) -> strategies.putObject(strategy)
                .put("deployments", s.deployments())
                .put("failedDeployments", s.failed())
                .put("changeFailureRate", s.changeFailureRate())
                .put("reworkDeployments", s.reworkDeployments())
                .put("reworkRate", s.reworkRate())
                .put("leadTimeSamples", s.leadTimeSamples())
                .put("leadTimeMedianSeconds", s.leadTimeMedianSeconds())
                .put("leadTimeP90Seconds", s.leadTimeP90Seconds())
                .put("recoverySamples", s.recoverySamples())
                .put("recoveryMedianSeconds", s.recoveryMedianSeconds())
                .put("recoveryP90Seconds", s.recoveryP90Seconds()));
    }

    private void services(final Context ctx) {
        final MetricsQuery query = query(ctx);
        if (query == null) {
            return;
        }
        final ObjectNode body = JSON.createObjectNode();
        final ArrayNode list = body.putArray("services");
        for (final ServiceInfo info : query.services()) {
            final ObjectNode item = list.addObject().put("service", info.getService()).put("team", info.getTeam());
            info.getEnvironments().forEach(item.putArray("environments")::add);
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

    static void error(final Context ctx, final int status, final String message) {
        send(ctx, status, JSON.createObjectNode().put("error", message));
    }

    static void send(final Context ctx, final int status, final ObjectNode body) {
        ctx.status(status).contentType("application/json").result(body.toString());
    }

    /** A window of whole UTC days, [from, to). */
    record Window(LocalDate fromDate, LocalDate toDate) {

        Instant from() {
            return fromDate.atStartOfDay(ZoneOffset.UTC).toInstant();
        }

        Instant to() {
            return toDate.atStartOfDay(ZoneOffset.UTC).toInstant();
        }

        long fromDay() {
            return fromDate.toEpochDay();
        }

        long toDay() {
            return toDate.toEpochDay();
        }

        /**
         * From {@code from} and {@code to}, or a rolling {@code window} ({@code 7d}, {@code 30d}, {@code 90d}, any
         * number of days) ending at {@code to}; {@code to} defaults to the start of tomorrow and the window to
         * {@value #DEFAULT_WINDOW_DAYS} days.
         */
        static Window parse(final String from, final String to, final String window, final LocalDate today) {
            final LocalDate end = blank(to) ? today.plusDays(1) : day("to", to);
            if (!blank(window) && !blank(from)) {
                throw new IllegalArgumentException("window: give either window or from, not both");
            }
            final LocalDate start = !blank(from) ? day("from", from)
                    : end.minusDays(blank(window) ? DEFAULT_WINDOW_DAYS : days(window));
            if (!start.isBefore(end)) {
                throw new IllegalArgumentException("from: must be before to (got from=" + start + ", to=" + end + ")");
            }
            return new Window(start, end);
        }

        private static boolean blank(final String value) {
            return value == null || value.isBlank();
        }

        private static long days(final String window) {
            final String value = window.trim();
            if (value.matches("[1-9][0-9]{0,3}d")) {
                final long days = Long.parseLong(value.substring(0, value.length() - 1));
                if (days <= MAX_WINDOW_DAYS) {
                    return days;
                }
            }
            throw new IllegalArgumentException("window: must be a number of days like 7d, 30d or 90d, at most "
                    + MAX_WINDOW_DAYS + "d (got '" + window + "')");
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
