package dev.hyphae.codec;

import dev.hyphae.ErrorCode;
import dev.hyphae.ProtocolException;
import dev.hyphae.crdt.CausalState;
import dev.hyphae.crdt.MVRegister;
import dev.hyphae.data.CausalContext;
import dev.hyphae.data.Dot;
import dev.hyphae.data.ReplicaId;
import dev.hyphae.data.Value;
import dev.hyphae.spec.Requirement;
import hyphae.v1.Payload;
import hyphae.v1.Values;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The float64 values of a {@code Values} table are byte planes in {@code float_planes}, bit for bit, and the retired
 * field {@code floats} (id 2) is never written (specification, "Encoding", section "Values").
 */
class FloatPlanesTest {

    private static final ReplicaId A = ReplicaId.fromHex("0a000000000000000000000000000001");
    /** The field as drafts before 1.0-draft.3 declared it; the schema now keeps it only as deprecated. */
    private static final Field RETIRED_FLOATS = Field.vector("Values", "floats", 2, 8);

    @Test
    @Requirement({"HY-ENC-086", "HY-ENC-087", "HY-DATA-011"})
    void planesHoldEachByteOfEachPatternMostSignificantFirst() throws ProtocolException {
        long[] patterns = {0x4035800000000000L, 0x8000000000000000L, 0x7ff0000000000001L, 0xfff8000000000abcL, 1L};
        TreeMap<Dot, Value> entries = new TreeMap<>();
        for (int j = 0; j < patterns.length; j++) {
            entries.put(new Dot(A, j + 1), new Value.Float64(patterns[j]));
        }
        CausalState<MVRegister> state = new CausalState<>(MVRegister.of(entries), CausalContext.of(new ArrayList<>(entries.keySet())));
        byte[] bytes = Codec.encode(state);

        Values values = Payload.getRootAsPayload(ByteBuffer.wrap(bytes)).root().values();
        int n = patterns.length;
        assertEquals(8 * n, values.floatPlanesLength());
        for (int j = 0; j < n; j++) {
            for (int i = 0; i < 8; i++) {
                assertEquals((int) (patterns[j] >>> (56 - 8 * i)) & 0xFF, values.floatPlanes(i * n + j), "byte " + i + " of value " + j);
            }
        }
        // Down the uoffsets from the root to the Values table, whose vtable must have no entry for the retired field.
        ByteBuffer le = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        BufferVerifier fields = new BufferVerifier(le, ErrorCode.MALFORMED_DELTA);
        int root = le.getInt(0);
        int batch = target(le, fields.field(root, Schema.Payload.ROOT));
        int valuesTable = target(le, fields.field(batch, Schema.Batch.VALUES));
        assertEquals(0, fields.field(valuesTable, RETIRED_FLOATS), "floats is not written");
        assertEquals(state, Codec.decode(bytes).state(), "every pattern comes back, NaN payloads and -0.0 included");
    }

    private static int target(ByteBuffer buffer, int uoffset) {
        return uoffset + buffer.getInt(uoffset);
    }
}
