package dev.hyphae.crdt;

import dev.hyphae.data.Dot;
import dev.hyphae.data.ReplicaId;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A map from dots to values, ordered by counter within each replica, for the index of a {@link MutableState}: what it
 * needs is a lookup, a put and a removal per dot a join adds or drops, and the values of every dot of a replica
 * between two counters (a version vector's range, a cloud's run).
 *
 * <p>Each replica's counters are a sorted array beside an array of values, not a tree of boxed counters: a replica's
 * new dots nearly always come after every dot it already has, so a put is an append, and a removal finds its counter
 * by binary search and leaves a hole (a null value), which a later put of the same counter fills. The holes are
 * squeezed out once they outnumber the values, so the arrays stay within twice the dots held and each removal costs
 * a constant amount on average. A put between two held counters (dots arriving out of order) shifts the array's tail.
 *
 * <p>Counters are unsigned, as everywhere. Not thread-safe, not even for readers only: every lookup, {@link #get}
 * included, changes the index, which keeps the replica it last looked up (and that replica's counters) so that the
 * dots of one replica in a row cost one lookup. An instance is confined to one thread, or guarded by its owner.
 *
 * @param <V> the values, never null
 */
final class DotIndex<V> {

    /** One replica's dots: {@code counters[0..size)} ascending (unsigned), {@code values[i]} null where removed. */
    private static final class Counters {
        long[] counters = new long[8];
        Object[] values = new Object[8];
        int size;
        int live;

        /** The position of {@code counter}, or -(insertion point) - 1, by binary search. */
        int find(long counter) {
            // A replica's counters are nearly always held one after another, with no gap (holes keep their counter),
            // so the counter's offset from the first is tried before the search.
            if (size > 0) {
                long offset = counter - counters[0];
                if (offset >= 0 && offset < size && counters[(int) offset] == counter) {
                    return (int) offset;
                }
            }
            int low = 0;
            int high = size - 1;
            while (low <= high) {
                int mid = (low + high) >>> 1;
                int order = Long.compareUnsigned(counters[mid], counter);
                if (order < 0) {
                    low = mid + 1;
                } else if (order > 0) {
                    high = mid - 1;
                } else {
                    return mid;
                }
            }
            return -(low + 1);
        }

        void insert(int at, long counter, Object value) {
            if (size == counters.length) {
                counters = Arrays.copyOf(counters, 2 * size);
                values = Arrays.copyOf(values, 2 * size);
            }
            System.arraycopy(counters, at, counters, at + 1, size - at);
            System.arraycopy(values, at, values, at + 1, size - at);
            counters[at] = counter;
            values[at] = value;
            size++;
            live++;
        }

        /** Drops the holes, keeping the order. */
        void squeeze() {
            int out = 0;
            for (int i = 0; i < size; i++) {
                if (values[i] != null) {
                    counters[out] = counters[i];
                    values[out++] = values[i];
                }
            }
            Arrays.fill(values, out, size, null);
            size = out;
        }
    }

    private final Map<ReplicaId, Counters> replicas = new HashMap<>();
    /**
     * The replica last looked up and its counters (null if it has none), so that the dots of one replica in a row,
     * the common case, cost one lookup: reset whenever a replica's counters are dropped.
     */
    private ReplicaId lastReplica;
    private Counters lastCounters;

    /** The counters of {@code replica}, or null if it has no dots here; made for it if {@code create}. */
    private Counters countersOf(ReplicaId replica, boolean create) {
        if (replica != lastReplica && !replica.equals(lastReplica)) {
            lastCounters = replicas.get(replica);
            lastReplica = replica;
        }
        if (lastCounters == null && create) {
            lastCounters = new Counters();
            replicas.put(replica, lastCounters);
        }
        return lastCounters;
    }

    /** The value of {@code dot}, or null. */
    @SuppressWarnings("unchecked")
    V get(Dot dot) {
        Counters of = countersOf(dot.replica(), false);
        if (of == null) {
            return null;
        }
        int at = of.find(dot.counter());
        return at >= 0 ? (V) of.values[at] : null;
    }

    /** Sets the value of {@code dot}. */
    void put(Dot dot, V value) {
        put(countersOf(dot.replica(), true), dot.counter(), value);
    }

    private static void put(Counters of, long counter, Object value) {
        if (of.size == 0 || Long.compareUnsigned(of.counters[of.size - 1], counter) < 0) {
            of.insert(of.size, counter, value);   // the common case: a dot after every other of its replica
            return;
        }
        int at = of.find(counter);
        if (at >= 0) {
            if (of.values[at] == null) {
                of.live++;
            }
            of.values[at] = value;
        } else {
            of.insert(-at - 1, counter, value);
        }
    }

    /** The value of {@code dot} if it has one, else sets it to {@code value} and returns null. */
    @SuppressWarnings("unchecked")
    V putIfAbsent(Dot dot, V value) {
        Counters of = countersOf(dot.replica(), true);
        if (of.size > 0 && Long.compareUnsigned(of.counters[of.size - 1], dot.counter()) >= 0) {
            int at = of.find(dot.counter());
            if (at >= 0 && of.values[at] != null) {
                return (V) of.values[at];
            }
        }
        put(of, dot.counter(), value);
        return null;
    }

    /** Removes {@code dot} if its value is {@code value} (the same object); whether it did. */
    boolean remove(Dot dot, V value) {
        Counters of = countersOf(dot.replica(), false);
        if (of == null) {
            return false;
        }
        int at = of.find(dot.counter());
        if (at < 0 || of.values[at] != value) {
            return false;
        }
        of.values[at] = null;
        of.live--;
        if (of.live == 0) {
            replicas.remove(dot.replica());
            lastReplica = null;
            lastCounters = null;
        } else if (of.live < of.size / 2) {
            of.squeeze();
        }
        return true;
    }

    /** Calls {@code action} with the value of every dot (replica, k) with first &le; k &le; last, in counter order. */
    @SuppressWarnings("unchecked")
    void forEachBetween(ReplicaId replica, long first, long last, Consumer<V> action) {
        Counters of = countersOf(replica, false);
        if (of == null) {
            return;
        }
        int at = of.find(first);
        for (int i = at >= 0 ? at : -at - 1; i < of.size && Long.compareUnsigned(of.counters[i], last) <= 0; i++) {
            if (of.values[i] != null) {
                action.accept((V) of.values[i]);
            }
        }
    }

    /** Calls {@code action} with every dot and its value, by replica (in no order), then counter. */
    @SuppressWarnings("unchecked")
    void forEach(java.util.function.BiConsumer<Dot, V> action) {
        replicas.forEach((replica, of) -> {
            for (int i = 0; i < of.size; i++) {
                if (of.values[i] != null) {
                    action.accept(new Dot(replica, of.counters[i]), (V) of.values[i]);
                }
            }
        });
    }
}
