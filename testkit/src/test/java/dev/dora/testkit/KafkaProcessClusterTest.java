package dev.dora.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The separate-process brokers keep their data across SIGTERM and kill -9, and three of them survive losing one. */
@Tag("broker")
class KafkaProcessClusterTest {

    @TempDir
    Path dir;

    @Test
    @Timeout(300)
    void aSingleNodeKeepsItsRecordsAcrossAStopAndAKill() throws Exception {
        try (KafkaProcessCluster kafka = KafkaProcessCluster.builder(dir).start()) {
            assertEquals(List.of(1), kafka.nodeIds());
            createTopic(kafka.bootstrapServers(), "t", (short) 1);
            produce(kafka.bootstrapServers(), "t", "a", "b");
            kafka.stop(1);
            assertFalse(kafka.isRunning(1));
            kafka.restart(1);
            kafka.awaitReady();
            produce(kafka.bootstrapServers(), "t", "c");
            kafka.kill(1);
            kafka.restart(1);
            kafka.awaitReady();
            assertEquals(List.of("a", "b", "c"), readAll(kafka.bootstrapServers(), "t"));
        }
    }

    @Test
    @Timeout(360)
    void threeNodesKeepAcceptingAcknowledgedWritesWithOneKilled() throws Exception {
        try (KafkaProcessCluster kafka = KafkaProcessCluster.builder(dir).nodes(3)
                .brokerConfig("min.insync.replicas", "2").start()) {
            createTopic(kafka.bootstrapServers(), "r", (short) 3);
            produce(kafka.bootstrapServers(), "r", "1", "2");
            kafka.kill(2);
            assertTrue(kafka.isRunning(1) && kafka.isRunning(3));
            produce(kafka.bootstrapServers(), "r", "3");
            kafka.restart(2);
            kafka.awaitReady();
            assertEquals(List.of("1", "2", "3"), readAll(kafka.bootstrapServers(), "r"));
        }
    }

    private static void createTopic(final String servers, final String name, final short replicas) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, servers))) {
            admin.createTopics(List.of(new NewTopic(name, Optional.of(1), Optional.of(replicas)))).all()
                    .get(30, TimeUnit.SECONDS);
        }
    }

    private static void produce(final String servers, final String topic, final String... values) throws Exception {
        final Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 60_000);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config, new StringSerializer(),
                new StringSerializer())) {
            for (final String value : values) {
                producer.send(new ProducerRecord<>(topic, value)).get(60, TimeUnit.SECONDS);
            }
        }
    }

    private static List<String> readAll(final String servers, final String topic) {
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, servers), new StringDeserializer(),
                new StringDeserializer())) {
            final TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            final long end = consumer.endOffsets(List.of(partition)).get(partition);
            final List<String> values = new ArrayList<>();
            final long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (consumer.position(partition) < end && System.nanoTime() < deadline) {
                for (final ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    values.add(record.value());
                }
            }
            return values;
        }
    }
}
