package dev.hyphae.crdt;

import dev.hyphae.spec.Requirement;
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
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Replicas of one document that write concurrently, sync now and then, and finally receive every delta in
 * any order, with duplicates, reach equal states. Every type is exercised inside an ORMap, nested maps
 * included, as applications use them.
 */
class ConvergenceProperties {

    /** One step of a history: a write by one replica, or one replica catching up with another. */
    record Step(int kind, int replica, int other, int key, Value value) {
    }

    private static final int KINDS = 13;
    static final Value[] KEYS = {Value.of("kwh"), Value.of("tags"), Value.of(7L)};

    @Provide
    Arbitrary<List<Step>> histories() {
        Arbitrary<Step> step = Combinators.combine(
                Arbitraries.integers().between(0, KINDS - 1),
                Arbitraries.integers().between(0, 2),
                Arbitraries.integers().between(0, 2),
                Arbitraries.integers().between(0, KEYS.length - 1),
                CrdtArbitraries.values()).as(Step::new);
        return step.list().ofMinSize(1).ofMaxSize(30);
    }

    @Property(tries = 1000)
    @Requirement({"HY-DATA-020", "HY-DATA-022", "HY-DATA-006", "HY-DATA-005"})
    void replicasReceivingTheSameDeltasInAnyOrderWithDuplicatesConverge(
            @ForAll("histories") List<Step> history, @ForAll Random random) {
        Simulation sim = new Simulation();
        history.forEach(sim::run);

        List<CausalState<ORMap>> all = new ArrayList<>(sim.deltas);
        CausalState<ORMap> inOrder = new CausalState<>(ORMap.EMPTY, CausalContext.EMPTY);
        for (CausalState<ORMap> delta : all) {
            inOrder = inOrder.join(delta);
        }
        for (int r = 0; r < 3; r++) {
            List<CausalState<ORMap>> delivery = new ArrayList<>(all);
            for (int i = 0; i < all.size() / 3; i++) {
                delivery.add(all.get(random.nextInt(all.size())));
            }
            Collections.shuffle(delivery, random);
            CausalState<ORMap> state = sim.states.get(r);
            for (CausalState<ORMap> delta : delivery) {
                state = state.join(delta);
            }
            assertEquals(inOrder, state, "replica " + r + " after delivery in a random order");
        }
    }

    /** Three replicas, each keeping every delta it makes, and a shared wall clock for LWW timestamps. */
    static final class Simulation {
        final List<CausalState<ORMap>> states = new ArrayList<>();
        final List<List<CausalState<ORMap>>> made = new ArrayList<>();
        final List<CausalState<ORMap>> deltas = new ArrayList<>();
        final List<HybridLogicalClock> clocks = new ArrayList<>();
        private long wallClock = 1_700_000_000_000L;

        Simulation() {
            for (int r = 0; r < 3; r++) {
                states.add(new CausalState<>(ORMap.EMPTY, CausalContext.EMPTY));
                made.add(new ArrayList<>());
                // Each replica's wall clock is skewed; the hybrid logical clock keeps causality anyway.
                long skew = (r - 1) * 5_000L;
                clocks.add(new HybridLogicalClock(() -> wallClock + skew));
            }
        }

        void run(Step step) {
            wallClock += 7;
            int r = step.replica();
            if (step.kind() == KINDS - 1) {
                // Replica r catches up with everything replica `other` has made so far.
                for (CausalState<ORMap> delta : made.get(step.other())) {
                    states.set(r, states.get(r).join(delta));
                }
                return;
            }
            CausalState<ORMap> state = states.get(r);
            CausalState<ORMap> delta = write(step, state, CrdtArbitraries.REPLICAS.get(r), clocks.get(r));
            states.set(r, state.join(delta));
            made.get(r).add(delta);
            deltas.add(delta);
        }

        static CausalState<ORMap> write(Step step, CausalState<ORMap> state, ReplicaId replica, HybridLogicalClock clock) {
            ORMap map = state.store();
            CausalContext ctx = state.context();
            Value key = KEYS[step.key()];
            Value value = step.value();
            return switch (step.kind()) {
                case 0 -> map.update(key, CrdtType.GCOUNTER, (GCounter c) -> c.increment(ctx, replica, 3));
                case 1 -> map.update(key, CrdtType.PNCOUNTER, (PNCounter c) -> c.increment(ctx, replica, 2));
                case 2 -> map.update(key, CrdtType.PNCOUNTER, (PNCounter c) -> c.decrement(ctx, replica, 5));
                case 3 -> map.update(key, CrdtType.LWW_REGISTER,
                        (LWWRegister reg) -> reg.write(ctx, replica, value, clock.next(reg.greatestTimestamp())));
                case 4 -> map.update(key, CrdtType.MV_REGISTER, (MVRegister reg) -> reg.write(ctx, replica, value));
                case 5 -> map.update(key, CrdtType.EW_FLAG, (EWFlag f) -> f.enable(ctx, replica));
                case 6 -> map.update(key, CrdtType.EW_FLAG, EWFlag::disable);
                case 7 -> map.update(key, CrdtType.AW_SET, (AWSet s) -> s.add(ctx, replica, value));
                case 8 -> map.update(key, CrdtType.AW_SET, (AWSet s) -> s.remove(value));
                case 9 -> map.remove(key);
                case 10 -> map.update(key, CrdtType.OR_MAP, (ORMap inner) -> inner.update(Value.of("inner"),
                        CrdtType.AW_SET, (AWSet s) -> s.add(ctx, replica, value)));
                case 11 -> map.update(key, CrdtType.OR_MAP, (ORMap inner) -> inner.remove(Value.of("inner")));
                default -> throw new IllegalArgumentException("kind " + step.kind());
            };
        }
    }
}
