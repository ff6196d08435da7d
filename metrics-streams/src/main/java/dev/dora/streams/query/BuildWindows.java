package dev.dora.streams.query;

import dev.dora.state.BuildCounts;
import dev.dora.state.CoverageMark;
import dev.dora.streams.metrics.SparseHistogram;
import dev.dora.streams.query.WindowMetrics.BrokenDefaultBranch;
import dev.dora.streams.query.WindowMetrics.Coverage;
import dev.dora.streams.rules.PipelineHealth;
import dev.dora.streams.store.BucketKey;
import dev.dora.streams.store.BuildKeys;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The pipeline health of windows of whole days, from one read of a scope's build rows: counts add and histograms
 * merge over the window's days; the episodes open at a window's end are the lifetime row's started minus ended, less
 * what started and ended from the window's end on; the coverage is the mean, over each (service, pipeline) that
 * reported one in the window, of its latest mark, compared with the same over the window of the same length before.
 */
final class BuildWindows {

    private static final double MEDIAN = 0.5;
    private static final double P90 = 0.9;

    /** One window's block and its breakdown by pipeline. */
    record Health(WindowMetrics.PipelineHealth total, SortedMap<String, WindowMetrics.PipelineHealth> byPipeline) {
        static final Health NONE = new Health(WindowMetrics.PipelineHealth.NONE, Collections.emptySortedMap());
    }

    private final List<BuildRow> days = new ArrayList<>();
    private final Map<String, Long> lifetimeOpen = new HashMap<>();
    /**
     * Per index i of {@link #days}, the episodes started minus ended per pipeline on days[i] and every day after it
     * (the last entry: none), so a window's open episodes cost one lookup, not a pass over the days after it.
     */
    private final List<Map<String, Long>> openFrom;

