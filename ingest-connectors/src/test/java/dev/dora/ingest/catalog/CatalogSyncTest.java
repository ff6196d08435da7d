package dev.dora.ingest.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dora.schema.TopicAdmin;
import dev.dora.schema.Topics;
import dev.dora.testkit.TestKafkaCluster;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The catalog travels through the compacted topic on a real broker, from the instance with the file to all. */
class CatalogSyncTest {

    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration START = Duration.ofSeconds(30);
    private static final Duration WITHIN = Duration.ofSeconds(10);

    private static TestKafkaCluster cluster;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        cluster = TestKafkaCluster.start();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                cluster.bootstrapServers()))) {
            TopicAdmin.ensureTopics(admin, 1, (short) 1);
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void everyInstanceFollowsTheFileAndKeepsTheLastValidCatalog() throws Exception {
        final Path file = dir.resolve("catalog.yaml");
        write(file, catalog("acme/shop", "retail"));
        try (CatalogSync publisher = CatalogSync.start(cluster.bootstrapServers(), Optional.of(file), POLL, START);
             CatalogSync follower = CatalogSync.start(cluster.bootstrapServers(), Optional.empty(), POLL, START)) {

            // start returns once the topic is read to its end: both already see the file
            assertEquals("shop", publisher.current().get().forRepository("acme/shop").orElseThrow().name());
            assertEquals("retail", follower.current().get().service("shop").orElseThrow().team());

            write(file, catalog("acme/shop-monorepo", "checkout"));
            await(() -> team(follower).equals("checkout") && team(publisher).equals("checkout"));
            assertTrue(follower.current().get().forRepository("acme/shop").isEmpty());
            assertEquals("shop", follower.current().get().forRepository("acme/shop-monorepo").orElseThrow().name());

            // an invalid edit is not published: everyone keeps the previous catalog
            write(file, "services:\n  - name: shop\n    repos: [acme/shop]\n");
            Thread.sleep(POLL.toMillis() * 5);
            assertEquals("checkout", team(follower));
            assertEquals("checkout", team(publisher));

            // and the next valid edit goes through
            write(file, catalog("acme/shop", "retail"));
            await(() -> team(follower).equals("retail") && team(publisher).equals("retail"));

            // a late instance reads the latest catalog from the beginning of the topic
            try (CatalogSync late = CatalogSync.start(cluster.bootstrapServers(), Optional.empty(), POLL, START)) {
                assertEquals("retail", team(late));
            }
        }
    }

    @Test
    void invalidValuesOnTheTopicAreSkippedAndTombstonesClearTheCatalog() throws Exception {
        final Path file = dir.resolve("catalog.yaml");
        write(file, catalog("acme/shop", "platform"));
        try (CatalogSync sync = CatalogSync.start(cluster.bootstrapServers(), Optional.of(file), POLL, START);
             KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                     ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(),
                     ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                     ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class))) {
            assertEquals("platform", team(sync));
            producer.send(new ProducerRecord<>(Topics.CATALOG.name(), Topics.CATALOG_KEY, "services: 42\n")).get();
            producer.send(new ProducerRecord<>(Topics.CATALOG.name(), "other-key", catalog("x/y", "nope"))).get();
            Thread.sleep(POLL.toMillis() * 5);
            assertEquals("platform", team(sync));
            producer.send(new ProducerRecord<>(Topics.CATALOG.name(), Topics.CATALOG_KEY, null)).get();
            await(() -> sync.current().get().entries().isEmpty());
        }
    }

    @Test
    void anInvalidFileFailsTheStart() throws Exception {
        final Path file = dir.resolve("bad.yaml");
        write(file, "services:\n  - team: retail\n");
        final ServiceCatalogYaml.InvalidCatalogException e = assertThrows(
                ServiceCatalogYaml.InvalidCatalogException.class,
                () -> CatalogSync.start(cluster.bootstrapServers(), Optional.of(file), POLL, START));
        assertEquals("services[0].name", e.path());
        assertThrows(IllegalStateException.class, () -> CatalogSync.start(cluster.bootstrapServers(),
                Optional.of(dir.resolve("missing.yaml")), POLL, START));
    }

    private static String team(final CatalogSync sync) {
        return sync.current().get().service("shop").map(ServiceCatalog.Entry::team).orElse("");
    }

    private static String catalog(final String repository, final String team) {
        return "production: [production]\nservices:\n  - name: shop\n    team: " + team + "\n    repositories: ["
                + repository + "]\n";
    }

    private static void write(final Path file, final String text) throws Exception {
        final Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(temporary, text, StandardCharsets.UTF_8);
        Files.move(temporary, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private static void await(final BooleanSupplier condition) throws InterruptedException {
        final long deadline = System.nanoTime() + WITHIN.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + WITHIN);
            }
            Thread.sleep(50);
        }
    }
}
