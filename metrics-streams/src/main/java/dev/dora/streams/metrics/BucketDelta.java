package dev.dora.streams.metrics;

import dev.dora.state.DayBucket;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one record changes in one (service, environment group, day) bucket: signed counts, and histograms as signed
 * counts per HdrHistogram bucket. A record adds its facts' contributions here and {@link DayBuckets} applies the sum
 * once to each row the bucket feeds, so a fact retracted and added again on the same day costs nothing, and a
 * label walk that moves a hundred commits on one day moves the undelivered count once.
 */
final class BucketDelta {

    long deployments;
    long failed;
    long rework;
    long baseline;
    long unknownSha;
    long leadTimeSamples;
    long recoverySamples;
    long undeployed;
    long opened;
    long resolved;
    long unattributed;
    long gapSamples;
    long gapSum;
    long detectSamples;
    long detectSum;
    final Map<Long, Long> leadTimes = new HashMap<>();
    final Map<Long, Long> restores = new HashMap<>();
    final Map<Long, Long> recoveries = new HashMap<>();
    final Map<String, Long> bySeverity = new HashMap<>();
    final Map<String, Long> resolvedBySeverity = new HashMap<>();
    final Map<String, Long> byStrategy = new HashMap<>();
    final Map<String, Long> failedByStrategy = new HashMap<>();
    final Map<String, Long> reworkByStrategy = new HashMap<>();
    final Map<String, Long> leadTimeSamplesByStrategy = new HashMap<>();
    final Map<String, Long> recoverySamplesByStrategy = new HashMap<>();
    final Map<String, Map<Long, Long>> restoresBySeverity = new HashMap<>();
    final Map<String, Map<Long, Long>> leadTimesByStrategy = new HashMap<>();
    final Map<String, Map<Long, Long>> recoveriesByStrategy = new HashMap<>();

    static void count(final Map<String, Long> counts, final String key, final long delta) {
        if (delta != 0) {
            counts.merge(key, delta, Long::sum);
        }
    }

    static Map<Long, Long> histogram(final Map<String, Map<Long, Long>> histograms, final String key) {
        return histograms.computeIfAbsent(key, k -> new HashMap<>());
    }

    /** Plus ({@code sign} 1) or minus (-1) everything {@code row} holds, as a delta to apply to other rows. */
    static BucketDelta of(final DayBucket row, final int sign) {
        final BucketDelta d = new BucketDelta();
        d.deployments = sign * row.getDeployments();
        d.failed = sign * row.getFailedDeployments();
        d.rework = sign * row.getReworkDeployments();
        d.baseline = sign * row.getBaselineDeployments();
        d.unknownSha = sign * row.getUnknownShaDeployments();
        d.leadTimeSamples = sign * row.getLeadTimeSamples();
        d.recoverySamples = sign * row.getRecoverySamples();
        d.undeployed = sign * row.getUndeployedChanges();
        d.opened = sign * row.getIncidentsOpened();
        d.resolved = sign * row.getIncidentsResolved();
        d.unattributed = sign * row.getUnattributedIncidents();
        d.gapSamples = sign * row.getFailureGapSamples();
        d.gapSum = sign * row.getFailureGapSecondsSum();
        d.detectSamples = sign * row.getDetectSamples();
        d.detectSum = sign * row.getDetectSecondsSum();
        Histograms.countInto(d.leadTimes, row.getLeadTimeHistogram(), sign);
        Histograms.countInto(d.restores, row.getRestoreHistogram(), sign);
        Histograms.countInto(d.recoveries, row.getRecoveryHistogram(), sign);
        row.getIncidentsBySeverity().forEach((k, v) -> count(d.bySeverity, k, sign * v));
        row.getResolvedBySeverity().forEach((k, v) -> count(d.resolvedBySeverity, k, sign * v));
        row.getDeploymentsByStrategy().forEach((k, v) -> count(d.byStrategy, k, sign * v));
        row.getFailedByStrategy().forEach((k, v) -> count(d.failedByStrategy, k, sign * v));
        row.getReworkByStrategy().forEach((k, v) -> count(d.reworkByStrategy, k, sign * v));
        row.getLeadTimeSamplesByStrategy().forEach((k, v) -> count(d.leadTimeSamplesByStrategy, k, sign * v));
        row.getRecoverySamplesByStrategy().forEach((k, v) -> count(d.recoverySamplesByStrategy, k, sign * v));
        row.getRestoreHistogramBySeverity().forEach((k, v) -> Histograms.countInto(histogram(d.restoresBySeverity, k),
                v, sign));
        row.getLeadTimeHistogramByStrategy().forEach((k, v) ->
                Histograms.countInto(histogram(d.leadTimesByStrategy, k), v, sign));
        row.getRecoveryHistogramByStrategy().forEach((k, v) ->
                Histograms.countInto(histogram(d.recoveriesByStrategy, k), v, sign));
        return d;
    }

