package dev.hyphae.crdt;

import dev.hyphae.data.CausalContext;
import dev.hyphae.data.Dot;
import dev.hyphae.data.MutationRefusedException;
import dev.hyphae.data.ReplicaId;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * PNCounter (type 2): a counter that goes up and down, as a DotFun from dots to a pair of unsigned 64-bit
 * totals (increments, decrements). Each replica holds one entry with its two running totals.
 */
public final class PNCounter implements Crdt {

    /** The empty counter, whose value is 0. */
    public static final PNCounter EMPTY = new PNCounter(new TreeMap<>());

    /**
     * One replica's running totals, both unsigned.
     *
     * @param increments the total of its increments
     * @param decrements the total of its decrements
     */
    public record Totals(long increments, long decrements) {
        /** The data order used to break a tie between two entries of one dot: increments, then decrements. */
        static final Comparator<Totals> ORDER = (a, b) -> {
            int byIncrements = Long.compareUnsigned(a.increments, b.increments);
            return byIncrements != 0 ? byIncrements : Long.compareUnsigned(a.decrements, b.decrements);
        };
    }

    private final NavigableMap<Dot, Totals> totals;

    private PNCounter(TreeMap<Dot, Totals> totals) {
        this.totals = Collections.unmodifiableNavigableMap(totals);
    }

    /** The counter with exactly these entries. */
    public static PNCounter of(java.util.SortedMap<Dot, Totals> totals) {
        return new PNCounter(new TreeMap<>(totals));
    }

    /** The entries. */
    public NavigableMap<Dot, Totals> totals() {
        return totals;
    }

    /** The value: all increments minus all decrements, exactly. */
    public BigInteger value() {
        BigInteger value = BigInteger.ZERO;
        for (Totals t : totals.values()) {
            value = value.add(GCounter.unsigned(t.increments)).subtract(GCounter.unsigned(t.decrements));
        }
        return value;
    }

    /** The delta of adding {@code amount} (unsigned, at least 1) at {@code replica}. */
    public CausalState<PNCounter> increment(CausalContext context, ReplicaId replica, long amount) {
        return change(context, replica, amount, true);
    }

    /** The delta of subtracting {@code amount} (unsigned, at least 1) at {@code replica}. */
    public CausalState<PNCounter> decrement(CausalContext context, ReplicaId replica, long amount) {
        return change(context, replica, amount, false);
    }

    private CausalState<PNCounter> change(CausalContext context, ReplicaId replica, long amount, boolean up) {
        if (amount == 0) {
            throw new MutationRefusedException("an increment or decrement is at least 1");
        }
        NavigableMap<Dot, Totals> own = DotStores.entriesOf(totals, replica);
        BigInteger increments = BigInteger.ZERO;
        BigInteger decrements = BigInteger.ZERO;
        for (Totals t : own.values()) {
            increments = increments.add(GCounter.unsigned(t.increments));
            decrements = decrements.add(GCounter.unsigned(t.decrements));
        }
        if (up) {
            increments = increments.add(GCounter.unsigned(amount));
        } else {
            decrements = decrements.add(GCounter.unsigned(amount));
        }
        if (increments.compareTo(GCounter.MAX_UNSIGNED_64) > 0 || decrements.compareTo(GCounter.MAX_UNSIGNED_64) > 0) {
            throw new MutationRefusedException("a total of replica " + replica + " would exceed 2^64-1");
        }
        Dot dot = context.nextDot(replica);
        TreeMap<Dot, Totals> entry = new TreeMap<>();
        entry.put(dot, new Totals(increments.longValue(), decrements.longValue()));
        List<Dot> covered = new ArrayList<>(own.keySet());
        covered.add(dot);
        return DeltaLimits.checked(new CausalState<>(new PNCounter(entry), CausalContext.of(covered)));
    }

    @Override
    public int typeId() {
        return CrdtType.PNCOUNTER.id();
    }

    @Override
    public boolean isEmpty() {
        return totals.isEmpty();
    }

    @Override
    public void forEachDot(Consumer<Dot> action) {
        totals.keySet().forEach(action);
    }

    @Override
    public PNCounter join(Crdt other, CausalContext context, CausalContext otherContext) {
        PNCounter that = (PNCounter) other;
        return new PNCounter(DotStores.joinDotFun(totals, context, that.totals, otherContext, Totals.ORDER));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PNCounter other && totals.equals(other.totals);
    }

    @Override
    public int hashCode() {
        return totals.hashCode();
    }

    @Override
    public String toString() {
        return "PNCounter" + totals;
    }
}
