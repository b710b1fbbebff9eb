package dev.hyphae.crdt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hyphae.codec.JsonView;
import dev.hyphae.data.CausalContext;
import dev.hyphae.data.ReplicaId;
import dev.hyphae.model.State;
import dev.hyphae.model.testkit.States;
import dev.hyphae.spec.Requirement;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The state a replica holds, {@link MutableState}, against the oracles: after any sequence of joins (of states and
 * deltas from several replicas, with values of unknown type, nested maps and removals, duplicated and out of order;
 * valid ones, since they reach the replica through a payload and a decoder refuses one dot held twice, HY-DATA-055) and of local writes, it equals the immutable join of {@link CausalState} and the executable model's
 * join, and answers every query as they do; and its join reports a change exactly when the state changed.
 */
class MutableStateProperties {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Provide
    Arbitrary<List<State>> modelDeltas() {
        return States.states(dev.hyphae.model.CrdtType.OR_MAP, true).list().ofMinSize(1).ofMaxSize(8);
    }

    @SuppressWarnings("unchecked")
    private static CausalState<ORMap> fromModel(State state) {
        return (CausalState<ORMap>) (CausalState<?>) CrdtArbitraries.fromModel(state);
    }

    /**
     * A model state of an ORMap that may hold one dot under two root entries, converted entry by entry (a decoder
     * refuses the whole, HY-DATA-055): each root entry goes through a payload of its own, with the state's context,
     * and the entries are put together again. An entry that holds one dot twice within itself is left out.
     */
    private static CausalState<ORMap> fromModelRootEntries(State state) {
        CausalContext context = fromModel(new State(dev.hyphae.model.ORMap.EMPTY, state.context())).context();
        java.util.TreeMap<EntryKey, Crdt> entries = new java.util.TreeMap<>();
        ((dev.hyphae.model.ORMap) state.store()).entries().forEach((key, store) -> {
            State one = new State(dev.hyphae.model.ORMap.of(java.util.Map.of(key, store)), state.context());
            if (new java.util.HashSet<>(one.store().dots()).size() == one.store().dots().size()) {
                entries.putAll(fromModel(one).store().entries());
            }
        });
        return new CausalState<>(ORMap.of(entries), context);
    }

    @Property(tries = 500)
    @Requirement({"HY-DATA-020", "HY-DATA-022"})
    void joinsEqualTheImmutableJoinAndTheModels(@ForAll("modelDeltas") List<State> deltas) throws Exception {
        MutableState fast = new MutableState();
        CausalState<ORMap> immutable = new CausalState<>(ORMap.EMPTY, CausalContext.EMPTY);
        State model = State.empty(dev.hyphae.model.CrdtType.OR_MAP.id());
        for (State delta : deltas) {
            CausalState<ORMap> before = fast.state();
            boolean changed = fast.join(fromModel(delta));
            immutable = immutable.join(fromModel(delta));
            model = model.join(delta);
            assertEquals(immutable, fast.state());
            assertEquals(!before.equals(immutable), changed, "the join reports a change exactly when the state changed");
            assertTrue(fast.indexIsExact(), "the index names exactly the dots of the entries");
        }
        if (hasPayload(model)) {
            assertEquals(fromModel(model), fast.state());
        }
        assertEquals(view(dev.hyphae.model.JsonView.of(model)), view(JsonView.of(fast.state())),
                "the model and the replica's state answer every query alike");
        assertEquals(immutable.context(), fast.context());
    }

    /**
     * Whether the model's state has a payload: deltas of one unknown type under one key can join to a store holding
     * two opaque versions, which no payload carries (HY-ENC-051). Such a state is compared by its view only.
     */
    private static boolean hasPayload(State state) {
        try {
            dev.hyphae.model.encoding.PayloadEncoder.encode(state);
            return true;
        } catch (IllegalArgumentException twoOpaqueVersions) {
            return false;
        }
    }

