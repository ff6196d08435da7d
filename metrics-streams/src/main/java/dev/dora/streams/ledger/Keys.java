package dev.dora.streams.ledger;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.utils.Bytes;

/**
 * Store keys whose byte order is the order range scans need: a one-byte tag naming the relation, then strings
 * (UTF-8, terminated by 0x00, which the ingest edge forbids inside strings) and longs (big-endian, sign bit
 * flipped so negative values sort first).
 */
public final class Keys {

    private ByteBuffer buffer;

    private Keys(final int capacity) {
        buffer = ByteBuffer.allocate(capacity);
    }

    public static Keys of(final byte tag) {
        return new Keys(256).tag(tag);
    }

    public static Keys untagged() {
        return new Keys(256);
    }

    private Keys tag(final byte tag) {
        buffer.put(tag);
        return this;
    }

    private Keys ensure(final int more) {
        if (buffer.remaining() < more) {
            // ids and names are bounded at the ingest edge, but a key joins several of them
            final ByteBuffer larger = ByteBuffer.allocate(Math.max(buffer.capacity() * 2, buffer.position() + more));
            buffer.flip();
            larger.put(buffer);
            buffer = larger;
        }
        return this;
    }

    public Keys str(final String value) {
        final byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        ensure(bytes.length + 1);
        buffer.put(bytes).put((byte) 0);
        return this;
    }

    public Keys num(final long value) {
        ensure(8);
        buffer.putLong(value ^ Long.MIN_VALUE);
        return this;
    }

    public Bytes build() {
        final byte[] bytes = new byte[buffer.position()];
        buffer.flip();
        buffer.get(bytes);
        return Bytes.wrap(bytes);
    }

    /** The smallest key greater than every key that starts with {@code prefix}. */
    public static Bytes after(final Bytes prefix) {
        final byte[] p = prefix.get();
        final byte[] out = new byte[p.length + 1];
        System.arraycopy(p, 0, out, 0, p.length);
        out[p.length] = (byte) 0xFF;
        return Bytes.wrap(out);
    }

    /** Reads a key back; {@code layout} says, per component after the tag, 's' for a string or 'n' for a long. */
    public static List<Object> parse(final Bytes key, final String layout, final boolean tagged) {
        final ByteBuffer in = ByteBuffer.wrap(key.get());
        if (tagged) {
            in.get();
        }
        final List<Object> parts = new ArrayList<>(layout.length());
        for (int i = 0; i < layout.length(); i++) {
            if (layout.charAt(i) == 'n') {
                parts.add(in.getLong() ^ Long.MIN_VALUE);
            } else {
                final int start = in.position();
                int end = start;
                while (in.get(end) != 0) {
                    end++;
                }
                parts.add(new String(in.array(), start, end - start, StandardCharsets.UTF_8));
                in.position(end + 1);
            }
        }
        return parts;
    }
}
