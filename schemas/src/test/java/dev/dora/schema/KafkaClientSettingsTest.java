package dev.dora.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("unit")
class KafkaClientSettingsTest {

    private static final String JAAS = "org.apache.kafka.common.security.scram.ScramLoginModule required "
            + "username=\"dora\" password=\"s3cr3t-jaas-pw\";";

    @TempDir
    Path dir;

    private Path file(final String text) throws Exception {
        final Path file = dir.resolve("client.properties");
        Files.writeString(file, text, StandardCharsets.UTF_8);
        return file;
    }

    @Test
    void aFileIsReadWithItsServersUnlessTheCommandLineGivesOthers() throws Exception {
        final Path file = file("bootstrap.servers=broker-1:9093\nsecurity.protocol=SASL_SSL\n"
                + "sasl.mechanism=SCRAM-SHA-512\nsasl.jaas.config=" + JAAS + "\n");
        final KafkaClientSettings fromFile = KafkaClientSettings.load(file, null);
        assertEquals("broker-1:9093", fromFile.bootstrapServers());
        assertEquals("SASL_SSL", fromFile.securityProtocol());
        assertEquals(Optional.of("SCRAM-SHA-512"), fromFile.saslMechanism());
        assertFalse(fromFile.properties().containsKey("bootstrap.servers"), "the servers are kept apart");
        assertEquals("other:9093", KafkaClientSettings.load(file, "other:9093").bootstrapServers());
        assertTrue(fromFile.origin().startsWith("--kafka-config " + dir));
    }

    @Test
    void aFileWithoutServersNeedsThemFromTheCommandLine() throws Exception {
        final Path file = file("security.protocol=SSL\n");
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> KafkaClientSettings.load(file, null));
        assertTrue(e.getMessage().contains("no bootstrap.servers"), e.getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> KafkaClientSettings.load(dir.resolve("missing.properties"), "x:1")).getMessage()
                .contains("no such file"));
    }

    @Test
    void aClientsConfigurationIsDefaultsThenTheFileThenWhatItRequires() throws Exception {
        final KafkaClientSettings settings = KafkaClientSettings.load(file(
                "security.protocol=SSL\ndelivery.timeout.ms=5000\nacks=all\n"), "b:1");
        final Map<String, Object> config = settings.configFor("a producer",
                Map.of("delivery.timeout.ms", 30_000, "linger.ms", 5),
                List.of(new KafkaClientSettings.Required("acks", "all", "durability"),
                        KafkaClientSettings.Required.absent("transactional.id", "no transactions")));
        assertEquals("5000", config.get("delivery.timeout.ms"), "the file tunes a default");
        assertEquals(5, config.get("linger.ms"));
        assertEquals("SSL", config.get("security.protocol"));
        assertEquals("all", config.get("acks"), "the same value as required is fine");
        assertEquals("b:1", config.get("bootstrap.servers"));
        assertFalse(config.containsKey("transactional.id"));
    }

    @Test
    void aFileThatWeakensARequiredSettingIsRefusedWithTheReason() throws Exception {
        final KafkaClientSettings settings = KafkaClientSettings.load(file(
                "acks=1\nenable.idempotence=FALSE\ntransactional.id=x\n"), "b:1");
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> settings.configFor(
                "the ingest producer", Map.of(), List.of(
                        new KafkaClientSettings.Required("acks", "all", "every in-sync replica has it"),
                        new KafkaClientSettings.Required("enable.idempotence", true, "no duplicates"),
                        KafkaClientSettings.Required.absent("transactional.id", "no transactions"))));
        assertTrue(e.getMessage().contains("cannot be used for the ingest producer"), e.getMessage());
        assertTrue(e.getMessage().contains("acks=1 is not allowed, dora needs acks=all (every in-sync replica has it)"),
                e.getMessage());
        assertTrue(e.getMessage().contains("enable.idempotence=FALSE is not allowed"), e.getMessage());
        assertTrue(e.getMessage().contains("transactional.id must not be set (no transactions)"), e.getMessage());
        assertTrue(e.getMessage().contains(dir.toString()), "names the file: " + e.getMessage());
    }

    @Test
    void secretsNeverShowInToStringOrConflicts() throws Exception {
        final KafkaClientSettings settings = KafkaClientSettings.load(file(
                "security.protocol=SASL_SSL\nsasl.jaas.config=" + JAAS + "\nssl.truststore.password=trust-pw-123\n"
                        + "ssl.truststore.location=/etc/kafka/truststore.p12\n"), "b:1");
        final String shown = settings.toString();
        assertFalse(shown.contains("s3cr3t-jaas-pw"), shown);
        assertFalse(shown.contains("trust-pw-123"), shown);
        assertTrue(shown.contains("sasl.jaas.config=[hidden]"), shown);
        assertTrue(shown.contains("/etc/kafka/truststore.p12"), "what is not secret stays readable: " + shown);
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> settings.configFor(
                "a client", Map.of(), List.of(new KafkaClientSettings.Required("ssl.truststore.password", "other",
                        "test"))));
        assertFalse(e.getMessage().contains("trust-pw-123"), e.getMessage());
        assertTrue(e.getMessage().contains("ssl.truststore.password=[hidden]"), e.getMessage());
    }
}
