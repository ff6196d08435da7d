package dev.dora.launcher.http;

import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The standard security headers on every answer, set before anything else handles the request so that error answers
 * carry them too: no content-type sniffing, no framing, no referrer, a Content-Security-Policy that allows only this
 * origin's own files (the dashboard has no inline script or style and loads nothing from elsewhere), and
 * {@code Cache-Control: no-store} on the API's answers, which may be private.
 */
final class SecurityHeaders extends Handler.Wrapper {

    /** What the dashboard needs and nothing more. */
    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; base-uri 'none'; form-action 'self'; "
            + "frame-ancestors 'none'; object-src 'none'";

    @Override
    public boolean handle(final Request request, final Response response, final Callback callback) throws Exception {
        apply(response.getHeaders(), Request.getPathInContext(request));
        return super.handle(request, response, callback);
    }

    /** Puts the headers for an answer to {@code path}; also for the answers Jetty gives without any handler. */
    static void apply(final HttpFields.Mutable headers, final String path) {
        headers.put("X-Content-Type-Options", "nosniff");
        headers.put("X-Frame-Options", "DENY");
        headers.put("Referrer-Policy", "no-referrer");
        headers.put("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        if (path == null || isApi(path)) {
            headers.put("Cache-Control", "no-store");
        }
    }

    /** Answers that carry data: the API, the webhooks and the Prometheus endpoint. */
    private static boolean isApi(final String path) {
        return path.startsWith("/api/") || path.startsWith("/webhooks/") || path.equals("/metrics")
                || path.startsWith("/metrics/");
    }
}
