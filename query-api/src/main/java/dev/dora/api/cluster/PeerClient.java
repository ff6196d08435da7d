package dev.dora.api.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.streams.state.HostInfo;

/**
 * Asks another instance of the application for its part of an answer, over its public HTTP port and so through its
 * HTTP edge like any client: with the caller's own {@code Authorization} header when the read serves an API request
 * ({@link CallerToken}), else with the peer token, and with {@link InternalRoutes#HEADER} naming this instance, which
 * only the internal routes accept and which they answer from their own partitions only.
 */
final class PeerClient {

    /** Why a peer gave no usable answer: retryable (unreachable, 503) or not (anything else). */
    static final class PeerException extends Exception {

        private static final long serialVersionUID = 1L;

        private final boolean retryable;

        PeerException(final String message, final boolean retryable) {
            super(message, null, false, false);
            this.retryable = retryable;
        }

        boolean retryable() {
            return retryable;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2))
            .version(HttpClient.Version.HTTP_1_1).build();
    private final String scheme;
    private final String self;
    private final Optional<String> peerToken;
    private final AtomicLong sent = new AtomicLong();

    PeerClient(final String scheme, final HostInfo self, final Optional<String> peerToken) {
        this.scheme = scheme;
        this.self = self.host() + ":" + self.port();
        this.peerToken = peerToken;
    }

    /** Requests sent to peers so far. */
    long sent() {
        return sent.get();
    }

    JsonNode get(final HostInfo peer, final String path, final Map<String, String> parameters)
            throws PeerException, InterruptedException {
        final StringJoiner query = new StringJoiner("&", "?", "");
        parameters.forEach((name, value) -> {
            if (value != null) {
                query.add(name + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8));
            }
        });
        final URI uri = URI.create(scheme + "://" + hostPart(peer) + path + query);
        final HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET()
                .header(InternalRoutes.HEADER, self).header("Accept", "application/json");
        CallerToken.current().or(() -> peerToken.map(token -> "Bearer " + token))
                .ifPresent(authorization -> request.header("Authorization", authorization));
        sent.incrementAndGet();
        final HttpResponse<byte[]> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (final IOException e) {
            throw new PeerException("instance " + hostPart(peer) + " did not answer (" + e + ")", true);
        }
        if (response.statusCode() == 200) {
            try {
                return JSON.readTree(response.body());
            } catch (final IOException e) {
                throw new PeerException("instance " + hostPart(peer) + " answered unreadable JSON", false);
            }
        }
        final String body = new String(response.body(), StandardCharsets.UTF_8);
        throw new PeerException("instance " + hostPart(peer) + " answered " + response.statusCode() + ": "
                + body.substring(0, Math.min(300, body.length())), response.statusCode() == 503);
    }

    private static String hostPart(final HostInfo host) {
        return (host.host().contains(":") ? "[" + host.host() + "]" : host.host()) + ":" + host.port();
    }
}
