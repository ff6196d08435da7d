package dev.dora.streams.metrics;

import java.nio.ByteBuffer;
import java.util.zip.DataFormatException;
import org.HdrHistogram.AbstractHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * Duration samples in whole seconds, kept in HdrHistograms with 2 significant digits: every recorded value is
 * known to within 1/128 of itself, histograms merge by addition and retract by subtraction exactly, and a
 * quantile read from one is within 1% (relative) of the exact nearest-rank value.
 */
public final class Histograms {

    public static final int SIGNIFICANT_DIGITS = 2;
    private static final byte[] EMPTY = new byte[0];

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
        try {
            final Histogram histogram = Histogram.decodeFromCompressedByteBuffer(bytes.duplicate(), 1);
            histogram.setAutoResize(true);
            return histogram;
        } catch (final DataFormatException e) {
            throw new IllegalArgumentException("corrupt histogram", e);
        }
    }

    public static ByteBuffer encode(final AbstractHistogram histogram) {
        if (histogram.getTotalCount() == 0) {
            return ByteBuffer.wrap(EMPTY);
        }
        final ByteBuffer buffer = ByteBuffer.allocate(histogram.getNeededByteBufferCapacity());
        final int length = histogram.encodeIntoCompressedByteBuffer(buffer);
        return ByteBuffer.wrap(buffer.array(), 0, length).slice();
    }

    /** Adds (sign 1) or removes (sign -1) the samples of {@code delta}. */
    public static ByteBuffer combine(final ByteBuffer base, final ByteBuffer delta, final int sign) {
        if (delta == null || !delta.hasRemaining()) {
            return base;
        }
        final Histogram histogram = decode(base);
        if (sign > 0) {
            histogram.add(decode(delta));
        } else {
            histogram.subtract(decode(delta));
        }
        return encode(histogram);
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
