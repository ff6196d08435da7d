package dev.dora.streams.metrics;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.zip.Deflater;
import org.HdrHistogram.AbstractHistogram;
import org.HdrHistogram.Histogram;

/**
 * Writes HdrHistogram's compressed encoding byte for byte as {@link AbstractHistogram#encodeIntoCompressedByteBuffer
 * (ByteBuffer)} does: a cookie, the compressed length, then the histogram's uncompressed encoding deflated at zlib's
 * default level. HdrHistogram allocates a buffer the size of the whole counts array and a new zlib stream for each
 * histogram it encodes (and the caller a second such buffer for the output), which a ledger deriving a fact per
 * deployment pays every time; this encoder keeps its buffers and its {@link Deflater} for the thread that uses it,
 * and copies out only the bytes written. The facts topics' histograms are a public contract, so the bytes must not
 * change: {@code HistogramsTest} compares them with HdrHistogram's own.
 */
final class CompressedEncoder {

    /** One per thread: the buffers and the zlib stream are reused, never shared. */
    static final ThreadLocal<CompressedEncoder> OF_THREAD = ThreadLocal.withInitial(CompressedEncoder::new);

    /** Where the compressed length goes after the cookie; the compressed contents follow it. */
    private static final int HEADER_BYTES = 8;
    /** The cookie of a compressed {@link Histogram}, as HdrHistogram writes it (it does not expose it). */
    private static final int COOKIE = cookie();

    private final Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION);
    private ByteBuffer uncompressed = ByteBuffer.allocate(0);
    private byte[] out = new byte[0];

    private static int cookie() {
        final Histogram one = new Histogram(Histograms.SIGNIFICANT_DIGITS);
        one.recordValue(1);
        final ByteBuffer encoded = ByteBuffer.allocate(one.getNeededByteBufferCapacity());
        one.encodeIntoCompressedByteBuffer(encoded);
        return encoded.getInt(0);
    }

    ByteBuffer encode(final AbstractHistogram histogram) {
        // the capacities HdrHistogram gives its own buffers, so the deflater gets the same room and input
        final int capacity = histogram.getNeededByteBufferCapacity();
        if (uncompressed.capacity() < capacity) {
            uncompressed = ByteBuffer.allocate(capacity);
        }
        if (out.length < capacity) {
            out = new byte[capacity];
        }
        uncompressed.clear();
        final int length = histogram.encodeIntoByteBuffer(uncompressed);
        deflater.reset();
        deflater.setInput(uncompressed.array(), 0, length);
        deflater.finish();
        final int compressed = deflater.deflate(out, HEADER_BYTES, capacity - HEADER_BYTES);
        final ByteBuffer header = ByteBuffer.wrap(out);
        header.putInt(0, COOKIE);
        header.putInt(4, compressed);
        return ByteBuffer.wrap(Arrays.copyOf(out, HEADER_BYTES + compressed));
    }
}
