package dev.dora.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;

/**
 * The events of one request, split into the accepted ones and the rejected ones.
 *
 * <p>A rejected event's payload is the event as received, minus its author and e-mail fields
 * ({@link CanonicalEvents#scrub}). Text that is not JSON cannot be scrubbed and is kept as received: an NDJSON line
 * that does not parse, or a whole body that does not parse (see {@link IngestRoutes}).
 */
final class EventBatch {

    static final ObjectReader READER = new ObjectMapper().reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final List<SpecificRecord> accepted = new ArrayList<>();
    private final List<Rejection> rejected = new ArrayList<>();

    private EventBatch() {
    }

    /** The elements of a JSON array, or a single JSON object as one event. */
    static EventBatch fromJson(final JsonNode body) {
        final EventBatch batch = new EventBatch();
        if (body.isArray()) {
            for (int i = 0; i < body.size(); i++) {
                batch.add(i, body.get(i));
            }
        } else {
            batch.add(0, body);
        }
        return batch;
    }

    /** One event per non-blank line; a line that is not JSON is rejected on its own. */
    static EventBatch fromNdjson(final byte[] body) {
        final EventBatch batch = new EventBatch();
        int index = 0;
        int start = 0;
        while (start < body.length) {
            int end = start;
            while (end < body.length && body[end] != '\n') {
                end++;
            }
            final byte[] line = Arrays.copyOfRange(body, start, end);
            start = end + 1;
            if (isBlank(line)) {
                continue;
            }
            final JsonNode event;
            try {
                event = READER.readTree(line);
            } catch (final JsonProcessingException e) {
                batch.rejected.add(new Rejection(index++, "event: not valid JSON: " + describe(e),
                        Rejection.truncated(line)));
                continue;
            } catch (final IOException e) {
                throw new UncheckedIOException(e);
            }
            batch.add(index++, event);
        }
        return batch;
    }

    private void add(final int index, final JsonNode event) {
        try {
            accepted.add(CanonicalEvents.parse(event));
        } catch (final InvalidEventException e) {
            rejected.add(Rejection.ofEvent(index, e.getMessage(), event));
        }
    }

    List<SpecificRecord> accepted() {
        return accepted;
    }

    List<Rejection> rejected() {
        return rejected;
    }

    /** A parser error with its position, without the echo of the input that Jackson appends. */
    static String describe(final JsonProcessingException e) {
        final String where = e.getLocation() == null
                ? ""
                : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
        return e.getOriginalMessage() + where;
    }

    private static boolean isBlank(final byte[] line) {
        for (final byte b : line) {
            if (b != ' ' && b != '\t' && b != '\r') {
                return false;
            }
        }
        return true;
    }
}
