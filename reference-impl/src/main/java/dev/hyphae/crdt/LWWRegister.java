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
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.BiConsumer;
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
        /** @throws NullPointerException if {@code value} is null: a register that holds a write has a value */
        public Write {
            Objects.requireNonNull(value, "value");
        }

        /** The data order used to break a tie between two entries of one dot: timestamp, then value. */
        static final Comparator<Write> ORDER = Comparator.<Write>comparingLong(w -> w.timestamp ^ Long.MIN_VALUE)
                .thenComparing(Write::value);
    }

    /** The winner order over entries: timestamp, then replica id, then counter. */
    private static final Comparator<Map.Entry<Dot, Write>> WINNER_ORDER =
            Comparator.<Map.Entry<Dot, Write>>comparingLong(e -> e.getValue().timestamp ^ Long.MIN_VALUE)
                    .thenComparing(Map.Entry::getKey);

    /**
     * The entries when there are none or several; null for a register of one write, the common case, which holds
     * that write in {@link #dot} and {@link #write} instead: a register is the value of nearly every entry of a
     * sensor's map, and a received delta decodes and joins one per entry, so it is kept to one object with no tree.
     */
    private final NavigableMap<Dot, Write> writes;
    /** The dot of the one write, or null when {@link #writes} holds the entries. */
    private final Dot dot;
    /** The one write, or null when {@link #writes} holds the entries. */
    private final Write write;
    /**
     * The one write as a map, made when first asked for by {@link #writes()}. Not volatile: a race makes it twice,
     * and the unmodifiable view's final field publishes the tree it wraps safely.
     */
    private NavigableMap<Dot, Write> singleView;

    private LWWRegister(TreeMap<Dot, Write> writes) {
        if (writes.size() == 1) {
            Map.Entry<Dot, Write> only = writes.firstEntry();
            this.writes = null;
            // As in of(dot, write): the one write is held bare, so nothing else would refuse a null in it.
            this.dot = Objects.requireNonNull(only.getKey(), "dot");
            this.write = Objects.requireNonNull(only.getValue(), "write");
        } else {
            this.writes = Collections.unmodifiableNavigableMap(writes);
            this.dot = null;
            this.write = null;
        }
    }

    private LWWRegister(Dot dot, Write write) {
        this.writes = null;
        this.dot = Objects.requireNonNull(dot, "dot");
        this.write = Objects.requireNonNull(write, "write");
    }

    /**
     * The register with exactly these entries.
     *
     * @throws NullPointerException if a dot or a write is null
     */
    public static LWWRegister of(java.util.SortedMap<Dot, Write> writes) {
        TreeMap<Dot, Write> copy = new TreeMap<>(writes);
        copy.forEach((dot, write) -> {
            Objects.requireNonNull(dot, "dot");
            Objects.requireNonNull(write, "write");
        });
        return new LWWRegister(copy);
    }

    /**
     * The register holding the one write {@code write}, under {@code dot}.
     *
     * @throws NullPointerException if {@code dot} or {@code write} is null
     */
    public static LWWRegister of(Dot dot, Write write) {
        return new LWWRegister(dot, write);
    }

    /** The entries: the winning write and any concurrent writes not yet superseded. */
    public NavigableMap<Dot, Write> writes() {
        if (writes != null) {
            return writes;
        }
        NavigableMap<Dot, Write> view = singleView;
        if (view == null) {
            TreeMap<Dot, Write> one = new TreeMap<>();
            one.put(dot, write);
            view = Collections.unmodifiableNavigableMap(one);
            singleView = view;
        }
        return view;
    }

    /** The number of entries, as {@code writes().size()}. */
    public int size() {
        return writes == null ? 1 : writes.size();
    }

    /** Calls {@code action} with each entry in dot order, as {@code writes().forEach}, without making a map. */
    public void forEachWrite(BiConsumer<Dot, Write> action) {
        if (writes == null) {
            action.accept(dot, write);
        } else {
            writes.forEach(action);
        }
    }

    /** The winning write, or empty when the register is unset. */
    public Optional<Map.Entry<Dot, Write>> winner() {
        if (writes == null) {
            return Optional.of(Map.entry(dot, write));
        }
        return writes.entrySet().stream().max(WINNER_ORDER);
    }

    /** The value of the winning write, or empty when the register is unset (unset is not the value null). */
    public Optional<Value> value() {
        return winner().map(e -> e.getValue().value());
    }

    /** The greatest timestamp in the store (unsigned), or 0 when unset. */
    public long greatestTimestamp() {
        if (writes == null) {
            return write.timestamp;
        }
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
        if (!isEmpty() && Long.compareUnsigned(timestamp, greatestTimestamp()) <= 0) {
            throw new MutationRefusedException("timestamp " + Long.toUnsignedString(timestamp)
                    + " does not exceed the register's greatest, " + Long.toUnsignedString(greatestTimestamp()));
        }
        Dot next = context.nextDot(replica);
        List<Dot> covered = new ArrayList<>(size() + 1);
        forEachDot(covered::add);
        covered.add(next);
        return DeltaLimits.checked(new CausalState<>(new LWWRegister(next, new Write(timestamp, value)), CausalContext.of(covered)));
    }

    @Override
    public int typeId() {
        return CrdtType.LWW_REGISTER.id();
    }

    @Override
    public boolean isEmpty() {
        return writes != null && writes.isEmpty();
    }

    @Override
    public void forEachDot(Consumer<Dot> action) {
        if (writes == null) {
            action.accept(dot);
            return;
        }
        for (Dot d : writes.keySet()) {
            action.accept(d);
        }
    }

    @Override
    public LWWRegister join(Crdt other, CausalContext context, CausalContext otherContext) {
        LWWRegister that = (LWWRegister) other;
        if (writes == null && that.writes == null) {
            return joinSingle(that, context, otherContext);
        }
        return new LWWRegister(DotStores.joinDotFun(writes(), context, that.writes(), otherContext, Write.ORDER));
    }

    /**
     * The join of two registers of one write each, the common case of a register written by one writer at a time: the
     * join of {@link DotStores#joinDotFun} decided without building maps, and answered with one of the two registers
     * themselves where the join equals it, so that a replica sees at once whether its entry changed.
     */
    private LWWRegister joinSingle(LWWRegister that, CausalContext context, CausalContext otherContext) {
        if (dot.equals(that.dot)) {
            return Write.ORDER.compare(write, that.write) >= 0 ? this : that;
        }
        boolean keepMine = !otherContext.contains(dot);
        boolean keepTheirs = !context.contains(that.dot);
        if (keepMine && keepTheirs) {
            TreeMap<Dot, Write> both = new TreeMap<>();
            both.put(dot, write);
            both.put(that.dot, that.write);
            return new LWWRegister(both);
        }
        return keepMine ? this : keepTheirs ? that : EMPTY;
    }

    @Override
    public boolean equals(Object o) {
        if (o == this) {
            return true;
        }
        if (!(o instanceof LWWRegister other)) {
            return false;
        }
        if (writes == null || other.writes == null) {
            // A map of one entry is never equal to a map of another size, so a register of one write equals only
            // another of one write.
            return writes == other.writes && dot.equals(other.dot) && write.equals(other.write);
        }
        return writes.equals(other.writes);
    }

    @Override
    public int hashCode() {
        // As writes().hashCode(): the hash of a map is the sum of its entries' hashes, key ^ value.
        return writes == null ? dot.hashCode() ^ write.hashCode() : writes.hashCode();
    }

    @Override
    public String toString() {
        return "LWWRegister" + writes();
    }
}
