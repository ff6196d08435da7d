package dev.dora.streams.store;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.internals.WrappedStateStore;

/**
 * The outermost layer of a ledger store: it keeps the values the ledger changed since the task's last commit
 * decoded in memory ({@link #stage}), and writes each one to the store below (metered, changelogged; the ledger's
 * stores have no record cache under it, which would only hold each value until the same commit) once, when Kafka
 * Streams prepares the commit, instead of once per record. A day-bucket row touched by a thousand records between
 * two commits is then serialized and written once, not a thousand times.
 *
 * <p>Kafka Streams prepares a commit by calling {@code flushCache()} on every store that is a cached store (it is
 * declared by {@link WrappedStateStore}, whether a record cache is below or not), and only then flushes the producer
 * and commits the transaction; the
 * deprecated {@code flush()} and {@code commit(Map)} come after the commit. So the rows are written back in
 * {@link #flushCache()}, before the store's own cache is flushed to its changelog, and they belong to the
 * transaction of the records that changed them. {@link #commit(Map)} writes back too, for any other caller.
 *
 * <p>A task closed cleanly has prepared its commit just before, so nothing is pending; a task closed dirty (an
 * exactly-once abort, a corrupted task) must not keep what it staged: {@link #close()} and {@link #clearCache()}
 * drop the pending values, and the store's state comes back from its changelog. Only the stream thread of the
 * owning task stages or writes back; the {@link KeyValueStore} methods, which interactive queries call from other
 * threads, read the store below as of the last commit, which is what a reader of a changelogged store sees under
 * exactly-once anyway. Writes through those methods go straight through (and supersede a pending value).
 *
 * @param <V> the store's value type; a staged value is never mutated afterwards
 */
