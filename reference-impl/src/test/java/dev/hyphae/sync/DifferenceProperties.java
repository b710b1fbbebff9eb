package dev.hyphae.sync;

import dev.hyphae.spec.Requirement;
import dev.hyphae.crdt.AWSet;
import dev.hyphae.crdt.CausalState;
import dev.hyphae.crdt.CrdtType;
import dev.hyphae.crdt.EWFlag;
import dev.hyphae.crdt.LWWRegister;
import dev.hyphae.crdt.ORMap;
import dev.hyphae.crdt.PNCounter;
import dev.hyphae.data.CausalContext;
import dev.hyphae.data.ReplicaId;
import dev.hyphae.data.Value;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The version-vector difference brings a neighbour exactly where the whole state would: for any two states X and
 * Y of one history, Y ⊔ Δ(X, vv(Y)) = Y ⊔ X. And it sends no entry whose dot the summary covers.
 */
class DifferenceProperties {

    private static final ReplicaId[] REPLICAS = {
        ReplicaId.fromHex("00000000000000000000000000000001"),
        ReplicaId.fromHex("00000000000000000000000000000002"),
        ReplicaId.fromHex("00000000000000000000000000000003"),
    };

    /**
     * One write by one replica, on the state it has: kind, replica, key, and a small number. Kind 8 is not a write:
     * replica {@code replica} receives the single delta number {@code n} of the history so far, out of order, which
     * is what gives contexts their dot clouds.
     */
    record Op(int kind, int replica, int key, int n, boolean seen) {
    }

    @Provide
    Arbitrary<List<Op>> histories() {
        return Combinators.combine(Arbitraries.integers().between(0, 8), Arbitraries.integers().between(0, 2),
                Arbitraries.integers().between(0, 3), Arbitraries.integers().between(1, 40), Arbitraries.of(true, false))
                .as(Op::new).list().ofMaxSize(40);
    }