    @Property(tries = 300)
    @Requirement({"HY-DATA-020", "HY-DATA-022"})
    void deliveryInAnyOrderWithDuplicatesReachesOneState(@ForAll("modelDeltas") List<State> deltas, @ForAll Random random) {
        List<CausalState<ORMap>> all = deltas.stream().map(MutableStateProperties::fromModel).toList();
        MutableState inOrder = new MutableState();
        all.forEach(inOrder::join);
        List<CausalState<ORMap>> delivery = new ArrayList<>(all);
        for (int i = 0; i < all.size(); i++) {
            delivery.add(all.get(random.nextInt(all.size())));
        }
        Collections.shuffle(delivery, random);
        MutableState shuffled = new MutableState();
        delivery.forEach(shuffled::join);
        assertEquals(inOrder.state(), shuffled.state());
        for (CausalState<ORMap> delta : all) {
            assertFalse(shuffled.join(delta), "a delta joined before brings nothing new");
        }
        assertEquals(inOrder.state(), new MutableState(inOrder.state()).state());
    }

    @Property(tries = 300)
    @Requirement("HY-DATA-020")
    void aPreparedJoinChangesNothingUntilApplied(@ForAll("modelDeltas") List<State> deltas) {
        MutableState fast = new MutableState();
        for (State delta : deltas) {
            CausalState<ORMap> before = fast.state();
            MutableState.Join join = fast.prepare(fromModel(delta));
            assertEquals(before, fast.state());
            join.apply();
            assertEquals(before.join(fromModel(delta)), fast.state());
        }
    }

    /** States valid or not: some hold one dot under two entries, so that the index holds a set of slots for it. */
    @Provide
    Arbitrary<List<State>> anyModelDeltas() {
        return States.anyStates(dev.hyphae.model.CrdtType.OR_MAP, true).list().ofMinSize(1).ofMaxSize(8);
    }

    /**
     * The check that a write to one key touches only that key, made without joining
     * ({@link MutableState#touchesOnly}), answers as its definition says (the delta holds entries under that key alone,
     * and its context covers no dot of an entry under another key) and as the prepared join does, for every key of any
     * of the deltas, at every state those deltas reach. The rule is the reference's own (a write in a batch may change
     * only the key it names), not a rule of the specification, so no requirement is cited.
     */
    @Property(tries = 300)
    void theCheckOfAWriteToOneKeyAnswersAsItsDefinitionAndThePreparedJoin(@ForAll("modelDeltas") List<State> deltas) {
        checkTouchesOnly(deltas);
    }

    /** As above, on states that may hold one dot under two entries (of one key or of two). */
    @Property(tries = 300)
    void theCheckOfAWriteToOneKeyAnswersAsItsDefinitionWhereADotIsHeldTwice(@ForAll("anyModelDeltas") List<State> deltas) {
        Statistics.label("a state checked holds one dot under two root entries").collect(checkTouchesOnly(deltas));
        Statistics.label("a state checked holds one dot under two root entries")
                .coverage(c -> c.check(true).count(n -> n > 0));
    }

    /** @return whether some state checked held one dot under two root entries (the index's set of slots) */
    private static boolean checkTouchesOnly(List<State> deltas) {
        boolean dotHeldTwice = false;
        List<CausalState<ORMap>> all = deltas.stream().map(MutableStateProperties::fromModelRootEntries).toList();
        java.util.Set<dev.hyphae.data.Value> keys = new java.util.HashSet<>();
        all.forEach(d -> d.store().entries().keySet().forEach(k -> keys.add(k.key())));
        keys.add(dev.hyphae.data.Value.of("a key no delta holds"));
        MutableState fast = new MutableState();
        for (CausalState<ORMap> state : all) {
            for (CausalState<ORMap> delta : all) {
                for (dev.hyphae.data.Value key : keys) {
                    boolean answer = fast.touchesOnly(delta, key);
                    assertEquals(touchesOnlyByDefinition(fast.state(), delta, key), answer,
                            "touches only " + key + " (by definition): " + delta + " into " + fast.state());
                    assertEquals(fast.prepare(delta).touchesOnly(key), answer,
                            "touches only " + key + " (as the prepared join): " + delta + " into " + fast.state());
                }
            }
            dotHeldTwice |= holdsADotTwice(fast.state());
            fast.join(state);
        }
        return dotHeldTwice;
    }

