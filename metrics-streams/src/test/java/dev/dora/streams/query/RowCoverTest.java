package dev.dora.streams.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dora.streams.metrics.Granularity;
import dev.dora.streams.store.BucketKey;
import dev.dora.streams.store.Span;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The rows a query reads must count every day once, from the window's start to the last row, with no row across a
 * period's boundary, and a team's or the organisation's long window must read a row per month, not one per day.
 */
class RowCoverTest {

    /** Days after the window's end that the expansion of an open-ended read stops at. */
    private static final long HORIZON = 120;

    /** One row that a read returns: the span and its first day. */
    private record Row(Span span, long start) {
        long end() {
            return span.next(start);
        }
    }

    @Test
    void everyDayOnceAndNoRowAcrossAPeriodForRandomSeries() {
        final Random random = new Random(7);
        for (int i = 0; i < 3_000; i++) {
            final LocalDate from = LocalDate.ofEpochDay(18_000 + random.nextInt(3_000));
            final LocalDate to = from.plusDays(1 + random.nextInt(800));
            final Granularity granularity = Granularity.values()[random.nextInt(4) % 3];
            final List<Granularity.Period> periods = random.nextInt(4) == 0
                    ? List.of(new Granularity.Period(from, to)) : granularity.periods(from, to);
            final long[] starts = starts(periods);
            final List<RowCover.Read> reads = RowCover.window(starts, true);
            assertCoversOnce(starts, rows(reads, starts[starts.length - 1] + HORIZON), starts[starts.length - 1]
                    + HORIZON, periods);
            assertEquals(BucketKey.LIFETIME, reads.get(reads.size() - 1).last(), () -> "the lifetime row: " + reads);
            assertEquals(List.of(new RowCover.Read(Span.DAY, starts[0], BucketKey.LIFETIME)),
                    RowCover.window(starts, false), "a service reads its day rows");
        }
    }

    @Test
    void longWindowsOfATeamReadFewRows() {
        final LocalDate from = LocalDate.of(2024, 12, 3);
        final LocalDate to = LocalDate.of(2026, 12, 2);
        final long[] window = starts(List.of(new Granularity.Period(from, to)));
        final List<Row> rows = rows(RowCover.window(window, true), window[1]);
        assertTrue(rows.size() <= 23 + 29 + 1, "two years in 23 months and the days around them: " + rows.size());
        final long[] ninety = starts(List.of(new Granularity.Period(to.minusDays(90), to)));
        assertTrue(rows(RowCover.window(ninety, true), ninety[1]).size() <= 35, "90 days in two months and days");
        final long[] monthly = starts(Granularity.MONTH.periods(from, to));
        assertTrue(RowCover.window(monthly, true).size() <= 4, "a monthly series: the first days, the months, the "
                + "last days, the months after: " + RowCover.window(monthly, true));
    }

    private static long[] starts(final List<Granularity.Period> periods) {
        final long[] starts = new long[periods.size() + 1];
        for (int i = 0; i < periods.size(); i++) {
            starts[i] = periods.get(i).start().toEpochDay();
        }
        starts[periods.size()] = periods.get(periods.size() - 1).end().toEpochDay();
        return starts;
    }

    /** The rows that would exist (every span, every day) that the reads return, up to {@code horizon}. */
    private static List<Row> rows(final List<RowCover.Read> reads, final long horizon) {
        final List<Row> rows = new ArrayList<>();
        for (final RowCover.Read read : reads) {
            final long last = Math.min(read.last(), horizon - 1);
            long start = read.span().start(read.from()) == read.from() ? read.from()
                    : read.span().next(read.span().start(read.from()));
            for (; start <= last; start = read.span().next(start)) {
                rows.add(new Row(read.span(), start));
            }
        }
        return rows;
    }

    private static void assertCoversOnce(final long[] starts, final List<Row> rows, final long horizon,
                                         final List<Granularity.Period> periods) {
        final int[] counts = new int[(int) (horizon - starts[0] + 62)];
        for (final Row row : rows) {
            assertTrue(row.start() >= starts[0], () -> "nothing before the window: " + row);
            final int period = Arrays.binarySearch(starts, row.start());
            final int index = period >= 0 ? period : -period - 2;
            if (index < starts.length - 1) {
                final int crossed = index;
                assertTrue(row.end() <= starts[index + 1], () -> "row " + row + " crosses " + periods.get(crossed));
            }
            for (long day = row.start(); day < row.end(); day++) {
                counts[(int) (day - starts[0])]++;
            }
        }
        for (long day = starts[0]; day < horizon; day++) {
            final long missed = day;
            assertEquals(1, counts[(int) (day - starts[0])], () -> "day " + LocalDate.ofEpochDay(missed) + " in "
                    + periods);
        }
    }
}
