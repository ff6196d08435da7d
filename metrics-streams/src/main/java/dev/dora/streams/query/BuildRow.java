package dev.dora.streams.query;

import dev.dora.state.BuildBucket;

/** One row of the build buckets: an epoch day (or {@code BucketKey.LIFETIME}) and what the scope built on it. */
public record BuildRow(long day, BuildBucket bucket) {
}
