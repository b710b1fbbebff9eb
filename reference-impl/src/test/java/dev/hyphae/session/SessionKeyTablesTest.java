package dev.hyphae.session;

import com.google.flatbuffers.FlatBufferBuilder;
import dev.hyphae.ErrorCode;
import dev.hyphae.ProtocolException;
import dev.hyphae.codec.Codec;
import dev.hyphae.codec.ExternalTables;
import dev.hyphae.codec.KeyRuns;
import dev.hyphae.crdt.CausalState;
import dev.hyphae.crdt.CrdtType;
import dev.hyphae.crdt.LWWRegister;
import dev.hyphae.crdt.ORMap;
import dev.hyphae.crdt.PNCounter;
import dev.hyphae.data.CausalContext;
import dev.hyphae.data.Dot;
import dev.hyphae.data.ReplicaId;
import dev.hyphae.data.Value;
import dev.hyphae.handshake.AccessPolicy.Right;
import dev.hyphae.spec.Requirement;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The session key tables (specification, chapter "Session", section "Session key tables"), driven message by message
 * against a replica on real files: the receiver's key table moves with every valid Delta, whatever becomes of the
 * delta; a key declared twice, or a table past its limits, ends the session; and the sender declares each key once, in
 * the order of its first write, before its payloads name it.
 */
class SessionKeyTablesTest extends ReplicaSessionFixture {

    private static final Value KWH = Value.of("kwh");
    private static final Value VOLTS = Value.of("volts");

    /** The peer opens "plant" on its channel 2; returns the channel this side chose, which the peer's deltas name. */
    private long openPlant(Session s) {
        s.receive(new SessionMessage.Open(2, "plant", Right.WRITE, Right.WRITE, PEER, new TreeMap<>(), null, 0, 8), 0);
        return sent.stream().filter(m -> m instanceof SessionMessage.Open).map(m -> ((SessionMessage.Open) m).channel())
                .findFirst().orElseThrow();
    }

    /** The peer adds {@code amount} to the counter under {@code key}: one dot, (PEER, counter). */
    private static CausalState<ORMap> increment(Value key, long counter, long amount) {
        CausalContext before = counter == 1 ? CausalContext.EMPTY : CausalContext.of(List.of(new Dot(PEER, counter - 1)));
        return ORMap.EMPTY.update(key, CrdtType.PNCOUNTER, (PNCounter c) -> c.increment(before, PEER, amount));
    }

    /** A Delta of the peer's log entry {@code seq}, in session form against these tables, declaring {@code keys}. */
    private static SessionMessage.Delta delta(long channel, long seq, CausalState<ORMap> state, List<ReplicaId> replicas,
                                              List<Value> table, List<ReplicaId> declaredReplicas, List<Value> declaredKeys) {
        return new SessionMessage.Delta(channel, SessionMessage.Kind.INTERVAL, seq - 1, seq,
                Codec.encode(state, new ExternalTables(replicas, table)), declaredReplicas, false, 0, 0, declaredKeys);
    }

    private List<SessionMessage.SessionError> errors() {
        return sent.stream().filter(m -> m instanceof SessionMessage.SessionError).map(m -> (SessionMessage.SessionError) m).toList();
    }

    private BigInteger counter(Value key) {
        return replica.state("plant").store().<PNCounter>get(key, CrdtType.PNCOUNTER).value();
    }

