package dev.dora.launcher.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/** The HTTP API of the dora under test, as the benchmark's clients use it. Thread-safe. */
final class DoraApi {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration REQUEST_TIMEOUT = Duration.ofMinutes(2);

    /** What {@code GET /api/v1/health} said: its status code (-1 when unreachable) and the pending records. */
    record Health(int status, long pendingRecords) {
        boolean idle() {
            return status == 200 && pendingRecords == 0;
        }
    }

    private final String baseUrl;
    private final HttpClient client;

    DoraApi(final String baseUrl, final Executor executor) {
        this.baseUrl = baseUrl;
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).executor(executor).build();
    }

    String baseUrl() {
        return baseUrl;
    }

    HttpResponse<String> get(final String pathAndQuery) throws IOException, InterruptedException {
        return client.send(request(pathAndQuery).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    CompletableFuture<HttpResponse<String>> getAsync(final String pathAndQuery) {
        return client.sendAsync(request(pathAndQuery).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The answer's JSON; anything but 200 is an error naming the query. */
    JsonNode getJson(final String pathAndQuery) throws IOException, InterruptedException {
        final HttpResponse<String> response = get(pathAndQuery);
        if (response.statusCode() != 200) {
            throw new IOException("GET " + pathAndQuery + " answered " + response.statusCode() + ": "
                    + abbreviate(response.body()));
        }
        return JSON.readTree(response.body());
    }

    CompletableFuture<HttpResponse<String>> postAsync(final String json) {
        return client.sendAsync(request("/api/v1/events").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    Health health() throws InterruptedException {
        try {
            final HttpResponse<String> response = get("/api/v1/health");
            final JsonNode body = JSON.readTree(response.body());
            return new Health(response.statusCode(), body.path("pendingRecords").asLong(-1));
        } catch (final IOException e) {
            return new Health(-1, -1);
        }
    }

    private HttpRequest.Builder request(final String pathAndQuery) {
        return HttpRequest.newBuilder(URI.create(baseUrl + pathAndQuery)).timeout(REQUEST_TIMEOUT);
    }

    static String abbreviate(final String text) {
        final String flat = text == null ? "" : text.replaceAll("\\s+", " ");
        return flat.length() > 300 ? flat.substring(0, 300) + "…" : flat;
    }
}
