package dev.hyphae.codec;

import dev.hyphae.crdt.AWSet;
import dev.hyphae.crdt.CausalState;
import dev.hyphae.crdt.Crdt;
import dev.hyphae.crdt.CrdtType;
import dev.hyphae.crdt.EntryKey;
import dev.hyphae.crdt.ORMap;
import dev.hyphae.data.CausalContext;
import dev.hyphae.data.Dot;
import dev.hyphae.data.Limits;
import dev.hyphae.data.ReplicaId;
import dev.hyphae.data.Value;
import dev.hyphae.spec.Requirement;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * HY-DATA-043 on wide states, where the counts of {@link PayloadBounds} and of the decoder could part: many replicas
 * (indexes of 128 and more, which take more than one varint byte), counters near 2^63 and 2^64 - 1, long runs of
 * one replica and of consecutive counters, long strings with a common prefix (front-coded), multi-byte characters,
 * and maps nested down to MAX_NESTING_DEPTH; each encoded self-contained and in session form against replica and key
 * tables. Whatever is vouched for decodes to an equal state.
 */
class PayloadBoundsWideProperties {

    private static final int SET = CrdtType.AW_SET.id();
    private static final int MAP = CrdtType.OR_MAP.id();

    @Provide
    Arbitrary<CausalState<Crdt>> wideStates() {
        return Arbitraries.randomValue(PayloadBoundsWideProperties::wide);
    }

    @Property(tries = 200)
    @Requirement({"HY-DATA-043", "HY-ENC-047"})
    void aWidePayloadVouchedForDecodesToAnEqualStateInEitherForm(@ForAll("wideStates") CausalState<Crdt> state)
            throws Exception {
        Payload payload = Payload.of(state);
        boolean vouched = PayloadBounds.certainlyWithin(payload);
        Statistics.label("vouched").collect(vouched);
        Statistics.label("replicas over 128").collect(state.context().versionVector().size()
                + state.context().cloud().stream().map(Dot::replica).distinct().count() > 128);
        Statistics.label("vouched").coverage(c -> c.check(true).percentage(p -> p > 50));
        if (!vouched) {
            return;
        }
        assertEquals(state, PayloadDecoder.decode(PayloadEncoder.encode(payload, null), (ExternalTables) null).state());
        ExternalTables tables = new ExternalTables(new ArrayList<>(Codec.replicas(state)), keysOf(state.store(), new ArrayList<>()));
        assertEquals(state, PayloadDecoder.decode(PayloadEncoder.encode(payload, tables), tables).state());
        ExternalTables replicasOnly = ExternalTables.ofReplicas(new ArrayList<>(Codec.replicas(state)));
        assertEquals(state, PayloadDecoder.decode(PayloadEncoder.encode(payload, replicasOnly), replicasOnly).state());
    }

    /** Just under half of each limit that {@link PayloadBounds} counts: vouched for, and accepted by the decoder. */
    @Test
    @Requirement({"HY-DATA-043", "HY-DATA-040"})
    void justUnderHalfOfEachLimitIsVouchedForAndDecodes() throws Exception {
        ReplicaId replica = replica(new Random(1));
        // Elements: each set element counts two with its dot.
        assertVouchedAndDecodes(set(replica, Limits.MAX_ELEMENTS / 4 - 1, i -> Value.of((long) i)));
        // Decoded bytes: strings counted at three bytes per UTF-16 unit.
        int length = 60_000;
        int strings = EncodingLimits.MAX_DECODED_BYTES / 2 / (3 * length) - 1;
        assertVouchedAndDecodes(set(replica, strings, i -> Value.of(i + "x".repeat(length - 8))));
        // Replicas: each dot of its own replica.
        Random random = new Random(2);
        List<Dot> dots = new ArrayList<>();
        for (int i = 0; i < Limits.MAX_REPLICAS / 2 - 1; i++) {
            dots.add(new Dot(replica(random), 1));
        }
        TreeMap<Value, SortedSet<Dot>> entries = new TreeMap<>();
        entries.put(Value.of("all"), new TreeSet<>(dots));
        assertVouchedAndDecodes(new CausalState<>(AWSet.of(entries), CausalContext.of(dots)));
        // Nesting: maps down to MAX_NESTING_DEPTH.
        Crdt store = set(replica, 1, i -> Value.of((long) i)).store();
        for (int level = 1; level < Limits.MAX_NESTING_DEPTH; level++) {
            TreeMap<EntryKey, Crdt> map = new TreeMap<>();
            map.put(new EntryKey(Value.of("level " + level), store.typeId()), store);
            store = ORMap.of(map);
        }
        assertVouchedAndDecodes(new CausalState<>(store, CausalContext.of(List.of(new Dot(replica, 1)))));
    }

