package dev.dora.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dora.testkit.TestKafkaCluster;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The processed offsets reach Kafka even when a request fails and nothing moves afterwards: an importer at rest
 * would otherwise pace itself by the committed offsets alone until a position moved.
 */
@Tag("broker")
class ProcessedOffsetsReportTest {

    private static final String APP = "dora-report-test";
    private static final TopicPartition PARTITION = new TopicPartition("dora.events.deployments", 0);

    @Test
    void positionsRefusedOnceAreSentAgainWithoutMoving() throws Exception {
        try (TestKafkaCluster cluster = TestKafkaCluster.start();
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                     cluster.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(PARTITION.topic(), 1, (short) 1))).all()
                    .get(30, TimeUnit.SECONDS);
            final String group = PipelineProgress.processedGroup(APP);
            final ProcessedOffsetsReport report = new ProcessedOffsetsReport(() -> Map.of(PARTITION, 42L), admin,
                    APP, () -> 1_000L);
            try (KafkaConsumer<byte[], byte[]> member = member(cluster.bootstrapServers(), group)) {
                // Kafka refuses offsets written by an admin for a group with members
                member.subscribe(List.of(PARTITION.topic()));
                Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
                    member.poll(Duration.ofMillis(100));
                    return !member.assignment().isEmpty();
                });
                Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> {
                    member.poll(Duration.ofMillis(10));
                    report.publish();
                    return report.failure() != null;
                });
                assertTrue(committed(admin, group).isEmpty(), "refused while the group has a member");
            }
            // the positions did not move: only a request sent again can put them in Kafka
            Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
                report.publish();
                return !committed(admin, group).isEmpty();
            });
            final OffsetAndMetadata published = committed(admin, group).get(PARTITION);
            assertEquals(42L, published.offset());
            assertEquals("1000", published.metadata(), "the time it was published, for the importer to judge");
            Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() -> {
                report.publish();
                return report.failure() == null;
            });
        }
    }

    private static KafkaConsumer<byte[], byte[]> member(final String bootstrap, final String group) {
        final Properties properties = new Properties();
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        properties.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        return new KafkaConsumer<>(properties, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private static Map<TopicPartition, OffsetAndMetadata> committed(final Admin admin, final String group)
            throws Exception {
        return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
    }
}
