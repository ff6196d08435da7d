package dev.dora.streams.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class GranularityTest {

    private static Granularity.Period p(final String start, final String end) {
        return new Granularity.Period(LocalDate.parse(start), LocalDate.parse(end));
    }

    @Test
    void weeksAreIsoWeeksFromMondayClippedToTheWindow() {
        // 2026-09-09 is a Wednesday
        assertEquals(List.of(p("2026-09-09", "2026-09-14"), p("2026-09-14", "2026-09-21"), p("2026-09-21", "2026-09-23")),
                Granularity.WEEK.periods(LocalDate.parse("2026-09-09"), LocalDate.parse("2026-09-23")));
    }

    @Test
    void monthsAreCalendarMonthsClippedToTheWindow() {
        assertEquals(List.of(p("2026-01-15", "2026-02-01"), p("2026-02-01", "2026-03-01"), p("2026-03-01", "2026-03-02")),
                Granularity.MONTH.periods(LocalDate.parse("2026-01-15"), LocalDate.parse("2026-03-02")));
    }

    @Test
    void daysCoverTheWindowOneByOne() {
        assertEquals(3, Granularity.DAY.periods(LocalDate.parse("2026-02-27"), LocalDate.parse("2026-03-02")).size());
    }

    @Test
    void parsesTheNamesAndRefusesOthersNamingTheParameter() {
        assertEquals(Granularity.WEEK, Granularity.parse("Week"));
        assertEquals("granularity: must be day, week or month (got 'year')",
                assertThrows(IllegalArgumentException.class, () -> Granularity.parse("year")).getMessage());
    }
}
