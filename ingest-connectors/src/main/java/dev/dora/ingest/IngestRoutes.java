package dev.dora.ingest;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dora.ingest.catalog.ServiceCatalog;
import dev.dora.ingest.http.ApiErrors;
import dev.dora.ingest.http.ApiException;
import dev.dora.ingest.http.JsonReply;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
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
 * <p>Builds are stamped with their service's default branch from the service catalog ({@link DefaultBranches}) as
 * they are accepted.
 *
 * <p>Personal data: author and e-mail fields are removed from rejected events before they are kept in the
 * dead-letter topic ({@link CanonicalEvents#scrub}). A body or NDJSON line that is not JSON cannot be scrubbed and is
 * kept as received (truncated to the dead-letter topic's size limit).
 *
 * <p>Work per request is bounded: the body is read up to its limit and no further; at most {@value #MAX_EVENTS}
 * events are read from it; at most {@value #MAX_DEAD_LETTERS} invalid events are dead-lettered one by one (a body
 * with more is refused whole, as one dead-letter record); the answer lists at most {@value #MAX_LISTED_REJECTIONS}
 * rejections and counts the others in {@code rejectedNotListed}.
 *
 * <p>Errors are JSON {@code {"error": "..."}} ({@link ApiErrors}): 400 for a body that is not JSON (a key given twice
 * in one object included) or neither an array nor an object, or with too many invalid events; 413 for a body over
 * the limit or with too many events, 415 for another content type, 503 when Kafka does not acknowledge, 500 naming
 * only an id for a fault of the server.
 */
public final class IngestRoutes {

    public static final long DEFAULT_MAX_BODY_BYTES = 10L * 1024 * 1024;
    public static final String PATH = "/api/v1/events";
    /** Most events one request may carry. */
    public static final int MAX_EVENTS = EventBatch.MAX_EVENTS;
    /**
     * Most invalid events one request may have, each a dead-letter record; a body with more is refused whole and
     * kept as one dead-letter record.
     */
    public static final int MAX_DEAD_LETTERS = 1_000;
    /** Most rejections an answer lists; {@code rejectedNotListed} counts the others. */
    public static final int MAX_LISTED_REJECTIONS = 100;

    static final String NDJSON = "application/x-ndjson";

    private IngestRoutes() {
    }

    /**
     * Adds {@code POST /api/v1/events} to a Javalin configuration.
     *
     * @param maxBodyBytes larger bodies are refused with 413, whether or not they declare a Content-Length
     */
    public static void register(final JavalinConfig config, final EventPublisher publisher, final long maxBodyBytes) {
        register(config, publisher, maxBodyBytes, ServiceCatalog::empty);
    }

    /**
     * Adds {@code POST /api/v1/events} to a Javalin configuration.
     *
     * @param maxBodyBytes larger bodies are refused with 413, whether or not they declare a Content-Length
     * @param catalog      read for every request, so a reloaded catalog applies at once: the default branches
     *                     builds are stamped with
     */
    public static void register(final JavalinConfig config, final EventPublisher publisher, final long maxBodyBytes,
                                final Supplier<ServiceCatalog> catalog) {
        if (maxBodyBytes <= 0) {
            throw new IllegalArgumentException("maxBodyBytes must be positive, got " + maxBodyBytes);
        }
        // this route reads the body itself with its own limit; never let Javalin's limit be the smaller one
        config.http.maxRequestSize = Math.max(config.http.maxRequestSize, maxBodyBytes);
        ApiErrors.register(config);
        final Handler handler = new Handler(publisher, maxBodyBytes, catalog);
        config.routes.post(PATH, ApiErrors.guarded(handler::handle));
    }

    private static final class Handler {

        private final EventPublisher publisher;
        private final long maxBodyBytes;
        private final Supplier<ServiceCatalog> catalog;

        Handler(final EventPublisher publisher, final long maxBodyBytes, final Supplier<ServiceCatalog> catalog) {
            this.publisher = publisher;
            this.maxBodyBytes = maxBodyBytes;
            this.catalog = catalog;
        }

        void handle(final Context ctx) {
            final String mediaType = mediaType(ctx.req().getContentType());
            if (!JsonReply.JSON.equals(mediaType) && !NDJSON.equals(mediaType)) {
                throw new ApiException(HttpStatus.UNSUPPORTED_MEDIA_TYPE,
                        "Content-Type must be application/json or application/x-ndjson");
            }
            final byte[] body = BoundedBody.readOrRefuse(ctx.req(), maxBodyBytes);
            final EventBatch batch;
            try {
                batch = NDJSON.equals(mediaType) ? EventBatch.fromNdjson(body) : EventBatch.fromJson(body);
            } catch (final EventBatch.InvalidBodyException e) {
                throw refuseBody(body, e.getMessage());
            }
            if (batch.rejected().size() > MAX_DEAD_LETTERS) {
                throw refuseBody(body, tooManyRejected(batch));
            }
            publish(DefaultBranches.stamp(batch.accepted(), catalog.get()), batch.rejected());
            accepted(ctx, batch);
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
            final List<Rejection> all = batch.rejected();
            for (final Rejection rejection : all.subList(0, Math.min(all.size(), MAX_LISTED_REJECTIONS))) {
                rejected.addObject().put("index", rejection.index()).put("error", rejection.error());
            }
            if (all.size() > MAX_LISTED_REJECTIONS) {
                response.put("rejectedNotListed", all.size() - MAX_LISTED_REJECTIONS);
            }
            JsonReply.send(ctx, 202, response);
        }
    }

    /** Why a body with more invalid events than one request may dead-letter is refused whole. */
    static String tooManyRejected(final EventBatch batch) {
        final Rejection first = batch.rejected().get(0);
        return "body: " + batch.rejected().size() + " of its " + batch.events() + " events are invalid, more than the "
                + MAX_DEAD_LETTERS + " one request may have; nothing was accepted. The first, at index "
                + first.index() + ": " + first.error();
    }

    static String mediaType(final String contentType) {
        if (contentType == null) {
            return null;
        }
        final int semicolon = contentType.indexOf(';');
        return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
    }
}
