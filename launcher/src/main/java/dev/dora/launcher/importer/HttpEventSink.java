package dev.dora.launcher.importer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.LoggerFactory;

/**
 * Posts batches as NDJSON to {@code POST /api/v1/events} of a running dora. A {@code 503} (Kafka did not acknowledge)
 * or a connection failure is retried with {@link Backoff}: resending a whole batch is safe because the pipeline ignores
 * exact duplicates. Any other answer but {@code 202} stops the import. Invalid items are posted as read, so that the
 * API keeps them in the dead-letter topic; its {@code rejected} answer is what this sink reports as refused.
 */
final class HttpEventSink implements EventSink {

    /** Items larger than this are not posted at all (the API would refuse the whole request with 413). */
    static final int MAX_ITEM_BYTES = 4 * 1024 * 1024;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PATH = "/api/v1/events";

    /** The environment variable holding the bearer token for a dora that needs one (scope ingest or admin). */
    static final String TOKEN_VARIABLE = "DORA_API_TOKEN";

    private final URI endpoint;
    private final String baseUrl;
    private final Backoff backoff;
    private final HttpClient client;
    private final String token;

    /**
     * @param token the bearer token to send, or null for a dora without access control
     */
    HttpEventSink(final String baseUrl, final Backoff backoff, final String token) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.endpoint = URI.create(this.baseUrl + PATH);
        this.backoff = backoff;
        this.client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        this.token = token == null || token.isBlank() ? null : token.trim();
    }

    @Override
    public List<Refusal> send(final List<ImportItem> batch) throws InterruptedException {
        final List<Refusal> refused = new ArrayList<>();
        final List<Integer> posted = new ArrayList<>(batch.size());
        final StringBuilder body = new StringBuilder(batch.size() * 320);
        for (int i = 0; i < batch.size(); i++) {
            final String wire = batch.get(i).wire();
            final int bytes = wire.length() * 3 <= MAX_ITEM_BYTES ? wire.length()
                    : wire.getBytes(StandardCharsets.UTF_8).length;
            if (bytes > MAX_ITEM_BYTES) {
                refused.add(new Refusal(i, "event: " + bytes + " bytes, too large to post (not sent)"));
                continue;
            }
            posted.add(i);
            body.append(wire).append('\n');
        }
        if (posted.isEmpty()) {
            return refused;
        }
        final JsonNode answer = post(body.toString());
        for (final JsonNode rejection : answer.path("rejected")) {
            final int index = rejection.path("index").asInt(-1);
            final String error = rejection.path("error").asText("rejected");
            refused.add(new Refusal(index >= 0 && index < posted.size() ? posted.get(index) : -1, error));
        }
        refused.sort((a, b) -> Integer.compare(a.index(), b.index()));
        return refused;
    }

    private JsonNode post(final String ndjson) throws InterruptedException {
        final HttpRequest.Builder builder = HttpRequest.newBuilder(endpoint)
                .timeout(Duration.ofMinutes(2))
                .header("Content-Type", "application/x-ndjson")
                .POST(HttpRequest.BodyPublishers.ofString(ndjson, StandardCharsets.UTF_8));
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        final HttpRequest request = builder.build();
        for (int attempt = 1; ; attempt++) {
            HttpResponse<String> response = null;
            String problem;
            try {
                response = client.send(request, HttpResponse.BodyHandlers.ofString());
                problem = "answered " + response.statusCode() + ": " + oneLine(response.body());
            } catch (final IOException e) {
                problem = "cannot reach it (" + DescribeFailure.of(e) + ")";
            }
            Duration floor = Duration.ZERO;
            if (response != null) {
                if (response.statusCode() == 202 || response.statusCode() == 200) {
                    return parse(response.body());
                }
                if (response.statusCode() == 401 || response.statusCode() == 403) {
                    throw new ImportException("POST " + endpoint + " " + problem + "; this dora needs a token of"
                            + " scope ingest: set " + TOKEN_VARIABLE);
                }
                if (response.statusCode() != 503) {
                    throw new ImportException("POST " + endpoint + " " + problem);
                }
                floor = retryAfter(response.headers().firstValue("Retry-After"));
            }
            if (attempt >= backoff.attempts()) {
                throw new ImportException("POST " + endpoint + " failed " + attempt + " times, last: " + problem
                        + "; is dora running there (dora serve)? Running the import again is safe");
            }
            final Duration delay = backoff.delay(attempt, floor);
            LoggerFactory.getLogger(HttpEventSink.class).warn("POST {} {}; retrying in {} ms", endpoint, problem,
                    delay.toMillis());
            Thread.sleep(delay.toMillis());
        }
    }

    private JsonNode parse(final String body) {
        try {
            return JSON.readTree(body);
        } catch (final IOException e) {
            throw new ImportException("POST " + endpoint + " answered with something that is not JSON: "
                    + oneLine(body), e);
        }
    }

    private static Duration retryAfter(final Optional<String> header) {
        try {
            return header.map(value -> Duration.ofSeconds(Long.parseLong(value.trim()))).orElse(Duration.ZERO);
        } catch (final NumberFormatException e) {
            return Duration.ZERO;
        }
    }

    private static String oneLine(final String text) {
        final String flat = text == null ? "" : text.replaceAll("\\s+", " ").trim();
        return flat.length() > 300 ? flat.substring(0, 300) + "…" : flat;
    }

    @Override
    public String describe() {
        return baseUrl;
    }

    @Override
    public void close() {
        // the JDK 17 HttpClient has nothing to close; its threads end with the JVM
    }
}
