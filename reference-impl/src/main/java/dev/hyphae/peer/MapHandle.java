package dev.hyphae.peer;

import dev.hyphae.crdt.AWSet;
import dev.hyphae.crdt.CausalState;
import dev.hyphae.crdt.Crdt;
import dev.hyphae.crdt.CrdtType;
import dev.hyphae.crdt.EWFlag;
import dev.hyphae.crdt.LWWRegister;
import dev.hyphae.crdt.MVRegister;
import dev.hyphae.crdt.ORMap;
import dev.hyphae.crdt.PNCounter;
import dev.hyphae.data.CausalContext;
import dev.hyphae.data.ReplicaId;
import dev.hyphae.data.Value;
import dev.hyphae.sync.WriteBatch;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * A map of a document, the root or one nested under a key, and the typed handles to its entries. A handle is a
 * path, not a copy: it always reads the current state, and writes through the document.
 */
public final class MapHandle {

    private final Document document;
    private final List<Value> path;
    /**
     * The batch ({@link Document#batch}) whose writes this handle makes, and through which it reads, or null: its
     * writes then block.
     */
    private final WriteBatch batch;

    MapHandle(Document document, List<Value> path) {
        this(document, path, null);
    }

    MapHandle(Document document, List<Value> path, WriteBatch batch) {
        this.document = document;
        this.path = List.copyOf(path);
        this.batch = batch;
    }

    /** The map nested under {@code key}. */
    public MapHandle map(String key) {
        List<Value> nested = new ArrayList<>(path);
        nested.add(Value.of(key));
        return new MapHandle(document, nested, batch);
    }

    /** The counter (a PNCounter) under {@code key}. */
    public Counter counter(String key) {
        return new Counter(this, Value.of(key));
    }

    /** The last-writer-wins register under {@code key}. */
    public Register register(String key) {
        return new Register(this, Value.of(key));
    }

    /** The multi-value register under {@code key}: concurrent writes are all kept until the next write. */
    public MultiRegister multiRegister(String key) {
        return new MultiRegister(this, Value.of(key));
    }

    /** The add-wins set under {@code key}. */
    public SetHandle set(String key) {
        return new SetHandle(this, Value.of(key));
    }

    /** The enable-wins flag under {@code key}. */
    public Flag flag(String key) {
        return new Flag(this, Value.of(key));
    }

    /** The keys of this map, as strings where they are strings. */
    public List<String> keys() {
        List<String> keys = new ArrayList<>();
        for (Value key : current().keys()) {
            keys.add(key instanceof Value.Str s ? s.value() : key.toString());
        }
        return keys;
    }

    /** Removes {@code key}, with every value under it that this replica has seen. */
    public void remove(String key) {
        mutate(Value.of(key), map -> map.remove(Value.of(key)));
    }

    ORMap current() {
        ORMap map = (batch == null ? document.state() : batch.state()).store();
        for (Value key : path) {
            map = map.get(key, CrdtType.OR_MAP);
        }
        return map;
    }

    /**
     * The store of {@code type} under {@code key} in this map: read from the entries under one key of the root map,
     * the first of the path, without building the whole state.
     */
    <T extends Crdt> T get(Value key, CrdtType type) {
        ORMap map = (batch == null ? document.peer().entriesUnder(document.name(), rootKey(key))
                : batch.entriesUnder(rootKey(key))).store();
        for (Value step : path) {
            map = map.get(step, CrdtType.OR_MAP);
        }
        return map.get(key, type);
    }

    /** The key of the root map under which {@code key} of this map lies. */
    private Value rootKey(Value key) {
        return path.isEmpty() ? key : path.get(0);
    }

    /**
     * Applies a mutation of the entries under {@code key} in this map, given as a function from the map's current
     * store to its delta, by wrapping it in the updates of every map on the path from the root. The mutation reads
     * only the entries under one key of the root map, so the replica hands it only those.
     */
    void mutate(Value key, Function<ORMap, CausalState<ORMap>> mutation) {
        UnaryOperator<CausalState<ORMap>> mutator = state -> {
            Function<ORMap, CausalState<ORMap>> wrapped = mutation;
            for (int i = path.size() - 1; i >= 0; i--) {
                Value step = path.get(i);
                Function<ORMap, CausalState<ORMap>> inner = wrapped;
                wrapped = parent -> parent.update(step, CrdtType.OR_MAP, (ORMap child) -> inner.apply(child));
            }
            return wrapped.apply(state.store());
        };
        if (batch == null) {
            document.peer().write(document.name(), rootKey(key), mutator);
        } else {
            batch.write(rootKey(key), mutator);
        }
    }

    <T extends Crdt> void update(Value key, CrdtType type, Function<T, CausalState<T>> mutator) {
        mutate(key, map -> map.update(key, type, mutator));
    }

