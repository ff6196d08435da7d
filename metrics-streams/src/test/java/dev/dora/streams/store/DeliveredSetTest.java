package dev.dora.streams.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dora.state.DeliveredChanges;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class DeliveredSetTest {

    @Test
    void keepsEachShaOnceInKeyOrderWithItsLatestTime() {
        final DeliveredSet set = DeliveredSet.of(null);
        set.put("c0", 3);
        set.put("a0", 1);
        set.put("b0", 2);
        set.put("a0", 10);
        set.remove("b0");
        set.remove("zz");
        assertEquals(new DeliveredChanges(List.of("a0", "c0"), List.of(10L, 3L)), set.toRecord());
    }

    @Test
    void changedOnlyWhenSomethingChanged() {
        final DeliveredSet stored = DeliveredSet.of(new DeliveredChanges(List.of("a", "b"), List.of(1L, 2L)));
        stored.put("a", 1);
        stored.remove("x");
        assertFalse(stored.changed());
        stored.put("a", 5);
        assertTrue(stored.changed());
    }

    @Test
    void aSetEmptiedBeforeItWasStoredWritesNothing() {
        final DeliveredSet set = DeliveredSet.of(null);
        set.put("a", 1);
        set.remove("a");
        assertFalse(set.changed());
    }

    @Test
    void anEmptySetIsNoValue() {
        final DeliveredSet set = DeliveredSet.of(new DeliveredChanges(List.of("a"), List.of(1L)));
        set.remove("a");
        assertTrue(set.changed());
        assertNull(set.toRecord());
    }

    /** Against a sorted map in the keys' byte order, through growth, shrinking and reloads. */
    @Test
    void agreesWithASortedMap() {
        final Random random = new Random(11);
        final TreeMap<String, Long> expected = new TreeMap<>(Keys::compareUtf8);
        DeliveredSet set = DeliveredSet.of(null);
        for (int i = 0; i < 5_000; i++) {
            final String sha = Integer.toHexString(random.nextInt(300)) + (random.nextInt(20) == 0 ? "\uFFFD" : "");
            if (random.nextInt(3) == 0) {
                expected.remove(sha);
                set.remove(sha);
            } else {
                expected.put(sha, (long) i);
                set.put(sha, i);
            }
            if (i % 700 == 0) {
                set = DeliveredSet.of(set.toRecord());
            }
        }
        final DeliveredChanges out = set.toRecord();
        assertEquals(new ArrayList<>(expected.keySet()), out.getShas());
        assertEquals(new ArrayList<>(expected.values()), out.getCommittedAt());
    }
}
