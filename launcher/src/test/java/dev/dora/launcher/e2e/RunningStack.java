package dev.dora.launcher.e2e;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dora.api.QueryRoutes;
import dev.dora.ingest.CanonicalEvents;
import dev.dora.ingest.EventPublisher;
import dev.dora.ingest.IngestRoutes;
import dev.dora.ingest.catalog.ServiceCatalog;
import dev.dora.ingest.catalog.ServiceCatalogYaml;
import dev.dora.ingest.cdevents.CDEventsSource;
import dev.dora.ingest.github.GitHubSource;
import dev.dora.ingest.gitlab.GitLabSource;
import dev.dora.ingest.pagerduty.PagerDutySource;
import dev.dora.ingest.webhook.WebhookRoutes;
import dev.dora.ingest.webhook.WebhookSecrets;
import dev.dora.ingest.webhook.WebhookSource;
import dev.dora.ingest.webhook.WebhookStats;
import dev.dora.launcher.observability.Observability;
import dev.dora.launcher.observability.ObservabilitySettings;
import dev.dora.launcher.http.HttpEdge;
import dev.dora.launcher.web.Dashboard;
import dev.dora.streams.MetricsPipeline;
import dev.dora.streams.config.MetricsConfig;
import dev.dora.streams.reports.ReportPublisher;
import dev.dora.streams.reports.ReportSettings;
import dev.dora.testkit.TestKafkaCluster;
import io.javalin.Javalin;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;

/**
 * A real broker, the metrics pipeline, ingest, the query API, {@code GET /metrics} and the web dashboard on one HTTP
 * port, behind the same {@link HttpEdge} as the launcher runs them (loopback, no tokens, unless the test gives its own
 * settings). With a client token, every request this class sends carries it. The metrics refresh every
 * {@link #METRICS_REFRESH}, so tests wait less.
 */
public final class RunningStack implements AutoCloseable {

    /** How often {@code GET /metrics} reads the stores in tests. */
    public static final Duration METRICS_REFRESH = Duration.ofSeconds(1);
    /** The weekly reports: a day's grace as by default, computed again at most every second while events arrive. */
    public static final ReportSettings REPORTS = ReportSettings.withGrace(ReportSettings.DEFAULT_GRACE)
            .withIntervals(Duration.ofMillis(200), Duration.ofSeconds(1));

    private static final ObjectMapper JSON = new ObjectMapper();

    private final TestKafkaCluster kafka;
    private final MetricsPipeline pipeline;
    private final EventPublisher publisher;
    private final Observability observability;
    private final ReportPublisher reports;
    private final Javalin http;
    private final HttpEdge edge;
    private final String token;
    private final HttpClient client = HttpClient.newHttpClient();

    private RunningStack(final TestKafkaCluster kafka, final MetricsPipeline pipeline, final EventPublisher publisher,
                         final Observability observability, final ReportPublisher reports, final Javalin http,
                         final HttpEdge edge, final String token) {
        this.kafka = kafka;
        this.pipeline = pipeline;
        this.publisher = publisher;
        this.observability = observability;
        this.reports = reports;
        this.http = http;
        this.edge = edge;
        this.token = token;
    }

    public static RunningStack start() throws Exception {
        return start(null, Map.of());
    }

    /** With the webhook endpoints of every source, the given catalog (YAML, or null) and configured secrets. */
    public static RunningStack start(final String catalogYaml, final Map<String, String> secrets) throws Exception {
        return start(catalogYaml, secrets, HttpEdge.Settings.local(0), null);
    }