    /**
     * Replays a history: each replica writes on its own state; an op marked {@code seen} also makes the next
     * replica receive everything the writer has, so histories mix causally related and concurrent writes.
     * Returns the states X (replica 0) and Y (replica 1).
     */
    private static List<CausalState<ORMap>> replay(List<Op> history) {
        List<CausalState<ORMap>> states = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            states.add(DocumentReplica.empty());
        }
        List<CausalState<ORMap>> deltas = new ArrayList<>();
        for (Op op : history) {
            if (op.kind() == 8) {
                if (!deltas.isEmpty()) {
                    states.set(op.replica(), states.get(op.replica()).join(deltas.get(op.n() % deltas.size())));
                }
                continue;
            }
            CausalState<ORMap> s = states.get(op.replica());
            ReplicaId id = REPLICAS[op.replica()];
            Value key = Value.of("k" + op.key());
            CausalContext c = s.context();
            Function<ORMap, CausalState<ORMap>> write = switch (op.kind()) {
                case 0 -> m -> m.update(key, CrdtType.PNCOUNTER, (PNCounter x) -> x.increment(c, id, op.n() % 5 + 1));
                case 1 -> m -> m.update(key, CrdtType.LWW_REGISTER, (LWWRegister x) -> x.write(c, id, Value.of((long) (op.n() % 5 + 1)), x.greatestTimestamp() + 1));
                case 2 -> m -> m.update(key, CrdtType.AW_SET, (AWSet x) -> x.add(c, id, Value.of((long) (op.n() % 5 + 1))));
                case 3 -> m -> m.update(key, CrdtType.AW_SET, (AWSet x) -> x.remove(Value.of((long) (op.n() % 5 + 1))));
                case 4 -> m -> m.update(key, CrdtType.EW_FLAG, (EWFlag x) -> x.enable(c, id));
                case 5 -> m -> m.update(key, CrdtType.OR_MAP, (ORMap inner) ->
                        inner.update(Value.of("nested"), CrdtType.PNCOUNTER, (PNCounter x) -> x.increment(c, id, op.n() % 5 + 1)));
                case 6 -> m -> m.remove(key);
                default -> m -> m.update(key, CrdtType.EW_FLAG, (EWFlag x) -> x.disable());
            };
            CausalState<ORMap> delta = write.apply(s.store());
            deltas.add(delta);
            states.set(op.replica(), s.join(delta));
            if (op.seen()) {
                int next = (op.replica() + 1) % 3;
                states.set(next, states.get(next).join(states.get(op.replica())));
            }
        }
        return states;
    }

    @Requirement({"HY-SYNC-016", "HY-SYNC-017"})
    @Property(tries = 2000)
    void theDifferenceBringsTheNeighbourWhereTheWholeStateWould(@ForAll("histories") List<Op> history) {
        List<CausalState<ORMap>> states = replay(history);
        CausalState<ORMap> x = states.get(0);
        CausalState<ORMap> y = states.get(1);
        CausalState<ORMap> difference = Difference.of(x, y.context().versionVector());
        assertNotNull(difference);
        assertEquals(y.join(x), y.join(difference));
        CausalContext summary = CausalContext.ofCanonical(y.context().versionVector(), new java.util.TreeSet<>());
        difference.store().forEachDot(dot -> assertTrue(!summary.contains(dot), "sent " + dot + ", which the summary covers"));
    }

    /**
     * The counterexample a review found: a sender whose context holds r's dots 1, 2 and, in its cloud, 5, and a
     * receiver that has seen 1 to 5 and still holds 3 and 4. The difference must not claim 3 and 4.
     */
    @org.junit.jupiter.api.Test
    @Requirement("HY-SYNC-016")
    void aCloudDotAboveTheVectorDoesNotClaimTheDotsBelowIt() {
        ReplicaId r = REPLICAS[0];
        List<CausalState<ORMap>> adds = new ArrayList<>();
        CausalState<ORMap> y = DocumentReplica.empty();
        for (long i = 1; i <= 5; i++) {
            CausalContext c = y.context();
            Value element = Value.of(i);
            CausalState<ORMap> delta = y.store().update(Value.of("set"), CrdtType.AW_SET, (AWSet x) -> x.add(c, r, element));
            adds.add(delta);
            y = y.join(delta);
        }
        CausalState<ORMap> x = adds.get(0).join(adds.get(1)).join(adds.get(4));
        CausalState<ORMap> difference = Difference.of(x, y.context().versionVector());
        assertEquals(y.join(x), y.join(difference));
        assertEquals(5, y.join(difference).store().<AWSet>get(Value.of("set"), CrdtType.AW_SET).elements().size());
    }

    /**
     * Counters are unsigned 64-bit (chapter "Data model", "Dots"): a context that claims every dot of a replica up
     * to 2^63 + 5, with one of them still in the store and seen by the neighbour, leaves about 2^63 dots for the
     * cloud. The difference must decline (too many cloud dots, so the state is sent), not take the count for a
     * negative number that passes the limit and then loop over it.
     */
    @org.junit.jupiter.api.Test
    @org.junit.jupiter.api.Timeout(60)
    @Requirement("HY-SYNC-016")
    void aVectorEntryAbove2To63IsTooManyCloudDotsNotANegativeCount() {
        ReplicaId r = REPLICAS[0];
        CausalState<ORMap> empty = DocumentReplica.empty();
        CausalContext c = empty.context();
        CausalState<ORMap> add = empty.store().update(Value.of("set"), CrdtType.AW_SET, (AWSet x) -> x.add(c, r, Value.of(1L)));
        long huge = Long.MIN_VALUE + 5;   // 2^63 + 5, unsigned
        CausalState<ORMap> x = new CausalState<>(add.store(),
                CausalContext.ofCanonical(new java.util.TreeMap<>(java.util.Map.of(r, huge)), new java.util.TreeSet<>()));
        assertEquals(null, Difference.of(x, new java.util.TreeMap<>(java.util.Map.of(r, 1L))));
    }

    @Property(tries = 500)
    @Requirement("HY-SYNC-016")
    void againstAnEmptySummaryTheDifferenceIsTheWholeState(@ForAll("histories") List<Op> history) {
        CausalState<ORMap> x = replay(history).get(0);
        assertEquals(x, Difference.of(x, new java.util.TreeMap<>()));
    }
}
