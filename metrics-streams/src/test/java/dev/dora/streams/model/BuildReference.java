package dev.dora.streams.model;

import dev.dora.events.BuildEvent;
import dev.dora.events.BuildStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Pipeline health computed from scratch, as the "Pipeline health" section of {@code docs/METRICS.md} reads: it
 * shares no code with the topology's rules. Given the winning build of every id and the services in scope, it walks
 * each (service, pipeline)'s default-branch builds in (finishedAt, id) order to find every episode, and answers with
 * exact nearest-rank quantiles.
 */
final class BuildReference {

    private static final long FAST_SECONDS = 600;

    /** One episode of a broken default branch: when it started and, if it did, when it ended. */
    record Episode(String service, String pipeline, Instant start, Instant end) {
    }

    private final Collection<BuildEvent> winners;
    private final long fastSeconds;

    BuildReference(final Collection<BuildEvent> winners) {
        this(winners, FAST_SECONDS);
    }

    BuildReference(final Collection<BuildEvent> winners, final long fastSeconds) {
        this.winners = winners;
        this.fastSeconds = fastSeconds;
    }

    private static boolean finished(final BuildEvent b) {
        return b.getStatus() != BuildStatus.in_progress && b.getFinishedAt() != null;
    }

    private static boolean onDefaultBranch(final BuildEvent b) {
        return b.getDefaultBranch() != null ? b.getDefaultBranch().equals(b.getBranch())
                : b.getBranch().equals("main") || b.getBranch().equals("master");
    }

    private static boolean in(final Instant t, final Instant from, final Instant to) {
        return !t.isBefore(from) && t.isBefore(to);
    }

    /** Every episode of every (service, pipeline), from the whole history. */
    List<Episode> episodes() {
        final Map<List<String>, List<BuildEvent>> timelines = new HashMap<>();
        for (final BuildEvent b : winners) {
            if (finished(b) && onDefaultBranch(b)) {
                timelines.computeIfAbsent(List.of(b.getService(), b.getPipeline()), k -> new ArrayList<>()).add(b);
            }
        }
        final List<Episode> out = new ArrayList<>();
        timelines.forEach((key, builds) -> {
            builds.sort(Comparator.comparing(BuildEvent::getFinishedAt).thenComparing(BuildEvent::getId));
            Instant start = null;
            for (final BuildEvent b : builds) {
                if (b.getStatus() == BuildStatus.failure && start == null) {
                    start = b.getFinishedAt();
                } else if (b.getStatus() == BuildStatus.success && start != null) {
                    out.add(new Episode(key.get(0), key.get(1), start, b.getFinishedAt()));
                    start = null;
                }
            }
            if (start != null) {
                out.add(new Episode(key.get(0), key.get(1), start, null));
            }
        });
        return out;
    }

    /** The answer for the services in {@code scope} over [from, to), and per pipeline. */
    PipelineHealthAnswer answer(final Set<String> scope, final Instant from, final Instant to) {
        final Set<String> pipelines = new TreeSet<>();
        for (final BuildEvent b : winners) {
            if (scope.contains(b.getService()) && finished(b) && in(b.getFinishedAt(), from, to)) {
                pipelines.add(b.getPipeline());
            }
        }
        final List<Episode> episodes = episodes();
        for (final Episode e : episodes) {
            if (scope.contains(e.service()) && open(e, to)) {
                pipelines.add(e.pipeline());
            }
        }
        final Map<String, PipelineHealthAnswer.Block> byPipeline = new TreeMap<>();
        for (final String pipeline : pipelines) {
            byPipeline.put(pipeline, block(scope, pipeline, episodes, from, to));
        }
        return new PipelineHealthAnswer(block(scope, null, episodes, from, to), byPipeline);
    }

    private static boolean open(final Episode e, final Instant at) {
        return e.start().isBefore(at) && (e.end() == null || !e.end().isBefore(at));
    }

    private PipelineHealthAnswer.Block block(final Set<String> scope, final String pipeline,
                                             final List<Episode> episodes, final Instant from, final Instant to) {
        long succeeded = 0;
        long failed = 0;
        long cancelled = 0;
        long fast = 0;
        final List<Long> durations = new ArrayList<>();
        for (final BuildEvent b : winners) {
            if (!scope.contains(b.getService()) || !finished(b) || !in(b.getFinishedAt(), from, to)
                    || pipeline != null && !pipeline.equals(b.getPipeline())) {
                continue;
            }
            final long seconds = Math.max(0, b.getFinishedAt().toEpochMilli() - b.getStartedAt().toEpochMilli())
                    / 1000;
            durations.add(seconds);
            switch (b.getStatus()) {
                case success -> {
                    succeeded++;
                    fast += seconds <= fastSeconds ? 1 : 0;
                }
                case failure -> failed++;
                default -> cancelled++;
            }
        }
        final List<Long> fixes = new ArrayList<>();
        long openNow = 0;
        for (final Episode e : episodes) {
            if (!scope.contains(e.service()) || pipeline != null && !pipeline.equals(e.pipeline())) {
                continue;
            }
            if (e.end() != null && in(e.end(), from, to)) {
                fixes.add((e.end().toEpochMilli() - e.start().toEpochMilli()) / 1000);
            }
            openNow += open(e, to) ? 1 : 0;
        }
        durations.sort(null);
        fixes.sort(null);
        final Double latest = coverage(scope, pipeline, from, to);
        final Instant before = from.minus(java.time.Duration.between(from, to));
        final Double previous = coverage(scope, pipeline, before, from);
        return new PipelineHealthAnswer.Block(durations.size(), succeeded, failed, cancelled,
                succeeded + failed == 0 ? null : (double) succeeded / (succeeded + failed), durations,
                ReferenceModel.nearestRank(durations, 1, 2), ReferenceModel.nearestRank(durations, 9, 10),
                succeeded == 0 ? null : (double) fast / succeeded, fixes.size(),
                ReferenceModel.nearestRank(fixes, 1, 2), openNow, latest,
                latest == null || previous == null ? null : latest - previous);
    }

    /** The mean over (service, pipeline) of the coverage of its latest default-branch build in the window. */
    private Double coverage(final Set<String> scope, final String pipeline, final Instant from, final Instant to) {
        final Map<List<String>, BuildEvent> latest = new HashMap<>();
        final Comparator<BuildEvent> order = Comparator.comparing(BuildEvent::getFinishedAt)
                .thenComparing(BuildEvent::getId);
        for (final BuildEvent b : winners) {
            if (scope.contains(b.getService()) && finished(b) && onDefaultBranch(b) && b.getCoverage() != null
                    && in(b.getFinishedAt(), from, to) && (pipeline == null || pipeline.equals(b.getPipeline()))) {
                latest.merge(List.of(b.getService(), b.getPipeline()), b, (x, y) -> order.compare(x, y) >= 0 ? x : y);
            }
        }
        if (latest.isEmpty()) {
            return null;
        }
        return latest.values().stream().mapToDouble(BuildEvent::getCoverage).average().orElseThrow();
    }
}
