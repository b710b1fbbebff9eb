package dev.hyphae.crdt;

import dev.hyphae.data.CausalContext;
import dev.hyphae.data.Dot;
import dev.hyphae.data.ReplicaId;
import dev.hyphae.data.Value;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * MVRegister (type 4): a multi-value register, as a DotFun from dots to values. A write supersedes what its
 * writer has seen; concurrent writes all remain, as siblings, until a write that has seen them all.
 */
public final class MVRegister implements Crdt {

    /** The empty (unset) register. */
    public static final MVRegister EMPTY = new MVRegister(new TreeMap<>());

    private final NavigableMap<Dot, Value> values;

    private MVRegister(TreeMap<Dot, Value> values) {
        this.values = Collections.unmodifiableNavigableMap(values);
    }

    /** The register with exactly these entries. */
    public static MVRegister of(java.util.SortedMap<Dot, Value> values) {
        return new MVRegister(new TreeMap<>(values));
    }

    /** The entries, dot to value. */
    public NavigableMap<Dot, Value> entries() {
        return values;
    }

    /** The query: the distinct values of all entries, in value order; empty when unset. */
    public List<Value> values() {
        return List.copyOf(new TreeSet<>(values.values()));
    }

    /** The delta of writing {@code value} at {@code replica}. */
    public CausalState<MVRegister> write(CausalContext context, ReplicaId replica, Value value) {
        Dot dot = context.nextDot(replica);
        TreeMap<Dot, Value> entry = new TreeMap<>();
        entry.put(dot, value);
        List<Dot> covered = new ArrayList<>(values.keySet());
        covered.add(dot);
        return DeltaLimits.checked(new CausalState<>(new MVRegister(entry), CausalContext.of(covered)));
    }

    @Override
    public int typeId() {
        return CrdtType.MV_REGISTER.id();
    }

    @Override
    public boolean isEmpty() {
        return values.isEmpty();
    }

    @Override
    public void forEachDot(Consumer<Dot> action) {
        values.keySet().forEach(action);
    }

    @Override
    public MVRegister join(Crdt other, CausalContext context, CausalContext otherContext) {
        MVRegister that = (MVRegister) other;
        return new MVRegister(DotStores.joinDotFun(values, context, that.values, otherContext, Value::compareTo));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MVRegister other && values.equals(other.values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }

    @Override
    public String toString() {
        return "MVRegister" + values;
    }
}
