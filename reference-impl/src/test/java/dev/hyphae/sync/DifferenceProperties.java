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

    /** One write by one replica, on the state it has: kind, replica, key, and a small number. */
    record Op(int kind, int replica, int key, int n, boolean seen) {
    }

    @Provide
    Arbitrary<List<Op>> histories() {
        return Combinators.combine(Arbitraries.integers().between(0, 7), Arbitraries.integers().between(0, 2),
                Arbitraries.integers().between(0, 3), Arbitraries.integers().between(1, 5), Arbitraries.of(true, false))
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
        for (Op op : history) {
            CausalState<ORMap> s = states.get(op.replica());
            ReplicaId id = REPLICAS[op.replica()];
            Value key = Value.of("k" + op.key());
            CausalContext c = s.context();
            Function<ORMap, CausalState<ORMap>> write = switch (op.kind()) {
                case 0 -> m -> m.update(key, CrdtType.PNCOUNTER, (PNCounter x) -> x.increment(c, id, op.n()));
                case 1 -> m -> m.update(key, CrdtType.LWW_REGISTER, (LWWRegister x) -> x.write(c, id, Value.of((long) op.n()), x.greatestTimestamp() + 1));
                case 2 -> m -> m.update(key, CrdtType.AW_SET, (AWSet x) -> x.add(c, id, Value.of((long) op.n())));
                case 3 -> m -> m.update(key, CrdtType.AW_SET, (AWSet x) -> x.remove(Value.of((long) op.n())));
                case 4 -> m -> m.update(key, CrdtType.EW_FLAG, (EWFlag x) -> x.enable(c, id));
                case 5 -> m -> m.update(key, CrdtType.OR_MAP, (ORMap inner) ->
                        inner.update(Value.of("nested"), CrdtType.PNCOUNTER, (PNCounter x) -> x.increment(c, id, op.n())));
                case 6 -> m -> m.remove(key);
                default -> m -> m.update(key, CrdtType.EW_FLAG, (EWFlag x) -> x.disable());
            };
            CausalState<ORMap> delta = write.apply(s.store());
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

    @Requirement({"HY-SYNC-016"})
    @Property(tries = 500)
    void againstAnEmptySummaryTheDifferenceIsTheWholeState(@ForAll("histories") List<Op> history) {
        CausalState<ORMap> x = replay(history).get(0);
        assertEquals(x, Difference.of(x, new java.util.TreeMap<>()));
    }
}
