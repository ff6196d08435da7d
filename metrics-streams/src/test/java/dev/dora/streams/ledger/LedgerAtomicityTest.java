package dev.dora.streams.ledger;

import static dev.dora.streams.topology.PipelineDriver.build;
import static dev.dora.streams.topology.PipelineDriver.commit;
import static dev.dora.streams.topology.PipelineDriver.deploy;
import static dev.dora.streams.topology.PipelineDriver.incident;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dora.events.BuildEvent;
import dev.dora.events.BuildStatus;
import dev.dora.events.DeploymentEvent;
import dev.dora.facts.DeploymentFact;
import dev.dora.facts.IncidentFact;
import dev.dora.schema.AvroCodec;
import dev.dora.schema.AvroSerdes;
import dev.dora.state.Attribution;
import dev.dora.state.CauseClaim;
import dev.dora.state.DayBucket;
import dev.dora.state.ServiceInfo;
import dev.dora.streams.config.MetricsConfig;
import dev.dora.streams.store.Entity;
import dev.dora.streams.store.LedgerStores;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A record the ledger fails to apply, at whatever point of it, changes nothing: no store entry and no message; and
 * the next record is applied as if the failed one had never been tried.
 */
@Tag("topology")
class LedgerAtomicityTest {

    private static final Instant T0 = Instant.parse("2026-10-01T00:00:00Z");
    private static final MetricsConfig CONFIG = MetricsConfig.defaults("unused:9092", Path.of("unused"));

    private static Instant h(final int hours) {
        return T0.plusSeconds(3_600L * hours);
    }

    /** The ledger's four stores, in memory, each read through a switch that can make its N-th read fail. */
    private static final class Harness {
        private final AtomicInteger readsLeft = new AtomicInteger(Integer.MAX_VALUE);
        /** Whether only the one read that runs out fails, every later read succeeding again. */
        private boolean failOnce;
        /** A key whose every read fails. */
        private Bytes poisoned;
        private final List<String> deadLetters = new ArrayList<>();
        private final MockProcessorContext<String, SpecificRecord> context = new MockProcessorContext<>();
        private final List<KeyValueStore<Bytes, ?>> stores = new ArrayList<>();
        private final ServiceLedger ledger;
        private final List<String> messages = new ArrayList<>();
        private final ServiceLedger.FactSink sink = new ServiceLedger.FactSink() {
            @Override
            public void deployment(final String deploymentId, final DeploymentFact fact) {
                messages.add("deployment " + deploymentId + " " + fact);
            }

            @Override
            public void incident(final String incidentId, final IncidentFact fact) {
                messages.add("incident " + incidentId + " " + fact);
            }

            @Override
            public void claim(final CauseClaim claim) {
                messages.add("claim " + claim);
            }

            @Override
            public void attribution(final Attribution attribution) {
                messages.add("attribution " + attribution);
            }

            @Override
            public void deadLetter(final DeploymentEvent event, final RuntimeException cause) {
                deadLetters.add(event.getId() + ": " + cause.getMessage());
            }
        };

        Harness() {
            AvroCodec.trustGeneratedClasses();
            ledger = new ServiceLedger(CONFIG, new LedgerStores(store("entities", AvroSerdes.any()),
                    store("indexes", Serdes.ByteArray()), store("buckets", AvroSerdes.of(DayBucket.class)),
                    store("services", AvroSerdes.of(ServiceInfo.class)),
                    store("builds", AvroSerdes.of(dev.dora.state.BuildBucket.class))));
        }

