package dev.dora.streams.metrics;

import dev.dora.state.BuildBucket;
import dev.dora.state.BuildCounts;
import dev.dora.state.CoverageMark;
import dev.dora.streams.store.BucketKey;
import dev.dora.streams.store.Scope;
import dev.dora.streams.store.StagedStore;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;

/**
 * The per-(scope, UTC day) aggregates of CI builds ({@code metrics-build-buckets}), kept like {@link DayBuckets}:
 * each build's contribution goes to its service's row, its team's part and the organisation's part, retracted
 * before it is replaced, summed per row over a record and applied by {@link #flush()}; rows move with a service
 * that changes team. Builds have no environment, so every row has the group {@link #GROUP}. After the last day
 * comes the lifetime row, counting the episodes started and ended over all time.
 *
 * <p>A row holds each pipeline's counts and, per (service, pipeline), the coverage of the day's latest
 * default-branch build that reported one: not a sum, so it is set and removed rather than added, which keeps it
 * exact under retraction and team moves.
 */
public final class BuildBuckets {

    /** The environment group of every build row: builds belong to no environment. */
    public static final String GROUP = "";

    private final StagedStore<BuildBucket> store;
    private final UnaryOperator<String> teamOf;
    private final Map<Bucket, Delta> pending = new LinkedHashMap<>();

    /**
     * @param store  the rows, as the current record stages them
     * @param teamOf the current team of a service, null when it has none
     */
    public BuildBuckets(final StagedStore<BuildBucket> store, final UnaryOperator<String> teamOf) {
        this.store = store;
        this.teamOf = teamOf;
    }

    /** A finished build is counted (1) or retracted (-1) on the day it finished. */
    public void count(final String service, final String pipeline, final long finishedAtMs, final Outcome outcome,
                      final long durationSeconds, final boolean fast, final int sign) {
        final Counts c = pending(service, day(finishedAtMs)).pipeline(pipeline);
        c.runs += sign;
        switch (outcome) {
            case SUCCESS -> c.succeeded += sign;
            case FAILURE -> c.failed += sign;
            default -> c.cancelled += sign;
        }
        c.fast += fast ? sign : 0;
        c.durations.merge(Histograms.bucketValue(durationSeconds), (long) sign, Long::sum);
    }

    /** How a finished build ended. */
    public enum Outcome {
        SUCCESS, FAILURE, CANCELLED
    }

    /** A build starts (1) or stops (-1) an episode of a broken default branch, on the day it finished. */
    public void episodeStarted(final String service, final String pipeline, final long finishedAtMs, final int sign) {
        pending(service, day(finishedAtMs)).pipeline(pipeline).started += sign;
        pending(service, BucketKey.LIFETIME).pipeline(pipeline).started += sign;
    }

    /** A build ends (1) or stops ending (-1) an episode that took {@code timeToFixSeconds}. */
    public void episodeEnded(final String service, final String pipeline, final long finishedAtMs,
                             final long timeToFixSeconds, final int sign) {
        final Counts c = pending(service, day(finishedAtMs)).pipeline(pipeline);
        c.ended += sign;
        c.fixes.merge(Histograms.bucketValue(timeToFixSeconds), (long) sign, Long::sum);
        pending(service, BucketKey.LIFETIME).pipeline(pipeline).ended += sign;
    }

    /** The coverage mark of (service, pipeline) on {@code day} as the store holds it, before this record's changes. */
    public CoverageMark coverage(final String service, final String coverageKey, final long day) {
        final BuildBucket row = store.get(BucketKey.of(Scope.service(service), GROUP, day));
        return row == null ? null : row.getCoverage().get(coverageKey);
    }

    /** Sets (or, with null, removes) the coverage mark of (service, pipeline) on {@code day}. */
    public void setCoverage(final String service, final String coverageKey, final long day, final CoverageMark mark) {
        pending(service, day).coverage.put(coverageKey, mark);
    }

    public static long day(final long epochMs) {
        return Math.floorDiv(epochMs, DayBuckets.DAY_MS);
    }

    private Delta pending(final String service, final long day) {
        return pending.computeIfAbsent(new Bucket(service, day), b -> new Delta());
    }

    /** Applies the record's changes to the rows they feed: the service's, its team's part and the organisation's. */
    public void flush() {
        for (final Map.Entry<Bucket, Delta> entry : pending.entrySet()) {
            final Delta delta = entry.getValue();
            if (delta.isZero()) {
                continue;
            }
            final Bucket b = entry.getKey();
            updateRow(Scope.service(b.service()), b.day(), delta::applyTo);
            final String team = teamOf.apply(b.service());
            if (team != null) {
                updateRow(Scope.team(team), b.day(), delta::applyTo);
            }
            updateRow(Scope.ORGANISATION, b.day(), delta::applyTo);
        }
        pending.clear();
    }

    /** Moves every row of {@code service} from team {@code from}'s part to {@code to}'s (either may be null). */
    public void moveTeam(final String service, final String from, final String to) {
        for (final KeyValue<Bytes, BuildBucket> row : store.prefix(BucketKey.prefix(Scope.service(service)))) {
            final long day = BucketKey.decode(row.key).day();
            if (from != null) {
                updateRow(Scope.team(from), day, b -> add(b, row.value, -1));
            }
            if (to != null) {
                updateRow(Scope.team(to), day, b -> add(b, row.value, 1));
            }
        }
    }

    private void updateRow(final Scope scope, final long day, final UnaryOperator<BuildBucket> change) {
        final Bytes key = BucketKey.of(scope, GROUP, day);
        final BuildBucket current = store.get(key);
        final BuildBucket mine = current == null ? BuildBucket.newBuilder().build()
                : store.isStaged(key) ? current : BuildBucket.newBuilder(current).build();
        final BuildBucket next = change.apply(mine);
        if (next.getPipelines().isEmpty() && next.getCoverage().isEmpty()) {
            store.delete(key);
        } else {
            store.put(key, next);
        }
    }

