package dev.dora.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class WindowTest {

    private static final LocalDate TODAY = LocalDate.parse("2026-11-22");

    private static Window parse(final String from, final String to, final String window) {
        return Window.parse(from, to, window, TODAY);
    }

    @Test
    void defaultsToTheNinetyDaysEndingTomorrow() {
        final Window w = parse(null, null, null);
        assertEquals(LocalDate.parse("2026-11-23"), w.toDate());
        assertEquals(LocalDate.parse("2026-08-25"), w.fromDate());
    }

    @Test
    void rollingWindowsEndAtToOrTomorrow() {
        assertEquals(LocalDate.parse("2026-11-16"), parse(null, null, "7d").fromDate());
        final Window w = parse(null, "2026-10-01", "30d");
        assertEquals(LocalDate.parse("2026-09-01"), w.fromDate());
        assertEquals(LocalDate.parse("2026-10-01"), w.toDate());
    }

    @Test
    void badParametersAreNamed() {
        assertTrue(assertThrows(ApiException.class, () -> parse(null, null, "7w")).getMessage()
                .startsWith("window:"));
        assertTrue(assertThrows(ApiException.class, () -> parse("2026-10-01", null, "7d")).getMessage()
                .startsWith("window:"));
        assertTrue(assertThrows(ApiException.class, () -> parse("2026-10-01T12:00:00Z", null, null))
                .getMessage().startsWith("from:"));
        assertTrue(assertThrows(ApiException.class, () -> parse("2026-10-02", "2026-10-01", null))
                .getMessage().startsWith("from:"));
        assertEquals(LocalDate.parse("2026-10-01"), parse("2026-10-01T00:00:00Z", null, null).fromDate());
    }

    private static String refusal(final String from, final String to, final String window) {
        return assertThrows(ApiException.class, () -> parse(from, to, window)).getMessage();
    }

    @Test
    void datesOutsideTheYears1970To9999AreRefusedNamingTheParameterAndTheRange() {
        // each of these answered 500 (long overflow, invalid year or epoch day) or ran out of heap before
        for (final String date : new String[] {"-999999999-01-01", "+999999999-12-31", "1969-12-31",
                "+10000-01-01", "0000-01-01", "-999999999-01-01T00:00:00Z", "+1000000000-01-01T00:00:00Z"}) {
            final String from = refusal(date, "2026-01-01", null);
            assertTrue(from.startsWith("from: "), from);
            final String to = refusal(null, date, null);
            assertTrue(to.startsWith("to: "), to);
        }
        assertTrue(refusal("1969-12-31", "2026-01-01", null).contains("1970-01-01 to 9999-12-31"));
        assertTrue(refusal(null, "+999999999-12-31", "7d").startsWith("to: must be a date from 1970-01-01"));
        assertEquals(LocalDate.parse("9999-12-31"), parse("9999-12-24", "9999-12-31", null).toDate());
        assertEquals(LocalDate.parse("1970-01-01"), parse("1970-01-01", "1970-01-02", null).fromDate());
    }

    @Test
    void windowsAreAtMostTenYearsWhateverNamesThem() {
        final String range = refusal("2000-01-01", "2100-01-01", null);
        assertTrue(range.startsWith("from: ") && range.contains("36525 days") && range.contains("at most 3660 days"),
                range);
        assertTrue(refusal(null, null, "3661d").startsWith("window: "));
        assertTrue(refusal(null, null, "99999999999999999999d").contains("at most 3660d"));
        assertEquals(3_660, parse(null, "2026-01-01", "3660d").days());
        assertEquals(3_660, parse("2015-11-29", "2025-12-06", null).days());
    }

    @Test
    void aRollingWindowThatWouldStartBefore1970IsRefusedNamingWhatSetIt() {
        assertTrue(refusal(null, "1970-01-05", null).startsWith("to: the 90-day default window"));
        assertTrue(refusal(null, "1970-01-05", "30d").startsWith("window: the 30-day window"));
        assertEquals(LocalDate.parse("1970-01-01"), parse(null, "1970-01-31", "30d").fromDate());
    }

    @Test
    void overLongValuesAreRefusedBeforeTheyAreParsed() {
        final String message = refusal("2026-01-01" + "0".repeat(10_000), null, null);
        assertTrue(message.startsWith("from: must be a date") && message.length() < 400, message);
    }

    @Test
    void instantsAtMidnightUtcInAnyOffsetAreDays() {
        assertEquals(LocalDate.parse("2026-10-01"), parse("2026-10-01T02:00:00+02:00", null, null).fromDate());
        assertTrue(refusal("2026-10-01T01:00:00+02:00", null, null).startsWith("from: "));
    }
}
