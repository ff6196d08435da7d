package dev.dora.launcher.importer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dora.launcher.e2e.RunningStack;
import dev.dora.schema.KafkaClientSettings;
import dev.dora.schema.Topics;
import dev.dora.testkit.TestKafkaCluster;
import dev.dora.testkit.TopicRecords;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dora import events FILE} into a real running stack: the valid events land, invalid lines are named by line
 * number in the summary and kept in the dead-letter topic, over HTTP and straight to Kafka, and a second import
 * changes nothing.
 */
@Tag("e2e")
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ImportEventsTest {

    private static final String A = "a".repeat(40);
    private static final String B = "b".repeat(40);

    @TempDir
    Path dir;

    @Test
    void goodEventsLandAndTheSummaryNamesTheBadLines() throws Exception {
        final Path file = dir.resolve("history.ndjson");
        Files.writeString(file, String.join("\n",
                change(A, "2026-10-01T00:00:00Z", ""),
                change(B, "2026-10-01T02:00:00Z", "\"" + A + "\""),
                "",
                deployment("d1", "2026-10-01T03:00:00Z", A),
                // line 5: a deployment without finishedAt
                "{\"type\":\"deployment\",\"id\":\"bad\",\"service\":\"shop\",\"occurredAt\":\"2026-10-01T10:00:00Z\","
                        + "\"environment\":\"production\",\"status\":\"success\",\"author\":\"Alice\"}",
                deployment("d2", "2026-10-01T10:00:00Z", B),
                // line 7: not JSON at all
                "{this is not json",
                "") + "\n", StandardCharsets.UTF_8);
        try (RunningStack stack = RunningStack.start()) {
            final ImportCli.Run run = ImportCli.run("import", "events", file.toString(), "--url", stack.baseUrl());
            assertEquals(0, run.code(), run.toString());
            assertTrue(run.out().contains("4 events accepted, 2 invalid"), run.out());
            assertTrue(run.out().contains("invalid, kept in the dead-letter topic: line 5, line 7"), run.out());
            assertTrue(run.err().contains("line 5: finishedAt: required when status is success"), run.err());
            assertTrue(run.err().contains("line 7: event: not valid JSON"), run.err());

            stack.awaitCaughtUp(Duration.ofMinutes(2));
            final JsonNode first = stack.getJson("/api/v1/metrics?service=shop&from=2026-10-01&to=2026-10-02");
            assertEquals(2, first.at("/deploymentFrequency/deployments").asLong(), first.toString());
            assertEquals(1, first.at("/leadTime/samples").asLong(), "d2 ships b, committed 8 h before");
            assertEquals(28_800, first.at("/leadTime/medianSeconds").asDouble(), 288);

            final ImportCli.Run viaKafka = ImportCli.run("import", "events", file.toString(),
                    "--bootstrap-servers", stack.bootstrapServers(), "--batch-size", "2");
            assertEquals(0, viaKafka.code(), viaKafka.toString());
            assertTrue(viaKafka.out().contains("4 events accepted, 2 invalid"), viaKafka.out());
            assertTrue(viaKafka.out().contains("line 5, line 7"), viaKafka.out());
            stack.awaitCaughtUp(Duration.ofMinutes(2));
            assertEquals(first, stack.getJson("/api/v1/metrics?service=shop&from=2026-10-01&to=2026-10-02"),
                    "importing the same file again changes nothing");
            // sent straight to Kafka, the events are marked as history, which the pipeline commits once a second
            final Map<Boolean, Long> marked = TopicRecords.read(stack.bootstrapServers(), Topics.DEPLOYMENTS.name(),
                    r -> true).stream().collect(Collectors.partitioningBy(
                            r -> Topics.isBulk(r.headers()), Collectors.counting()));
            assertEquals(Map.of(true, 2L, false, 2L), marked, "d1 and d2 over HTTP, then straight to Kafka");

            final List<ConsumerRecord<byte[], byte[]>> deadLetters = deadLetters(stack.bootstrapServers());
            final List<String> reasons = new ArrayList<>();
            for (final ConsumerRecord<byte[], byte[]> record : deadLetters) {
                reasons.add(new String(record.headers().lastHeader(Topics.DLQ_REASON_HEADER).value(),
                        StandardCharsets.UTF_8));
                final String payload = new String(record.value(), StandardCharsets.UTF_8);
                assertFalse(payload.contains("Alice"), "author fields are scrubbed: " + payload);
            }
            assertEquals(2, reasons.stream().filter(r -> r.startsWith("finishedAt")).count(), reasons.toString());
            assertEquals(2, reasons.stream().filter(r -> r.contains("not valid JSON")).count(), reasons.toString());

            // the same events newest first: the summary points at --sort, which sends them oldest first
            final Path reversed = dir.resolve("newest-first.ndjson");
            final List<String> lines = new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8));
            Collections.reverse(lines);
            Files.write(reversed, lines, StandardCharsets.UTF_8);
            final ImportCli.Run fileOrder = ImportCli.run("import", "events", reversed.toString(), "--url",
                    stack.baseUrl());
            assertEquals(0, fileOrder.code(), fileOrder.toString());
            assertTrue(fileOrder.out().contains("1 deployment came after a newer deployment of their service: "
                    + "--sort sends the file oldest first"), fileOrder.out());
            final ImportCli.Run sorted = ImportCli.run("import", "events", reversed.toString(), "--url",
                    stack.baseUrl(), "--sort");
            assertEquals(0, sorted.code(), sorted.toString());
            assertTrue(sorted.out().contains("4 events accepted, 2 invalid"), sorted.out());
            assertFalse(sorted.out().contains("--sort"), sorted.out());
            stack.awaitCaughtUp(Duration.ofMinutes(2));
            assertEquals(first, stack.getJson("/api/v1/metrics?service=shop&from=2026-10-01&to=2026-10-02"),
                    "the same events in another order change nothing");
        }
    }

    /**
     * An import far larger than the backlog it may leave waits for the pipeline, straight to Kafka and over HTTP,
     * and loses nothing by waiting; both ways of reading the backlog find the running pipeline.
     */
    @Test
    void anImportWaitsForThePipelineWhenItsBacklogIsFull() throws Exception {
        final int deployments = 600;
        final Path file = dir.resolve("long.ndjson");
        final StringBuilder lines = new StringBuilder();
        String parent = "";
        for (int i = 0; i < deployments; i++) {
            final String sha = String.format("%040x", i + 1);
            final String at = java.time.Instant.parse("2026-10-01T00:00:00Z").plusSeconds(60L * i).toString();
            lines.append(change(sha, at, parent)).append('\n').append(deployment("p" + i, at, sha)).append('\n');
            parent = "\"" + sha + "\"";
        }
        Files.writeString(file, lines.toString(), StandardCharsets.UTF_8);
        try (RunningStack stack = RunningStack.start();
             PipelineBacklog kafka = new KafkaBacklog(KafkaClientSettings.of(stack.bootstrapServers()))) {
            // found by Kafka alone once its consumer group has members (an import started earlier sends unpaced
            // until then, and looks again before every batch)
            Awaitility.await().atMost(Duration.ofMinutes(2)).until(() -> kafka.pending().isPresent());
            final ImportCli.Run viaKafka = ImportCli.run("import", "events", file.toString(),
                    "--bootstrap-servers", stack.bootstrapServers(), "--batch-size", "50", "--max-lag", "100ms");
            assertEquals(0, viaKafka.code(), viaKafka.toString());
            assertTrue(viaKafka.out().contains("waiting for the pipeline (--max-lag)"), viaKafka.out());
            final ImportCli.Run overHttp = ImportCli.run("import", "events", file.toString(),
                    "--url", stack.baseUrl(), "--batch-size", "50", "--max-lag", "100ms");
            assertEquals(0, overHttp.code(), overHttp.toString());
            stack.awaitCaughtUp(Duration.ofMinutes(2));
            final JsonNode answer = stack.getJson("/api/v1/metrics?service=shop&from=2026-10-01&to=2026-10-02");
            assertEquals(deployments, answer.at("/deploymentFrequency/deployments").asLong(), answer.toString());
            try (PipelineBacklog http = new HttpBacklog(stack.baseUrl())) {
                assertEquals(java.util.OptionalLong.of(0), kafka.pending(), "the running pipeline, found by Kafka");
                assertEquals(java.util.OptionalLong.of(0), http.pending(), "the pipeline, as its health says");
            }
        }
    }

    @Test
    void kafkaWithoutDorasTopicsIsAClearOneLineError() throws Exception {
        final Path file = dir.resolve("one.ndjson");
        Files.writeString(file, change(A, "2026-10-01T00:00:00Z", "") + "\n", StandardCharsets.UTF_8);
        try (TestKafkaCluster kafka = TestKafkaCluster.start()) {
            final ImportCli.Run run = ImportCli.run("import", "events", file.toString(),
                    "--bootstrap-servers", kafka.bootstrapServers());
            assertEquals(1, run.code(), run.toString());
            assertTrue(run.err().contains("has no topic dora.events.changes"), run.err());
            assertTrue(run.err().contains("dora serve --bootstrap-servers"), run.err());
        }
    }

    private static List<ConsumerRecord<byte[], byte[]>> deadLetters(final String bootstrap) {
        return TopicRecords.read(bootstrap, Topics.DEAD_LETTER.name(), r -> true);
    }

    private static String change(final String sha, final String at, final String parents) {
        return "{\"type\":\"change\",\"id\":\"" + sha + "\",\"service\":\"shop\",\"team\":\"retail\",\"occurredAt\":\""
                + at + "\",\"sha\":\"" + sha + "\",\"parents\":[" + parents + "],\"committedAt\":\"" + at + "\"}";
    }

    private static String deployment(final String id, final String at, final String sha) {
        return "{\"type\":\"deployment\",\"id\":\"" + id + "\",\"service\":\"shop\",\"occurredAt\":\"" + at
                + "\",\"environment\":\"production\",\"status\":\"success\",\"finishedAt\":\"" + at
                + "\",\"sha\":\"" + sha + "\"}";
    }
}
