package dev.hyphae.crdt;

import dev.hyphae.data.CausalContext;
import dev.hyphae.data.Dot;
import dev.hyphae.data.MutationRefusedException;
import dev.hyphae.data.ReplicaId;
import dev.hyphae.data.Value;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * LWWRegister (type 3): a last-writer-wins register, as a DotFun from dots to (timestamp, value).
 *
 * <p>A write supersedes every entry it has seen. Concurrent writes stay in the store until a later write
 * supersedes them, and the query picks the winner: the greatest timestamp (unsigned), then the greatest
 * replica id (unsigned bytes), then the greatest dot counter. Every replica picks the same winner. Dropping
 * the losers inside join would be tempting, but it would make join non-associative whenever a replica's
 * clock misbehaves, and join must be a semilattice on every input.
 *
 * <p>Timestamps are hybrid logical clock values: milliseconds since the Unix epoch in the high 48 bits, a
 * logical counter in the low 16 (see {@link HybridLogicalClock}).
 */
public final class LWWRegister implements Crdt {

    /** The empty (unset) register. */
    public static final LWWRegister EMPTY = new LWWRegister(new TreeMap<>());

    /**
     * One write.
     *
     * @param timestamp the writer's hybrid logical clock reading, unsigned
     * @param value     the value written
     */
    public record Write(long timestamp, Value value) {
        /** The data order used to break a tie between two entries of one dot: timestamp, then value. */
        static final Comparator<Write> ORDER = Comparator.<Write>comparingLong(w -> w.timestamp ^ Long.MIN_VALUE)
                .thenComparing(Write::value);
    }

    /** The winner order over entries: timestamp, then replica id, then counter. */
    private static final Comparator<Map.Entry<Dot, Write>> WINNER_ORDER =
            Comparator.<Map.Entry<Dot, Write>>comparingLong(e -> e.getValue().timestamp ^ Long.MIN_VALUE)
                    .thenComparing(Map.Entry::getKey);

    private final NavigableMap<Dot, Write> writes;

    private LWWRegister(TreeMap<Dot, Write> writes) {
        this.writes = Collections.unmodifiableNavigableMap(writes);
    }

    /** The register with exactly these entries. */
    public static LWWRegister of(java.util.SortedMap<Dot, Write> writes) {
        return new LWWRegister(new TreeMap<>(writes));
    }

    /** The register holding the one write {@code write}, under {@code dot}. */
    public static LWWRegister of(Dot dot, Write write) {
        TreeMap<Dot, Write> entry = new TreeMap<>();
        entry.put(dot, write);
        return new LWWRegister(entry);
    }

    /** The entries: the winning write and any concurrent writes not yet superseded. */
    public NavigableMap<Dot, Write> writes() {
        return writes;
    }

    /** The winning write, or empty when the register is unset. */
    public Optional<Map.Entry<Dot, Write>> winner() {
        return writes.entrySet().stream().max(WINNER_ORDER);
    }

    /** The value of the winning write, or empty when the register is unset (unset is not the value null). */
    public Optional<Value> value() {
        return winner().map(e -> e.getValue().value());
    }

    /** The greatest timestamp in the store (unsigned), or 0 when unset. */
    public long greatestTimestamp() {
        long max = 0;
        for (Write write : writes.values()) {
            if (Long.compareUnsigned(write.timestamp, max) > 0) {
                max = write.timestamp;
            }
        }
        return max;
    }

    /**
     * The delta of writing {@code value} with {@code timestamp} at {@code replica}.
     *
     * @throws MutationRefusedException if {@code timestamp} is not greater than every timestamp in the store:
     *                                  a write must win over everything its writer has seen
     */
    public CausalState<LWWRegister> write(CausalContext context, ReplicaId replica, Value value, long timestamp) {
        if (!writes.isEmpty() && Long.compareUnsigned(timestamp, greatestTimestamp()) <= 0) {
            throw new MutationRefusedException("timestamp " + Long.toUnsignedString(timestamp)
                    + " does not exceed the register's greatest, " + Long.toUnsignedString(greatestTimestamp()));
        }
        Dot dot = context.nextDot(replica);
        TreeMap<Dot, Write> entry = new TreeMap<>();
        entry.put(dot, new Write(timestamp, value));
        List<Dot> covered = new ArrayList<>(writes.keySet());
        covered.add(dot);
        return DeltaLimits.checked(new CausalState<>(new LWWRegister(entry), CausalContext.of(covered)));
    }

    @Override
    public int typeId() {
        return CrdtType.LWW_REGISTER.id();
    }

    @Override
    public boolean isEmpty() {
        return writes.isEmpty();
    }

    @Override
    public void forEachDot(Consumer<Dot> action) {
        if (writes.size() == 1) {
            action.accept(writes.firstKey());   // the common case, a register of one write, without an iterator
            return;
        }
        for (Dot dot : writes.keySet()) {
            action.accept(dot);
        }
    }

    @Override
    public LWWRegister join(Crdt other, CausalContext context, CausalContext otherContext) {
        LWWRegister that = (LWWRegister) other;
        if (writes.size() == 1 && that.writes.size() == 1) {
            return joinSingle(that, context, otherContext);
        }
        return new LWWRegister(DotStores.joinDotFun(writes, context, that.writes, otherContext, Write.ORDER));
    }

    /**
     * The join of two registers of one write each, the common case of a register written by one writer at a time: the
     * join of {@link DotStores#joinDotFun} decided without building maps, and answered with one of the two registers
     * themselves where the join equals it, so that a replica sees at once whether its entry changed.
     */
    private LWWRegister joinSingle(LWWRegister that, CausalContext context, CausalContext otherContext) {
        Dot mine = writes.firstKey();
        Dot theirs = that.writes.firstKey();
        if (mine.equals(theirs)) {
            return Write.ORDER.compare(writes.get(mine), that.writes.get(theirs)) >= 0 ? this : that;
        }
        boolean keepMine = !otherContext.contains(mine);
        boolean keepTheirs = !context.contains(theirs);
        if (keepMine && keepTheirs) {
            TreeMap<Dot, Write> both = new TreeMap<>();
            both.put(mine, writes.get(mine));
            both.put(theirs, that.writes.get(theirs));
            return new LWWRegister(both);
        }
        return keepMine ? this : keepTheirs ? that : EMPTY;
    }

    @Override
    public boolean equals(Object o) {
        return o == this || o instanceof LWWRegister other && writes.equals(other.writes);
    }

    @Override
    public int hashCode() {
        return writes.hashCode();
    }

    @Override
    public String toString() {
        return "LWWRegister" + writes;
    }
}
