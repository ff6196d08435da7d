package dev.dora.streams.metrics;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Samples added up from day buckets' histograms for one answer: a count per HdrHistogram bucket, kept as the few
 * non-empty buckets rather than a full counts array. Its quantiles are exactly those of an HdrHistogram holding the
 * same samples ({@link Histograms#quantile}); a weekly series computes hundreds of them, and walking a full
 * histogram's counts for each was most of its cost.
 */
public final class SparseHistogram {

    private final Map<Long, Long> counts = new HashMap<>();
    private long total;

    /** Adds the samples of a histogram in either encoding ({@link Histograms}). */
    public void add(final ByteBuffer encoded) {
        total += Histograms.countInto(counts, encoded, 1);
    }

    public long totalCount() {
        return total;
    }

    /**
     * The nearest-rank quantile, reported as the midpoint of the bucket that holds it, as {@link Histograms#quantile}
     * computes it; null when there are no samples.
     */
    public Double quantile(final double q) {
        if (total == 0) {
            return null;
        }
        final long rank = Math.max(1, (long) Math.ceil(q * total - 1e-9));
        long seen = 0;
        long last = 0;
        for (final Map.Entry<Long, Long> entry : new TreeMap<>(counts).entrySet()) {
            seen += entry.getValue();
            last = entry.getKey();
            if (seen >= rank) {
                break;
            }
        }
        return (double) Histograms.medianEquivalent(last);
    }
}
