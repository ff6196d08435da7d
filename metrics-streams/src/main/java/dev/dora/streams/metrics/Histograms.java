package dev.dora.streams.metrics;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.DataFormatException;
import org.HdrHistogram.AbstractHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * Duration samples in whole seconds, kept in HdrHistograms with 2 significant digits: every recorded value is
 * known to within 1/128 of itself, histograms merge by addition and retract by subtraction exactly, and a
 * quantile read from one is within 1% (relative) of the exact nearest-rank value.
 *
 * <p>Two encodings. A fact's histogram ({@link #encode}) is HdrHistogram's compressed encoding, which other programs
 * reading the facts topics can decode with HdrHistogram itself. The day buckets, which a query merges by the
 * hundred thousand, hold the same counts sparsely ({@link #combine}): a marker byte, then for each non-empty
 * HdrHistogram bucket its highest equivalent value and count as variable-length longs. Merging one costs its few
 * entries instead of a decompression and a pass over a full counts array. {@link #decode} and {@link #addTo}
 * read both.
 */
public final class Histograms {

    public static final int SIGNIFICANT_DIGITS = 2;
    private static final byte[] EMPTY = new byte[0];
    /** First byte of the sparse encoding; HdrHistogram's compressed encoding starts with 0x1c. */
    private static final byte SPARSE = 'S';
    private static final int MAX_VARLONG_BYTES = 10;
    private static final int INITIAL_PAIRS = 8;
    /** Only its bucket layout is used, which the significant digits alone decide; never recorded into. */
    private static final Histogram SHAPE = empty();

    private Histograms() {
    }

    public static Histogram empty() {
        final Histogram histogram = new Histogram(SIGNIFICANT_DIGITS);
        histogram.setAutoResize(true);
        return histogram;
    }

    public static Histogram decode(final ByteBuffer bytes) {
        if (bytes == null || !bytes.hasRemaining()) {
            return empty();
        }
        if (isSparse(bytes)) {
            final Histogram histogram = empty();
            addTo(histogram, bytes);
            return histogram;
        }
        try {
            final Histogram histogram = Histogram.decodeFromCompressedByteBuffer(bytes.duplicate(), 1);
            histogram.setAutoResize(true);
            return histogram;
        } catch (final DataFormatException e) {
            throw new IllegalArgumentException("corrupt histogram", e);
        }
    }

    /**
     * HdrHistogram's compressed encoding of {@code histogram} (empty when it has no sample): exactly the bytes of
     * {@link AbstractHistogram#encodeIntoCompressedByteBuffer(ByteBuffer)}, made with this thread's buffers and
     * compressor ({@link CompressedEncoder}) instead of two buffers the size of the whole counts array and a new
     * zlib stream per call.
     */
    public static ByteBuffer encode(final AbstractHistogram histogram) {
        if (histogram.getTotalCount() == 0) {
            return ByteBuffer.wrap(EMPTY);
        }
        return CompressedEncoder.OF_THREAD.get().encode(histogram);
    }

    /**
     * Adds (sign 1) or removes (sign -1) the samples of {@code delta} (either encoding) to or from {@code base},
     * giving the sparse encoding; empty when no sample is left.
     */
    public static ByteBuffer combine(final ByteBuffer base, final ByteBuffer delta, final int sign) {
        if (delta == null || !delta.hasRemaining()) {
            return base;
        }
        final TreeMap<Long, Long> counts = counts(base);
        counts(delta).forEach((value, count) -> counts.merge(value, sign * count, Long::sum));
        return sparse(counts);
    }

    /**
     * Adds {@code sign} times the samples of {@code bytes} (either encoding) to {@code counts}, keyed by the value
     * that stands for each HdrHistogram bucket, as {@link #combine} keys them; returns the samples added.
     */
    public static long countInto(final Map<Long, Long> counts, final ByteBuffer bytes, final long sign) {
        if (bytes == null || !bytes.hasRemaining()) {
            return 0;
        }
        long added = 0;
        if (isSparse(bytes)) {
            final ByteBuffer in = bytes.duplicate();
            in.get();
            while (in.hasRemaining()) {
                final long value = getVarLong(in);
                final long count = sign * getVarLong(in);
                counts.merge(value, count, Long::sum);
                added += count;
            }
            return added;
        }
        for (final HistogramIterationValue value : decode(bytes).recordedValues()) {
            final long count = sign * value.getCountAtValueIteratedTo();
            counts.merge(value.getValueIteratedTo(), count, Long::sum);
            added += count;
        }
        return added;
    }

    /**
     * The (value, count) pairs of {@code bytes} (either encoding), keyed as {@link #countInto} keys them, flat:
     * value, count, value, count; empty for none. Decoding a compressed histogram once for several
     * {@link #countInto(Map, long[], long)} spares inflating it and allocating its counts array each time.
     */
    public static long[] buckets(final ByteBuffer bytes) {
        if (bytes == null || !bytes.hasRemaining() || isSparse(bytes)) {
            return sparsePairs(bytes);
        }
        // HdrHistogram walks its non-empty buckets in value order, each once: no sorted map needed
        long[] out = new long[INITIAL_PAIRS * 2];
        int n = 0;
        for (final HistogramIterationValue value : decode(bytes).recordedValues()) {
            if (n + 2 > out.length) {
                out = Arrays.copyOf(out, out.length * 2);
            }
            out[n++] = value.getValueIteratedTo();
            out[n++] = value.getCountAtValueIteratedTo();
        }
        return Arrays.copyOf(out, n);
    }

    /** Adds {@code sign} times the pairs of {@link #buckets} to {@code counts}, as {@link #countInto} would. */
    public static void countInto(final Map<Long, Long> counts, final long[] buckets, final long sign) {
        for (int i = 0; i < buckets.length; i += 2) {
            counts.merge(buckets[i], sign * buckets[i + 1], Long::sum);
        }
    }

    /** Whether {@code bytes}, not empty, hold the sparse encoding of the day buckets. */
    public static boolean isSparseEncoding(final ByteBuffer bytes) {
        return isSparse(bytes);
    }

    /** The midpoint of the HdrHistogram bucket holding {@code value}: what a quantile reports. */
    public static long medianEquivalent(final long value) {
        return SHAPE.medianEquivalentValue(value);
    }

    /** The value that stands for {@code sample}'s HdrHistogram bucket: what a histogram of it alone is keyed by. */
    public static long bucketValue(final long sample) {
        return SHAPE.highestEquivalentValue(sample);
    }

    /**
     * {@code base} (either encoding) with the signed counts of {@code delta} added, in the sparse encoding; the
     * same as {@link #combine} with each part of the delta in turn, at the cost of one pass.
     *
     * @throws IllegalStateException when a value's count would go below zero
     */
    public static ByteBuffer apply(final ByteBuffer base, final Map<Long, Long> delta) {
        if (delta.isEmpty()) {
            return base;
        }
        // both sides in value order, merged in one pass: a month row's histogram holds hundreds of buckets, and
        // decoding them into a boxed sorted map at every commit was most of the cost of applying a delta
        final long[] rows = buckets(base);
        final long[] changes = sortedPairs(delta);
        final ByteBuffer out = ByteBuffer.allocate(1 + (rows.length + changes.length) * MAX_VARLONG_BYTES);
        out.put(SPARSE);
        int i = 0;
        int j = 0;
        while (i < rows.length || j < changes.length) {
            if (j == changes.length || i < rows.length && rows[i] < changes[j]) {
                putCount(out, rows[i], rows[i + 1]);
                i += 2;
            } else if (i == rows.length || changes[j] < rows[i]) {
                putCount(out, changes[j], changes[j + 1]);
                j += 2;
            } else {
                putCount(out, rows[i], rows[i + 1] + changes[j + 1]);
                i += 2;
                j += 2;
            }
        }
        return out.position() == 1 ? ByteBuffer.wrap(EMPTY) : ByteBuffer.wrap(out.array(), 0, out.position()).slice();
    }

    /** The pairs of a sparse encoding (or none), flat: value, count, value, count, in value order. */
    private static long[] sparsePairs(final ByteBuffer bytes) {
        if (bytes == null || !bytes.hasRemaining()) {
            return new long[0];
        }
        final ByteBuffer in = bytes.duplicate();
        in.get();
        long[] pairs = new long[Math.max(2, in.remaining())];
        int n = 0;
        while (in.hasRemaining()) {
            if (n + 2 > pairs.length) {
                pairs = Arrays.copyOf(pairs, pairs.length * 2);
            }
            pairs[n++] = getVarLong(in);
            pairs[n++] = getVarLong(in);
        }
        return n == pairs.length ? pairs : Arrays.copyOf(pairs, n);
    }

    /** The delta's pairs, flat (value, count, value, count), in value order. */
    private static long[] sortedPairs(final Map<Long, Long> delta) {
        final long[] values = new long[delta.size()];
        int n = 0;
        for (final long value : delta.keySet()) {
            values[n++] = value;
        }
        Arrays.sort(values);
        final long[] pairs = new long[n * 2];
        for (int i = 0; i < n; i++) {
            pairs[2 * i] = values[i];
            pairs[2 * i + 1] = delta.get(values[i]);
        }
        return pairs;
    }

    /** Writes one (value, count) pair of the sparse encoding; a zero count is left out. */
    private static void putCount(final ByteBuffer out, final long value, final long count) {
        if (count < 0) {
            throw new IllegalStateException("removing samples of " + value + " s that were never added");
        }
        if (count != 0) {
            putVarLong(out, value);
            putVarLong(out, count);
        }
    }

    private static ByteBuffer sparse(final TreeMap<Long, Long> counts) {
        for (final Map.Entry<Long, Long> entry : counts.entrySet()) {
            if (entry.getValue() < 0) {
                throw new IllegalStateException("removing samples of " + entry.getKey() + " s that were never added");
            }
        }
        counts.values().removeIf(count -> count == 0);
        if (counts.isEmpty()) {
            return ByteBuffer.wrap(EMPTY);
        }
        final ByteBuffer out = ByteBuffer.allocate(1 + counts.size() * 2 * MAX_VARLONG_BYTES);
        out.put(SPARSE);
        counts.forEach((value, count) -> {
            putVarLong(out, value);
            putVarLong(out, count);
        });
        return ByteBuffer.wrap(out.array(), 0, out.position()).slice();
    }

    /** Adds the samples of {@code bytes} (either encoding) to {@code target}. */
    public static void addTo(final Histogram target, final ByteBuffer bytes) {
        if (bytes == null || !bytes.hasRemaining()) {
            return;
        }
        if (!isSparse(bytes)) {
            target.add(decode(bytes));
            return;
        }
        final ByteBuffer in = bytes.duplicate();
        in.get();
        while (in.hasRemaining()) {
            final long value = getVarLong(in);
            target.recordValueWithCount(value, getVarLong(in));
        }
    }

    private static TreeMap<Long, Long> counts(final ByteBuffer bytes) {
        final TreeMap<Long, Long> counts = new TreeMap<>();
        if (bytes == null || !bytes.hasRemaining()) {
            return counts;
        }
        if (isSparse(bytes)) {
            final ByteBuffer in = bytes.duplicate();
            in.get();
            while (in.hasRemaining()) {
                final long value = getVarLong(in);
                counts.merge(value, getVarLong(in), Long::sum);
            }
            return counts;
        }
        for (final HistogramIterationValue value : decode(bytes).recordedValues()) {
            counts.merge(value.getValueIteratedTo(), value.getCountAtValueIteratedTo(), Long::sum);
        }
        return counts;
    }

    private static boolean isSparse(final ByteBuffer bytes) {
        return bytes.get(bytes.position()) == SPARSE;
    }

    private static void putVarLong(final ByteBuffer out, final long value) {
        long v = value;
        while ((v & ~0x7FL) != 0) {
            out.put((byte) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.put((byte) v);
    }

    static long getVarLong(final ByteBuffer in) {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            final byte b = in.get();
            value |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        throw new IllegalArgumentException("corrupt histogram: a variable-length long longer than 10 bytes");
    }

    /**
     * The nearest-rank quantile: the sample at rank ceil(q * n), reported as the midpoint of the histogram
     * bucket that holds it; null when there are no samples.
     */
    public static Double quantile(final AbstractHistogram histogram, final double q) {
        final long n = histogram.getTotalCount();
        if (n == 0) {
            return null;
        }
        final long rank = Math.max(1, (long) Math.ceil(q * n - 1e-9));
        long seen = 0;
        for (final HistogramIterationValue value : histogram.recordedValues()) {
            seen += value.getCountAtValueIteratedTo();
            if (seen >= rank) {
                return (double) histogram.medianEquivalentValue(value.getValueIteratedTo());
            }
        }
        return (double) histogram.getMaxValue();
    }
}
