package dev.hyphae.data;

import java.util.Comparator;

/**
 * The rule for sequence numbers and log positions: the {@code seq} of a delta log, the positions {@code held} and
 * {@code acked}, and the {@code from_seq}, {@code to_seq} and {@code seq} of session messages (specification,
 * chapters "Session" and "Sync"). They are unsigned 64-bit integers on the wire, held in a Java {@code long}; a
 * position above 2<sup>63</sup>&minus;1 is then a negative {@code long}, so the operators {@code <}, {@code >},
 * {@link Math#max} and a {@code TreeMap<Long, ...>} in natural order all get it wrong. Every comparison of positions
 * goes through this class.
 *
 * <p>A replica numbers its own log from 1 and could never reach 2<sup>63</sup>, but a neighbour states positions
 * in its own log, and a peer must order whatever a neighbour may legally send.
 */
public final class Seq {

    /** The order of positions, for sorted collections keyed by position. */
    public static final Comparator<Long> ORDER = Long::compareUnsigned;

    private Seq() {
    }

    /** Compares two positions as unsigned numbers: negative, zero or positive as {@code a} is before, at or after {@code b}. */
    public static int compare(long a, long b) {
        return Long.compareUnsigned(a, b);
    }

    /** Whether position {@code a} comes before position {@code b}. */
    public static boolean before(long a, long b) {
        return Long.compareUnsigned(a, b) < 0;
    }

    /** Whether position {@code a} comes after position {@code b}. */
    public static boolean after(long a, long b) {
        return Long.compareUnsigned(a, b) > 0;
    }

    /** The later of two positions. */
    public static long max(long a, long b) {
        return after(a, b) ? a : b;
    }

    /** A position in decimal, as the specification writes it. */
    public static String toString(long seq) {
        return Long.toUnsignedString(seq);
    }
}
