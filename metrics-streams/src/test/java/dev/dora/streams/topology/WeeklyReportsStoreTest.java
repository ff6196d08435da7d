package dev.dora.streams.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dora.reports.ScopeKind;
import dev.dora.reports.WeeklyReport;
import dev.dora.schema.AvroCodec;
import dev.dora.schema.Topics;
import dev.dora.streams.MetricsPipeline;
import dev.dora.streams.config.MetricsConfig;
import dev.dora.streams.query.ReportsQuery;
import dev.dora.streams.reports.ComputedReports;
import dev.dora.streams.store.ReportKeys;
import dev.dora.streams.store.StoreNames;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The weekly reports' global store: each key's latest revision kept as the topic holds it, a tombstone deleting it,
 * what is not a report skipped, and {@link ReportsQuery} decoding what a request reads.
 */
@Tag("topology")
class WeeklyReportsStoreTest {

    @Test
    void keepsEachReportsLatestRevisionEncodedAndSkipsWhatIsNoReport() throws Exception {
        final Map<String, WeeklyReport> reports = ComputedReports.of(ConvergenceTest.history(1),
                ComputedReports.DEFAULT_SETTINGS, Instant.parse("2027-03-01T00:00:00Z"));
        final Map.Entry<String, WeeklyReport> first = reports.entrySet().iterator().next();
        final WeeklyReport revised = WeeklyReport.newBuilder(first.getValue()).setRevision(2).build();
        final Map.Entry<String, WeeklyReport> withdrawn = reports.entrySet().stream().skip(1).findFirst().orElseThrow();
        final MetricsConfig config = MetricsConfig.defaults("unused:9092",
                Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "dora-reports-topology"));
        try (TopologyTestDriver driver = new TopologyTestDriver(DoraTopology.build(config),
                MetricsPipeline.streamsProperties(config))) {
            final TestInputTopic<String, byte[]> topic = driver.createInputTopic(Topics.WEEKLY_REPORTS.name(),
                    new StringSerializer(), new ByteArraySerializer());
            reports.forEach((key, report) -> topic.pipeInput(key, AvroCodec.get().encode(report)));
            topic.pipeInput(first.getKey(), AvroCodec.get().encode(revised));
            topic.pipeInput(withdrawn.getKey(), null);
            topic.pipeInput("not a report key", AvroCodec.get().encode(first.getValue()));
            topic.pipeInput("service:checkout:2026-W30", "not a report".getBytes());
            topic.pipeInput("service:checkout:2026-W31", AvroCodec.get().encode(
                    PipelineDriver.commit("checkout", "c1", Instant.parse("2026-07-28T10:00:00Z"))));

            final KeyValueStore<String, byte[]> store = driver.getKeyValueStore(StoreNames.WEEKLY_REPORTS);
            final List<String> keys = new ArrayList<>();
            try (KeyValueIterator<String, byte[]> all = store.all()) {
                all.forEachRemaining(kv -> keys.add(kv.key));
            }
            assertEquals(reports.size() - 1, keys.size(), "every report but the withdrawn one: " + keys);
            final byte[] kept = store.get(ReportKeys.ofTopicKey(first.getKey()));
            assertEquals(revised, AvroCodec.get().decode(kept), "the latest revision, kept as encoded");
            assertNull(store.get(ReportKeys.ofTopicKey(withdrawn.getKey())), "a tombstone deletes");
            assertNull(store.get(ReportKeys.ofTopicKey("service:checkout:2026-W30")), "no report, not kept");
            assertNull(store.get(ReportKeys.ofTopicKey("service:checkout:2026-W31")), "another record, not kept");

            final ReportsQuery query = new ReportsQuery(store);
            final WeeklyReport report = first.getValue();
            assertEquals(Optional.of(revised), query.report(report.getScope().getKind(), report.getScope().getName(),
                    report.getWeek()));
            final String lastWeek = reports.values().stream().map(WeeklyReport::getWeek).max(String::compareTo)
                    .orElseThrow();
            assertEquals(Optional.of(lastWeek), query.latestWeek());
            final List<WeeklyReport> week = query.week(lastWeek);
            assertEquals(reports.values().stream().filter(r -> r.getWeek().equals(lastWeek)).count(), week.size());
            assertEquals(ScopeKind.organisation, week.get(0).getScope().getKind(), "the organisation's first");

            store.put(ReportKeys.of(ScopeKind.team, "damaged", lastWeek), new byte[] {(byte) 0xC3, 1, 0, 0});
            assertEquals(week, query.week(lastWeek), "a damaged value is left out, not failed on");
            assertTrue(query.report(ScopeKind.team, "damaged", lastWeek).isEmpty());
        }
    }
}
