package dev.dora.api.cluster;

import java.util.Optional;

/**
 * The {@code Authorization} header of the API request the current thread serves, so that a read forwarded to
 * another instance carries the caller's own credentials: a peer grants the forwarded read exactly what it would grant
 * the caller. Set before each query route and cleared after it; absent on background threads (which use the peer
 * token instead).
 */
public final class CallerToken {

    private static final ThreadLocal<String> CURRENT = new ThreadLocal<>();

    private CallerToken() {
    }

    public static void set(final String authorization) {
        if (authorization == null) {
            CURRENT.remove();
        } else {
            CURRENT.set(authorization);
        }
    }

    public static void clear() {
        CURRENT.remove();
    }

    static Optional<String> current() {
        return Optional.ofNullable(CURRENT.get());
    }
}
