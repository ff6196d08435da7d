package dev.dora.launcher.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** A figure says whether it meets its target and by how much it misses. */
@Tag("unit")
class FigureTest {

    @Test
    void targetsAtLeastAndAtMost() {
        final Figure slow = Figure.targeted("b", "backfill", 1_430.0, "events/s",
                Figure.Target.atLeast(20_000, "≥ 20,000 events/s"), null);
        assertEquals(false, slow.met());
        assertEquals("7.2 % of it", slow.shortfall());
        assertEquals("1,430 events/s", slow.formatted());
        final Figure fast = Figure.targeted("q", "query", 8.25, "ms", Figure.Target.atMost(10, "≤ 10 ms"), null);
        assertEquals(true, fast.met());
        assertNull(fast.shortfall());
        assertEquals("8.3 ms", fast.formatted());
        final Figure over = Figure.targeted("q", "query", 2_500.0, "ms", Figure.Target.atMost(100, "≤ 100 ms"), null);
        assertEquals("25.0× the limit", over.shortfall());
        assertEquals("2,500 ms", over.formatted());
        assertEquals("12.5 s", Figure.info("x", "x", 12_500.0, "ms", null).formatted());
    }

    @Test
    void noTargetOrNoValueMeansNoVerdict() {
        assertNull(Figure.info("x", "x", 5.0, "s", null).met());
        final Figure missing = Figure.targeted("x", "x", null, "s", Figure.Target.atMost(10, "≤ 10 s"), null);
        assertNull(missing.met());
        assertEquals("n/a", missing.formatted());
        assertEquals("2.50 GiB", Figure.info("d", "d", 2.5 * (1L << 30), "bytes", null).formatted());
        assertEquals("640.0 MiB", Figure.info("d", "d", 640.0 * (1L << 20), "bytes", null).formatted());
    }
}