    /** @param rows the scope's rows from at least the earliest window's start minus its length, to the lifetime row */
    BuildWindows(final List<BuildRow> rows) {
        for (final BuildRow row : rows) {
            if (row.day() == BucketKey.LIFETIME) {
                row.bucket().getPipelines().forEach((pipeline, c) ->
                        lifetimeOpen.merge(pipeline, c.getEpisodesStarted() - c.getEpisodesEnded(), Long::sum));
            } else {
                days.add(row);
            }
        }
        days.sort(Comparator.comparingLong(BuildRow::day));
        final Map<String, Long>[] suffix = openSuffix(days);
        openFrom = List.of(suffix);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Long>[] openSuffix(final List<BuildRow> days) {
        final Map<String, Long>[] suffix = new Map[days.size() + 1];
        suffix[days.size()] = Map.of();
        for (int i = days.size() - 1; i >= 0; i--) {
            final Map<String, Long> open = new HashMap<>(suffix[i + 1]);
            days.get(i).bucket().getPipelines().forEach((pipeline, c) ->
                    open.merge(pipeline, c.getEpisodesStarted() - c.getEpisodesEnded(), Long::sum));
            suffix[i] = open;
        }
        return suffix;
    }

    /** The index of the first row on or after {@code day} (the rows are in day order). */
    private int firstAtOrAfter(final long day) {
        int low = 0;
        int high = days.size();
        while (low < high) {
            final int mid = (low + high) >>> 1;
            if (days.get(mid).day() < day) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        return low;
    }

    /** The earliest day a window [fromDay, toDay) needs: the start of the window before it, for the coverage. */
    static long firstDayNeeded(final long fromDay, final long toDay) {
        return fromDay - (toDay - fromDay);
    }

    /** The health of [fromDay, toDay). */
    Health window(final long fromDay, final long toDay) {
        if (days.isEmpty() && lifetimeOpen.isEmpty()) {
            return Health.NONE;
        }
        final Map<String, Totals> byPipeline = new TreeMap<>();
        final Map<String, CoverageMark> latest = new HashMap<>();
        final Map<String, CoverageMark> before = new HashMap<>();
        final long previousFrom = firstDayNeeded(fromDay, toDay);
        int i = firstAtOrAfter(previousFrom);
        for (; i < days.size() && days.get(i).day() < toDay; i++) {
            final BuildRow row = days.get(i);
            final long day = row.day();
            if (day >= fromDay) {
                row.bucket().getPipelines().forEach((pipeline, c) ->
                        byPipeline.computeIfAbsent(pipeline, p -> new Totals()).add(c));
                keepLatest(latest, row.bucket().getCoverage());
            } else {
                keepLatest(before, row.bucket().getCoverage());
            }
        }
        // the rows from i on are those on or after the window's end
        final Map<String, Long> openAfter = openFrom.get(i);
        final SortedMap<String, WindowMetrics.PipelineHealth> out = new TreeMap<>();
        final Totals all = new Totals();
        final Set<String> pipelines = new TreeSet<>(byPipeline.keySet());
        lifetimeOpen.forEach((pipeline, open) -> {
            if (open - openAfter.getOrDefault(pipeline, 0L) != 0) {
                pipelines.add(pipeline);
            }
        });
        long openTotal = 0;
        for (final String pipeline : pipelines) {
            final Totals t = byPipeline.getOrDefault(pipeline, new Totals());
            final long open = lifetimeOpen.getOrDefault(pipeline, 0L) - openAfter.getOrDefault(pipeline, 0L);
            openTotal += open;
            all.merge(t);
            out.put(pipeline, t.health(open, coverage(latest, before, pipeline)));
        }
        return new Health(all.health(openTotal, coverage(latest, before, null)),
                Collections.unmodifiableSortedMap(out));
    }

    /** Keeps, per (service, pipeline), the mark that finished last. */
    private static void keepLatest(final Map<String, CoverageMark> kept, final Map<String, CoverageMark> marks) {
        marks.forEach((key, mark) -> kept.merge(key, mark,
                (a, b) -> b.getFinishedAt() > a.getFinishedAt() ? b : a));
    }

    private static Coverage coverage(final Map<String, CoverageMark> latest, final Map<String, CoverageMark> before,
                                     final String pipeline) {
        final Double now = mean(latest, pipeline);
        return new Coverage(now, PipelineHealth.coverageChange(now, mean(before, pipeline)));
    }

    /** The mean of the marks of {@code pipeline} (null: of every pipeline); null when there are none. */
    private static Double mean(final Map<String, CoverageMark> marks, final String pipeline) {
        final List<Double> values = new ArrayList<>();
        marks.forEach((key, mark) -> {
            if (pipeline == null || pipeline.equals(BuildKeys.coveragePipeline(key))) {
                values.add(mark.getCoverage());
            }
        });
        return PipelineHealth.meanCoverage(values);
    }

    /** The sums of one pipeline (or of all) over a window. */
    private static final class Totals {
        private long runs;
        private long succeeded;
        private long failed;
        private long cancelled;
        private long fast;
        private long ended;
        private final SparseHistogram durations = new SparseHistogram();
        private final SparseHistogram fixes = new SparseHistogram();

        void add(final BuildCounts c) {
            runs += c.getRuns();
            succeeded += c.getSucceeded();
            failed += c.getFailed();
            cancelled += c.getCancelled();
            fast += c.getFastSucceeded();
            ended += c.getEpisodesEnded();
            durations.add(c.getDurationHistogram());
            fixes.add(c.getTimeToFixHistogram());
        }

        void merge(final Totals other) {
            runs += other.runs;
            succeeded += other.succeeded;
            failed += other.failed;
            cancelled += other.cancelled;
            fast += other.fast;
            ended += other.ended;
            durations.add(other.durations);
            fixes.add(other.fixes);
        }

        WindowMetrics.PipelineHealth health(final long openAtEnd, final Coverage coverage) {
            return new WindowMetrics.PipelineHealth(runs, succeeded, failed, cancelled,
                    PipelineHealth.successRate(succeeded, failed), durations.totalCount(),
                    durations.quantile(MEDIAN), durations.quantile(P90),
                    PipelineHealth.underThreshold(fast, succeeded),
                    new BrokenDefaultBranch(ended, fixes.quantile(MEDIAN), openAtEnd), coverage);
        }
    }
}
