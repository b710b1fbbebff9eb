package dev.hyphae.crdt;

import dev.hyphae.data.CausalContext;
import dev.hyphae.data.Dot;
import dev.hyphae.data.ReplicaId;
import dev.hyphae.data.Value;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * AWSet (type 6): an add-wins observed-remove set, as a DotMap from elements to DotSets. A remove removes the
 * adds it has seen; an add concurrent with a remove of the same element wins.
 */
public final class AWSet implements Crdt {

    /** The empty set. */
    public static final AWSet EMPTY = new AWSet(new TreeMap<>());

    private final NavigableMap<Value, SortedSet<Dot>> elements;

    private AWSet(TreeMap<Value, SortedSet<Dot>> elements) {
        this.elements = Collections.unmodifiableNavigableMap(elements);
    }

    /** The set with exactly these entries; an element with no dots is left out. */
    public static AWSet of(java.util.SortedMap<Value, ? extends SortedSet<Dot>> elements) {
        TreeMap<Value, SortedSet<Dot>> copy = new TreeMap<>();
        elements.forEach((e, dots) -> {
            if (!dots.isEmpty()) {
                copy.put(e, Collections.unmodifiableSortedSet(new TreeSet<>(dots)));
            }
        });
        return new AWSet(copy);
    }

    /** The entries: each element with the dots of the adds still in force. */
    public NavigableMap<Value, SortedSet<Dot>> entries() {
        return elements;
    }

    /** The query: the elements, in value order. */
    public List<Value> elements() {
        return List.copyOf(elements.keySet());
    }

    /** Whether {@code element} is in the set. */
    public boolean contains(Value element) {
        return elements.containsKey(element);
    }

    /** The delta of adding {@code element} at {@code replica}. */
    public CausalState<AWSet> add(CausalContext context, ReplicaId replica, Value element) {
        Dot dot = context.nextDot(replica);
        TreeMap<Value, SortedSet<Dot>> store = new TreeMap<>();
        store.put(element, Collections.unmodifiableSortedSet(new TreeSet<>(List.of(dot))));
        List<Dot> covered = new ArrayList<>(elements.getOrDefault(element, Collections.emptySortedSet()));
        covered.add(dot);
        return DeltaLimits.checked(new CausalState<>(new AWSet(store), CausalContext.of(covered)));
    }

    /** The delta of removing {@code element}: no dot, a context covering the adds seen. */
    public CausalState<AWSet> remove(Value element) {
        SortedSet<Dot> seen = elements.getOrDefault(element, Collections.emptySortedSet());
        return DeltaLimits.checked(new CausalState<>(EMPTY, CausalContext.of(seen)));
    }

    /** The delta of removing every element seen. */
    public CausalState<AWSet> clear() {
        List<Dot> covered = new ArrayList<>();
        forEachDot(covered::add);
        return DeltaLimits.checked(new CausalState<>(EMPTY, CausalContext.of(covered)));
    }

    @Override
    public int typeId() {
        return CrdtType.AW_SET.id();
    }

    @Override
    public boolean isEmpty() {
        return elements.isEmpty();
    }

    @Override
    public void forEachDot(Consumer<Dot> action) {
        elements.values().forEach(dots -> dots.forEach(action));
    }

    @Override
    public AWSet join(Crdt other, CausalContext context, CausalContext otherContext) {
        AWSet that = (AWSet) other;
        TreeMap<Value, SortedSet<Dot>> joined = DotStores.joinDotMap(
                elements, context, that.elements, otherContext, Value::compareTo,
                key -> Collections.emptySortedSet(),
                (a, c, b, d) -> Collections.unmodifiableSortedSet(DotStores.joinDotSet(a, c, b, d)),
                SortedSet::isEmpty,
                (dots, seen) -> dots.stream().anyMatch(seen::contains));
        return new AWSet(joined);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AWSet other && elements.equals(other.elements);
    }

    @Override
    public int hashCode() {
        return elements.hashCode();
    }

    @Override
    public String toString() {
        StringBuilder out = new StringBuilder("AWSet{");
        for (Map.Entry<Value, SortedSet<Dot>> e : elements.entrySet()) {
            out.append(e.getKey()).append('=').append(e.getValue()).append(' ');
        }
        return out.append('}').toString();
    }
}
