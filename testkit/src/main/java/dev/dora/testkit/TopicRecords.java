package dev.dora.testkit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** What the broker tests read back from a topic, and how they look inside a record. */
public final class TopicRecords {

    /** How long reading a topic to its end may take. */
    public static final Duration WITHIN = Duration.ofSeconds(20);

    private TopicRecords() {
    }

    /**
     * The records of a topic that match, read from its beginning up to its end offsets as they are now. Every record
     * Kafka acknowledged before the call is below those offsets, so nothing acknowledged is missed, and no quiet
     * period has to be waited out to know that nothing else matches. Tests share topics: each run matches its own ids.
     */
    public static List<ConsumerRecord<byte[], byte[]>> read(final String bootstrapServers, final String topic,
                                                            final Predicate<ConsumerRecord<byte[], byte[]>> match) {
        final Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (KafkaConsumer<byte[], byte[]> consumer =
                     new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            final List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            final Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            final List<ConsumerRecord<byte[], byte[]>> matches = new ArrayList<>();
            await().atMost(WITHIN).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(10)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                    if (match.test(r)) {
                        matches.add(r);
                    }
                });
                return partitions.stream().allMatch(p -> consumer.position(p) >= end.get(p));
            });
            return matches;
        }
    }

    /** The record's key as text; empty when it has none. */
    public static String key(final ConsumerRecord<byte[], byte[]> record) {
        return record.key() == null ? "" : text(record.key());
    }

    /** The last value of a header, which must be there. */
    public static String header(final ConsumerRecord<byte[], byte[]> record, final String name) {
        final Header header = record.headers().lastHeader(name);
        assertNotNull(header, "header " + name);
        return text(header.value());
    }

    public static String text(final byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
