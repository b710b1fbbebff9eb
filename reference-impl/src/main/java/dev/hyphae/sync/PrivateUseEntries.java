package dev.hyphae.sync;

import dev.hyphae.crdt.CausalState;
import dev.hyphae.crdt.Crdt;
import dev.hyphae.crdt.EntryKey;
import dev.hyphae.crdt.ORMap;
import dev.hyphae.data.CausalContext;
import dev.hyphae.data.Dot;
import dev.hyphae.data.Limits;
import dev.hyphae.data.ReplicaId;
import dev.hyphae.data.Seq;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What a peer leaves out of a payload for a neighbour with which no capability defines a CRDT type of the Private Use
 * range (specification, chapter "Versioning and extensibility", section "Private Use values"): every entry of such a
 * type, at any depth (HY-VER-033, HY-VER-034), and its dots from the payload's causal context (HY-VER-035), so that the
 * rest of the delta still travels and the neighbour takes the value as not yet seen, never as removed.
 *
 * <p>No capability that this implementation knows defines a Private Use CRDT type, so it leaves out every one, in
 * every session.
 */
final class PrivateUseEntries {

    /** The first CRDT type id of the Private Use range, 0x8000 to 0xFFFF (chapter "Registries"). */
    static final int FIRST_PRIVATE_USE_TYPE = 0x8000;

    private PrivateUseEntries() {
    }

    /** Whether {@code typeId}, a CRDT type id, is of the Private Use range. */
    static boolean isPrivateUse(int typeId) {
        return typeId >= FIRST_PRIVATE_USE_TYPE;
    }

    /** Whether {@code map} holds, at any depth, an entry of a Private Use type. */
    static boolean holdsAny(ORMap map) {
        for (Map.Entry<EntryKey, Crdt> e : map.entries().entrySet()) {
            if (isPrivateUse(e.getKey().typeId()) || (e.getValue() instanceof ORMap nested && holdsAny(nested))) {
                return true;
            }
        }
        return false;
    }

    /**
     * {@code state} without its entries of a Private Use type and without their dots in its context: less than
     * {@code state} in the order of states, so joining it tells a neighbour nothing that {@code state} does not. Null
     * when the context, with those dots taken out, would need more than {@code MAX_CLOUD_DOTS} cloud dots, so that no
     * payload can carry it.
     */
    static CausalState<ORMap> leftOut(CausalState<ORMap> state) {
        List<Dot> dots = new ArrayList<>();
        ORMap kept = without(state.store(), dots);
        if (dots.isEmpty()) {
            return state;
        }
        CausalContext context = minus(state.context(), dots);
        return context == null ? null : new CausalState<>(kept, context);
    }

    /** {@code map} without its entries of a Private Use type, at any depth; their dots are added to {@code leftOut}. */
    private static ORMap without(ORMap map, List<Dot> leftOut) {
        TreeMap<EntryKey, Crdt> kept = null;
        for (Map.Entry<EntryKey, Crdt> e : map.entries().entrySet()) {
            Crdt value = e.getValue();
            Crdt keptValue = value;
            if (isPrivateUse(e.getKey().typeId())) {
                value.forEachDot(leftOut::add);
                keptValue = null;
            } else if (value instanceof ORMap nested) {
                keptValue = without(nested, leftOut);
            }
            if (keptValue != value) {
                if (kept == null) {
                    kept = new TreeMap<>(map.entries());
                }
                if (keptValue == null) {
                    kept.remove(e.getKey());
                } else {
                    kept.put(e.getKey(), keptValue);   // a nested map left empty is dropped by ORMap.of
                }
            }
        }
        return kept == null ? map : ORMap.of(kept);
    }

    /**
     * {@code context} without {@code dots}, in canonical form: per replica, the runs of the vector and the cloud with
     * the dots cut out, the run that starts at 1 as the vector entry and the others as the cloud. Null past
     * {@code MAX_CLOUD_DOTS} cloud dots.
     */
    static CausalContext minus(CausalContext context, List<Dot> dots) {
        TreeMap<ReplicaId, List<long[]>> runs = new TreeMap<>();
        context.versionVector().forEach((replica, count) -> runs.computeIfAbsent(replica, r -> new ArrayList<>()).add(new long[] {1, count}));
        context.forEachCloudRun((replica, first, last) -> runs.computeIfAbsent(replica, r -> new ArrayList<>()).add(new long[] {first, last}));
        TreeMap<ReplicaId, TreeSet<Long>> cut = new TreeMap<>();
        for (Dot dot : dots) {
            cut.computeIfAbsent(dot.replica(), r -> new TreeSet<>(Seq.ORDER)).add(dot.counter());
        }
        TreeMap<ReplicaId, Long> vector = new TreeMap<>();
        SortedMap<ReplicaId, long[]> cloud = new TreeMap<>();
        runs.forEach((replica, ofReplica) -> {
            TreeSet<Long> counters = cut.getOrDefault(replica, new TreeSet<>(Seq.ORDER));
            List<Long> pairs = new ArrayList<>();
            for (long[] run : ofReplica) {
                long first = run[0];
                // The counters cut from this run, in ascending order; each splits it. Counters are unsigned: a run
                // is cut only inside itself, so first - 1 and counter + 1 never wrap.
                for (long counter : counters.subSet(run[0], true, run[1], true)) {
                    if (counter != first) {
                        pairs.add(first);
                        pairs.add(counter - 1);
                    }
                    first = counter + 1;
                    if (counter == run[1]) {
                        first = 0;   // nothing left of this run
                    }
                }
                if (first != 0) {
                    pairs.add(first);
                    pairs.add(run[1]);
                }
            }
            int start = 0;
            if (!pairs.isEmpty() && pairs.get(0) == 1L) {
                vector.put(replica, pairs.get(1));
                start = 2;
            }
            if (start < pairs.size()) {
                long[] rest = new long[pairs.size() - start];
                for (int i = start; i < pairs.size(); i++) {
                    rest[i - start] = pairs.get(i);
                }
                cloud.put(replica, rest);
            }
        });
        CausalContext result = CausalContext.ofCanonicalRuns(vector, cloud);
        if (result == null) {
            throw new IllegalStateException("runs cut from a canonical context are canonical: " + context + " minus " + dots);
        }
        return result.cloudSize() > Limits.MAX_CLOUD_DOTS ? null : result;
    }
}
