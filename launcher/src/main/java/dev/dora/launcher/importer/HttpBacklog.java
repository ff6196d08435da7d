package dev.dora.launcher.importer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.OptionalLong;

/**
 * The backlog a dora reports on {@code GET /api/v1/health} ({@code pendingRecords}: its whole cluster's, read from
 * the consumer group's committed offsets). The endpoint is open, so an import with an ingest-only token can read it.
 */
final class HttpBacklog implements PipelineBacklog {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI health;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    HttpBacklog(final String baseUrl) {
        final String base = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.health = URI.create(base + "/api/v1/health");
    }

    @Override
    public OptionalLong pending() throws InterruptedException {
        try {
            final HttpResponse<String> response = client.send(HttpRequest.newBuilder(health)
                    .timeout(Duration.ofSeconds(15)).GET().build(), HttpResponse.BodyHandlers.ofString());
            // 503 while Kafka Streams rebalances or restores: its backlog is still reported, and still counts
            if (response.statusCode() != 200 && response.statusCode() != 503) {
                return OptionalLong.empty();
            }
            final JsonNode pending = JSON.readTree(response.body()).path("pendingRecords");
            return pending.canConvertToLong() ? OptionalLong.of(pending.asLong()) : OptionalLong.empty();
        } catch (final IOException e) {
            return OptionalLong.empty();
        }
    }

    @Override
    public void close() {
        // the JDK 17 HttpClient has nothing to close
    }
}
