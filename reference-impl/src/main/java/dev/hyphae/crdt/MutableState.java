package dev.hyphae.crdt;

import dev.hyphae.data.CausalContext;
import dev.hyphae.data.Dot;
import dev.hyphae.data.Value;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * The state of a document (an ORMap with its causal context) that a replica holds and changes in place, so that
 * joining a delta costs time in proportion to the delta, not to the state. It computes exactly the join of
 * {@link CausalState#join} (specification, "Dot stores and join"), which the property tests check on every input a
 * decoder accepts: every value in and out is an immutable {@link CausalState}, and only the entries that a delta
 * touches are joined, each with the immutable join of its type.
 *
 * <p>The root map is held as its entries, one immutable store per entry key in a {@link Slot}, with an index from
 * each dot to the slots that hold it, and a {@link MutableContext}. A join of (T, D) touches the entries whose key T
 * holds, and the entries holding a dot of D, found through the index (one range of it per vector entry and per cloud
 * run of D): every other entry e joins the empty store and keeps exactly its dots that D lacks, which are all of
 * them, so it is left as it is (the same reasoning as {@link DotStores#joinDotMap}). Each touched entry is found by
 * one hash of its key, and marked, so that an entry both under a key of T and holding a dot of D is joined once. An entry that a delta touches is joined whole, nested maps included: the cost is
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
 *
 * <p>One class, over 400 lines, on purpose: the slots, the index from dots to slots and the context are changed
 * together by every join, and their invariant (every dot of every slot's store indexed to that slot, and no other)
 * holds only across all three, so a split would have to expose the slots to whichever part held the index.
 */
public final class MutableState {

    /**
     * One root entry: its key and its store, changed in place by a join. The index names slots, so that an entry
     * found through a dot needs no second lookup by key.
     */
    private static final class Slot {
        final EntryKey key;
        Crdt store;
        /** The next entry under the same key, of another type (rare: concurrent puts of different types). */
        Slot next;
        /** The last {@link #prepare} that touched this entry, so that a join touches it once. */
        long touchedBy;

        Slot(EntryKey key, Crdt store) {
            this.key = key;
            this.store = store;
        }
    }

    /**
     * The entries of the root map by key: the first slot under each key, the others chained to it. Hashed rather than
     * ordered, so that finding the entry a delta touches costs one hash of its key, not a walk of ordered comparisons.
     */
    private final Map<Value, Slot> entries = new HashMap<>();
    /**
     * Each dot of the store to the slot that holds it, or a set of slots (a faulty state), ordered by counter within
     * each replica, so that a range of a version vector or a run of a cloud is one walk.
     */
    private final DotIndex<Object> index = new DotIndex<>();
    private final MutableContext context = new MutableContext();
    /** The immutable value of the state, or null once it has changed since it was last asked for. */
    private CausalState<ORMap> value = new CausalState<>(ORMap.EMPTY, CausalContext.EMPTY);
    /** How many joins changed the state, so that a prepared join is never applied to another state. */
    private long version;
    /** How many joins were prepared: the mark of the latest on the slots it touched. */
    private long prepared;

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
        long mark = ++prepared;
        List<EntryKey> touched = new ArrayList<>(delta.store().entries().size());
        List<Replacement> replacements = new ArrayList<>();
        // The entries under the delta's keys, each joined with the delta's store under its key.
        for (Map.Entry<EntryKey, Crdt> entry : delta.store().entries().entrySet()) {
            EntryKey key = entry.getKey();
            Slot slot = slot(key);
            if (slot != null) {
                slot.touchedBy = mark;
            }
            touched.add(key);
            joinEntry(key, slot, entry.getValue(), seenByDelta, replacements);
        }
        // The other entries holding a dot that the delta's context covers, each joined with the empty store.
        List<Slot> covered = new ArrayList<>();
        seenByDelta.versionVector().forEach((replica, upTo) ->
                index.forEachBetween(replica, 1, upTo, slots -> collect(slots, mark, covered)));
        seenByDelta.forEachCloudRun((replica, first, last) ->
                index.forEachBetween(replica, first, last, slots -> collect(slots, mark, covered)));
        for (Slot slot : covered) {
            touched.add(slot.key);
            joinEntry(slot.key, slot, null, seenByDelta, replacements);
        }
        return new Join(touched, replacements, seenByDelta, !context.holdsAll(seenByDelta), version);
    }

    /**
     * Whether joining {@code delta} would touch no root entry under another key than {@code key}: what
     * {@code prepare(delta).touchesOnly(key)} answers, without joining any entry. The entries a join touches are those
     * under the delta's keys and those holding a dot that the delta's context covers (see {@link #prepare}), so the
     * answer reads only the delta's keys and the index over the delta's context, and costs what the delta costs.
     */
    public boolean touchesOnly(CausalState<ORMap> delta, Value key) {
        for (EntryKey entry : delta.store().entries().keySet()) {
            if (!entry.key().equals(key)) {
                return false;
            }
        }
        boolean[] only = {true};
        Consumer<Object> check = slots -> only[0] &= allUnder(slots, key);
        CausalContext seenByDelta = delta.context();
        seenByDelta.versionVector().forEach((replica, upTo) -> index.forEachBetween(replica, 1, upTo, check));
        seenByDelta.forEachCloudRun((replica, first, last) -> index.forEachBetween(replica, first, last, check));
        return only[0];
    }

    /** Whether the slot or slots that the index holds for a dot are all entries under {@code key}. */
    @SuppressWarnings("unchecked")
    private static boolean allUnder(Object slots, Value key) {
        if (slots instanceof Slot slot) {
            return slot.key.key().equals(key);
        }
        for (Slot slot : (Set<Slot>) slots) {
            if (!slot.key.key().equals(key)) {
                return false;
            }
        }
        return true;
    }

    /** Joins the entry of {@code slot} (null if absent) with {@code other} (null for the empty store) under {@code key}. */
    private void joinEntry(EntryKey key, Slot slot, Crdt other, CausalContext seenByDelta, List<Replacement> into) {
        Crdt mine = slot == null ? null : slot.store;
        Crdt before = mine != null ? mine : CrdtType.emptyOf(key.typeId());
        // The join of a store in context C with one in context D asks C only about the other store's dots
        // (S' \ C in "(S ∩ S') ∪ (S \ C') ∪ (S' \ C)", and likewise at every depth), so C restricted to those
        // dots gives the same join, and costs what the entry costs rather than what the state's context costs.
        Crdt joined = before.join(other != null ? other : CrdtType.emptyOf(key.typeId()), seenOf(other), seenByDelta);
        if (!joined.equals(before)) {
            into.add(new Replacement(key, slot, joined));
        }
    }

    /** Adds to {@code into} the slot or slots that the index holds for a dot, unless this join touched them already. */
    @SuppressWarnings("unchecked")
    private static void collect(Object slots, long mark, List<Slot> into) {
        if (slots instanceof Slot slot) {
            touch(slot, mark, into);
        } else {
            ((Set<Slot>) slots).forEach(slot -> touch(slot, mark, into));
        }
    }

    private static void touch(Slot slot, long mark, List<Slot> into) {
        if (slot.touchedBy != mark) {
            slot.touchedBy = mark;
            into.add(slot);
        }
    }

    /** A join computed by {@link #prepare}, to be applied before anything else changes the state. */
    public final class Join {
        private final List<EntryKey> touched;
        private final List<Replacement> replacements;
        private final CausalContext seenByDelta;
        private final boolean newDots;
        private final long preparedAt;

        private Join(List<EntryKey> touched, List<Replacement> replacements, CausalContext seenByDelta, boolean newDots,
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
            replacements.forEach(r -> replace(r.key(), r.slot(), r.after()));
            context.union(seenByDelta);
            value = null;
            version++;
        }
    }

    /** An entry that a join changes: its slot (null if absent) and its store after (empty if removed). */
    private record Replacement(EntryKey key, Slot slot, Crdt after) {
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

    private void replace(EntryKey key, Slot slot, Crdt joined) {
        if (slot != null) {
            Slot old = slot;
            slot.store.forEachDot(dot -> unindex(dot, old));
            if (joined.isEmpty()) {
                unlink(slot);
                return;
            }
            slot.store = joined;
        } else {
            slot = new Slot(key, joined);
            Slot first = entries.putIfAbsent(key.key(), slot);
            if (first != null) {
                slot.next = first.next;
                first.next = slot;
            }
        }
        Slot added = slot;
        joined.forEachDot(dot -> index(dot, added));
    }

    /** Removes {@code slot} from the entries under its key. */
    private void unlink(Slot slot) {
        Value key = slot.key.key();
        Slot first = entries.get(key);
        if (first == slot) {
            if (slot.next == null) {
                entries.remove(key);
            } else {
                entries.put(key, slot.next);
            }
            return;
        }
        for (Slot s = first; s != null; s = s.next) {
            if (s.next == slot) {
                s.next = slot.next;
                return;
            }
        }
    }

    /** The slot of {@code key}, or null: one hash of its key, then (rarely) a walk past entries of other types. */
    private Slot slot(EntryKey key) {
        for (Slot s = entries.get(key.key()); s != null; s = s.next) {
            if (s.key.typeId() == key.typeId()) {
                return s;
            }
        }
        return null;
    }

    /** The entries of the slots from {@code first} on (those under one key), as an ORMap's entries. */
    private static TreeMap<EntryKey, Crdt> entriesOf(Slot first, TreeMap<EntryKey, Crdt> into) {
        for (Slot s = first; s != null; s = s.next) {
            into.put(s.key, s.store);
        }
        return into;
    }

    @SuppressWarnings("unchecked")
    private void index(Dot dot, Slot slot) {
        Object present = index.putIfAbsent(dot, slot);
        if (present == null || present == slot) {
            return;
        }
        // One dot under two entries: only a faulty replica writes it, and the join must still be exact.
        Set<Slot> slots;
        if (present instanceof Slot other) {
            slots = new HashSet<>();
            slots.add(other);
            index.put(dot, slots);
        } else {
            slots = (Set<Slot>) present;
        }
        slots.add(slot);
    }

    @SuppressWarnings("unchecked")
    private void unindex(Dot dot, Slot slot) {
        if (index.remove(dot, slot)) {
            return;
        }
        Object present = index.get(dot);
        if (present instanceof Set<?> set) {
            Set<Slot> slots = (Set<Slot>) set;
            slots.remove(slot);
            if (slots.size() == 1) {
                index.put(dot, slots.iterator().next());
            }
        }
    }

    /** The state as an immutable value; built anew after a change, in time proportional to the state. */
    public CausalState<ORMap> state() {
        if (value == null) {
            // Sorted once as an array, then built into the map's tree in one pass: cheaper than putting the entries
            // into a tree one by one and copying it, on what a snapshot and a batch's close both pay in full.
            List<Slot> slots = new ArrayList<>(entries.size());
            entries.values().forEach(first -> {
                for (Slot s = first; s != null; s = s.next) {
                    slots.add(s);
                }
            });
            slots.sort((a, b) -> a.key.compareTo(b.key));
            EntryKey[] keys = new EntryKey[slots.size()];
            Crdt[] stores = new Crdt[slots.size()];
            for (int i = 0; i < keys.length; i++) {
                keys[i] = slots.get(i).key;
                stores[i] = slots.get(i).store;
            }
            // Every slot has its own entry key, so they are strictly ascending, and no slot holds an empty store.
            ORMap map = ORMap.ofAscending(keys, stores);
            if (map == null) {
                throw new IllegalStateException("two slots hold one entry key");   // a bug of this class
            }
            value = new CausalState<>(map, context.value());
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
        return new CausalState<>(ORMap.of(entriesOf(entries.get(key), new TreeMap<>())), context.value());
    }

    /** Whether the state is empty: no entry and an empty context. */
    public boolean isEmpty() {
        return entries.isEmpty() && context.isEmpty();
    }

    /** For the tests: whether the index names exactly the dots of the entries. */
    @SuppressWarnings("unchecked")
    boolean indexIsExact() {
        Map<Dot, Set<EntryKey>> expected = new TreeMap<>();
        entries.values().forEach(first -> {
            for (Slot s = first; s != null; s = s.next) {
                EntryKey key = s.key;
                s.store.forEachDot(dot -> expected.computeIfAbsent(dot, d -> new TreeSet<>()).add(key));
            }
        });
        Map<Dot, Set<EntryKey>> actual = new TreeMap<>();
        boolean[] live = {true};
        index.forEach((dot, slots) -> {
            Set<Slot> named = slots instanceof Slot slot ? Set.of(slot) : (Set<Slot>) slots;
            Set<EntryKey> keys = new TreeSet<>();
            for (Slot slot : named) {
                // A slot the index names is the live one of its key, never one a join has since removed.
                live[0] &= slot(slot.key) == slot;
                keys.add(slot.key);
            }
            actual.put(dot, keys);
        });
        return live[0] && expected.equals(actual);
    }
}
