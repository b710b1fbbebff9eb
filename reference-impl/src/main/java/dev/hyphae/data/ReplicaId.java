package dev.hyphae.data;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * A replica id: 16 bytes, compared as an unsigned byte string (HY-CONV-002). The all-zero id is reserved.
 *
 * <pre>
 *  0                   1
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5   byte
 * +-------------------------------+
 * |     Replica Id (128 bits)     |
 * +-------------------------------+
 * </pre>
 */
public final class ReplicaId implements Comparable<ReplicaId> {

    /** Length of a replica id in bytes. */
    public static final int LENGTH = 16;

    private final byte[] bytes;
    /** Computed once: replica ids key the hash maps of a replica's state, which ask for it on every write. */
    private final int hash;
    /**
     * The 16 bytes as two big-endian 64-bit halves, so that equality and order (unsigned, byte by byte) are two
     * comparisons of longs: a replica's maps compare the ids of every dot a delta brings with their own.
     */
    private final long high;
    private final long low;

    private ReplicaId(byte[] bytes) {
        this.bytes = bytes;
        this.hash = Arrays.hashCode(bytes);
        java.nio.ByteBuffer halves = java.nio.ByteBuffer.wrap(bytes);   // big-endian
        this.high = halves.getLong(0);
        this.low = halves.getLong(8);
    }

    /**
     * The replica id with the given 16 bytes (copied).
     *
     * @throws IllegalArgumentException if there are not 16 bytes, or all are zero
     */
    public static ReplicaId of(byte[] bytes) {
        if (bytes.length != LENGTH) {
            throw new IllegalArgumentException("a replica id has " + LENGTH + " bytes, not " + bytes.length);
        }
        if (isZero(bytes, 0)) {
            throw new IllegalArgumentException("the all-zero replica id is reserved");
        }
        return new ReplicaId(bytes.clone());
    }

    /** The replica id written as 32 lowercase hexadecimal digits. */
    public static ReplicaId fromHex(String hex) {
        return of(HexFormat.of().parseHex(hex));
    }

    /** A new replica id from 128 bits of the given cryptographically secure source. */
    public static ReplicaId random(SecureRandom random) {
        byte[] bytes = new byte[LENGTH];
        do {
            random.nextBytes(bytes);
        } while (isZero(bytes, 0));
        return new ReplicaId(bytes);
    }

    /** Whether the 16 bytes at {@code offset} are all zero, the reserved id. */
    public static boolean isZero(byte[] buffer, int offset) {
        for (int i = 0; i < LENGTH; i++) {
            if (buffer[offset + i] != 0) {
                return false;
            }
        }
        return true;
    }

    /** A copy of the 16 bytes. */
    public byte[] toBytes() {
        return bytes.clone();
    }

    /** Copies the 16 bytes into {@code target} at {@code offset}. */
    public void copyTo(byte[] target, int offset) {
        System.arraycopy(bytes, 0, target, offset, LENGTH);
    }

    /** 32 lowercase hexadecimal digits. */
    public String toHex() {
        return HexFormat.of().formatHex(bytes);
    }

    // HY-CONV-002: identifiers are ordered as unsigned byte strings.
    @Override
    public int compareTo(ReplicaId other) {
        // Big-endian halves compared unsigned order the bytes as unsigned, most significant first.
        int byHigh = Long.compareUnsigned(high, other.high);
        return byHigh != 0 ? byHigh : Long.compareUnsigned(low, other.low);
    }

    @Override
    public boolean equals(Object o) {
        return o == this || o instanceof ReplicaId other && high == other.high && low == other.low;
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        return toHex();
    }
}
