package dev.dora.streams.query;

import dev.dora.state.DayBucket;

/**
 * One day bucket of a scope as a query reads it: its epoch day ({@code BucketKey.LIFETIME} for the lifetime row) and
 * its sums. A team's or the organisation's day has one row per partition; they add up exactly (counts and
 * histograms), in any order.
 */
public record BucketRow(long day, DayBucket bucket) {
}
