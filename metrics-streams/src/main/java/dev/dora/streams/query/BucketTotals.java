package dev.dora.streams.query;

import dev.dora.state.DayBucket;
import dev.dora.streams.metrics.SparseHistogram;
import dev.dora.streams.store.Span;
import dev.dora.streams.query.WindowMetrics.SeverityBreakdown;
import dev.dora.streams.query.WindowMetrics.StrategyBreakdown;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The sums of one period's day buckets while they are merged, and the {@link WindowMetrics} they make: counts add,
 * histograms merge, and rates and quantiles are computed once, from the sums.
 */
final class BucketTotals {

    private static final double MEDIAN = 0.5;
    private static final double P90 = 0.9;

    private final SparseHistogram leadTimes = new SparseHistogram();
    private final SparseHistogram restores = new SparseHistogram();
    private final SparseHistogram recoveries = new SparseHistogram();
    private long deployments;
    private long failed;
    private long rework;
    private long resolved;
    private long opened;
    private long detectSamples;
    private long detectSum;
    private final SortedMap<String, Long> bySeverity = new TreeMap<>();
    private long baselines;
    private long unknownSha;
    private long undeployed;
    private long unattributed;
    private long gapSamples;
    private long gapSum;
    private final SortedMap<String, SeverityTotals> severities = new TreeMap<>();
    private final SortedMap<String, StrategyTotals> strategies = new TreeMap<>();

    /** Days of the period on which the scope deployed (a set: a team's parts may name the same day). */
    private final Set<Long> deployDays = new HashSet<>();

    /** Adds a row of {@code span} whose first day is {@code start}, and the days on which it deployed. */
    void add(final Span span, final long start, final DayBucket bucket) {
        addDeployDays(span, start, bucket, deployDays);
        add(bucket);
    }

    /**
     * Adds to {@code into} the days on which a row of {@code span} starting at {@code start} deployed: a day row's
     * own day, or the days a month row counts ({@code DayBucket.deploymentsByDay}).
     */
    static void addDeployDays(final Span span, final long start, final DayBucket bucket, final Set<Long> into) {
        if (bucket.getDeployments() == 0) {
            return;
        }
        if (span == Span.DAY) {
            into.add(start);
            return;
        }
        final List<Long> byDay = bucket.getDeploymentsByDay();
        for (int i = 0; i < byDay.size(); i++) {
            if (byDay.get(i) > 0) {
                into.add(start + i);
            }
        }
    }

    int deployDays() {
        return deployDays.size();
    }

    /** The days of the period on which the scope deployed. */
    Set<Long> deployDaySet() {
        return Collections.unmodifiableSet(deployDays);
    }

