package dev.hyphae.crdt;

import dev.hyphae.data.CausalContext;
import dev.hyphae.data.Dot;
import dev.hyphae.data.MutationRefusedException;
import dev.hyphae.data.ReplicaId;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * GCounter (type 1): a counter that only grows, as a DotFun from dots to unsigned 64-bit counts. Each replica
 * holds one entry with its running total; an increment replaces it with a new dot holding the new total.
 *
 * <p>Counts are unsigned: a Java {@code long} read with {@link Long#toUnsignedString(long)}.
 */
public final class GCounter implements Crdt {

    /** The empty counter, whose value is 0. */
    public static final GCounter EMPTY = new GCounter(new TreeMap<>());

    static final BigInteger MAX_UNSIGNED_64 = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

    private final NavigableMap<Dot, Long> counts;

    private GCounter(TreeMap<Dot, Long> counts) {
        this.counts = Collections.unmodifiableNavigableMap(counts);
    }

    /** The counter with exactly these entries (counts unsigned). */
    public static GCounter of(java.util.SortedMap<Dot, Long> counts) {
        return new GCounter(new TreeMap<>(counts));
    }

    /** The entries, dot to unsigned count. */
    public NavigableMap<Dot, Long> counts() {
        return counts;
    }

    /** The value: the sum of all counts, exactly (it can exceed 64 bits). */
    public BigInteger value() {
        return sum(counts.values());
    }

    /**
     * The delta of adding {@code amount} at {@code replica}: one new dot holding the replica's new total,
     * with a context that covers the replica's entries it replaces.
     *
     * @param context the context of the state this counter is part of
     * @param amount  an unsigned amount, at least 1
     * @throws MutationRefusedException if the new total would exceed 2<sup>64</sup>&minus;1
     */
    public CausalState<GCounter> increment(CausalContext context, ReplicaId replica, long amount) {
        if (amount == 0) {
            throw new MutationRefusedException("an increment is at least 1");
        }
        NavigableMap<Dot, Long> own = DotStores.entriesOf(counts, replica);
        BigInteger total = sum(own.values()).add(unsigned(amount));
        if (total.compareTo(MAX_UNSIGNED_64) > 0) {
            throw new MutationRefusedException("the count of replica " + replica + " would exceed 2^64-1");
        }
        Dot dot = context.nextDot(replica);
        TreeMap<Dot, Long> entry = new TreeMap<>();
        entry.put(dot, total.longValue());
        List<Dot> covered = new ArrayList<>(own.keySet());
        covered.add(dot);
        return DeltaLimits.checked(new CausalState<>(new GCounter(entry), CausalContext.of(covered)));
    }

    static BigInteger unsigned(long value) {
        return new BigInteger(Long.toUnsignedString(value));
    }

    static BigInteger sum(Iterable<Long> values) {
        BigInteger sum = BigInteger.ZERO;
        for (long value : values) {
            sum = sum.add(unsigned(value));
        }
        return sum;
    }

    @Override
    public int typeId() {
        return CrdtType.GCOUNTER.id();
    }

    @Override
    public boolean isEmpty() {
        return counts.isEmpty();
    }

    @Override
    public void forEachDot(Consumer<Dot> action) {
        counts.keySet().forEach(action);
    }

    @Override
    public GCounter join(Crdt other, CausalContext context, CausalContext otherContext) {
        GCounter that = (GCounter) other;
        return new GCounter(DotStores.joinDotFun(counts, context, that.counts, otherContext, Long::compareUnsigned));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GCounter other && counts.equals(other.counts);
    }

    @Override
    public int hashCode() {
        return counts.hashCode();
    }

    @Override
    public String toString() {
        return "GCounter" + counts;
    }
}