    /** {@code target} plus (1) or minus (-1) everything {@code source} holds; minus removes its coverage marks. */
    private static BuildBucket add(final BuildBucket target, final BuildBucket source, final int sign) {
        final Map<String, BuildCounts> pipelines = new TreeMap<>(target.getPipelines());
        source.getPipelines().forEach((pipeline, counts) -> {
            final BuildCounts sum = plus(pipelines.get(pipeline), counts, sign);
            if (sum == null) {
                pipelines.remove(pipeline);
            } else {
                pipelines.put(pipeline, sum);
            }
        });
        final Map<String, CoverageMark> coverage = new TreeMap<>(target.getCoverage());
        source.getCoverage().forEach((key, mark) -> {
            if (sign > 0) {
                coverage.put(key, mark);
            } else {
                coverage.remove(key);
            }
        });
        target.setPipelines(pipelines);
        target.setCoverage(coverage);
        return target;
    }

    /** {@code base} (may be null) plus {@code sign} times {@code other}; null when nothing is left. */
    private static BuildCounts plus(final BuildCounts base, final BuildCounts other, final int sign) {
        final BuildCounts b = base == null ? BuildCounts.newBuilder().build() : BuildCounts.newBuilder(base).build();
        b.setRuns(b.getRuns() + sign * other.getRuns());
        b.setSucceeded(b.getSucceeded() + sign * other.getSucceeded());
        b.setFailed(b.getFailed() + sign * other.getFailed());
        b.setCancelled(b.getCancelled() + sign * other.getCancelled());
        b.setFastSucceeded(b.getFastSucceeded() + sign * other.getFastSucceeded());
        b.setEpisodesStarted(b.getEpisodesStarted() + sign * other.getEpisodesStarted());
        b.setEpisodesEnded(b.getEpisodesEnded() + sign * other.getEpisodesEnded());
        b.setDurationHistogram(Histograms.combine(b.getDurationHistogram(), other.getDurationHistogram(), sign));
        b.setTimeToFixHistogram(Histograms.combine(b.getTimeToFixHistogram(), other.getTimeToFixHistogram(), sign));
        return isEmpty(b) ? null : b;
    }

    private static boolean isEmpty(final BuildCounts b) {
        return allZero(b.getRuns(), b.getSucceeded(), b.getFailed(), b.getCancelled(), b.getFastSucceeded(),
                b.getEpisodesStarted(), b.getEpisodesEnded())
                && !b.getDurationHistogram().hasRemaining() && !b.getTimeToFixHistogram().hasRemaining();
    }

    private static boolean allZero(final long... counts) {
        for (final long count : counts) {
            if (count != 0) {
                return false;
            }
        }
        return true;
    }

    /** A (service, day) row. */
    private record Bucket(String service, long day) {
    }

    /** What a record changes in one pipeline's counts of one row. */
    private static final class Counts {
        long runs;
        long succeeded;
        long failed;
        long cancelled;
        long fast;
        long started;
        long ended;
        final Map<Long, Long> durations = new HashMap<>();
        final Map<Long, Long> fixes = new HashMap<>();

        boolean isZero() {
            return allZero(runs, succeeded, failed, cancelled, fast, started, ended)
                    && durations.values().stream().allMatch(v -> v == 0)
                    && fixes.values().stream().allMatch(v -> v == 0);
        }

        BuildCounts applyTo(final BuildCounts base) {
            final BuildCounts b = base == null ? BuildCounts.newBuilder().build()
                    : BuildCounts.newBuilder(base).build();
            b.setRuns(b.getRuns() + runs);
            b.setSucceeded(b.getSucceeded() + succeeded);
            b.setFailed(b.getFailed() + failed);
            b.setCancelled(b.getCancelled() + cancelled);
            b.setFastSucceeded(b.getFastSucceeded() + fast);
            b.setEpisodesStarted(b.getEpisodesStarted() + started);
            b.setEpisodesEnded(b.getEpisodesEnded() + ended);
            b.setDurationHistogram(Histograms.apply(b.getDurationHistogram(), durations));
            b.setTimeToFixHistogram(Histograms.apply(b.getTimeToFixHistogram(), fixes));
            return isEmpty(b) ? null : b;
        }
    }

    /** What a record changes in one (service, day) row. */
    private static final class Delta {
        final Map<String, Counts> pipelines = new HashMap<>();
        /** Coverage marks to set, by coverage key; a null mark removes one. */
        final Map<String, CoverageMark> coverage = new HashMap<>();

        Counts pipeline(final String pipeline) {
            return pipelines.computeIfAbsent(pipeline, p -> new Counts());
        }

        boolean isZero() {
            return coverage.isEmpty() && pipelines.values().stream().allMatch(Counts::isZero);
        }

        BuildBucket applyTo(final BuildBucket row) {
            final Map<String, BuildCounts> next = new TreeMap<>(row.getPipelines());
            pipelines.forEach((pipeline, counts) -> {
                if (!counts.isZero()) {
                    final BuildCounts sum = counts.applyTo(next.get(pipeline));
                    if (sum == null) {
                        next.remove(pipeline);
                    } else {
                        next.put(pipeline, sum);
                    }
                }
            });
            final Map<String, CoverageMark> marks = new TreeMap<>(row.getCoverage());
            coverage.forEach((key, mark) -> {
                if (mark == null) {
                    marks.remove(key);
                } else {
                    marks.put(key, mark);
                }
            });
            row.setPipelines(next);
            row.setCoverage(marks);
            return row;
        }
    }
}
