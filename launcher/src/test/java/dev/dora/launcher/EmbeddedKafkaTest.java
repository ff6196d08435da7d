package dev.dora.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dora.testkit.TopicRecords;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Tag("broker")
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class EmbeddedKafkaTest {

    private static final String TOPIC = "launcher-test";

    @TempDir
    Path dataDir;

    @Test
    void keepsRecordsAcrossARestartOnTheSameDataDirectory() throws Exception {
        final int port = freePortPair();
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dataDir, port)) {
            assertEquals("localhost:" + port, kafka.bootstrapServers());
            assertTrue(Files.exists(dataDir.resolve("kafka").resolve("meta.properties")), "storage was formatted");
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
                admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get();
                // the running broker's own value, not Kafka's 128 MiB default
                final ConfigResource broker = new ConfigResource(ConfigResource.Type.BROKER, "1");
                assertEquals(Long.toString(EmbeddedKafka.CLEANER_DEDUPE_BUFFER_BYTES), admin.describeConfigs(
                        List.of(broker)).all().get().get(broker).get("log.cleaner.dedupe.buffer.size").value());
            }
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                    ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer())) {
                producer.send(new ProducerRecord<>(TOPIC, "checkout", "deployed")).get();
            }
            assertEquals(List.of("checkout=deployed"), readAll(kafka.bootstrapServers()));
        }

        // a second start on the same directory must not reformat (which would wipe the topic)
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dataDir, port)) {
            assertEquals(List.of("checkout=deployed"), readAll(kafka.bootstrapServers()));
        }
    }

    @Test
    void reportsATakenPortClearly() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getByName("localhost"), 0));
            final Ports.PortInUseException e = assertThrows(Ports.PortInUseException.class,
                    () -> EmbeddedKafka.start(dataDir, taken.getLocalPort()));
            assertTrue(e.getMessage().contains(Integer.toString(taken.getLocalPort())), e.getMessage());
            assertTrue(e.getMessage().contains("--kafka-port"), e.getMessage());
        }
    }

    private static List<String> readAll(final String bootstrapServers) {
        return TopicRecords.read(bootstrapServers, TOPIC, r -> true).stream()
                .map(r -> TopicRecords.key(r) + "=" + TopicRecords.text(r.value())).toList();
    }

    /** A free port whose successor is free too (the controller listens on port + 1). */
    static int freePortPair() throws IOException {
        for (int attempt = 0; attempt < 50; attempt++) {
            try (ServerSocket first = new ServerSocket(0, 50, InetAddress.getByName("localhost"))) {
                final int port = first.getLocalPort();
                if (port >= 65535) {
                    continue;
                }
                try (ServerSocket second = new ServerSocket(port + 1, 50, InetAddress.getByName("localhost"))) {
                    return port;
                } catch (final IOException taken) {
                    // try another pair
                }
            }
        }
        throw new IOException("no two consecutive free ports found");
    }
}
