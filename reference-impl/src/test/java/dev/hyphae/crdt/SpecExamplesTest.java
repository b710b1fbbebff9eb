package dev.hyphae.crdt;

import dev.hyphae.spec.Requirement;
import dev.hyphae.data.CausalContext;
import dev.hyphae.data.ReplicaId;
import dev.hyphae.data.Value;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The worked examples of the specification's "Data model" chapter, each run on two replicas that diverge
 * and then exchange their deltas in both orders.
 */
class SpecExamplesTest {

    // 0x7f... and 0x80... differ in the sign bit of their first byte: a signed comparison orders them wrongly.
    private static final ReplicaId A = ReplicaId.fromHex("7f000000000000000000000000000001");
    private static final ReplicaId B = ReplicaId.fromHex("80000000000000000000000000000002");

    private static <T extends Crdt> CausalState<T> empty(T store) {
        return new CausalState<>(store, CausalContext.EMPTY);
    }

    /** Both orders of exchanging two concurrent deltas give the same state, which is returned. */
    private static <T extends Crdt> CausalState<T> merge(CausalState<T> base, CausalState<T> deltaA, CausalState<T> deltaB) {
        CausalState<T> atA = base.join(deltaA).join(deltaB);
        CausalState<T> atB = base.join(deltaB).join(deltaA);
        assertEquals(atA, atB);
        return atA;
    }

    @Test
    void mapRemoveConcurrentWithAnUpdateKeepsOnlyTheUpdate() {
        CausalState<ORMap> base = empty(ORMap.EMPTY);
        base = base.join(base.store().update(Value.of("tags"), CrdtType.AW_SET,
                (AWSet s) -> s.add(CausalContext.EMPTY, A, Value.of("x"))));
        CausalState<ORMap> shared = base;

        CausalState<ORMap> removeAtB = shared.store().remove(Value.of("tags"));
        CausalState<ORMap> addAtA = shared.store().update(Value.of("tags"), CrdtType.AW_SET,
                (AWSet s) -> s.add(shared.context(), A, Value.of("y")));

        CausalState<ORMap> merged = merge(shared, addAtA, removeAtB);
        AWSet tags = merged.store().get(Value.of("tags"), CrdtType.AW_SET);
        assertEquals(List.of(Value.of("y")), tags.elements());
    }

    @Test
    @Requirement("HY-DATA-026")
    void counterIncrementConcurrentWithARemoveRestoresTheIncrementersTotal() {
        CausalState<ORMap> state = empty(ORMap.EMPTY);
        Value kwh = Value.of("kwh");
        CausalContext c0 = state.context();
        state = state.join(state.store().update(kwh, CrdtType.GCOUNTER, (GCounter c) -> c.increment(c0, A, 10)));
        CausalContext c1 = state.context();
        state = state.join(state.store().update(kwh, CrdtType.GCOUNTER, (GCounter c) -> c.increment(c1, B, 4)));
        CausalState<ORMap> shared = state;

        CausalState<ORMap> removeAtB = shared.store().remove(kwh);
        CausalState<ORMap> incrementAtA = shared.store().update(kwh, CrdtType.GCOUNTER,
                (GCounter c) -> c.increment(shared.context(), A, 3));

        CausalState<ORMap> merged = merge(shared, incrementAtA, removeAtB);
        GCounter counter = merged.store().get(kwh, CrdtType.GCOUNTER);
        assertEquals(BigInteger.valueOf(13), counter.value(), "A's total survives; B's 4, which the remove saw, does not");
    }

    @Test
    @Requirement("HY-DATA-031")
    void noWriteCanFollowTheLastTimestamp() {
        CausalState<LWWRegister> base = empty(LWWRegister.EMPTY);
        CausalState<LWWRegister> last = base.join(base.store().write(base.context(), A, Value.of(1L), -1L));
        assertThrows(dev.hyphae.data.MutationRefusedException.class,
                () -> last.store().write(last.context(), B, Value.of(2L), -1L));
    }

    @Test
    @Requirement({"HY-DATA-032", "HY-CONV-002"})
    void lwwTieOnTimestampIsBrokenByReplicaIdComparedUnsigned() {
        CausalState<LWWRegister> base = empty(LWWRegister.EMPTY);
        long sameTime = 1_700_000_000_000L << 16;
        CausalState<LWWRegister> atA = base.store().write(base.context(), A, Value.of("from A"), sameTime);
        CausalState<LWWRegister> atB = base.store().write(base.context(), B, Value.of("from B"), sameTime);

        assertEquals(Value.of("from B"), merge(base, atA, atB).store().value().orElseThrow());
    }

    @Test
    @Requirement("HY-DATA-032")
    void lwwLaterTimestampWinsWhateverTheReplica() {
        CausalState<LWWRegister> base = empty(LWWRegister.EMPTY);
        long t = 1_700_000_000_000L << 16;
        CausalState<LWWRegister> atA = base.store().write(base.context(), A, Value.of(1.5), t + 1);
        CausalState<LWWRegister> atB = base.store().write(base.context(), B, Value.of(2.5), t);

        CausalState<LWWRegister> merged = merge(base, atA, atB);
        assertEquals(Value.of(1.5), merged.store().value().orElseThrow());
        assertEquals(2, merged.store().writes().size(), "the concurrent loser stays until a write supersedes it");
    }

    @Test
    @Requirement("HY-DATA-033")
    void mvRegisterKeepsConcurrentWritesAsSiblingsUntilAWriteSeesThemAll() {
        CausalState<MVRegister> base = empty(MVRegister.EMPTY);
        CausalState<MVRegister> merged = merge(base,
                base.store().write(base.context(), A, Value.of("1.4.2")),
                base.store().write(base.context(), B, Value.of("1.4.1")));
        assertEquals(List.of(Value.of("1.4.1"), Value.of("1.4.2")), merged.store().values());

        CausalState<MVRegister> resolved = merged.join(merged.store().write(merged.context(), A, Value.of("1.5.0")));
        assertEquals(List.of(Value.of("1.5.0")), resolved.store().values());
    }

    @Test
    void enableWinsOverAConcurrentDisable() {
        CausalState<EWFlag> base = empty(EWFlag.EMPTY);
        base = base.join(base.store().enable(base.context(), A));
        CausalState<EWFlag> merged = merge(base, base.store().enable(base.context(), A), base.store().disable());
        assertTrue(merged.store().value());
    }

    @Test
    @Requirement("HY-DATA-034")
    void addWinsOverAConcurrentRemoveOfTheSameElement() {
        CausalState<AWSet> base = empty(AWSet.EMPTY);
        base = base.join(base.store().add(base.context(), A, Value.of("x")));
        CausalState<AWSet> merged = merge(base,
                base.store().add(base.context(), B, Value.of("x")),
                base.store().remove(Value.of("x")));
        assertTrue(merged.store().contains(Value.of("x")));
    }

    @Test
    @Requirement("HY-DATA-035")
    void concurrentPutsOfDifferentTypesUnderOneKeyMakeTwoEntries() {
        CausalState<ORMap> base = empty(ORMap.EMPTY);
        Value key = Value.of("firmware");
        CausalState<ORMap> merged = merge(base,
                base.store().update(key, CrdtType.GCOUNTER, (GCounter c) -> c.increment(base.context(), A, 1)),
                base.store().update(key, CrdtType.MV_REGISTER, (MVRegister r) -> r.write(base.context(), B, Value.of("1.4.2"))));
        assertEquals(List.of(CrdtType.GCOUNTER.id(), CrdtType.MV_REGISTER.id()), List.copyOf(merged.store().get(key).keySet()));
    }
}
