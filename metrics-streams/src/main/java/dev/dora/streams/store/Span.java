package dev.dora.streams.store;

import java.time.LocalDate;

/**
 * The days a row of {@code metrics-day-buckets} sums: one, or a calendar month. Only a team's and the organisation's
 * parts have month rows ({@link BucketKey}).
 */
public enum Span {
    DAY((byte) 0), MONTH((byte) 'M');

    private final byte tag;

    Span(final byte tag) {
        this.tag = tag;
    }

    /** The first byte of the keys of this span's rows (day rows start with their scope's kind tag instead). */
    byte tag() {
        return tag;
    }

    /** The first epoch day of the span that holds {@code day}. */
    public long start(final long day) {
        return switch (this) {
            case DAY -> day;
            case MONTH -> LocalDate.ofEpochDay(day).withDayOfMonth(1).toEpochDay();
        };
    }

    /** The first day of a span on or after {@code day}: {@code day} itself when a span starts on it. */
    public long startOnOrAfter(final long day) {
        final long start = start(day);
        return start == day ? day : next(start);
    }

    /** The first epoch day of the span after the one that starts on {@code start}. */
    public long next(final long start) {
        return switch (this) {
            case DAY -> start + 1;
            case MONTH -> LocalDate.ofEpochDay(start).plusMonths(1).toEpochDay();
        };
    }

    static Span ofTag(final byte tag) {
        for (final Span span : values()) {
            if (span != DAY && span.tag == tag) {
                return span;
            }
        }
        return DAY;
    }
}
