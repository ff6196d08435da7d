package dev.dora.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dora.schema.KafkaClientSettings;
import dev.dora.streams.config.MetricsConfig;
import dev.dora.streams.config.StreamsOverrides;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("unit")
class StreamsPropertiesTest {

    @TempDir
    Path dir;

    private final MetricsConfig base = MetricsConfig.defaults("b:9092", Path.of("state"));

    @Test
    void anIdleThreadLooksAtTheCommitClockAtLeastOncePerCommitInterval() {
        final Properties props = MetricsPipeline.streamsProperties(base);
        final long interval = ((Number) props.get(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG)).longValue();
        final long poll = ((Number) props.get(StreamsConfig.POLL_MS_CONFIG)).longValue();
        assertEquals(StreamsProperties.COMMIT_INTERVAL_MS, interval);
        assertTrue(poll <= interval, "a thread blocked in poll() commits only when poll() returns: " + poll
                + " ms of poll against a commit interval of " + interval + " ms");
        final Properties overridden = MetricsPipeline.streamsProperties(base.withStreamsOverrides(
                StreamsOverrides.of(Map.of("commit.interval.ms", "100", "poll.ms", "100"))));
        assertEquals("100", overridden.get(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG));
        assertEquals("100", overridden.get(StreamsConfig.POLL_MS_CONFIG));
    }

    @Test
    void theGlobalConsumerWaitsBrieflyForFetchesUnlessEitherFileSaysOtherwise() {
        final String global = StreamsConfig.globalConsumerPrefix("fetch.max.wait.ms");
        final Properties props = MetricsPipeline.streamsProperties(base);
        assertEquals(StreamsProperties.GLOBAL_FETCH_MAX_WAIT_MS, props.get(global));
        assertFalse(props.containsKey("fetch.max.wait.ms"), "the other consumers keep Kafka's default");
        assertFalse(props.containsKey(StreamsConfig.restoreConsumerPrefix("fetch.max.wait.ms")));
        final Properties clientWide = MetricsPipeline.streamsProperties(
                base.withKafka(KafkaClientSettings.of("b:9092", Map.of("fetch.max.wait.ms", "300"))));
        assertEquals("300", clientWide.get("fetch.max.wait.ms"));
        assertFalse(clientWide.containsKey(global), "a prefixed default would win over the operator's setting");
        final Properties prefixed = MetricsPipeline.streamsProperties(base.withStreamsOverrides(
                StreamsOverrides.of(Map.of(global, "200"))));
        assertEquals("200", prefixed.get(global));
    }

    @Test
    void theProducerCompressesUnlessEitherFileChoosesACompression() {
        final String producerCompression = StreamsConfig.producerPrefix("compression.type");
        assertEquals(StreamsProperties.COMPRESSION, MetricsPipeline.streamsProperties(base).get(producerCompression));
        final Properties clientWide = MetricsPipeline.streamsProperties(
                base.withKafka(KafkaClientSettings.of("b:9092", Map.of("compression.type", "zstd"))));
        assertEquals("zstd", clientWide.get("compression.type"));
        assertFalse(clientWide.containsKey(producerCompression),
                "a prefixed default would win over the operator's setting for every client");
        final Properties streamsOnly = MetricsPipeline.streamsProperties(base.withStreamsOverrides(
                StreamsOverrides.of(Map.of("producer.compression.type", "none"))));
        assertEquals("none", streamsOnly.get(producerCompression));
    }

    @Test
    void internalTopicsRollSegmentsSmallEnoughForTheBrokerToCompactThemUnlessAFileSaysOtherwise() {
        final String segment = StreamsConfig.topicPrefix("segment.bytes");
        assertEquals(StreamsProperties.INTERNAL_SEGMENT_BYTES, MetricsPipeline.streamsProperties(base).get(segment));
        assertTrue(StreamsProperties.INTERNAL_SEGMENT_BYTES < 1 << 30, "smaller than the broker's 1 GiB default");
        assertEquals("1073741824", MetricsPipeline.streamsProperties(base.withStreamsOverrides(
                StreamsOverrides.of(Map.of("topic.segment.bytes", "1073741824")))).get(segment));
    }

