package dev.dora.launcher.importer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.dora.ingest.CanonicalEvents;
import dev.dora.ingest.InvalidEventException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.apache.avro.specific.SpecificRecord;

/**
 * An NDJSON file of canonical events (the shape of {@code POST /api/v1/events}), read one line at a time. Each
 * non-blank line is validated with {@link CanonicalEvents#parse}; a line that is not JSON or not a valid event becomes
 * an invalid {@link ImportItem} labelled with its line number (1-based, blank lines counted) and is sent along as read,
 * so that the receiver keeps it in the dead-letter topic. Events are sent in file order.
 */
final class EventsFile {

    private static final ObjectReader READER = new ObjectMapper().reader()
            .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private EventsFile() {
    }

    /** The number of non-blank lines, i.e. of items {@link #items} will return. */
    static long countLines(final Path file) throws IOException {
        long count = 0;
        boolean blank = true;
        final byte[] buffer = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                for (int i = 0; i < n; i++) {
                    final byte b = buffer[i];
                    if (b == '\n') {
                        count += blank ? 0 : 1;
                        blank = true;
                    } else if (b != ' ' && b != '\t' && b != '\r') {
                        blank = false;
                    }
                }
            }
        }
        return count + (blank ? 0 : 1);
    }

    /** The lines of {@code in} as items; malformed UTF-8 is replaced, never fatal. */
    static Iterator<ImportItem> items(final InputStream in) {
        final BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE)),
                1 << 16);
        return new Iterator<>() {
            private long lineNumber;
            private ImportItem next = advance();

            private ImportItem advance() {
                try {
                    String line;
                    while ((line = reader.readLine()) != null) {
                        lineNumber++;
                        if (!line.isBlank()) {
                            return item(lineNumber, line);
                        }
                    }
                    return null;
                } catch (final IOException e) {
                    throw new UncheckedIOException(e);
                }
            }

            @Override
            public boolean hasNext() {
                return next != null;
            }

            @Override
            public ImportItem next() {
                if (next == null) {
                    throw new NoSuchElementException();
                }
                final ImportItem current = next;
                next = advance();
                return current;
            }
        };
    }

    /** One line as an item: valid with its canonical JSON, or invalid with the reason and the line as read. */
    static ImportItem item(final long lineNumber, final String line) {
        final String label = "line " + lineNumber;
        final JsonNode json;
        try {
            json = READER.readTree(line);
        } catch (final JsonProcessingException e) {
            return ImportItem.invalid(label, line, "event: not valid JSON: " + e.getOriginalMessage());
        }
        try {
            final SpecificRecord event = CanonicalEvents.parse(json);
            return ImportItem.valid(label, event, CanonicalEvents.toJson(event).toString());
        } catch (final InvalidEventException e) {
            return ImportItem.invalid(label, line, e.getMessage());
        }
    }
}
