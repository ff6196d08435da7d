package dev.dora.streams;

import dev.dora.streams.store.StateWrites;
import dev.dora.streams.store.StoreNames;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.processor.StandbyUpdateListener;
import org.apache.kafka.streams.processor.StateRestoreListener;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.query.FailureReason;
import org.apache.kafka.streams.query.KeyQuery;
import org.apache.kafka.streams.query.Position;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.query.StateQueryRequest;
import org.apache.kafka.streams.query.StateQueryResult;

/**
 * What the queries of this instance would read now, as a value that changes whenever any of it changes: for every
 * store the queries read and every partition this instance holds actively, the store's {@link Position} (the offset
 * of each input partition whose records it has taken in) as interactive queries v2 give it through Kafka Streams'
 * record cache where the store has one, or from RocksDB where it has none (the ledger's stores), which every write
 * moves; and an epoch that every restore and standby update moves,
 * since writes that come from a changelog need not move a position, and a partition that left and came back restored
 * must not look as it did.
 *
 * <p>This instance's own queries ({@code LocalStores}) read through the record cache (IQv1 merges it with RocksDB),
 * so a commit's flush, which moves entries from the cache to RocksDB, changes nothing they read. Reads that bypass
 * the cache (IQv2 range queries, as {@link LocalPartitions} makes for other instances) need RocksDB's own position
 * too ({@code KeyQuery.skipCache()}): {@link #ofEveryLayer} reads both, for a version put together across the
 * instances; a standby kept here is left to the instance holding its partition actively.
 *
 * <p>Two equal versions therefore mean that no query could read anything different: an answer computed after a
 * version was read may be given again for as long as the version reads the same. A version is not available (empty)
 * while Kafka Streams is not running or any partition is not readable here: nothing may then be reused. Every write
 * to these stores is made while a record is processed (as the ledger's and the resolvers' are), or moves no position
 * (a write-back after a punctuation, whose record context names no input) and is followed by
 * {@link StateWrites#movedWithoutPosition()}, which moves the epoch.
 */
public final class StateVersions {

    /** The stores keyed by string (entity ids), the ones with a record cache; the others by bytes. */
    private static final List<String> STRING_KEYED = List.of(StoreNames.DEPLOYMENT_ENTITIES,
            StoreNames.INCIDENT_ENTITIES, StoreNames.BUILD_ENTITIES);

    /** Which stores an answer reads, and so which of them its version covers. */
    public enum Reads {
        /** Every store the queries read. */
        ALL(List.of(StoreNames.DAY_BUCKETS, StoreNames.SERVICES, StoreNames.LEDGER_ENTITIES,
                StoreNames.LEDGER_INDEXES, StoreNames.DEPLOYMENT_ENTITIES, StoreNames.INCIDENT_ENTITIES,
                StoreNames.BUILD_BUCKETS, StoreNames.BUILD_ENTITIES)),
        /**
         * What a metrics answer reads ({@code MetricsQuery}): the services (the scope, its environments), the day
         * buckets and the build buckets; nothing of the ledgers' entities or indexes.
         */
        METRICS(List.of(StoreNames.SERVICES, StoreNames.DAY_BUCKETS, StoreNames.BUILD_BUCKETS)),
        /** What the list of services reads. */
        SERVICES(List.of(StoreNames.SERVICES));

        private final List<String> stores;

        Reads(final List<String> stores) {
            this.stores = stores;
        }

        /** The stores, in a fixed order. */
        public List<String> stores() {
            return stores;
        }
    }

    /**
     * One reading.
     *
     * @param epoch     moved by every restore and standby update of this instance, and whenever writes without a
     *                  position became readable
     * @param positions per store and partition held actively here, the offset of each input partition it has taken
     *                  in
     *                  ({@link Position}, which is mutable, copied into values)
     */
    public record Version(long epoch, Map<Component, Long> positions) {
    }

    /**
     * One component of a position: a store, one of its partitions, and an input partition of it.
     *
     * @param store     the store
     * @param partition the store's partition
     * @param topic     an input topic of that partition's task
     * @param input     the partition of {@code topic}
     * @param belowCache whether this is the position of the store below the record cache ({@link #ofEveryLayer})
     */
    public record Component(String store, int partition, String topic, int input, boolean belowCache) {
    }

    /** A version, and the count of writes read before its positions were. */
    private record Reading(long writes, Version version) {
    }

    private final KafkaStreams streams;
    private final AtomicLong epoch = new AtomicLong();
    /** The last reading of each {@link Reads}, by ordinal: what a request finds again while nothing moved. */
    private final AtomicReferenceArray<Reading> lastReadings = new AtomicReferenceArray<>(Reads.values().length);
    /** Tells this process's versions from another's, whose epochs and positions may happen to be the same. */
    private final String instance = UUID.randomUUID().toString();

    StateVersions(final KafkaStreams streams) {
        this.streams = streams;
    }

    /** This process among the instances of the application, for as long as it runs. */
    public String instance() {
        return instance;
    }

    /** Moves the epoch: every version read before differs from every version read after. */
    public void invalidate() {
        epoch.incrementAndGet();
    }

    /** This instance's restores and standby updates, and the writes its punctuations made readable. */
    private long epoch() {
        return epoch.get() + StateWrites.unpositioned();
    }

