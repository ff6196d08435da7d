package dev.dora.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dora.ingest.http.ApiErrors;
import dev.dora.ingest.http.ApiException;
import dev.dora.ingest.http.JsonReply;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import org.apache.avro.specific.SpecificRecord;

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
 * <p>Errors are JSON {@code {"error": "..."}} ({@link ApiErrors}): 400 for a body that is not JSON or neither an
 * array nor an object, 413 for a body over the limit, 415 for another content type, 503 when Kafka does not
 * acknowledge, 500 naming only an id for a fault of the server.
 */
public final class IngestRoutes {

    public static final long DEFAULT_MAX_BODY_BYTES = 10L * 1024 * 1024;
    public static final String PATH = "/api/v1/events";

    static final String NDJSON = "application/x-ndjson";

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
        ApiErrors.register(config);
        final Handler handler = new Handler(publisher, maxBodyBytes);
        config.routes.post(PATH, ApiErrors.guarded(handler::handle));
    }

    private static final class Handler {

        private final EventPublisher publisher;
        private final long maxBodyBytes;

        Handler(final EventPublisher publisher, final long maxBodyBytes) {
            this.publisher = publisher;
            this.maxBodyBytes = maxBodyBytes;
        }

        void handle(final Context ctx) {
            final String mediaType = mediaType(ctx.req().getContentType());
            if (!JsonReply.JSON.equals(mediaType) && !NDJSON.equals(mediaType)) {
                throw new ApiException(HttpStatus.UNSUPPORTED_MEDIA_TYPE,
                        "Content-Type must be application/json or application/x-ndjson");
            }
            final byte[] body = BoundedBody.readOrRefuse(ctx.req(), maxBodyBytes);
            final EventBatch batch = NDJSON.equals(mediaType) ? EventBatch.fromNdjson(body) : parseJson(body);
            publish(batch.accepted(), batch.rejected());
            accepted(ctx, batch);
        }

        /** The events of a JSON body; a body that is not an array or object of JSON is refused. */
        private EventBatch parseJson(final byte[] body) {
            final JsonNode tree;
            try {
                tree = body.length == 0 ? null : EventBatch.READER.readTree(body);
            } catch (final JsonProcessingException e) {
                throw refuseBody(body, "body is not valid JSON: " + EventBatch.describe(e));
            } catch (final IOException e) {
                throw new ApiException(HttpStatus.BAD_REQUEST, "cannot read the body: " + e.getMessage());
            }
            if (tree == null || tree.isMissingNode()) {
                throw new ApiException(HttpStatus.BAD_REQUEST, "body is not valid JSON: the body is empty");
            }
            if (!tree.isArray() && !tree.isObject()) {
                throw refuseBody(body, "body must be a JSON array of events or a single event object (got "
                        + tree.getNodeType().name().toLowerCase(Locale.ROOT) + ")");
            }
            return EventBatch.fromJson(tree);
        }

        /** Keeps a refused body in the dead-letter topic as received; the 400 to throw once Kafka has it. */
        private ApiException refuseBody(final byte[] body, final String reason) {
            publish(List.of(), List.of(Rejection.ofBody(reason, body)));
            return new ApiException(HttpStatus.BAD_REQUEST, reason);
        }

        /** Returns once Kafka acknowledged everything; else the answer is a 503. */
        private void publish(final List<SpecificRecord> accepted, final List<Rejection> rejected) {
            try {
                publisher.publish(accepted, rejected);
            } catch (final PublishException e) {
                throw ApiException.Unavailable.kafka(e.getMessage(), "resend the whole request");
            }
        }

        private static void accepted(final Context ctx, final EventBatch batch) {
            final ObjectNode response = JsonReply.object();
            response.put("accepted", batch.accepted().size());
            final ArrayNode rejected = response.putArray("rejected");
            for (final Rejection rejection : batch.rejected()) {
                rejected.addObject().put("index", rejection.index()).put("error", rejection.error());
            }
            JsonReply.send(ctx, 202, response);
        }
    }

    static String mediaType(final String contentType) {
        if (contentType == null) {
            return null;
        }
        final int semicolon = contentType.indexOf(';');
        return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
    }
}
