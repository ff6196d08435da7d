package dev.dora.ingest;

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

    public Rejection {
        Objects.requireNonNull(error, "error");
        Objects.requireNonNull(payload, "payload");
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
        return "Rejection(index=" + index + ", error=" + error + ", payload=" + payload.length + " bytes: " + text + ")";
    }
}
