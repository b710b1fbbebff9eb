package dev.hyphae.codec;

import com.google.flatbuffers.FlatBufferBuilder;
import dev.hyphae.ErrorCode;
import dev.hyphae.ProtocolException;
import dev.hyphae.crdt.CausalState;
import dev.hyphae.crdt.Crdt;
import dev.hyphae.crdt.CrdtType;
import dev.hyphae.crdt.EntryKey;
import dev.hyphae.crdt.MVRegister;
import dev.hyphae.crdt.ORMap;
import dev.hyphae.data.CausalContext;
import dev.hyphae.data.Dot;
import dev.hyphae.data.Limits;
import dev.hyphae.data.ReplicaId;
import dev.hyphae.data.Value;
import dev.hyphae.spec.Requirement;
import hyphae.v1.Batch;
import hyphae.v1.Context;
import hyphae.v1.Values;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One test per rule the decoder enforces, each on a payload built to break exactly that rule, each checking
 * the code and the reason. These are the seeds of the invalid vectors.
 */
class DecoderRefusalsTest {

    private static final ReplicaId A = ReplicaId.fromHex("0a000000000000000000000000000001");

    private static void assertRefused(byte[] bytes, String reason) {
        ProtocolException e = assertThrows(ProtocolException.class, () -> PayloadDecoder.decode(bytes));
        assertEquals(ErrorCode.MALFORMED_DELTA, e.code());
        assertTrue(e.getMessage().contains(reason), "expected '" + reason + "' in: " + e.getMessage());
    }

    /** A payload built column by column, to break one rule at a time. */
    private static final class Raw {
        final FlatBufferBuilder b = new FlatBufferBuilder();
        byte[] replicas = A.toBytes();
        byte[] versionVector = {0, 1};
        byte[] cloud;

        int values(byte[] kinds, byte[] strings) {
            int k = b.createByteVector(kinds);
            int s = strings == null ? 0 : b.createByteVector(strings);
            Values.startValues(b);
            Values.addKinds(b, k);
            if (s != 0) {
                Values.addStrings(b, s);
            }
            return Values.endValues(b);
        }

        /** An MVRegister batch of one store with one entry: dot (0, counter), the given values column. */
        int mvRegister(int type, byte[] dots, int values) {
            int d = b.createByteVector(dots);
            Batch.startBatch(b);
            Batch.addType(b, type);
            Batch.addCount(b, 1);
            Batch.addDots(b, d);
            Batch.addValues(b, values);
            return Batch.endBatch(b);
        }

        byte[] finish(int root) {
            int r = b.createByteVector(replicas);
            int vv = b.createByteVector(versionVector);
            int cl = cloud == null ? 0 : b.createByteVector(cloud);
            Context.startContext(b);
            Context.addVersionVector(b, vv);
            if (cl != 0) {
                Context.addCloud(b, cl);
            }
            int c = Context.endContext(b);
            hyphae.v1.Payload.startPayload(b);
            hyphae.v1.Payload.addReplicas(b, r);
            hyphae.v1.Payload.addContext(b, c);
            hyphae.v1.Payload.addRoot(b, root);
            hyphae.v1.Payload.finishPayloadBuffer(b, hyphae.v1.Payload.endPayload(b));
            return b.sizedByteArray();
        }

        /** A valid payload: an MVRegister holding "ok" at dot (A, 1). */
        byte[] valid() {
            return finish(mvRegister(CrdtType.MV_REGISTER.id(), new byte[] {0, 1, 1},
                    values(new byte[] {5, 1}, new byte[] {0, 2, 'o', 'k'})));
        }
    }

    @Test
    void theBaselineIsValid() throws ProtocolException {
        Payload payload = PayloadDecoder.decode(new Raw().valid());
        assertEquals(List.of(Value.of("ok")), ((MVRegister) payload.state().store()).values());
    }

    @Test
    @Requirement({"HY-DATA-012", "HY-ENC-044"})
    void invalidUtf8IsRefused() {
        Raw raw = new Raw();
        byte[] bytes = raw.finish(raw.mvRegister(CrdtType.MV_REGISTER.id(), new byte[] {0, 1, 1},
                raw.values(new byte[] {5, 1}, new byte[] {0, 2, (byte) 0xc0, (byte) 0x80})));
        assertRefused(bytes, "not valid UTF-8");
    }

