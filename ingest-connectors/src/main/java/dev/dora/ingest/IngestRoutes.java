package dev.dora.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import org.apache.avro.specific.SpecificRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /api/v1/events}: the HTTP edge of the pipeline.
 *
 * <p>The body is a JSON array of canonical events ({@code application/json}; a single object counts as one event)
 * or one event per line ({@code application/x-ndjson}). Valid events go to their topics, invalid ones to the
 * dead-letter topic, and the answer, {@code 202 {"accepted": N, "rejected": [{"index": i, "error": "..."}]}}, is sent
 * only once Kafka acknowledged all of them. When Kafka does not, the answer is {@code 503} with
 * {@code Retry-After}: resending the whole request is safe because the pipeline ignores exact duplicates.
 *
 * <p>Personal data: author and e-mail fields are removed from rejected events before they are kept in the
 * dead-letter topic ({@link CanonicalEvents#scrub}). A body or NDJSON line that is not JSON cannot be scrubbed and is
 * kept as received (truncated to the dead-letter topic's size limit).
 *
 * <p>Errors are JSON {@code {"error": "..."}}: 400 for a body that is not JSON or neither an array nor an object,
 * 413 for a body over the limit, 415 for another content type, 503 when Kafka does not acknowledge.
 */
public final class IngestRoutes {

    public static final long DEFAULT_MAX_BODY_BYTES = 10L * 1024 * 1024;
    public static final String PATH = "/api/v1/events";

    static final String JSON = "application/json";
    static final String NDJSON = "application/x-ndjson";
    static final int RETRY_AFTER_SECONDS = 5;

    private static final Logger LOG = LoggerFactory.getLogger(IngestRoutes.class);

    private IngestRoutes() {
    }

    /**
     * Adds {@code POST /api/v1/events} to a Javalin configuration.
     *
     * @param maxBodyBytes larger bodies are refused with 413, whether or not they declare a Content-Length
     */
    public static void register(final JavalinConfig config, final EventPublisher publisher, final long maxBodyBytes) {
        if (maxBodyBytes <= 0) {
            throw new IllegalArgumentException("maxBodyBytes must be positive, got " + maxBodyBytes);
        }
        // this route reads the body itself with its own limit; never let Javalin's limit be the smaller one
        config.http.maxRequestSize = Math.max(config.http.maxRequestSize, maxBodyBytes);
        final Handler handler = new Handler(publisher, maxBodyBytes);
        config.routes.post(PATH, handler::handle);
    }

    private static final class Handler {

        private final EventPublisher publisher;
        private final long maxBodyBytes;

        Handler(final EventPublisher publisher, final long maxBodyBytes) {
            this.publisher = publisher;
            this.maxBodyBytes = maxBodyBytes;
        }

        void handle(final Context ctx) {
            try {
                final String mediaType = mediaType(ctx.req().getContentType());
                if (!JSON.equals(mediaType) && !NDJSON.equals(mediaType)) {
                    error(ctx, 415, "Content-Type must be application/json or application/x-ndjson");
                    return;
                }
                final byte[] body = readBody(ctx);
                if (body == null) {
                    return;
                }
                final EventBatch batch = NDJSON.equals(mediaType) ? EventBatch.fromNdjson(body) : parseJson(ctx, body);
                if (batch == null) {
                    return;
                }
                if (publish(ctx, batch.accepted(), batch.rejected())) {
                    accepted(ctx, batch);
                }
            } catch (final RuntimeException e) {
                LOG.error("POST {} failed", PATH, e);
                error(ctx, 500, "internal error: " + e);
            }
        }

        /** The body, or {@code null} when a 413 (or 400) was already answered. */
        private byte[] readBody(final Context ctx) {
            try {
                return BoundedBody.read(ctx.req(), maxBodyBytes);
            } catch (final BoundedBody.TooLargeException e) {
                error(ctx, 413, e.getMessage());
                return null;
            } catch (final IOException e) {
                error(ctx, 400, "cannot read the body: " + e.getMessage());
                return null;
            }
        }

        /** The events of a JSON body, or {@code null} when a 400 (or 503) was already answered. */
        private EventBatch parseJson(final Context ctx, final byte[] body) {
            final JsonNode tree;
            try {
                tree = body.length == 0 ? null : EventBatch.READER.readTree(body);
            } catch (final JsonProcessingException e) {
                refuseBody(ctx, body, "body is not valid JSON: " + EventBatch.describe(e));
                return null;
            } catch (final IOException e) {
                error(ctx, 400, "cannot read the body: " + e.getMessage());
                return null;
            }
            if (tree == null || tree.isMissingNode()) {
                error(ctx, 400, "body is not valid JSON: the body is empty");
                return null;
            }
            if (!tree.isArray() && !tree.isObject()) {
                refuseBody(ctx, body, "body must be a JSON array of events or a single event object (got "
                        + tree.getNodeType().name().toLowerCase(Locale.ROOT) + ")");
                return null;
            }
            return EventBatch.fromJson(tree);
        }

        /** Keeps a refused body in the dead-letter topic as received, then answers 400. */
        private void refuseBody(final Context ctx, final byte[] body, final String reason) {
            final Rejection rejection = new Rejection(-1, reason, EventBatch.truncate(body));
            if (publish(ctx, List.of(), List.of(rejection))) {
                error(ctx, 400, reason);
            }
        }

        /** Whether Kafka acknowledged everything; if not, a 503 was answered. */
        private boolean publish(final Context ctx, final List<SpecificRecord> accepted,
                                final List<Rejection> rejected) {
            try {
                publisher.publish(accepted, rejected);
                return true;
            } catch (final PublishException e) {
                ctx.header("Retry-After", Integer.toString(RETRY_AFTER_SECONDS));
                error(ctx, 503, "Kafka did not acknowledge the events: " + e.getMessage()
                        + "; nothing was lost by retrying: resend the whole request");
                return false;
            }
        }

        private static void accepted(final Context ctx, final EventBatch batch) {
            final ObjectNode response = EventBatch.MAPPER.createObjectNode();
            response.put("accepted", batch.accepted().size());
            final ArrayNode rejected = response.putArray("rejected");
            for (final Rejection rejection : batch.rejected()) {
                rejected.addObject().put("index", rejection.index()).put("error", rejection.error());
            }
            respond(ctx, 202, response);
        }
    }

    static String mediaType(final String contentType) {
        if (contentType == null) {
            return null;
        }
        final int semicolon = contentType.indexOf(';');
        return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
    }

    private static void error(final Context ctx, final int status, final String message) {
        respond(ctx, status, EventBatch.MAPPER.createObjectNode().put("error", message));
    }

    private static void respond(final Context ctx, final int status, final JsonNode body) {
        try {
            ctx.status(status).contentType(JSON).result(EventBatch.MAPPER.writeValueAsBytes(body));
        } catch (final JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