    @Test
    void overridesAreAppliedLastOverDorasOwnSettingsAndTheClientProperties() {
        final MetricsConfig config = base
                .withKafka(KafkaClientSettings.of("b:9092", Map.of("security.protocol", "SSL",
                        "commit.interval.ms", "500")))
                .withStreamsOverrides(StreamsOverrides.of(Map.of("commit.interval.ms", "1000",
                        "num.standby.replicas", "1", "group.protocol", "streams", "state.dir", "/var/dora")));
        final Properties props = MetricsPipeline.streamsProperties(config);
        assertEquals("1000", props.get("commit.interval.ms"), "the Streams file wins over the client file");
        assertEquals("SSL", props.get("security.protocol"), "client properties reach every internal client");
        assertEquals("1", props.get("num.standby.replicas"));
        assertEquals("streams", props.get("group.protocol"));
        assertEquals("/var/dora", props.get("state.dir"));
        assertEquals(StreamsConfig.EXACTLY_ONCE_V2, props.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG));
        assertEquals(base.streamsApplicationId(), props.get(StreamsConfig.APPLICATION_ID_CONFIG));
        assertEquals("b:9092", props.get(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG));
    }

    @Test
    void connectionSettingsThreadsAndOverridesLeaveTheApplicationIdAlone() {
        final MetricsConfig tuned = base.withKafka(KafkaClientSettings.of("elsewhere:9093",
                        Map.of("security.protocol", "SASL_SSL")))
                .withStreamThreads(4).withReplicationFactor((short) 3).withStateDir(Path.of("/other"))
                .withStreamsOverrides(StreamsOverrides.of(Map.of("num.standby.replicas", "2")));
        assertEquals(base.streamsApplicationId(), tuned.streamsApplicationId());
    }

    @Test
    void aFileChangingWhatCorrectnessRestsOnIsRefusedNamingEachSettingAndWhy() throws Exception {
        final Path file = dir.resolve("streams.properties");
        Files.writeString(file, "processing.guarantee=at_least_once\nensure.explicit.internal.resource.naming=false\n"
                + "application.id=mine\nproducer.acks=1\nnum.standby.replicas=1\n", StandardCharsets.UTF_8);
        final StreamsOverrides overrides = StreamsOverrides.load(file);
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MetricsPipeline.streamsProperties(base.withStreamsOverrides(overrides)));
        final String message = e.getMessage();
        assertTrue(message.startsWith("--streams-config " + file.toAbsolutePath()), message);
        assertTrue(message.contains("processing.guarantee=at_least_once is not allowed, dora needs "
                + "processing.guarantee=exactly_once_v2 (exactly-once processing"), message);
        assertTrue(message.contains("ensure.explicit.internal.resource.naming=false is not allowed"), message);
        assertTrue(message.contains("application.id must not be set (the application id carries a fingerprint"),
                message);
        assertTrue(message.contains("producer.acks=1 is not allowed"), message);
        assertFalse(message.contains("num.standby.replicas"), "a free setting is not named: " + message);
    }

    @Test
    void theSameValueAsDorasIsAcceptedAndSecretsStayHidden() throws Exception {
        final Path file = dir.resolve("streams.properties");
        Files.writeString(file, "processing.guarantee=exactly_once_v2\nproducer.sasl.jaas.config=x password=\"pw-123456\";\n",
                StandardCharsets.UTF_8);
        final StreamsOverrides overrides = StreamsOverrides.load(file);
        StreamsProperties.requireNothingProtected(overrides.properties(), overrides.origin());
        assertEquals("exactly_once_v2", overrides.properties().get("processing.guarantee"));
        assertFalse(overrides.toString().contains("pw-123456"), overrides.toString());
        assertFalse(base.withStreamsOverrides(overrides).toString().contains("pw-123456"));
    }

    @Test
    void clientPropertiesCannotChangeTheStreamsGuaranteesEither() {
        final MetricsConfig config = base.withKafka(KafkaClientSettings.of("b:9092",
                Map.of("processing.guarantee", "at_least_once")));
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MetricsPipeline.streamsProperties(config));
        assertTrue(e.getMessage().contains("processing.guarantee=at_least_once is not allowed"), e.getMessage());
    }
}
