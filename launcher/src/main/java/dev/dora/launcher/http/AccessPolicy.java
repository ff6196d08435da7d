package dev.dora.launcher.http;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Which scope a request needs, by method and path: an ordered list of rules, the first that matches decides; a path
 * no rule matches is open (the dashboard's files, the endpoint list at {@code /api}, the webhooks, which carry their
 * own signatures). A rule covers a path and everything below it, so {@code /api/v1} covers every query route there is
 * and every one added later, and {@code /metrics} covers the Prometheus endpoint whichever module serves it.
 *
 * <p>A path is judged twice: as the server routes it, and as it reads once percent-decoded, with empty, {@code .}
 * and {@code ..} segments resolved and in lower case; the stricter answer wins. So no spelling of a protected path
 * ({@code /%61pi/v1/metrics}, {@code //api/v1/metrics}, {@code /api/v1/x/../metrics}) can reach it without a token,
 * whatever the router makes of it.
 */
public final class AccessPolicy {

    /** One rule: requests with this method (any when null) to this path or below need this scope (none when null). */
    private record Rule(String method, String path, Scope scope) {

        boolean matches(final String requestMethod, final String requestPath) {
            return (method == null || method.equalsIgnoreCase(requestMethod))
                    && (requestPath.equals(path) || requestPath.startsWith(path + "/"));
        }
    }

    private final List<Rule> rules;

    private AccessPolicy(final List<Rule> rules) {
        this.rules = List.copyOf(rules);
    }

    /**
     * dora's policy: {@code GET /api/v1/health} open (for load balancers; it tells nothing but the state),
     * {@code POST /api/v1/events} needs {@code ingest}, everything else under {@code /api/v1} and {@code /metrics}
     * needs {@code read}.
     */
    public static AccessPolicy standard() {
        return new AccessPolicy(List.of())
                .open("GET", "/api/v1/health")
                .open("HEAD", "/api/v1/health")
                .require(Scope.INGEST, "POST", "/api/v1/events")
                .require(Scope.READ, null, "/api/v1")
                .require(Scope.READ, null, "/metrics");
    }

    /** This policy with one more rule, after the others: requests to {@code path} or below need {@code scope}. */
    public AccessPolicy require(final Scope scope, final String method, final String path) {
        return with(new Rule(method, normalized(path), scope));
    }

    /** This policy with one more rule, after the others: requests to {@code path} or below need no token. */
    public AccessPolicy open(final String method, final String path) {
        return with(new Rule(method, normalized(path), null));
    }

    private AccessPolicy with(final Rule rule) {
        final List<Rule> all = new ArrayList<>(rules);
        all.add(rule);
        return new AccessPolicy(all);
    }

    /** The scope the request needs, or empty when it needs none. */
    public Optional<Scope> needed(final String method, final String path) {
        final Scope routed = decide(method, path);
        final Scope canonical = decide(method, canonical(path));
        if (routed == null) {
            return Optional.ofNullable(canonical);
        }
        return Optional.of(canonical == null || routed == canonical ? routed : Scope.ADMIN);
    }

    private Scope decide(final String method, final String path) {
        for (final Rule rule : rules) {
            if (rule.matches(method, path)) {
                return rule.scope();
            }
        }
        return null;
    }

    /** The path percent-decoded, in lower case, with empty, {@code .} and {@code ..} segments resolved. */
    static String canonical(final String path) {
        String decoded = path;
        try {
            // twice: %2561 is %61 after one pass; a router that decodes twice must not find a way around
            decoded = URLDecoder.decode(URLDecoder.decode(path.replace("+", "%2B"), StandardCharsets.UTF_8)
                    .replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (final IllegalArgumentException e) {
            // malformed escapes: judge the text as it is
        }
        final Deque<String> segments = new ArrayDeque<>();
        for (final String segment : decoded.replace('\\', '/').split("/")) {
            final String trimmed = segment.strip();
            if (trimmed.isEmpty() || trimmed.equals(".") || segment.startsWith(";")) {
                continue;
            }
            if (trimmed.equals("..")) {
                segments.pollLast();
                continue;
            }
            final int parameters = trimmed.indexOf(';');
            segments.add(parameters < 0 ? trimmed : trimmed.substring(0, parameters));
        }
        return normalized("/" + String.join("/", segments).toLowerCase(Locale.ROOT));
    }

    private static String normalized(final String path) {
        return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }
}
