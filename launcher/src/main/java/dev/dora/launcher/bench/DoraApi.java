package dev.dora.launcher.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
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
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final String MAX_CONNECTIONS = "http.maxConnections";

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
                .connectTimeout(CONNECT_TIMEOUT).executor(executor).build();
    }

    String baseUrl() {
        return baseUrl;
    }

    HttpResponse<String> get(final String pathAndQuery) throws IOException, InterruptedException {
        return client.send(request(pathAndQuery).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /**
     * A GET whose answer is read and dropped, for the query load: the JDK's blocking {@link HttpURLConnection}, one
     * kept-alive connection per calling thread while the keep-alive cache holds as many as there are callers
     * ({@link #keepAlive}). Returns the status code.
     */
    int fetch(final String pathAndQuery) throws IOException {
        final HttpURLConnection connection = (HttpURLConnection) URI.create(baseUrl + pathAndQuery).toURL()
                .openConnection();
        connection.setConnectTimeout((int) CONNECT_TIMEOUT.toMillis());
        connection.setReadTimeout((int) REQUEST_TIMEOUT.toMillis());
        final int status = connection.getResponseCode();
        // read to the end, also an error's body, or the connection is closed instead of kept
        try (InputStream body = status < 400 ? connection.getInputStream() : connection.getErrorStream()) {
            if (body != null) {
                body.transferTo(OutputStream.nullOutputStream());
            }
        }
        return status;
    }

    /**
     * Lets the JDK keep alive at least {@code connections} idle connections per server (5 by default), so that
     * {@link #fetch} from that many threads reuses its connections; must run before the first {@code fetch}, as the
     * JDK reads the setting once.
     */
    static void keepAlive(final int connections) {
        final String current = System.getProperty(MAX_CONNECTIONS);
        if (current == null || Integer.parseInt(current) < connections) {
            System.setProperty(MAX_CONNECTIONS, Integer.toString(connections));
        }
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
