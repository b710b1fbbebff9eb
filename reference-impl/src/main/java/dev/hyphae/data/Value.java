package dev.hyphae.data;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * A value of a register, a set element, or a map key (specification, "Values"): null, bool, int64, float64,
 * string or bytes.
 *
 * <p>Equality is exact: a float64 equals another only with the same bit pattern (so NaN can equal NaN, and
 * 0.0 differs from -0.0); a string equals another only with the same UTF-8 bytes (no Unicode
 * normalisation); values of different types are never equal (int64 1 is not float64 1.0).
 *
 * <p>Values are totally ordered: by {@link Kind} first, then within a kind as {@link #compareTo} says.
 */
public sealed interface Value extends Comparable<Value>
        permits Value.Null, Value.Bool, Value.Int64, Value.Float64, Value.Str, Value.Bytes {

    /** The value types, in their order. */
    enum Kind { NULL, BOOL, INT64, FLOAT64, STRING, BYTES }

    /** This value's type. */
    Kind kind();

    /** The null value. */
    static Value ofNull() {
        return Null.INSTANCE;
    }

    /** A bool value. */
    static Value of(boolean value) {
        return value ? Bool.TRUE : Bool.FALSE;
    }

    /** An int64 value. */
    static Value of(long value) {
        return new Int64(value);
    }

    /** A float64 value with the bit pattern of {@code value}. */
    static Value of(double value) {
        return new Float64(Double.doubleToRawLongBits(value));
    }

    /**
     * A string value.
     *
     * @throws IllegalArgumentException if the string holds an unpaired surrogate, which UTF-8 cannot encode,
     *                                  or is longer than {@link Limits#MAX_STRING_LENGTH} bytes of UTF-8
     */
    static Value of(String value) {
        try {
            ByteBuffer encoded = StandardCharsets.UTF_8.newEncoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .encode(CharBuffer.wrap(value));
            byte[] utf8 = Arrays.copyOf(encoded.array(), encoded.limit());
            return Str.checked(utf8, value);
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("a string value must be Unicode scalar values only", e);
        }
    }

    /**
     * A bytes value (copied).
     *
     * @throws IllegalArgumentException if longer than {@link Limits#MAX_BYTES_LENGTH}
     */
    static Value of(byte[] value) {
        if (value.length > Limits.MAX_BYTES_LENGTH) {
            throw new IllegalArgumentException("bytes value of " + value.length + " bytes exceeds MAX_BYTES_LENGTH");
        }
        return new Bytes(value.clone());
    }

    @Override
    default int compareTo(Value other) {
        int byKind = kind().compareTo(other.kind());
        if (byKind != 0) {
            return byKind;
        }
        return switch (kind()) {
            case NULL -> 0;
            case BOOL -> Boolean.compare(((Bool) this).value(), ((Bool) other).value());
            case INT64 -> Long.compare(((Int64) this).value(), ((Int64) other).value());
            case FLOAT64 -> Long.compareUnsigned(
                    Float64.totalOrderKey(((Float64) this).bits()), Float64.totalOrderKey(((Float64) other).bits()));
            case STRING -> Arrays.compareUnsigned(((Str) this).utf8, ((Str) other).utf8);
            case BYTES -> Arrays.compareUnsigned(((Bytes) this).bytes, ((Bytes) other).bytes);
        };
    }

    /** The null value. */
    record Null() implements Value {
        static final Null INSTANCE = new Null();

        @Override
        public Kind kind() {
            return Kind.NULL;
        }

        @Override
        public String toString() {
            return "null";
        }
    }

    /** A bool value; false orders before true. */
    record Bool(boolean value) implements Value {
        static final Bool TRUE = new Bool(true);
        static final Bool FALSE = new Bool(false);

        @Override
        public Kind kind() {
            return Kind.BOOL;
        }

        @Override
        public String toString() {
            return Boolean.toString(value);
        }
    }

    /** A signed 64-bit integer, ordered by value. */
    record Int64(long value) implements Value {
        @Override
        public Kind kind() {
            return Kind.INT64;
        }

        @Override
        public String toString() {
            return Long.toString(value);
        }
    }

    /**
     * An IEEE 754 binary64 value, held as its bit pattern so that equality is by bits. Ordered by the IEEE 754
     * totalOrder predicate: -NaN &lt; -&infin; &lt; ... &lt; -0.0 &lt; 0.0 &lt; ... &lt; +&infin; &lt; +NaN.
     */
    record Float64(long bits) implements Value {
        @Override
        public Kind kind() {
            return Kind.FLOAT64;
        }

        /** The value as a Java double (NaN payloads may not survive arithmetic on it). */
        public double value() {
            return Double.longBitsToDouble(bits);
        }

        /**
         * The unsigned key whose order is totalOrder: negative values (sign set) have all bits inverted,
         * others have the sign bit set.
         */
        static long totalOrderKey(long bits) {
            return bits < 0 ? ~bits : bits ^ Long.MIN_VALUE;
        }

        @Override
        public String toString() {
            return Double.toString(value()) + "/0x" + Long.toHexString(bits);
        }
    }

    /** A string: a sequence of Unicode scalar values, held as its UTF-8 bytes, ordered by those bytes. */
    final class Str implements Value {
        private final byte[] utf8;
        /**
         * The string, or null until first asked for when the bytes are ASCII: a received delta decodes a key per
         * entry and mostly only hashes and compares its bytes. Not volatile: a race makes it twice, and a String is
         * safely published through a race.
         */
        private String value;
        /** The hash code once computed, or 0 (a race only computes it twice). */
        private int hash;

        private Str(byte[] utf8, String value) {
            this.utf8 = utf8;
            this.value = value;
        }

        static Str checked(byte[] utf8, String value) {
            if (utf8.length > Limits.MAX_STRING_LENGTH) {
                throw new IllegalArgumentException("string of " + utf8.length + " bytes exceeds MAX_STRING_LENGTH");
            }
            return new Str(utf8, value);
        }

        /**
         * The string whose UTF-8 encoding is {@code utf8}, or {@code null} if the bytes are not valid UTF-8
         * (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF) or exceed the length limit.
         */
        public static Str fromUtf8(byte[] utf8) {
            if (utf8.length > Limits.MAX_STRING_LENGTH) {
                return null;
            }
            if (isAscii(utf8)) {
                // Bytes below 0x80 are valid UTF-8 and decode one character each, as Latin-1 decodes them, without
                // a decoder: most map keys are ASCII, and a received delta decodes one per entry. The String itself
                // is made when first asked for.
                return new Str(utf8.clone(), null);
            }
            try {
                String decoded = StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(utf8))
                        .toString();
                return new Str(utf8.clone(), decoded);
            } catch (CharacterCodingException e) {
                return null;
            }
        }

        private static boolean isAscii(byte[] bytes) {
            for (byte b : bytes) {
                if (b < 0) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public Kind kind() {
            return Kind.STRING;
        }

        /** The string. */
        public String value() {
            String v = value;
            if (v == null) {
                v = new String(utf8, StandardCharsets.ISO_8859_1);   // only ASCII strings are left without it
                value = v;
            }
            return v;
        }

        /** A copy of the UTF-8 bytes. */
        public byte[] utf8() {
            return utf8.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o == this || o instanceof Str other && hashCode() == other.hashCode() && Arrays.equals(utf8, other.utf8);
        }

        @Override
        public int hashCode() {
            // Computed once, as String does: a map key is hashed on every lookup of a replica's entries.
            int h = hash;
            if (h == 0) {
                h = Arrays.hashCode(utf8);
                hash = h;
            }
            return h;
        }

        @Override
        public String toString() {
            return '"' + value() + '"';
        }
    }

    /** A byte string, ordered as unsigned bytes. */
    final class Bytes implements Value {
        private final byte[] bytes;

        private Bytes(byte[] bytes) {
            this.bytes = bytes;
        }

        @Override
        public Kind kind() {
            return Kind.BYTES;
        }

        /** A copy of the bytes. */
        public byte[] value() {
            return bytes.clone();
        }

        /** The number of bytes. */
        public int length() {
            return bytes.length;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Bytes other && Arrays.equals(bytes, other.bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            return "0x" + HexFormat.of().formatHex(bytes);
        }
    }
}
