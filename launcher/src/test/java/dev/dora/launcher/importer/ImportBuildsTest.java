package dev.dora.launcher.importer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dora.events.BuildEvent;
import dev.dora.events.BuildStatus;
import dev.dora.ingest.catalog.CatalogSync;
import dev.dora.launcher.e2e.RunningStack;
import dev.dora.schema.AvroCodec;
import dev.dora.schema.Topics;
import dev.dora.testkit.TestKafkaCluster;
import dev.dora.testkit.TopicRecords;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dora import events} with builds, over HTTP and straight to Kafka: the builds land on
 * {@code dora.events.builds} keyed by id, stamped with the catalog's default branch on either path, and an invalid
 * build is named by its line and kept in the dead-letter topic.
 */
@Tag("e2e")
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ImportBuildsTest {

    private static final String CATALOG = """
            services:
              - name: shop
                team: retail
                defaultBranch: trunk
            """;

    @TempDir
    Path dir;

    @Test
    void buildsAreImportedOverHttpAndKafkaAndStampedWithTheDefaultBranch() throws Exception {
        try (RunningStack stack = RunningStack.start(CATALOG, Map.of())) {
            final Path viaHttp = file("http.ndjson", "h");
            final ImportCli.Run run = ImportCli.run("import", "events", viaHttp.toString(), "--url", stack.baseUrl());
            assertEquals(0, run.code(), run.toString());
            assertTrue(run.out().contains("2 events accepted, 1 invalid"), run.out());
            assertTrue(run.err().contains("line 3: coverage: must be from 0 to 1"), run.err());
            assertImported(stack.bootstrapServers(), "h");

            // the catalog the cluster's instances share, which the importer reads when it writes to Kafka itself
            final Path catalog = Files.writeString(dir.resolve("catalog.yaml"), CATALOG, StandardCharsets.UTF_8);
            CatalogSync.start(stack.bootstrapServers(), Optional.of(catalog)).close();
            final Path viaKafka = file("kafka.ndjson", "k");
            final ImportCli.Run direct = ImportCli.run("import", "events", viaKafka.toString(),
                    "--bootstrap-servers", stack.bootstrapServers());
            assertEquals(0, direct.code(), direct.toString());
            assertTrue(direct.out().contains("2 events accepted, 1 invalid"), direct.out());
            assertImported(stack.bootstrapServers(), "k");
        }
    }

    @Test
    void aClusterFromBeforeBuildsIsNamedInOneLine() throws Exception {
        try (TestKafkaCluster kafka = TestKafkaCluster.start();
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            admin.createTopics(Stream.of(Topics.CHANGES, Topics.DEPLOYMENTS, Topics.INCIDENTS, Topics.DEAD_LETTER)
                    .map(topic -> new NewTopic(topic.name(), 1, (short) 1)).toList()).all().get();
            final ImportCli.Run run = ImportCli.run("import", "events", file("old.ndjson", "o").toString(),
                    "--bootstrap-servers", kafka.bootstrapServers());
            assertEquals(1, run.code(), run.toString());
            assertTrue(run.err().contains("has no topic dora.events.builds for the builds of the file"), run.err());
        }
    }

    /** A successful build of shop, a running one of search, and a build whose coverage is a percentage. */
    private Path file(final String name, final String prefix) throws Exception {
        return Files.writeString(dir.resolve(name), String.join("\n",
                build(prefix + "-1", "shop", "\"status\":\"success\",\"finishedAt\":\"2026-10-01T10:07:00Z\","
                        + "\"coverage\":0.91,\"pipeline\":\"test\",\"author\":\"Alice\""),
                build(prefix + "-2", "search", "\"status\":\"in_progress\""),
                build(prefix + "-3", "shop", "\"status\":\"failure\",\"finishedAt\":\"2026-10-01T10:07:00Z\","
                        + "\"coverage\":91")) + "\n", StandardCharsets.UTF_8);
    }

    private static String build(final String id, final String service, final String rest) {
        return "{\"type\":\"build\",\"id\":\"" + id + "\",\"service\":\"" + service + "\",\"occurredAt\":"
                + "\"2026-10-01T10:07:00Z\",\"startedAt\":\"2026-10-01T10:00:00Z\",\"branch\":\"trunk\"," + rest + "}";
    }

    private static void assertImported(final String bootstrap, final String prefix) {
        final List<ConsumerRecord<byte[], byte[]>> records = TopicRecords.read(bootstrap, Topics.BUILDS.name(),
                r -> TopicRecords.key(r).startsWith(prefix + "-"));
        assertEquals(List.of(prefix + "-1", prefix + "-2"), records.stream().map(TopicRecords::key).sorted().toList());
        final BuildEvent shop = decode(records, prefix + "-1");
        assertEquals(BuildStatus.success, shop.getStatus());
        assertEquals(Instant.parse("2026-10-01T10:07:00Z"), shop.getFinishedAt());
        assertEquals(0.91, shop.getCoverage());
        assertEquals("trunk", shop.getDefaultBranch(), "stamped from the catalog");
        assertFalse(shop.toString().contains("Alice"));
        assertNull(decode(records, prefix + "-2").getDefaultBranch(), "the catalog names none for search");
        final List<ConsumerRecord<byte[], byte[]>> rejected = TopicRecords.read(bootstrap, Topics.DEAD_LETTER.name(),
                r -> TopicRecords.text(r.value()).contains("\"" + prefix + "-3\""));
        assertEquals(1, rejected.size());
        assertTrue(TopicRecords.header(rejected.get(0), Topics.DLQ_REASON_HEADER).startsWith("coverage:"));
    }

    private static BuildEvent decode(final List<ConsumerRecord<byte[], byte[]>> records, final String id) {
        return (BuildEvent) AvroCodec.get().decode(records.stream().filter(r -> TopicRecords.key(r).equals(id))
                .findFirst().orElseThrow().value());
    }
}
