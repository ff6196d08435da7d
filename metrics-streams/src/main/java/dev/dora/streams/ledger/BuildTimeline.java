package dev.dora.streams.ledger;

import dev.dora.events.BuildEvent;
import dev.dora.events.BuildStatus;
import dev.dora.state.CoverageMark;
import dev.dora.streams.metrics.BuildBuckets;
import dev.dora.streams.metrics.DayBuckets;
import dev.dora.streams.rules.BrokenBranch;
import dev.dora.streams.rules.PipelineHealth;
import dev.dora.streams.store.BuildKeys;
import dev.dora.streams.store.BuildKeys.Timeline;
import dev.dora.streams.store.BuildKeys.TimelineValue;
import dev.dora.streams.store.Entity;
import dev.dora.streams.store.LedgerTx;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;

/**
 * A service's CI builds: the winning event of each, every finished build by time (the drill-down's index), and
 * per pipeline the timeline of finished default-branch builds in (finishedAt, id) order, each entry holding the
 * build's role in the episodes of a broken branch ({@link BrokenBranch}). When a build arrives, changes or leaves,
 * the roles are recomputed only around its place ({@link #recompute}), so a late or corrected build moves exactly
 * the episodes it touches; the build buckets move by the difference, and each day whose builds changed has its
 * latest coverage found again.
 */
final class BuildTimeline {

    private static final byte SUCCESS = 'S';
    private static final byte FAILURE = 'F';
    private static final byte OTHER = 'O';

    private final LedgerChange change;
    private final LedgerTx tx;
    private final BuildBuckets buckets;
    private final long fastBuildSeconds;

    BuildTimeline(final LedgerChange change) {
        this.change = change;
        this.tx = change.tx();
        this.buckets = change.buildBuckets();
        this.fastBuildSeconds = change.config().fastBuildSeconds();
    }

    /** Build {@code id} of this service is now {@code now}; null when it left the service. */
    void replace(final String id, final BuildEvent now) {
        final BuildEvent old = tx.entity(Entity.BUILD, id);
        if (Objects.equals(old, now)) {
            return;
        }
        tx.putEntity(Entity.BUILD, id, now);
        final String service = change.service();
        final Set<Timeline> anchors = new LinkedHashSet<>();
        final Set<Day> coverageDays = new LinkedHashSet<>();
        if (PipelineHealth.finished(old)) {
            count(old, -1);
            tx.unlink(new BuildKeys.Finished(service, old.getFinishedAt().toEpochMilli(), id).encode());
            if (PipelineHealth.onDefaultBranch(old)) {
                final Timeline key = timelineKey(old);
                final TimelineValue value = TimelineValue.decode(tx.index(key.encode()));
                contribute(key, value, -1);
                tx.unlink(key.encode());
                anchors.add(key);
                coverageDays.add(new Day(key.pipeline(), BuildBuckets.day(key.finishedAt())));
            }
        }
        if (PipelineHealth.finished(now)) {
            count(now, 1);
            tx.link(new BuildKeys.Finished(service, now.getFinishedAt().toEpochMilli(), id).encode());
            if (PipelineHealth.onDefaultBranch(now)) {
                final Timeline key = timelineKey(now);
                // a placeholder: the walk gives it its role and state, and adds its role to the buckets
                tx.link(key.encode(), new TimelineValue(outcome(now), false, null, now.getCoverage(), null).encode());
                anchors.add(key);
                coverageDays.add(new Day(key.pipeline(), BuildBuckets.day(key.finishedAt())));
            }
        }
        anchors.forEach(this::recompute);
        coverageDays.forEach(this::coverage);
    }

    private Timeline timelineKey(final BuildEvent build) {
        return new Timeline(change.service(), build.getPipeline(), build.getFinishedAt().toEpochMilli(),
                build.getId());
    }

    private void count(final BuildEvent build, final int sign) {
        final BuildBuckets.Outcome outcome = build.getStatus() == BuildStatus.success ? BuildBuckets.Outcome.SUCCESS
                : build.getStatus() == BuildStatus.failure ? BuildBuckets.Outcome.FAILURE
                : BuildBuckets.Outcome.CANCELLED;
        buckets.count(change.service(), build.getPipeline(), build.getFinishedAt().toEpochMilli(), outcome,
                PipelineHealth.durationSeconds(build), PipelineHealth.fast(build, fastBuildSeconds), sign);
    }

