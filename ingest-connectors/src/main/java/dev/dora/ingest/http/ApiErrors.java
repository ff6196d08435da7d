package dev.dora.ingest.http;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HttpResponseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Error answers of the ingest edge in one place: every {@link ApiException} a route throws becomes
 * {@code {"error": "..."}} with its status and headers; any other exception of a {@link #guarded} route becomes a
 * 500 that names only an id, the exception being logged under that id.
 */
public final class ApiErrors {

    private static final Logger LOG = LoggerFactory.getLogger(ApiErrors.class);

    private ApiErrors() {
    }

    /**
     * Installs the mapper of {@link ApiException}. Every ingest route's {@code register} calls it, so a server with
     * any of them answers errors the same way; installing it again replaces it with the same mapper.
     */
    public static void register(final JavalinConfig config) {
        config.routes.exception(ApiException.class, ApiErrors::answer);
    }

    /**
     * The handler, with every exception other than an {@link ApiException} (or Javalin's own HTTP answers) turned
     * into an {@link ApiException.Internal}. Scoped to the routes that ask for it, so that other routes on the same
     * server keep their own handling.
     */
    public static Handler guarded(final Handler handler) {
        return ctx -> {
            try {
                handler.handle(ctx);
            } catch (final ApiException | HttpResponseException e) {
                throw e;
            } catch (final Exception e) {
                throw new ApiException.Internal(e);
            }
        };
    }

    private static void answer(final ApiException e, final Context ctx) {
        if (e instanceof ApiException.Internal internal) {
            LOG.error("{} {} failed: internal error {}", ctx.method(), ctx.path(), internal.id(), e.getCause());
        }
        e.headers().forEach(ctx::header);
        JsonReply.send(ctx, e.status(), JsonReply.object().put("error", e.getMessage()));
    }
}