    @Test
    @Requirement({"HY-SESS-092", "HY-SESS-094", "HY-SESS-099", "HY-SESS-100", "HY-SESS-078", "HY-ENC-102", "HY-ENC-103"})
    void theReceiversKeyTableMovesWithEveryValidDeltaWhateverBecomesOfIt() throws Exception {
        Session s = session();
        long channel = openPlant(s);
        // Index 1 of a key table of one: refused as a payload (HY-SESS-022); PEER and "kwh", which it declares, stand.
        s.receive(delta(channel, 1, increment(VOLTS, 1, 5), List.of(PEER), List.of(KWH, VOLTS), List.of(), List.of(KWH)), 0);
        SessionMessage.SessionError refused = errors().get(errors().size() - 1);
        assertEquals(ErrorCode.MALFORMED_DELTA.value(), refused.code());
        assertEquals(1, refused.seq());
        assertFalse(s.ended());

        // "kwh" is index 0 without being declared again; "volts" is declared now, at index 1.
        s.receive(delta(channel, 2, increment(KWH, 2, 3).join(increment(VOLTS, 3, 4)), List.of(PEER), List.of(KWH, VOLTS),
                List.of(), List.of(VOLTS)), 0);
        s.flush();
        assertFalse(s.ended(), String.valueOf(sent));
        assertEquals(BigInteger.valueOf(3), counter(KWH));
        assertEquals(BigInteger.valueOf(4), counter(VOLTS));

        // What was stored names its keys itself: it reads back without the session (HY-SESS-104).
        reopen();
        assertEquals(BigInteger.valueOf(4), counter(VOLTS));
    }

    @Test
    @Requirement("HY-SESS-098")
    void aNewSessionStartsWithAnEmptyKeyTable() throws Exception {
        Session first = session();
        long channel = openPlant(first);
        first.receive(delta(channel, 1, increment(KWH, 1, 1), List.of(PEER), List.of(KWH), List.of(), List.of(KWH)), 0);
        first.flush();
        first.close("done");
        assertEquals(BigInteger.ONE, counter(KWH));

        sent.clear();
        Session second = session();
        channel = openPlant(second);
        // Key index 0 without a declaration: this session's key table of the peer's direction is empty.
        second.receive(delta(channel, 2, increment(KWH, 2, 5), List.of(PEER), List.of(KWH), List.of(), List.of()), 0);
        assertEquals(ErrorCode.MALFORMED_DELTA.value(), errors().get(errors().size() - 1).code());
        assertFalse(second.ended());
    }

    @Test
    @Requirement("HY-SESS-096")
    void aKeyDeclaredTwiceEndsTheSession() throws Exception {
        Session s = session();
        long channel = openPlant(s);
        s.receive(delta(channel, 1, increment(KWH, 1, 1), List.of(PEER), List.of(KWH), List.of(), List.of(KWH)), 0);
        assertFalse(s.ended());
        s.receive(delta(channel, 2, increment(KWH, 2, 1), List.of(PEER), List.of(KWH), List.of(), List.of(KWH)), 0);
        assertTrue(s.ended());
        SessionMessage.SessionError last = errors().get(errors().size() - 1);
        assertEquals(new SessionMessage.SessionError(0, 0, ErrorCode.PROTOCOL_VIOLATION.value(), last.detail()), last);

        // Twice in one declaration, as well.
        sent.clear();
        Session other = session();
        channel = openPlant(other);
        other.receive(delta(channel, 1, increment(KWH, 1, 1), List.of(PEER), List.of(KWH), List.of(), List.of(KWH, KWH)), 0);
        assertTrue(other.ended());
        assertEquals(ErrorCode.PROTOCOL_VIOLATION.value(), errors().get(errors().size() - 1).code());
    }

    private static List<Value> keys(int from, int to) {
        List<Value> keys = new ArrayList<>();
        for (int i = from; i < to; i++) {
            keys.add(Value.of((long) i));
        }
        return keys;
    }

