package dev.dora.ingest.webhook;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dora.schema.KafkaClientSettings;
import dev.dora.schema.TopicAdmin;
import dev.dora.testkit.TestKafkaCluster;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Redelivery detection shared through Kafka: a delivery acknowledged by one instance is recognised by another, and by
 * an instance started afterwards (a restart), on a real broker.
 */
@Tag("broker")
@Timeout(120)
class KafkaDeliveriesTest {

    private static final Duration START = Duration.ofSeconds(30);

    @Test
    void aDeliveryAcknowledgedByOneInstanceIsKnownToTheOthersAndAfterARestart() throws Exception {
        try (TestKafkaCluster cluster = TestKafkaCluster.start()) {
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                    cluster.bootstrapServers()))) {
                TopicAdmin.ensureTopics(admin, 3, (short) 1);
            }
            final KafkaClientSettings kafka = KafkaClientSettings.of(cluster.bootstrapServers());
            try (KafkaDeliveries first = KafkaDeliveries.start(kafka, START);
                 KafkaDeliveries second = KafkaDeliveries.start(kafka, START)) {
                assertFalse(second.seen("github", "d-1"));
                first.acknowledged("github", "d-1");
                assertTrue(first.seen("github", "d-1"), "at once where it was acknowledged");
                await().atMost(Duration.ofSeconds(10)).until(() -> second.seen("github", "d-1"));
                assertFalse(second.seen("gitlab", "d-1"), "delivery ids are per source");
                second.acknowledged("pagerduty", "p-7");
            }
            try (KafkaDeliveries restarted = KafkaDeliveries.start(kafka, START)) {
                assertTrue(restarted.seen("github", "d-1") && restarted.seen("pagerduty", "p-7"),
                        "a restarted instance knows every earlier delivery as soon as it starts");
                assertFalse(restarted.seen("github", "d-2"));
            }
        }
    }
}
