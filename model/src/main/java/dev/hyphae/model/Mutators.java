package dev.hyphae.model;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The delta mutators of "CRDT types", each as its definition writes it: for X = (S, C), the writing replica r and
 * d = next(C, r), the delta δ such that the state after the update is X ⊔ δ (HY-DATA-021).
 */
public final class Mutators {

    private Mutators() {
    }

    /**
     * The delta of {@code mutation} by {@code replica} on {@code state}.
     *
     * @throws MutationRefused when the data model requires a refusal (HY-DATA-024: nothing changes)
     * @throws IllegalArgumentException when the mutation is not one of the type of the state
     */
    public static State delta(State state, ReplicaId replica, Mutation mutation) {
        State delta = delta(state.store(), state.context(), replica, mutation);
        DeltaLimits.check(delta);
        return delta;
    }

    /** The state after {@code mutation}: X ⊔ δ. */
    public static State apply(State state, ReplicaId replica, Mutation mutation) {
        return state.join(delta(state, replica, mutation));
    }

    /** The delta of {@code m} on the store {@code s}, in the causal context {@code c} of the whole document. */
    static State delta(Store s, CausalContext c, ReplicaId r, Mutation m) {
        if (s instanceof GCounter g && m instanceof Mutation.Increment inc) {
            return increment(g, c, r, inc.amount());
        } else if (s instanceof PNCounter p && m instanceof Mutation.Increment inc) {
            return change(p, c, r, inc.amount(), true);
        } else if (s instanceof PNCounter p && m instanceof Mutation.Decrement dec) {
            return change(p, c, r, dec.amount(), false);
        } else if (s instanceof LWWRegister l && m instanceof Mutation.Write w && w.timestamp() != null) {
            return write(l, c, r, w.value(), w.timestamp());
        } else if (s instanceof MVRegister v && m instanceof Mutation.Write w) {
            Dot d = c.next(r);
            return new State(MVRegister.of(Map.of(d, w.value())), withDot(v.dots(), d));
        } else if (s instanceof EWFlag f && m instanceof Mutation.Enable) {
            Dot d = c.next(r);
            return new State(EWFlag.of(List.of(d)), withDot(f.dots(), d));
        } else if (s instanceof EWFlag f && m instanceof Mutation.Disable) {
            return new State(EWFlag.EMPTY, CausalContext.of(f.dots()));
        } else if (s instanceof AWSet set && m instanceof Mutation.Add add) {
            Dot d = c.next(r);
            TreeSet<Dot> one = new TreeSet<>(List.of(d));
            return new State(AWSet.of(Map.of(add.element(), one)), withDot(dotsOf(set, add.element()), d));
        } else if (s instanceof AWSet set && m instanceof Mutation.Remove remove) {
            return new State(AWSet.EMPTY, CausalContext.of(dotsOf(set, remove.element())));
        } else if (s instanceof AWSet set && m instanceof Mutation.Clear) {
            return new State(AWSet.EMPTY, CausalContext.of(set.dots()));
        } else if (s instanceof ORMap map && m instanceof Mutation.Update u) {
            return update(map, c, r, u);
        } else if (s instanceof ORMap map && m instanceof Mutation.RemoveKey remove) {
            if (!remove.key().isMapKey()) {
                throw new MutationRefused("an ORMap key is an int64, a string or bytes (HY-DATA-017): " + remove.key());
            }
            List<Dot> dots = new ArrayList<>();
            map.entries().forEach((k, store) -> {
                if (k.key().equals(remove.key())) {
                    dots.addAll(store.dots());
                }
            });
            return new State(ORMap.EMPTY, CausalContext.of(dots));
        } else if (s instanceof ORMap map && m instanceof Mutation.Clear) {
            return new State(ORMap.EMPTY, CausalContext.of(map.dots()));
        }
        throw new IllegalArgumentException("no mutator " + m + " for a store of type " + s.typeId());
    }

    /** GCounter increment(n): δ = ({ d ↦ sum(E(r)) + n }, dots(E(r)) ∪ { d }). */
    private static State increment(GCounter g, CausalContext c, ReplicaId r, long n) {
        if (n == 0) {
            throw new MutationRefused("an increment of a GCounter by 0 (HY-DATA-025)");
        }
        SortedMap<Dot, Long> own = ownEntries(g.counts(), r);
        BigInteger total = Unsigned.big(n);
        for (long count : own.values()) {
            total = total.add(Unsigned.big(count));
        }
        if (total.compareTo(Unsigned.MAX) > 0) {
            throw new MutationRefused("the count of replica " + r + " would exceed 2^64-1 (HY-DATA-025)");
        }
        Dot d = c.next(r);
        return new State(GCounter.of(Map.of(d, total.longValue())), withDot(own.keySet(), d));
    }

