package dev.dora.launcher.importer;

import java.time.Duration;

/**
 * Bounded exponential backoff for resending a batch: {@code initial}, then doubling up to {@code max}, for at most
 * {@code attempts} attempts in all.
 *
 * @param attempts how many times a batch is sent at most (the first time included)
 * @param initial  the wait after the first failure
 * @param max      the longest single wait
 */
record Backoff(int attempts, Duration initial, Duration max) {

    /** 7 attempts waiting 0.5, 1, 2, 4, 8 and 16 s in between: about half a minute before giving up. */
    static final Backoff DEFAULT = new Backoff(7, Duration.ofMillis(500), Duration.ofSeconds(16));

    Backoff {
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts must be at least 1, got " + attempts);
        }
    }

    /** The wait after failed attempt {@code attempt} (1-based), at least {@code floor} (e.g. a Retry-After). */
    Duration delay(final int attempt, final Duration floor) {
        final long factor = 1L << Math.min(attempt - 1, 30);
        final Duration exponential = initial.multipliedBy(factor);
        final Duration capped = exponential.compareTo(max) > 0 ? max : exponential;
        return floor.compareTo(capped) > 0 && floor.compareTo(max) <= 0 ? floor : capped;
    }
}
