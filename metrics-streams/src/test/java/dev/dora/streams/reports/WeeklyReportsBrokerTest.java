package dev.dora.streams.reports;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dora.reports.WeeklyReport;
import dev.dora.schema.AvroSerdes;
import dev.dora.schema.Topics;
import dev.dora.streams.MetricsPipeline;
import dev.dora.streams.config.MetricsConfig;
import dev.dora.streams.integration.MetricsPipelineBrokerTest;
import dev.dora.streams.query.ReportsQuery;
import dev.dora.streams.topology.ConvergenceTest;
import dev.dora.testkit.TestKafkaCluster;
import dev.dora.testkit.TopicRecords;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The publisher on a real broker: every closed week of every scope on {@code dora.reports.weekly} as the topology
 * computes it, a late backfill published as the next revisions of the weeks it changed, no revision twice (read
 * committed), nothing published again by a publisher that restarts, and every instance's store of the latest ones.
 */
@Tag("broker")
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class WeeklyReportsBrokerTest {

    private static final Instant NOW = Instant.parse("2027-03-01T00:00:00Z");
    private static final ReportSettings SETTINGS = ReportSettings.withGrace(ReportSettings.DEFAULT_GRACE)
            .withIntervals(Duration.ofMillis(200), Duration.ofSeconds(1));
    private static TestKafkaCluster kafka;

    @BeforeAll
    static void startKafka() throws Exception {
        kafka = TestKafkaCluster.start();
    }

    @AfterAll
    static void stopKafka() throws Exception {
        kafka.close();
    }

    @Test
    void publishesEveryWeekOnceRevisesLateWeeksAndNeverTwice() throws Exception {
        final List<SpecificRecord> events = ConvergenceTest.history(4);
        final int third = events.size() / 3;
        final List<SpecificRecord> recent = events.subList(third, events.size());
        final Path state = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "dora-reports");
        final MetricsConfig config = MetricsConfig.defaults(kafka.bootstrapServers(), state)
                .withReplicationFactor((short) 1).withApplicationId("reports-test");
        final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        try (MetricsPipeline pipeline = MetricsPipeline.start(config)) {
            try (ReportPublisher publisher = ReportPublisher.start(pipeline, SETTINGS, clock)) {
                MetricsPipelineBrokerTest.produce(kafka.bootstrapServers(), recent);
                final Map<String, WeeklyReport> expectedRecent = computed(recent);
                awaitPublished(publisher, expectedRecent);

                MetricsPipelineBrokerTest.produce(kafka.bootstrapServers(), new ArrayList<>(events.subList(0, third)));
                final Map<String, WeeklyReport> expectedAll = computed(events);
                awaitPublished(publisher, expectedAll);
                assertTrue(publisher.published() > expectedRecent.size(), "the backfill revised some weeks");
            }
            final Map<String, List<Integer>> revisions = revisions();
            revisions.forEach((key, list) -> {
                for (int i = 0; i < list.size(); i++) {
                    assertEquals(i + 1, list.get(i), "revisions of " + key + " from 1, each once: " + list);
                }
            });
            assertTrue(revisions.values().stream().anyMatch(list -> list.size() == 2), "some weeks were revised");
            assertTrue(revisions.values().stream().anyMatch(list -> list.size() == 1), "others were not");
            final int records = records().size();

            try (ReportPublisher restarted = ReportPublisher.start(pipeline, SETTINGS, clock)) {
                await().atMost(Duration.ofSeconds(60)).until(() -> restarted.passes() >= 1);
                assertEquals(0, restarted.published(), "a restarted publisher has nothing new to say");
            }
            assertEquals(records, records().size(), "nothing published again");

            final Map<String, WeeklyReport> latest = latest();
            final ReportsQuery stored = pipeline.weeklyReports();
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                latest.forEach((key, report) -> assertEquals(report, stored.report(report.getScope().getKind(),
                        report.getScope().getName(), report.getWeek()).orElse(null), "the store's latest of " + key));
                final long inStore = latest.values().stream().map(WeeklyReport::getWeek).distinct()
                        .mapToLong(week -> stored.week(week).size()).sum();
                assertEquals(latest.size(), inStore, "the store holds no withdrawn report");
            });
            final String lastWeek = latest.values().stream().map(WeeklyReport::getWeek).max(String::compareTo)
                    .orElseThrow();
            assertEquals(lastWeek, stored.latestWeek().orElseThrow());
            assertEquals(latest.values().stream().filter(r -> r.getWeek().equals(lastWeek)).count(),
                    stored.week(lastWeek).size(), "every report of the last week");
        }
    }

    private static void awaitPublished(final ReportPublisher publisher, final Map<String, WeeklyReport> expected) {
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            final Map<String, WeeklyReport> published = numbers(latest());
            final String progress = publisher.passes() + " passes, " + publisher.published() + " published";
            assertEquals(expected.keySet(), published.keySet(), "the reports' keys after " + progress);
            expected.forEach((key, report) -> assertEquals(report, published.get(key), key + " after " + progress));
        });
    }

    /** The reports as the topology computes them from these events, by topic key. */
    private static Map<String, WeeklyReport> computed(final List<SpecificRecord> events) {
        return ComputedReports.of(events, SETTINGS, NOW);
    }

    private static List<ConsumerRecord<byte[], byte[]>> records() {
        return TopicRecords.read(kafka.bootstrapServers(), Topics.WEEKLY_REPORTS.name(), r -> true);
    }

    private static WeeklyReport decode(final ConsumerRecord<byte[], byte[]> record) {
        final Deserializer<WeeklyReport> deserializer = AvroSerdes.of(WeeklyReport.class).deserializer();
        return deserializer.deserialize(record.topic(), record.value());
    }

    /** The latest revision of every key on the topic (committed records only). */
    private static Map<String, WeeklyReport> latest() {
        final Map<String, WeeklyReport> latest = new TreeMap<>();
        for (final ConsumerRecord<byte[], byte[]> record : records()) {
            if (record.value() == null) {
                latest.remove(TopicRecords.key(record));
            } else {
                latest.put(TopicRecords.key(record), decode(record));
            }
        }
        return latest;
    }

    /** Every key's revisions in topic order. */
    private static Map<String, List<Integer>> revisions() {
        final Map<String, List<Integer>> revisions = new HashMap<>();
        for (final ConsumerRecord<byte[], byte[]> record : records().stream().filter(r -> r.value() != null)
                .toList()) {
            revisions.computeIfAbsent(TopicRecords.key(record), k -> new ArrayList<>())
                    .add(decode(record).getRevision());
        }
        return revisions;
    }

    /** The numbers only: revision and generation time as the topology leaves them. */
    private static Map<String, WeeklyReport> numbers(final Map<String, WeeklyReport> reports) {
        final Map<String, WeeklyReport> numbers = new TreeMap<>();
        reports.forEach((key, report) -> {
            final WeeklyReport copy = WeeklyReport.newBuilder(report).setRevision(0).setGeneratedAt(Instant.EPOCH)
                    .build();
            copy.getIncidents().setBySeverity(new TreeMap<>(copy.getIncidents().getBySeverity()));
            numbers.put(key, copy);
        });
        return numbers;
    }
}