    @Test
    @Requirement({"HY-DATA-010", "HY-ENC-029"})
    void aNonCanonicalContextIsRefused() {
        Raw raw = new Raw();
        raw.cloud = new byte[] {0, 2, 1}; // (A,2) extends the vector's (A,1): it belongs in the vector
        assertRefused(raw.valid(), "not in canonical form");
    }

    @Test
    @Requirement({"HY-DATA-002", "HY-ENC-025"})
    void theZeroReplicaIdIsRefused() {
        Raw raw = new Raw();
        raw.replicas = new byte[16];
        assertRefused(raw.valid(), "all-zero replica id");
    }

    @Test
    @Requirement({"HY-ENC-026"})
    void aReplicaIndexOutsideTheTableIsRefused() {
        Raw raw = new Raw();
        byte[] bytes = raw.finish(raw.mvRegister(CrdtType.MV_REGISTER.id(), new byte[] {1, 1, 1},
                raw.values(new byte[] {5, 1}, new byte[] {0, 2, 'o', 'k'})));
        assertRefused(bytes, "replica index 1 exceeds 0");
    }

    @Test
    @Requirement({"HY-DATA-008", "HY-ENC-027"})
    void aDotWithCounterZeroIsRefused() {
        Raw raw = new Raw();
        byte[] bytes = raw.finish(raw.mvRegister(CrdtType.MV_REGISTER.id(), new byte[] {0, 0, 1},
                raw.values(new byte[] {5, 1}, new byte[] {0, 2, 'o', 'k'})));
        assertRefused(bytes, "counter of 0");
    }

    @Test
    @Requirement({"HY-DATA-019"})
    void aDotOutsideTheContextIsRefused() {
        Raw raw = new Raw();
        byte[] bytes = raw.finish(raw.mvRegister(CrdtType.MV_REGISTER.id(), new byte[] {0, 2, 1},
                raw.values(new byte[] {5, 1}, new byte[] {0, 2, 'o', 'k'})));
        assertRefused(bytes, "is not in the causal context");
    }

    @Test
    @Requirement("HY-VER-024")
    void typeIdZeroIsRefused() {
        Raw raw = new Raw();
        byte[] bytes = raw.finish(raw.mvRegister(0, new byte[] {0, 1, 1},
                raw.values(new byte[] {5, 1}, new byte[] {0, 2, 'o', 'k'})));
        assertRefused(bytes, "CRDT type id 0");
    }

    @Test
    @Requirement({"HY-ENC-024"})
    void trailingBytesInAColumnAreRefused() {
        Raw raw = new Raw();
        byte[] bytes = raw.finish(raw.mvRegister(CrdtType.MV_REGISTER.id(), new byte[] {0, 1, 1, 7},
                raw.values(new byte[] {5, 1}, new byte[] {0, 2, 'o', 'k'})));
        assertRefused(bytes, "trailing bytes");
    }

    @Test
    @Requirement({"HY-ENC-019"})
    void aNonMinimalVarintIsRefused() {
        Raw raw = new Raw();
        byte[] bytes = raw.finish(raw.mvRegister(CrdtType.MV_REGISTER.id(), new byte[] {0, (byte) 0x81, 0, 1},
                raw.values(new byte[] {5, 1}, new byte[] {0, 2, 'o', 'k'})));
        assertRefused(bytes, "not minimal");
    }

    @Test
    @Requirement({"HY-ENC-013", "HY-DATA-042"})
    void aDeclaredLengthFarBeyondTheBufferIsRefusedWithoutAllocating() {
        byte[] bytes = new Raw().valid();
        // The replica table vector: find its length field (16) followed by replica A's first byte.
        int at = indexOf(bytes, new byte[] {16, 0, 0, 0, 0x0a});
        bytes[at] = (byte) 0xff;
        bytes[at + 1] = (byte) 0xff;
        bytes[at + 2] = (byte) 0xff;
        bytes[at + 3] = (byte) 0x7f;
        assertRefused(bytes, "vector field 0");
        ProtocolException e = assertThrows(ProtocolException.class, () -> PayloadDecoder.decode(bytes));
        assertEquals(Optional.of(ProtocolException.Phase.VERIFY), e.phase());
    }

    /** The value of the register under the i-th entry of {@link #orMap}: "x", "y", "z", ... */
    private static String valueOf(int i) {
        return String.valueOf((char) ('x' + i));
    }