    @Test
    @Requirement({"HY-SESS-097", "HY-SESS-095"})
    void aKeyTableTakenPastItsLimitsEndsTheSession() throws Exception {
        Session s = session();
        long channel = openPlant(s);
        // Exactly MAX_SESSION_KEYS int64 keys are allowed, over two deltas, whose payloads do not matter.
        s.receive(new SessionMessage.Delta(channel, SessionMessage.Kind.INTERVAL, 0, 1, new byte[] {1}, List.of(), false, 0, 0,
                keys(0, 100)), 0);
        s.receive(new SessionMessage.Delta(channel, SessionMessage.Kind.INTERVAL, 1, 2, new byte[] {1}, List.of(), false, 0, 0,
                keys(100, SessionLimits.MAX_SESSION_KEYS)), 0);
        assertFalse(s.ended());
        s.receive(new SessionMessage.Delta(channel, SessionMessage.Kind.INTERVAL, 2, 3, new byte[] {1}, List.of(), false, 0, 0,
                List.of(KWH)), 0);
        assertTrue(s.ended());
        assertEquals(ErrorCode.LIMIT_EXCEEDED.value(), errors().get(errors().size() - 1).code());

        // And MAX_SESSION_KEY_BYTES: four strings of 65,535 bytes take 262,140; a fifth key of 5 bytes is past it.
        sent.clear();
        Session bytes = session();
        channel = openPlant(bytes);
        List<Value> long4 = new ArrayList<>();
        for (char c = 'a'; c < 'e'; c++) {
            long4.add(Value.of(String.valueOf(c).repeat(65_535)));
        }
        bytes.receive(new SessionMessage.Delta(channel, SessionMessage.Kind.INTERVAL, 0, 1, new byte[] {1}, List.of(), false, 0, 0,
                long4), 0);
        bytes.receive(new SessionMessage.Delta(channel, SessionMessage.Kind.INTERVAL, 1, 2, new byte[] {1}, List.of(), false, 0, 0,
                List.of(Value.of("1234"))), 0);
        assertFalse(bytes.ended());
        bytes.receive(new SessionMessage.Delta(channel, SessionMessage.Kind.INTERVAL, 2, 3, new byte[] {1}, List.of(), false, 0, 0,
                List.of(Value.of("x"))), 0);
        assertTrue(bytes.ended());
        assertEquals(ErrorCode.LIMIT_EXCEEDED.value(), errors().get(errors().size() - 1).code());
    }

    @Test
    @Requirement({"HY-SESS-093", "HY-SESS-097", "HY-SESS-105"})
    void aDeclarationThatIsNotKeyRunsOrPastTheLimitsIsRefusedAsItIsRead() {
        // Kind 4 (float64) is no map key's; a run of length 0; a string that is not UTF-8; a field cut inside a key.
        for (byte[] keys : new byte[][] {{4, 1, 0}, {5, 0}, {5, 1, 0, 1, (byte) 0xff}, {5, 2, 0, 1, 'a', 1}}) {
            ProtocolException e = assertThrows(ProtocolException.class, () -> SessionCodec.decode(deltaWithKeys(keys)));
            assertEquals(ErrorCode.MALFORMED_MESSAGE, e.code(), e.getMessage());
        }
        // A run that announces more keys than any table holds is refused before a key is read.
        byte[] announced = {3, (byte) 0x81, (byte) 0x80, 0x01};   // 16,385 int64 keys, none present
        ProtocolException tooMany = assertThrows(ProtocolException.class, () -> SessionCodec.decode(deltaWithKeys(announced)));
        assertEquals(ErrorCode.LIMIT_EXCEEDED, tooMany.code(), tooMany.getMessage());
        // Front coding: a few bytes a key, each key of 65,535 bytes, past MAX_SESSION_KEY_BYTES at the fifth.
        Packed bytes = new Packed();
        bytes.add(5).add(6).add(0).add(65_535);
        byte[] a = new byte[65_535];
        java.util.Arrays.fill(a, (byte) 'a');
        for (int i = 1; i < 6; i++) {
            bytes.add(65_534).add(1).raw((byte) ('a' + i));
        }
        byte[] field = bytes.with(a, 6);
        ProtocolException past = assertThrows(ProtocolException.class, () -> SessionCodec.decode(deltaWithKeys(field)));
        assertEquals(ErrorCode.LIMIT_EXCEEDED, past.code(), past.getMessage());
    }

    /** Varints, for a hand-made {@code keys} field. */
    private static final class Packed {
        private final java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();

        Packed add(long v) {
            while ((v & ~0x7FL) != 0) {
                out.write((int) ((v & 0x7F) | 0x80));
                v >>>= 7;
            }
            out.write((int) v);
            return this;
        }

        Packed raw(byte b) {
            out.write(b);
            return this;
        }

