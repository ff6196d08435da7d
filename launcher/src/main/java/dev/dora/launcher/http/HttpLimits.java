package dev.dora.launcher.http;

import dev.dora.ingest.IngestRoutes;
import java.time.Duration;

/**
 * The HTTP server's limits on what clients may hold: threads, connections, time, bodies in flight and body size.
 * Slow clients cost the server a connection for a few seconds, never a thread for long: bodies are read without
 * blocking before a route runs (Jetty's {@code EagerContentHandler}), a body arriving slower than the minimum rate is
 * cut off ({@code MinimumDataRateHandler}), and requests with a body take turns ({@code QoSHandler}), so hundreds of
 * clients sending a byte every few seconds leave the queries and the health check answering at once.
 *
 * @param maxThreads          threads serving requests
 * @param maxConnections      open connections; beyond it the server stops accepting until some close. It also
 *                            bounds the work waiting for a thread: one request at a time per connection
 * @param idleTimeout         a connection on which nothing moves for this long is closed
 * @param headerDeadline      a connection must complete its first request's headers within this time of opening
 * @param minBodyBytesPerSecond a body arriving slower than this on average is cut off
 * @param maxConcurrentBodies requests with a body (ingest, webhooks) handled at once; more wait, without a thread and
 *                            before their bodies are read, up to {@code bodyQueueTimeout}, then get 503. This bounds the
 *                            memory that bodies in flight take to {@code maxConcurrentBodies × maxBodyBytes}
 * @param bodyQueueTimeout    how long a request with a body may wait for its turn
 * @param maxBodyBytes        the largest body any route reads; bodies are buffered up to this size before a route
 *                            runs
 */
public record HttpLimits(int maxThreads, int maxConnections, Duration idleTimeout, Duration headerDeadline,
                         long minBodyBytesPerSecond, int maxConcurrentBodies, Duration bodyQueueTimeout,
                         long maxBodyBytes) {

    /** The limits dora serves with. */
    public static HttpLimits defaults() {
        return new HttpLimits(200, 1_000, Duration.ofSeconds(30), Duration.ofSeconds(10), 1_024, 64,
                Duration.ofSeconds(30), IngestRoutes.DEFAULT_MAX_BODY_BYTES);
    }
}
