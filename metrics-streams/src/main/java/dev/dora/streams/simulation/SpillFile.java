package dev.dora.streams.simulation;

import dev.dora.schema.AvroCodec;
import dev.dora.schema.EventFields;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;

/**
 * A temporary file of sorted runs of encoded events, for {@link HistoryGenerator#stream}: each run is one service's
 * events (or the incidents), sorted by (occurredAt, position in the whole history). Records are
 * {@code occurredAt millis (8 bytes), position (8), length (4), Avro single-object encoding (length)}.
 * One file and one channel serve every run, so a merge of a thousand runs needs one file descriptor.
 */
final class SpillFile implements AutoCloseable {

    private static final int HEADER_BYTES = 8 + 8 + 4;
    private static final int CURSOR_BUFFER_BYTES = 16 * 1024;

    /** One encoded event and where it sorts. */
    record Entry(long occurredAt, long position, byte[] bytes) {
    }

    /** A run: its bytes in the file and the positions in the history it holds. */
    private record Run(long start, long end, long firstPosition, long count) {
    }

    private final Path file;
    private final FileChannel channel;
    private final DataOutputStream out;
    private final List<Run> runs = new ArrayList<>();
    private long written;

    private SpillFile(final Path file, final FileChannel channel, final DataOutputStream out) {
        this.file = file;
        this.channel = channel;
        this.out = out;
    }

    static SpillFile create(final Path directory) throws IOException {
        Files.createDirectories(directory);
        final Path file = Files.createTempFile(directory, "history-", ".spill");
        final FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        return new SpillFile(file, channel, new DataOutputStream(new BufferedOutputStream(
                Channels.newOutputStream(channel), 1 << 16)));
    }

    /** Appends {@code events} (positions {@code firstPosition} on, in this order) as one run sorted by time. */
    void writeRun(final List<SpecificRecord> events, final long firstPosition) throws IOException {
        final List<Entry> entries = new ArrayList<>(events.size());
        for (int i = 0; i < events.size(); i++) {
            final SpecificRecord event = events.get(i);
            entries.add(new Entry(EventFields.occurredAt(event).toEpochMilli(), firstPosition + i,
                    AvroCodec.get().encode(event)));
        }
        // stable, and positions rise within a run: ties keep their order in the history
        entries.sort(Comparator.comparingLong(Entry::occurredAt));
        final long start = written;
        for (final Entry entry : entries) {
            out.writeLong(entry.occurredAt());
            out.writeLong(entry.position());
            out.writeInt(entry.bytes().length);
            out.write(entry.bytes());
            written += HEADER_BYTES + entry.bytes().length;
        }
        runs.add(new Run(start, written, firstPosition, events.size()));
    }

    /** Ends writing; runs can be read from now on. */
    void finishWriting() throws IOException {
        out.flush();
    }

    /** The encoded event at {@code position} in the history (reads its run until found). */
    byte[] read(final long position) throws IOException {
        finishWriting();
        for (final Run run : runs) {
            if (position >= run.firstPosition() && position < run.firstPosition() + run.count()) {
                final Cursor cursor = new Cursor(run);
                while (cursor.advance()) {
                    if (cursor.position == position) {
                        return cursor.bytes;
                    }
                }
            }
        }
        throw new IllegalArgumentException("no event at position " + position);
    }

    /** A cursor at the start of every run, for a merge. */
    List<Cursor> cursors() {
        final List<Cursor> cursors = new ArrayList<>(runs.size());
        for (final Run run : runs) {
            cursors.add(new Cursor(run));
        }
        return cursors;
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (final IOException e) {
            // nothing more to write; the file is deleted below either way
        }
        try {
            Files.deleteIfExists(file);
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot delete " + file, e);
        }
    }

    /** Reads one run from the shared channel with positional reads through a small buffer of its own. */
    final class Cursor {
        private final long end;
        private long filePosition;
        private ByteBuffer buffer = ByteBuffer.allocate(CURSOR_BUFFER_BYTES).flip();
        long occurredAt;
        long position;
        byte[] bytes;

        private Cursor(final Run run) {
            this.filePosition = run.start();
            this.end = run.end();
        }

        /** Moves to the next record; false at the end of the run. */
        boolean advance() {
            if (!fill(HEADER_BYTES)) {
                return false;
            }
            occurredAt = buffer.getLong();
            position = buffer.getLong();
            final int length = buffer.getInt();
            if (!fill(length)) {
                throw new IllegalStateException("spill file truncated in a record at position " + position);
            }
            bytes = new byte[length];
            buffer.get(bytes);
            return true;
        }

        private boolean fill(final int needed) {
            if (buffer.remaining() >= needed) {
                return true;
            }
            if (buffer.remaining() + (end - filePosition) < needed) {
                return false;
            }
            if (buffer.capacity() < needed) {
                buffer = ByteBuffer.allocate(Math.max(needed, buffer.capacity() * 2)).put(buffer).flip();
            }
            buffer.compact();
            try {
                while (buffer.position() < needed) {
                    final int limit = (int) Math.min(buffer.capacity(), buffer.position() + (end - filePosition));
                    buffer.limit(limit);
                    final int read = channel.read(buffer, filePosition);
                    if (read < 0) {
                        throw new IllegalStateException("spill file ends early");
                    }
                    filePosition += read;
                }
            } catch (final IOException e) {
                throw new UncheckedIOException(e);
            }
            buffer.flip();
            return true;
        }
    }
}