    /** PNCounter increment(k) and decrement(k): δ = ({ d ↦ (P(r) [+ k], N(r) [+ k]) }, dots(E(r)) ∪ { d }). */
    private static State change(PNCounter p, CausalContext c, ReplicaId r, long k, boolean increment) {
        if (k == 0) {
            throw new MutationRefused("an increment or decrement of a PNCounter by 0 (HY-DATA-027)");
        }
        SortedMap<Dot, PNCounter.Totals> own = ownEntries(p.totals(), r);
        BigInteger increments = BigInteger.ZERO;
        BigInteger decrements = BigInteger.ZERO;
        for (PNCounter.Totals t : own.values()) {
            increments = increments.add(Unsigned.big(t.increments()));
            decrements = decrements.add(Unsigned.big(t.decrements()));
        }
        if (increment) {
            increments = increments.add(Unsigned.big(k));
        } else {
            decrements = decrements.add(Unsigned.big(k));
        }
        if (increments.compareTo(Unsigned.MAX) > 0 || decrements.compareTo(Unsigned.MAX) > 0) {
            throw new MutationRefused("a total of replica " + r + " would exceed 2^64-1 (HY-DATA-027)");
        }
        Dot d = c.next(r);
        PNCounter.Totals totals = new PNCounter.Totals(increments.longValue(), decrements.longValue());
        return new State(PNCounter.of(Map.of(d, totals)), withDot(own.keySet(), d));
    }

    /** LWWRegister write(v, t): δ = ({ d ↦ (t, v) }, dots(S) ∪ { d }), t above every timestamp of S. */
    private static State write(LWWRegister l, CausalContext c, ReplicaId r, Value v, long t) {
        for (LWWRegister.Write w : l.writes().values()) {
            if (Long.compareUnsigned(t, w.timestamp()) <= 0) {
                throw new MutationRefused("the timestamp " + Long.toUnsignedString(t) + " is not above the timestamp "
                        + Long.toUnsignedString(w.timestamp()) + " of the store (HY-DATA-029, HY-DATA-031)");
            }
        }
        Dot d = c.next(r);
        return new State(LWWRegister.of(Map.of(d, new LWWRegister.Write(t, v))), withDot(l.dots(), d));
    }

    /** ORMap update(k, t, m): δ = ({ (k, t) ↦ δS }, δC), or (∅, δC) when δS = ∅. */
    private static State update(ORMap map, CausalContext c, ReplicaId r, Mutation.Update u) {
        if (!u.key().isMapKey()) {
            throw new MutationRefused("an ORMap key is an int64, a string or bytes (HY-DATA-017): " + u.key());
        }
        if (CrdtType.of(u.typeId()) == null) {
            throw new IllegalArgumentException("no mutators for the CRDT type " + u.typeId());
        }
        State inner = delta(map.get(u.key(), u.typeId()), c, r, u.mutation());
        ORMap store = inner.store().isEmpty() ? ORMap.EMPTY : ORMap.of(Map.of(new EntryKey(u.key(), u.typeId()), inner.store()));
        return new State(store, inner.context());
    }

    /** E(r): the entries of a DotFun whose dot has the replica id r. */
    private static <V> SortedMap<Dot, V> ownEntries(SortedMap<Dot, V> entries, ReplicaId r) {
        TreeMap<Dot, V> own = new TreeMap<>();
        entries.forEach((d, v) -> {
            if (d.replica().equals(r)) {
                own.put(d, v);
            }
        });
        return own;
    }

    /** S[e] of an AWSet: the dots of the element, none if absent. */
    private static List<Dot> dotsOf(AWSet set, Value element) {
        return set.entries().containsKey(element) ? new ArrayList<>(set.entries().get(element)) : List.of();
    }

    private static CausalContext withDot(java.util.Collection<Dot> dots, Dot d) {
        List<Dot> all = new ArrayList<>(dots);
        all.add(d);
        return CausalContext.of(all);
    }
}
