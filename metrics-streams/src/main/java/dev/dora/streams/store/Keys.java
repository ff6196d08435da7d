package dev.dora.streams.store;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.kafka.common.utils.Bytes;

/**
 * The byte layout of every store key: a one-byte tag naming the relation (absent for the untagged stores), then
 * strings (UTF-8, terminated by 0x00, which the ingest edge forbids inside strings) and longs (big-endian, sign bit
 * flipped so negative values sort first). Byte order is therefore the order range scans need. This is an on-disk
 * and changelog format: {@code StoreKeysTest} pins it.
 *
 * <p>Only the typed key classes of this package build and read keys; nothing else decodes a key by position.
 */
public final class Keys {

    private static final int INITIAL_CAPACITY = 128;

    private ByteBuffer buffer;

    private Keys(final int capacity) {
        buffer = ByteBuffer.allocate(capacity);
    }

    /**
     * Compares two strings as their UTF-8 bytes (without the terminator) sort, which is how keys holding them sort:
     * by code point, where {@link String#compareTo} would put a supplementary character before U+E000..U+FFFF.
     */
    public static int compareUtf8(final String a, final String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            final int ca = a.codePointAt(i);
            final int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }

    /** A key of the relation named by {@code tag}. */
    public static Keys of(final byte tag) {
        final Keys keys = new Keys(INITIAL_CAPACITY);
        keys.buffer.put(tag);
        return keys;
    }

    /** A key of a store that holds one relation only, so needs no tag. */
    public static Keys untagged() {
        return new Keys(INITIAL_CAPACITY);
    }

    private void ensure(final int more) {
        if (buffer.remaining() < more) {
            // ids and names are bounded at the ingest edge, but a key joins several of them
            final ByteBuffer larger = ByteBuffer.allocate(Math.max(buffer.capacity() * 2, buffer.position() + more));
            buffer.flip();
            larger.put(buffer);
            buffer = larger;
        }
    }

    public Keys str(final String value) {
        final byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        ensure(bytes.length + 1);
        buffer.put(bytes).put((byte) 0);
        return this;
    }

    public Keys num(final long value) {
        ensure(Long.BYTES);
        buffer.putLong(value ^ Long.MIN_VALUE);
        return this;
    }

    public Bytes build() {
        return Bytes.wrap(Arrays.copyOf(buffer.array(), buffer.position()));
    }

    /** The smallest key greater than every key that starts with {@code prefix}, when its next component is a string. */
    public static Bytes after(final Bytes prefix) {
        final byte[] p = prefix.get();
        final byte[] out = Arrays.copyOf(p, p.length + 1);
        out[p.length] = (byte) 0xFF;
        return Bytes.wrap(out);
    }

    /** Reads the components of a key in the order they were written. */
    public static Reader read(final Bytes key, final boolean tagged) {
        return new Reader(key.get(), tagged ? 1 : 0);
    }

    /** A cursor over the components of a key. */
    public static final class Reader {
        private final byte[] key;
        private int position;

        private Reader(final byte[] key, final int position) {
            this.key = key;
            this.position = position;
        }

        public String str() {
            int end = position;
            while (key[end] != 0) {
                end++;
            }
            final String value = new String(key, position, end - position, StandardCharsets.UTF_8);
            position = end + 1;
            return value;
        }

        public long num() {
            final long value = ByteBuffer.wrap(key, position, Long.BYTES).getLong() ^ Long.MIN_VALUE;
            position += Long.BYTES;
            return value;
        }
    }
}
