package dev.hyphae.sync;

import dev.hyphae.spec.Requirement;
import dev.hyphae.crdt.AWSet;
import dev.hyphae.crdt.CausalState;
import dev.hyphae.crdt.CrdtType;
import dev.hyphae.crdt.LWWRegister;
import dev.hyphae.crdt.ORMap;
import dev.hyphae.crdt.PNCounter;
import dev.hyphae.data.Dot;
import dev.hyphae.data.Value;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Replicas on a simulated network, driven by generated schedules of writes, deliveries, dropped connections
 * (messages lost in flight), duplicated and reordered messages, deliveries acknowledged late, partitions and heals,
 * and power losses (only what was synced survives) with restarts
 * from storage. After the final heal every replica holds the same state, and no write that returned (that is,
 * was acknowledged to the application) is missing from any of them.
 */
class SimulatedNetworkProperties {

    /** One step of a schedule. */
    record Step(int kind, int a, int b, int key, int amount) {
        @Override
        public String toString() {
            return switch (kind) {
                case 0, 1, 2 -> "write(r" + a + ", " + WRITES[key % WRITES.length] + ", " + amount + ")";
                case 3, 4 -> "deliver(r" + a + "->r" + b + ")";
                case 5 -> "deliverWithoutFlush(r" + a + "->r" + b + ")";
                case 6 -> "flush(r" + a + ")";
                case 7 -> "drop(r" + a + "-r" + b + ")";
                case 8 -> "connect(r" + a + "-r" + b + ")";
                case 9 -> "partition(r" + a + "-r" + b + ")";
                case 10 -> "heal";
                case 11 -> "powerLoss(r" + a + ")";
                case 12 -> "duplicate(r" + a + "->r" + b + ")";
                default -> "reorder(r" + a + "->r" + b + ")";
            };
        }
    }

    private static final String[] WRITES = {"counter", "register", "add", "remove", "removeKey"};
    private static final String[] DOCUMENTS = {"plant", "fleet"};

    @Provide
    Arbitrary<List<Step>> schedules() {
        Arbitrary<Step> step = Combinators.combine(
                Arbitraries.integers().between(0, 13),
                Arbitraries.integers().between(0, 4),
                Arbitraries.integers().between(0, 4),
                Arbitraries.integers().between(0, 19),
                Arbitraries.integers().between(1, 9)).as(Step::new);
        return step.list().ofMaxSize(120);
    }

    @Requirement({"HY-SYNC-001", "HY-SYNC-002", "HY-SYNC-004", "HY-SYNC-005", "HY-SYNC-006", "HY-SYNC-007", "HY-SYNC-013", "HY-SYNC-020", "HY-SYNC-021", "HY-SYNC-022", "HY-SESS-027", "HY-SESS-028", "HY-SESS-039", "HY-SESS-041"})
    @Property(tries = 200)
    void replicasConvergeAndKeepEveryAcknowledgedWrite(@ForAll("schedules") List<Step> schedule,
                                                       @ForAll @IntRange(min = 3, max = 5) int size,
                                                       @ForAll long seed, @ForAll boolean deflate) throws Exception {
        Path root = Files.createTempDirectory("hyphae-sim");
        try (SimulatedNetwork net = new SimulatedNetwork(size, root, seed, deflate)) {
            Map<String, BigInteger> counters = new HashMap<>();
            List<Written> acknowledged = new ArrayList<>();
            for (Step step : schedule) {
                int a = step.a() % size;
                int b = step.b() % size;
                switch (step.kind()) {
                    case 0, 1, 2 -> acknowledged.add(write(net, a, step, counters));
                    case 3, 4 -> net.deliver(a, b);
                    case 5 -> net.deliver(a, b, false);
                    case 6 -> net.flush(a);
                    case 7 -> net.drop(a, b);
                    case 8 -> net.connect(a, b);
                    case 9 -> net.partition(a, b);
                    case 10 -> net.healAll();
                    case 11 -> net.crash(a);
                    case 12 -> net.duplicate(a, b);
                    default -> net.reorder(a, b);
                }
            }
            assertTrue(net.settle(200_000), () -> "the network did not settle; events: " + net.events());
            assertEquals(List.of(), net.notIdle(), "sessions that are not idle after settling");

            for (String document : DOCUMENTS) {
                CausalState<ORMap> first = net.replica(0).state(document);
                for (int i = 1; i < size; i++) {
                    assertEquals(first, net.replica(i).state(document), "replica " + i + " differs on " + document);
                }
            }
            // Contexts only grow: every dot an acknowledged write issued or covered is in every replica's context.
            for (Written written : acknowledged) {
                for (int i = 0; i < size; i++) {
                    var context = net.replica(i).state(written.document()).context();
                    for (Dot dot : dotsOf(written.delta())) {
                        assertTrue(context.contains(dot), "replica " + i + " lost " + dot + " of an acknowledged write to " + written.document());
                    }
                }
            }
            for (Map.Entry<String, BigInteger> counter : counters.entrySet()) {
                String[] where = counter.getKey().split("/");
                for (int i = 0; i < size; i++) {
                    PNCounter c = net.replica(i).state(where[0]).store().get(Value.of(where[1]), CrdtType.PNCOUNTER);
                    assertEquals(counter.getValue(), c.value(), "replica " + i + ", counter " + counter.getKey());
                }
            }
        }
    }

