package dev.hyphae.data;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Positions are unsigned 64-bit: those above 2^63 - 1, negative as a Java long, order after every smaller one. */
class SeqTest {

    private static final long TWO_TO_THE_63 = Long.MIN_VALUE;     // 9223372036854775808
    private static final long LARGEST = -1L;                      // 18446744073709551615

    @Test
    void positionsAboveTwoToTheSixtyThreeOrderAfterSmallerOnes() {
        assertTrue(Seq.after(TWO_TO_THE_63, Long.MAX_VALUE));
        assertTrue(Seq.after(LARGEST, TWO_TO_THE_63));
        assertTrue(Seq.before(0, TWO_TO_THE_63));
        assertTrue(Seq.before(1, LARGEST));
        assertFalse(Seq.after(TWO_TO_THE_63, TWO_TO_THE_63));
        assertEquals(0, Seq.compare(LARGEST, LARGEST));
        assertEquals(TWO_TO_THE_63 + 5, Seq.max(7, TWO_TO_THE_63 + 5));
        assertEquals(LARGEST, Seq.max(LARGEST, Long.MAX_VALUE));
        assertEquals("9223372036854775808", Seq.toString(TWO_TO_THE_63));
        assertEquals("18446744073709551615", Seq.toString(LARGEST));
    }

    @Test
    void aLogKeyedInThisOrderListsPositionsAsNumbers() {
        TreeMap<Long, String> log = new TreeMap<>(Seq.ORDER);
        for (long seq : List.of(LARGEST, 2L, TWO_TO_THE_63, Long.MAX_VALUE, 1L)) {
            log.put(seq, Seq.toString(seq));
        }
        assertEquals(List.of(1L, 2L, Long.MAX_VALUE, TWO_TO_THE_63, LARGEST), List.copyOf(log.keySet()));
        assertEquals(List.of(TWO_TO_THE_63, LARGEST), List.copyOf(log.tailMap(Long.MAX_VALUE, false).keySet()));
    }
}
