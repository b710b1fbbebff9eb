package dev.hyphae.sync;

import dev.hyphae.crdt.CausalState;
import dev.hyphae.crdt.ORMap;
import dev.hyphae.data.CausalContext;
import dev.hyphae.data.Dot;
import dev.hyphae.data.Limits;
import dev.hyphae.data.ReplicaId;
import dev.hyphae.data.Seq;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The version-vector difference (specification, chapter "Sync", section "Difference and state"): the
 * smallest delta that this algorithm can compute from a state and a neighbour's summary alone, and that brings
 * the neighbour up to the state when joined.
 *
 * <pre>
 * Δ(X, V) = ( store of X restricted to dots not in V,
 *             context of X without the dots that are both in V and still in the store of X )
 * </pre>
 *
 * A dot the neighbour has seen and this state still holds is left out of the context, so the neighbour keeps its
 * entry; a dot it has seen and this state has removed stays in the context, so the neighbour removes it too;
 * everything the neighbour has not seen is sent. The summary may be missing dots the neighbour has (its dot
 * cloud is not sent): those are treated as unseen, which sends more than necessary and never less.
 */
final class Difference {

    private Difference() {
    }

    /**
     * The difference of {@code state} from {@code summary}, or null if its context would need more cloud dots
     * than a payload may carry (then the whole state is sent instead).
     */
    static CausalState<ORMap> of(CausalState<ORMap> state, SortedMap<ReplicaId, Long> summary) {
        if (holdsUnknownType(state.store())) {
            // A value of unknown type survives a join unless the other side has seen any of its dots (HY-DATA-038),
            // so a value whose dots the summary covers only in part cannot be left out safely. Send the state.
            return null;
        }
        CausalContext seen = CausalContext.ofCanonical(summary, new TreeSet<>());
        if (seen == null) {
            return null;
        }
        // The restriction is a join with the empty store: an entry survives unless the other side has seen its dot.
        ORMap restricted = state.store().join(ORMap.EMPTY, state.context(), seen);

        Map<ReplicaId, TreeSet<Long>> keep = new TreeMap<>();
        state.store().forEachDot(dot -> {
            if (seen.contains(dot)) {
                keep.computeIfAbsent(dot.replica(), r -> new TreeSet<>(Long::compareUnsigned)).add(dot.counter());
            }
        });
        // The context minus the kept dots: per replica, the version vector up to the first kept dot, then a cloud.
        TreeMap<ReplicaId, Long> vector = new TreeMap<>();
        List<Dot> cloud = new ArrayList<>();
        for (Map.Entry<ReplicaId, Long> e : state.context().versionVector().entrySet()) {
            ReplicaId replica = e.getKey();
            long count = e.getValue();
            // Only the kept dots within the vector's range split it; kept dots above it are in the cloud, below.
            TreeSet<Long> ofReplica = keep.getOrDefault(replica, new TreeSet<>(Long::compareUnsigned));
            java.util.SortedSet<Long> kept = count == -1L ? ofReplica : ofReplica.headSet(count + 1);
            if (kept.isEmpty()) {
                vector.put(replica, count);
                continue;
            }
            long first = kept.first();
            if (Seq.after(first, 1)) {
                vector.put(replica, first - 1);
            }
            // Counters are unsigned 64-bit: a vector entry above 2^63 must still count as too many dots, not as a
            // negative number that passes the limit and then makes the loop below run without end.
            long cloudDots = count - first - (kept.size() - 1);
            if (Long.compareUnsigned(cloudDots, Limits.MAX_CLOUD_DOTS - cloud.size()) > 0) {
                return null;
            }
            Set<Long> skip = new HashSet<>(kept);
            for (long k = first + 1; Long.compareUnsigned(k, count) <= 0; k++) {
                if (!skip.contains(k)) {
                    cloud.add(new Dot(replica, k));
                }
            }
        }
        // The state's cloud is held as runs, which a few bytes of a neighbour's payload can make long: walk them and
        // stop at the first dot past the limit, so that no more than MAX_CLOUD_DOTS + 1 dots are ever made here.
        boolean[] tooMany = {cloud.size() > Limits.MAX_CLOUD_DOTS};
        state.context().forEachCloudRun((replica, first, last) -> {
            TreeSet<Long> kept = keep.getOrDefault(replica, new TreeSet<>(Seq.ORDER));
            for (long k = first; !tooMany[0]; k++) {
                Dot dot = new Dot(replica, k);
                if (!(seen.contains(dot) && kept.contains(k))) {
                    cloud.add(dot);
                    tooMany[0] = cloud.size() > Limits.MAX_CLOUD_DOTS;
                }
                if (k == last) {
                    break;
                }
            }
        });
        if (tooMany[0]) {
            return null;
        }
        CausalContext context = CausalContext.ofCanonical(vector, new TreeSet<>()).union(CausalContext.of(cloud));
        return new CausalState<>(restricted, context);
    }

    /** Whether {@code map} holds, at any depth, a value of a type this version does not define. */
    static boolean holdsUnknownType(ORMap map) {
        for (dev.hyphae.crdt.Crdt value : map.entries().values()) {
            if (value instanceof dev.hyphae.crdt.UnknownCrdt || (value instanceof ORMap nested && holdsUnknownType(nested))) {
                return true;
            }
        }
        return false;
    }
}
