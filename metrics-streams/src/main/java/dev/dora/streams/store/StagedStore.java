package dev.dora.streams.store;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NoSuchElementException;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.apache.kafka.common.serialization.BytesSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * A state store seen through the writes of the record being processed: writes are staged in memory, reads (point
 * and range) see them merged over the store, and only {@link #commit()} applies them. A record that fails half-way
 * is {@link #discard() discarded} and leaves the store exactly as it was, so one bad record can never leave a
 * ledger half-updated. Values read are kept for the rest of the record, which also spares decoding the same
 * entity again and again while labels propagate.
 *
 * @param <V> the store's value type; values are never mutated after they are put or read
 */
public final class StagedStore<V> {

    private static final BytesSerializer PREFIX_SERIALIZER = new BytesSerializer();

    private final KeyValueStore<Bytes, V> store;
    /** Staged writes; a null value stages a delete. */
    private final TreeMap<Bytes, V> staged = new TreeMap<>();
    private final Map<Bytes, V> read = new HashMap<>();
    /** Decoded values kept across records by the task; null for none. */
    private final DecodedCache<V> decoded;
    /** The store's write-back layer, which holds what earlier records changed since the last commit; or null. */
    private final WriteBackStore<V> writeBack;

    public StagedStore(final KeyValueStore<Bytes, V> store) {
        this(store, null);
    }

    /** @param decoded the task's cache of this store's decoded values, which commits write through; null for none */
    public StagedStore(final KeyValueStore<Bytes, V> store, final DecodedCache<V> decoded) {
        this(store, decoded, null);
    }

    /**
     * @param decoded   the task's cache of this store's decoded values, which commits write through; null for none
     * @param writeBack the store's write-back layer: commits stage their values there, reads look there before the
     *                  store (which shows the last Kafka Streams commit); null to write to the store directly
     */
    public StagedStore(final KeyValueStore<Bytes, V> store, final DecodedCache<V> decoded,
                       final WriteBackStore<V> writeBack) {
        this.store = store;
        this.decoded = decoded;
        this.writeBack = writeBack;
    }

    public V get(final Bytes key) {
        if (staged.containsKey(key)) {
            return staged.get(key);
        }
        return read.computeIfAbsent(key, this::load);
    }

    private V load(final Bytes key) {
        if (writeBack != null && writeBack.holds(key)) {
            return writeBack.pendingValue(key);
        }
        if (decoded == null) {
            return store.get(key);
        }
        if (decoded.knows(key)) {
            return decoded.get(key);
        }
        final V value = store.get(key);
        decoded.put(key, value);
        return value;
    }

    /** Whether this record staged {@code key}: its value is then the record's own, not the store's. */
    public boolean isStaged(final Bytes key) {
        return staged.containsKey(key);
    }

    /** Stages {@code value} under {@code key}; a null value deletes it. */
    public void put(final Bytes key, final V value) {
        staged.put(key, value);
    }

    public void delete(final Bytes key) {
        staged.put(key, null);
    }

    /** Every entry whose key starts with {@code prefix}, in key order. */
    public List<KeyValue<Bytes, V>> prefix(final Bytes prefix) {
        final Bytes upper = prefixEnd(prefix);
        final NavigableMap<Bytes, V> mine = upper == null ? staged.tailMap(prefix, true)
                : staged.subMap(prefix, true, upper, false);
        NavigableMap<Bytes, V> own = mine;
        if (writeBack != null && writeBack.pendingCount() > 0) {
            final TreeMap<Bytes, V> pending = writeBack.pendingIn(prefix, null);
            if (upper != null) {
                pending.tailMap(upper, true).clear();
            }
            pending.putAll(mine);
            own = pending;
        }
        final List<KeyValue<Bytes, V>> out = new ArrayList<>();
        try (Merged merged = new Merged(store.prefixScan(prefix, PREFIX_SERIALIZER), own, false)) {
            merged.forEachRemaining(out::add);
        }
        return out;
    }

    /** Every entry in [from, to], in key order. */
    public List<KeyValue<Bytes, V>> range(final Bytes from, final Bytes to) {
        final List<KeyValue<Bytes, V>> out = new ArrayList<>();
        if (from.compareTo(to) > 0) {
            return out;
        }
        try (Merged merged = new Merged(store.range(from, to), own(from, to), false)) {
            merged.forEachRemaining(out::add);
        }
        return out;
    }

    /**
     * The first entry in [from, to] whose key {@code accept}s, or in reverse order the last one; null when there is
     * none. Reads no further than that entry.
     */
    public KeyValue<Bytes, V> first(final Bytes from, final Bytes to, final boolean reverse,
                                    final Predicate<Bytes> accept) {
        if (from.compareTo(to) > 0) {
            return null;
        }
        final NavigableMap<Bytes, V> own = own(from, to);
        try (Merged merged = new Merged(reverse ? store.reverseRange(from, to) : store.range(from, to),
                reverse ? own.descendingMap() : own, reverse)) {
            while (merged.hasNext()) {
                final KeyValue<Bytes, V> entry = merged.next();
                if (accept.test(entry.key)) {
                    return entry;
                }
            }
            return null;
        }
    }

    /** This record's writes in [from, to] over the write-back layer's pending ones: what differs from the store. */
    private NavigableMap<Bytes, V> own(final Bytes from, final Bytes to) {
        final NavigableMap<Bytes, V> mine = staged.subMap(from, true, to, true);
        if (writeBack == null || writeBack.pendingCount() == 0) {
            return mine;
        }
        final TreeMap<Bytes, V> pending = writeBack.pendingIn(from, to);
        pending.putAll(mine);
        return pending;
    }

    /** Applies the staged writes to the store, or to its write-back layer, which writes them at the next commit. */
    public void commit() {
        for (final Map.Entry<Bytes, V> write : staged.entrySet()) {
            if (writeBack != null) {
                writeBack.stage(write.getKey(), write.getValue());
            } else if (write.getValue() == null) {
                store.delete(write.getKey());
            } else {
                store.put(write.getKey(), write.getValue());
            }
            if (decoded != null) {
                decoded.put(write.getKey(), write.getValue());
            }
        }
        staged.clear();
        read.clear();
        if (writeBack != null) {
            writeBack.endRecord();
        }
    }

    /** Forgets the staged writes: the store stays as it was before the record. */
    public void discard() {
        staged.clear();
        read.clear();
    }

    /** The smallest key greater than every key starting with {@code prefix}; null when there is none. */
    static Bytes prefixEnd(final Bytes prefix) {
        final byte[] bytes = prefix.get();
        for (int i = bytes.length - 1; i >= 0; i--) {
            if (bytes[i] != (byte) 0xFF) {
                final byte[] end = Arrays.copyOf(bytes, i + 1);
                end[i]++;
                return Bytes.wrap(end);
            }
        }
        return null;
    }

    /** The store's entries merged with the staged ones, which win on equal keys; staged deletes hide entries. */
    private final class Merged implements Iterator<KeyValue<Bytes, V>>, AutoCloseable {
        private final KeyValueIterator<Bytes, V> fromStore;
        private final Iterator<Map.Entry<Bytes, V>> fromStaged;
        private final int order;
        private KeyValue<Bytes, V> nextStore;
        private Map.Entry<Bytes, V> nextStaged;
        private KeyValue<Bytes, V> next;

        Merged(final KeyValueIterator<Bytes, V> fromStore, final NavigableMap<Bytes, V> fromStaged,
               final boolean reverse) {
            this.fromStore = fromStore;
            this.fromStaged = fromStaged.entrySet().iterator();
            this.order = reverse ? -1 : 1;
            nextStore = fromStore.hasNext() ? fromStore.next() : null;
            nextStaged = this.fromStaged.hasNext() ? this.fromStaged.next() : null;
            advance();
        }

        private void advance() {
            next = null;
            while (next == null && (nextStore != null || nextStaged != null)) {
                final int cmp = nextStore == null ? 1 : nextStaged == null ? -1
                        : order * nextStore.key.compareTo(nextStaged.getKey());
                if (cmp < 0) {
                    next = nextStore;
                    nextStore = fromStore.hasNext() ? fromStore.next() : null;
                } else {
                    if (cmp == 0) {
                        nextStore = fromStore.hasNext() ? fromStore.next() : null;
                    }
                    if (nextStaged.getValue() != null) {
                        next = KeyValue.pair(nextStaged.getKey(), nextStaged.getValue());
                    }
                    nextStaged = fromStaged.hasNext() ? fromStaged.next() : null;
                }
            }
        }

        @Override
        public boolean hasNext() {
            return next != null;
        }

        @Override
        public KeyValue<Bytes, V> next() {
            if (next == null) {
                throw new NoSuchElementException();
            }
            final KeyValue<Bytes, V> out = next;
            advance();
            return out;
        }

        @Override
        public void close() {
            fromStore.close();
        }
    }
}
