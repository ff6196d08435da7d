package dev.dora.streams.simulation;

import java.time.Instant;

/**
 * A generated commit: {@code committedAt} is when it was made, {@code occurredAt} when it reached the tracked branch
 * (a branch commit reaches it with its merge).
 */
record Commit(String sha, Instant committedAt, Instant occurredAt) {
}