    private static boolean holdsADotTwice(CausalState<ORMap> state) {
        java.util.Set<dev.hyphae.data.Dot> seen = new java.util.HashSet<>();
        boolean[] twice = {false};
        state.store().entries().values().forEach(store -> {
            java.util.Set<dev.hyphae.data.Dot> own = new java.util.HashSet<>();
            store.forEachDot(own::add);
            own.forEach(dot -> twice[0] |= !seen.add(dot));
        });
        return twice[0];
    }

    /**
     * The definition: the delta's root entries are all under {@code key}, and no entry of the state under another key
     * holds a dot that the delta's context covers (a join would remove or keep that dot, so it touches that entry).
     */
    private static boolean touchesOnlyByDefinition(CausalState<ORMap> state, CausalState<ORMap> delta,
                                                   dev.hyphae.data.Value key) {
        if (!delta.store().entries().keySet().stream().allMatch(k -> k.key().equals(key))) {
            return false;
        }
        boolean[] covered = {false};
        state.store().entries().forEach((entry, store) -> {
            if (!entry.key().equals(key)) {
                store.forEachDot(dot -> covered[0] |= delta.context().contains(dot));
            }
        });
        return !covered[0];
    }

    @Provide
    Arbitrary<List<ConvergenceProperties.Step>> histories() {
        Arbitrary<ConvergenceProperties.Step> step = Combinators.combine(
                Arbitraries.integers().between(0, 12),
                Arbitraries.integers().between(0, 2),
                Arbitraries.integers().between(0, 2),
                Arbitraries.integers().between(0, 2),
                CrdtArbitraries.values()).as(ConvergenceProperties.Step::new);
        return step.list().ofMinSize(1).ofMaxSize(40);
    }

    /**
     * Three replicas write (every type, nested maps, removals of keys, elements and flags) and catch up with one
     * another, each holding a {@link MutableState} beside an immutable state: every write is made, as a replica makes
     * it, from the entries under its key alone, and gives the delta the whole state gives; then every replica receives
     * every delta again, shuffled with duplicates. The two states agree after every step.
     */
    @Property(tries = 500)
    @Requirement({"HY-DATA-020", "HY-DATA-021", "HY-DATA-022", "HY-DATA-023"})
    void localWritesAndReceivedDeltasAgreeWithTheImmutableState(
            @ForAll("histories") List<ConvergenceProperties.Step> history, @ForAll Random random) {
        ConvergenceProperties.Simulation sim = new ConvergenceProperties.Simulation();
        List<MutableState> fast = List.of(new MutableState(), new MutableState(), new MutableState());
        for (ConvergenceProperties.Step step : history) {
            int r = step.replica();
            if (step.kind() == 12) {
                int seen = sim.made.get(step.other()).size();
                sim.run(step);
                sim.made.get(step.other()).subList(0, seen).forEach(fast.get(r)::join);
            } else {
                ReplicaId replica = CrdtArbitraries.REPLICAS.get(r);
                // Two clocks in the same state, one for each write, so that equal inputs give equal timestamps.
                CausalState<ORMap> fromEntries = ConvergenceProperties.Simulation.write(step,
                        fast.get(r).entriesUnder(keyOf(step)), replica, new HybridLogicalClock(() -> 1_700_000_000_000L));
                CausalState<ORMap> fromState = ConvergenceProperties.Simulation.write(step, sim.states.get(r), replica,
                        new HybridLogicalClock(() -> 1_700_000_000_000L));
                assertEquals(fromState, fromEntries);
                sim.run(step);
                List<CausalState<ORMap>> made = sim.made.get(r);
                fast.get(r).join(made.get(made.size() - 1));
            }
            assertEquals(sim.states.get(r), fast.get(r).state());
        }
        for (int r = 0; r < 3; r++) {
            List<CausalState<ORMap>> delivery = new ArrayList<>(sim.deltas);
            delivery.addAll(sim.deltas.subList(0, sim.deltas.size() / 2));
            Collections.shuffle(delivery, random);
            CausalState<ORMap> immutable = sim.states.get(r);
            for (CausalState<ORMap> delta : delivery) {
                CausalState<ORMap> joined = immutable.join(delta);
                assertEquals(!joined.equals(immutable), fast.get(r).join(delta));
                immutable = joined;
            }
            assertEquals(immutable, fast.get(r).state());
            assertTrue(fast.get(r).indexIsExact());
        }
    }

