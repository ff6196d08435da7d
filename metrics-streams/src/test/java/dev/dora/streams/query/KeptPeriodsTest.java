package dev.dora.streams.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.dora.streams.store.Scope;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * What {@link KeptPeriods} gives again: a period only at the version it was kept at, never one of another version
 * (which a new version's first period drops), at most its bound of them, and nothing without a version or a bound.
 */
@Tag("unit")
class KeptPeriodsTest {

    private static KeptPeriods.Key week(final long from) {
        return new KeptPeriods.Key(Scope.ORGANISATION, "production", from, from + 7);
    }

    private static KeptPeriods.Kept net(final long incidents) {
        return new KeptPeriods.Kept(null, incidents);
    }

    @Test
    void aPeriodIsGivenOnlyAtItsVersion() {
        final AtomicLong version = new AtomicLong(1);
        final KeptPeriods kept = new KeptPeriods(10, () -> Optional.of(version.get()));
        final KeptPeriods.At first = kept.now();
        first.keep(week(0), net(2));
        assertEquals(2, kept.now().get(week(0)).netIncidents());
        assertNull(kept.now().get(week(7)), "never computed");

        version.set(2);
        final KeptPeriods.At second = kept.now();
        assertNull(second.get(week(0)), "kept at another version");
        second.keep(week(7), net(1));
        version.set(1);
        assertNull(kept.now().get(week(0)), "dropped when the new version's first period was kept");
        assertEquals(1, kept.given());
        assertEquals(2, kept.computed());
    }

    @Test
    void theLeastRecentlyUsedLeaveFirst() {
        final KeptPeriods kept = new KeptPeriods(3, () -> Optional.of("v"));
        final KeptPeriods.At at = kept.now();
        for (int week = 0; week < 3; week++) {
            at.keep(week(7L * week), net(week));
        }
        assertNotNull(at.get(week(0)), "used again, so no longer the eldest");
        at.keep(week(21), net(3));
        assertNull(at.get(week(7)), "the least recently used left");
        assertNotNull(at.get(week(0)));
        assertNotNull(at.get(week(14)));
        assertNotNull(at.get(week(21)));
    }

    @Test
    void withoutAVersionOrABoundNothingIsKept() {
        final KeptPeriods unknown = new KeptPeriods(10, Optional::empty);
        unknown.now().keep(week(0), net(1));
        assertNull(unknown.now().get(week(0)));
        final KeptPeriods none = KeptPeriods.none();
        none.now().keep(week(0), net(1));
        assertNull(none.now().get(week(0)));
        assertEquals(0, unknown.computed() + none.computed());
        assertThrows(IllegalArgumentException.class, () -> new KeptPeriods(-1, Optional::empty));
    }
}
