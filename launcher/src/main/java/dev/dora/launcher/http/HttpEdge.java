package dev.dora.launcher.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.EagerContentHandler;
import org.eclipse.jetty.server.handler.MinimumDataRateHandler;
import org.eclipse.jetty.server.handler.QoSHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything between the network and the routes, installed on a Javalin configuration in one place so that
 * {@code dora serve}, {@code dora demo} and the tests' stacks serve alike: the listening address, the server's limits
 * ({@link HttpLimits}), the security headers, CORS (off unless origins are given), the bearer-token guard
 * ({@link AccessGuard}, when tokens are configured), and the answers to what no route answers itself: a refused token,
 * a malformed query string, an unexpected failure (a 500 naming only an id; the cause is logged under it).
 */
public final class HttpEdge {

    private static final Logger LOG = LoggerFactory.getLogger(HttpEdge.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Room for chunk framing beyond the largest body a route reads, so a body at the limit is buffered whole. */
    private static final long FRAMING_ALLOWANCE = 64 * 1024;

    /**
     * What the edge is configured with.
     *
     * @param host        the address to listen on ({@code 127.0.0.1}, {@code 0.0.0.0}, …)
     * @param port        the port, 0 for any free one
     * @param tokens      the API tokens; none leaves the API open
     * @param policy      which requests need which scope
     * @param corsOrigins origins whose pages may call the API from a browser; empty for none
     * @param limits      the server's limits
     */
    public record Settings(String host, int port, ApiTokens tokens, AccessPolicy policy, List<String> corsOrigins,
                           HttpLimits limits) {

        public Settings {
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(tokens, "tokens");
            Objects.requireNonNull(policy, "policy");
            corsOrigins = List.copyOf(corsOrigins);
            Objects.requireNonNull(limits, "limits");
        }

        /** On the loopback interface, without tokens or CORS, with the default policy and limits. */
        public static Settings local(final int port) {
            return new Settings("127.0.0.1", port, ApiTokens.none(), AccessPolicy.standard(), List.of(),
                    HttpLimits.defaults());
        }

        public Settings withTokens(final ApiTokens newTokens) {
            return new Settings(host, port, newTokens, policy, corsOrigins, limits);
        }

        public Settings withHost(final String newHost) {
            return new Settings(newHost, port, tokens, policy, corsOrigins, limits);
        }

        public Settings withCorsOrigins(final List<String> origins) {
            return new Settings(host, port, tokens, policy, origins, limits);
        }

        public Settings withLimits(final HttpLimits newLimits) {
            return new Settings(host, port, tokens, policy, corsOrigins, newLimits);
        }
    }

    private final Settings settings;
    private final AuthFailureCounter failures;

    private HttpEdge(final Settings settings) {
        this.settings = settings;
        this.failures = new AuthFailureCounter(settings.tokens());
    }

    public static HttpEdge of(final Settings settings) {
        return new HttpEdge(settings);
    }

    public Settings settings() {
        return settings;
    }

    /** The refused requests so far, for a metrics registry to read. */
    public AuthFailureCounts authFailures() {
        return failures;
    }

    /**
     * Installs the edge; call it first in {@code Javalin.create}, before any route, so that the guard runs before
     * every route and handler. Start the server with {@code start()}: the edge's connector has the host and port.
     */
    public void configure(final JavalinConfig config) {
        final HttpLimits limits = settings.limits();
        config.startup.showJavalinBanner = false;
        // the queue of work is bounded by the connection limit (one request at a time per HTTP/1.1 connection);
        // a queue bounded by itself makes Jetty drop work it has accepted, which it warns against
        config.jetty.threadPool = new QueuedThreadPool(limits.maxThreads(), Math.min(8, limits.maxThreads()),
                60_000);
        config.jetty.modifyServer(server -> {
            // inserted innermost first, so a request meets them in the opposite order: the security headers, the
            // turn of requests with a body, the rate check on the body, the eager reader of the body
            server.insertHandler(new EagerContentHandler(new EagerContentHandler.RetainedContentLoaderFactory(
                    limits.maxBodyBytes() + FRAMING_ALLOWANCE, -1, false)));
            server.insertHandler(new MinimumDataRateHandler(limits.minBodyBytesPerSecond(), 0));
            server.insertHandler(bodyTurns(limits));
            server.insertHandler(new SecurityHeaders());
            server.setErrorHandler(new JsonErrorHandler());
            server.addBean(new NetworkConnectionLimit(limits.maxConnections(), server));
        });
        config.jetty.addConnector((server, httpConfiguration) -> {
            final ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(httpConfiguration));
            connector.setHost(settings.host());
            connector.setPort(settings.port());
            connector.setIdleTimeout(limits.idleTimeout().toMillis());
            connector.addBean(new HeaderDeadline(server.getScheduler(), limits.headerDeadline()));
            return connector;
        });
        if (!settings.corsOrigins().isEmpty()) {
            config.bundledPlugins.enableCors(cors -> cors.addRule(rule -> {
                final List<String> origins = settings.corsOrigins();
                rule.allowHost(origins.get(0), origins.subList(1, origins.size()).toArray(String[]::new));
            }));
        }
        config.routes.before(HttpEdge::requireReadableQuery);
        config.routes.before(new AccessGuard(settings.tokens(), settings.policy(), failures));
        config.routes.exception(AccessGuard.AccessDenied.class, (e, ctx) -> {
            ctx.header("WWW-Authenticate", e.challenge());
            error(ctx, e.status(), e.getMessage());
        });
        config.routes.exception(MalformedQueryException.class, (e, ctx) -> error(ctx, 400, e.getMessage()));
        config.routes.exception(Exception.class, HttpEdge::unexpected);
    }

    /** At most so many requests with a body at once; the others wait, suspended without a thread. */
    private static QoSHandler bodyTurns(final HttpLimits limits) {
        final QoSHandler turns = new QoSHandler();
        turns.includeMethod("POST", "PUT", "PATCH");
        turns.setMaxRequestCount(limits.maxConcurrentBodies());
        turns.setMaxSuspend(limits.bodyQueueTimeout());
        return turns;
    }

    /** A query string Javalin cannot decode (e.g. {@code %zz}) would otherwise fail in whichever route reads it. */
    private static void requireReadableQuery(final Context ctx) {
        try {
            ctx.queryParamMap();
        } catch (final IllegalArgumentException e) {
            throw new MalformedQueryException("query string: not valid percent-encoding (" + e.getMessage() + ")");
        }
    }

    /** A query string that cannot be decoded. */
    private static final class MalformedQueryException extends RuntimeException {

        private static final long serialVersionUID = 1L;

        MalformedQueryException(final String message) {
            super(message, null, false, false);
        }
    }

    /** A failure no route expected: the client learns only an id, the log has the rest. */
    private static void unexpected(final Exception e, final Context ctx) {
        if (e instanceof HttpResponseException answer) {
            error(ctx, answer.getStatus(), answer.getMessage());
            return;
        }
        final String id = UUID.randomUUID().toString();
        LOG.error("{} {} failed: internal error {}", ctx.method(), ctx.path(), id, e);
        error(ctx, 500, "internal error " + id + "; the server's log has the details");
    }

    private static void error(final Context ctx, final int status, final String message) {
        try {
            ctx.status(status).contentType("application/json")
                    .result(JSON.writeValueAsBytes(Map.of("error", message)));
        } catch (final JsonProcessingException e) {
            throw new IllegalStateException("cannot write a JSON answer", e);
        }
    }
}
