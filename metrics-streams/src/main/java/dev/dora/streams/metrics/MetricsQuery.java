package dev.dora.streams.metrics;

import dev.dora.state.DayBucket;
import dev.dora.state.ServiceInfo;
import dev.dora.streams.ledger.ServiceLedger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.HdrHistogram.Histogram;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Answers metric queries for a scope and a window of whole UTC days by merging the day buckets of the scope's
 * services. This is the one place where the four metrics are assembled from their parts.
 */
public final class MetricsQuery {

    private final ReadOnlyKeyValueStore<Bytes, DayBucket> buckets;
    private final ReadOnlyKeyValueStore<Bytes, ServiceInfo> services;

    public MetricsQuery(final ReadOnlyKeyValueStore<Bytes, DayBucket> buckets,
                        final ReadOnlyKeyValueStore<Bytes, ServiceInfo> services) {
        this.buckets = buckets;
        this.services = services;
    }

    /** Every known service, by name. */
    public List<ServiceInfo> services() {
        final List<ServiceInfo> all = new ArrayList<>();
        try (KeyValueIterator<Bytes, ServiceInfo> it = services.all()) {
            it.forEachRemaining(kv -> all.add(kv.value));
        }
        all.sort(Comparator.comparing(ServiceInfo::getService));
        return all;
    }

    public Optional<ServiceInfo> service(final String name) {
        return Optional.ofNullable(services.get(ServiceLedger.serviceKey(name)));
    }

    /** The services a scope covers: one service, every service whose current team is {@code team}, or all. */
    public List<String> servicesIn(final String service, final String team) {
        if (service != null) {
            return service(service).map(s -> List.of(s.getService())).orElse(List.of());
        }
        return services().stream()
                .filter(s -> team == null || Objects.equals(team, s.getTeam()))
                .map(ServiceInfo::getService)
                .toList();
    }

    /** Every environment group the named services' deployments and incidents have named. */
    public java.util.SortedSet<String> environmentsOf(final List<String> names) {
        final java.util.SortedSet<String> environments = new java.util.TreeSet<>();
        for (final String name : names) {
            service(name).ifPresent(info -> environments.addAll(info.getEnvironments()));
        }
        return environments;
    }

    /** The metrics of {@code servicesInScope} in environment {@code group} over the days [fromDay, toDay) (epoch days, UTC). */
    public WindowMetrics metrics(final List<String> servicesInScope, final String group, final long fromDay,
                                 final long toDay) {
        return series(servicesInScope, group, List.of(new Granularity.Period(
                java.time.LocalDate.ofEpochDay(fromDay), java.time.LocalDate.ofEpochDay(toDay)))).get(0);
    }

    /**
     * The metrics of each of {@code periods} (consecutive, in order), read in one pass over each service's buckets
     * from the first period's start: a series costs about what its whole range costs. The incidents open at each
     * period's end come from the service's lifetime counts minus what opened and resolved from then on, so no
     * query reads the days before its window.
     */
    public List<WindowMetrics> series(final List<String> servicesInScope, final String group,
                                      final List<Granularity.Period> periods) {
        final int n = periods.size();
        final long[] starts = new long[n + 1];
        for (int i = 0; i < n; i++) {
            starts[i] = periods.get(i).start().toEpochDay();
            if (i > 0 && starts[i] != periods.get(i - 1).end().toEpochDay()) {
                throw new IllegalArgumentException("periods must follow each other: " + periods);
            }
        }
        starts[n] = periods.get(n - 1).end().toEpochDay();
        final Totals[] totals = new Totals[n];
        for (int i = 0; i < n; i++) {
            totals[i] = new Totals();
        }
        // per period, incidents opened minus resolved in it; then those from the last period's end on
        final long[] netIn = new long[n];
        long netAfter = 0;
        long lifetimeNet = 0;
        for (final String service : servicesInScope) {
            final DayBucket lifetime = buckets.get(DayBuckets.lifetimeKey(service, group));
            if (lifetime != null) {
                lifetimeNet += lifetime.getIncidentsOpened() - lifetime.getIncidentsResolved();
            }
            try (KeyValueIterator<Bytes, DayBucket> it = buckets.range(DayBuckets.key(service, group, starts[0]),
                    DayBuckets.key(service, group, DayBuckets.LAST_DAY))) {
                int period = 0;
                while (it.hasNext()) {
                    final KeyValue<Bytes, DayBucket> entry = it.next();
                    final long day = DayBuckets.day(entry.key);
                    while (period < n && day >= starts[period + 1]) {
                        period++;
                    }
                    final long net = entry.value.getIncidentsOpened() - entry.value.getIncidentsResolved();
                    if (period == n) {
                        netAfter += net;
                    } else {
                        netIn[period] += net;
                        totals[period].add(entry.value);
                    }
                }
            }
        }
        final WindowMetrics[] out = new WindowMetrics[n];
        long netFromEnd = netAfter;
        for (int i = n - 1; i >= 0; i--) {
            out[i] = totals[i].metrics(starts[i + 1] - starts[i], lifetimeNet - netFromEnd);
            netFromEnd += netIn[i];
        }
        return List.of(out);
    }

