package dev.hyphae.codec;

import dev.hyphae.ErrorCode;
import dev.hyphae.ProtocolException;
import dev.hyphae.crdt.CausalState;
import dev.hyphae.crdt.Crdt;
import dev.hyphae.crdt.CrdtArbitraries;
import dev.hyphae.data.ReplicaId;
import dev.hyphae.spec.Requirement;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Payloads in session form (specification, "Encoding", section "Session form"): written against an external replica
 * table, without one of their own, and read against the same table. The laws hold for any table that holds the
 * replicas a state names, in any order and with entries it does not name.
 */
class SessionFormProperties {

    /** States of every type; a value of unknown type travels only in the payload that carried it (HY-ENC-053). */
    @Provide
    Arbitrary<CausalState<Crdt>> anyState() {
        return CrdtArbitraries.types().flatMap(CrdtArbitraries::states).filter(s -> !PayloadDecoding.holdsUnknownType(s.store()));
    }

    /** Every replica that {@code state} names, and {@code extra} others, shuffled by {@code seed}. */
    private static List<ReplicaId> tableFor(CausalState<Crdt> state, int extra, long seed) {
        List<ReplicaId> table = new ArrayList<>(Codec.replicas(state));
        for (int i = 0; table.size() < Codec.replicas(state).size() + extra; i++) {
            ReplicaId other = ReplicaId.fromHex(String.format("%032x", 0xE000_0000L + i));
            if (!table.contains(other)) {
                table.add(other);
            }
        }
        Collections.shuffle(table, new Random(seed));
        return table;
    }

    @Property(tries = 500)
    @Requirement({"HY-ENC-055", "HY-ENC-057", "HY-ENC-059"})
    void decodeAgainstTheTableInvertsEncodeAgainstIt(@ForAll("anyState") CausalState<Crdt> state,
            @ForAll("extras") int extra, @ForAll long seed) throws ProtocolException {
        List<ReplicaId> table = tableFor(state, extra, seed);
        byte[] bytes = Codec.encode(state, table);
        Payload decoded = PayloadDecoder.decode(bytes, table);
        assertEquals(state, decoded.state());
        assertEquals(null, hyphae.v1.Payload.getRootAsPayload(java.nio.ByteBuffer.wrap(bytes)).replicasAsByteBuffer(),
                "a payload in session form has no replica table of its own");
    }

    @Provide
    Arbitrary<Integer> extras() {
        return Arbitraries.integers().between(0, 5);
    }

    @Property(tries = 300)
    @Requirement({"HY-ENC-026", "HY-ENC-056"})
    void anIndexPastTheTableIsRefused(@ForAll("anyState") CausalState<Crdt> state, @ForAll("extras") int extra,
            @ForAll long seed) {
        Assume.that(!Codec.replicas(state).isEmpty());
        List<ReplicaId> table = tableFor(state, extra, seed);
        byte[] bytes = Codec.encode(state, table);
        // The receiver's table lacks the last entry that the payload names: that index is past it.
        int last = 0;
        for (ReplicaId named : Codec.replicas(state)) {
            last = Math.max(last, table.indexOf(named));
        }
        List<ReplicaId> shorter = table.subList(0, last);
        ProtocolException refused = assertThrows(ProtocolException.class, () -> PayloadDecoder.decode(bytes, shorter));
        assertEquals(ErrorCode.MALFORMED_DELTA, refused.code());
        assertEquals(ProtocolException.Phase.DECODE, refused.phase().orElseThrow());
        // Outside a session, the same bytes have a table with no entries.
        assertThrows(ProtocolException.class, () -> PayloadDecoder.decode(bytes));
    }

    @Property(tries = 300)
    @Requirement({"HY-ENC-054", "HY-ENC-055", "HY-SESS-069"})
    void aSelfContainedPayloadIgnoresTheExternalTable(@ForAll("anyState") CausalState<Crdt> state, @ForAll("extras") int extra,
            @ForAll long seed) throws ProtocolException {
        byte[] bytes = Codec.encode(state);
        List<ReplicaId> unrelated = new ArrayList<>(tableFor(state, extra, seed));
        unrelated.removeAll(Codec.replicas(state));
        Payload decoded = PayloadDecoder.decode(bytes, unrelated);
        assertEquals(state, decoded.state());
        assertArrayEquals(bytes, Codec.selfContained(bytes, decoded), "kept byte for byte");
    }

    @Property(tries = 1000)
    @Requirement({"HY-ENC-007", "HY-ENC-056"})
    void damagedPayloadsInSessionFormAreRefusedWithACodeOrDecode(@ForAll("anyState") CausalState<Crdt> state, @ForAll("extras") int extra,
            @ForAll long seed) {
        List<ReplicaId> table = tableFor(state, extra, seed);
        byte[] bytes = Codec.encode(state, table);
        Random random = new Random(seed);
        for (int m = 0; m < 1 + random.nextInt(3) && bytes.length > 0; m++) {
            int at = random.nextInt(bytes.length);
            bytes[at] = random.nextBoolean() ? (byte) (bytes[at] ^ (1 << random.nextInt(8))) : (byte) random.nextInt(256);
        }
        // A shorter table too, some of the time: indexes past it are among the damage.
        List<ReplicaId> against = random.nextBoolean() ? table : table.subList(0, random.nextInt(table.size() + 1));
        try {
            Payload decoded = PayloadDecoder.decode(bytes, against);
            // What still decodes is a state that stores with its own table and reads back the same.
            assertEquals(decoded.state(), PayloadDecoder.decode(Codec.selfContained(bytes, decoded)).state());
        } catch (ProtocolException e) {
            assertEquals(ErrorCode.MALFORMED_DELTA, e.code(), e.getMessage());
        } catch (PayloadNotEncodableException e) {
            // Damage can leave a payload that decodes but is too large once it has a table of its own: refused then.
        }
    }

    @Property(tries = 300)
    @Requirement({"HY-ENC-058", "HY-SESS-074"})
    void aPayloadInSessionFormIsStoredWithATableOfItsOwn(@ForAll("anyState") CausalState<Crdt> state, @ForAll("extras") int extra,
            @ForAll long seed) throws ProtocolException {
        List<ReplicaId> table = tableFor(state, extra, seed);
        byte[] bytes = Codec.encode(state, table);
        byte[] stored = Codec.selfContained(bytes, PayloadDecoder.decode(bytes, table));
        assertTrue(hyphae.v1.Payload.getRootAsPayload(java.nio.ByteBuffer.wrap(stored)).replicasAsByteBuffer() != null);
        assertEquals(state, PayloadDecoder.decode(stored).state());
    }
}