    private static void assertVouchedAndDecodes(CausalState<Crdt> state) throws Exception {
        Payload payload = Payload.of(state);
        assertTrue(PayloadBounds.certainlyWithin(payload));
        byte[] bytes = Codec.encode(payload);
        assertTrue(bytes.length <= Limits.MAX_PAYLOAD_SIZE);
        assertEquals(state, PayloadDecoder.decode(bytes, (ExternalTables) null).state());
    }

    private static CausalState<Crdt> set(ReplicaId replica, int elements, java.util.function.IntFunction<Value> value) {
        TreeMap<Value, SortedSet<Dot>> entries = new TreeMap<>();
        for (int i = 1; i <= elements; i++) {
            TreeSet<Dot> dots = new TreeSet<>();
            dots.add(new Dot(replica, i));
            entries.put(value.apply(i), dots);
        }
        TreeMap<ReplicaId, Long> vector = new TreeMap<>();
        vector.put(replica, (long) elements);
        return new CausalState<>(AWSet.of(entries), CausalContext.ofCanonical(vector, new TreeSet<>()));
    }

    private static List<Value> keysOf(Crdt store, List<Value> into) {
        if (store instanceof ORMap m) {
            m.entries().forEach((key, child) -> {
                if (!into.contains(key.key())) {
                    into.add(key.key());
                }
                keysOf(child, into);
            });
        }
        return into;
    }

    private static ReplicaId replica(Random random) {
        byte[] id = new byte[16];
        random.nextBytes(id);
        return ReplicaId.of(id);
    }

    /** A wide state: see the class comment. Every dot of the store is in the context (HY-DATA-019). */
    private static CausalState<Crdt> wide(Random random) {
        List<ReplicaId> replicas = new ArrayList<>();
        for (int i = 0, n = 129 + random.nextInt(300); i < n; i++) {
            replicas.add(replica(random));
        }
        Set<Dot> used = new HashSet<>();
        String prefix = "p\u00e9\u20ac\ud83c\udf44".repeat(random.nextInt(300)) + "-";
        int depth = random.nextInt(Limits.MAX_NESTING_DEPTH) + 1;
        Crdt store = leaf(random, replicas, used, prefix);
        for (int level = 1; level < depth; level++) {
            TreeMap<EntryKey, Crdt> map = new TreeMap<>();
            map.put(new EntryKey(Value.of(prefix + "map " + level), store.typeId()), store);
            if (random.nextBoolean()) {
                map.put(new EntryKey(Value.of(prefix + "set " + level), SET), leaf(random, replicas, used, prefix));
            }
            store = ORMap.of(map);
        }
        List<Dot> context = new ArrayList<>(used);
        // Dots the store lacks, so that every replica is in the context and the table: removals, as it were.
        for (ReplicaId replica : replicas) {
            context.add(new Dot(replica, counter(random)));
        }
        return new CausalState<>(store, CausalContext.of(context));
    }

    private static Crdt leaf(Random random, List<ReplicaId> replicas, Set<Dot> used, String prefix) {
        TreeMap<Value, SortedSet<Dot>> entries = new TreeMap<>();
        int size = 1 + random.nextInt(60);
        boolean run = random.nextBoolean();
        ReplicaId runReplica = replicas.get(random.nextInt(replicas.size()));
        long base = switch (random.nextInt(3)) {
            case 0 -> 1;
            case 1 -> Long.MAX_VALUE - size / 2;   // the run crosses 2^63
            default -> -1L - (size - 1);            // the run ends at 2^64 - 1
        };
        for (int i = 0; i < size; i++) {
            Dot dot = run ? new Dot(runReplica, base + i)
                    : new Dot(replicas.get(random.nextInt(replicas.size())), counter(random));
            if (!used.add(dot)) {
                continue;
            }
            Value value = random.nextBoolean() ? Value.of(prefix + i) : Value.of(random.nextLong());
            entries.computeIfAbsent(value, v -> new TreeSet<>()).add(dot);
        }
        return AWSet.of(entries);
    }

    /** A counter: small, near 2^63 or near 2^64 - 1. */
    private static long counter(Random random) {
        return switch (random.nextInt(3)) {
            case 0 -> 1 + random.nextInt(1000);
            case 1 -> Long.MAX_VALUE - 2 + random.nextInt(5);
            default -> -1L - random.nextInt(4);
        };
    }
}
