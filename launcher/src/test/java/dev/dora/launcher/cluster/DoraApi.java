package dev.dora.launcher.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dora.ingest.CanonicalEvents;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;

/** The public REST API of one running dora, as a client sees it. */
public final class DoraApi {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String baseUrl;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public DoraApi(final String baseUrl) {
        this.baseUrl = baseUrl;
    }

    public String baseUrl() {
        return baseUrl;
    }

    /** Posts NDJSON to {@code /api/v1/events}; the request may wait as long as the API waits for Kafka. */
    public HttpResponse<String> post(final String ndjson) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(URI.create(baseUrl + "/api/v1/events"))
                        .timeout(Duration.ofSeconds(90))
                        .header("Content-Type", "application/x-ndjson")
                        .POST(HttpRequest.BodyPublishers.ofString(ndjson)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The events as NDJSON, as a connector would send them. */
    public static String ndjson(final List<? extends SpecificRecord> events) {
        return events.stream().map(e -> CanonicalEvents.toJson(e).toString()).collect(Collectors.joining("\n"));
    }

    public HttpResponse<String> get(final String pathAndQuery) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(URI.create(baseUrl + pathAndQuery)).timeout(Duration.ofSeconds(60))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A 200 answer's JSON; anything else fails the test with the answer. */
    public JsonNode getJson(final String pathAndQuery) throws IOException, InterruptedException {
        final HttpResponse<String> response = get(pathAndQuery);
        if (response.statusCode() != 200) {
            throw new AssertionError(pathAndQuery + " answered " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }

    /** Whether {@code /api/v1/health} answers 200 (Kafka Streams RUNNING); false while it cannot be reached. */
    public boolean healthy() {
        try {
            return get("/api/v1/health").statusCode() == 200;
        } catch (final IOException e) {
            return false;
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Nothing left to process: health 200 with {@code pendingRecords} 0, twice in a row. */
    public void awaitCaughtUp(final Duration timeout) throws IOException, InterruptedException {
        final long deadline = System.nanoTime() + timeout.toNanos();
        int idle = 0;
        String last = "";
        while (idle < 2) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the pipeline did not catch up within " + timeout.toSeconds()
                        + " s; last health: " + last);
            }
            try {
                final HttpResponse<String> health = get("/api/v1/health");
                last = health.statusCode() + " " + health.body();
                idle = health.statusCode() == 200 && JSON.readTree(health.body()).path("pendingRecords").asLong(-1) == 0
                        ? idle + 1 : 0;
            } catch (final IOException e) {
                last = e.toString();
                idle = 0;
            }
            Thread.sleep(250);
        }
    }
}
