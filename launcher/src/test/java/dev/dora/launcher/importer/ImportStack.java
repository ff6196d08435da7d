package dev.dora.launcher.importer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dora.ingest.EventPublisher;
import dev.dora.ingest.IngestRoutes;
import dev.dora.streams.MetricsConfig;
import dev.dora.streams.MetricsPipeline;
import dev.dora.streams.api.QueryRoutes;
import dev.dora.testkit.TestKafkaCluster;
import io.javalin.Javalin;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A real broker, the metrics pipeline, ingest and the query API on one HTTP port, as {@code dora serve} runs them:
 * a minimal copy of the end-to-end tests' RunningStack, kept here so that the two evolve independently.
 */
final class ImportStack implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final TestKafkaCluster kafka;
    private final MetricsPipeline pipeline;
    private final EventPublisher publisher;
    private final Javalin http;
    private final HttpClient client = HttpClient.newHttpClient();

    private ImportStack(final TestKafkaCluster kafka, final MetricsPipeline pipeline, final EventPublisher publisher,
                        final Javalin http) {
        this.kafka = kafka;
        this.pipeline = pipeline;
        this.publisher = publisher;
        this.http = http;
    }

    static ImportStack start() throws Exception {
        final TestKafkaCluster kafka = TestKafkaCluster.start();
        final Path state = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "dora-import");
        final MetricsPipeline pipeline = MetricsPipeline.start(
                MetricsConfig.defaults(kafka.bootstrapServers(), state).withReplicationFactor((short) 1));
        final EventPublisher publisher = new EventPublisher(kafka.bootstrapServers());
        final Javalin http = Javalin.create(config -> {
            IngestRoutes.register(config, publisher, IngestRoutes.DEFAULT_MAX_BODY_BYTES);
            QueryRoutes.register(config, pipeline);
        }).start(0);
        return new ImportStack(kafka, pipeline, publisher, http);
    }

    String baseUrl() {
        return "http://localhost:" + http.port();
    }

    String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    HttpResponse<String> post(final String ndjson) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/api/v1/events"))
                .header("Content-Type", "application/x-ndjson")
                .POST(HttpRequest.BodyPublishers.ofString(ndjson)).build(), HttpResponse.BodyHandlers.ofString());
    }

    JsonNode getJson(final String pathAndQuery) throws Exception {
        final HttpResponse<String> response = client.send(
                HttpRequest.newBuilder(URI.create(baseUrl() + pathAndQuery)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new AssertionError(pathAndQuery + " answered " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }

    /** Waits until the health endpoint reports nothing left to process, twice in a row. */
    void awaitCaughtUp(final Duration timeout) throws Exception {
        final long deadline = System.nanoTime() + timeout.toNanos();
        int idle = 0;
        String last = "";
        while (idle < 2) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("pipeline did not catch up; last health: " + last);
            }
            final HttpResponse<String> health = client.send(
                    HttpRequest.newBuilder(URI.create(baseUrl() + "/api/v1/health")).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            last = health.body();
            idle = health.statusCode() == 200 && JSON.readTree(last).path("pendingRecords").asLong(-1) == 0
                    ? idle + 1 : 0;
            Thread.sleep(250);
        }
    }

    @Override
    public void close() throws Exception {
        http.stop();
        publisher.close();
        pipeline.close();
        kafka.close();
    }
}
