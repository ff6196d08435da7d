package dev.dora.streams.ledger;

import dev.dora.events.BuildEvent;
import dev.dora.events.ChangeEvent;
import dev.dora.events.DeploymentEvent;
import dev.dora.events.IncidentEvent;
import dev.dora.facts.DeploymentFact;
import dev.dora.facts.IncidentFact;
import dev.dora.schema.AvroCodec;
import dev.dora.schema.AvroSerdes;
import dev.dora.state.Attribution;
import dev.dora.state.BuildBucket;
import dev.dora.state.CauseClaim;
import dev.dora.state.DayBucket;
import dev.dora.state.ServiceInfo;
import dev.dora.streams.config.MetricsConfig;
import dev.dora.streams.store.LedgerStores;
import dev.dora.streams.store.WriteBackStore;
import dev.dora.streams.store.WriteBackStoreBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * A {@link ServiceLedger} over real RocksDB stores, for the ledger's benchmarks: events applied directly (no resolver,
 * claims and attributions not fed back), and, with the write-back layer, the stores written back at each
 * {@link #commit()} as Kafka Streams does at each of its commits. Kafka's test context cannot hold record caches or
 * changelogs, so a write below is a RocksDB put here, where the pipeline has a record cache.
 */
final class LedgerHarness implements AutoCloseable {

    private final List<KeyValueStore<Bytes, ?>> stores = new ArrayList<>();
    private final Map<String, DeploymentFact> deploymentFacts = new TreeMap<>();
    private final ServiceLedger ledger;
    private final ServiceLedger.FactSink sink = new ServiceLedger.FactSink() {
        @Override
        public void deployment(final String deploymentId, final DeploymentFact fact) {
            deploymentFacts.put(deploymentId, fact);
        }

        @Override
        public void incident(final String incidentId, final IncidentFact fact) {
        }

        @Override
        public void claim(final CauseClaim claim) {
        }

        @Override
        public void attribution(final Attribution attribution) {
        }
    };

    /** @param writeBack whether the entity, bucket, service and build stores have the write-back layer */
    LedgerHarness(final boolean writeBack) throws IOException {
        this(writeBack, false);
    }

    /**
     * @param writeBack whether the entity, bucket, service and build stores have the write-back layer
     * @param holdLate  whether deployments that arrive after a later one are held and applied at each
     *                  {@link #commit()}, as the pipeline's punctuation does between its commits
     */
    LedgerHarness(final boolean writeBack, final boolean holdLate) throws IOException {
        AvroCodec.trustGeneratedClasses();
        final Path dir = Files.createTempDirectory("ledger-harness");
        final Properties props = new Properties();
        props.put(StreamsConfig.STATE_DIR_CONFIG, dir.toString());
        final MockProcessorContext<String, SpecificRecord> context = new MockProcessorContext<>(props,
                new TaskId(0, 0), dir.toFile());
        ledger = new ServiceLedger(MetricsConfig.defaults("unused:9092", dir),
                new LedgerStores(store(context, "entities", AvroSerdes.any(), writeBack),
                        store(context, "indexes", Serdes.ByteArray(), false),
                        store(context, "buckets", AvroSerdes.of(DayBucket.class), writeBack),
                        store(context, "services", AvroSerdes.of(ServiceInfo.class), writeBack),
                        store(context, "builds", AvroSerdes.of(BuildBucket.class), writeBack)));
        if (holdLate) {
            ledger.holdLateDeployments();
        }
    }

    /** Applies one event as its ledger's processor would. */
    void apply(final SpecificRecord event) {
        apply(ledger, event, sink);
    }

    /** Applies one event to {@code ledger} as its processor would. */
    static void apply(final ServiceLedger ledger, final SpecificRecord event, final ServiceLedger.FactSink sink) {
        if (event instanceof ChangeEvent change) {
            ledger.applyChange(change, sink);
        } else if (event instanceof DeploymentEvent deployment) {
            ledger.applyDeployment(deployment.getService(), deployment, sink);
        } else if (event instanceof BuildEvent build) {
            ledger.applyBuild(build.getService(), build, sink);
        } else if (event instanceof IncidentEvent incident) {
            ledger.applyIncident(incident.getService(), incident, sink);
        } else {
            throw new IllegalArgumentException("not an event: " + event);
        }
    }

    /** Applies {@code events} in order, committing after every {@code commitEvery} of them and at the end. */
    void apply(final List<? extends SpecificRecord> events, final int commitEvery) {
        int sinceCommit = 0;
        for (final SpecificRecord event : events) {
            apply(event);
            if (++sinceCommit == commitEvery) {
                commit();
                sinceCommit = 0;
            }
        }
        commit();
    }

    /** What Kafka Streams does to each store when it prepares a commit, after the punctuation that applies held ones. */
    void commit() {
        ledger.applyLateDeployments(sink);
        for (final KeyValueStore<Bytes, ?> store : stores) {
            if (store instanceof WriteBackStore<?> layer) {
                layer.flushCache();
            }
        }
    }

    /** The last fact published of each deployment (null once retracted). */
    Map<String, DeploymentFact> deploymentFacts() {
        return deploymentFacts;
    }

    /** Every entry of every store, by store and key, to compare two runs. */
    Map<String, String> contents() {
        return contents(stores);
    }

    /** Every entry of every one of {@code stores}, by store and key, encoded, so two states compare exactly. */
    static Map<String, String> contents(final List<KeyValueStore<Bytes, ?>> stores) {
        final Map<String, String> all = new TreeMap<>();
        for (int i = 0; i < stores.size(); i++) {
            try (KeyValueIterator<Bytes, ?> it = stores.get(i).all()) {
                while (it.hasNext()) {
                    final KeyValue<Bytes, ?> entry = it.next();
                    all.put(i + ":" + HexFormat.of().formatHex(entry.key.get()),
                            entry.value instanceof byte[] bytes ? HexFormat.of().formatHex(bytes)
                                    : String.valueOf(entry.value));
                }
            }
        }
        return all;
    }

    @Override
    public void close() {
        stores.forEach(KeyValueStore::close);
    }

    private <V> KeyValueStore<Bytes, V> store(final MockProcessorContext<String, SpecificRecord> context,
                                              final String name, final Serde<V> values, final boolean writeBack) {
        final StoreBuilder<KeyValueStore<Bytes, V>> plain = Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(name), Serdes.Bytes(), values).withLoggingDisabled()
                .withCachingDisabled();
        final KeyValueStore<Bytes, V> store = (writeBack ? new WriteBackStoreBuilder<>(plain) : plain).build();
        store.init(context.getStateStoreContext(), store);
        stores.add(store);
        return store;
    }
}
