package dev.dora.streams.store;

import org.apache.kafka.common.utils.Bytes;

/**
 * Changes to a store's rows that its owning task keeps merged in memory and applies only when the rows are written
 * back ({@link WriteBackStore}, at each Kafka Streams commit), so a row that a thousand records change between two
 * commits is read, changed and encoded once. What the changes are is the caller's; the store only says when.
 *
 * @param <V> the store's value type
 */
public interface DeferredChanges<V> {

    /** Applies every change kept: reads each row it changes through {@code rows} and puts what the row becomes. */
    void applyTo(Rows<V> rows);

    /** How many rows have changes kept: past a bound, the owner writes back early to keep memory bounded. */
    int rows();

    /** Forgets every change kept: the work they came from is being thrown away. */
    void drop();

    /** The store's rows as the owning task sees them, with the values not written back yet. */
    interface Rows<V> {

        /** The row's value; null when there is none. */
        V get(Bytes key);

        /** Makes {@code value} the row's value (null deletes it); the value is never mutated afterwards. */
        void put(Bytes key, V value);
    }
}
