package dev.dora.streams.metrics;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** How a window is cut into periods for a time series: UTC days, ISO weeks (Monday to Sunday) or calendar months. */
public enum Granularity {
    DAY, WEEK, MONTH;

    /** Parses {@code day}, {@code week} or {@code month}. */
    public static Granularity parse(final String value) {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (final IllegalArgumentException e) {
            throw new IllegalArgumentException("granularity: must be day, week or month (got '" + value + "')");
        }
    }

    /** The first day of the period after the one containing {@code day}. */
    public LocalDate nextStart(final LocalDate day) {
        return switch (this) {
            case DAY -> day.plusDays(1);
            case WEEK -> day.with(TemporalAdjusters.next(DayOfWeek.MONDAY));
            case MONTH -> day.with(TemporalAdjusters.firstDayOfNextMonth());
        };
    }

    /** The periods covering [from, to), the first and last clipped to the window. */
    public List<Period> periods(final LocalDate from, final LocalDate to) {
        final List<Period> periods = new ArrayList<>();
        LocalDate start = from;
        while (start.isBefore(to)) {
            final LocalDate next = nextStart(start);
            final LocalDate end = next.isAfter(to) ? to : next;
            periods.add(new Period(start, end));
            start = end;
        }
        return periods;
    }

    /** One period of a series, [start, end). */
    public record Period(LocalDate start, LocalDate end) {
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
