package dev.hyphae.crdt;

import dev.hyphae.spec.Requirement;
import dev.hyphae.data.CausalContext;
import dev.hyphae.data.Dot;
import dev.hyphae.data.MutationRefusedException;
import dev.hyphae.data.ReplicaId;
import dev.hyphae.data.Value;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.math.BigInteger;
import java.util.List;
import java.util.NavigableMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The delta-mutator law, m(X) = X ⊔ mδ(X): each full-state mutator m is written here a second time, directly
 * from the specification's definition, and compared with joining the implementation's delta. Each mutator's
 * effect on the query is checked too, and every delta names a fresh dot.
 */
class DeltaMutatorProperties {

    private static final ReplicaId R = CrdtArbitraries.REPLICAS.get(1);

    @Provide
    Arbitrary<CausalState<Crdt>> gcounters() {
        return CrdtArbitraries.validStates(CrdtType.GCOUNTER);
    }

    @Provide
    Arbitrary<CausalState<Crdt>> pncounters() {
        return CrdtArbitraries.validStates(CrdtType.PNCOUNTER);
    }

    @Provide
    Arbitrary<CausalState<Crdt>> lwwRegisters() {
        return CrdtArbitraries.validStates(CrdtType.LWW_REGISTER);
    }

    @Provide
    Arbitrary<CausalState<Crdt>> mvRegisters() {
        return CrdtArbitraries.validStates(CrdtType.MV_REGISTER);
    }

    @Provide
    Arbitrary<CausalState<Crdt>> flags() {
        return CrdtArbitraries.validStates(CrdtType.EW_FLAG);
    }

    @Provide
    Arbitrary<CausalState<Crdt>> sets() {
        return CrdtArbitraries.validStates(CrdtType.AW_SET);
    }

    @Provide
    Arbitrary<CausalState<Crdt>> maps() {
        return CrdtArbitraries.validStates(CrdtType.OR_MAP);
    }

    @Provide
    Arbitrary<Value> values() {
        return CrdtArbitraries.values();
    }

    @Provide
    Arbitrary<Value> keys() {
        return CrdtArbitraries.keys();
    }

    @SuppressWarnings("unchecked")
    private static <T extends Crdt> CausalState<T> cast(CausalState<Crdt> state) {
        return (CausalState<T>) (CausalState<?>) state;
    }

    /** m(X) for the DotFun types: the replaced entries go, one entry for the new dot comes. */
    private static <V> TreeMap<Dot, V> replace(NavigableMap<Dot, V> store, SortedSet<Dot> replaced, Dot dot, V data) {
        TreeMap<Dot, V> result = new TreeMap<>(store);
        replaced.forEach(result::remove);
        result.put(dot, data);
        return result;
    }

    private static void assertFreshDot(CausalContext before, Dot dot) {
        assertFalse(before.contains(dot), "a delta names a dot its writer had not seen");
    }

    @Property
    @Requirement({"HY-DATA-021", "HY-DATA-025", "HY-DATA-026", "HY-DATA-024"})
    void gcounterIncrementObeysTheDeltaMutatorLaw(@ForAll("gcounters") CausalState<Crdt> any) {
        CausalState<GCounter> x = cast(any);
        long amount = 3;
        BigInteger own = GCounter.sum(DotStores.entriesOf(x.store().counts(), R).values());
        if (own.add(BigInteger.valueOf(amount)).compareTo(GCounter.MAX_UNSIGNED_64) > 0) {
            assertThrows(MutationRefusedException.class, () -> x.store().increment(x.context(), R, amount));
            return;
        }
        CausalState<GCounter> delta = x.store().increment(x.context(), R, amount);
        Dot dot = x.context().nextDot(R);
        assertFreshDot(x.context(), dot);

        // The delta itself: one entry, and a context of exactly the replaced dots and the new one (HY-DATA-021).
        TreeMap<Dot, Long> deltaStore = new TreeMap<>();
        deltaStore.put(dot, own.longValue() + amount);
        java.util.List<Dot> covered = new java.util.ArrayList<>(DotStores.entriesOf(x.store().counts(), R).keySet());
        covered.add(dot);
        assertEquals(new CausalState<>(GCounter.of(deltaStore), CausalContext.of(covered)), delta);

        GCounter expected = GCounter.of(replace(x.store().counts(),
                DotStores.entriesOf(x.store().counts(), R).navigableKeySet(), dot, own.longValue() + amount));
        CausalState<GCounter> after = x.join(delta);
        assertEquals(new CausalState<>(expected, x.context().with(List.of(dot))), after);
        assertEquals(x.store().value().add(BigInteger.valueOf(amount)), after.store().value());
    }

