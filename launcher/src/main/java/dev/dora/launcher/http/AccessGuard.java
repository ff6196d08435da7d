package dev.dora.launcher.http;

import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks the bearer token of every request the {@link AccessPolicy} protects, before any route runs: none or an
 * unknown one is {@code 401} with {@code WWW-Authenticate: Bearer}, a known one without the needed scope {@code 403}.
 * Refusals are counted ({@link AuthFailureCounts}) and logged by token name at most once a minute per name and reason;
 * a token itself is never logged nor echoed. Preflight requests ({@code OPTIONS}) carry no credentials by design and
 * pass: no route answers them but the CORS handling.
 */
final class AccessGuard implements Handler {

    private static final Logger LOG = LoggerFactory.getLogger(AccessGuard.class);
    private static final long LOG_INTERVAL_NANOS = 60_000_000_000L;
    private static final String BEARER = "bearer ";
    private static final String REALM = "Bearer realm=\"dora\"";

    private final ApiTokens tokens;
    private final AccessPolicy policy;
    private final AuthFailureCounter failures;
    private final Map<AuthFailureCounts.Series, Long> lastLogged = new ConcurrentHashMap<>();

    AccessGuard(final ApiTokens tokens, final AccessPolicy policy, final AuthFailureCounter failures) {
        this.tokens = tokens;
        this.policy = policy;
        this.failures = failures;
    }

    /** A request the guard refuses: its status, the {@code WWW-Authenticate} challenge and what the client is told. */
    static final class AccessDenied extends RuntimeException {

        private static final long serialVersionUID = 1L;

        private final int status;
        private final String challenge;

        AccessDenied(final int status, final String challenge, final String message) {
            super(message, null, false, false);
            this.status = status;
            this.challenge = challenge;
        }

        int status() {
            return status;
        }

        String challenge() {
            return challenge;
        }
    }

    @Override
    public void handle(final Context ctx) {
        if (tokens.isEmpty() || ctx.method() == HandlerType.OPTIONS) {
            return;
        }
        final Optional<Scope> needed = policy.needed(ctx.method().name(), ctx.path());
        if (needed.isEmpty()) {
            return;
        }
        final String header = ctx.header("Authorization");
        if (header == null || header.length() <= BEARER.length()
                || !header.substring(0, BEARER.length()).toLowerCase(Locale.ROOT).equals(BEARER)) {
            throw refuse(ctx, AuthFailureCounts.UNKNOWN, AuthFailureCounts.Reason.MISSING, 401, REALM,
                    "authorization: this API needs a token: send Authorization: Bearer <token>");
        }
        final Optional<ApiTokens.Token> token = tokens.find(header.substring(BEARER.length()).trim());
        if (token.isEmpty()) {
            throw refuse(ctx, AuthFailureCounts.UNKNOWN, AuthFailureCounts.Reason.INVALID, 401,
                    REALM + ", error=\"invalid_token\"", "authorization: the token is not valid");
        }
        final Scope scope = token.get().scope();
        if (!scope.grants(needed.get())) {
            throw refuse(ctx, token.get().name(), AuthFailureCounts.Reason.FORBIDDEN, 403,
                    REALM + ", error=\"insufficient_scope\", scope=\"" + needed.get().label() + "\"",
                    "authorization: token '" + token.get().name() + "' has scope " + scope.label() + "; "
                            + ctx.method().name() + " " + ctx.path() + " needs " + needed.get().label()
                            + " (or admin)");
        }
    }

    private AccessDenied refuse(final Context ctx, final String name, final AuthFailureCounts.Reason reason,
                                final int status, final String challenge, final String message) {
        failures.failed(name, reason);
        final AuthFailureCounts.Series series = new AuthFailureCounts.Series(name, reason);
        final long now = System.nanoTime();
        final Long last = lastLogged.get(series);
        if (last == null || now - last > LOG_INTERVAL_NANOS) {
            lastLogged.put(series, now);
            LOG.warn("Refused {} {} from {}: token {}, {} ({} such refusals so far; logged at most once a minute)",
                    ctx.method().name(), ctx.path(), ctx.ip(), name, reason.label(),
                    failures.count(series));
        }
        return new AccessDenied(status, challenge, message);
    }
}
