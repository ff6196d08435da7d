package dev.dora.streams.store;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The value of an {@link IndexKeys.CauseDeployment} entry: when the claiming incident was resolved (or that it is
 * open) and its environment group, which decides whether the claim charges the deployment.
 *
 * @param group      the claiming incident's environment group
 * @param resolvedAt when it was resolved, epoch milliseconds; null while it is open
 */
public record ClaimValue(String group, Long resolvedAt) {

    private static final long OPEN = Long.MIN_VALUE;

    public byte[] encode() {
        final byte[] name = group.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(Long.BYTES + name.length).putLong(resolvedAt == null ? OPEN : resolvedAt).put(name)
                .array();
    }

    public static ClaimValue decode(final byte[] value) {
        final long resolved = ByteBuffer.wrap(value).getLong();
        return new ClaimValue(new String(value, Long.BYTES, value.length - Long.BYTES, StandardCharsets.UTF_8),
                resolved == OPEN ? null : resolved);
    }
}