    @Property
    @Requirement({"HY-DATA-021", "HY-DATA-027", "HY-DATA-028", "HY-DATA-024"})
    void pncounterDecrementObeysTheDeltaMutatorLaw(@ForAll("pncounters") CausalState<Crdt> any) {
        CausalState<PNCounter> x = cast(any);
        NavigableMap<Dot, PNCounter.Totals> own = DotStores.entriesOf(x.store().totals(), R);
        BigInteger increments = GCounter.sum(own.values().stream().map(PNCounter.Totals::increments).toList());
        BigInteger decrements = GCounter.sum(own.values().stream().map(PNCounter.Totals::decrements).toList()).add(BigInteger.TWO);
        if (increments.compareTo(GCounter.MAX_UNSIGNED_64) > 0 || decrements.compareTo(GCounter.MAX_UNSIGNED_64) > 0) {
            assertThrows(MutationRefusedException.class, () -> x.store().decrement(x.context(), R, 2));
            return;
        }
        CausalState<PNCounter> delta = x.store().decrement(x.context(), R, 2);
        Dot dot = x.context().nextDot(R);

        PNCounter expected = PNCounter.of(replace(x.store().totals(), own.navigableKeySet(), dot,
                new PNCounter.Totals(increments.longValue(), decrements.longValue())));
        CausalState<PNCounter> after = x.join(delta);
        assertEquals(new CausalState<>(expected, x.context().with(List.of(dot))), after);
        assertEquals(x.store().value().subtract(BigInteger.TWO), after.store().value());
    }

    @Property
    @Requirement({"HY-DATA-021", "HY-DATA-029", "HY-DATA-032"})
    void lwwWriteObeysTheDeltaMutatorLawAndWins(@ForAll("lwwRegisters") CausalState<Crdt> any, @ForAll("values") Value v) {
        CausalState<LWWRegister> x = cast(any);
        long timestamp = x.store().greatestTimestamp() + 1;
        if (timestamp == 0) {
            return; // the greatest timestamp is 2^64-1: no write can win, and write() refuses
        }
        CausalState<LWWRegister> delta = x.store().write(x.context(), R, v, timestamp);
        Dot dot = x.context().nextDot(R);

        LWWRegister expected = LWWRegister.of(replace(x.store().writes(), x.store().writes().navigableKeySet(), dot,
                new LWWRegister.Write(timestamp, v)));
        CausalState<LWWRegister> after = x.join(delta);
        assertEquals(new CausalState<>(expected, x.context().with(List.of(dot))), after);
        assertEquals(v, after.store().value().orElseThrow());
    }

    @Property
    @Requirement({"HY-DATA-021", "HY-DATA-033"})
    void mvWriteObeysTheDeltaMutatorLaw(@ForAll("mvRegisters") CausalState<Crdt> any, @ForAll("values") Value v) {
        CausalState<MVRegister> x = cast(any);
        CausalState<MVRegister> delta = x.store().write(x.context(), R, v);
        Dot dot = x.context().nextDot(R);

        java.util.List<Dot> seen = new java.util.ArrayList<>(x.store().entries().keySet());
        seen.add(dot);
        assertEquals(new CausalState<>(MVRegister.of(new TreeMap<>(java.util.Map.of(dot, v))), CausalContext.of(seen)), delta);

        MVRegister expected = MVRegister.of(replace(x.store().entries(), x.store().entries().navigableKeySet(), dot, v));
        CausalState<MVRegister> after = x.join(delta);
        assertEquals(new CausalState<>(expected, x.context().with(List.of(dot))), after);
        assertEquals(List.of(v), after.store().values());
    }

