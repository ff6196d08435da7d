package dev.dora.streams.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
}