    /** The sums of one period's buckets, while they are merged. */
    private static final class Totals {
        private final Histogram leadTimes = Histograms.empty();
        private final Histogram restores = Histograms.empty();
        private final Histogram recoveries = Histograms.empty();
        private long deployments;
        private long failed;
        private long rework;
        private long resolved;
        private long opened;
        private long detectSamples;
        private long detectSum;
        private final java.util.Map<String, Long> bySeverity = new java.util.TreeMap<>();
        private long baselines;
        private long unknownSha;
        private long undeployed;
        private long unattributed;
        private long gapSamples;
        private long gapSum;
        private final java.util.Map<String, SeverityTotals> severities = new java.util.TreeMap<>();
        private final java.util.Map<String, StrategyTotals> strategies = new java.util.TreeMap<>();

        void add(final DayBucket bucket) {
            deployments += bucket.getDeployments();
            failed += bucket.getFailedDeployments();
            rework += bucket.getReworkDeployments();
            opened += bucket.getIncidentsOpened();
            detectSamples += bucket.getDetectSamples();
            detectSum += bucket.getDetectSecondsSum();
            baselines += bucket.getBaselineDeployments();
            unknownSha += bucket.getUnknownShaDeployments();
            undeployed += bucket.getUndeployedChanges();
            unattributed += bucket.getUnattributedIncidents();
            gapSamples += bucket.getFailureGapSamples();
            gapSum += bucket.getFailureGapSecondsSum();
            bucket.getIncidentsBySeverity().forEach((severity, count) -> bySeverity.merge(severity, count, Long::sum));
            resolved += bucket.getIncidentsResolved();
            Histograms.addTo(leadTimes, bucket.getLeadTimeHistogram());
            Histograms.addTo(restores, bucket.getRestoreHistogram());
            Histograms.addTo(recoveries, bucket.getRecoveryHistogram());
            SeverityTotals.add(severities, bucket);
            StrategyTotals.add(strategies, bucket);
        }

        WindowMetrics metrics(final long days, final long openAtEnd) {
            return new WindowMetrics(
                    deployments, (double) deployments / days,
                    leadTimes.getTotalCount(), Histograms.quantile(leadTimes, 0.5), Histograms.quantile(leadTimes, 0.9),
                    failed, deployments == 0 ? null : (double) failed / deployments,
                    resolved, Histograms.quantile(restores, 0.5), Histograms.quantile(restores, 0.9),
                    openAtEnd,
                    recoveries.getTotalCount(), Histograms.quantile(recoveries, 0.5),
                    Histograms.quantile(recoveries, 0.9),
                    rework, deployments == 0 ? null : (double) rework / deployments,
                    opened, java.util.Map.copyOf(bySeverity), detectSamples,
                    detectSamples == 0 ? null : (double) detectSum / detectSamples,
                    baselines, unknownSha, undeployed,
                    gapSamples, gapSamples == 0 ? null : (double) gapSum / gapSamples, unattributed,
                    SeverityTotals.breakdowns(severities), StrategyTotals.breakdowns(strategies));
        }
    }

    /** The window's sums for one severity, while the buckets are merged. */
    private static final class SeverityTotals {
        private long opened;
        private long resolved;
        private final Histogram restores = Histograms.empty();

        static void add(final java.util.Map<String, SeverityTotals> totals, final DayBucket bucket) {
            bucket.getIncidentsBySeverity().forEach((severity, count) ->
                    totals.computeIfAbsent(severity, s -> new SeverityTotals()).opened += count);
            bucket.getResolvedBySeverity().forEach((severity, count) ->
                    totals.computeIfAbsent(severity, s -> new SeverityTotals()).resolved += count);
            bucket.getRestoreHistogramBySeverity().forEach((severity, histogram) ->
                    Histograms.addTo(totals.computeIfAbsent(severity, s -> new SeverityTotals()).restores, histogram));
        }

        static java.util.Map<String, SeverityBreakdown> breakdowns(final java.util.Map<String, SeverityTotals> totals) {
            final java.util.Map<String, SeverityBreakdown> out = new java.util.TreeMap<>();
            totals.forEach((severity, t) -> out.put(severity, new SeverityBreakdown(t.opened, t.resolved,
                    Histograms.quantile(t.restores, 0.5), Histograms.quantile(t.restores, 0.9))));
            return java.util.Collections.unmodifiableMap(out);
        }
    }

    /** The window's sums for one deployment strategy, while the buckets are merged. */
    private static final class StrategyTotals {
        private long deployments;
        private long failed;
        private long rework;
        private final Histogram leadTimes = Histograms.empty();
        private final Histogram recoveries = Histograms.empty();

        private static StrategyTotals of(final java.util.Map<String, StrategyTotals> totals, final String strategy) {
            return totals.computeIfAbsent(strategy, s -> new StrategyTotals());
        }

