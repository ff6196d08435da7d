package dev.dora.streams.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.LocalDate;
import org.junit.jupiter.api.Test;

class SpanTest {

    @Test
    void monthsStartOnTheFirstOnEitherSideOfTheEpoch() {
        for (long day = -800; day <= 800; day++) {
            final LocalDate date = LocalDate.ofEpochDay(day);
            final long first = Span.MONTH.start(day);
            assertEquals(date.withDayOfMonth(1), LocalDate.ofEpochDay(first));
            assertEquals(date.withDayOfMonth(1).plusMonths(1), LocalDate.ofEpochDay(Span.MONTH.next(first)));
            final LocalDate onOrAfter = date.getDayOfMonth() == 1 ? date : date.withDayOfMonth(1).plusMonths(1);
            assertEquals(onOrAfter, LocalDate.ofEpochDay(Span.MONTH.startOnOrAfter(day)));
            assertEquals(day, Span.DAY.start(day));
            assertEquals(day + 1, Span.DAY.next(day));
        }
    }
}