        @SuppressWarnings("unchecked")
        private <V> KeyValueStore<Bytes, V> store(final String name, final Serde<V> values) {
            final KeyValueStore<Bytes, V> real = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name),
                    Serdes.Bytes(), values).withLoggingDisabled().withCachingDisabled().build();
            real.init(context.getStateStoreContext(), real);
            stores.add(real);
            return (KeyValueStore<Bytes, V>) Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[] {KeyValueStore.class}, (proxy, method, args) -> {
                        final boolean read = method.getName().equals("get") || method.getName().contains("ange")
                                || method.getName().equals("prefixScan");
                        if (read && (readsLeft.decrementAndGet() < 0 || args[0].equals(poisoned))) {
                            if (failOnce) {
                                readsLeft.set(Integer.MAX_VALUE);
                            }
                            throw new IllegalStateException("injected failure in " + name + "." + method.getName());
                        }
                        try {
                            return method.invoke(real, args);
                        } catch (final InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
        }

        void apply(final SpecificRecord event) {
            LedgerHarness.apply(ledger, event, sink);
        }

        /** A new ledger over the same stores, as after a restart. */
        @SuppressWarnings("unchecked")
        ServiceLedger restarted() {
            return new ServiceLedger(CONFIG, new LedgerStores((KeyValueStore<Bytes, SpecificRecord>) stores.get(0),
                    (KeyValueStore<Bytes, byte[]>) stores.get(1), (KeyValueStore<Bytes, DayBucket>) stores.get(2),
                    (KeyValueStore<Bytes, ServiceInfo>) stores.get(3),
                    (KeyValueStore<Bytes, dev.dora.state.BuildBucket>) stores.get(4)));
        }

        /** Every entry of every store, encoded, so two states compare exactly. */
        Map<String, String> contents() {
            return LedgerHarness.contents(stores);
        }
    }

    /**
     * Deployments held for arriving after a later one, applied as a batch whose unit of work fails at any read: the
     * batch changes nothing, its deployments are applied one by one, and the stores end as if the batch had not
     * failed.
     */
    @Test
    void aHeldBatchFailingAtAnyReadIsAppliedDeploymentByDeployment() {
        final Harness clean = held();
        clean.ledger.applyLateDeployments(clean.sink);
        final Map<String, String> expected = clean.contents();
        final Harness counting = held();
        counting.ledger.applyLateDeployments(counting.sink);
        final int reads = Integer.MAX_VALUE - counting.readsLeft.get();
        assertTrue(reads > 20, "the batch reads enough to fail in the middle: " + reads);
        for (int failAt = 0; failAt < reads; failAt++) {
            final Harness harness = held();
            harness.failOnce = true;
            harness.readsLeft.set(failAt);
            harness.ledger.applyLateDeployments(harness.sink);
            assertEquals(expected, harness.contents(), "a batch failing at read " + failAt);
            assertEquals(List.of(), harness.deadLetters, "a batch failing at read " + failAt);
        }
    }

    /**
     * A held deployment that fails even alone goes to the dead letters and leaves no trace; the others of its
     * batch are applied as if it had never arrived.
     */
    @Test
    void aHeldDeploymentThatCannotBeAppliedGoesToTheDeadLettersAndTheOthersAreApplied() {
        final Harness harness = held();
        harness.poisoned = Entity.DEPLOYMENT.key("shop", "d2");
        harness.ledger.applyLateDeployments(harness.sink);
        assertEquals(1, harness.deadLetters.size(), "dead letters: " + harness.deadLetters);
        assertTrue(harness.deadLetters.get(0).startsWith("d2: injected failure"), harness.deadLetters.get(0));

        final Harness without = new Harness();
        List.of(commit("shop", "a", h(0)), commit("shop", "b", h(2), "a"), commit("shop", "c", h(3), "b"),
                deploy("d3", "shop", "c", h(6)), deploy("d1", "shop", "a", h(1))).forEach(without::apply);
        harness.poisoned = null;
        assertEquals(without.contents(), harness.contents(), "the stores as if d2 had never arrived");
    }

    /** The held deployments are in the stores: a ledger started again over them finds and applies them. */
    @Test
    void heldDeploymentsAreFoundAgainAfterARestart() {
        final Harness clean = held();
        clean.ledger.applyLateDeployments(clean.sink);
        final Harness harness = held();
        final ServiceLedger restarted = harness.restarted();
        restarted.holdLateDeployments();
        restarted.applyLateDeployments(harness.sink);
        assertEquals(clean.contents(), harness.contents(), "the held deployments applied after the restart");
    }

