package dev.dora.streams.topology;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dora.streams.config.MetricsConfig;
import dev.dora.streams.metrics.Granularity;
import dev.dora.streams.query.MetricsQuery;
import dev.dora.streams.simulation.HistoryGenerator;
import dev.dora.streams.simulation.Organisation;
import dev.dora.streams.store.Scope;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The processing cost of the topology alone, without a broker, exactly-once commits or other load: a generated
 * history of {@code dora.bench.events} events (default 100,000) of {@code dora.bench.services} services (default 30)
 * over a year, piped oldest first through a TopologyTestDriver (the real stores, RocksDB and record caches). Prints
 * events per CPU-second of the test thread, which a shared machine disturbs far less than wall time; for profiling
 * the ledger ({@code -DargLine="-XX:StartFlightRecording=filename=ledger.jfr"}). Not part of the normal build; run
 * with {@code mvn -o test -pl metrics-streams -am -Dtest=LedgerThroughputBenchTest
 * -Dsurefire.failIfNoSpecifiedTests=false -Ddora.bench=true}. {@code dora bench} measures the whole pipeline.
 */
@Tag("bench")
@EnabledIfSystemProperty(named = "dora.bench", matches = "true")
class LedgerThroughputBenchTest {

    @Test
    void aYearOfHistoryThroughTheWholeTopology() {
        final long events = Long.getLong("dora.bench.events", 100_000);
        final int services = Integer.getInteger("dora.bench.services", 30);
        final Instant end = Instant.parse("2026-11-01T00:00:00Z");
        final List<SpecificRecord> history = HistoryGenerator.builder().seed(42).end(end).days(365)
                .services(Organisation.sizedFor(events, services, 365, end, 42)).build().generate();
        final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        try (PipelineDriver driver = new PipelineDriver()) {
            final long cpu = threads.getCurrentThreadCpuTime();
            final long wall = System.nanoTime();
            driver.pipe(history);
            final double cpuSeconds = (threads.getCurrentThreadCpuTime() - cpu) / 1e9;
            final double wallSeconds = (System.nanoTime() - wall) / 1e9;
            System.out.printf("ledger bench: %,d events in %.1f s CPU (%,.0f events per CPU-second), %.1f s wall%n",
                    history.size(), cpuSeconds, history.size() / cpuSeconds, wallSeconds);
            assertTrue(driver.deploymentFacts().size() > 0, "the history produced facts");
            queries(driver, end, threads);
        }
    }

    /**
     * CPU per query of the organisation's 90 days, the deploy days per week its tier reads, and the weekly series
     * over the year, on the stores just filled.
     */
    private static void queries(final PipelineDriver driver, final Instant end, final ThreadMXBean threads) {
        final LocalDate to = LocalDate.ofInstant(end, ZoneOffset.UTC);
        final MetricsQuery query = driver.query();
        final List<Granularity.Period> weeks = Granularity.WEEK.periods(to.minusDays(365), to);
        final int rounds = Integer.getInteger("dora.bench.queries", 200);
        for (int warm = 0; warm < 2; warm++) {
            long cpu = threads.getCurrentThreadCpuTime();
            for (int i = 0; i < rounds; i++) {
                assertTrue(query.metrics(Scope.ORGANISATION, MetricsConfig.PRODUCTION, to.minusDays(90).toEpochDay(),
                        to.toEpochDay()).deploymentFrequency().deployments() > 0, "deployments in the window");
            }
            final double ninety = (threads.getCurrentThreadCpuTime() - cpu) / 1e6 / rounds;
            cpu = threads.getCurrentThreadCpuTime();
            for (int i = 0; i < rounds; i++) {
                assertTrue(query.series(Scope.ORGANISATION, MetricsConfig.PRODUCTION, weeks).size() > 50, "weeks");
            }
            final double weekly = (threads.getCurrentThreadCpuTime() - cpu) / 1e6 / rounds;
            cpu = threads.getCurrentThreadCpuTime();
            for (int i = 0; i < rounds; i++) {
                assertTrue(query.deployDaysPerWeekMedian(Scope.ORGANISATION, MetricsConfig.PRODUCTION,
                        to.minusDays(90).toEpochDay(), to.toEpochDay()) > 0, "deploy days");
            }
            final double deployDays = (threads.getCurrentThreadCpuTime() - cpu) / 1e6 / rounds;
            System.out.printf("query bench: organisation 90 days %.2f ms CPU, its deploy days per week %.2f ms CPU, "
                    + "weekly series over a year %.2f ms CPU%n", ninety, deployDays, weekly);
        }
    }
}
