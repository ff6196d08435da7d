package dev.dora.streams.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.dora.state.DayBucket;
import dev.dora.state.ServiceInfo;
import dev.dora.streams.config.MetricsConfig;
import dev.dora.streams.query.MetricsQuery;
import dev.dora.streams.query.WindowMetrics;
import dev.dora.streams.store.BucketKey;
import dev.dora.streams.store.Scope;
import dev.dora.streams.store.Span;
import dev.dora.streams.store.ServiceKey;
import dev.dora.streams.store.StoreNames;
import dev.dora.streams.topology.PipelineDriver;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.HdrHistogram.Histogram;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * How long an organisation-wide query takes: {@code dora.bench.services} services (default 1,000), each with a
 * production day bucket for every day of a year (two deployments, a few lead-time samples, an incident every
 * tenth day), in the pipeline's own RocksDB store. Times the range query over 365 and 90 days and the weekly series
 * over the year, for everything and for one team of a tenth of the services. Not part of the normal build; run with
 * {@code mvn -o test -pl metrics-streams -am -Dtest=QueryScaleBenchTest -Dsurefire.failIfNoSpecifiedTests=false
 * -Ddora.bench=true}.
 */
@Tag("bench")
@EnabledIfSystemProperty(named = "dora.bench", matches = "true")
class QueryScaleBenchTest {

    private static final LocalDate FIRST = LocalDate.parse("2025-11-01");
    private static final int DAYS = 365;

    @Test
    void anOrganisationWideYearIsAnsweredFromTheDayBuckets() {
        final int services = Integer.getInteger("dora.bench.services", 1_000);
        try (PipelineDriver driver = new PipelineDriver()) {
            final KeyValueStore<Bytes, DayBucket> buckets = driver.store(StoreNames.DAY_BUCKETS);
            final KeyValueStore<Bytes, ServiceInfo> infos = driver.store(StoreNames.SERVICES);
            final SplittableRandom rng = new SplittableRandom(7);
            final long filling = System.nanoTime();
            // the rows the ledgers keep: each service's, and the sums of its team and of the organisation
            final Map<Bytes, DayBucket> sums = new HashMap<>();
            for (int s = 0; s < services; s++) {
                final String service = String.format("service-%04d", s);
                infos.put(ServiceKey.of(service), ServiceInfo.newBuilder().setService(service)
                        .setTeam("team-" + s % 10).setEnvironments(List.of("production")).build());
                for (int d = 0; d < DAYS; d++) {
                    final DayBucket bucket = bucket(rng, d % 10 == 0);
                    final long day = FIRST.toEpochDay() + d;
                    buckets.put(BucketKey.of(Scope.service(service), MetricsConfig.PRODUCTION, day), bucket);
                    for (final Scope sum : List.of(Scope.team("team-" + s % 10), Scope.ORGANISATION)) {
                        sums.merge(BucketKey.of(sum, MetricsConfig.PRODUCTION, day), bucket, RollUpSum::plus);
                        // and the month row that sums the day
                        sums.merge(BucketKey.of(sum, Span.MONTH, MetricsConfig.PRODUCTION, Span.MONTH.start(day)),
                                bucket, RollUpSum::plus);
                    }
                }
            }
            sums.forEach(buckets::put);
            System.out.printf("BENCH filled %,d day buckets in %.1f s%n", (long) services * DAYS,
                    (System.nanoTime() - filling) / 1e9);

            final MetricsQuery query = driver.query();
            final Scope everything = Scope.ORGANISATION;
            final Scope team = Scope.team("team-3");
            assertEquals(services, query.servicesIn(null, null).size());
            final long end = FIRST.toEpochDay() + DAYS;
            for (int round = 0; round < 3; round++) {
                // the first round warms the JIT and the block cache; the last is reported
                final boolean report = round == 2;
                time(report, "range, every service, 365 days", () -> query.metrics(everything, MetricsConfig.PRODUCTION,
                        end - DAYS, end).deploymentFrequency().deployments());
                time(report, "range, every service, 90 days", () -> query.metrics(everything, MetricsConfig.PRODUCTION,
                        end - 90, end).deploymentFrequency().deployments());
                time(report, "range, one team (" + services / 10 + " services), 365 days", () -> query.metrics(team,
                        MetricsConfig.PRODUCTION, end - DAYS, end).deploymentFrequency().deployments());
                time(report, "weekly series, every service, 365 days", () -> query.series(everything,
                        MetricsConfig.PRODUCTION, Granularity.WEEK.periods(LocalDate.ofEpochDay(end - DAYS),
                                LocalDate.ofEpochDay(end))).stream().mapToLong(m -> m.deploymentFrequency().deployments()).sum());
                time(report, "daily series, one team, 90 days", () -> query.series(team,
                        MetricsConfig.PRODUCTION, Granularity.DAY.periods(LocalDate.ofEpochDay(end - 90),
                                LocalDate.ofEpochDay(end))).stream().mapToLong(m -> m.deploymentFrequency().deployments()).sum());
            }
            assertEquals(2L * services * DAYS, query.metrics(everything, MetricsConfig.PRODUCTION, end - DAYS, end)
                    .deploymentFrequency().deployments(), "every bucket is counted");
        }
    }

    /** Two rows of one scope added up, as the ledger keeps them. */
    private static final class RollUpSum {
        static DayBucket plus(final DayBucket a, final DayBucket b) {
            return BucketDelta.of(b, 1).applyTo(DayBucket.newBuilder(a).build());
        }
    }

    private interface Work {
        long run();
    }

    private static void time(final boolean report, final String what, final Work work) {
        final long start = System.nanoTime();
        final long deployments = work.run();
        if (report) {
            System.out.printf("BENCH %-48s %8.1f ms (%,d deployments)%n", what, (System.nanoTime() - start) / 1e6,
                    deployments);
        }
    }

    private static DayBucket bucket(final SplittableRandom rng, final boolean incident) {
        final Histogram leadTimes = Histograms.empty();
        for (int i = 0; i < 4; i++) {
            leadTimes.recordValue(600 + rng.nextInt(200_000));
        }
        // as the pipeline stores them
        final java.nio.ByteBuffer leadTimeCounts = Histograms.combine(null, Histograms.encode(leadTimes), 1);
        final DayBucket.Builder b = DayBucket.newBuilder()
                .setDeployments(2).setLeadTimeSamples(4).setLeadTimeHistogram(leadTimeCounts)
                .setDeploymentsByStrategy(Map.of("rolling", 2L))
                .setLeadTimeSamplesByStrategy(Map.of("rolling", 4L))
                .setLeadTimeHistogramByStrategy(Map.of("rolling", leadTimeCounts));
        if (incident) {
            final Histogram restore = Histograms.empty();
            restore.recordValue(300 + rng.nextInt(20_000));
            final java.nio.ByteBuffer restoreCounts = Histograms.combine(null, Histograms.encode(restore), 1);
            b.setFailedDeployments(1).setIncidentsOpened(1).setIncidentsResolved(1)
                    .setRestoreHistogram(restoreCounts).setIncidentsBySeverity(Map.of("SEV2", 1L))
                    .setResolvedBySeverity(Map.of("SEV2", 1L))
                    .setRestoreHistogramBySeverity(Map.of("SEV2", restoreCounts));
        }
        return b.build();
    }
}
