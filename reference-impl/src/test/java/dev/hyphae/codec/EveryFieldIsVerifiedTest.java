package dev.hyphae.codec;

import com.google.flatbuffers.FlatBufferBuilder;
import dev.hyphae.ErrorCode;
import dev.hyphae.ProtocolException;
import dev.hyphae.crdt.CrdtType;
import dev.hyphae.spec.Requirement;
import hyphae.v1.Batch;
import hyphae.v1.Context;
import hyphae.v1.Opaque;
import hyphae.v1.Payload;
import hyphae.v1.Values;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * HY-ENC-014: every vector field of {@code payload.fbs} is verified wherever it is present, whether or not the
 * CRDT type of its batch uses it. Each case puts the field, holding a recognisable pattern, into the batch of an
 * empty EWFlag (which uses none of them but {@code sizes}), or into what such a batch reaches, and then declares
 * the vector far longer than the payload: the decoder must refuse it while verifying, before anything reads it.
 */
class EveryFieldIsVerifiedTest {

    private static final byte[] PATTERN = {0x5A, (byte) 0xA5, 0x3C, (byte) 0xC3, 0x69, (byte) 0x96, 0x0F, (byte) 0xF0};

    /** Where a case puts its pattern: a field of the root batch, of its Values table, of its child or its Opaque table. */
    private record Case(String where, Field field) {
    }

    @Test
    @Requirement("HY-ENC-014")
    void aVectorThatRunsPastThePayloadIsRefusedWhileVerifyingWhereverItIs() {
        List<Case> cases = new ArrayList<>();
        for (Field f : List.of(Schema.Context.VERSION_VECTOR, Schema.Context.CLOUD, Schema.Values.KINDS, Schema.Values.INTS,
                Schema.Values.STRINGS, Schema.Values.BYTES, Schema.Values.FLOAT_PLANES, Schema.Opaque.DATA)) {
            cases.add(new Case(f.table(), f));
        }
        for (Field f : List.of(Schema.Batch.SIZES, Schema.Batch.DOTS, Schema.Batch.DOT_COUNTS, Schema.Batch.COUNTS,
                Schema.Batch.DECREMENTS, Schema.Batch.TIMESTAMPS, Schema.Batch.TYPES)) {
            cases.add(new Case("root batch", f));
            cases.add(new Case("child batch", f));
        }
        for (Case c : cases) {
            byte[] payload = payload(c);
            int pattern = indexOf(payload, PATTERN);
            assertTrue(pattern >= 4, c + ": the pattern is in the payload");
            Optional<ProtocolException.Phase> before = phaseOf(payload);
            assertNotEquals(Optional.of(ProtocolException.Phase.VERIFY), before, c + " is well formed until its length is changed");
            ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN).putInt(pattern - 4, 0x7FFF_FFFF);
            ProtocolException e = assertThrows(ProtocolException.class, () -> Codec.decode(payload), c.toString());
            assertEquals(ErrorCode.MALFORMED_DELTA, e.code(), c.toString());
            assertEquals(Optional.of(ProtocolException.Phase.VERIFY), e.phase(), c + ": " + e.getMessage());
        }
    }

    private static Optional<ProtocolException.Phase> phaseOf(byte[] payload) {
        try {
            Codec.decode(payload);
            return Optional.empty();
        } catch (ProtocolException e) {
            return e.phase();
        }
    }

    private static byte[] payload(Case c) {
        FlatBufferBuilder b = new FlatBufferBuilder();
        Field field = c.field();
        int pattern = b.createByteVector(PATTERN);
        int values = 0;
        if (c.where().equals("Values")) {
            Values.startValues(b);
            switch (field.name()) {
                case "kinds" -> Values.addKinds(b, pattern);
                case "ints" -> Values.addInts(b, pattern);
                case "float_planes" -> Values.addFloatPlanes(b, pattern);
                case "strings" -> Values.addStrings(b, pattern);
                default -> Values.addBytes(b, pattern);
            }
            values = Values.endValues(b);
        }
        int opaque = c.where().equals("Opaque") ? Batch.createOpaqueVector(b, new int[] {Opaque.createOpaque(b, pattern)}) : 0;
        int children = 0;
        if (c.where().equals("child batch")) {
            Batch.startBatch(b);
            Batch.addType(b, CrdtType.EW_FLAG.id());
            Batch.addCount(b, 1);
            addColumn(b, field, pattern);
            children = Batch.createChildrenVector(b, new int[] {Batch.endBatch(b)});
        }
        int sizes = b.createByteVector(new byte[] {0});
        Batch.startBatch(b);
        Batch.addType(b, CrdtType.EW_FLAG.id());
        Batch.addCount(b, 1);
        if (c.where().equals("root batch")) {
            addColumn(b, field, pattern);
        }
        if (!(c.where().equals("root batch") && field.equals(Schema.Batch.SIZES))) {
            Batch.addSizes(b, sizes);
        }
        if (values != 0) {
            Batch.addValues(b, values);
        }
        if (children != 0) {
            Batch.addChildren(b, children);
        }
        if (opaque != 0) {
            Batch.addOpaque(b, opaque);
        }
        int root = Batch.endBatch(b);
        Context.startContext(b);
        if (field.equals(Schema.Context.VERSION_VECTOR)) {
            Context.addVersionVector(b, pattern);
        } else if (field.equals(Schema.Context.CLOUD)) {
            Context.addCloud(b, pattern);
        }
        int context = Context.endContext(b);
        Payload.startPayload(b);
        Payload.addContext(b, context);
        Payload.addRoot(b, root);
        Payload.finishPayloadBuffer(b, Payload.endPayload(b));
        return b.sizedByteArray();
    }

    /** Adds a byte column of Batch holding the pattern; a batch's sizes is replaced by it. */
    private static void addColumn(FlatBufferBuilder b, Field field, int pattern) {
        switch (field.name()) {
            case "sizes" -> Batch.addSizes(b, pattern);
            case "dots" -> Batch.addDots(b, pattern);
            case "dot_counts" -> Batch.addDotCounts(b, pattern);
            case "counts" -> Batch.addCounts(b, pattern);
            case "decrements" -> Batch.addDecrements(b, pattern);
            case "timestamps" -> Batch.addTimestamps(b, pattern);
            case "types" -> Batch.addTypes(b, pattern);
            default -> throw new IllegalArgumentException(field.toString());
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
