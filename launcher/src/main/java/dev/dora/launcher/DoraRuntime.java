package dev.dora.launcher;

import dev.dora.api.QueryRoutes;
import dev.dora.api.cluster.ClusterReader;
import dev.dora.ingest.EventPublisher;
import dev.dora.ingest.IngestRoutes;
import dev.dora.ingest.catalog.CatalogSync;
import dev.dora.ingest.cdevents.CDEventsSource;
import dev.dora.ingest.github.GitHubSource;
import dev.dora.ingest.gitlab.GitLabSource;
import dev.dora.ingest.pagerduty.PagerDutySource;
import dev.dora.ingest.webhook.KafkaDeliveries;
import dev.dora.ingest.webhook.WebhookRoutes;
import dev.dora.ingest.webhook.WebhookSecrets;
import dev.dora.ingest.webhook.WebhookSource;
import dev.dora.ingest.webhook.WebhookStats;
import dev.dora.launcher.http.HttpEdge;
import dev.dora.launcher.observability.Observability;
import dev.dora.launcher.web.Dashboard;
import dev.dora.schema.KafkaClientSettings;
import dev.dora.schema.KafkaConnectionCheck;
import dev.dora.streams.MetricsPipeline;
import dev.dora.streams.config.MetricsConfig;
import dev.dora.streams.reports.ReportPublisher;
import io.javalin.Javalin;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything {@code dora demo} and {@code dora serve} run in one JVM: the embedded Kafka broker (unless an existing
 * cluster is used), the metrics pipeline, the ingest producer and one HTTP server with the ingest and query routes
 * and the web dashboard.
 * {@link #close()} stops them in the reverse order: HTTP first so that no request is cut off half-published, Kafka last
 * so that the pipeline can commit its work.
 */
final class DoraRuntime implements AutoCloseable {

    private static final Duration NOTICE_INTERVAL = Duration.ofSeconds(10);
    /** How long the start-up check waits for an existing cluster to answer. */
    private static final Duration CONNECTION_TIMEOUT = Duration.ofSeconds(30);

    private final EmbeddedKafka kafka;
    private final MetricsPipeline pipeline;
    private final EventPublisher publisher;
    private final CatalogSync catalog;
    private final KafkaDeliveries deliveries;
    private final Observability observability;
    private final ReportPublisher reports;
    private final Javalin http;
    private final HttpEdge edge;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private boolean closed;

    private DoraRuntime(final EmbeddedKafka kafka, final MetricsPipeline pipeline, final EventPublisher publisher,
                        final CatalogSync catalog, final KafkaDeliveries deliveries,
                        final Observability observability, final ReportPublisher reports, final Javalin http,
                        final HttpEdge edge) {
        this.kafka = kafka;
        this.pipeline = pipeline;
        this.publisher = publisher;
        this.catalog = catalog;
        this.deliveries = deliveries;
        this.observability = observability;
        this.reports = reports;
        this.http = http;
        this.edge = edge;
    }

    /**
     * Starts everything; on a failure, what was already started is stopped again before the exception propagates.
     * The caller owns the data directory ({@link DataDirLock}).
     *
     * @param http      where and how the HTTP server listens, and who may use it
     * @param cluster   an existing cluster and how to connect to it (TLS, SASL, ...), or empty to start the
     *                  embedded broker on {@code kafkaPort}
     * @param configFor the pipeline's configuration for the cluster actually used
     * @param outputs   what {@code GET /metrics} and the weekly reports publish
     * @param reads     how to read across the application's instances ({@code --advertised-url}), or empty to read
     *                  this instance's stores only
     * @throws KafkaConnectionCheck.KafkaConnectionException when the cluster cannot be used with these settings
     */
    static DoraRuntime start(final Path dataDir, final HttpEdge.Settings http,
                             final Optional<KafkaClientSettings> cluster, final int kafkaPort,
                             final Function<KafkaClientSettings, MetricsConfig> configFor,
                             final WebhookSettings webhooks, final OutputSettings outputs,
                             final Optional<ClusterReader.Settings> reads, final PrintWriter out)
            throws IOException, InterruptedException {
        final int httpPort = http.port();
        // checked before Kafka starts: finding out after ten seconds of start-up is annoying
        Ports.requireFree(http.host(), httpPort, "HTTP port (--port)", "choose another with --port");
        Files.createDirectories(dataDir);
        final List<AutoCloseable> started = new ArrayList<>();
        try {
            final EmbeddedKafka kafka;
            final KafkaClientSettings settings;
            if (cluster.isEmpty()) {
                out.printf("Starting the embedded Kafka broker on localhost:%d (data in %s)%n", kafkaPort,
                        dataDir.resolve("kafka"));
                out.flush();
                kafka = EmbeddedKafka.start(dataDir, kafkaPort);
                started.add(kafka);
                settings = KafkaClientSettings.of(kafka.bootstrapServers());
            } else {
                kafka = null;
                settings = cluster.get();
                out.printf("Using the Kafka cluster at %s (%s%s%s)%n", settings.bootstrapServers(),
                        settings.securityProtocol(), settings.saslMechanism().map(m -> ", SASL " + m).orElse(""),
                        settings.file().map(f -> "; client settings from " + f).orElse(""));
                out.flush();
                logger().info("Kafka client settings: {}", settings);
                KafkaConnectionCheck.verify(settings, CONNECTION_TIMEOUT);
            }
            final MetricsConfig metricsConfig = configFor.apply(settings);
            out.printf("Starting the metrics pipeline (Kafka Streams, %d thread%s)%n", metricsConfig.streamThreads(),
                    metricsConfig.streamThreads() == 1 ? "" : "s");
            out.flush();
            // the catalog and the delivery log are read while Kafka Streams starts, once their topics exist
            final CompletableFuture<TopicFollowers> reading = new CompletableFuture<>();
            started.add(0, () -> TopicFollowers.closeWhenStarted(reading));
            final MetricsPipeline pipeline = MetricsPipeline.start(metricsConfig,
                    () -> TopicFollowers.startInBackground(settings, webhooks.catalog(), reading));
            started.add(0, pipeline);
            reads.ifPresent(across -> readAcrossInstances(pipeline, across, http, out));
            final EventPublisher publisher = new EventPublisher(settings);
            started.add(0, publisher);
            final TopicFollowers followers = TopicFollowers.await(reading);
            final CatalogSync catalog = followers.catalog();
            final KafkaDeliveries deliveries = followers.deliveries();
            final List<WebhookSource> sources = List.of(
                    new GitHubSource(), new GitLabSource(), new PagerDutySource(), new CDEventsSource());
            final WebhookSecrets secrets = WebhookSecrets.of(webhooks.configuredSecrets(), System.getenv(), sources);
            final WebhookStats stats = new WebhookStats();
            final HttpEdge edge = HttpEdge.of(http);
            final Observability observability = Observability.start(pipeline, stats,
                    sources.stream().map(WebhookSource::name).toList(), edge.authFailures(), outputs.metrics());
            started.add(0, observability);
            final ReportPublisher reports = ReportPublisher.start(pipeline, outputs.reports(), Clock.systemUTC());
            started.add(0, reports);
            final Javalin server = Javalin.create(config -> {
                edge.configure(config);
                IngestRoutes.register(config, publisher, IngestRoutes.DEFAULT_MAX_BODY_BYTES, catalog.current());
                WebhookRoutes.register(config, publisher, sources, secrets, catalog.current(), webhooks.insecure(),
                        stats, deliveries);
                QueryRoutes.register(config, pipeline, outputs.queryCacheEntries());
                observability.register(config);
                Dashboard.register(config);
            });
            started.add(0, server::stop);
            server.start();
            describeAccess(http, out);
            return new DoraRuntime(kafka, pipeline, publisher, catalog, deliveries, observability, reports, server,
                    edge);
        } catch (final Exception e) {
            for (final AutoCloseable resource : started) {
                try {
                    resource.close();
                } catch (final Exception suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }

    /** Makes every query of the pipeline read through every instance of the application. */
    private static void readAcrossInstances(final MetricsPipeline pipeline, final ClusterReader.Settings across,
                                            final HttpEdge.Settings http, final PrintWriter out) {
        final ClusterReader reader = new ClusterReader(pipeline.partitions(), across);
        pipeline.readThrough(reader, reader::version);
        out.printf("Answering as one with every instance of the application; this one is %s%n",
                across.advertisedUrl());
        if (!http.tokens().isEmpty() && across.peerToken().isEmpty()) {
            out.println("Warning: the API needs tokens but DORA_PEER_TOKEN is not set: reads no request asked"
                    + " for (the gauges of GET /metrics, the weekly reports) cannot reach the other instances");
        }
    }

    /** Says who may use the API; without tokens, loudly, on the console and in the log. */
    private static void describeAccess(final HttpEdge.Settings http, final PrintWriter out) {
        if (http.tokens().isEmpty()) {
            final String warning = "The API runs WITHOUT access control on " + http.host() + ":" + http.port()
                    + ": whoever can reach it can read the metrics and send events (--api-tokens FILE adds bearer"
                    + " tokens; see docs/SECURITY.md)";
            out.println(warning);
            logger().warn(warning);
        } else {
            out.printf("The API needs a bearer token (%d known: %s); GET /api/v1/health is open%n",
                    http.tokens().names().size(), String.join(", ", http.tokens().names()));
        }
        if (!http.corsOrigins().isEmpty()) {
            out.printf("Web pages from %s may call the API (CORS)%n", String.join(", ", http.corsOrigins()));
        }
        out.flush();
    }

    /** Where the API answers, e.g. {@code http://localhost:8080}. */
    String baseUrl() {
        final String host = edge.settings().host();
        final boolean local = host.equals("0.0.0.0") || host.equals("::") || host.equals("127.0.0.1")
                || host.equals("localhost");
        return "http://" + (local ? "localhost" : host.contains(":") ? "[" + host + "]" : host) + ":" + http.port();
    }

    /** The HTTP edge: its settings, and the refused requests so far for a metrics registry. */
    HttpEdge edge() {
        return edge;
    }

    HttpClient client() {
        return client;
    }

    MetricsPipeline pipeline() {
        return pipeline;
    }

    /**
     * Waits until {@code GET /api/v1/health} answers 200, i.e. Kafka Streams is RUNNING.
     *
     * @throws IllegalStateException when the pipeline failed or did not get there in time
     */
    void awaitHealthy(final Duration timeout, final PrintWriter out) throws InterruptedException {
        final HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl() + "/api/v1/health"))
                .timeout(Duration.ofSeconds(10)).GET().build();
        final long started = System.nanoTime();
        final long deadline = started + timeout.toNanos();
        long nextNotice = started + NOTICE_INTERVAL.toNanos();
        while (true) {
            try {
                if (client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (final IOException e) {
                logger().debug("health check failed, retrying", e);
            }
            final KafkaStreams.State state = pipeline.state();
            if (state == KafkaStreams.State.ERROR || state == KafkaStreams.State.PENDING_ERROR
                    || state == KafkaStreams.State.NOT_RUNNING || state == KafkaStreams.State.PENDING_SHUTDOWN) {
                throw new IllegalStateException("the metrics pipeline stopped (Kafka Streams state " + state + ")");
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the metrics pipeline is not running after " + timeout.toSeconds()
                        + " s (Kafka Streams state " + state + ")");
            }
            if (System.nanoTime() > nextNotice) {
                // after a restart Kafka Streams can wait for its previous instance's session to time out (45 s)
                out.printf("  still waiting: Kafka Streams is %s (%d s)%n", state,
                        Duration.ofNanos(System.nanoTime() - started).toSeconds());
                out.flush();
                nextNotice += NOTICE_INTERVAL.toNanos();
            }
            Thread.sleep(250);
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        closeQuietly("HTTP server", http::stop);
        closeQuietly("metrics of GET /metrics", observability);
        closeQuietly("weekly reports", reports);
        closeQuietly("event publisher", publisher);
        closeQuietly("catalog sync", catalog);
        closeQuietly("webhook delivery log", deliveries);
        closeQuietly("metrics pipeline", pipeline);
        if (kafka != null) {
            closeQuietly("embedded Kafka", kafka);
        }
    }

    private static void closeQuietly(final String what, final AutoCloseable resource) {
        try {
            resource.close();
        } catch (final Exception e) {
            // keep going: the broker must still be shut down cleanly when the pipeline fails to close
            logger().warn("cannot stop the {} cleanly", what, e);
        }
    }

    private static Logger logger() {
        return LoggerFactory.getLogger(DoraRuntime.class);
    }
}
