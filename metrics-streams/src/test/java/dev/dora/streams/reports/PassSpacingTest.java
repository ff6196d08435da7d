package dev.dora.streams.reports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class PassSpacingTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void theFirstPassIsDueAtOnce() {
        assertTrue(new PassSpacing().due(Long.MIN_VALUE));
        assertEquals(0, new PassSpacing().lastTook());
    }

    @Test
    void aPassIsDueOnlyOnceTenTimesTheLastPassHasGoneBySinceItStarted() {
        final PassSpacing spacing = new PassSpacing();
        final long started = 5 * SECOND;
        spacing.passed(started, started + 7 * SECOND);
        assertEquals(7 * SECOND, spacing.lastTook());
        assertFalse(spacing.due(started + 7 * SECOND), "not right after it");
        assertFalse(spacing.due(started + 70 * SECOND - 1));
        assertTrue(spacing.due(started + 70 * SECOND), "a seven-second pass, seventy seconds apart");
        spacing.passed(started + 70 * SECOND, started + 70 * SECOND + SECOND / 10);
        assertTrue(spacing.due(started + 71 * SECOND), "a short pass, a short wait");
        assertFalse(spacing.due(started + 70 * SECOND + SECOND / 2));
    }

    @Test
    void theClockMayBeNegativeAndAPassTakeNoMeasurableTime() {
        final PassSpacing spacing = new PassSpacing();
        spacing.passed(-3 * SECOND, -3 * SECOND);
        assertEquals(1, spacing.lastTook());
        assertFalse(spacing.due(-3 * SECOND + 9));
        assertTrue(spacing.due(-3 * SECOND + 10));
    }
}
