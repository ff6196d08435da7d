package dev.dora.streams.simulation;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.SplittableRandom;

/** Time and randomness helpers of the {@link HistoryGenerator}: working days, spreads around a rate, shas. */
final class Draws {

    private Draws() {
    }

    static String sha(final SplittableRandom rng) {
        return String.format("%016x%016x%08x", rng.nextLong(), rng.nextLong(), rng.nextInt());
    }

    /** rate ± 50%, rounded stochastically so small rates still average out right. */
    static int around(final double rate, final SplittableRandom rng) {
        final double x = rate * (0.5 + rng.nextDouble());
        final int whole = (int) Math.floor(x);
        return whole + (rng.nextDouble() < x - whole ? 1 : 0);
    }

    static Duration between(final Duration min, final Duration max, final SplittableRandom rng) {
        final long span = max.toMillis() - min.toMillis();
        return min.plusMillis(span <= 0 ? 0 : rng.nextLong(span));
    }

    static Duration minutes(final int min, final int max, final SplittableRandom rng) {
        return Duration.ofMinutes(min + rng.nextInt(max - min));
    }

    static Instant workingTime(final LocalDate day, final SplittableRandom rng) {
        return day.atStartOfDay().toInstant(ZoneOffset.UTC)
                .plusMillis(Duration.ofHours(8).toMillis() + rng.nextLong(Duration.ofHours(10).toMillis()));
    }

    static LocalDate date(final Instant t) {
        return LocalDate.ofInstant(t, ZoneOffset.UTC);
    }

    static boolean isWorkingDay(final LocalDate day) {
        return day.getDayOfWeek() != DayOfWeek.SATURDAY && day.getDayOfWeek() != DayOfWeek.SUNDAY;
    }

    static LocalDate nextWorkingDay(final LocalDate day) {
        LocalDate d = day;
        while (!isWorkingDay(d)) {
            d = d.plusDays(1);
        }
        return d;
    }

    static LocalDate plusWorkingDays(final LocalDate day, final int n) {
        LocalDate d = day;
        for (int i = 0; i < n; i++) {
            d = nextWorkingDay(d.plusDays(1));
        }
        return d;
    }

    static Instant max(final Instant a, final Instant b) {
        return a.isAfter(b) ? a : b;
    }

    static Instant min(final Instant a, final Instant b) {
        return a.isBefore(b) ? a : b;
    }
}
