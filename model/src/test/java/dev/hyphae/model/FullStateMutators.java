package dev.hyphae.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The full-state mutators m(X) of the types, written a second time, from what each update means rather than from
 * the delta definitions: the state after the update, for a valid state X = (S, C), the writing replica r and the
 * dot d = next(C, r). The delta-mutator law says that X ⊔ mδ(X) = m(X).
 */
final class FullStateMutators {

    private FullStateMutators() {
    }

    static State mutated(State x, ReplicaId r, Mutation m) {
        return mutated(x.store(), x.context(), r, m);
    }

    private static State mutated(Store s, CausalContext c, ReplicaId r, Mutation m) {
        if (s instanceof GCounter g && m instanceof Mutation.Increment i) {
            // The entries of r give way to one entry that holds their sum plus the amount.
            TreeMap<Dot, Long> counts = new TreeMap<>(g.counts());
            long total = i.amount();
            for (Dot d : g.counts().keySet()) {
                if (d.replica().equals(r)) {
                    total += counts.remove(d);
                }
            }
            Dot d = c.next(r);
            counts.put(d, total);
            return new State(GCounter.of(counts), with(c, d));
        } else if (s instanceof PNCounter p && (m instanceof Mutation.Increment || m instanceof Mutation.Decrement)) {
            TreeMap<Dot, PNCounter.Totals> totals = new TreeMap<>(p.totals());
            long up = m instanceof Mutation.Increment i ? i.amount() : 0;
            long down = m instanceof Mutation.Decrement dec ? dec.amount() : 0;
            for (Dot d : p.totals().keySet()) {
                if (d.replica().equals(r)) {
                    PNCounter.Totals t = totals.remove(d);
                    up += t.increments();
                    down += t.decrements();
                }
            }
            Dot d = c.next(r);
            totals.put(d, new PNCounter.Totals(up, down));
            return new State(PNCounter.of(totals), with(c, d));
        } else if (s instanceof LWWRegister && m instanceof Mutation.Write w) {
            // The writer has seen every entry: the register holds the new write alone.
            Dot d = c.next(r);
            return new State(LWWRegister.of(Map.of(d, new LWWRegister.Write(w.timestamp(), w.value()))), with(c, d));
        } else if (s instanceof MVRegister && m instanceof Mutation.Write w) {
            Dot d = c.next(r);
            return new State(MVRegister.of(Map.of(d, w.value())), with(c, d));
        } else if (s instanceof EWFlag && m instanceof Mutation.Enable) {
            Dot d = c.next(r);
            return new State(EWFlag.of(List.of(d)), with(c, d));
        } else if (s instanceof EWFlag && m instanceof Mutation.Disable) {
            return new State(EWFlag.EMPTY, c);
        } else if (s instanceof AWSet set && m instanceof Mutation.Add a) {
            Dot d = c.next(r);
            TreeMap<Value, TreeSet<Dot>> entries = copy(set);
            entries.put(a.element(), new TreeSet<>(List.of(d)));
            return new State(AWSet.of(entries), with(c, d));
        } else if (s instanceof AWSet set && m instanceof Mutation.Remove x) {
            TreeMap<Value, TreeSet<Dot>> entries = copy(set);
            entries.remove(x.element());
            return new State(AWSet.of(entries), c);
        } else if (s instanceof AWSet && m instanceof Mutation.Clear) {
            return new State(AWSet.EMPTY, c);
        } else if (s instanceof ORMap map && m instanceof Mutation.Update u) {
            State inner = mutated(map.get(u.key(), u.typeId()), c, r, u.mutation());
            TreeMap<EntryKey, Store> entries = new TreeMap<>(map.entries());
            EntryKey key = new EntryKey(u.key(), u.typeId());
            entries.remove(key);
            if (!inner.store().isEmpty()) {
                entries.put(key, inner.store());
            }
            return new State(ORMap.of(entries), inner.context());
        } else if (s instanceof ORMap map && m instanceof Mutation.RemoveKey x) {
            TreeMap<EntryKey, Store> entries = new TreeMap<>(map.entries());
            entries.keySet().removeIf(k -> k.key().equals(x.key()));
            return new State(ORMap.of(entries), c);
        } else if (s instanceof ORMap && m instanceof Mutation.Clear) {
            return new State(ORMap.EMPTY, c);
        }
        throw new IllegalArgumentException("no mutation " + m + " for " + s);
    }

    private static CausalContext with(CausalContext c, Dot d) {
        return c.union(CausalContext.of(List.of(d)));
    }

    private static TreeMap<Value, TreeSet<Dot>> copy(AWSet set) {
        TreeMap<Value, TreeSet<Dot>> entries = new TreeMap<>();
        set.entries().forEach((e, dots) -> entries.put(e, new TreeSet<>(new ArrayList<>(dots))));
        return entries;
    }
}
