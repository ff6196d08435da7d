package dev.dora.streams.metrics;

import dev.dora.state.DayBucket;
import dev.dora.streams.store.DeferredChanges;
import java.util.ArrayList;
import java.util.Arrays;
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

    /** The most days a month has. */
    static final int MAX_DAYS = 31;

    private final Map<Bytes, BucketDelta> changes = new HashMap<>();
    /** The deployments each change moves, by row and day of the month ({@code DayBucket.deploymentsByDay}). */
    private final Map<Bytes, long[]> days = new HashMap<>();

    /**
     * One change a record makes to one month row; kept by the record until it commits.
     *
     * @param dayOfMonth the day the change comes from, 0 for the first of the month; -1 for the lifetime row
     */
    public record Change(Bytes key, BucketDelta delta, int dayOfMonth) {
    }

    /** Keeps a committed record's changes. */
    public void add(final List<Change> committed) {
        for (final Change change : committed) {
            changes.computeIfAbsent(change.key(), k -> new BucketDelta()).add(change.delta());
            if (change.dayOfMonth() >= 0 && change.delta().deployments != 0) {
                days.computeIfAbsent(change.key(), k -> new long[MAX_DAYS])[change.dayOfMonth()]
                        += change.delta().deployments;
            }
        }
    }

    @Override
    public int rows() {
        return changes.size();
    }

    @Override
    public void applyTo(final Rows<DayBucket> rows) {
        for (final Map.Entry<Bytes, BucketDelta> entry : changes.entrySet()) {
            final long[] byDay = days.get(entry.getKey());
            // a deployment that moved to another day of the month changes no total, only the days
            if (entry.getValue().isZero() && byDay == null) {
                continue;
            }
            final DayBucket current = rows.get(entry.getKey());
            final DayBucket next = entry.getValue().applyTo(current == null ? DayBucket.newBuilder().build()
                    : DayBuckets.shallowCopy(current));
            if (byDay != null) {
                next.setDeploymentsByDay(plus(next.getDeploymentsByDay(), byDay));
            }
            rows.put(entry.getKey(), DayBuckets.isEmpty(next) ? null : next);
        }
        changes.clear();
        days.clear();
    }

    /** {@code counts} moved by {@code deltas}, without trailing zeros: the same list whatever the order of changes. */
    private static List<Long> plus(final List<Long> counts, final long[] deltas) {
        final long[] sum = Arrays.copyOf(deltas, Math.max(deltas.length, counts.size()));
        for (int i = 0; i < counts.size(); i++) {
            sum[i] += counts.get(i);
        }
        int length = sum.length;
        while (length > 0 && sum[length - 1] == 0) {
            length--;
        }
        final List<Long> out = new ArrayList<>(length);
        for (int i = 0; i < length; i++) {
            out.add(sum[i]);
        }
        return out;
    }

    @Override
    public void drop() {
        changes.clear();
        days.clear();
    }
}
