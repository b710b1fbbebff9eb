package dev.hyphae.codec;

import dev.hyphae.ProtocolException;
import dev.hyphae.crdt.CausalState;
import dev.hyphae.crdt.Crdt;
import dev.hyphae.crdt.ORMap;
import dev.hyphae.crdt.UnknownCrdt;
import dev.hyphae.data.CausalContext;
import dev.hyphae.data.Dot;
import dev.hyphae.data.Limits;
import dev.hyphae.data.ReplicaId;
import dev.hyphae.data.Value;
import hyphae.v1.Context;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;

/**
 * The third phase of decoding a payload, <em>decoding</em> (specification, "Encoding", section "Decoding"), which
 * runs only on a verified buffer ({@link PayloadVerification}): reads the replica table ({@link ReplicaTable}),
 * the causal context (section "Causal context") and the root batch ({@link BatchDecoding}), checks them against the
 * rules of the encoding and of the data model, and counts elements and decoded bytes against their limits
 * ({@link DecodingLimits}) as it goes.
 */
final class PayloadDecoding {

    private final ReplicaTable replicas;
    private final DecodingLimits limits = new DecodingLimits();

    private PayloadDecoding(ReplicaTable replicas) {
        this.replicas = replicas;
    }

    /**
     * Decodes {@code payload}, whose whole buffer is already verified, with its own replica table, or with
     * {@code external} when it has none and {@code external} is not null (HY-ENC-055), which is then also the key
     * table of its {@code key_indexes} (HY-ENC-102).
     */
    static Payload decode(hyphae.v1.Payload payload, ExternalTables external) throws ProtocolException {
        ByteBuffer own = payload.replicasAsByteBuffer();
        boolean sessionForm = own == null && external != null;
        PayloadDecoding decoding = new PayloadDecoding(sessionForm ? ReplicaTable.external(external.replicas())
                : ReplicaTable.read(own));
        CausalContext context = decoding.readContext(payload.context());
        // HY-ENC-100: key indexes only in session form; a self-contained payload names its keys itself.
        List<Value> keys = sessionForm ? external.keys() : null;
        BatchDecoding batches = new BatchDecoding(decoding.replicas, keys, decoding.limits);
        Crdt store = batches.readRoot(payload.root());
        checkDots(store, context, batches.dotsRead());
        CausalState<Crdt> state = new CausalState<>(store, context);
        if (sessionForm && !holdsUnknownType(store)) {
            // The session's table is only the frame the indexes were written in; nothing in the state depends on its
            // order, so the payload is re-encoded, to be stored or forwarded, with a table of the encoder's choosing.
            return Payload.of(state);
        }
        return new Payload(decoding.replicas.replicas(), state);
    }