    private static byte outcome(final BuildEvent build) {
        return switch (PipelineHealth.outcome(build)) {
            case SUCCESS -> SUCCESS;
            case FAILURE -> FAILURE;
            default -> OTHER;
        };
    }

    /** What an entry's role adds to (1) or takes from (-1) the buckets. */
    private void contribute(final Timeline key, final TimelineValue value, final int sign) {
        if (value.broke()) {
            buckets.episodeStarted(key.service(), key.pipeline(), key.finishedAt(), sign);
        }
        if (value.timeToFixSeconds() != null) {
            buckets.episodeEnded(key.service(), key.pipeline(), key.finishedAt(), value.timeToFixSeconds(), sign);
        }
    }

    /**
     * Recomputes the roles and states from the entry just before {@code anchor} (whose state after it the change
     * cannot touch) up to the first entry past it whose state after it is the same as before the change: from
     * there on nothing differs. That is as far as a change at {@code anchor} can reach; a build appended at the end
     * costs one step.
     */
    private void recompute(final Timeline anchor) {
        final Bytes prefix = Timeline.prefix(anchor.service(), anchor.pipeline());
        final Bytes end = Timeline.end(anchor.service(), anchor.pipeline());
        final Bytes at = anchor.encode();
        final KeyValue<Bytes, byte[]> before = tx.lastOther(prefix, at, at);
        final BrokenBranch.Walk walk = new BrokenBranch.Walk(before == null ? null
                : TimelineValue.decode(before.value).brokenSince());
        Bytes cursor = before == null ? prefix : before.key;
        while (true) {
            final KeyValue<Bytes, byte[]> next = tx.firstOther(cursor, end, cursor);
            if (next == null) {
                break;
            }
            cursor = next.key;
            final Timeline key = Timeline.decode(next.key);
            final TimelineValue was = TimelineValue.decode(next.value);
            final BrokenBranch.Role role = walk.next(new BrokenBranch.Step(step(was.outcome()), key.finishedAt()));
            final TimelineValue now = new TimelineValue(was.outcome(), role.broke(), role.timeToFixSeconds(),
                    was.coverage(), walk.brokenSince());
            if (!now.equals(was)) {
                contribute(key, was, -1);
                contribute(key, now, 1);
                tx.link(next.key, now.encode());
            }
            // an entry past the anchor was there before the change: once the state after it is the old one, every
            // later entry's role and state are too
            if (next.key.compareTo(at) > 0 && Objects.equals(was.brokenSince(), walk.brokenSince())) {
                break;
            }
        }
    }

    private static BrokenBranch.Outcome step(final byte outcome) {
        return outcome == SUCCESS ? BrokenBranch.Outcome.SUCCESS
                : outcome == FAILURE ? BrokenBranch.Outcome.FAILURE : BrokenBranch.Outcome.OTHER;
    }

    /** Finds the latest coverage of a pipeline's default branch on one day again and sets it if it changed. */
    private void coverage(final Day day) {
        final String service = change.service();
        final long dayStart = day.day() * DayBuckets.DAY_MS;
        final Bytes from = Timeline.from(service, day.pipeline(), dayStart);
        final Bytes to = Timeline.from(service, day.pipeline(), dayStart + DayBuckets.DAY_MS);
        CoverageMark latest = null;
        Bytes cursor = to;
        while (latest == null) {
            final KeyValue<Bytes, byte[]> entry = tx.lastOther(from, cursor, cursor);
            if (entry == null) {
                break;
            }
            final Double coverage = TimelineValue.decode(entry.value).coverage();
            if (coverage != null) {
                latest = new CoverageMark(Timeline.decode(entry.key).finishedAt(), coverage);
            }
            cursor = entry.key;
        }
        final String key = BuildKeys.coverageKey(service, day.pipeline());
        if (!Objects.equals(latest, buckets.coverage(service, key, day.day()))) {
            buckets.setCoverage(service, key, day.day(), latest);
        }
    }

    /** A pipeline's day. */
    private record Day(String pipeline, long day) {
    }
}