public final class WriteBackStore<V> extends WrappedStateStore<KeyValueStore<Bytes, V>, Bytes, V>
        implements KeyValueStore<Bytes, V> {

    /**
     * Past this many pending values they are written back early, at the end of the record that staged the last one,
     * so memory stays bounded between commits.
     */
    static final int MAX_PENDING = 20_000;

    /** Values changed since the last write-back; a null value is a pending delete. */
    private final Map<Bytes, V> pending = new HashMap<>();
    /** Changes applied just before each write-back; null for none. */
    private DeferredChanges<V> deferred;
    /** The task's context, whose record metadata says whether a write moves the position; null before init. */
    private StateStoreContext context;
    /** What {@link #deferred} reads and writes: the pending values, then the store below. */
    private DeferredChanges.Rows<V> deferredRows;

    public WriteBackStore(final KeyValueStore<Bytes, V> inner) {
        super(inner);
    }

    @Override
    public void init(final StateStoreContext stateStoreContext, final StateStore root) {
        this.context = stateStoreContext;
        super.init(stateStoreContext, root);
    }

    /** Whether a value (or a delete) of {@code key} is pending; {@link #pendingValue} then is the store's value. */
    boolean holds(final Bytes key) {
        return pending.containsKey(key);
    }

    /** The pending value of {@code key}; null for a pending delete or when nothing is pending. */
    V pendingValue(final Bytes key) {
        return pending.get(key);
    }

    /** Makes {@code value} the key's value (null deletes it), written to the store below at the next commit. */
    void stage(final Bytes key, final V value) {
        pending.put(key, value);
    }

    /**
     * Ends one record's staging: past {@link #MAX_PENDING} values everything pending is written back now. Only
     * between records, so a reader of the store below never sees part of one record's writes.
     */
    void endRecord() {
        if (pending.size() > MAX_PENDING) {
            writeBack();
        }
    }

    /** The pending values and deletes (null) of keys in [from, to] (to null: no upper bound), in key order. */
    TreeMap<Bytes, V> pendingIn(final Bytes from, final Bytes to) {
        final TreeMap<Bytes, V> out = new TreeMap<>();
        for (final Map.Entry<Bytes, V> entry : pending.entrySet()) {
            final Bytes key = entry.getKey();
            if (key.compareTo(from) >= 0 && (to == null || key.compareTo(to) <= 0)) {
                out.put(key, entry.getValue());
            }
        }
        return out;
    }

    int pendingCount() {
        return pending.size();
    }

    /**
     * Has {@code changes} applied whenever the pending values are written back, through {@code rows} (which read the
     * pending values first and stage what they put), and dropped with them.
     */
    void defer(final DeferredChanges<V> changes, final DeferredChanges.Rows<V> rows) {
        this.deferred = changes;
        this.deferredRows = rows;
    }

    /** Writes every pending value to the store below, once each, after staging the deferred changes. */
    void writeBack() {
        if (deferred != null) {
            deferred.applyTo(deferredRows);
        }
        if (pending.isEmpty()) {
            return;
        }
        final KeyValueStore<Bytes, V> inner = wrapped();
        for (final Map.Entry<Bytes, V> entry : pending.entrySet()) {
            if (entry.getValue() == null) {
                inner.delete(entry.getKey());
            } else {
                inner.put(entry.getKey(), entry.getValue());
            }
        }
        pending.clear();
        if (positioned()) {
            StateWrites.moved();
        } else {
            StateWrites.movedWithoutPosition();
        }
    }

    /**
     * Whether the writes below move the store's position: only when Kafka Streams' current record context names an
     * input record. After a wall-clock punctuation (any processor's, even one that wrote nothing) the context is the
     * punctuation's until the next record, so a commit then writes the rows back without moving any position, and the
     * versions must be moved otherwise.
     */
    private boolean positioned() {
        return context == null || context.recordMetadata().map(meta -> meta.topic() != null).orElse(false);
    }

    @Override
    public void flushCache() {
        writeBack();
        super.flushCache();
    }

    @Override
    public void commit(final Map<TopicPartition, Long> changelogOffsets) {
        writeBack();
        super.commit(changelogOffsets);
    }

    /** Drops the pending values: a cache cleared is a task whose uncommitted work is thrown away. */
    @Override
    public void clearCache() {
        dropPending();
        super.clearCache();
    }

    /** Drops the pending values: a clean close has just written them back, a dirty one must not. */
    @Override
    public void close() {
        dropPending();
        super.close();
    }

    private void dropPending() {
        pending.clear();
        if (deferred != null) {
            deferred.drop();
        }
    }

    @Override
    public void put(final Bytes key, final V value) {
        pending.remove(key);
        wrapped().put(key, value);
    }

    @Override
    public V putIfAbsent(final Bytes key, final V value) {
        writeBack();
        return wrapped().putIfAbsent(key, value);
    }

    @Override
    public void putAll(final List<KeyValue<Bytes, V>> entries) {
        for (final KeyValue<Bytes, V> entry : entries) {
            pending.remove(entry.key);
        }
        wrapped().putAll(entries);
    }

    @Override
    public V delete(final Bytes key) {
        pending.remove(key);
        return wrapped().delete(key);
    }

    @Override
    public V get(final Bytes key) {
        return wrapped().get(key);
    }

    @Override
    public KeyValueIterator<Bytes, V> range(final Bytes from, final Bytes to) {
        return wrapped().range(from, to);
    }

    @Override
    public KeyValueIterator<Bytes, V> reverseRange(final Bytes from, final Bytes to) {
        return wrapped().reverseRange(from, to);
    }

    @Override
    public KeyValueIterator<Bytes, V> all() {
        return wrapped().all();
    }

    @Override
    public KeyValueIterator<Bytes, V> reverseAll() {
        return wrapped().reverseAll();
    }

    @Override
    public <P extends Serializer<Q>, Q> KeyValueIterator<Bytes, V> prefixScan(
            final Q prefix, final P prefixKeySerializer) {
        return wrapped().prefixScan(prefix, prefixKeySerializer);
    }

    @Override
    public long approximateNumEntries() {
        return wrapped().approximateNumEntries();
    }
}
