package dev.dora.streams;

import org.apache.kafka.streams.query.Query;

/**
 * A query no store knows, asked only for the {@link org.apache.kafka.streams.query.Position} that comes with its
 * answer. A RocksDB store answers any interactive query v2 under its position's lock, and a key or range query
 * reads the store inside it, taking the store's lock second; a write takes the store's lock first and the position's
 * second. A query reading the store while the stream thread writes it can therefore deadlock both (KAFKA-19629, not
 * fixed in 4.3 or 4.4). A 10 M-event backfill hung so after 70 minutes, the stream thread blocked in a commit's
 * write-back and the metrics refresher in a version read. An unknown query is answered {@code UNKNOWN_QUERY_TYPE},
 * with the position copied under its lock, and never touches the store.
 */
final class PositionQuery implements Query<Void> {

    static final PositionQuery INSTANCE = new PositionQuery();

    private PositionQuery() {
    }
}
