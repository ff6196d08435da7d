package dev.dora.streams.metrics;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Samples added up from day buckets' histograms for one answer. Its quantiles are exactly those of an HdrHistogram
 * holding the same samples ({@link Histograms#quantile}); a weekly series computes hundreds of them.
 *
 * <p>Adding a histogram only keeps a reference to its encoding. The first quantile adds every kept encoding's
 * buckets into this thread's dense counts array, indexed as HdrHistogram indexes its counts, and collects the
 * non-empty buckets in value order through a bitmap of the slots it filled. A table of the buckets seen, rehashed as
 * it grew and sorted at the end, cost most of a weekly series: its merging is now one array addition per bucket.
 */
public final class SparseHistogram {

    /** Sub-buckets per HdrHistogram bucket with two significant digits: 256, so half of them is 2^7. */
    private static final int HALF_MAGNITUDE = 7;
    private static final int SUB_BUCKET_MASK = 255;
    /** 64 - unit magnitude (0) - half magnitude - 1: HdrHistogram's leading-zero base. */
    private static final int LEADING_ZERO_BASE = 56;
    /** Enough counts for any non-negative long. */
    private static final int SLOTS = (LEADING_ZERO_BASE + 2) << HALF_MAGNITUDE;
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /** The kept histograms: a sparse encoding, or (value, count) pairs decoded from the other encoding. */
    private final List<Object> parts = new ArrayList<>();
    /** The buckets in value order, once asked for; dropped by every add. */
    private long[] sortedKeys;
    private long[] sortedCounts;
    private long total;

    /** Adds the samples of a histogram in either encoding ({@link Histograms}). */
    public void add(final ByteBuffer encoded) {
        if (encoded == null || !encoded.hasRemaining()) {
            return;
        }
        sortedKeys = null;
        if (Histograms.isSparseEncoding(encoded)) {
            parts.add(encoded);
            return;
        }
        parts.add(Histograms.buckets(encoded));
    }

    /** Adds the samples of another histogram: the two windows' samples together. */
    public void add(final SparseHistogram other) {
        sortedKeys = null;
        parts.addAll(other.parts);
    }

    public long totalCount() {
        resolve();
        return total;
    }

    /**
     * The nearest-rank quantile, reported as the midpoint of the bucket that holds it, as {@link Histograms#quantile}
     * computes it; null when there are no samples.
     */
    public Double quantile(final double q) {
        resolve();
        if (total == 0) {
            return null;
        }
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

    /** The index of {@code value}'s bucket in an HdrHistogram's counts array (two significant digits, unit 1). */
    static int index(final long value) {
        final int bucket = LEADING_ZERO_BASE - Long.numberOfLeadingZeros(value | SUB_BUCKET_MASK);
        final int subBucket = (int) (value >>> bucket);
        return ((bucket + 1) << HALF_MAGNITUDE) + subBucket - (1 << HALF_MAGNITUDE);
    }

    private void resolve() {
        if (sortedKeys != null) {
            return;
        }
        final Scratch scratch = SCRATCH.get();
        for (final Object part : parts) {
            if (part instanceof ByteBuffer encoded) {
                scratch.addSparse(encoded);
            } else {
                final long[] pairs = (long[]) part;
                for (int i = 0; i < pairs.length; i += 2) {
                    scratch.add(pairs[i], pairs[i + 1]);
                }
            }
        }
        total = scratch.total;
        final int n = scratch.buckets();
        sortedKeys = new long[n];
        sortedCounts = new long[n];
        scratch.drainInto(sortedKeys, sortedCounts);
    }

    /**
     * One thread's dense counts, empty between uses, with a bit per slot that holds a count: the buckets are
     * collected by walking the set bits, not by scanning the thousands of slots between the lowest and the highest.
     */
    private static final class Scratch {
        private final long[] counts = new long[SLOTS];
        private final long[] values = new long[SLOTS];
        private final long[] touched = new long[SLOTS / Long.SIZE + 1];
        private int lowWord = touched.length;
        private int highWord = -1;
        private long total;

        void addSparse(final ByteBuffer encoded) {
            final ByteBuffer in = encoded.duplicate();
            in.get();
            while (in.hasRemaining()) {
                final long value = Histograms.getVarLong(in);
                add(value, Histograms.getVarLong(in));
            }
        }

        void add(final long value, final long count) {
            if (count == 0) {
                return;
            }
            final int i = index(value);
            counts[i] += count;
            values[i] = value;
            final int word = i >>> 6;
            touched[word] |= 1L << i;
            lowWord = Math.min(lowWord, word);
            highWord = Math.max(highWord, word);
            total += count;
        }

        int buckets() {
            int n = 0;
            for (int word = lowWord; word <= highWord; word++) {
                n += Long.bitCount(touched[word]);
            }
            return n;
        }

        /** Hands the buckets over in value order and leaves the counts empty for the next use. */
        void drainInto(final long[] keys, final long[] bucketCounts) {
            int n = 0;
            for (int word = lowWord; word <= highWord; word++) {
                long bits = touched[word];
                while (bits != 0) {
                    final int i = (word << 6) + Long.numberOfTrailingZeros(bits);
                    keys[n] = values[i];
                    bucketCounts[n++] = counts[i];
                    counts[i] = 0;
                    bits &= bits - 1;
                }
                touched[word] = 0;
            }
            lowWord = touched.length;
            highWord = -1;
            total = 0;
        }
    }
}