    @Test
    @Requirement({"HY-COMP-001", "HY-COMP-003", "HY-COMP-005", "HY-COMP-013"})
    void sessionsThatCompressConvergeAsSessionsThatDoNot() throws Exception {
        List<CausalState<ORMap>> states = new ArrayList<>();
        for (boolean deflate : new boolean[] {false, true}) {
            Path root = Files.createTempDirectory("hyphae-sim");
            try (SimulatedNetwork net = new SimulatedNetwork(3, root, 42, deflate)) {
                for (int round = 0; round < 30; round++) {
                    for (int r = 0; r < 3; r++) {
                        int key = round * 3 + r;
                        String document = DOCUMENTS[key % 2];
                        var id = net.replica(r).replicaId();
                        net.write(r, document, state -> state.store().update(Value.of("sensor-" + key % 40), CrdtType.LWW_REGISTER,
                                (LWWRegister reg) -> reg.write(state.context(), id, Value.of(key * 0.5), key + 1L)));
                    }
                    net.settle(100_000);
                }
                assertTrue(net.settle(100_000));
                for (String document : DOCUMENTS) {
                    for (int i = 1; i < 3; i++) {
                        assertEquals(net.replica(0).state(document), net.replica(i).state(document));
                    }
                    states.add(net.replica(0).state(document));
                }
                assertEquals(deflate, net.compressedDeltas > 0, "compressed deltas: " + net.compressedDeltas);
                assertEquals(List.of(), net.events().stream().filter(e -> e.contains("ended the session")).toList());
            }
        }
        assertEquals(states.subList(0, 2).stream().map(s -> s.store()).toList(), states.subList(2, 4).stream().map(s -> s.store()).toList());
    }

    /** A write that returned to the application, so was acknowledged as durable. */
    record Written(String document, CausalState<ORMap> delta) {
    }

    private static List<Dot> dotsOf(CausalState<ORMap> delta) {
        List<Dot> dots = new ArrayList<>(delta.context().cloud());
        delta.context().versionVector().forEach((replica, n) -> dots.add(new Dot(replica, n)));
        return dots;
    }

    /** A write of the step's kind; counters are never removed, so their sums are checked exactly. */
    private static Written write(SimulatedNetwork net, int replica, Step step, Map<String, BigInteger> counters) {
        String document = DOCUMENTS[step.key() % 2];
        var id = net.replica(replica).replicaId();
        String what = WRITES[step.key() % WRITES.length];
        return new Written(document, net.write(replica, document, state -> switch (what) {
            case "counter" -> {
                String key = "kwh" + step.key() % 3;
                counters.merge(document + "/" + key, BigInteger.valueOf(step.amount()), BigInteger::add);
                yield state.store().update(Value.of(key), CrdtType.PNCOUNTER,
                        (PNCounter c) -> c.increment(state.context(), id, step.amount()));
            }
            case "register" -> state.store().update(Value.of("firmware"), CrdtType.LWW_REGISTER,
                    (LWWRegister r) -> r.write(state.context(), id, Value.of((long) step.amount()), r.greatestTimestamp() + 1 + step.amount()));
            case "add" -> state.store().update(Value.of("alarms"), CrdtType.AW_SET,
                    (AWSet s) -> s.add(state.context(), id, Value.of("a" + step.amount())));
            case "remove" -> state.store().update(Value.of("alarms"), CrdtType.AW_SET,
                    (AWSet s) -> s.remove(Value.of("a" + step.amount())));
            default -> state.store().remove(Value.of("firmware"));
        }));
    }
}
