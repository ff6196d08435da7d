package dev.dora.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dora.schema.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * An event the ingest edge refused, on its way to the dead-letter topic.
 *
 * @param index   the event's position in the request (its position among non-blank lines for NDJSON),
 *                or {@code -1} when the whole request body was refused
 * @param error   why, starting with the name of the offending field
 * @param payload the event as received, scrubbed of author and e-mail fields where it could be parsed
 */
public record Rejection(int index, String error, byte[] payload) {

    /** Leaves room for headers and batch overhead within the dead-letter topic's message size limit. */
    public static final int MAX_PAYLOAD_BYTES = Topics.DEAD_LETTER_MAX_BYTES - 64 * 1024;

    private static final ObjectMapper MAPPER = new ObjectMapper();

    public Rejection {
        Objects.requireNonNull(error, "error");
        Objects.requireNonNull(payload, "payload");
    }

    /**
     * A request body refused as a whole ({@code index} -1): kept without author and e-mail fields when it is JSON,
     * else as received; truncated to {@link #MAX_PAYLOAD_BYTES} either way.
     */
    public static Rejection ofBody(final String error, final byte[] body) {
        byte[] payload = body;
        try {
            // strictly: a body refused for a repeated key is kept as received, not with one of the values dropped
            final JsonNode tree = body.length == 0 ? null : StrictJson.READER.readTree(body);
            if (tree != null && !tree.isMissingNode()) {
                payload = scrubbed(tree);
            }
        } catch (final IOException e) {
            // not JSON: nothing to scrub, keep the bytes as received
        }
        return new Rejection(-1, error, truncated(payload));
    }

    /** An event refused on its own, kept without author and e-mail fields and truncated. */
    public static Rejection ofEvent(final int index, final String error, final JsonNode event) {
        return new Rejection(index, error, truncated(scrubbed(event)));
    }

    /** At most the first {@link #MAX_PAYLOAD_BYTES} of a payload. */
    public static byte[] truncated(final byte[] payload) {
        return payload.length <= MAX_PAYLOAD_BYTES ? payload : Arrays.copyOf(payload, MAX_PAYLOAD_BYTES);
    }

    private static byte[] scrubbed(final JsonNode json) {
        try {
            return MAPPER.writeValueAsBytes(CanonicalEvents.scrub(json));
        } catch (final JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public boolean equals(final Object o) {
        return o instanceof Rejection other
                && index == other.index
                && error.equals(other.error)
                && Arrays.equals(payload, other.payload);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * index + error.hashCode()) + Arrays.hashCode(payload);
    }

    @Override
    public String toString() {
        final String text = new String(payload, 0, Math.min(payload.length, 200), StandardCharsets.UTF_8);
        return "Rejection(index=" + index + ", error=" + error + ", payload=" + payload.length + " bytes: " + text
                + ")";
    }
}
