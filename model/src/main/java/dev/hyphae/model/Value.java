package dev.hyphae.model;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * A value ("Values"): null, bool, int64, float64 (a bit pattern, never a number), string or bytes. Values are
 * equal exactly when they have the same type and content, and are totally ordered: by the rank of their type,
 * then within the type ("Order"). Equality and order agree: two values are equal exactly when neither orders first.
 */
public sealed interface Value extends Comparable<Value> {

    /** The rank of the type, 0 for null to 5 for bytes. */
    int rank();

    /** Whether this value can be an ORMap key: an int64, a string or bytes ("Map keys"). */
    default boolean isMapKey() {
        return this instanceof Int64 || this instanceof Str || this instanceof Bytes;
    }

    @Override
    default int compareTo(Value other) {
        if (rank() != other.rank()) {
            return Integer.compare(rank(), other.rank());
        }
        if (this instanceof Bool a) {
            return Boolean.compare(a.value(), ((Bool) other).value());
        } else if (this instanceof Int64 a) {
            return Long.compare(a.value(), ((Int64) other).value());
        } else if (this instanceof Float64 a) {
            return Long.compareUnsigned(Float64.orderKey(a.bits()), Float64.orderKey(((Float64) other).bits()));
        } else if (this instanceof Str a) {
            return Str.compareUtf8(a.value(), ((Str) other).value());
        } else if (this instanceof Bytes a) {
            return a.hex().compareTo(((Bytes) other).hex());
        }
        return 0; // null
    }

    /** The value null. */
    record Null() implements Value {
        public int rank() {
            return 0;
        }
    }

    /** A bool. */
    record Bool(boolean value) implements Value {
        public int rank() {
            return 1;
        }
    }

    /** A signed 64-bit integer. */
    record Int64(long value) implements Value {
        public int rank() {
            return 2;
        }
    }

    /** A float64, as its 64-bit pattern: -0.0 and every NaN payload are distinct values (HY-DATA-011). */
    record Float64(long bits) implements Value {
        public int rank() {
            return 3;
        }

        /** The key whose unsigned order is IEEE 754 totalOrder on bit patterns ("Order of float64 values"). */
        static long orderKey(long bits) {
            return bits < 0 ? bits ^ 0xFFFFFFFFFFFFFFFFL : bits | 0x8000000000000000L;
        }
    }

    /** A string of Unicode scalar values; never normalised (HY-DATA-013). */
    record Str(String value) implements Value {
        public Str {
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
                    i++;
                } else if (Character.isSurrogate(c)) {
                    throw new IllegalArgumentException("a string holds Unicode scalar values, not a lone surrogate");
                }
            }
        }

        public int rank() {
            return 4;
        }

        /** The length of the UTF-8 encoding, in bytes, which MAX_STRING_LENGTH bounds. */
        public int utf8Length() {
            return value.getBytes(StandardCharsets.UTF_8).length;
        }

        /** UTF-8 byte strings order as their code point sequences do, which is not Java's UTF-16 order. */
        static int compareUtf8(String a, String b) {
            int[] x = a.codePoints().toArray();
            int[] y = b.codePoints().toArray();
            for (int i = 0; i < Math.min(x.length, y.length); i++) {
                if (x[i] != y[i]) {
                    return Integer.compare(x[i], y[i]);
                }
            }
            return Integer.compare(x.length, y.length);
        }
    }

    /**
     * A byte string, as its lower-case hexadecimal digits: hex strings order exactly as the bytes do as unsigned
     * byte strings, a proper prefix first.
     */
    record Bytes(String hex) implements Value {
        private static final Pattern HEX = Pattern.compile("([0-9a-f]{2})*");

        public Bytes {
            if (!HEX.matcher(hex).matches()) {
                throw new IllegalArgumentException("bytes are pairs of lower-case hex digits: " + hex);
            }
        }

        public static Bytes of(byte[] bytes) {
            return new Bytes(HexFormat.of().formatHex(bytes));
        }

        public byte[] bytes() {
            return HexFormat.of().parseHex(hex);
        }

        public int rank() {
            return 5;
        }
    }

    Null NULL = new Null();

    static Value of(boolean b) {
        return new Bool(b);
    }

    static Value of(long n) {
        return new Int64(n);
    }

    static Value of(String s) {
        return new Str(s);
    }

    static Value ofBits(long bits) {
        return new Float64(bits);
    }
}
