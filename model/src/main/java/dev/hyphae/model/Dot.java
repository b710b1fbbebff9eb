package dev.hyphae.model;

/**
 * A dot (r, n): a replica id and a counter from 1 to 2^64-1, held in a {@code long} and read as unsigned ("Dots").
 * Dots order by replica id, then by counter as unsigned integers.
 */
public record Dot(ReplicaId replica, long counter) implements Comparable<Dot> {

    public Dot {
        if (replica == null) {
            throw new IllegalArgumentException("a dot has a replica id");
        }
        if (counter == 0) {
            throw new IllegalArgumentException("the counter 0 is not valid in a dot");
        }
    }

    @Override
    public int compareTo(Dot other) {
        int byReplica = replica.compareTo(other.replica);
        return byReplica != 0 ? byReplica : Long.compareUnsigned(counter, other.counter);
    }

    @Override
    public String toString() {
        return "(" + replica + ", " + Long.toUnsignedString(counter) + ")";
    }
}
