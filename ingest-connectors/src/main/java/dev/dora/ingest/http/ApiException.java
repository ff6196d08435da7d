package dev.dora.ingest.http;

import io.javalin.http.HttpStatus;
import java.util.Map;
import java.util.UUID;

/**
 * A request the ingest edge answers with an error: its HTTP status and the message of its {@code {"error": "..."}}
 * body. Route handlers throw it; the one mapper {@link ApiErrors#register} installs writes the answer, so no handler
 * writes an error itself. The subclasses are the answers that carry more: {@link Unavailable} a {@code Retry-After},
 * {@link Internal} an id under which the cause is logged.
 */
public class ApiException extends RuntimeException {

    private final HttpStatus status;

    /**
     * @param status  a client error ({@code 4xx}), or {@code 503}
     * @param message what the client is told: what is wrong and what to do, never the server's internals
     */
    public ApiException(final HttpStatus status, final String message) {
        // an expected answer to a client, not a fault: no stack trace to fill in
        super(message, null, false, false);
        this.status = status;
    }

    private ApiException(final HttpStatus status, final String message, final Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    public final int status() {
        return status.getCode();
    }

    /** Headers the answer carries besides the body, e.g. {@code Retry-After}. */
    public Map<String, String> headers() {
        return Map.of();
    }

    /** 503 with {@code Retry-After}: Kafka did not acknowledge, and resending the same request is safe. */
    public static final class Unavailable extends ApiException {

        /** How long a client is asked to wait before resending. */
        public static final int RETRY_AFTER_SECONDS = 5;

        public Unavailable(final String message) {
            super(HttpStatus.SERVICE_UNAVAILABLE, message);
        }

        /**
         * @param problem why Kafka did not acknowledge
         * @param retry   what the client should resend, e.g. {@code resend the whole request}
         */
        public static Unavailable kafka(final String problem, final String retry) {
            return new Unavailable("Kafka did not acknowledge the events: " + problem
                    + "; nothing was lost by retrying: " + retry);
        }

        @Override
        public Map<String, String> headers() {
            return Map.of("Retry-After", Integer.toString(RETRY_AFTER_SECONDS));
        }
    }

    /**
     * 500: a fault of the server. The client is told only an id; the cause is logged under that id, so that nothing
     * of the server's internals (exception class, message, stack) reaches the answer.
     */
    public static final class Internal extends ApiException {

        private final String id;

        public Internal(final Throwable cause) {
            this(UUID.randomUUID().toString(), cause);
        }

        private Internal(final String id, final Throwable cause) {
            super(HttpStatus.INTERNAL_SERVER_ERROR, "internal error " + id + "; the server's log has the details",
                    cause);
            this.id = id;
        }

        /** What the client is told and the log names. */
        public String id() {
            return id;
        }
    }
}