        /** The bytes so far, with {@code inserted} placed after the first {@code at} bytes. */
        byte[] with(byte[] inserted, int at) {
            byte[] all = out.toByteArray();
            byte[] result = new byte[all.length + inserted.length];
            System.arraycopy(all, 0, result, 0, at);
            System.arraycopy(inserted, 0, result, at, inserted.length);
            System.arraycopy(all, at, result, at + inserted.length, all.length - at);
            return result;
        }
    }

    private static byte[] deltaWithKeys(byte[] keys) {
        FlatBufferBuilder b = new FlatBufferBuilder(128);
        int payload = hyphae.v1.Delta.createPayloadVector(b, new byte[] {1});
        int declared = hyphae.v1.Delta.createKeysVector(b, keys);
        int delta = hyphae.v1.Delta.createDelta(b, 1, 3, 0, 1, payload, 0, 0, 0, 0, declared);
        b.finish(hyphae.v1.SessionMessage.createSessionMessage(b, hyphae.v1.Message.Delta, delta), SessionCodec.FILE_IDENTIFIER);
        return b.sizedByteArray();
    }

    @Test
    @Requirement({"HY-SESS-093"})
    void declaredKeysTravelAsTheyAreDeclared() throws ProtocolException {
        List<Value> keys = List.of(Value.of("sensor-0"), Value.of("sensor-1"), Value.of(-7L), Value.of(new byte[] {1, 2}),
                Value.of("sensor-10"), Value.of(""));
        SessionMessage.Delta delta = new SessionMessage.Delta(1, SessionMessage.Kind.STATE, 0, 1, new byte[] {1}, List.of(), false,
                0, 0, keys);
        assertEquals(delta, SessionCodec.decode(SessionCodec.encode(delta)));
        assertEquals(keys, KeyRuns.decode(ByteBuffer.wrap(KeyRuns.encode(keys)), 10, 100));
    }

    @Test
    @Requirement({"HY-SESS-101", "HY-SESS-102", "HY-SESS-103", "HY-ENC-106"})
    void theSenderDeclaresEachKeyOnceInTheOrderOfItsFirstWrite() throws Exception {
        // 200 sensors written in the order of their numbers, before the session: one delta carries them all.
        for (int i = 0; i < 200; i++) {
            Value key = Value.of("sensor-" + i);
            long timestamp = 1_000 + i;
            replica.write("plant", state -> state.store().update(key, CrdtType.LWW_REGISTER,
                    (LWWRegister r) -> r.write(state.context(), replica.replicaId(), Value.of(20.5), timestamp)));
        }
        Session s = session();
        openPlant(s);
        s.flush();
        // The sender's table starts with the replica id of its first Open (HY-SESS-110).
        List<ReplicaId> replicas = new ArrayList<>(List.of(replica.replicaId()));
        List<Value> table = new ArrayList<>();
        Set<Value> declared = new HashSet<>();
        CausalState<ORMap> joined = new CausalState<>(ORMap.EMPTY, CausalContext.EMPTY);
        for (SessionMessage m : sent) {
            if (m instanceof SessionMessage.Delta d) {
                replicas.addAll(d.replicas());
                for (Value key : d.keys()) {
                    assertTrue(declared.add(key), "declared twice: " + key);
                    table.add(key);
                }
                CausalState<?> state = d.compact() ? Codec.decodeCompact(d.payload(), replicas)
                        : Codec.decode(d.payload(), new ExternalTables(replicas, table)).state();
                joined = joined.join(ORMapOf(state));
            }
        }
        assertFalse(s.ended(), String.valueOf(sent));
        List<Value> inWriteOrder = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            inWriteOrder.add(Value.of("sensor-" + i));
        }
        assertEquals(inWriteOrder, table, "each key once, in the order of its first write, not of the keys");
        assertEquals(replica.state("plant").store(), joined.store());
    }

    @SuppressWarnings("unchecked")
    private static CausalState<ORMap> ORMapOf(CausalState<?> state) {
        return (CausalState<ORMap>) state;
    }
}
