package dev.hyphae.crdt;

import dev.hyphae.data.CausalContext;
import dev.hyphae.data.Dot;
import dev.hyphae.data.ReplicaId;
import dev.hyphae.data.Value;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The state of a document (an ORMap with its causal context) that a replica holds and changes in place, so that
 * joining a delta costs time in proportion to the delta, not to the state. It computes exactly the join of
 * {@link CausalState#join} (specification, "Dot stores and join"), which the property tests check on every input a
 * decoder accepts: every value in and out is an immutable {@link CausalState}, and only the entries that a delta
 * touches are joined, each with the immutable join of its type.
 *
 * <p>The root map is held as its entries, one immutable store per entry key, with an index from each dot to the
 * entries that hold it, and a {@link MutableContext}. A join of (T, D) touches the entries whose key T holds, and
 * the entries holding a dot of D, found through the index: every other entry e joins the empty store and keeps
 * exactly its dots that D lacks, which are all of them, so it is left as it is (the same reasoning as
 * {@link DotStores#joinDotMap}). An entry that a delta touches is joined whole, nested maps included: the cost is
 * that of the root entries touched, not of single nested values. A delta whose context covers much of the state
 * (a whole state, a difference) touches every entry holding a dot it covers, and costs what those entries cost.
 *
 * <p>The known limit: a write costs what its root entry costs. A nested map or a large set under one root key is
 * joined and re-indexed whole on every write to it, so this is the fast path for documents whose root entries are
 * small (many keys, each a counter, a register, a small set). The next step would hold nested maps as
 * {@code MutableState}s of their own, indexed by the path of entry keys, so that a write costs what its innermost
 * entry costs. Reading the entries under a key ({@link #entriesUnder}) also builds the immutable context once after
 * each change, in time proportional to the context (its replicas and cloud dots).
 *
 * <p>Not thread-safe. The immutable value ({@link #state()}) is built from the entries when asked for after a
 * change, in time proportional to the state; a replica asks for it to encode a snapshot or to answer a reader, not
 * on the path of a write or a received delta.
 */
public final class MutableState {

    /**
     * The entries of the root map: by key, then by type id (nearly always one). Hashed rather than ordered, so that
     * finding the entry a delta touches costs one hash of its key, not a walk of ordered comparisons.
     */
    private final Map<Value, TreeMap<Integer, Crdt>> entries = new HashMap<>();
    /**
     * Each dot of the store to the root entry that holds it: an {@link EntryKey}, or a set of them (a faulty state),
     * by replica id, then counter (unsigned), so that a range of a version vector is one sub-map.
     */
    private final Map<ReplicaId, TreeMap<Long, Object>> index = new HashMap<>();
    private final MutableContext context = new MutableContext();
    /** The immutable value of the state, or null once it has changed since it was last asked for. */
    private CausalState<ORMap> value = new CausalState<>(ORMap.EMPTY, CausalContext.EMPTY);
    /** How many joins changed the state, so that a prepared join is never applied to another state. */
    private long version;

    /** The empty state. */
    public MutableState() {
    }

    /** A state equal to {@code state}, in time proportional to it. */
    public MutableState(CausalState<ORMap> state) {
        join(state);
    }

    /**
     * Joins {@code delta} into this state: afterwards it equals {@code state().join(delta)} as it was before.
     *
     * @return whether the state changed: whether the delta brought a dot, an entry or a removal this state lacked
     */
    public boolean join(CausalState<ORMap> delta) {
        Join join = prepare(delta);
        join.apply();
        return join.changes();
    }

    /**
     * Computes the join of {@code delta} into this state without changing it, so that a replica can store the delta
     * before its state changes, and learn first whether the delta brings anything new.
     */
    public Join prepare(CausalState<ORMap> delta) {
        CausalContext seenByDelta = delta.context();
        // The entries touched, each with the delta's store under its key (null where the delta holds none): hashed,
        // so that finding the delta's store costs no walk of ordered comparisons.
        Map<EntryKey, Crdt> touched = new HashMap<>(delta.store().entries());
        seenByDelta.versionVector().forEach((replica, upTo) -> {
            TreeMap<Long, Object> ofReplica = index.get(replica);
            if (ofReplica != null) {
                ofReplica.headMap(upTo, true).values().forEach(keys -> collect(keys, touched));
            }
        });
        collectCloud(seenByDelta.cloud(), touched);
        List<Replacement> replacements = new ArrayList<>();
        for (Map.Entry<EntryKey, Crdt> touchedEntry : touched.entrySet()) {
            EntryKey key = touchedEntry.getKey();
            Crdt mine = entry(key);
            Crdt other = touchedEntry.getValue();
            Crdt before = mine != null ? mine : CrdtType.emptyOf(key.typeId());
            // The join of a store in context C with one in context D asks C only about the other store's dots
            // (S' \ C in "(S ∩ S') ∪ (S \ C') ∪ (S' \ C)", and likewise at every depth), so C restricted to those
            // dots gives the same join, and costs what the entry costs rather than what the state's context costs.
            Crdt joined = before.join(other != null ? other : CrdtType.emptyOf(key.typeId()), seenOf(other), seenByDelta);
            if (!joined.equals(before)) {
                replacements.add(new Replacement(key, mine, joined));
            }
        }
        return new Join(touched.keySet(), replacements, seenByDelta, !context.holdsAll(seenByDelta), version);
    }

    /**
     * Adds to {@code into} the entries holding a dot of {@code cloud}. Where a replica's cloud dots lie close together
     * (as in a delta that overwrites a run of writes), its dots and the index are walked side by side, in time
     * proportional to those dots; elsewhere each dot is looked up.
     */
    private void collectCloud(NavigableSet<Dot> cloud, Map<EntryKey, Crdt> into) {
        Dot first = cloud.isEmpty() ? null : cloud.first();
        while (first != null) {
            ReplicaId replica = first.replica();
            Dot lastOfAll = new Dot(replica, -1L);
            NavigableSet<Dot> ofReplica = cloud.subSet(first, true, lastOfAll, true);
            TreeMap<Long, Object> indexed = index.get(replica);
            if (indexed != null) {
                long from = first.counter();
                long to = ofReplica.last().counter();
                // The index holds at most one entry per counter, so a span of at most 4 dots per cloud dot bounds it.
                if (Long.compareUnsigned(to - from, 4L * ofReplica.size()) <= 0) {
                    Iterator<Map.Entry<Long, Object>> held = indexed.subMap(from, true, to, true).entrySet().iterator();
                    Iterator<Dot> wanted = ofReplica.iterator();
                    Map.Entry<Long, Object> h = held.hasNext() ? held.next() : null;
                    long w = wanted.next().counter();
                    while (h != null) {
                        int order = Long.compareUnsigned(h.getKey(), w);
                        if (order == 0) {
                            collect(h.getValue(), into);
                        }
                        if (order <= 0) {
                            h = held.hasNext() ? held.next() : null;
                        } else if (wanted.hasNext()) {
                            w = wanted.next().counter();
                        } else {
                            break;
                        }
                    }
                } else {
                    for (Dot dot : ofReplica) {
                        Object keys = indexed.get(dot.counter());
                        if (keys != null) {
                            collect(keys, into);
                        }
                    }
                }
            }
            first = cloud.higher(lastOfAll);
        }
    }

    /** A join computed by {@link #prepare}, to be applied before anything else changes the state. */
    public final class Join {
        private final Set<EntryKey> touched;
        private final List<Replacement> replacements;
        private final CausalContext seenByDelta;
        private final boolean newDots;
        private final long preparedAt;

        private Join(Set<EntryKey> touched, List<Replacement> replacements, CausalContext seenByDelta, boolean newDots,
                     long preparedAt) {
            this.touched = touched;
            this.replacements = replacements;
            this.seenByDelta = seenByDelta;
            this.newDots = newDots;
            this.preparedAt = preparedAt;
        }

        /**
         * Whether the join touches no root entry under another key than {@code key}: the delta holds no entry under
         * another key, and its context covers no dot of one, so that it neither adds to nor removes from any other.
         */
        public boolean touchesOnly(Value key) {
            for (EntryKey entry : touched) {
                if (!entry.key().equals(key)) {
                    return false;
                }
            }
            return true;
        }

        /** Whether applying the join changes the state: the delta brings a dot, an entry or a removal. */
        public boolean changes() {
            return newDots || !replacements.isEmpty();
        }

        /**
         * Changes the state to the join.
         *
         * @throws IllegalStateException if the state changed since the join was prepared (by another join, or by this
         *                               one applied already)
         */
        public void apply() {
            if (preparedAt != version) {
                throw new IllegalStateException("the state changed since this join was prepared");
            }
            if (!changes()) {
                return;
            }
            replacements.forEach(r -> replace(r.key(), r.before(), r.after()));
            context.union(seenByDelta);
            value = null;
            version++;
        }
    }

    /** An entry that a join changes: its store before (null if absent) and after (empty if removed). */
    private record Replacement(EntryKey key, Crdt before, Crdt after) {
    }

    /** The dots of {@code store} that this state's context holds, as a context; empty when there is no store. */
    private CausalContext seenOf(Crdt store) {
        if (store == null) {
            return CausalContext.EMPTY;
        }
        List<Dot> seen = new ArrayList<>(0);
        store.forEachDot(dot -> {
            if (context.contains(dot)) {
                seen.add(dot);
            }
        });
        return seen.isEmpty() ? CausalContext.EMPTY : CausalContext.of(seen);
    }

    private void replace(EntryKey key, Crdt old, Crdt joined) {
        if (old != null) {
            old.forEachDot(dot -> unindex(dot, key));
        }
        if (joined.isEmpty()) {
            TreeMap<Integer, Crdt> byType = entries.get(key.key());
            if (byType != null) {
                byType.remove(key.typeId());
                if (byType.isEmpty()) {
                    entries.remove(key.key());
                }
            }
        } else {
            entries.computeIfAbsent(key.key(), k -> new TreeMap<>()).put(key.typeId(), joined);
            joined.forEachDot(dot -> index(dot, key));
        }
    }

    private Crdt entry(EntryKey key) {
        TreeMap<Integer, Crdt> byType = entries.get(key.key());
        return byType == null ? null : byType.get(key.typeId());
    }

    /** The entries under {@code key}, as an ORMap's entries. */
    private TreeMap<EntryKey, Crdt> entriesOf(Value key, TreeMap<Integer, Crdt> byType, TreeMap<EntryKey, Crdt> into) {
        if (byType != null) {
            byType.forEach((type, store) -> into.put(new EntryKey(key, type), store));
        }
        return into;
    }

    /** Adds the entry key or keys that the index holds for a dot, with no store of the delta unless one is there. */
    @SuppressWarnings("unchecked")
    private static void collect(Object keys, Map<EntryKey, Crdt> into) {
        if (keys instanceof EntryKey key) {
            into.putIfAbsent(key, null);
        } else {
            ((Set<EntryKey>) keys).forEach(key -> into.putIfAbsent(key, null));
        }
    }

    @SuppressWarnings("unchecked")
    private void index(Dot dot, EntryKey key) {
        TreeMap<Long, Object> ofReplica = index.computeIfAbsent(dot.replica(), r -> new TreeMap<>(Long::compareUnsigned));
        Object present = ofReplica.putIfAbsent(dot.counter(), key);
        if (present == null || present.equals(key)) {
            return;
        }
        // One dot under two entries: only a faulty replica writes it, and the join must still be exact.
        Set<EntryKey> keys;
        if (present instanceof EntryKey other) {
            keys = new TreeSet<>();
            keys.add(other);
            ofReplica.put(dot.counter(), keys);
        } else {
            keys = (Set<EntryKey>) present;
        }
        keys.add(key);
    }

    @SuppressWarnings("unchecked")
    private void unindex(Dot dot, EntryKey key) {
        TreeMap<Long, Object> ofReplica = index.get(dot.replica());
        Object present = ofReplica == null ? null : ofReplica.get(dot.counter());
        if (present instanceof Set<?> set) {
            Set<EntryKey> keys = (Set<EntryKey>) set;
            keys.remove(key);
            if (keys.size() == 1) {
                ofReplica.put(dot.counter(), keys.iterator().next());
            }
        } else if (key.equals(present)) {
            ofReplica.remove(dot.counter());
            if (ofReplica.isEmpty()) {
                index.remove(dot.replica());
            }
        }
    }

    /** The state as an immutable value; built anew after a change, in time proportional to the state. */
    public CausalState<ORMap> state() {
        if (value == null) {
            TreeMap<EntryKey, Crdt> all = new TreeMap<>();
            entries.forEach((key, byType) -> entriesOf(key, byType, all));
            value = new CausalState<>(ORMap.of(all), context.value());
        }
        return value;
    }

    /** The causal context; built anew after a change, in time proportional to the context, not to the entries. */
    public CausalContext context() {
        return context.value();
    }

    /**
     * The state restricted to the entries under {@code key}, of every type, with the whole context: what a delta
     * mutator of that key reads (such as {@link ORMap#update} and {@link ORMap#remove}), in time proportional to
     * those entries and the context.
     */
    public CausalState<ORMap> entriesUnder(Value key) {
        return new CausalState<>(ORMap.of(entriesOf(key, entries.get(key), new TreeMap<>())), context.value());
    }

    /** Whether the state is empty: no entry and an empty context. */
    public boolean isEmpty() {
        return entries.isEmpty() && context.isEmpty();
    }

    /** For the tests: whether the index names exactly the dots of the entries. */
    boolean indexIsExact() {
        Map<Dot, Set<EntryKey>> expected = new TreeMap<>();
        entries.forEach((key, byType) -> byType.forEach((type, store) -> store.forEachDot(
                dot -> expected.computeIfAbsent(dot, d -> new TreeSet<>()).add(new EntryKey(key, type)))));
        Map<Dot, Set<EntryKey>> actual = new TreeMap<>();
        index.forEach((replica, ofReplica) -> ofReplica.forEach((counter, keys) -> {
            Map<EntryKey, Crdt> into = new HashMap<>();
            collect(keys, into);
            actual.put(new Dot(replica, counter), new TreeSet<>(into.keySet()));
        }));
        return expected.equals(actual);
    }
}
