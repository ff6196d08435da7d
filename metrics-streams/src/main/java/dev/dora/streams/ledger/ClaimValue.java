package dev.dora.streams.ledger;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The value of a cause-claim index entry: when the claiming incident was resolved (or that it is open) and its
 * environment group, which decides whether the claim charges the deployment.
 */
final class ClaimValue {

    private static final long OPEN = Long.MIN_VALUE;

    private ClaimValue() {
    }

    static byte[] encode(final String group, final Long resolvedAt) {
        final byte[] name = group.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(Long.BYTES + name.length).putLong(resolvedAt == null ? OPEN : resolvedAt).put(name)
                .array();
    }

    static Long resolvedAt(final byte[] value) {
        final long resolved = ByteBuffer.wrap(value).getLong();
        return resolved == OPEN ? null : resolved;
    }

    static String group(final byte[] value) {
        return new String(value, Long.BYTES, value.length - Long.BYTES, StandardCharsets.UTF_8);
    }
}
