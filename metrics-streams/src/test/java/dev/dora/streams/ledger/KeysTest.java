package dev.dora.streams.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.kafka.common.utils.Bytes;
import org.junit.jupiter.api.Test;

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
    void parsesWhatItBuilt() {
        final Bytes key = Keys.of((byte) 's').str("Shop API").str("abc").num(1_700_000_000_000L).str("d-1").build();
        assertEquals(List.of("Shop API", "abc", 1_700_000_000_000L, "d-1"), Keys.parse(key, "ssns", true));
    }
}
