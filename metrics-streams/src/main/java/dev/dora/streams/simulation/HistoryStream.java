package dev.dora.streams.simulation;

import dev.dora.schema.AvroCodec;
import java.util.BitSet;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.PriorityQueue;
import org.apache.avro.specific.SpecificRecord;

/**
 * A generated history read back oldest first from its spill file ({@link HistoryGenerator#stream}): a merge of the
 * services' sorted runs by (occurredAt, position in the history), which is exactly the stable sort
 * {@link HistoryGenerator#generate()} applies to the whole list. Events whose team the generator drops lose it here,
 * and the redelivered copies come last among the events of their instant. Not thread-safe; close it to delete the
 * spill file.
 */
public final class HistoryStream implements Iterator<SpecificRecord>, AutoCloseable {

    private final SpillFile spill;
    private final BitSet teamless;
    private final long size;
    private final PriorityQueue<Head> heads = new PriorityQueue<>(
            Comparator.comparingLong((Head h) -> h.occurredAt()).thenComparingLong(Head::position));
    private long returned;

    /** The next record of one run (a spill cursor, or the in-memory list of redelivered copies). */
    private interface Head {
        long occurredAt();

        long position();

        byte[] bytes();

        /** Moves on; false when the run is exhausted. */
        boolean advance();
    }

    HistoryStream(final SpillFile spill, final BitSet teamless, final List<SpillFile.Entry> duplicates,
                  final long size) {
        this.spill = spill;
        this.teamless = teamless;
        this.size = size;
        for (final SpillFile.Cursor cursor : spill.cursors()) {
            final Head head = new CursorHead(cursor);
            if (head.advance()) {
                heads.add(head);
            }
        }
        for (final SpillFile.Entry duplicate : duplicates) {
            heads.add(new EntryHead(duplicate));
        }
    }

    /** How many events the history holds. */
    public long size() {
        return size;
    }

    @Override
    public boolean hasNext() {
        return !heads.isEmpty();
    }

    @Override
    public SpecificRecord next() {
        final Head head = heads.poll();
        if (head == null) {
            throw new NoSuchElementException();
        }
        final long position = head.position();
        SpecificRecord event = AvroCodec.get().decode(head.bytes());
        if (position < Integer.MAX_VALUE && teamless.get((int) position)) {
            event = Delivery.withoutTeam(event);
        }
        if (head.advance()) {
            heads.add(head);
        }
        returned++;
        return event;
    }

    /** How many events {@link #next()} returned so far. */
    public long returned() {
        return returned;
    }

    @Override
    public void close() {
        heads.clear();
        spill.close();
    }

    private static final class CursorHead implements Head {
        private final SpillFile.Cursor cursor;

        CursorHead(final SpillFile.Cursor cursor) {
            this.cursor = cursor;
        }

        @Override
        public long occurredAt() {
            return cursor.occurredAt;
        }

        @Override
        public long position() {
            return cursor.position;
        }

        @Override
        public byte[] bytes() {
            return cursor.bytes;
        }

        @Override
        public boolean advance() {
            return cursor.advance();
        }
    }

    /** A single in-memory record: a redelivered copy, already without its team if its original lost it. */
    private static final class EntryHead implements Head {
        private final SpillFile.Entry entry;

        EntryHead(final SpillFile.Entry entry) {
            this.entry = entry;
        }

        @Override
        public long occurredAt() {
            return entry.occurredAt();
        }

        @Override
        public long position() {
            return entry.position();
        }

        @Override
        public byte[] bytes() {
            return entry.bytes();
        }

        @Override
        public boolean advance() {
            return false;
        }
    }
}
