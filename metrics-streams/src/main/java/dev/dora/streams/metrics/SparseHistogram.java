package dev.dora.streams.metrics;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Samples added up from day buckets' histograms for one answer: a count per HdrHistogram bucket, kept as the few
 * non-empty buckets rather than a full counts array. Its quantiles are exactly those of an HdrHistogram holding the
 * same samples ({@link Histograms#quantile}); a weekly series computes hundreds of them, and walking a full
 * histogram's counts for each was most of its cost. The buckets are kept in a primitive open-addressing table and
 * sorted once when a quantile is first asked for.
 */
public final class SparseHistogram {

    private static final int INITIAL_SLOTS = 16;
    private static final long MIX = 0x9E3779B97F4A7C15L;

    /** Bucket values, 0 marking an empty slot; the bucket of value 0 is counted apart. */
    private long[] keys = new long[INITIAL_SLOTS];
    private long[] counts = new long[INITIAL_SLOTS];
    private boolean hasZero;
    private long zeroCount;
    private int size;
    private long total;
    /** The buckets in value order, once asked for; dropped by every add. */
    private long[] sortedKeys;
    private long[] sortedCounts;

    /** Adds the samples of a histogram in either encoding ({@link Histograms}). */
    public void add(final ByteBuffer encoded) {
        if (encoded == null || !encoded.hasRemaining()) {
            return;
        }
        if (Histograms.isSparseEncoding(encoded)) {
            Histograms.forEachSparse(encoded, this::put);
        } else {
            final Map<Long, Long> decoded = new HashMap<>();
            Histograms.countInto(decoded, encoded, 1);
            decoded.forEach(this::put);
        }
    }

    /** Adds the samples of another histogram: the two windows' samples together. */
    public void add(final SparseHistogram other) {
        if (other.hasZero) {
            put(0, other.zeroCount);
        }
        for (int i = 0; i < other.keys.length; i++) {
            if (other.keys[i] != 0) {
                put(other.keys[i], other.counts[i]);
            }
        }
    }

    private void put(final long value, final long count) {
        sortedKeys = null;
        total += count;
        if (value == 0) {
            hasZero = true;
            zeroCount += count;
            return;
        }
        int slot = slot(value, keys.length);
        while (keys[slot] != 0 && keys[slot] != value) {
            slot = (slot + 1) & (keys.length - 1);
        }
        if (keys[slot] == 0) {
            keys[slot] = value;
            size++;
        }
        counts[slot] += count;
        if (size * 2 > keys.length) {
            grow();
        }
    }

    private static int slot(final long value, final int slots) {
        return (int) ((value * MIX) >>> 40) & (slots - 1);
    }

    private void grow() {
        final long[] oldKeys = keys;
        final long[] oldCounts = counts;
        keys = new long[oldKeys.length * 2];
        counts = new long[oldKeys.length * 2];
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != 0) {
                int slot = slot(oldKeys[i], keys.length);
                while (keys[slot] != 0) {
                    slot = (slot + 1) & (keys.length - 1);
                }
                keys[slot] = oldKeys[i];
                counts[slot] = oldCounts[i];
            }
        }
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
        sort();
        final long rank = Math.max(1, (long) Math.ceil(q * total - 1e-9));
        long seen = 0;
        int i = 0;
        while (i < sortedKeys.length - 1) {
            seen += sortedCounts[i];
            if (seen >= rank) {
                break;
            }
            i++;
        }
        return (double) Histograms.medianEquivalent(sortedKeys[i]);
    }

    private void sort() {
        if (sortedKeys != null) {
            return;
        }
        final int n = size + (hasZero ? 1 : 0);
        final long[] pairs = new long[n];
        int next = 0;
        if (hasZero) {
            pairs[next++] = 0;
        }
        for (int i = 0; i < keys.length; i++) {
            if (keys[i] != 0) {
                pairs[next++] = keys[i];
            }
        }
        Arrays.sort(pairs);
        sortedKeys = pairs;
        sortedCounts = new long[n];
        // the table's slot of each sorted value, found again; n is small next to the samples it stands for
        for (int k = 0; k < n; k++) {
            sortedCounts[k] = pairs[k] == 0 ? zeroCount : counts[find(pairs[k])];
        }
    }

    private int find(final long value) {
        int slot = slot(value, keys.length);
        while (keys[slot] != value) {
            slot = (slot + 1) & (keys.length - 1);
        }
        return slot;
    }
}
