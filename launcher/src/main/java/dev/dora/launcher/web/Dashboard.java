package dev.dora.launcher.web;

import io.javalin.config.JavalinConfig;
import io.javalin.http.ContentType;
import io.javalin.http.staticfiles.Location;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The built-in web dashboard: a single page at {@code GET /} made of static files packaged in the jar (under
 * {@code /web} on the classpath) and the uPlot webjar, and the list of API endpoints at {@code GET /api}.
 *
 * <p>The page reads only the public REST API ({@code /api/v1/...}) from the browser, so it works the same against
 * any instance and needs nothing from the server beyond these files. It has no inline script or style, so a strict
 * {@code Content-Security-Policy: default-src 'self'} can be added without touching it.
 */
public final class Dashboard {

    /** Where the page's files live on the classpath. */
    public static final String CLASSPATH_ROOT = "/web";

    private static final String API_PAGE = CLASSPATH_ROOT + "/api.html";

    private Dashboard() {
    }

    /** Serves the dashboard at {@code /}, its files beside it, {@code /webjars/...} and the endpoint list at {@code /api}. */
    public static void register(final JavalinConfig config) {
        config.staticFiles.add(files -> {
            files.hostedPath = "/";
            files.directory = CLASSPATH_ROOT;
            files.location = Location.CLASSPATH;
        });
        config.staticFiles.enableWebjars();
        final byte[] apiPage = resource(API_PAGE);
        config.routes.get("/api", ctx -> ctx.contentType(ContentType.TEXT_HTML).result(apiPage));
    }

    private static byte[] resource(final String path) {
        try (InputStream in = Dashboard.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException(path + " is missing from the classpath: the jar was built without it");
            }
            return in.readAllBytes();
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot read " + path, e);
        }
    }
}
