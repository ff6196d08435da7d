package dev.dora.streams.rules;

import dev.dora.events.ChangeEvent;
import dev.dora.streams.metrics.Histograms;
import java.time.Instant;
import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * Lead time for changes (docs/METRICS.md, "Lead time for changes"): for every change a non-baseline deployment
 * delivered first to its environment group, {@code finishedAt − committedAt} in whole seconds (truncated); a negative
 * difference (clock skew) yields no sample, and a baseline, which delivers the whole known history, yields none.
 */
public final class LeadTime {

    private static final long MILLIS_PER_SECOND = 1000;

    private LeadTime() {
    }

    /** The lead-time sample of one delivered change, or null when it yields none. */
    public static Long sampleSeconds(final boolean baseline, final Instant finishedAt, final Instant committedAt) {
        if (baseline) {
            return null;
        }
        final long ms = finishedAt.toEpochMilli() - committedAt.toEpochMilli();
        return ms >= 0 ? ms / MILLIS_PER_SECOND : null;
    }

    /** The samples of every change a deployment delivered, as a histogram. */
    public static Histogram samples(final boolean baseline, final Instant finishedAt,
                                    final List<ChangeEvent> delivered) {
        final Histogram histogram = Histograms.empty();
        for (final ChangeEvent change : delivered) {
            final Long seconds = sampleSeconds(baseline, finishedAt, change.getCommittedAt());
            if (seconds != null) {
                histogram.recordValue(seconds);
            }
        }
        return histogram;
    }
}