    /** Whether {@code store} is, or holds at any depth, a value of a type this version does not define. */
    static boolean holdsUnknownType(Crdt store) {
        if (store instanceof UnknownCrdt) {
            return true;
        }
        if (store instanceof ORMap map) {
            for (Crdt value : map.entries().values()) {
                if (holdsUnknownType(value)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The causal context, {@code null} if absent (section "Causal context": HY-ENC-028, HY-ENC-029, HY-DATA-010). */
    private CausalContext readContext(Context context) throws ProtocolException {
        TreeMap<ReplicaId, Long> vector = new TreeMap<>();
        // The cloud as read, run by run: the checks below refuse runs out of order, overlapping or not maximal, so the
        // runs are already those of the canonical form, and no dot is ever made an object of its own.
        TreeMap<ReplicaId, long[]> cloud = new TreeMap<>();
        if (context != null) {
            Packed.Reader vv = Packed.Reader.of(context.versionVectorAsByteBuffer(), "version_vector");
            ReplicaId previous = null;
            while (!vv.atEnd()) {
                limits.elements(1);
                ReplicaId replica = replicas.replica(vv);
                long counter = vv.varint();
                if (counter == 0) {
                    throw Malformed.decode("version_vector holds a counter of 0");
                }
                if (previous != null && previous.compareTo(replica) >= 0) {
                    throw Malformed.decode("version_vector is not in ascending order of replica id");
                }
                previous = replica;
                vector.put(replica, counter);
            }
            Packed.Reader runs = Packed.Reader.of(context.cloudAsByteBuffer(), "cloud");
            long dots = 0;
            ReplicaId lastReplica = null;
            long lastCounter = 0;
            long[] pairs = null;
            int size = 0;
            while (!runs.atEnd()) {
                ReplicaId replica = replicas.replica(runs);
                long first = runs.varint();
                long length = runs.varint();
                if (length == 0 || Long.compareUnsigned(length, Limits.MAX_CLOUD_DOTS) > 0
                        || (dots += length) > Limits.MAX_CLOUD_DOTS) {
                    throw Malformed.decode("cloud holds an empty run, or more than MAX_CLOUD_DOTS dots");
                }
                // Runs are in ascending dot order and maximal: a run never starts where the previous one ended.
                if (first == 0) {
                    throw Malformed.decode("cloud holds a run starting at counter 0");
                }
                long last = first + length - 1;
                if (Long.compareUnsigned(last, first) < 0) {
                    throw Malformed.decode("cloud holds a run with counter 0 or past 2^64-1");
                }
                boolean sameReplica = lastReplica != null && (lastReplica == replica || lastReplica.equals(replica));
                if (lastReplica != null && (sameReplica ? Long.compareUnsigned(lastCounter, first) >= 0 || first == lastCounter + 1
                        : lastReplica.compareTo(replica) > 0)) {
                    throw Malformed.decode("cloud runs are out of order or not maximal");
                }
                limits.elements(length);
                if (!sameReplica) {
                    if (pairs != null) {
                        cloud.put(lastReplica, Arrays.copyOf(pairs, size));
                    }
                    pairs = new long[8];
                    size = 0;
                } else if (size == pairs.length) {
                    pairs = Arrays.copyOf(pairs, 2 * size);
                }
                pairs[size++] = first;
                pairs[size++] = last;
                lastReplica = replica;
                lastCounter = last;
            }
            if (pairs != null) {
                cloud.put(lastReplica, Arrays.copyOf(pairs, size));
            }
        }
        // HY-DATA-010: the dots themselves must be in canonical form too (none covered by or extending the vector).
        CausalContext canonical = CausalContext.ofCanonicalRuns(vector, cloud);
        if (canonical == null) {
            throw Malformed.decode("the causal context is not in canonical form");
        }
        return canonical;
    }

    /**
     * HY-DATA-055: no dot occurs twice in the whole store, at any depth: under two elements of an AWSet, under two
     * entries of an ORMap, or in two opaque versions. The batches check one store at a time (HY-DATA-018); this sees
     * them all. A record of at most MAX_ELEMENTS dots, since every dot has been counted (HY-ENC-046).
     */
    static void checkDotsOnce(Crdt store) throws ProtocolException {
        SeenDots seen = new SeenDots(0);
        store.forEachDot(seen::add);
        Dot twice = seen.firstRepeated();
        if (twice != null) {
            throw Malformed.decode("dot %s occurs twice in the store", twice);
        }
    }

    /**
     * HY-DATA-055, as {@link #checkDotsOnce}, and HY-DATA-019: every dot of a store of known type is in the payload's
     * context; both in one walk of the store, which visits its dots in the order of {@link Crdt#forEachDot}. A dot held
     * twice is reported before a dot outside the context, whichever comes first.
     */
    private static void checkDots(Crdt store, CausalContext context, int dots) throws ProtocolException {
        DotWalk walk = new DotWalk(context, dots);
        walk.visit(store);
        Dot twice = walk.seen.firstRepeated();
        if (twice != null) {
            throw Malformed.decode("dot %s occurs twice in the store", twice);
        }
        if (walk.uncovered != null) {
            throw Malformed.decode("dot %s of the store is not in the causal context", walk.uncovered);
        }
    }

    /** The walk of {@link #checkDots}: every dot, and the first dot of a known type outside the context. */
    private static final class DotWalk {
        private final CausalContext context;
        private final SeenDots seen;
        private Dot uncovered;

        DotWalk(CausalContext context, int dots) {
            this.context = context;
            this.seen = new SeenDots(dots);
        }

        void visit(Crdt store) {
            if (store instanceof ORMap map) {
                for (Crdt value : map.entries().values()) {
                    visit(value);
                }
                return;
            }
            // A value of unknown type is exempt from HY-DATA-019, not from HY-DATA-055.
            boolean known = !(store instanceof UnknownCrdt);
            store.forEachDot(dot -> {
                seen.add(dot);
                if (known && uncovered == null && !context.contains(dot)) {
                    uncovered = dot;
                }
            });
        }
    }
}