        static void add(final java.util.Map<String, StrategyTotals> totals, final DayBucket bucket) {
            bucket.getDeploymentsByStrategy().forEach((strategy, count) -> of(totals, strategy).deployments += count);
            bucket.getFailedByStrategy().forEach((strategy, count) -> of(totals, strategy).failed += count);
            bucket.getReworkByStrategy().forEach((strategy, count) -> of(totals, strategy).rework += count);
            bucket.getLeadTimeHistogramByStrategy().forEach((strategy, histogram) ->
                    Histograms.addTo(of(totals, strategy).leadTimes, histogram));
            bucket.getRecoveryHistogramByStrategy().forEach((strategy, histogram) ->
                    Histograms.addTo(of(totals, strategy).recoveries, histogram));
        }

        static java.util.Map<String, StrategyBreakdown> breakdowns(final java.util.Map<String, StrategyTotals> totals) {
            final java.util.Map<String, StrategyBreakdown> out = new java.util.TreeMap<>();
            totals.forEach((strategy, t) -> out.put(strategy, new StrategyBreakdown(
                    t.deployments, t.failed, t.deployments == 0 ? null : (double) t.failed / t.deployments,
                    t.rework, t.deployments == 0 ? null : (double) t.rework / t.deployments,
                    t.leadTimes.getTotalCount(), Histograms.quantile(t.leadTimes, 0.5), Histograms.quantile(t.leadTimes, 0.9),
                    t.recoveries.getTotalCount(), Histograms.quantile(t.recoveries, 0.5),
                    Histograms.quantile(t.recoveries, 0.9))));
            return java.util.Collections.unmodifiableMap(out);
        }
    }

    /**
     * The median, over the ISO weeks of [fromDay, toDay) (the first and last clipped), of the number of days on
     * which at least one service in scope deployed to production: how habitually a scope deploys, which a burst
     * of deployments on one day does not inflate.
     */
    public double deployDaysPerWeekMedian(final List<String> servicesInScope, final String group, final long fromDay,
                                          final long toDay) {
        final java.util.Set<Long> deployDays = new java.util.HashSet<>();
        for (final String service : servicesInScope) {
            try (KeyValueIterator<Bytes, DayBucket> it = buckets.range(
                    DayBuckets.key(service, group, fromDay), DayBuckets.key(service, group, toDay - 1))) {
                while (it.hasNext()) {
                    final KeyValue<Bytes, DayBucket> entry = it.next();
                    if (entry.value.getDeployments() > 0) {
                        deployDays.add(DayBuckets.day(entry.key));
                    }
                }
            }
        }
        final List<Long> perWeek = new ArrayList<>();
        for (final Granularity.Period week : Granularity.WEEK.periods(java.time.LocalDate.ofEpochDay(fromDay),
                java.time.LocalDate.ofEpochDay(toDay))) {
            perWeek.add(deployDays.stream()
                    .filter(d -> d >= week.start().toEpochDay() && d < week.end().toEpochDay()).count());
        }
        perWeek.sort(null);
        return perWeek.isEmpty() ? 0 : perWeek.get((int) Math.ceil(0.5 * perWeek.size()) - 1);
    }

    /** The four metrics of one scope and window. Quantiles are null without samples; rate null without deployments. */
    public record WindowMetrics(long deployments, double perDay,
                                long leadTimeSamples, Double leadTimeMedianSeconds, Double leadTimeP90Seconds,
                                long failed, Double changeFailureRate,
                                long incidents, Double restoreMedianSeconds, Double restoreP90Seconds,
                                long openIncidents,
                                long recoverySamples, Double recoveryMedianSeconds, Double recoveryP90Seconds,
                                long reworkDeployments, Double reworkRate,
                                long incidentsOpened, java.util.Map<String, Long> incidentsBySeverity,
                                long detectSamples, Double meanTimeToDetectSeconds,
                                long baselineDeployments, long unknownShaDeployments, long undeployedChanges,
                                long failureGapSamples, Double meanTimeBetweenFailuresSeconds,
                                long unattributedIncidents,
                                java.util.Map<String, SeverityBreakdown> bySeverity,
                                java.util.Map<String, StrategyBreakdown> byStrategy) {
    }

    /**
     * One severity's share of a window's production incidents (key {@link DayBuckets#UNSPECIFIED} for none):
     * those opened in the window, those resolved in it, and the time to restore of the latter.
     */
    public record SeverityBreakdown(long incidentsOpened, long incidentsResolved,
                                    Double restoreMedianSeconds, Double restoreP90Seconds) {
    }

    /**
     * One deployment strategy's share of a window's production deployments (key {@link DayBuckets#UNSPECIFIED}
     * for none): how many, failed and rework among them with their rates (null without deployments), their
     * lead-time samples and the recovery time of the failed ones that recovered.
     */
    public record StrategyBreakdown(long deployments, long failed, Double changeFailureRate,
                                    long reworkDeployments, Double reworkRate,
                                    long leadTimeSamples, Double leadTimeMedianSeconds, Double leadTimeP90Seconds,
                                    long recoverySamples, Double recoveryMedianSeconds, Double recoveryP90Seconds) {
    }
}
