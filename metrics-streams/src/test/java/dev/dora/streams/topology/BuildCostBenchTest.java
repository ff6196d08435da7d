package dev.dora.streams.topology;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dora.events.BuildEvent;
import dev.dora.schema.AvroCodec;
import dev.dora.streams.config.MetricsConfig;
import dev.dora.streams.metrics.Granularity;
import dev.dora.streams.query.MetricsQuery;
import dev.dora.streams.simulation.BuildHistory;
import dev.dora.streams.simulation.HistoryGenerator;
import dev.dora.streams.simulation.Organisation;
import dev.dora.streams.store.BuildKeys;
import dev.dora.streams.store.Entity;
import dev.dora.streams.store.Scope;
import dev.dora.streams.store.StoreNames;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The cost of a build event in the topology alone (issue 14's closing figure): a year of generated builds of
 * {@code dora.bench.services} services (default 30), piped oldest first through a TopologyTestDriver; prints the CPU
 * of the test thread per build event and the bytes the builds leave in the state stores (keys and values as the
 * stores hold them, so also what their changelogs retain after compaction), per build. Not part of the normal build;
 * run with {@code mvn -o test -pl metrics-streams -am -Dtest=BuildCostBenchTest
 * -Dsurefire.failIfNoSpecifiedTests=false -Ddora.bench=true}.
 */
@Tag("bench")
@EnabledIfSystemProperty(named = "dora.bench", matches = "true")
class BuildCostBenchTest {

    @Test
    void aYearOfBuildsThroughTheWholeTopology() {
        final int services = Integer.getInteger("dora.bench.services", 30);
        final Instant end = Instant.parse("2026-11-01T00:00:00Z");
        final List<BuildEvent> builds = BuildHistory.generate(
                Organisation.sizedFor(50_000, services, 365, end, 42), 42, end, 365);
        final long distinct = builds.stream().map(BuildEvent::getId).distinct().count();
        final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        try (PipelineDriver driver = new PipelineDriver()) {
            // warm the JIT on another year first, so the figure is the steady cost
            driver.pipe(BuildHistory.generate(HistoryGenerator.demoServices(), 1, end.minusSeconds(86_400L * 400),
                    60));
            final long cpu = threads.getCurrentThreadCpuTime();
            driver.pipe(builds);
            final double cpuSeconds = (threads.getCurrentThreadCpuTime() - cpu) / 1e9;
            System.out.printf("build bench: %,d build events (%,d builds) in %.1f s CPU: %.1f µs CPU per event%n",
                    builds.size(), distinct, cpuSeconds, cpuSeconds * 1e6 / builds.size());
            final long entities = bytes(driver.store(StoreNames.LEDGER_ENTITIES), Entity.BUILD.tag());
            final long indexes = bytes(driver.store(StoreNames.LEDGER_INDEXES), BuildKeys.Timeline.TAG)
                    + bytes(driver.store(StoreNames.LEDGER_INDEXES), BuildKeys.Finished.TAG);
            final long winners = bytes(driver.store(StoreNames.BUILD_ENTITIES), (byte) 0);
            final long rows = bytes(driver.store(StoreNames.BUILD_BUCKETS), (byte) 0);
            final long total = entities + indexes + winners + rows;
            System.out.printf("build bench: state per build: %.0f B (ledger entity %.0f, indexes %.0f, winner %.0f, "
                            + "bucket rows %.0f)%n", (double) total / distinct, (double) entities / distinct,
                    (double) indexes / distinct, (double) winners / distinct, (double) rows / distinct);
            final LocalDate to = LocalDate.ofInstant(end, ZoneOffset.UTC);
            final MetricsQuery query = driver.query();
            final List<Granularity.Period> weeks = Granularity.WEEK.periods(to.minusDays(365), to);
            for (int round = 0; round < 2; round++) {
                long at = threads.getCurrentThreadCpuTime();
                for (int i = 0; i < 100; i++) {
                    assertTrue(query.metrics(Scope.ORGANISATION, MetricsConfig.PRODUCTION, to.minusDays(90).toEpochDay(),
                            to.toEpochDay()).pipelineHealth().runs() > 0, "builds in the window");
                }
                final double ninety = (threads.getCurrentThreadCpuTime() - at) / 1e6 / 100;
                at = threads.getCurrentThreadCpuTime();
                for (int i = 0; i < 100; i++) {
                    query.series(Scope.ORGANISATION, MetricsConfig.PRODUCTION, weeks);
                }
                final double weekly = (threads.getCurrentThreadCpuTime() - at) / 1e6 / 100;
                System.out.printf("build bench: organisation 90 days %.2f ms CPU, weekly series over a year %.2f ms"
                        + " CPU%n", ninety, weekly);
            }
        }
    }

    /** The bytes of every entry (keys and encoded values) whose key starts with {@code tag}; 0 for every entry. */
    private static <K, V> long bytes(final KeyValueStore<K, V> store, final byte tag) {
        long sum = 0;
        try (KeyValueIterator<K, V> it = store.all()) {
            while (it.hasNext()) {
                final KeyValue<K, V> entry = it.next();
                final byte[] key = entry.key instanceof Bytes b ? b.get()
                        : entry.key.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
                if (tag != 0 && key[0] != tag) {
                    continue;
                }
                sum += key.length + (entry.value instanceof byte[] raw ? raw.length
                        : AvroCodec.get().encode((SpecificRecord) entry.value).length);
            }
        }
        return sum;
    }
}