    @Property
    @Requirement("HY-DATA-021")
    void flagMutatorsObeyTheDeltaMutatorLaw(@ForAll("flags") CausalState<Crdt> any) {
        CausalState<EWFlag> x = cast(any);
        Dot dot = x.context().nextDot(R);
        java.util.List<Dot> seen = new java.util.ArrayList<>(x.store().dots());
        seen.add(dot);
        assertEquals(new CausalState<>(EWFlag.of(new TreeSet<>(List.of(dot))), CausalContext.of(seen)),
                x.store().enable(x.context(), R));
        assertEquals(new CausalState<>(EWFlag.EMPTY, CausalContext.of(x.store().dots())), x.store().disable());
        CausalState<EWFlag> enabled = x.join(x.store().enable(x.context(), R));
        assertEquals(new CausalState<>(EWFlag.of(new TreeSet<>(List.of(dot))), x.context().with(List.of(dot))), enabled);
        assertTrue(enabled.store().value());

        CausalState<EWFlag> disabled = x.join(x.store().disable());
        assertEquals(new CausalState<>(EWFlag.EMPTY, x.context()), disabled);
        assertFalse(disabled.store().value());
    }

    @Property
    @Requirement({"HY-DATA-021", "HY-DATA-034"})
    void setMutatorsObeyTheDeltaMutatorLaw(@ForAll("sets") CausalState<Crdt> any, @ForAll("values") Value e) {
        CausalState<AWSet> x = cast(any);
        Dot dot = x.context().nextDot(R);
        TreeMap<Value, SortedSet<Dot>> added = new TreeMap<>(x.store().entries());
        added.put(e, new TreeSet<>(List.of(dot)));
        CausalState<AWSet> afterAdd = x.join(x.store().add(x.context(), R, e));
        assertEquals(new CausalState<>(AWSet.of(added), x.context().with(List.of(dot))), afterAdd);
        assertTrue(afterAdd.store().contains(e));

        assertEquals(new CausalState<>(AWSet.EMPTY, CausalContext.of(x.store().entries().getOrDefault(e, new TreeSet<>()))),
                x.store().remove(e), "a remove's delta is exactly the element's dots");
        TreeMap<Value, SortedSet<Dot>> removed = new TreeMap<>(x.store().entries());
        removed.remove(e);
        CausalState<AWSet> afterRemove = x.join(x.store().remove(e));
        assertEquals(new CausalState<>(AWSet.of(removed), x.context()), afterRemove);
        assertFalse(afterRemove.store().contains(e));

        assertEquals(new CausalState<>(AWSet.EMPTY, x.context()), x.join(x.store().clear()));
    }

    @Property
    @Requirement("HY-DATA-021")
    void mapRemoveAndUpdateObeyTheDeltaMutatorLaw(@ForAll("maps") CausalState<Crdt> any, @ForAll("keys") Value k) {
        CausalState<ORMap> x = cast(any);
        TreeMap<EntryKey, Crdt> removed = new TreeMap<>(x.store().entries());
        removed.keySet().removeIf(entryKey -> entryKey.key().equals(k));
        CausalState<ORMap> afterRemove = x.join(x.store().remove(k));
        assertEquals(new CausalState<>(ORMap.of(removed), x.context()), afterRemove);
        assertTrue(afterRemove.store().get(k).isEmpty(), "every entry under the key goes, of known type or not");

        Dot dot = x.context().nextDot(R);
        TreeMap<EntryKey, Crdt> updated = new TreeMap<>(x.store().entries());
        updated.put(new EntryKey(k, CrdtType.EW_FLAG.id()), EWFlag.of(new TreeSet<>(List.of(dot))));
        CausalState<ORMap> afterUpdate = x.join(x.store().update(k, CrdtType.EW_FLAG, (EWFlag f) -> f.enable(x.context(), R)));
        assertEquals(new CausalState<>(ORMap.of(updated), x.context().with(List.of(dot))), afterUpdate);

        assertEquals(new CausalState<>(ORMap.EMPTY, x.context()), x.join(x.store().clear()));
    }
}