    /** Adds another period's sums to these: the totals of both periods together. */
    void merge(final BucketTotals other) {
        deployments += other.deployments;
        failed += other.failed;
        rework += other.rework;
        opened += other.opened;
        detectSamples += other.detectSamples;
        detectSum += other.detectSum;
        baselines += other.baselines;
        unknownSha += other.unknownSha;
        undeployed += other.undeployed;
        unattributed += other.unattributed;
        gapSamples += other.gapSamples;
        gapSum += other.gapSum;
        resolved += other.resolved;
        other.bySeverity.forEach((severity, count) -> bySeverity.merge(severity, count, Long::sum));
        leadTimes.add(other.leadTimes);
        restores.add(other.restores);
        recoveries.add(other.recoveries);
        other.severities.forEach((severity, t) -> SeverityTotals.of(severities, severity).merge(t));
        other.strategies.forEach((strategy, t) -> StrategyTotals.of(strategies, strategy).merge(t));
        deployDays.addAll(other.deployDays);
    }

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
        leadTimes.add(bucket.getLeadTimeHistogram());
        restores.add(bucket.getRestoreHistogram());
        recoveries.add(bucket.getRecoveryHistogram());
        SeverityTotals.add(severities, bucket);
        StrategyTotals.add(strategies, bucket);
    }

    /**
     * @param days       the period's length in days
     * @param openAtEnd  incidents open at the period's end
     * @param production whether the environment group is production, the only one delivery is counted against
     * @param builds     the period's pipeline health, read from the build rows
     */
    WindowMetrics metrics(final long days, final long openAtEnd, final boolean production,
                          final BuildWindows.Health builds) {
        return new WindowMetrics(
                new WindowMetrics.DeploymentFrequency(deployments, (double) deployments / days),
                new WindowMetrics.LeadTime(leadTimes.totalCount(), quantile(leadTimes, MEDIAN),
                        quantile(leadTimes, P90)),
                new WindowMetrics.ChangeFailureRate(deployments, failed, rate(failed, deployments)),
                new WindowMetrics.TimeToRestore(resolved, quantile(restores, MEDIAN), quantile(restores, P90),
                        openAtEnd),
                new WindowMetrics.FailedDeploymentRecoveryTime(recoveries.totalCount(),
                        quantile(recoveries, MEDIAN), quantile(recoveries, P90)),
                new WindowMetrics.ReworkRate(deployments, rework, rate(rework, deployments)),
                new WindowMetrics.Incidents(opened, Collections.unmodifiableSortedMap(new TreeMap<>(bySeverity)),
                        detectSamples, mean(detectSum, detectSamples), mean(gapSum, gapSamples)),
                // a commit not yet in staging is no data problem: delivery is counted against production only
                new WindowMetrics.DataQuality(baselines, unknownSha, unattributed, production ? undeployed : null),
                builds.total(),
                new WindowMetrics.Breakdowns(SeverityTotals.breakdowns(severities),
                        StrategyTotals.breakdowns(strategies), builds.byPipeline()));
    }

    private static Double quantile(final SparseHistogram histogram, final double q) {
        return histogram.quantile(q);
    }

    private static Double rate(final long part, final long whole) {
        return whole == 0 ? null : (double) part / whole;
    }

    private static Double mean(final long sum, final long samples) {
        return samples == 0 ? null : (double) sum / samples;
    }

    /** The window's sums for one severity. */
    private static final class SeverityTotals {
        private long opened;
        private long resolved;
        private final SparseHistogram restores = new SparseHistogram();

        static void add(final Map<String, SeverityTotals> totals, final DayBucket bucket) {
            bucket.getIncidentsBySeverity().forEach((severity, count) -> of(totals, severity).opened += count);
            bucket.getResolvedBySeverity().forEach((severity, count) -> of(totals, severity).resolved += count);
            bucket.getRestoreHistogramBySeverity().forEach((severity, histogram) ->
                    of(totals, severity).restores.add(histogram));
        }

        private static SeverityTotals of(final Map<String, SeverityTotals> totals, final String severity) {
            return totals.computeIfAbsent(severity, s -> new SeverityTotals());
        }

        void merge(final SeverityTotals other) {
            opened += other.opened;
            resolved += other.resolved;
            restores.add(other.restores);
        }

        static SortedMap<String, SeverityBreakdown> breakdowns(final Map<String, SeverityTotals> totals) {
            final SortedMap<String, SeverityBreakdown> out = new TreeMap<>();
            totals.forEach((severity, t) -> out.put(severity, new SeverityBreakdown(t.opened, t.resolved,
                    quantile(t.restores, MEDIAN), quantile(t.restores, P90))));
            return Collections.unmodifiableSortedMap(out);
        }
    }

    /** The window's sums for one deployment strategy. */
    private static final class StrategyTotals {
        private long deployments;
        private long failed;
        private long rework;
        private final SparseHistogram leadTimes = new SparseHistogram();
        private final SparseHistogram recoveries = new SparseHistogram();

        static void add(final Map<String, StrategyTotals> totals, final DayBucket bucket) {
            bucket.getDeploymentsByStrategy().forEach((strategy, count) -> of(totals, strategy).deployments += count);
            bucket.getFailedByStrategy().forEach((strategy, count) -> of(totals, strategy).failed += count);
            bucket.getReworkByStrategy().forEach((strategy, count) -> of(totals, strategy).rework += count);
            bucket.getLeadTimeHistogramByStrategy().forEach((strategy, histogram) ->
                    of(totals, strategy).leadTimes.add(histogram));
            bucket.getRecoveryHistogramByStrategy().forEach((strategy, histogram) ->
                    of(totals, strategy).recoveries.add(histogram));
        }

        private static StrategyTotals of(final Map<String, StrategyTotals> totals, final String strategy) {
            return totals.computeIfAbsent(strategy, s -> new StrategyTotals());
        }

        void merge(final StrategyTotals other) {
            deployments += other.deployments;
            failed += other.failed;
            rework += other.rework;
            leadTimes.add(other.leadTimes);
            recoveries.add(other.recoveries);
        }

        static SortedMap<String, StrategyBreakdown> breakdowns(final Map<String, StrategyTotals> totals) {
            final SortedMap<String, StrategyBreakdown> out = new TreeMap<>();
            totals.forEach((strategy, t) -> out.put(strategy, new StrategyBreakdown(
                    t.deployments, t.failed, rate(t.failed, t.deployments), t.rework, rate(t.rework, t.deployments),
                    t.leadTimes.totalCount(), quantile(t.leadTimes, MEDIAN), quantile(t.leadTimes, P90),
                    t.recoveries.totalCount(), quantile(t.recoveries, MEDIAN), quantile(t.recoveries, P90))));
            return Collections.unmodifiableSortedMap(out);
        }
    }
}
