package dev.dora.streams.query;

import dev.dora.streams.store.BucketKey;
import dev.dora.streams.store.Span;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Which rows a query of consecutive periods reads, so that each day counts once and a long window reads few rows.
 * A team's or the organisation's whole calendar months come from their month rows, and only the days left over from
 * day rows; a service has day rows only. No row crosses a period's boundary, so each row read adds to the one period
 * its first day lies in.
 */
final class RowCover {

    /** Past this epoch day (9999-12-31) the calendar is not used: such windows read day rows. */
    private static final long LAST_CALENDAR_DAY = LocalDate.of(9999, 12, 31).toEpochDay();

    /** One range read: the rows of {@code span} whose first day lies in [from, last]. */
    record Read(Span span, long from, long last) {
    }

    private final List<Read> reads = new ArrayList<>();

    private RowCover() {
    }

    /**
     * The reads covering the periods that start at {@code starts} (the last entry: where the last one ends), every
     * day after them, and the lifetime row: what a window's totals and its incidents open at each period's end need.
     */
    static List<Read> window(final long[] starts, final boolean rollUps) {
        return window(starts, rollUps, every(starts.length - 1));
    }

    /** {@code n} periods, every one needed. */
    static boolean[] every(final int n) {
        final boolean[] every = new boolean[n];
        Arrays.fill(every, true);
        return every;
    }

    /**
     * {@link #window(long[], boolean)} for only the periods {@code needed} says (each period i: {@code needed[i]}),
     * with every day after the last period and the lifetime row, whether the last period is needed or not: the rows of
     * the other periods are not read.
     */
    static List<Read> window(final long[] starts, final boolean rollUps, final boolean[] needed) {
        final long end = starts[starts.length - 1];
        final RowCover cover = new RowCover();
        final boolean months = rollUps && calendar(starts[0]) && calendar(end);
        for (int i = 0; i + 1 < starts.length; i++) {
            if (!needed[i]) {
                continue;
            }
            if (months) {
                cover.period(starts[i], starts[i + 1]);
            } else {
                cover.add(Span.DAY, starts[i], starts[i + 1]);
            }
        }
        if (!months) {
            cover.add(Span.DAY, end, BucketKey.LIFETIME);
            return cover.reads;
        }
        // after the last period: the days to the next month, then every month and the lifetime row
        final long nextMonth = Span.MONTH.startOnOrAfter(end);
        cover.add(Span.DAY, end, nextMonth);
        cover.add(Span.MONTH, nextMonth, BucketKey.LIFETIME);
        return cover.reads;
    }

    /** The reads covering the days [from, to): whole months of a team or the organisation from their month rows. */
    static List<Read> days(final long from, final long to, final boolean rollUps) {
        final RowCover cover = new RowCover();
        if (rollUps && calendar(from) && calendar(to)) {
            cover.period(from, to);
        } else {
            cover.add(Span.DAY, from, to);
        }
        return cover.reads;
    }

    private static boolean calendar(final long day) {
        return day >= 0 && day <= LAST_CALENDAR_DAY;
    }

    /** [from, to): the whole months in it, and the days before and after them. */
    private void period(final long from, final long to) {
        final long firstMonth = Span.MONTH.startOnOrAfter(from);
        long monthsEnd = firstMonth;
        while (monthsEnd < to && Span.MONTH.next(monthsEnd) <= to) {
            monthsEnd = Span.MONTH.next(monthsEnd);
        }
        if (monthsEnd == firstMonth) {
            add(Span.DAY, from, to);
            return;
        }
        add(Span.DAY, from, firstMonth);
        add(Span.MONTH, firstMonth, monthsEnd);
        add(Span.DAY, monthsEnd, to);
    }

    /**
     * Adds the rows of {@code span} starting in [from, to) (to {@code LIFETIME}: every one from {@code from} on, and
     * the lifetime row), joined to the last read when it is of the same span and covers the days just before.
     */
    private void add(final Span span, final long from, final long to) {
        if (from >= to) {
            return;
        }
        final long last = to == BucketKey.LIFETIME ? BucketKey.LIFETIME : to - 1;
        final int n = reads.size();
        // a read's last day is the day before the days it covers end, so reads that meet join
        if (n > 0 && reads.get(n - 1).span() == span && reads.get(n - 1).last() + 1 == from) {
            reads.set(n - 1, new Read(span, reads.get(n - 1).from(), last));
            return;
        }
        reads.add(new Read(span, from, last));
    }
}
