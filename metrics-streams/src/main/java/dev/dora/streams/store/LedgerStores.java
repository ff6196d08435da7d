package dev.dora.streams.store;

import dev.dora.state.BuildBucket;
import dev.dora.state.DayBucket;
import dev.dora.state.ServiceInfo;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.internals.WrappedStateStore;

/**
 * The stores a service ledger writes: {@code ledger-entities} (records, see {@link Entity}), {@code ledger-indexes}
 * (relations whose keys carry all the information, see {@link IndexKeys}, {@link BuildKeys}),
 * {@code metrics-day-buckets}, {@code metrics-build-buckets} and {@code metrics-services}. Each record is processed
 * in a {@link LedgerTx} that stages its writes. One instance serves one task, the only writer of its stores, and
 * keeps their recently used values decoded from record to record ({@link DecodedCache}). The stores other than the
 * indexes are wrapped in a {@link WriteBackStore}, which the transactions commit into, so a value changed by many
 * records is encoded and written once per Kafka Streams commit.
 */
public final class LedgerStores {

    /*
     * Decoded values kept per task (see DecodedCache). A label walk reads a commit's ancestors, so the entities
     * get the most room; a bucket row is hot for about a day of history, a service for its whole life.
     */
    private static final int ENTITIES_KEPT = 20_000;
    private static final int BUCKETS_KEPT = 4_000;
    private static final int SERVICES_KEPT = 2_000;

    private final KeyValueStore<Bytes, SpecificRecord> entities;
    private final KeyValueStore<Bytes, byte[]> indexes;
    private final KeyValueStore<Bytes, DayBucket> buckets;
    private final KeyValueStore<Bytes, ServiceInfo> services;
    private final KeyValueStore<Bytes, BuildBucket> builds;
    private final DecodedCache<SpecificRecord> decodedEntities = new DecodedCache<>(ENTITIES_KEPT);
    private final DecodedCache<DayBucket> decodedBuckets = new DecodedCache<>(BUCKETS_KEPT);
    private final DecodedCache<ServiceInfo> decodedServices = new DecodedCache<>(SERVICES_KEPT);
    private final DecodedCache<BuildBucket> decodedBuilds = new DecodedCache<>(BUCKETS_KEPT);
    private final WriteBackStore<SpecificRecord> entitiesWriteBack;
    private final WriteBackStore<DayBucket> bucketsWriteBack;
    private final WriteBackStore<ServiceInfo> servicesWriteBack;
    private final WriteBackStore<BuildBucket> buildsWriteBack;
    private DeferredChanges<DayBucket> deferredBuckets;

    public LedgerStores(final KeyValueStore<Bytes, SpecificRecord> entities,
                        final KeyValueStore<Bytes, byte[]> indexes,
                        final KeyValueStore<Bytes, DayBucket> buckets,
                        final KeyValueStore<Bytes, ServiceInfo> services,
                        final KeyValueStore<Bytes, BuildBucket> builds) {
        this.entities = entities;
        this.indexes = indexes;
        this.buckets = buckets;
        this.services = services;
        this.builds = builds;
        this.entitiesWriteBack = writeBackOf(entities);
        this.bucketsWriteBack = writeBackOf(buckets);
        this.servicesWriteBack = writeBackOf(services);
        this.buildsWriteBack = writeBackOf(builds);
    }

    /**
     * The {@link WriteBackStore} layer of {@code store}, or null when it has none. A processor is handed its stores
     * wrapped in Kafka Streams' read-write decorator, itself a wrapped store, so the layer is looked for inside.
     */
    @SuppressWarnings("unchecked")
    static <V> WriteBackStore<V> writeBackOf(final KeyValueStore<Bytes, V> store) {
        if (store instanceof WriteBackStore<V> own) {
            return own;
        }
        if (store instanceof WrappedStateStore<?, ?, ?> wrapped) {
            return wrapped.findInner(WriteBackStore.class);
        }
        return null;
    }

    /**
     * Has {@code changes} applied to the day buckets whenever their write-back layer writes back (each Kafka Streams
     * commit), or, for stores without one, at every {@link #recordCommitted()}. They read and write the rows as the
     * ledger sees them, and keep the task's decoded values current.
     */
    public void deferBuckets(final DeferredChanges<DayBucket> changes) {
        deferredBuckets = changes;
        if (bucketsWriteBack != null) {
            bucketsWriteBack.defer(changes, new DeferredChanges.Rows<>() {
                @Override
                public DayBucket get(final Bytes key) {
                    return bucketsWriteBack.holds(key) ? bucketsWriteBack.pendingValue(key) : decodedBucket(key);
                }

                @Override
                public void put(final Bytes key, final DayBucket value) {
                    bucketsWriteBack.stage(key, value);
                    decodedBuckets.put(key, value);
                }
            });
        }
    }

    private DayBucket decodedBucket(final Bytes key) {
        if (decodedBuckets.knows(key)) {
            return decodedBuckets.get(key);
        }
        final DayBucket value = buckets.get(key);
        decodedBuckets.put(key, value);
        return value;
    }

    /**
     * After each record's commit: applies the deferred changes now when the buckets have no write-back layer, or
     * writes back early when they hold many rows, as the write-back layer does with its own values.
     */
    public void recordCommitted() {
        if (deferredBuckets != null && bucketsWriteBack != null
                && deferredBuckets.rows() > WriteBackStore.MAX_PENDING / 4) {
            bucketsWriteBack.writeBack();
        }
        if (deferredBuckets != null && bucketsWriteBack == null) {
            deferredBuckets.applyTo(new DeferredChanges.Rows<>() {
                @Override
                public DayBucket get(final Bytes key) {
                    return decodedBucket(key);
                }

                @Override
                public void put(final Bytes key, final DayBucket value) {
                    if (value == null) {
                        buckets.delete(key);
                    } else {
                        buckets.put(key, value);
                    }
                    decodedBuckets.put(key, value);
                }
            });
        }
    }

    /** A transaction over the stores for one record of {@code service}'s ledger. */
    public LedgerTx begin(final String service) {
        return new LedgerTx(service, new StagedStore<>(entities, decodedEntities, entitiesWriteBack),
                new StagedStore<>(indexes), new StagedStore<>(buckets, decodedBuckets, bucketsWriteBack),
                new StagedStore<>(services, decodedServices, servicesWriteBack),
                new StagedStore<>(builds, decodedBuilds, buildsWriteBack));
    }
}