    private static dev.hyphae.data.Value keyOf(ConvergenceProperties.Step step) {
        return ConvergenceProperties.KEYS[step.key()];
    }

    /**
     * Dots whose counters are near 2^63 (where a signed order turns) and near 2^64 - 1 (the last counter): entries
     * written, removed by a context whose vector entry reaches past them, and a cloud absorbed into a vector entry at
     * 2^64 - 1. The replica's state agrees with the immutable join after every delta, its index stays exact.
     */
    @Property(tries = 300)
    @Requirement({"HY-DATA-020", "HY-DATA-022"})
    void countersNearTwoToTheSixtyThreeAndTheLastCounterJoinExactly(@ForAll Random random) {
        long[] counters = {1, 2, 3, Long.MAX_VALUE - 1, Long.MAX_VALUE, Long.MIN_VALUE, Long.MIN_VALUE + 1, -3L, -2L, -1L};
        List<ReplicaId> replicas = CrdtArbitraries.REPLICAS.subList(0, 2);
        MutableState fast = new MutableState();
        CausalState<ORMap> immutable = new CausalState<>(ORMap.EMPTY, CausalContext.EMPTY);
        for (int step = 0; step < 12; step++) {
            ReplicaId replica = replicas.get(random.nextInt(replicas.size()));
            long counter = counters[random.nextInt(counters.length)];
            CausalState<ORMap> delta;
            if (random.nextInt(3) == 0) {
                // A removal: every dot of the replica up to the counter, in unsigned order.
                java.util.TreeMap<ReplicaId, Long> vector = new java.util.TreeMap<>();
                vector.put(replica, counter);
                delta = new CausalState<>(ORMap.EMPTY, CausalContext.ofCanonical(vector, new java.util.TreeSet<>()));
            } else {
                dev.hyphae.data.Dot dot = new dev.hyphae.data.Dot(replica, counter);
                java.util.TreeMap<dev.hyphae.data.Value, java.util.SortedSet<dev.hyphae.data.Dot>> elements = new java.util.TreeMap<>();
                elements.put(dev.hyphae.data.Value.of(counter), new java.util.TreeSet<>(List.of(dot)));
                java.util.TreeMap<EntryKey, Crdt> entries = new java.util.TreeMap<>();
                entries.put(new EntryKey(dev.hyphae.data.Value.of("k" + random.nextInt(3)), CrdtType.AW_SET.id()),
                        AWSet.of(elements));
                delta = new CausalState<>(ORMap.of(entries), CausalContext.of(List.of(dot)));
            }
            CausalState<ORMap> joined = immutable.join(delta);
            assertEquals(!joined.equals(immutable), fast.join(delta));
            immutable = joined;
            assertEquals(immutable, fast.state());
            assertEquals(immutable.context(), fast.context());
            assertTrue(fast.indexIsExact());
        }
    }

    @org.junit.jupiter.api.Test
    @Requirement("HY-DATA-009")
    void aCloudRunUpToTheLastCounterIsAbsorbedWhole() {
        ReplicaId replica = CrdtArbitraries.REPLICAS.get(0);
        MutableState fast = new MutableState();
        List<dev.hyphae.data.Dot> tail = List.of(new dev.hyphae.data.Dot(replica, -2L), new dev.hyphae.data.Dot(replica, -1L));
        fast.join(new CausalState<>(ORMap.EMPTY, CausalContext.of(tail)));
        java.util.TreeMap<ReplicaId, Long> upTo = new java.util.TreeMap<>();
        upTo.put(replica, -3L);
        fast.join(new CausalState<>(ORMap.EMPTY, CausalContext.ofCanonical(upTo, new java.util.TreeSet<>())));
        upTo.put(replica, -1L);
        assertEquals(CausalContext.ofCanonical(upTo, new java.util.TreeSet<>()), fast.context());
    }

    private static JsonNode view(Object view) throws Exception {
        return JSON.readTree(JSON.writeValueAsString(view));
    }
}
