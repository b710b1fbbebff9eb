package dev.hyphae.codec;

import dev.hyphae.ProtocolException;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Packed columns (specification, "Encoding", section "Packed columns"): unsigned LEB128 varints, zigzag
 * varints and front-coded byte strings inside FlatBuffers byte vectors.
 *
 * <p>A varint is 1 to 10 bytes, 7 bits per byte, least significant group first, the high bit set on every
 * byte but the last. It is minimal: its last byte is not 0 unless it is the only byte, and a tenth byte is
 * 0 or 1. Every other form is malformed, so that one value has one encoding.
 *
 * <p>A column of varints can be <em>repeat-coded</em> (section "Repeat coding"): an item equal to the item before
 * it, when that item did not itself end a repeat, is followed by a Count of further repeats, so that a run of
 * n &ge; 2 equal values takes {@code v, v, n - 2}. {@link Reader#repeatCoded} and {@link Writer#repeatCoded} are the
 * pair for any such column; for a column of zigzag varints their values are the zigzag forms.
 */
final class Packed {

    private Packed() {
    }

    /** zigzag(n) = (n << 1) XOR (n >> 63): a signed 64-bit value as the unsigned value of its zigzag varint. */
    static long zigzagOf(long value) {
        return (value << 1) ^ (value >> 63);
    }

    /** unzigzag(u) = (u >>> 1) XOR -(u AND 1): the signed value of a zigzag varint's unsigned value. */
    static long unzigzag(long u) {
        return (u >>> 1) ^ -(u & 1);
    }

    /** Reads a packed column: a bounded slice of the payload, consumed front to back. */
    static final class Reader {
        /**
         * The bytes the column is read from, {@code [position, end)} of it: the buffer's own array where it has one
         * (every payload decoded from a byte array), otherwise a copy of the column. Read as an array rather than
         * through the buffer, which checks every index and its memory scope on each of the many single-byte reads.
         */
        private final byte[] bytes;
        private final String column;
        private int position;
        private final int end;

        /** The column named {@code column} at {@code [start, start + length)} of the buffer, already verified in bounds. */
        Reader(ByteBuffer buffer, int start, int length, String column) {
            if (buffer.hasArray()) {
                this.bytes = buffer.array();
                this.position = buffer.arrayOffset() + start;
            } else {
                this.bytes = new byte[length];
                buffer.get(start, this.bytes);
                this.position = 0;
            }
            this.end = this.position + length;
            this.column = column;
        }

        /** An empty column (an absent vector). */
        static Reader empty(ByteBuffer buffer, String column) {
            return new Reader(buffer, 0, 0, column);
        }

        /**
         * The column named {@code column} held by {@code slice}, a generated accessor's view of a verified vector,
         * from its position to its limit; an empty column if {@code slice} is {@code null}, for an absent vector.
         */
        static Reader of(ByteBuffer slice, String column) {
            return slice == null ? empty(ByteBuffer.allocate(0), column)
                    : new Reader(slice, slice.position(), slice.remaining(), column);
        }

        boolean atEnd() {
            return position == end;
        }

        /** Fails unless every byte of the column was consumed: trailing bytes are malformed. */
        void expectEnd() throws ProtocolException {
            if (position != end) {
                throw Malformed.decode("%s has %d trailing bytes", column, end - position);
            }
        }

        /** An unsigned 64-bit varint, as a Java long read unsigned. */
        long varint() throws ProtocolException {
            if (position < end && bytes[position] >= 0) {
                return bytes[position++];   // one byte, the common case: minimal whatever its value
            }
            long value = 0;
            for (int i = 0; i < 10; i++) {
                if (position >= end) {
                    throw Malformed.decode("%s ends inside a varint", column);
                }
                int b = bytes[position++] & 0xFF;
                if (i == 9 && b > 1) {
                    throw Malformed.decode("%s holds a varint beyond 64 bits", column);
                }
                value |= (long) (b & 0x7F) << (7 * i);
                if ((b & 0x80) == 0) {
                    if (b == 0 && i > 0) {
                        throw Malformed.decode("%s holds a varint that is not minimal", column);
                    }
                    return value;
                }
            }
            throw Malformed.decode("%s holds a varint longer than 10 bytes", column);
        }

        /** A varint that must be at most {@code max}, returned as an int. */
        int varint(int max, String what) throws ProtocolException {
            long value = varint();
            if (Long.compareUnsigned(value, max) > 0) {
                throw Malformed.decode("%s: %s %s exceeds %d", column, what, Long.toUnsignedString(value), max);
            }
            return (int) value;
        }

        /** A zigzag varint: a signed 64-bit value. */
        long zigzag() throws ProtocolException {
            return unzigzag(varint());
        }

        /**
         * The {@code n} values of a repeat-coded column of varints (HY-ENC-081 to HY-ENC-083), as unsigned 64-bit
         * values; {@code n} is a count that the caller has already checked against its limit. A Count has the
         * maximum of the values left, so that no run takes the column past its {@code n} values, and the item after
         * a Count must differ from the run's value, so that runs are maximal and the column has one form. The
         * caller checks, with {@link #expectEnd}, that nothing follows.
         */
        long[] repeatCoded(int n) throws ProtocolException {
            long[] values = new long[n];
            int filled = 0;
            // Whether the item before may start a repeat: it is an item, and not the last value of a repeat.
            boolean mayRepeat = false;
            while (filled < n) {
                long item = varint();
                boolean repeats = filled > 0 && item == values[filled - 1];
                values[filled++] = item;
                if (!repeats) {
                    mayRepeat = true;
                    continue;
                }
                if (!mayRepeat) {
                    throw Malformed.decode("%s: a value repeats right after the count of its run, which is not maximal", column);
                }
                int more = varint(n - filled, "repeat count");
                Arrays.fill(values, filled, filled + more, item);
                filled += more;
                mayRepeat = false;
            }
            return values;
        }

        /** Whether {@code n} more bytes are left: a length read from the input is compared with this before use. */
        boolean hasBytes(long n) {
            return n >= 0 && n <= end - position;
        }

        /** The next {@code n} bytes, which {@link #hasBytes} has confirmed are there, into {@code into} at {@code offset}. */
        void bytes(byte[] into, int offset, int n) {
            System.arraycopy(bytes, position, into, offset, n);
            position += n;
        }

        /** A little-endian 64-bit integer of 8 bytes. */
        long fixed64() throws ProtocolException {
            if (!hasBytes(8)) {
                throw Malformed.decode("%s ends inside a 64-bit value", column);
            }
            long value = 0;
            for (int i = 0; i < 8; i++) {
                value |= (long) (bytes[position++] & 0xFF) << (8 * i);
            }
            return value;
        }

        /**
         * The next front-coded byte string, given the previous one of this column (empty for the first).
         *
         * @param maxLength the longest string the column may hold
         */
        byte[] frontCoded(byte[] previous, int maxLength) throws ProtocolException {
            int shared = varint(previous.length, "shared prefix length");
            int suffix = varint(maxLength, "suffix length");
            if (shared + suffix > maxLength) {
                throw Malformed.decode("%s: a value of %d bytes exceeds its limit %d", column, shared + suffix, maxLength);
            }
            if (suffix > end - position) {
                throw Malformed.decode("%s: a suffix of %d bytes runs past the column", column, suffix);
            }
            byte[] value = Arrays.copyOf(previous, shared + suffix);
            System.arraycopy(bytes, position, value, shared, suffix);
            position += suffix;
            return value;
        }
    }

    /** Builds a packed column. */
    static final class Writer {
        private byte[] bytes = new byte[16];
        private int size;

        boolean isEmpty() {
            return size == 0;
        }

        byte[] toByteArray() {
            return Arrays.copyOf(bytes, size);
        }

        private void ensure(int more) {
            if (size + more > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
            }
        }

        /** An unsigned 64-bit varint. */
        Writer varint(long value) {
            ensure(10);
            while ((value & ~0x7FL) != 0) {
                bytes[size++] = (byte) ((value & 0x7F) | 0x80);
                value >>>= 7;
            }
            bytes[size++] = (byte) value;
            return this;
        }

        /** A signed 64-bit value as a zigzag varint. */
        Writer zigzag(long value) {
            return varint(zigzagOf(value));
        }

        /**
         * The first {@code n} of {@code values}, unsigned 64-bit values, as a repeat-coded column (HY-ENC-084): each
         * maximal run of equal values as its value, once if the run has one value, and otherwise twice followed by
         * the varint of its length minus 2.
         */
        Writer repeatCoded(long[] values, int n) {
            for (int i = 0; i < n; ) {
                int end = i + 1;
                while (end < n && values[end] == values[i]) {
                    end++;
                }
                varint(values[i]);
                if (end - i >= 2) {
                    varint(values[i]).varint(end - i - 2);
                }
                i = end;
            }
            return this;
        }

        /** The bytes of {@code value} as they are. */
        Writer bytes(byte[] value, int offset, int length) {
            ensure(length);
            System.arraycopy(value, offset, bytes, size, length);
            size += length;
            return this;
        }

        /** A 64-bit integer as 8 bytes, little-endian. */
        Writer fixed64(long value) {
            ensure(8);
            for (int i = 0; i < 8; i++) {
                bytes[size++] = (byte) (value >>> (8 * i));
            }
            return this;
        }

        /** {@code value} front-coded against {@code previous}. */
        Writer frontCoded(byte[] previous, byte[] value) {
            int shared = Arrays.mismatch(previous, value);
            if (shared < 0) {
                shared = value.length;
            }
            shared = Math.min(shared, Math.min(previous.length, value.length));
            varint(shared);
            varint(value.length - shared);
            ensure(value.length - shared);
            System.arraycopy(value, shared, bytes, size, value.length - shared);
            size += value.length - shared;
            return this;
        }
    }
}