    /**
     * With the given HTTP edge (tokens, CORS, limits; its port is ignored: any free one), sending {@code token}
     * (or none when null) with every request of its own.
     */
    public static RunningStack start(final String catalogYaml, final Map<String, String> secrets,
                                     final HttpEdge.Settings settings, final String token) throws Exception {
        final TestKafkaCluster kafka = TestKafkaCluster.start();
        final Path state = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "dora-e2e");
        final MetricsPipeline pipeline = MetricsPipeline.start(
                MetricsConfig.defaults(kafka.bootstrapServers(), state).withReplicationFactor((short) 1));
        final EventPublisher publisher = new EventPublisher(kafka.bootstrapServers());
        final ServiceCatalog catalog = catalogYaml == null ? ServiceCatalog.empty() : ServiceCatalogYaml.parse(catalogYaml);
        final List<WebhookSource> sources = List.of(
                new GitHubSource(), new GitLabSource(), new PagerDutySource(), new CDEventsSource());
        final WebhookStats stats = new WebhookStats();
        final HttpEdge edge = HttpEdge.of(new HttpEdge.Settings(settings.host(), 0, settings.tokens(),
                settings.policy(), settings.corsOrigins(), settings.limits()));
        final Observability observability = Observability.start(pipeline, stats,
                sources.stream().map(WebhookSource::name).toList(), edge.authFailures(),
                ObservabilitySettings.defaults().withRefreshInterval(METRICS_REFRESH));
        final ReportPublisher reports = ReportPublisher.start(pipeline, REPORTS, Clock.systemUTC());
        final Javalin http = Javalin.create(config -> {
            edge.configure(config);
            IngestRoutes.register(config, publisher, IngestRoutes.DEFAULT_MAX_BODY_BYTES, () -> catalog);
            QueryRoutes.register(config, pipeline);
            WebhookRoutes.register(config, publisher, sources, WebhookSecrets.of(secrets, Map.of(), sources),
                    () -> catalog, false, stats);
            observability.register(config);
            Dashboard.register(config);
        }).start();
        return new RunningStack(kafka, pipeline, publisher, observability, reports, http, edge, token);
    }

    public URI uri(final String pathAndQuery) {
        return URI.create("http://localhost:" + http.port() + pathAndQuery);
    }

    /** A request to this stack, carrying the stack's client token if it has one. */
    public HttpRequest.Builder request(final String pathAndQuery) {
        final HttpRequest.Builder builder = HttpRequest.newBuilder(uri(pathAndQuery));
        return token == null ? builder : builder.header("Authorization", "Bearer " + token);
    }

    public HttpResponse<String> post(final String contentType, final String body) throws Exception {
        return client.send(request("/api/v1/events").header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /**
     * Posts the events as NDJSON in batches, as a connector would, and checks each batch was accepted whole.
     *
     * @return how many requests were posted
     */
    public int postAll(final List<? extends SpecificRecord> events, final int batch) throws Exception {
        int requests = 0;
        for (int i = 0; i < events.size(); i += batch) {
            final String body = events.subList(i, Math.min(events.size(), i + batch)).stream()
                    .map(e -> CanonicalEvents.toJson(e).toString()).collect(Collectors.joining("\n"));
            requests++;
            final HttpResponse<String> response = post("application/x-ndjson", body);
            final JsonNode answer = JSON.readTree(response.body());
            if (response.statusCode() != 202 || answer.get("rejected").size() != 0) {
                throw new AssertionError("batch at " + i + " not accepted whole: " + response.body());
            }
        }
        return requests;
    }

    public HttpResponse<String> webhook(final String source, final Map<String, String> headers, final String body)
            throws Exception {
        final HttpRequest.Builder request = request("/webhooks/" + source)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** {@code GET} with an {@code Accept} header, e.g. to ask {@code /metrics} for OpenMetrics. */
    public HttpResponse<String> get(final String pathAndQuery, final String accept) throws Exception {
        return client.send(request(pathAndQuery).header("Accept", accept).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> get(final String pathAndQuery) throws Exception {
        return client.send(request(pathAndQuery).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    public JsonNode getJson(final String pathAndQuery) throws Exception {
        final HttpResponse<String> response = get(pathAndQuery);
        if (response.statusCode() != 200) {
            throw new AssertionError(pathAndQuery + " answered " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }

    public JsonNode metrics(final String service, final String team, final String from, final String to) throws Exception {
        final StringBuilder query = new StringBuilder("/api/v1/metrics?from=" + from + "&to=" + to);
        if (service != null) {
            query.append("&service=").append(URLEncoder.encode(service, StandardCharsets.UTF_8));
        }
        if (team != null) {
            query.append("&team=").append(URLEncoder.encode(team, StandardCharsets.UTF_8));
        }
        return getJson(query.toString());
    }

    public String baseUrl() {
        return "http://localhost:" + http.port();
    }

    /** The edge in front of the routes: its settings, and the refused requests so far. */
    public HttpEdge edge() {
        return edge;
    }

    public MetricsPipeline pipeline() {
        return pipeline;
    }

    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    public HttpResponse<String> post(final String ndjson) throws Exception {
        return post("application/x-ndjson", ndjson);
    }

    public void awaitCaughtUp() {
        awaitCaughtUp(Duration.ofSeconds(120));
    }

    /** Waits until the health endpoint reports nothing left to process, for long enough that no stage is in between. */
    public void awaitCaughtUp(final Duration timeout) {
        await().atMost(timeout).pollInterval(Duration.ofMillis(250)).during(Duration.ofMillis(500))
                .until(() -> {
                    final HttpResponse<String> health = get("/api/v1/health");
                    return health.statusCode() == 200 && JSON.readTree(health.body()).get("pendingRecords").asLong(-1) == 0;
                });
    }

    /** The stack's weekly report publisher. */
    public ReportPublisher reports() {
        return reports;
    }

    public int port() {
        return http.port();
    }

    @Override
    public void close() throws Exception {
        http.stop();
        observability.close();
        reports.close();
        publisher.close();
        pipeline.close();
        kafka.close();
    }
}
