package dev.dora.ingest.catalog;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dora.schema.TopicAdmin;
import dev.dora.schema.Topics;
import dev.dora.testkit.TestKafkaCluster;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The catalog travels through the compacted topic on a real broker, from the instance with the file to all. */
@Tag("broker")
@Timeout(120)
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
            awaitTeams("checkout", follower, publisher);
            assertTrue(follower.current().get().forRepository("acme/shop").isEmpty());
            assertEquals("shop", follower.current().get().forRepository("acme/shop-monorepo").orElseThrow().name());

            // an invalid edit is not published: once a check that began after the edit is done (a check under way
            // may still have read the previous text), and the topic is read to its end, everyone has the old one
            final long checks = publisher.fileChecks();
            write(file, "services:\n  - name: shop\n    repos: [acme/shop]\n");
            await().atMost(WITHIN).until(() -> publisher.fileChecks() >= checks + 2);
            awaitReadToTheEnd(follower, publisher);
            assertEquals("checkout", team(follower));
            assertEquals("checkout", team(publisher));

            // and the next valid edit goes through
            write(file, catalog("acme/shop", "retail"));
            awaitTeams("retail", follower, publisher);

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
            final long read = sync.recordsRead();
            producer.send(new ProducerRecord<>(Topics.CATALOG.name(), Topics.CATALOG_KEY, "services: 42\n")).get();
            producer.send(new ProducerRecord<>(Topics.CATALOG.name(), "other-key", catalog("x/y", "nope"))).get();
            // both records read, and skipped
            await().atMost(WITHIN).until(() -> sync.recordsRead() >= read + 2);
            assertEquals("platform", team(sync));
            producer.send(new ProducerRecord<>(Topics.CATALOG.name(), Topics.CATALOG_KEY, null)).get();
            await().atMost(WITHIN).until(() -> sync.current().get().entries().isEmpty());
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
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
    }

    private static void awaitTeams(final String team, final CatalogSync... syncs) {
        for (final CatalogSync sync : syncs) {
            await().atMost(WITHIN).until(() -> team(sync), team::equals);
        }
    }

    /** Waits until every instance has read every record now on the catalog topic. */
    private static void awaitReadToTheEnd(final CatalogSync... syncs) throws Exception {
        final long records = recordsOnTheTopic();
        for (final CatalogSync sync : syncs) {
            await().atMost(WITHIN).until(() -> sync.recordsRead() >= records);
        }
    }

    /** Records on the catalog topic: its end offsets (nothing is compacted away while the tests run). */
    private static long recordsOnTheTopic() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                cluster.bootstrapServers()))) {
            final Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            admin.describeTopics(List.of(Topics.CATALOG.name())).allTopicNames().get().get(Topics.CATALOG.name())
                    .partitions().forEach(p -> latest.put(new TopicPartition(Topics.CATALOG.name(), p.partition()),
                            OffsetSpec.latest()));
            return admin.listOffsets(latest).all().get().values().stream()
                    .mapToLong(ListOffsetsResult.ListOffsetsResultInfo::offset).sum();
        }
    }
}
