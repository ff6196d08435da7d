package dev.dora.streams.store;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.utils.Bytes;

/**
 * The most recently used values of one store, decoded, kept from one record to the next by the task that owns the
 * store. Kafka Streams' own record cache holds serialized bytes, so without this every read of a commit, a
 * deployment or a day bucket decodes its Avro again, and the hot ones (today's organisation row, the commits a label
 * walks through) are read by nearly every record. Only the owning task's ledger writes these stores, and it writes
 * through this cache on every commit of a record ({@link StagedStore#commit()}), so a cached value is always the
 * store's (as the ledger sees it: with the values its {@link WriteBackStore} has not written back yet, which are
 * read first); a task that is closed, revived or moved starts with a new, empty cache. It knows absent keys too.
 *
 * @param <V> the store's value type; values are never mutated once stored or read
 */
public final class DecodedCache<V> {

    /** What a cached entry holds for a key the store does not have. */
    private static final Object ABSENT = new Object();

    private final Map<Bytes, Object> entries;

    /** @param capacity how many keys it keeps; the least recently used one goes first */
    public DecodedCache(final int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1");
        }
        this.entries = new LinkedHashMap<>(Math.min(capacity, 1 << 16), 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(final Map.Entry<Bytes, Object> eldest) {
                return size() > capacity;
            }
        };
    }

    /** Whether the key's value (or its absence) is known. */
    boolean knows(final Bytes key) {
        return entries.containsKey(key);
    }

    /** The cached value; null when the key is absent from the store or not cached (see {@link #knows}). */
    @SuppressWarnings("unchecked")
    V get(final Bytes key) {
        final Object value = entries.get(key);
        return value == ABSENT ? null : (V) value;
    }

    /** Records the store's value of {@code key}; null when the store has none. */
    void put(final Bytes key, final V value) {
        entries.put(key, value == null ? ABSENT : value);
    }

    int size() {
        return entries.size();
    }
}
