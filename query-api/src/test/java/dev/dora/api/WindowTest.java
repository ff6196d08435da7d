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
}
