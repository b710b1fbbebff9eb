package dev.hyphae.codec;

import dev.hyphae.data.Dot;
import dev.hyphae.data.ReplicaId;

import java.util.HashMap;
import java.util.Map;

/**
 * The dots met so far in one walk of a decoded store, to find a dot held twice (HY-DATA-055): a hash set of
 * (replica, counter) pairs held in two arrays, with the replicas numbered as they are met, so that checking a dot
 * allocates nothing. A received delta holds a dot per entry, and a set of dot objects cost a node per dot.
 *
 * <p>The walk counts every dot against {@code MAX_ELEMENTS} before it gets here, so the arrays stay within a few
 * times that many entries. Not thread-safe.
 */
final class SeenDots {

    private final Map<ReplicaId, Integer> numbers = new HashMap<>();
    private ReplicaId lastReplica;
    private int lastNumber;
    /** Per slot: the replica's number plus one, or 0 where the slot is free. */
    private int[] replicas;
    private long[] counters;
    private int size;

    /** An empty set, sized for {@code expected} dots (more are taken: it grows). */
    SeenDots(int expected) {
        int capacity = 16;
        while (capacity < 2 * expected && capacity < 1 << 30) {
            capacity <<= 1;
        }
        replicas = new int[capacity];
        counters = new long[capacity];
    }

    /** Adds {@code dot}; whether it was not there already. */
    boolean add(Dot dot) {
        int replica = number(dot.replica()) + 1;
        long counter = dot.counter();
        int mask = replicas.length - 1;
        for (int slot = slotOf(replica, counter, mask); ; slot = (slot + 1) & mask) {
            if (replicas[slot] == 0) {
                replicas[slot] = replica;
                counters[slot] = counter;
                if (++size > replicas.length / 2) {
                    grow();
                }
                return true;
            }
            if (replicas[slot] == replica && counters[slot] == counter) {
                return false;
            }
        }
    }

    private int number(ReplicaId replica) {
        // The dots of a payload name replicas of its table, one object each, and mostly the same one in a row.
        if (replica != lastReplica) {
            lastNumber = numbers.computeIfAbsent(replica, r -> numbers.size());
            lastReplica = replica;
        }
        return lastNumber;
    }

    private static int slotOf(int replica, long counter, int mask) {
        long h = (counter + replica * 0x9E3779B97F4A7C15L) * 0xC2B2AE3D27D4EB4FL;
        return (int) (h ^ (h >>> 32)) & mask;
    }

    private void grow() {
        int[] oldReplicas = replicas;
        long[] oldCounters = counters;
        replicas = new int[2 * oldReplicas.length];
        counters = new long[2 * oldCounters.length];
        int mask = replicas.length - 1;
        for (int i = 0; i < oldReplicas.length; i++) {
            if (oldReplicas[i] != 0) {
                int slot = slotOf(oldReplicas[i], oldCounters[i], mask);
                while (replicas[slot] != 0) {
                    slot = (slot + 1) & mask;
                }
                replicas[slot] = oldReplicas[i];
                counters[slot] = oldCounters[i];
            }
        }
    }
}