    /** This instance's version of every store the queries read; empty while it is not wholly readable here. */
    public Optional<Version> current() {
        return current(Reads.ALL);
    }

    /**
     * This instance's version of what {@code reads} names; empty while it is not wholly readable here. The positions
     * are read again only when something may have moved them since the last reading: a write ({@link StateWrites}) or
     * the epoch. Both are read before the positions, so a write made while they are read only makes the next
     * reading read them again.
     */
    Optional<Version> current(final Reads reads) {
        if (streams.state() != KafkaStreams.State.RUNNING) {
            return Optional.empty();
        }
        final long writes = StateWrites.count();
        final long at = epoch();
        final Reading last = lastReadings.get(reads.ordinal());
        if (last != null && last.writes == writes && last.version.epoch() == at) {
            return Optional.of(last.version);
        }
        final Optional<Version> version = current(reads.stores, false, at);
        version.ifPresent(read -> lastReadings.set(reads.ordinal(), new Reading(writes, read)));
        return version;
    }

    /**
     * This instance's part of a version read across the instances of the application: the positions of its active
     * partitions both through the record cache and below it ({@code KeyQuery.skipCache()}). Another instance's reads
     * of these partitions bypass the cache (interactive queries v2 range queries) while key reads go through it; a
     * write moves the cache's position before a commit's flush moves the one below, so with both in the version
     * neither kind of read can see anything the version does not tell from what came before. Empty while any active
     * partition is not readable here; a partition held by no one is seen by whoever puts the parts together.
     */
    public Optional<Version> ofEveryLayer(final Reads reads) {
        if (streams.state() != KafkaStreams.State.RUNNING) {
            return Optional.empty();
        }
        // read before the positions: a restore that ends while they are read moves the next reading's epoch
        return current(reads.stores, true, epoch());
    }

    private Optional<Version> current(final List<String> stores, final boolean everyLayer, final long at) {
        final Map<Component, Long> positions = new HashMap<>();
        try {
            for (final String store : stores) {
                if (!read(store, false, positions) || everyLayer && !read(store, true, positions)) {
                    return Optional.empty();
                }
            }
        } catch (final InvalidStateStoreException e) {
            return Optional.empty();
        }
        return Optional.of(new Version(at, positions));
    }

    /** The positions of every active partition of one store, through its record cache or below; false if any failed. */
    private boolean read(final String store, final boolean belowCache, final Map<Component, Long> into) {
        // through a record cache, a key query holds the cache's lock, which every write below it takes too; any other
        // read is answered by RocksDB and asks for the position alone (PositionQuery: a key query there can deadlock)
        final boolean throughCache = STRING_KEYED.contains(store) && !belowCache;
        final StateQueryResult<?> result = streams.query(StateQueryRequest.inStore(store)
                .withQuery(throughCache ? KeyQuery.withKey("") : PositionQuery.INSTANCE)
                .requireActive());
        for (final Map.Entry<Integer, ? extends QueryResult<?>> entry : result.getPartitionResults().entrySet()) {
            final FailureReason failure = entry.getValue().isSuccess() ? null : entry.getValue().getFailureReason();
            if (failure == FailureReason.NOT_ACTIVE) {
                // a standby kept here: the instance holding the partition actively tells its part
                continue;
            }
            // a position query is answered UNKNOWN_QUERY_TYPE, with the position: that is its answer
            if (failure != null && (throughCache || failure != FailureReason.UNKNOWN_QUERY_TYPE)) {
                return false;
            }
            final Position position = entry.getValue().getPosition();
            for (final String topic : position.getTopics()) {
                position.getPartitionPositions(topic).forEach((input, offset) ->
                        into.put(new Component(store, entry.getKey(), topic, input, belowCache), offset));
            }
            // a partition that has taken nothing in yet still counts: it is there
            into.putIfAbsent(new Component(store, entry.getKey(), "", -1, belowCache), -1L);
        }
        return true;
    }

    /** Moves the epoch at every restore of an active task's store, its start and its end. */
    StateRestoreListener restoreListener() {
        return new StateRestoreListener() {
            @Override
            public void onRestoreStart(final TopicPartition partition, final String store, final long startOffset,
                                       final long endOffset) {
                invalidate();
            }

            @Override
            public void onBatchRestored(final TopicPartition partition, final String store, final long batchEndOffset,
                                        final long restored) {
                invalidate();
            }

            @Override
            public void onRestoreEnd(final TopicPartition partition, final String store, final long restored) {
                invalidate();
            }

            @Override
            public void onRestoreSuspended(final TopicPartition partition, final String store,
                                           final long restored) {
                invalidate();
            }
        };
    }

    /** Moves the epoch at every update of a standby's store, which becomes the active one when promoted. */
    StandbyUpdateListener standbyListener() {
        return new StandbyUpdateListener() {
            @Override
            public void onUpdateStart(final TopicPartition partition, final String store, final long startOffset) {
                invalidate();
            }

            @Override
            public void onBatchLoaded(final TopicPartition partition, final String store,
                                      final TaskId taskId,
                                      final long batchEndOffset, final long batchSize,
                                      final long currentEndOffset) {
                invalidate();
            }

            @Override
            public void onUpdateSuspended(final TopicPartition partition, final String store,
                                          final long storeOffset, final long currentEndOffset,
                                          final SuspendReason reason) {
                invalidate();
            }
        };
    }
}
