package dev.dora.api;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * A window of whole UTC days, [from, to), as every metrics and drill-down request names it.
 *
 * <p>Every window lies within the years {@value #FIRST_YEAR}–{@value #LAST_YEAR} and is at most
 * {@value #MAX_WINDOW_DAYS} days (ten years) long, so that the work of a query is bounded by the window whatever the
 * parameters say: no date arithmetic can overflow, and no query merges more than ten years of day buckets.
 *
 * @param fromDate the first day
 * @param toDate   the day after the last one
 */
public record Window(LocalDate fromDate, LocalDate toDate) {

    /** The window when a request names none: the 90 days ending at the start of tomorrow. */
    public static final int DEFAULT_WINDOW_DAYS = 90;
    /** The longest window, rolling ({@code window=Nd}) or between {@code from} and {@code to}: ten years. */
    public static final int MAX_WINDOW_DAYS = 3_660;
    /** The first year a window may touch: no event is older than 1970 (the ingest edge refuses them). */
    public static final int FIRST_YEAR = 1970;
    /** The last year a window may touch. */
    public static final int LAST_YEAR = 9999;

    private static final LocalDate EARLIEST = LocalDate.of(FIRST_YEAR, 1, 1);
    private static final LocalDate LATEST = LocalDate.of(LAST_YEAR, 12, 31);
    /** Longer than any date or instant this API reads; a longer value is refused before it is parsed. */
    private static final int MAX_DATE_CHARS = 40;
    private static final String RANGE = FIRST_YEAR + "-01-01 to " + LAST_YEAR + "-12-31";

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
     * number of days up to {@value #MAX_WINDOW_DAYS}) ending at {@code to}; {@code to} defaults to the start of
     * tomorrow and the window to {@value #DEFAULT_WINDOW_DAYS} days.
     *
     * @throws ApiException 400 naming the parameter that is wrong and, for a limit, the limit
     */
    public static Window parse(final String from, final String to, final String window, final LocalDate today) {
        if (!blank(window) && !blank(from)) {
            throw ApiException.badRequest("window: give either window or from, not both");
        }
        final LocalDate end = blank(to) ? today.plusDays(1) : day("to", to);
        final LocalDate start;
        if (!blank(from)) {
            start = day("from", from);
            if (!start.isBefore(end)) {
                throw ApiException.badRequest("from: must be before to (got from=" + start + ", to=" + end + ")");
            }
            final long days = end.toEpochDay() - start.toEpochDay();
            if (days > MAX_WINDOW_DAYS) {
                throw ApiException.badRequest("from: the window from " + start + " to " + end + " is " + days
                        + " days; a window is at most " + MAX_WINDOW_DAYS + " days (ten years)");
            }
        } else {
            final long days = blank(window) ? DEFAULT_WINDOW_DAYS : days(window);
            start = end.minusDays(days);
            if (start.isBefore(EARLIEST)) {
                throw ApiException.badRequest((blank(window) ? "to: the " + DEFAULT_WINDOW_DAYS + "-day default window"
                        : "window: the " + days + "-day window") + " ending " + end + " would start on " + start
                        + ", before " + EARLIEST + "; windows lie within " + RANGE);
            }
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
                + MAX_WINDOW_DAYS + "d (ten years) (got " + QueryParams.echo(window) + ")");
    }

    /** A date (or an instant at midnight UTC) within {@link #RANGE}. */
    private static LocalDate day(final String name, final String value) {
        final LocalDate date = value.length() > MAX_DATE_CHARS ? null : parseDay(value.trim());
        if (date == null) {
            throw ApiException.badRequest(name + ": must be a date like 2026-10-01 or an instant at 00:00Z"
                    + " (windows are whole UTC days), got " + QueryParams.echo(value));
        }
        if (date.isBefore(EARLIEST) || date.isAfter(LATEST)) {
            throw ApiException.badRequest(name + ": must be a date from " + RANGE + " (got "
                    + QueryParams.echo(value) + ")");
        }
        return date;
    }

    /** The day, or null when the text is neither a date nor an instant at 00:00 UTC. */
    private static LocalDate parseDay(final String value) {
        try {
            return LocalDate.parse(value);
        } catch (final RuntimeException notADate) {
            try {
                // parsed without converting to epoch milliseconds, which overflows for extreme years
                final OffsetDateTime instant = OffsetDateTime.parse(value);
                final OffsetDateTime utc = instant.withOffsetSameInstant(ZoneOffset.UTC);
                return utc.toLocalTime().equals(LocalTime.MIDNIGHT) ? utc.toLocalDate() : null;
            } catch (final RuntimeException notAnInstant) {
                return null;
            }
        }
    }
}