    /** Adds {@code other}'s changes to this one's: applying the sum is applying both. */
    void add(final BucketDelta other) {
        deployments += other.deployments;
        failed += other.failed;
        rework += other.rework;
        baseline += other.baseline;
        unknownSha += other.unknownSha;
        leadTimeSamples += other.leadTimeSamples;
        recoverySamples += other.recoverySamples;
        undeployed += other.undeployed;
        opened += other.opened;
        resolved += other.resolved;
        unattributed += other.unattributed;
        gapSamples += other.gapSamples;
        gapSum += other.gapSum;
        detectSamples += other.detectSamples;
        detectSum += other.detectSum;
        addAll(leadTimes, other.leadTimes);
        addAll(restores, other.restores);
        addAll(recoveries, other.recoveries);
        addAll(bySeverity, other.bySeverity);
        addAll(resolvedBySeverity, other.resolvedBySeverity);
        addAll(byStrategy, other.byStrategy);
        addAll(failedByStrategy, other.failedByStrategy);
        addAll(reworkByStrategy, other.reworkByStrategy);
        addAll(leadTimeSamplesByStrategy, other.leadTimeSamplesByStrategy);
        addAll(recoverySamplesByStrategy, other.recoverySamplesByStrategy);
        addNested(restoresBySeverity, other.restoresBySeverity);
        addNested(leadTimesByStrategy, other.leadTimesByStrategy);
        addNested(recoveriesByStrategy, other.recoveriesByStrategy);
    }

    private static <K> void addAll(final Map<K, Long> target, final Map<K, Long> source) {
        source.forEach((key, count) -> target.merge(key, count, Long::sum));
    }

    private static void addNested(final Map<String, Map<Long, Long>> target,
                                  final Map<String, Map<Long, Long>> source) {
        source.forEach((key, counts) -> addAll(histogram(target, key), counts));
    }

    /** Whether applying it would change nothing. */
    boolean isZero() {
        final long[] scalars = {deployments, failed, rework, baseline, unknownSha, leadTimeSamples, recoverySamples,
            undeployed, opened, resolved, unattributed, gapSamples, gapSum, detectSamples, detectSum};
        for (final long scalar : scalars) {
            if (scalar != 0) {
                return false;
            }
        }
        for (final Map<Long, Long> histogram : List.of(leadTimes, restores, recoveries)) {
            if (!allZero(histogram)) {
                return false;
            }
        }
        for (final Map<String, Long> counts : List.of(bySeverity, resolvedBySeverity, byStrategy, failedByStrategy,
                reworkByStrategy, leadTimeSamplesByStrategy, recoverySamplesByStrategy)) {
            if (!allZeroCounts(counts)) {
                return false;
            }
        }
        return allZeroNested(restoresBySeverity) && allZeroNested(leadTimesByStrategy)
                && allZeroNested(recoveriesByStrategy);
    }

