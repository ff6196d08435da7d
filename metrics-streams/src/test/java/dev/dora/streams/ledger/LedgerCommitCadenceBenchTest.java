package dev.dora.streams.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
import dev.dora.streams.simulation.HistoryGenerator;
import dev.dora.streams.simulation.Organisation;
import dev.dora.streams.store.LedgerStores;
import dev.dora.streams.store.WriteBackStore;
import dev.dora.streams.store.WriteBackStoreBuilder;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
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
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * What the write-back layer saves when Kafka Streams commits every so many records, as it does in the running
 * pipeline (every 100 ms under exactly-once), which {@code LedgerThroughputBenchTest} cannot show: its test driver
 * commits after every record. The same generated history is applied to a {@link ServiceLedger} over real RocksDB
 * stores twice: once written record by record (as without the layer), once through {@link WriteBackStore}s written
 * back every {@code dora.bench.commitEvery} records (default 150: 100 ms at 1,500 events/s), alternately,
 * {@code dora.bench.rounds} times (default 3; the first round warms the JIT up). Kafka's test context
 * cannot hold record caches or changelogs, so a write below is a RocksDB put here, where the pipeline has a record
 * cache; the events are applied directly (no resolver, claims and attributions not fed back). Prints ledger events
 * per CPU-second of the thread for both, and checks that both end with the same stores. Opt-in:
 * {@code mvn -o test -pl metrics-streams -am -Dtest=LedgerCommitCadenceBenchTest
 * -Dsurefire.failIfNoSpecifiedTests=false -Ddora.bench=true}.
 */
@Tag("bench")
@EnabledIfSystemProperty(named = "dora.bench", matches = "true")
class LedgerCommitCadenceBenchTest {

    private static final ServiceLedger.FactSink DISCARD = new ServiceLedger.FactSink() {
        @Override
        public void deployment(final String deploymentId, final DeploymentFact fact) {
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

    @Test
    void writeBackPerCommitAgainstWritesPerRecord() throws IOException {
        AvroCodec.trustGeneratedClasses();
        final long events = Long.getLong("dora.bench.events", 100_000);
        final int services = Integer.getInteger("dora.bench.services", 30);
        final int commitEvery = Integer.getInteger("dora.bench.commitEvery", 150);
        final Instant end = Instant.parse("2026-11-01T00:00:00Z");
        final List<SpecificRecord> history = HistoryGenerator.builder().seed(42).end(end).days(365)
                .services(Organisation.sizedFor(events, services, 365, end, 42)).build().generate();
        Map<String, String> perRecord = null;
        Map<String, String> writeBack = null;
        final int rounds = Integer.getInteger("dora.bench.rounds", 3);
        for (int round = 1; round <= rounds; round++) {
            perRecord = run("per record", history, false, commitEvery, round);
            writeBack = run("write-back, commit every " + commitEvery, history, true, commitEvery, round);
        }
        assertEquals(perRecord, writeBack, "the write-back layer changes no store entry");
    }

    private static Map<String, String> run(final String mode, final List<SpecificRecord> history,
                                           final boolean writeBack, final int commitEvery, final int round)
            throws IOException {
        final Path dir = Files.createTempDirectory("ledger-cadence");
        final Properties props = new Properties();
        props.put(StreamsConfig.STATE_DIR_CONFIG, dir.toString());
        final MockProcessorContext<String, SpecificRecord> context = new MockProcessorContext<>(props,
                new TaskId(0, 0), dir.toFile());
        final List<KeyValueStore<Bytes, ?>> stores = new ArrayList<>();
        final ServiceLedger ledger = new ServiceLedger(MetricsConfig.defaults("unused:9092", dir),
                new LedgerStores(store(context, stores, "entities", AvroSerdes.any(), writeBack),
                        store(context, stores, "indexes", Serdes.ByteArray(), false),
                        store(context, stores, "buckets", AvroSerdes.of(DayBucket.class), writeBack),
                        store(context, stores, "services", AvroSerdes.of(ServiceInfo.class), writeBack),
                        store(context, stores, "builds", AvroSerdes.of(BuildBucket.class), writeBack)));
        final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        final long cpu = threads.getCurrentThreadCpuTime();
        int sinceCommit = 0;
        for (final SpecificRecord event : history) {
            apply(ledger, event);
            if (++sinceCommit == commitEvery) {
                commit(stores);
                sinceCommit = 0;
            }
        }
        commit(stores);
        final double seconds = (threads.getCurrentThreadCpuTime() - cpu) / 1e9;
        System.out.printf("ledger cadence bench, round %d, %s: %,d events in %.1f s CPU (%,.0f events per "
                + "CPU-second)%n", round, mode, history.size(), seconds, history.size() / seconds);
        final Map<String, String> contents = contents(stores);
        stores.forEach(KeyValueStore::close);
        return contents;
    }

    /** What Kafka Streams does to each store when it prepares a commit. */
    private static void commit(final List<KeyValueStore<Bytes, ?>> stores) {
        for (final KeyValueStore<Bytes, ?> store : stores) {
            if (store instanceof WriteBackStore<?> layer) {
                layer.flushCache();
            }
        }
    }

    private static <V> KeyValueStore<Bytes, V> store(final MockProcessorContext<String, SpecificRecord> context,
                                                     final List<KeyValueStore<Bytes, ?>> stores, final String name,
                                                     final Serde<V> values, final boolean writeBack) {
        final StoreBuilder<KeyValueStore<Bytes, V>> plain = Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(name), Serdes.Bytes(), values).withLoggingDisabled()
                .withCachingDisabled();
        final KeyValueStore<Bytes, V> store = (writeBack ? new WriteBackStoreBuilder<>(plain) : plain).build();
        store.init(context.getStateStoreContext(), store);
        stores.add(store);
        return store;
    }

    private static void apply(final ServiceLedger ledger, final SpecificRecord event) {
        if (event instanceof ChangeEvent change) {
            ledger.applyChange(change, DISCARD);
        } else if (event instanceof DeploymentEvent deployment) {
            ledger.applyDeployment(deployment.getService(), deployment, DISCARD);
        } else if (event instanceof BuildEvent build) {
            ledger.applyBuild(build.getService(), build, DISCARD);
        } else if (event instanceof IncidentEvent incident) {
            ledger.applyIncident(incident.getService(), incident, DISCARD);
        }
    }

    private static Map<String, String> contents(final List<KeyValueStore<Bytes, ?>> stores) {
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
}