    /** Three commits and their deployments arriving newest first, the two older ones held. */
    private static Harness held() {
        final Harness harness = new Harness();
        harness.ledger.holdLateDeployments();
        List.of(commit("shop", "a", h(0)), commit("shop", "b", h(2), "a"), commit("shop", "c", h(3), "b"),
                deploy("d3", "shop", "c", h(6)), deploy("d2", "shop", "b", h(4)), deploy("d1", "shop", "a", h(1)))
                .forEach(harness::apply);
        assertEquals(2, harness.contents().keySet().stream().filter(key -> key.startsWith("0:4c")).count(),
                "d2 and d1 are held: " + harness.contents().keySet());
        return harness;
    }

    private static List<SpecificRecord> history() {
        return List.of(commit("shop", "a", h(0)), deploy("d1", "shop", "a", h(1)), commit("shop", "b", h(2), "a"),
                commit("shop", "c", h(3), "b"), incident("i1", "shop", h(5), h(6)));
    }

    /** The record under test: it delivers b and c, takes the incident by time, and moves buckets and labels. */
    private static DeploymentEvent failing() {
        return deploy("d2", "shop", "c", h(4));
    }

    @Test
    void aFailureAtAnyReadOfARecordLeavesEveryStoreAsItWasAndSendsNothing() {
        assertAtomic(history(), failing(), 20);
    }

    /**
     * A late success between two failures of main, arriving under another team: it ends one episode, starts none,
     * moves the day's counts and coverage, and moves the service's build rows to the new team.
     */
    @Test
    void aBuildFailingAtAnyReadLeavesEveryStoreAsItWas() {
        final List<SpecificRecord> builds = List.of(
                build("b1", "shop", "main", BuildStatus.failure, h(1), 60),
                build("b2", "shop", "main", BuildStatus.failure, h(3), 60),
                build("b3", "shop", "main", BuildStatus.success, h(5), 60));
        assertAtomic(builds, BuildEvent.newBuilder(build("late", "shop", "main", BuildStatus.success, h(2), 60))
                .setTeam("other").setCoverage(0.5).build(), 5);
    }

    private static void assertAtomic(final List<SpecificRecord> history, final SpecificRecord failing,
                                     final int minimumReads) {
        final Harness clean = new Harness();
        history.forEach(clean::apply);
        clean.apply(failing);
        final Map<String, String> expected = clean.contents();
        final int reads = countReads(history, failing);
        assertTrue(reads > minimumReads, "the record reads enough to fail in the middle: " + reads);

        for (int failAt = 0; failAt < reads; failAt++) {
            final Harness harness = new Harness();
            history.forEach(harness::apply);
            final Map<String, String> before = harness.contents();
            harness.messages.clear();
            harness.readsLeft.set(failAt);
            assertThrows(IllegalStateException.class, () -> harness.apply(failing), "fails at read " + failAt);
            assertEquals(before, harness.contents(), "a record failing at read " + failAt + " changed the stores");
            assertEquals(List.of(), harness.messages, "a record failing at read " + failAt + " sent messages");

            harness.readsLeft.set(Integer.MAX_VALUE);
            harness.apply(failing);
            assertEquals(expected, harness.contents(), "after a failure at read " + failAt
                    + ", the same record applies as if it had never failed");
        }
    }

    /** How many store reads the record under test makes, so the test fails it at each of them. */
    private static int countReads(final List<SpecificRecord> history, final SpecificRecord failing) {
        final Harness harness = new Harness();
        history.forEach(harness::apply);
        harness.readsLeft.set(Integer.MAX_VALUE);
        harness.apply(failing);
        return Integer.MAX_VALUE - harness.readsLeft.get();
    }
}
