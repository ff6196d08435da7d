package dev.dora.launcher.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dora.launcher.CliRun;
import dev.dora.streams.model.ReferenceModel;
import dev.dora.streams.simulation.HistoryGenerator;
import dev.dora.streams.simulation.PerformanceLevel;
import dev.dora.streams.simulation.ServiceProfile;
import dev.dora.testkit.KafkaProcessCluster;
import dev.dora.testkit.KafkaProcessCluster.Security;
import dev.dora.testkit.TlsMaterial;
import java.io.OutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * dora on a broker whose client listener needs SASL (SCRAM-SHA-512) or TLS, configured only through
 * {@code --kafka-config}: ingest over the API, an import straight to Kafka, the pipeline and the queries all work,
 * the answers are the reference model's, and a wrong password stops the start with one clear sentence naming the
 * listener and the mechanism. Neither the right nor the wrong secret appears on the console or in the log.
 */
@Tag("e2e")
class SecuredClusterTest {

    private static final Instant END = Instant.parse("2026-11-01T00:00:00Z");

    @TempDir
    Path dir;

    @Test
    @Timeout(420)
    void saslScramListener() throws Exception {
        try (KafkaProcessCluster kafka = KafkaProcessCluster.builder(dir.resolve("kafka"))
                .security(Security.SASL_SCRAM_SHA_512).user("dora-app", "scram-Secret-2718").start()) {
            runsThroughAndRefusesAWrongPassword(kafka, "SASL_PLAINTEXT listener, SASL mechanism SCRAM-SHA-512",
                    "refused dora's credentials");
        }
    }

    @Test
    @Timeout(420)
    void tlsListener() throws Exception {
        final TlsMaterial tls = TlsMaterial.generate(dir.resolve("tls"), "keystore-Secret-3141",
                "truststore-Secret-1618");
        try (KafkaProcessCluster kafka = KafkaProcessCluster.builder(dir.resolve("kafka"))
                .security(Security.SSL).tls(tls).start()) {
            runsThroughAndRefusesAWrongPassword(kafka, "SSL listener", "trust store or key store");
        }
    }

    private void runsThroughAndRefusesAWrongPassword(final KafkaProcessCluster kafka, final String listener,
                                                     final String problem) throws Exception {
        final String secret = kafka.password();
        final Path good = clientFile("client.properties", kafka.bootstrapServers(), kafka.clientProperties(secret));
        final Path streams = dir.resolve("streams.properties");
        Files.writeString(streams, "statestore.cache.max.bytes=1048576\n", StandardCharsets.UTF_8);
        final List<SpecificRecord> events = HistoryGenerator.builder().seed(5).end(END).days(30).services(List.of(
                ServiceProfile.of("shop", "retail", PerformanceLevel.ELITE),
                ServiceProfile.of("stock", "retail", PerformanceLevel.MEDIUM))).build().generate();
        final ReferenceModel model = ReferenceModel.defaults().load(events);

        try (DoraProcess dora = DoraProcess.serve(dir.resolve("app"), "--kafka-config", good.toString(),
                "--streams-config", streams.toString(), "--replication-factor", "1", "--stream-threads", "1")) {
            dora.awaitHealthy(Duration.ofMinutes(3));
            final int half = events.size() / 2;
            for (int i = 0; i < half; i += 250) {
                final HttpResponse<String> posted = dora.api().post(DoraApi.ndjson(events.subList(i,
                        Math.min(half, i + 250))));
                assertEquals(202, posted.statusCode(), posted.body());
            }
            final Path rest = dir.resolve("rest.ndjson");
            Files.writeString(rest, DoraApi.ndjson(events.subList(half, events.size())) + "\n",
                    StandardCharsets.UTF_8);
            final CliRun imported = run("import", "events", rest.toString(), "--kafka-config", good.toString());
            assertEquals(0, imported.code(), imported.out() + imported.err());
            assertTrue(imported.out().contains("to Kafka at " + kafka.bootstrapServers()), imported.out());

            dora.api().awaitCaughtUp(Duration.ofMinutes(3));
            ModelCheck.assertMatches(dora.api(), model, List.of(
                    new LocalDate[] {LocalDate.parse("2026-10-02"), LocalDate.parse("2026-11-01")},
                    new LocalDate[] {LocalDate.parse("2026-10-20"), LocalDate.parse("2026-10-27")}));
            assertTrue(dora.console().contains("Using the Kafka cluster at " + kafka.bootstrapServers()),
                    dora.console());
            assertTrue(dora.logFile().contains("[hidden]"), "Kafka logs the client settings, secrets hidden");
            assertNoSecret(secret, dora.console(), dora.logFile());
        }

        final String wrong = "Wrong-" + secret;
        final Path bad = clientFile("wrong.properties", kafka.bootstrapServers(), kafka.clientProperties(wrong));
        try (DoraProcess refused = DoraProcess.serve(dir.resolve("refused"), "--kafka-config", bad.toString())) {
            assertEquals(1, refused.awaitExit(Duration.ofMinutes(2)), refused.console());
            final String error = refused.console().lines().filter(l -> l.startsWith("error: ")).findFirst()
                    .orElseThrow(() -> new AssertionError("no error line in\n" + refused.console()));
            assertTrue(error.contains("Kafka at " + kafka.bootstrapServers() + " (" + listener + ")"), error);
            assertTrue(error.contains(problem), error);
            assertTrue(error.contains(bad.toAbsolutePath().toString()), "names the file to fix: " + error);
            assertNoSecret(wrong, refused.console(), refused.logFile());
            assertNoSecret(secret, refused.console(), refused.logFile());
        }
        final CliRun importRefused = run("import", "events", dir.resolve("rest.ndjson").toString(), "--kafka-config",
                bad.toString());
        assertEquals(1, importRefused.code(), importRefused.out() + importRefused.err());
        assertTrue(importRefused.err().contains(listener), importRefused.err());
        assertFalse(importRefused.err().contains(wrong), importRefused.err());
    }

    private static void assertNoSecret(final String secret, final String... texts) {
        for (final String text : texts) {
            assertFalse(text.contains(secret), "the secret " + secret + " appears in:\n" + text);
        }
    }

    private Path clientFile(final String name, final String servers, final Map<String, String> properties)
            throws Exception {
        final Properties file = new Properties();
        file.putAll(properties);
        file.put("bootstrap.servers", servers);
        final Path path = dir.resolve(name);
        try (OutputStream out = Files.newOutputStream(path)) {
            file.store(out, null);
        }
        return path;
    }

    private static CliRun run(final String... args) {
        return CliRun.of(args);
    }

}
