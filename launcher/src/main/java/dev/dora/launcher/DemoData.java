package dev.dora.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dora.ingest.CanonicalEvents;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.slf4j.LoggerFactory;

/**
 * The demo's client side: it sends the generated history through the public {@code POST /api/v1/events} endpoint
 * (so the demo exercises the same path as real connectors) and reads the results back through the query API.
 */
final class DemoData {

    /** Events per request: large enough to load quickly, small enough for visible progress. */
    static final int BATCH_SIZE = 500;

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int MAX_ATTEMPTS = 5;

    private final HttpClient client;
    private final String baseUrl;
    private final String token;
    private final PrintWriter out;

    /**
     * @param token a bearer token of scope admin when the API needs one, else null
     */
    DemoData(final HttpClient client, final String baseUrl, final String token, final PrintWriter out) {
        this.client = client;
        this.baseUrl = baseUrl;
        this.token = token;
        this.out = out;
    }

    /** A fresh random token (256 bits, URL-safe) for the demo's own requests; it never leaves the process. */
    static String newToken() {
        final byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private HttpRequest.Builder request(final String pathAndQuery) {
        final HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(baseUrl + pathAndQuery));
        return token == null ? builder : builder.header("Authorization", "Bearer " + token);
    }

    /**
     * POSTs the events as NDJSON batches and shows progress.
     *
     * @return how many events the API accepted
     * @throws IllegalStateException when a batch is refused, or still fails after retries
     */
    long load(final List<SpecificRecord> events) throws IOException, InterruptedException {
        final Progress progress = new Progress(out, "Loading demo history", events.size());
        long accepted = 0;
        long rejected = 0;
        for (int start = 0; start < events.size(); start += BATCH_SIZE) {
            final List<SpecificRecord> batch = events.subList(start, Math.min(events.size(), start + BATCH_SIZE));
            final StringBuilder body = new StringBuilder(batch.size() * 300);
            for (final SpecificRecord event : batch) {
                body.append(CanonicalEvents.toJson(event).toString()).append('\n');
            }
            final JsonNode answer = post(body.toString());
            accepted += answer.path("accepted").asLong();
            final int refused = answer.path("rejected").size();
            if (refused > 0) {
                rejected += refused;
                LoggerFactory.getLogger(DemoData.class).warn("{} demo events were rejected: {}", refused,
                        answer.path("rejected"));
            }
            progress.update(start + batch.size());
        }
        progress.done();
        if (rejected > 0) {
            out.printf("%d generated events were rejected by the API (see the log)%n", rejected);
        }
        return accepted;
    }

    private JsonNode post(final String ndjson) throws IOException, InterruptedException {
        final HttpRequest request = request("/api/v1/events")
                .timeout(Duration.ofMinutes(1))
                .header("Content-Type", "application/x-ndjson")
                .POST(HttpRequest.BodyPublishers.ofString(ndjson, StandardCharsets.UTF_8))
                .build();
        for (int attempt = 1; ; attempt++) {
            final HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 202 || response.statusCode() == 200) {
                return MAPPER.readTree(response.body());
            }
            // 503 means Kafka did not acknowledge in time; resending is safe because duplicates change nothing
            if (response.statusCode() != 503 || attempt == MAX_ATTEMPTS) {
                throw new IllegalStateException("POST /api/v1/events answered " + response.statusCode() + ": "
                        + response.body());
            }
            Thread.sleep(1_000L * attempt);
        }
    }

    /** GETs a query endpoint, e.g. {@code /api/v1/services}, and parses the JSON answer. */
    JsonNode get(final String pathAndQuery) throws IOException, InterruptedException {
        final HttpRequest request = request(pathAndQuery).timeout(Duration.ofSeconds(30)).GET().build();
        final HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("GET " + pathAndQuery + " answered " + response.statusCode() + ": "
                    + response.body());
        }
        return MAPPER.readTree(response.body());
    }

    /** One row per known service with its metrics over the default window (the last 90 days). */
    List<MetricsTable.Row> summary() throws IOException, InterruptedException {
        final List<MetricsTable.Row> rows = new ArrayList<>();
        for (final JsonNode entry : get("/api/v1/services").path("services")) {
            final String service = entry.path("service").asText();
            final String team = entry.path("team").isTextual() ? entry.path("team").asText() : null;
            final JsonNode metrics = get("/api/v1/metrics?service=" + URLEncoder.encode(service, StandardCharsets.UTF_8));
            rows.add(MetricsTable.Row.of(service, team, metrics));
        }
        return rows;
    }

    /** A progress line: redrawn in place on a terminal, printed every 10 % otherwise (e.g. into a file). */
    static final class Progress {
        private final PrintWriter out;
        private final String label;
        private final long total;
        private final boolean terminal = System.console() != null;
        private int lastTenth = -1;

        Progress(final PrintWriter out, final String label, final long total) {
            this.out = out;
            this.label = label;
            this.total = total;
        }

        void update(final long done) {
            final int percent = total == 0 ? 100 : (int) (done * 100 / total);
            if (terminal) {
                out.printf("\r%s: %,d / %,d events (%d %%)", label, done, total, percent);
                out.flush();
            } else if (percent / 10 != lastTenth) {
                lastTenth = percent / 10;
                out.printf("%s: %,d / %,d events (%d %%)%n", label, done, total, percent);
                out.flush();
            }
        }

        void done() {
            if (terminal) {
                out.println();
                out.flush();
            }
        }
    }
}