    /** Adds this delta to {@code b}, which the caller owns, and returns it. */
    DayBucket applyTo(final DayBucket b) {
        b.setDeployments(b.getDeployments() + deployments);
        b.setFailedDeployments(b.getFailedDeployments() + failed);
        b.setReworkDeployments(b.getReworkDeployments() + rework);
        b.setBaselineDeployments(b.getBaselineDeployments() + baseline);
        b.setUnknownShaDeployments(b.getUnknownShaDeployments() + unknownSha);
        b.setLeadTimeSamples(b.getLeadTimeSamples() + leadTimeSamples);
        b.setRecoverySamples(b.getRecoverySamples() + recoverySamples);
        b.setUndeployedChanges(b.getUndeployedChanges() + undeployed);
        b.setIncidentsOpened(b.getIncidentsOpened() + opened);
        b.setIncidentsResolved(b.getIncidentsResolved() + resolved);
        b.setUnattributedIncidents(b.getUnattributedIncidents() + unattributed);
        b.setFailureGapSamples(b.getFailureGapSamples() + gapSamples);
        b.setFailureGapSecondsSum(b.getFailureGapSecondsSum() + gapSum);
        b.setDetectSamples(b.getDetectSamples() + detectSamples);
        b.setDetectSecondsSum(b.getDetectSecondsSum() + detectSum);
        b.setLeadTimeHistogram(Histograms.apply(b.getLeadTimeHistogram(), leadTimes));
        b.setRestoreHistogram(Histograms.apply(b.getRestoreHistogram(), restores));
        b.setRecoveryHistogram(Histograms.apply(b.getRecoveryHistogram(), recoveries));
        b.setIncidentsBySeverity(addCounts(b.getIncidentsBySeverity(), bySeverity));
        b.setResolvedBySeverity(addCounts(b.getResolvedBySeverity(), resolvedBySeverity));
        b.setDeploymentsByStrategy(addCounts(b.getDeploymentsByStrategy(), byStrategy));
        b.setFailedByStrategy(addCounts(b.getFailedByStrategy(), failedByStrategy));
        b.setReworkByStrategy(addCounts(b.getReworkByStrategy(), reworkByStrategy));
        b.setLeadTimeSamplesByStrategy(addCounts(b.getLeadTimeSamplesByStrategy(), leadTimeSamplesByStrategy));
        b.setRecoverySamplesByStrategy(addCounts(b.getRecoverySamplesByStrategy(), recoverySamplesByStrategy));
        b.setRestoreHistogramBySeverity(addHistograms(b.getRestoreHistogramBySeverity(), restoresBySeverity));
        b.setLeadTimeHistogramByStrategy(addHistograms(b.getLeadTimeHistogramByStrategy(), leadTimesByStrategy));
        b.setRecoveryHistogramByStrategy(addHistograms(b.getRecoveryHistogramByStrategy(), recoveriesByStrategy));
        return b;
    }

    /** {@code counts} plus {@code delta}; a count that reaches zero is dropped; the same map when nothing changes. */
    private static Map<String, Long> addCounts(final Map<String, Long> counts, final Map<String, Long> delta) {
        if (allZeroCounts(delta)) {
            return counts;
        }
        final Map<String, Long> next = new TreeMap<>(counts);
        delta.forEach((key, count) -> next.merge(key, count, Long::sum));
        next.values().removeIf(count -> count == 0);
        return next;
    }

    private static Map<String, ByteBuffer> addHistograms(final Map<String, ByteBuffer> histograms,
                                                         final Map<String, Map<Long, Long>> delta) {
        if (allZeroNested(delta)) {
            return histograms;
        }
        final Map<String, ByteBuffer> next = new TreeMap<>(histograms);
        delta.forEach((key, counts) -> {
            final ByteBuffer combined = Histograms.apply(next.get(key), counts);
            if (combined != null && combined.hasRemaining()) {
                next.put(key, combined);
            } else {
                next.remove(key);
            }
        });
        return next;
    }

    private static boolean allZero(final Map<Long, Long> counts) {
        for (final long count : counts.values()) {
            if (count != 0) {
                return false;
            }
        }
        return true;
    }

    private static boolean allZeroCounts(final Map<String, Long> counts) {
        for (final long count : counts.values()) {
            if (count != 0) {
                return false;
            }
        }
        return true;
    }

    private static boolean allZeroNested(final Map<String, Map<Long, Long>> histograms) {
        for (final Map<Long, Long> counts : histograms.values()) {
            if (!allZero(counts)) {
                return false;
            }
        }
        return true;
    }
}
