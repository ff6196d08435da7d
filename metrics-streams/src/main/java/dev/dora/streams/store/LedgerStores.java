package dev.dora.streams.store;

import dev.dora.state.DayBucket;
import dev.dora.state.ServiceInfo;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The stores a service ledger writes: {@code ledger-entities} (records, see {@link Entity}), {@code ledger-indexes}
 * (relations whose keys carry all the information, see {@link IndexKeys}), {@code metrics-day-buckets} and
 * {@code metrics-services}. Each record is processed in a {@link LedgerTx} that stages its writes.
 */
public final class LedgerStores {

    private final KeyValueStore<Bytes, SpecificRecord> entities;
    private final KeyValueStore<Bytes, byte[]> indexes;
    private final KeyValueStore<Bytes, DayBucket> buckets;
    private final KeyValueStore<Bytes, ServiceInfo> services;

    public LedgerStores(final KeyValueStore<Bytes, SpecificRecord> entities,
                        final KeyValueStore<Bytes, byte[]> indexes,
                        final KeyValueStore<Bytes, DayBucket> buckets,
                        final KeyValueStore<Bytes, ServiceInfo> services) {
        this.entities = entities;
        this.indexes = indexes;
        this.buckets = buckets;
        this.services = services;
    }

    /** A transaction over the stores for one record of {@code service}'s ledger. */
    public LedgerTx begin(final String service) {
        return new LedgerTx(service, new StagedStore<>(entities), new StagedStore<>(indexes),
                new StagedStore<>(buckets), new StagedStore<>(services));
    }
}