    /**
     * An ORMap payload of one store whose entries have the given one-letter keys, in the order given, each an
     * MVRegister of type 4 holding {@link #valueOf} its position at dot (A, its position + 1).
     */
    private static byte[] orMap(String... keys) {
        int n = keys.length;
        Raw raw = new Raw();
        raw.versionVector = new byte[] {0, (byte) n};
        FlatBufferBuilder b = raw.b;
        byte[] frontCoded = new byte[3 * n];
        byte[] frontCodedKeys = new byte[3 * n];
        for (int i = 0; i < n; i++) {
            frontCoded[3 * i + 1] = 1;
            frontCoded[3 * i + 2] = (byte) valueOf(i).charAt(0);
            frontCodedKeys[3 * i + 1] = 1;
            frontCodedKeys[3 * i + 2] = (byte) keys[i].charAt(0);
        }
        // n MVRegister stores, one entry each, dots (A,1) to (A,n) as one run.
        int childValues = raw.values(new byte[] {5, (byte) n}, frontCoded);
        int childDots = b.createByteVector(new byte[] {0, 1, (byte) n});
        Batch.startBatch(b);
        Batch.addType(b, CrdtType.MV_REGISTER.id());
        Batch.addCount(b, n);
        Batch.addDots(b, childDots);
        Batch.addValues(b, childValues);
        int child = Batch.endBatch(b);
        int children = Batch.createChildrenVector(b, new int[] {child});
        int keyValues = raw.values(new byte[] {5, (byte) n}, frontCodedKeys);
        int types = b.createByteVector(new byte[] {(byte) CrdtType.MV_REGISTER.id(), (byte) n});
        int sizes = b.createByteVector(new byte[] {(byte) n});
        Batch.startBatch(b);
        Batch.addType(b, CrdtType.OR_MAP.id());
        Batch.addCount(b, 1);
        Batch.addSizes(b, sizes);
        Batch.addValues(b, keyValues);
        Batch.addTypes(b, types);
        Batch.addChildren(b, children);
        return raw.finish(Batch.endBatch(b));
    }

    @Test
    @Requirement("HY-DATA-018")
    void aMapKeyTwiceIsRefused() {
        assertRefused(orMap("k", "k"), "holds key \"k\" with type 4 twice");
    }

    @Test
    @Requirement("HY-DATA-018")
    void aMapKeyTwiceIsRefusedWhenTheKeysAreNotInOrder() {
        assertRefused(orMap("a", "b", "a"), "holds key \"a\" with type 4 twice");
    }

    /** The state {@link #orMap} gives for the keys: the i-th key holds {@link #valueOf} i at dot (A, i + 1). */
    private static CausalState<Crdt> orMapState(String... keys) {
        TreeMap<EntryKey, Crdt> entries = new TreeMap<>();
        List<Dot> dots = new java.util.ArrayList<>();
        for (int i = 0; i < keys.length; i++) {
            Dot dot = new Dot(A, i + 1);
            dots.add(dot);
            entries.put(new EntryKey(Value.of(keys[i]), CrdtType.MV_REGISTER.id()),
                    MVRegister.of(new TreeMap<>(java.util.Map.of(dot, Value.of(valueOf(i))))));
        }
        return new CausalState<>(ORMap.of(entries), CausalContext.of(dots));
    }

    @Test
    @Requirement("HY-ENC-041")
    void mapEntriesInEitherKeyOrderAreAcceptedAsTheSortedMap() throws ProtocolException {
        // Keys ascending, the order every encoder writes.
        assertEquals(orMapState("a", "b"), PayloadDecoder.decode(orMap("a", "b")).state());
        // Entry 0 is "b" with "x" at (A,1), entry 1 is "a" with "y" at (A,2): the map of those entries, sorted.
        assertEquals(orMapState("b", "a"), PayloadDecoder.decode(orMap("b", "a")).state());
    }

    /** The valid payload with the given cloud, whose dots lie above the version vector's (A,1) by more than one. */
    private static byte[] withCloud(byte[] cloud) {
        Raw raw = new Raw();
        raw.cloud = cloud;
        return raw.valid();
    }

