package dev.hyphae.data;

/**
 * A dot: the name of one write, a replica id and a counter that replica issued. The counter is an unsigned
 * 64-bit integer from 1 to 2<sup>64</sup>&minus;1, held in a Java {@code long} and always compared unsigned.
 *
 * <p>Dots are ordered by replica id, then counter.
 */
public record Dot(ReplicaId replica, long counter) implements Comparable<Dot> {

    public Dot {
        if (replica == null) {
            throw new IllegalArgumentException("a dot needs a replica id");
        }
        if (counter == 0) {
            throw new IllegalArgumentException("a dot counter is never 0");
        }
    }

    @Override
    public int compareTo(Dot other) {
        int byReplica = replica.compareTo(other.replica);
        return byReplica != 0 ? byReplica : Long.compareUnsigned(counter, other.counter);
    }

    @Override
    public String toString() {
        return "(" + replica + "," + Long.toUnsignedString(counter) + ")";
    }
}