    CausalContext context() {
        return batch == null ? document.peer().context(document.name()) : batch.context();
    }

    ReplicaId replica() {
        return document.peer().replica().replicaId();
    }

    long timestamp(long floor) {
        return document.peer().nextTimestamp(floor);
    }

    /** A PNCounter entry. */
    public static final class Counter {
        private final MapHandle map;
        private final Value key;

        Counter(MapHandle map, Value key) {
            this.map = map;
            this.key = key;
        }

        /** Adds {@code amount} (at least 1). */
        public void increment(long amount) {
            map.update(key, CrdtType.PNCOUNTER, (PNCounter c) -> c.increment(map.context(), map.replica(), amount));
        }

        /** Subtracts {@code amount} (at least 1). */
        public void decrement(long amount) {
            map.update(key, CrdtType.PNCOUNTER, (PNCounter c) -> c.decrement(map.context(), map.replica(), amount));
        }

        /** The value: increments minus decrements, exactly. */
        public BigInteger value() {
            return map.<PNCounter>get(key, CrdtType.PNCOUNTER).value();
        }
    }

    /** A last-writer-wins register entry. */
    public static final class Register {
        private final MapHandle map;
        private final Value key;

        Register(MapHandle map, Value key) {
            this.map = map;
            this.key = key;
        }

        /** Writes a string. */
        public void set(String value) {
            set(Value.of(value));
        }

        /** Writes a signed 64-bit integer. */
        public void set(long value) {
            set(Value.of(value));
        }

        /** Writes a 64-bit float. */
        public void set(double value) {
            set(Value.of(value));
        }

        /** Writes a boolean. */
        public void set(boolean value) {
            set(Value.of(value));
        }

        /** Writes any value; the write wins over every write this replica has seen. */
        public void set(Value value) {
            map.update(key, CrdtType.LWW_REGISTER, (LWWRegister r) ->
                    r.write(map.context(), map.replica(), value, map.timestamp(r.greatestTimestamp())));
        }

        /** The winning value, if any was written. */
        public Optional<Value> get() {
            return map.<LWWRegister>get(key, CrdtType.LWW_REGISTER).value();
        }
    }

    /** A multi-value register entry. */
    public static final class MultiRegister {
        private final MapHandle map;
        private final Value key;

        MultiRegister(MapHandle map, Value key) {
            this.map = map;
            this.key = key;
        }

        /** Writes a value, replacing every value this replica has seen. */
        public void set(Value value) {
            map.update(key, CrdtType.MV_REGISTER, (MVRegister r) -> r.write(map.context(), map.replica(), value));
        }

        /** The values: one, or several written concurrently. */
        public List<Value> get() {
            return map.<MVRegister>get(key, CrdtType.MV_REGISTER).values();
        }
    }

    /** An add-wins set entry. */
    public static final class SetHandle {
        private final MapHandle map;
        private final Value key;

        SetHandle(MapHandle map, Value key) {
            this.map = map;
            this.key = key;
        }

        /** Adds a string element. */
        public void add(String element) {
            add(Value.of(element));
        }

        /** Adds an element; it survives a concurrent remove. */
        public void add(Value element) {
            map.update(key, CrdtType.AW_SET, (AWSet s) -> s.add(map.context(), map.replica(), element));
        }

        /** Removes a string element. */
        public void remove(String element) {
            remove(Value.of(element));
        }

        /** Removes an element, as far as this replica has seen it added. */
        public void remove(Value element) {
            map.update(key, CrdtType.AW_SET, (AWSet s) -> s.remove(element));
        }

        /** Whether the set holds {@code element}. */
        public boolean contains(String element) {
            return map.<AWSet>get(key, CrdtType.AW_SET).contains(Value.of(element));
        }

        /** The elements, in value order. */
        public List<Value> elements() {
            return map.<AWSet>get(key, CrdtType.AW_SET).elements();
        }
    }

    /** An enable-wins flag entry. */
    public static final class Flag {
        private final MapHandle map;
        private final Value key;

        Flag(MapHandle map, Value key) {
            this.map = map;
            this.key = key;
        }

        /** Enables the flag; it wins over a concurrent disable. */
        public void enable() {
            map.update(key, CrdtType.EW_FLAG, (EWFlag f) -> f.enable(map.context(), map.replica()));
        }

        /** Disables the flag, as far as this replica has seen it enabled. */
        public void disable() {
            map.update(key, CrdtType.EW_FLAG, (EWFlag f) -> f.disable());
        }

        /** Whether the flag is enabled. */
        public boolean get() {
            return map.<EWFlag>get(key, CrdtType.EW_FLAG).value();
        }
    }
}
