package dev.dora.api;

import dev.dora.streams.metrics.DayBuckets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * A window of whole UTC days, [from, to), as every metrics and drill-down request names it.
 *
 * @param fromDate the first day
 * @param toDate   the day after the last one
 */
public record Window(LocalDate fromDate, LocalDate toDate) {

    /** The window when a request names none: the 90 days ending at the start of tomorrow. */
    public static final int DEFAULT_WINDOW_DAYS = 90;
    /** The longest rolling window ({@code window=Nd}). */
    public static final int MAX_WINDOW_DAYS = 3_660;

    public Instant from() {
        return fromDate.atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    public Instant to() {
        return toDate.atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    public long fromDay() {
        return fromDate.toEpochDay();
    }

    public long toDay() {
        return toDate.toEpochDay();
    }

    /** The window's length in days. */
    public long days() {
        return toDay() - fromDay();
    }

    /**
     * From {@code from} and {@code to}, or a rolling {@code window} ({@code 7d}, {@code 30d}, {@code 90d}, any
     * number of days) ending at {@code to}; {@code to} defaults to the start of tomorrow and the window to
     * {@value #DEFAULT_WINDOW_DAYS} days.
     *
     * @throws ApiException 400 naming the parameter that is wrong
     */
    public static Window parse(final String from, final String to, final String window, final LocalDate today) {
        final LocalDate end = blank(to) ? today.plusDays(1) : day("to", to);
        if (!blank(window) && !blank(from)) {
            throw ApiException.badRequest("window: give either window or from, not both");
        }
        final LocalDate start = !blank(from) ? day("from", from)
                : end.minusDays(blank(window) ? DEFAULT_WINDOW_DAYS : days(window));
        if (!start.isBefore(end)) {
            throw ApiException.badRequest("from: must be before to (got from=" + start + ", to=" + end + ")");
        }
        return new Window(start, end);
    }

    private static boolean blank(final String value) {
        return value == null || value.isBlank();
    }

    private static long days(final String window) {
        final String value = window.trim();
        if (value.matches("[1-9][0-9]{0,3}d")) {
            final long days = Long.parseLong(value.substring(0, value.length() - 1));
            if (days <= MAX_WINDOW_DAYS) {
                return days;
            }
        }
        throw ApiException.badRequest("window: must be a number of days like 7d, 30d or 90d, at most "
                + MAX_WINDOW_DAYS + "d (got '" + window + "')");
    }

    private static LocalDate day(final String name, final String value) {
        try {
            return LocalDate.parse(value);
        } catch (final RuntimeException notADate) {
            try {
                final Instant instant = Instant.parse(value);
                if (instant.toEpochMilli() % DayBuckets.DAY_MS == 0) {
                    return LocalDate.ofInstant(instant, ZoneOffset.UTC);
                }
            } catch (final RuntimeException notAnInstant) {
                // fall through to one message for both
            }
            throw ApiException.badRequest(name + ": must be a date like 2026-10-01 or an instant at 00:00Z"
                    + " (windows are whole UTC days), got '" + value + "'");
        }
    }
}
