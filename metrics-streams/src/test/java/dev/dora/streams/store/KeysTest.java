package dev.dora.streams.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.kafka.common.utils.Bytes;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class KeysTest {

    @Test
    void byteOrderIsTheOrderRangeScansNeed() {
        final Bytes early = Keys.of((byte) 't').str("shop").num(-5).str("z").build();
        final Bytes late = Keys.of((byte) 't').str("shop").num(7).str("a").build();
        final Bytes shorterName = Keys.of((byte) 't').str("sho").num(100).build();
        assertTrue(early.compareTo(late) < 0, "numbers order as numbers, negatives first");
        assertTrue(shorterName.compareTo(early) < 0, "a name sorts before its extensions");
        assertTrue(late.compareTo(Keys.after(Keys.of((byte) 't').str("shop").build())) < 0);
    }

    @Test
    void readsWhatItBuilt() {
        final Bytes key = Keys.of((byte) 's').str("Shop API").str("abc").num(1_700_000_000_000L).str("d-1").build();
        final Keys.Reader in = Keys.read(key, true);
        assertEquals("Shop API", in.str());
        assertEquals("abc", in.str());
        assertEquals(1_700_000_000_000L, in.num());
        assertEquals("d-1", in.str());
    }

    @Test
    void aPrefixEndsBeforeTheNextPrefix() {
        assertEquals(Bytes.wrap(new byte[] {'a', 'c'}), StagedStore.prefixEnd(Bytes.wrap(new byte[] {'a', 'b'})));
        assertEquals(Bytes.wrap(new byte[] {'b'}), StagedStore.prefixEnd(Bytes.wrap(new byte[] {'a', (byte) 0xFF})));
        assertEquals(null, StagedStore.prefixEnd(Bytes.wrap(new byte[] {(byte) 0xFF})));
    }

    @Test
    void stringsCompareAsTheKeysHoldingThemSort() {
        final List<String> strings = new ArrayList<>(List.of("", "a", "ab", "abc", "b", "\uE000", "\uFFFD",
                new String(Character.toChars(0x1F600)), "a" + new String(Character.toChars(0x10000)), "a\uFFFF"));
        final Random random = new Random(7);
        for (int i = 0; i < 200; i++) {
            final StringBuilder s = new StringBuilder();
            for (int c = random.nextInt(4); c > 0; c--) {
                final int[] pool = {'0', 'f', 0x7F, 0x80, 0x7FF, 0x800, 0xE000, 0xFFFF, 0x10000, 0x10FFFF};
                s.appendCodePoint(pool[random.nextInt(pool.length)]);
            }
            strings.add(s.toString());
        }
        for (final String a : strings) {
            for (final String b : strings) {
                final int keys = Keys.untagged().str(a).build().compareTo(Keys.untagged().str(b).build());
                assertEquals(Integer.signum(keys), Integer.signum(Keys.compareUtf8(a, b)), a + " against " + b);
            }
        }
    }
}
