package dev.dora.streams.topology;

import static dev.dora.streams.topology.PipelineDriver.commit;
import static dev.dora.streams.topology.PipelineDriver.deploy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dora.events.DeploymentEvent;
import dev.dora.facts.DeploymentFact;
import dev.dora.schema.AvroCodec;
import dev.dora.schema.AvroSerdes;
import dev.dora.schema.Topics;
import dev.dora.state.BuildBucket;
import dev.dora.state.DayBucket;
import dev.dora.state.ServiceInfo;
import dev.dora.streams.config.MetricsConfig;
import dev.dora.streams.store.Entity;
import dev.dora.streams.store.StoreNames;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The ledger processor's wall-clock punctuation applies the deployments it held, and sends one it cannot apply to
 * the dead-letter topic, the event itself with the reason and the origin in the headers, as the ingest edge does.
 */
@Tag("topology")
class LedgerProcessorTest {

    private static final Instant T0 = Instant.parse("2026-10-01T00:00:00Z");

    private static Instant h(final int hours) {
        return T0.plusSeconds(3_600L * hours);
    }

    @Test
    void theHeldDeploymentsAreAppliedAtThePunctuationAndOneThatFailsIsDeadLettered() {
        AvroCodec.trustGeneratedClasses();
        final MockProcessorContext<String, SpecificRecord> context = new MockProcessorContext<>();
        context.setCurrentSystemTimeMs(T0.toEpochMilli());
        final Bytes poisoned = Entity.DEPLOYMENT.key("shop", "d2");
        store(context, StoreNames.LEDGER_ENTITIES, AvroSerdes.any(), poisoned);
        store(context, StoreNames.LEDGER_INDEXES, Serdes.ByteArray(), null);
        store(context, StoreNames.DAY_BUCKETS, AvroSerdes.of(DayBucket.class), null);
        store(context, StoreNames.SERVICES, AvroSerdes.of(ServiceInfo.class), null);
        store(context, StoreNames.BUILD_BUCKETS, AvroSerdes.of(BuildBucket.class), null);
        final LedgerProcessor processor = new LedgerProcessor(
                MetricsConfig.defaults("unused:9092", Path.of("unused")), null);
        processor.init(context);
        for (final SpecificRecord event : List.of(commit("shop", "a", h(0)), commit("shop", "b", h(2), "a"),
                commit("shop", "c", h(3), "b"), deploy("d3", "shop", "c", h(6)), deploy("d2", "shop", "b", h(4)),
                deploy("d1", "shop", "a", h(1)))) {
            processor.process(new Record<>("shop", event, 0L));
        }
        assertEquals(Map.of("d3", 3), published(context), "only d3, the newest, applied before the punctuation");
        context.resetForwards();

        // the late deployments' punctuation, then that of the commits asked for: the mock context has Kafka Streams'
        // default commit interval, longer than dora's, so the ledger asks for commits itself (PromptCommits)
        assertEquals(2, context.scheduledPunctuators().size());
        assertEquals(LedgerProcessor.LATE_DEPLOYMENTS_EVERY, context.scheduledPunctuators().get(0).getInterval());
        context.scheduledPunctuators().get(0).getPunctuator().punctuate(1_000L);

        assertEquals(Map.of("d1", 1, "d3", 2), published(context), "d1 applied, and d3 delivered b and c only");
        final List<Record<? extends String, ? extends SpecificRecord>> deadLetters = context.forwarded().stream()
                .<Record<? extends String, ? extends SpecificRecord>>map(MockProcessorContext.CapturedForward::record)
                .filter(record -> record.value() instanceof DeploymentEvent).toList();
        assertEquals(1, deadLetters.size(), "one dead letter: " + deadLetters);
        assertEquals("d2", deadLetters.get(0).key());
        final String reason = new String(deadLetters.get(0).headers().lastHeader(Topics.DLQ_REASON_HEADER).value(),
                StandardCharsets.UTF_8);
        assertTrue(reason.startsWith("deployment 'd2' of service 'shop' could not be applied: ")
                && reason.contains("injected failure"), reason);
        assertEquals(LedgerProcessor.DEAD_LETTER_ORIGIN, new String(deadLetters.get(0).headers()
                .lastHeader(Topics.DLQ_ORIGIN_HEADER).value(), StandardCharsets.UTF_8));
    }

    /** The deployed changes of each deployment fact forwarded, by deployment. */
    private static Map<String, Integer> published(final MockProcessorContext<String, SpecificRecord> context) {
        final Map<String, Integer> facts = new TreeMap<>();
        context.forwarded().forEach(forward -> {
            if (forward.record().value() instanceof DeploymentFact fact) {
                facts.put(forward.record().key(), fact.getDeployedChanges());
            }
        });
        return facts;
    }

    /** An in-memory store, registered with the context; every read of {@code poisoned} fails. */
    @SuppressWarnings("unchecked")
    private static <V> void store(final MockProcessorContext<String, SpecificRecord> context, final String name,
                                  final Serde<V> values, final Bytes poisoned) {
        final KeyValueStore<Bytes, V> real = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name),
                Serdes.Bytes(), values).withLoggingDisabled().withCachingDisabled().build();
        real.init(context.getStateStoreContext(), real);
        context.addStateStore((KeyValueStore<Bytes, V>) Proxy.newProxyInstance(LedgerProcessorTest.class
                .getClassLoader(), new Class<?>[] {KeyValueStore.class}, (proxy, method, args) -> {
                    if (method.getName().equals("get") && args[0].equals(poisoned)) {
                        throw new IllegalStateException("injected failure reading " + args[0]);
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (final InvocationTargetException e) {
                        throw e.getCause();
                    }
                }));
    }
}
