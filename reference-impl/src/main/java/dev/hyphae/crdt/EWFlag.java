package dev.hyphae.crdt;

import dev.hyphae.data.CausalContext;
import dev.hyphae.data.Dot;
import dev.hyphae.data.ReplicaId;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.NavigableSet;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * EWFlag (type 5): an enable-wins flag, as a DotSet. It is on while any enable that no disable has seen
 * remains; an enable concurrent with a disable wins.
 */
public final class EWFlag implements Crdt {

    /** The empty flag, which is off. */
    public static final EWFlag EMPTY = new EWFlag(new TreeSet<>());

    private final NavigableSet<Dot> dots;

    private EWFlag(TreeSet<Dot> dots) {
        this.dots = Collections.unmodifiableNavigableSet(dots);
    }

    /** The flag with exactly these dots. */
    public static EWFlag of(java.util.SortedSet<Dot> dots) {
        return new EWFlag(new TreeSet<>(dots));
    }

    /** The dots of the enables still in force. */
    public NavigableSet<Dot> dots() {
        return dots;
    }

    /** The query: whether the flag is on. */
    public boolean value() {
        return !dots.isEmpty();
    }

    /** The delta of enabling at {@code replica}: one new dot, superseding the ones seen. */
    public CausalState<EWFlag> enable(CausalContext context, ReplicaId replica) {
        Dot dot = context.nextDot(replica);
        TreeSet<Dot> store = new TreeSet<>();
        store.add(dot);
        List<Dot> covered = new ArrayList<>(dots);
        covered.add(dot);
        return DeltaLimits.checked(new CausalState<>(new EWFlag(store), CausalContext.of(covered)));
    }

    /** The delta of disabling: no dot, a context covering the dots seen. */
    public CausalState<EWFlag> disable() {
        return DeltaLimits.checked(new CausalState<>(EMPTY, CausalContext.of(dots)));
    }

    @Override
    public int typeId() {
        return CrdtType.EW_FLAG.id();
    }

    @Override
    public boolean isEmpty() {
        return dots.isEmpty();
    }

    @Override
    public void forEachDot(Consumer<Dot> action) {
        dots.forEach(action);
    }

    @Override
    public EWFlag join(Crdt other, CausalContext context, CausalContext otherContext) {
        EWFlag that = (EWFlag) other;
        return new EWFlag(DotStores.joinDotSet(dots, context, that.dots, otherContext));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EWFlag other && dots.equals(other.dots);
    }

    @Override
    public int hashCode() {
        return dots.hashCode();
    }

    @Override
    public String toString() {
        return "EWFlag" + dots;
    }
}
