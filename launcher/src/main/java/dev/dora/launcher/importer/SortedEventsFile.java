package dev.dora.launcher.importer;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.dora.ingest.InvalidEventException;
import dev.dora.ingest.JsonFields;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * The items of an NDJSON events file, oldest first ({@code dora import events --sort}): by {@code occurredAt}, in
 * file order among equal times; lines without a valid {@code occurredAt} first, in file order (the receiver keeps
 * them in the dead-letter topic all the same). Sent in file order, a history whose deployments run newest first
 * after their commits (as many tools list them) costs the pipeline commits × deployments (docs/ARCHITECTURE.md,
 * "Known limits"); sorted it costs each commit once. The file is read twice: once to learn each line's time and place
 * (about 60 bytes of memory a line, not the line), then line by line in the sorted order.
 */
final class SortedEventsFile {

    /** A line's time, its place in the file and its number. */
    private record Line(long time, long ordinal, long start, int length, long number) implements Comparable<Line> {
        @Override
        public int compareTo(final Line other) {
            final int byTime = Long.compare(time, other.time);
            return byTime != 0 ? byTime : Long.compare(ordinal, other.ordinal);
        }
    }

    private static final JsonFactory JSON = new JsonFactory();

    private SortedEventsFile() {
    }

    /** The file's items, oldest first; the file must not change while they are read. */
    static Iterator<ImportItem> items(final Path file) throws IOException {
        final Line[] lines = index(file);
        Arrays.sort(lines);
        final FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        return new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                if (next < lines.length) {
                    return true;
                }
                close(channel);
                return false;
            }

            @Override
            public ImportItem next() {
                if (next >= lines.length) {
                    throw new NoSuchElementException();
                }
                final Line line = lines[next++];
                return EventsFile.item(line.number(), read(channel, line));
            }
        };
    }

    /** Every non-blank line's time and place, in file order. */
    private static Line[] index(final Path file) throws IOException {
        final List<Line> lines = new ArrayList<>();
        final ByteArrayOutputStream text = new ByteArrayOutputStream();
        final byte[] buffer = new byte[1 << 16];
        long offset = 0;
        long start = 0;
        long number = 0;
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                int from = 0;
                for (int i = 0; i < n; i++) {
                    if (buffer[i] == '\n') {
                        text.write(buffer, from, i - from);
                        add(lines, text, start, ++number);
                        text.reset();
                        from = i + 1;
                        start = offset + from;
                    }
                }
                text.write(buffer, from, n - from);
                offset += n;
            }
        }
        if (text.size() > 0) {
            add(lines, text, start, number + 1);
        }
        return lines.toArray(Line[]::new);
    }

    private static void add(final List<Line> lines, final ByteArrayOutputStream text, final long start,
                            final long number) {
        final byte[] bytes = text.toByteArray();
        if (decode(ByteBuffer.wrap(bytes)).isBlank()) {
            return;
        }
        lines.add(new Line(occurredAt(bytes), lines.size(), start, bytes.length, number));
    }

    /**
     * The line's top-level {@code occurredAt}, as the events' validation reads it; {@link Long#MIN_VALUE} when it
     * has none (not JSON, not an object, no valid time), so that such lines go first, in file order. Read with the
     * streaming parser: validating every line here as well made reading a million lines sorted take 34 s, against 13 s.
     */
    static long occurredAt(final byte[] line) {
        try (JsonParser parser = JSON.createParser(line)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return Long.MIN_VALUE;
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                final String name = parser.currentName();
                final JsonToken value = parser.nextToken();
                if ("occurredAt".equals(name)) {
                    return value == JsonToken.VALUE_STRING
                            ? JsonFields.instant(name, parser.getText()).toEpochMilli() : Long.MIN_VALUE;
                }
                parser.skipChildren();
            }
        } catch (final IOException | InvalidEventException unreadable) {
            // no time to sort it by: it goes first, and the receiver says what is wrong with it
        }
        return Long.MIN_VALUE;
    }

    private static String read(final FileChannel channel, final Line line) {
        final ByteBuffer bytes = ByteBuffer.allocate(line.length());
        try {
            while (bytes.hasRemaining()) {
                if (channel.read(bytes, line.start() + bytes.position()) < 0) {
                    throw new IOException("the file got shorter while it was imported");
                }
            }
        } catch (final IOException e) {
            close(channel);
            throw new UncheckedIOException(e);
        }
        return decode(bytes.flip());
    }

    /** As the file-order reader does: malformed UTF-8 is replaced, never fatal. */
    private static String decode(final ByteBuffer bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                    .onUnmappableCharacter(CodingErrorAction.REPLACE).decode(bytes).toString();
        } catch (final CharacterCodingException e) {
            throw new IllegalStateException("replacing decoder refused its input", e);
        }
    }

    private static void close(final FileChannel channel) {
        try {
            channel.close();
        } catch (final IOException ignored) {
            // reading is over either way
        }
    }
}
