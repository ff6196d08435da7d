package dev.dora.streams.metrics;

import dev.dora.state.DayBucket;
import dev.dora.streams.store.DeferredChanges;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.utils.Bytes;

/**
 * The changes of one task's month rows ({@code store.Span}) since its last commit, each row's merged into one delta
 * and applied when the day buckets are written back ({@link DeferredChanges}). A team's or the organisation's
 * current month row is changed by nearly every record of a backfill: applied per record, each change would copy the
 * row's maps and re-encode its histograms, where merging a delta is a few map updates, and the row is then changed
 * once per commit. Only the month rows are deferred: the ledger never reads one, while it does read day rows (a
 * service's, when it changes team).
 */
public final class RollUps implements DeferredChanges<DayBucket> {

    private final Map<Bytes, BucketDelta> changes = new HashMap<>();

    /** One change a record makes to one month row; kept by the record until it commits. */
    public record Change(Bytes key, BucketDelta delta) {
    }

    /** Keeps a committed record's changes. */
    public void add(final List<Change> committed) {
        for (final Change change : committed) {
            changes.computeIfAbsent(change.key(), k -> new BucketDelta()).add(change.delta());
        }
    }

    @Override
    public int rows() {
        return changes.size();
    }

    @Override
    public void applyTo(final Rows<DayBucket> rows) {
        for (final Map.Entry<Bytes, BucketDelta> entry : changes.entrySet()) {
            if (entry.getValue().isZero()) {
                continue;
            }
            final DayBucket current = rows.get(entry.getKey());
            final DayBucket next = entry.getValue().applyTo(current == null ? DayBucket.newBuilder().build()
                    : DayBuckets.shallowCopy(current));
            rows.put(entry.getKey(), DayBuckets.isEmpty(next) ? null : next);
        }
        changes.clear();
    }

    @Override
    public void drop() {
        changes.clear();
    }
}
