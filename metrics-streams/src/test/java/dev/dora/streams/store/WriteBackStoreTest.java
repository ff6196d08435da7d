package dev.dora.streams.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The write-back layer: what records commit is seen by the next records at once, reaches the store below only when
 * Kafka Streams prepares a commit ({@code flushCache}), and is dropped when the task's work is thrown away (a cleared
 * cache, a close); a record that fails leaves it as it was.
 */
@Tag("topology")
class WriteBackStoreTest {

    private final WriteBackStore<String> store = open();
    private final KeyValueStore<Bytes, String> below = store.wrapped();

    private static WriteBackStore<String> open() {
        final WriteBackStore<String> store = (WriteBackStore<String>) new WriteBackStoreBuilder<>(
                Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("rows"), Serdes.Bytes(), Serdes.String())
                        .withLoggingDisabled().withCachingDisabled()).build();
        store.init(new MockProcessorContext<String, String>().getStateStoreContext(), store);
        return store;
    }

    private static Bytes key(final String key) {
        return Bytes.wrap(key.getBytes(StandardCharsets.UTF_8));
    }

    /** One record: stages its writes over the write-back layer and commits them. */
    private void record(final Map<String, String> writes) {
        final StagedStore<String> tx = new StagedStore<>(store, new DecodedCache<>(100), store);
        writes.forEach((k, v) -> tx.put(key(k), v));
        tx.commit();
    }

    private static Map<String, String> contents(final KeyValueIterator<Bytes, String> it) {
        final Map<String, String> out = new TreeMap<>();
        try (it) {
            it.forEachRemaining(kv -> out.put(new String(kv.key.get(), StandardCharsets.UTF_8), kv.value));
        }
        return out;
    }

    private static Map<String, String> contents(final List<KeyValue<Bytes, String>> entries) {
        final Map<String, String> out = new TreeMap<>();
        entries.forEach(kv -> out.put(new String(kv.key.get(), StandardCharsets.UTF_8), kv.value));
        return out;
    }

    @Test
    void theNextRecordSeesACommittedRecordAndTheStoreBelowGetsItOnlyAtFlushCache() {
        below.put(key("a"), "old");
        record(Map.of("a", "one", "b", "two"));
        record(Map.of("a", "three"));

        final StagedStore<String> next = new StagedStore<>(store, new DecodedCache<>(100), store);
        assertEquals("three", next.get(key("a")));
        assertEquals("two", next.get(key("b")));
        assertEquals("old", below.get(key("a")), "the store below is written back once, at the commit");
        assertEquals("old", store.get(key("a")), "queries read the store as of the last commit");
        assertNull(store.get(key("b")));

        store.flushCache();
        assertEquals(Map.of("a", "three", "b", "two"), contents(below.all()));
        assertEquals(0, store.pendingCount());
    }

    @Test
    void aCommitWritesBackToo() {
        record(Map.of("a", "one"));
        store.commit(Map.of());
        assertEquals("one", below.get(key("a")));
    }

    @Test
    void aDeleteIsWrittenBackAsADelete() {
        below.put(key("a"), "old");
        final StagedStore<String> tx = new StagedStore<>(store, null, store);
        tx.delete(key("a"));
        tx.commit();
        assertNull(new StagedStore<>(store, null, store).get(key("a")));
        assertEquals("old", below.get(key("a")));
        store.flushCache();
        assertNull(below.get(key("a")));
    }

    @Test
    void aFailedRecordLeavesThePendingValuesAsTheyWere() {
        record(Map.of("a", "one"));
        final StagedStore<String> failing = new StagedStore<>(store, null, store);
        failing.put(key("a"), "half-way");
        failing.put(key("c"), "half-way");
        failing.discard();
        final StagedStore<String> next = new StagedStore<>(store, null, store);
        assertEquals("one", next.get(key("a")));
        assertNull(next.get(key("c")));
        store.flushCache();
        assertEquals(Map.of("a", "one"), contents(below.all()));
    }

    @Test
    void aClearedCacheOrADirtyCloseDropsWhatWasNotCommitted() {
        below.put(key("a"), "committed");
        record(Map.of("a", "uncommitted"));
        store.clearCache();
        store.flushCache();
        assertEquals("committed", below.get(key("a")));

        record(Map.of("a", "uncommitted"));
        store.close();
        assertEquals(0, store.pendingCount());
    }

    @Test
    void rangesAndPrefixesMergeTheStoreThePendingValuesAndTheRecordsOwnWrites() {
        below.put(key("p1"), "store");
        below.put(key("p2"), "store");
        below.put(key("p3"), "store");
        below.put(key("q1"), "store");
        final StagedStore<String> earlier = new StagedStore<>(store, null, store);
        earlier.put(key("p2"), "pending");
        earlier.delete(key("p3"));
        earlier.put(key("p4"), "pending");
        earlier.put(key("q2"), "pending");
        earlier.commit();

        final StagedStore<String> tx = new StagedStore<>(store, null, store);
        tx.put(key("p4"), "mine");
        tx.put(key("p5"), "mine");
        final Map<String, String> expected = new TreeMap<>(Map.of("p1", "store", "p2", "pending", "p4", "mine",
                "p5", "mine"));
        assertEquals(expected, contents(tx.prefix(key("p"))));
        assertEquals(expected, contents(tx.range(key("p"), key("p9"))));
        assertEquals("p5", new String(tx.first(key("p"), key("p9"), true, k -> true).key.get(),
                StandardCharsets.UTF_8));
        assertEquals("p2", new String(tx.first(key("p2"), key("p9"), false, k -> true).key.get(),
                StandardCharsets.UTF_8));
    }

    @Test
    void tooManyPendingValuesAreWrittenBackEarly() {
        final StagedStore<String> tx = new StagedStore<>(store, null, store);
        for (int i = 0; i <= WriteBackStore.MAX_PENDING; i++) {
            tx.put(key("k" + i), "v");
        }
        tx.commit();
        assertEquals(0, store.pendingCount());
        assertEquals(WriteBackStore.MAX_PENDING + 1, below.approximateNumEntries());
    }

    /** The early write-back waits for the end of the record that crossed the bound: never half a record below. */
    @Test
    void anEarlyWriteBackTakesWholeRecords() {
        final StagedStore<String> tx = new StagedStore<>(store, null, store);
        for (int i = 0; i < WriteBackStore.MAX_PENDING; i++) {
            tx.put(key("a" + i), "v");
        }
        tx.commit();
        assertEquals(WriteBackStore.MAX_PENDING, store.pendingCount(), "at the bound, still pending");
        assertEquals(0, below.approximateNumEntries());
        for (int i = 0; i < 5; i++) {
            tx.put(key("b" + i), "v");
        }
        tx.commit();
        assertEquals(0, store.pendingCount(), "the record that crossed the bound is written back with the rest");
        assertEquals(WriteBackStore.MAX_PENDING + 5, below.approximateNumEntries());
    }

    /**
     * In a running topology the processor finds the layer behind Kafka Streams' decorator, and what it stages is
     * in the store when the task commits (the test driver commits after each record).
     */
    @Test
    void inATopologyTheProcessorFindsTheLayerAndTheTaskCommitWritesItBack() {
        final List<Boolean> found = new ArrayList<>();
        final Topology topology = new Topology();
        topology.addSource("in", new StringDeserializer(), new StringDeserializer(), "in");
        topology.addProcessor("p", () -> new Processor<String, String, Void, Void>() {
            private KeyValueStore<Bytes, String> rows;

            @Override
            public void init(final ProcessorContext<Void, Void> context) {
                rows = context.getStateStore("rows");
            }

            @Override
            public void process(final Record<String, String> record) {
                final WriteBackStore<String> layer = LedgerStores.writeBackOf(rows);
                found.add(layer != null);
                final StagedStore<String> tx = new StagedStore<>(rows, null, layer);
                tx.put(key(record.key()), record.value());
                tx.commit();
            }
        }, "in");
        topology.addStateStore(new WriteBackStoreBuilder<>(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore("rows"), Serdes.Bytes(), Serdes.String())), "p");
        try (TopologyTestDriver driver = new TopologyTestDriver(topology)) {
            driver.createInputTopic("in", new StringSerializer(), new StringSerializer()).pipeInput("a", "one");
            assertEquals(List.of(true), found);
            final KeyValueStore<Bytes, String> rows = driver.getKeyValueStore("rows");
            assertEquals("one", rows.get(key("a")));
        }
        assertNull(LedgerStores.writeBackOf(below));
    }

    /** Deferred changes that append to each row they touch, counting how often they were applied. */
    private static final class Appends implements DeferredChanges<String> {
        private final Map<String, String> changes = new TreeMap<>();
        private int applied;

        @Override
        public void applyTo(final Rows<String> rows) {
            applied++;
            changes.forEach((k, suffix) -> {
                final String current = rows.get(key(k));
                rows.put(key(k), (current == null ? "" : current) + suffix);
            });
            changes.clear();
        }

        @Override
        public int rows() {
            return changes.size();
        }

        @Override
        public void drop() {
            changes.clear();
        }
    }

    @Test
    void deferredChangesAreAppliedToThePendingValuesAtEachWriteBackAndDroppedWithThem() {
        final Appends appends = new Appends();
        store.defer(appends, new DeferredChanges.Rows<>() {
            @Override
            public String get(final Bytes key) {
                return store.holds(key) ? store.pendingValue(key) : below.get(key);
            }

            @Override
            public void put(final Bytes key, final String value) {
                store.stage(key, value);
            }
        });
        below.put(key("m"), "m0");
        record(Map.of("d", "d1"));
        appends.changes.put("m", "+1");
        appends.changes.put("d", "+x");
        assertEquals("m0", below.get(key("m")), "nothing reaches the store below before the commit");
        store.flushCache();
        assertEquals(Map.of("d", "d1+x", "m", "m0+1"), contents(below.all()), "applied over the pending value");
        appends.changes.put("m", "+2");
        store.clearCache();
        store.flushCache();
        assertEquals("m0+1", below.get(key("m")), "a task's thrown-away work takes its deferred changes along");
        assertEquals(2, appends.applied, "applied at every write-back");
    }
}
