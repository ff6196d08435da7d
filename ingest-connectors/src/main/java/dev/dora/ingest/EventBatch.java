package dev.dora.ingest;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.dora.ingest.http.ApiException;
import io.javalin.http.HttpStatus;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.avro.specific.SpecificRecord;

/**
 * The events of one request, split into the accepted ones and the rejected ones.
 *
 * <p>A JSON body is read one array element at a time ({@link StrictJson}: a repeated key is refused), so that no more
 * than {@value #MAX_EVENTS} events are ever read from one request and no tree of the whole body is built; NDJSON lines
 * are counted before any is parsed. A rejected event's payload is the event as received, minus its author and e-mail
 * fields ({@link CanonicalEvents#scrub}). Text that is not JSON cannot be scrubbed and is kept as received: an NDJSON
 * line that does not parse, or a whole body that does not parse (see {@link IngestRoutes}).
 */
final class EventBatch {

    /** Most events one request may carry: as many as the importer's largest {@code --batch-size}. */
    static final int MAX_EVENTS = 10_000;

    private final List<SpecificRecord> accepted = new ArrayList<>();
    private final List<Rejection> rejected = new ArrayList<>();
    private int events;

    private EventBatch() {
    }

    /** A body that cannot be read as events at all; it is kept in the dead-letter topic with this reason. */
    static final class InvalidBodyException extends Exception {

        private static final long serialVersionUID = 1L;

        InvalidBodyException(final String reason) {
            super(reason, null, false, false);
        }
    }

    /**
     * The elements of a JSON array, or a single JSON object as one event.
     *
     * @throws InvalidBodyException when the body is not JSON, or neither an array nor an object
     * @throws ApiException         400 for an empty body, 413 for more than {@value #MAX_EVENTS} events
     */
    static EventBatch fromJson(final byte[] body) throws InvalidBodyException {
        final EventBatch batch = new EventBatch();
        try (JsonParser parser = StrictJson.MAPPER.createParser(body)) {
            final JsonToken first = parser.nextToken();
            if (first == null) {
                throw new ApiException(HttpStatus.BAD_REQUEST, "body is not valid JSON: the body is empty");
            }
            if (first == JsonToken.START_ARRAY) {
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    requireRoom(batch.events + 1);
                    batch.add(batch.events, orNull(StrictJson.MAPPER.readTree(parser)));
                }
            } else if (first == JsonToken.START_OBJECT) {
                batch.add(0, StrictJson.MAPPER.readTree(parser));
            } else {
                final JsonNode scalar = StrictJson.MAPPER.readTree(parser);
                throw new InvalidBodyException("body must be a JSON array of events or a single event object (got "
                        + scalar.getNodeType().name().toLowerCase(Locale.ROOT) + ")");
            }
            if (parser.nextToken() != null) {
                throw new InvalidBodyException("body is not valid JSON: more follows the "
                        + (first == JsonToken.START_ARRAY ? "array" : "object") + " at "
                        + where(parser));
            }
        } catch (final JsonProcessingException e) {
            throw new InvalidBodyException("body is not valid JSON: " + describe(e));
        } catch (final IOException e) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "cannot read the body: " + e.getMessage());
        }
        return batch;
    }

    /**
     * One event per non-blank line; a line that is not JSON is rejected on its own.
     *
     * @throws ApiException 413 for more than {@value #MAX_EVENTS} non-blank lines, counted before any is parsed
     */
    static EventBatch fromNdjson(final byte[] body) {
        requireRoom(nonBlankLines(body));
        final EventBatch batch = new EventBatch();
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
                event = StrictJson.READER.readTree(line);
            } catch (final JsonProcessingException e) {
                batch.rejected.add(new Rejection(batch.events++, "event: not valid JSON: " + describe(e),
                        Rejection.truncated(line)));
                continue;
            } catch (final IOException e) {
                throw new ApiException(HttpStatus.BAD_REQUEST, "cannot read the body: " + e.getMessage());
            }
            batch.add(batch.events, event);
        }
        return batch;
    }

    private void add(final int index, final JsonNode event) {
        events++;
        try {
            accepted.add(CanonicalEvents.parse(event));
        } catch (final InvalidEventException e) {
            rejected.add(Rejection.ofEvent(index, e.getMessage(), event));
        }
    }

    private static JsonNode orNull(final JsonNode node) {
        return node == null ? NullNode.getInstance() : node;
    }

    private static void requireRoom(final long events) {
        if (events > MAX_EVENTS) {
            throw new ApiException(HttpStatus.CONTENT_TOO_LARGE, "body: more than " + MAX_EVENTS
                    + " events; one request carries at most " + MAX_EVENTS + ", send the rest in another");
        }
    }

    List<SpecificRecord> accepted() {
        return accepted;
    }

    List<Rejection> rejected() {
        return rejected;
    }

    /** How many events the body held, valid or not. */
    int events() {
        return events;
    }

    /** A parser error with its position, without the echo of the input that Jackson appends. */
    static String describe(final JsonProcessingException e) {
        return e.getOriginalMessage() + (e.getLocation() == null ? "" : " (" + where(e.getLocation().getLineNr(),
                e.getLocation().getColumnNr()) + ")");
    }

    private static String where(final JsonParser parser) {
        return where(parser.currentLocation().getLineNr(), parser.currentLocation().getColumnNr());
    }

    private static String where(final int line, final int column) {
        return "line " + line + ", column " + column;
    }

    private static long nonBlankLines(final byte[] body) {
        long lines = 0;
        boolean blank = true;
        for (final byte b : body) {
            if (b == '\n') {
                lines += blank ? 0 : 1;
                blank = true;
            } else if (b != ' ' && b != '\t' && b != '\r') {
                blank = false;
            }
        }
        return lines + (blank ? 0 : 1);
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
