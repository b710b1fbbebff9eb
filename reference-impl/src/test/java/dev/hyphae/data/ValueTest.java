package dev.hyphae.data;

import dev.hyphae.spec.Requirement;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Exact equality and the total order of values, at the corners where languages disagree. */
class ValueTest {

    @Test
    @Requirement({"HY-DATA-014", "HY-DATA-011"})
    void floatEqualityIsByBitPattern() {
        assertEquals(Value.of(Double.NaN), Value.of(Double.NaN));
        assertNotEquals(Value.of(Double.NaN), Value.of(Double.longBitsToDouble(0x7ff8000000000001L)));
        assertNotEquals(Value.of(0.0), Value.of(-0.0));
        assertNotEquals(Value.of(1L), Value.of(1.0));
    }

    @Test
    @Requirement("HY-DATA-013")
    void stringsAreNotNormalised() {
        assertNotEquals(Value.of("\u00e9"), Value.of("e\u0301"), "precomposed and decomposed forms differ");
    }

    @Test
    @Requirement("HY-DATA-015")
    void valuesOrderByKindThenWithinKind() {
        List<Value> expected = List.of(
                Value.ofNull(), Value.of(false), Value.of(true),
                Value.of(Long.MIN_VALUE), Value.of(-1L), Value.of(0L), Value.of(Long.MAX_VALUE),
                Value.of(Double.longBitsToDouble(0xfff8000000000000L)), Value.of(Double.NEGATIVE_INFINITY),
                Value.of(-1.0), Value.of(-0.0), Value.of(0.0), Value.of(1.0), Value.of(Double.POSITIVE_INFINITY),
                Value.of(Double.NaN),
                Value.of(""), Value.of("a"), Value.of("\uffff"), Value.of("\ud83c\udf44"),
                Value.of(new byte[0]), Value.of(new byte[] {0x7f}), Value.of(new byte[] {(byte) 0x80}));
        List<Value> shuffled = new ArrayList<>(expected);
        Collections.reverse(shuffled);
        Collections.sort(shuffled);
        assertEquals(expected, shuffled);
    }

    @Test
    @Requirement("HY-DATA-015")
    void stringsOrderByUtf8BytesNotUtf16Units() {
        // U+FFFF is EF BF BF; U+1F344 is F0 9F 8D 84. In UTF-16, the surrogate D83C sorts first.
        assertTrue(Value.of("\uffff").compareTo(Value.of("\ud83c\udf44")) < 0);
        assertTrue("\uffff".compareTo("\ud83c\udf44") > 0, "Java's own String order says the opposite");
    }

    @Test
    @Requirement("HY-DATA-012")
    void invalidUtf8IsRefused() {
        assertNull(Value.Str.fromUtf8(new byte[] {(byte) 0xc0, (byte) 0x80}), "overlong NUL");
        assertNull(Value.Str.fromUtf8(new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80}), "encoded surrogate");
        assertNull(Value.Str.fromUtf8(new byte[] {(byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80}), "above U+10FFFF");
        assertNull(Value.Str.fromUtf8(new byte[] {(byte) 0xe2, (byte) 0x82}), "truncated sequence");
        assertEquals(Value.of("\u20ac"), Value.Str.fromUtf8("\u20ac".getBytes(StandardCharsets.UTF_8)));
        assertThrows(IllegalArgumentException.class, () -> Value.of("\ud800"), "an unpaired surrogate");
    }

    @Test
    @Requirement("HY-DATA-044")
    void lengthLimitsAreEnforced() {
        assertThrows(IllegalArgumentException.class, () -> Value.of("x".repeat(Limits.MAX_STRING_LENGTH + 1)));
        assertEquals(Limits.MAX_STRING_LENGTH, ((Value.Str) Value.of("x".repeat(Limits.MAX_STRING_LENGTH))).utf8().length);
        assertThrows(IllegalArgumentException.class, () -> Value.of(new byte[Limits.MAX_BYTES_LENGTH + 1]));
    }
    /**
     * A string decoded from ASCII bytes makes its String only when asked: before and after, it equals the string made
     * from a String, with the same hash code, order and text, whichever is asked first.
     */
    @net.jqwik.api.Property(tries = 300)
    void aStringMadeLazilyEqualsOneMadeEagerly(@net.jqwik.api.ForAll @net.jqwik.api.constraints.CharRange(from = 0, to = 0x7f)
                                                @net.jqwik.api.constraints.StringLength(max = 20) String text,
                                                @net.jqwik.api.ForAll @net.jqwik.api.constraints.StringLength(max = 20) String other) {
        Value eager = Value.of(text);
        Value.Str lazy = Value.Str.fromUtf8(text.getBytes(StandardCharsets.US_ASCII));
        Value.Str lazyAskedFirst = Value.Str.fromUtf8(text.getBytes(StandardCharsets.US_ASCII));
        assertEquals(text, lazyAskedFirst.value());
        for (Value.Str str : List.of(lazy, lazyAskedFirst)) {
            assertEquals(eager, str);
            assertEquals(str, eager);
            assertEquals(eager.hashCode(), str.hashCode());
            assertEquals(0, eager.compareTo(str));
            assertEquals(0, str.compareTo(eager));
            Value others = Value.of(other);
            assertEquals(Integer.signum(eager.compareTo(others)), Integer.signum(str.compareTo(others)));
            assertEquals(Integer.signum(others.compareTo(eager)), Integer.signum(others.compareTo(str)));
            assertEquals(eager.toString(), str.toString());
            assertEquals(text, str.value());
        }
    }
}
