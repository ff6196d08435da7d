package dev.dora.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dora.testkit.TestKafkaCluster;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Topics are created as dora needs them, and existing ones that do not fit are named at start-up. */
@Tag("broker")
class TopicAdminTest {

    @Test
    @Timeout(120)
    void createsWhatIsMissingAndNamesEveryExistingTopicThatDoesNotFit() throws Exception {
        try (TestKafkaCluster kafka = TestKafkaCluster.start();
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            TopicAdmin.ensureTopics(admin, 3, (short) -1);
            assertEquals(3, admin.describeTopics(List.of(Topics.CHANGES.name())).allTopicNames()
                    .get(30, TimeUnit.SECONDS).get(Topics.CHANGES.name()).partitions().size());
            final String policy = admin.describeConfigs(List.of(new ConfigResource(ConfigResource.Type.TOPIC,
                    Topics.DEPLOYMENT_FACTS.name()))).all().get(30, TimeUnit.SECONDS).values().iterator().next()
                    .get("cleanup.policy").value();
            assertEquals("compact", policy);
            TopicAdmin.ensureTopics(admin, 3, (short) -1);

            final IllegalStateException wrongCount = assertThrows(IllegalStateException.class,
                    () -> TopicAdmin.ensureTopics(admin, 6, (short) -1));
            assertTrue(wrongCount.getMessage().contains("topic dora.events.changes has 3 partitions where 6"),
                    wrongCount.getMessage());
            assertTrue(wrongCount.getMessage().contains("dora.events.incidents"), wrongCount.getMessage());

            final Topic<String, String> compacted = new Topic<>("dora.test.compacted", null, null,
                    Map.of("cleanup.policy", "compact"));
            admin.createTopics(List.of(new NewTopic(compacted.name(), Optional.of(3), Optional.empty())
                    .configs(Map.of("cleanup.policy", "delete")))).all().get(30, TimeUnit.SECONDS);
            final IllegalStateException wrongPolicy = assertThrows(IllegalStateException.class,
                    () -> TopicAdmin.ensureTopic(admin, compacted, 3, (short) -1));
            assertTrue(wrongPolicy.getMessage().contains(
                    "topic dora.test.compacted has cleanup.policy=delete where compact is needed"),
                    wrongPolicy.getMessage());
        }
    }

    /** KAFKA-15591: a producer that writes before a new partition's leader serves it can lose its first batch. */
    @Test
    @Timeout(120)
    void theTopicsItCreatesTakeAnIdempotentProducersFirstWritesAtOnce() throws Exception {
        try (TestKafkaCluster kafka = TestKafkaCluster.start();
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            TopicAdmin.ensureTopics(admin, 3, (short) -1);
            final Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                    ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true, ProducerConfig.ACKS_CONFIG, "all",
                    ProducerConfig.LINGER_MS_CONFIG, 0, ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 15_000,
                    ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
            final List<Future<RecordMetadata>> sent = new ArrayList<>();
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config, new ByteArraySerializer(),
                    new ByteArraySerializer())) {
                for (int i = 0; i < 20; i++) {
                    for (final Topic<?, ?> topic : Topics.ALL) {
                        for (int p = 0; p < 3; p++) {
                            sent.add(producer.send(new ProducerRecord<>(topic.name(), p, new byte[] {1},
                                    new byte[] {(byte) i})));
                        }
                    }
                }
                for (final Future<RecordMetadata> write : sent) {
                    assertTrue(write.get(30, TimeUnit.SECONDS).hasOffset(), "every write acknowledged");
                }
            }
        }
    }
}