    /** The varint of 2^63, a counter that is negative as a signed long. */
    private static final byte[] TWO_TO_THE_63 = {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80,
            (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 1};

    private static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    @Test
    @Requirement("HY-ENC-029")
    void cloudRunsThatOverlapAreRefused() {
        // (A,5) to (A,7), then (A,6).
        assertRefused(withCloud(new byte[] {0, 5, 3, 0, 6, 1}), "cloud runs are out of order or not maximal");
    }

    @Test
    @Requirement("HY-ENC-029")
    void aCloudRunRepeatedIsRefused() {
        assertRefused(withCloud(new byte[] {0, 5, 1, 0, 5, 1}), "cloud runs are out of order or not maximal");
    }

    @Test
    @Requirement("HY-ENC-029")
    void cloudRunsThatDescendInUnsignedOrderAreRefusedAndAscendingOnesAccepted() throws ProtocolException {
        // (A,2^63) then (A,5): ascending if counters were compared as signed longs.
        assertRefused(withCloud(concat(new byte[] {0}, TWO_TO_THE_63, new byte[] {1, 0, 5, 1})),
                "cloud runs are out of order or not maximal");
        CausalContext ascending = PayloadDecoder.decode(withCloud(concat(new byte[] {0, 5, 1, 0}, TWO_TO_THE_63, new byte[] {1})))
                .state().context();
        assertEquals(CausalContext.of(List.of(new Dot(A, 1), new Dot(A, 5), new Dot(A, Long.MIN_VALUE))), ascending);
    }

    private static byte[] nestedMaps(int depth) {
        Dot dot = new Dot(A, 1);
        Crdt value = MVRegister.of(new TreeMap<>(java.util.Map.of(dot, Value.of(1L))));
        for (int level = 0; level < depth; level++) {
            TreeMap<EntryKey, Crdt> entries = new TreeMap<>();
            entries.put(new EntryKey(Value.of("n"), value.typeId()), value);
            value = ORMap.of(entries);
        }
        // The encoder's own check would refuse to produce the deeper one: build it below that check.
        return PayloadEncoder.encode(Payload.of(new CausalState<>(value, CausalContext.of(List.of(dot)))));
    }

    @Test
    @Requirement({"HY-DATA-040", "HY-DATA-042", "HY-ENC-018", "HY-ENC-047"})
    void mapsNestedToTheLimitAreAcceptedAndOneLevelMoreIsRefused() throws ProtocolException {
        ORMap deepest = (ORMap) PayloadDecoder.decode(nestedMaps(Limits.MAX_NESTING_DEPTH)).state().store();
        assertRefused(nestedMaps(Limits.MAX_NESTING_DEPTH + 1), "nest deeper than MAX_NESTING_DEPTH");
        PayloadTooLargeException e = assertThrows(PayloadTooLargeException.class, () -> Codec.encode(deeper(deepest)),
                "the encoder refuses to produce what a decoder must refuse");
        assertEquals(ErrorCode.MALFORMED_DELTA, e.refusal().code());
    }

    private static CausalState<Crdt> deeper(ORMap map) {
        TreeMap<EntryKey, Crdt> entries = new TreeMap<>();
        entries.put(new EntryKey(Value.of("n"), map.typeId()), map);
        return new CausalState<>(ORMap.of(entries), CausalContext.of(List.of(new Dot(A, 1))));
    }

    @Test
    @Requirement({"HY-DATA-042", "HY-ENC-016"})
    void aTableReachedTwiceIsRefused() {
        // Two opaque values pointing at one table: the way to make a reader decode one large object many times.
        Raw raw = new Raw();
        FlatBufferBuilder b = raw.b;
        int data = b.createByteVector(new byte[] {1, 2, 3});
        int shared = hyphae.v1.Opaque.createOpaque(b, data);
        int opaque = Batch.createOpaqueVector(b, new int[] {shared, shared});
        int sizes = b.createByteVector(new byte[] {1, 1});
        int dots = b.createByteVector(new byte[] {0, 1, 1});
        Batch.startBatch(b);
        Batch.addType(b, 0x4001);
        Batch.addCount(b, 1);
        Batch.addDots(b, dots);
        Batch.addOpaque(b, opaque);
        assertRefused(raw.finish(Batch.endBatch(b)), "reached twice");
    }

    /** A payload whose root batch has {@code children} empty child batches: that many tables and a few more. */
    private static byte[] childBatches(int children) {
        Raw raw = new Raw();
        FlatBufferBuilder b = raw.b;
        int[] tables = new int[children];
        for (int i = 0; i < children; i++) {
            Batch.startBatch(b);
            tables[i] = Batch.endBatch(b);
        }
        int vector = Batch.createChildrenVector(b, tables);
        Batch.startBatch(b);
        Batch.addType(b, CrdtType.OR_MAP.id());
        Batch.addChildren(b, vector);
        return raw.finish(Batch.endBatch(b));
    }

    /**
     * The verifier counts tables: MAX_ELEMENTS empty child batches, with the payload's, the context's and the root
     * batch's tables beside them, are refused for their number, in a payload of some 2 MB, within MAX_PAYLOAD_SIZE; a
     * few fewer are refused later, for what they hold.
     */
    @Test
    @Requirement("HY-ENC-017")
    void moreThanMaxElementsTablesAreRefused() {
        byte[] many = childBatches(Limits.MAX_ELEMENTS);
        assertTrue(many.length <= Limits.MAX_PAYLOAD_SIZE, many.length + " bytes");
        assertRefused(many, "more than MAX_ELEMENTS tables");
        ProtocolException fewer = assertThrows(ProtocolException.class, () -> PayloadDecoder.decode(childBatches(Limits.MAX_ELEMENTS - 3)));
        assertFalse(fewer.getMessage().contains("MAX_ELEMENTS tables"), fewer.getMessage());
    }

    @Test
    @Requirement({"HY-ENC-011"})
    void aVtableTooLargeForSignedOffsetsIsRefused() {
        byte[] bytes = new Raw().valid();
        // The root table's vtable: its first two bytes are its size. Make it 0x8000.
        java.nio.ByteBuffer bb = java.nio.ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        int root = bb.getInt(0);
        int vtable = root - bb.getInt(root);
        bb.putShort(vtable, (short) 0x8000);
        assertRefused(bytes, "has a bad size");
    }

    @Test
    @Requirement({"HY-DATA-040", "HY-ENC-004"})
    void aPayloadOverTheSizeLimitIsRefusedBeforeItIsRead() {
        assertRefused(new byte[Limits.MAX_PAYLOAD_SIZE + 1], "exceeds MAX_PAYLOAD_SIZE");
    }

    @Test
    @Requirement({"HY-ENC-008"})
    void aWrongFileIdentifierIsRefused() {
        byte[] bytes = new Raw().valid();
        bytes[7] = '2';
        assertRefused(bytes, "file identifier is not HYP1");
    }

    @Test
    @Requirement("HY-ENC-051")
    void theEncoderRefusesAValueOfUnknownTypeWithTwoVersions() throws ProtocolException {
        var key = new EntryKey(Value.of("future"), 0x4001);
        var one = dev.hyphae.crdt.UnknownCrdt.of(0x4001, new java.util.TreeSet<>(List.of(new Dot(A, 1))), new byte[] {1});
        var two = dev.hyphae.crdt.UnknownCrdt.of(0x4001, new java.util.TreeSet<>(List.of(new Dot(A, 2))), new byte[] {2});
        CausalContext context = CausalContext.of(List.of(new Dot(A, 1), new Dot(A, 2)));
        Crdt both = one.join(two, CausalContext.EMPTY, CausalContext.EMPTY);
        TreeMap<EntryKey, Crdt> entries = new TreeMap<>();
        entries.put(key, both);
        SeveralOpaqueVersionsException e = assertThrows(SeveralOpaqueVersionsException.class,
                () -> Codec.encode(new CausalState<>(ORMap.of(entries), context)));
        assertEquals(0x4001, e.typeId());
        assertEquals(2, e.versions());

        // One version is encoded, as HY-ENC-052 writes it, and is read back as it was.
        TreeMap<EntryKey, Crdt> single = new TreeMap<>();
        single.put(key, one);
        CausalState<Crdt> state = new CausalState<>(ORMap.of(single), CausalContext.of(List.of(new Dot(A, 1))));
        assertEquals(state, Codec.decode(Codec.encode(state)).state());
    }

    @Test
    @Requirement({"HY-DATA-043", "HY-ENC-050", "HY-ENC-051"})
    void everyRefusalToEncodeIsOfOneUncheckedFamily() {
        // A caller that can send something else catches one type; nothing else that encode throws is a refusal.
        assertTrue(RuntimeException.class.isAssignableFrom(PayloadNotEncodableException.class));
        assertEquals(java.util.Set.of(PayloadTooLargeException.class, SeveralOpaqueVersionsException.class,
                        ConflictingReplicaTablesException.class),
                java.util.Set.of(PayloadNotEncodableException.class.getPermittedSubclasses()));
    }

    @Test
    void garbageIsRefusedWithACodeThroughThePublicDecoder() {
        ProtocolException e = assertThrows(ProtocolException.class, () -> Codec.decode("not a payload".getBytes(StandardCharsets.UTF_8)));
        assertEquals(ErrorCode.MALFORMED_DELTA, e.code());
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            if (java.util.Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        throw new AssertionError("pattern not found");
    }
}
