package dev.hyphae.session;

import dev.hyphae.ErrorCode;
import dev.hyphae.codec.Codec;
import dev.hyphae.crdt.CausalState;
import dev.hyphae.crdt.CrdtType;
import dev.hyphae.crdt.ORMap;
import dev.hyphae.crdt.PNCounter;
import dev.hyphae.data.CausalContext;
import dev.hyphae.data.Dot;
import dev.hyphae.data.ReplicaId;
import dev.hyphae.data.Value;
import dev.hyphae.handshake.AccessPolicy;
import dev.hyphae.handshake.AccessPolicy.Right;
import dev.hyphae.handshake.TrustStore;
import dev.hyphae.spec.Requirement;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The session replica tables (specification, chapter "Session", section "Session replica tables"), driven message by
 * message against a replica on real files: each table starts with the replica id of its sender's first Open, the
 * receiver's table moves with every valid Delta, whatever becomes of the delta, and the sender declares each other
 * replica once, before its payloads name it.
 */
class SessionTablesTest extends ReplicaSessionFixture {

    private static final ReplicaId OTHER = ReplicaId.fromHex("0000000000000000000000000000beef");
    private static final ReplicaId THIRD = ReplicaId.fromHex("0000000000000000000000000000cafe");
    private static final ReplicaId FOURTH = ReplicaId.fromHex("0000000000000000000000000000f00d");

    final java.util.Map<String, Long> peerChannels = new java.util.HashMap<>();

    private Session session(AccessPolicy policy) {
        return session(policy, OPTIONS);
    }

    /** The peer's Open of {@code document} on its {@code channel}, remembered so that this side's answer can be found. */
    private SessionMessage.Open open(long channel, String document) {
        peerChannels.put(document, channel);
        return new SessionMessage.Open(channel, document, Right.WRITE, Right.WRITE, PEER, new TreeMap<>(), null, 0, 8);
    }

    /** The peer's replica {@code by} adds {@code amount} to the counter "kwh": one dot, (by, 1). */
    private static CausalState<ORMap> increment(ReplicaId by, long amount) {
        return ORMap.EMPTY.update(Value.of("kwh"), CrdtType.PNCOUNTER,
                (PNCounter c) -> c.increment(CausalContext.of(List.<Dot>of()), by, amount));
    }

    /** The channel this side named {@code document} with: in its own Open, or in its answer to the peer's (HY-SESS-090). */
    private long channelOf(String document) {
        Long peers = peerChannels.get(document);
        return sent.stream().filter(m -> m instanceof SessionMessage.Open o
                        && (document.equals(o.document()) || peers != null && o.answers() == peers))
                .map(m -> ((SessionMessage.Open) m).channel()).findFirst().orElseThrow();
    }

    private List<SessionMessage.SessionError> errors() {
        return sent.stream().filter(m -> m instanceof SessionMessage.SessionError).map(m -> (SessionMessage.SessionError) m).toList();
    }

    private BigInteger kwh(String document) {
        return replica.state(document).store().<PNCounter>get(Value.of("kwh"), CrdtType.PNCOUNTER).value();
    }

    @Test
    @Requirement({"HY-SESS-062", "HY-SESS-063", "HY-SESS-064", "HY-SESS-069", "HY-SESS-070", "HY-SESS-078", "HY-SESS-110",
            "HY-ENC-055", "HY-ENC-056"})
    void theReceiversTableMovesWithEveryValidDeltaWhateverBecomesOfIt() throws Exception {
        AccessPolicy policy = new AccessPolicy();
        policy.grant(PEER_KEY, "read-only", Right.READ);
        policy.grant(PEER_KEY, "plant", Right.WRITE);
        policy.grant(PEER_KEY, "closed", Right.WRITE);
        // A document that the peer may only read is opened only if this replica holds it (HY-SESS-060).
        replica.write("read-only", state -> state.store().update(Value.of("kwh"), CrdtType.PNCOUNTER,
                (PNCounter c) -> c.increment(state.context(), replica.replicaId(), 1)));
        Session s = session(policy);
        s.receive(open(1, "read-only"), 0);
        s.receive(open(2, "plant"), 0);
        s.receive(open(3, "closed"), 0);

        // PEER, the replica of the peer's Opens, is entry 0 of the table from the first of them on. Refused for the
        // sender's rights: its declaration of OTHER stands all the same.
        s.receive(new SessionMessage.Delta(channelOf("read-only"), SessionMessage.Kind.STATE, 0, 1,
                Codec.encode(increment(OTHER, 1), List.of(PEER, OTHER)), List.of(OTHER)), 0);
        assertEquals(ErrorCode.ACCESS_DENIED.value(), errors().get(errors().size() - 1).code());

        // Refused for its payload, which names index 3 of a table of three: THIRD, which it declares, stands.
        s.receive(new SessionMessage.Delta(channelOf("plant"), SessionMessage.Kind.INTERVAL, 0, 1,
                Codec.encode(increment(FOURTH, 1), List.of(PEER, OTHER, THIRD, FOURTH)), List.of(THIRD)), 0);
        SessionMessage.SessionError refused = errors().get(errors().size() - 1);
        assertEquals(ErrorCode.MALFORMED_DELTA.value(), refused.code());
        assertEquals(1, refused.seq());

        // On a channel that this side has closed (the peer refused the document): ignored, and FOURTH stands.
        long closed = channelOf("closed");
        s.receive(new SessionMessage.SessionError(closed, 0, ErrorCode.ACCESS_DENIED.value(), "no"), 0);
        s.receive(new SessionMessage.Delta(closed, SessionMessage.Kind.STATE, 0, 1,
                Codec.encode(increment(FOURTH, 1), List.of(PEER, OTHER, THIRD, FOURTH)), List.of(FOURTH)), 0);

        // Each of the four is now in the table, at the index of its Open or its declaration: none is declared again.
        s.receive(new SessionMessage.Delta(channelOf("plant"), SessionMessage.Kind.INTERVAL, 1, 2,
                Codec.encode(increment(PEER, 2).join(increment(OTHER, 3)).join(increment(THIRD, 4)), List.of(PEER, OTHER, THIRD, FOURTH))), 0);
        s.flush();
        assertFalse(s.ended(), String.valueOf(sent));
        assertEquals(BigInteger.valueOf(9), kwh("plant"));
        assertTrue(sent.contains(new SessionMessage.Ack(2, 2)), String.valueOf(sent));
    }

    @Test
    @Requirement({"HY-SESS-065", "HY-SESS-110"})
    void aNewSessionStartsWithEmptyTables() throws Exception {
        AccessPolicy policy = grant(Right.WRITE);
        Session first = session(policy);
        first.receive(open(2, "plant"), 0);
        first.receive(new SessionMessage.Delta(channelOf("plant"), SessionMessage.Kind.INTERVAL, 0, 1,
                Codec.encode(increment(OTHER, 1), List.of(PEER, OTHER)), List.of(OTHER)), 0);
        first.flush();
        first.close("done");
        assertEquals(BigInteger.ONE, kwh("plant"));

        sent.clear();
        Session second = session(policy);
        second.receive(open(5, "plant"), 0);
        // Index 1 named without a declaration: this session's table of the peer's direction holds only PEER, from its
        // Open; OTHER, declared in the first session, is not in it.
        second.receive(new SessionMessage.Delta(channelOf("plant"), SessionMessage.Kind.INTERVAL, 1, 2,
                Codec.encode(increment(OTHER, 5), List.of(PEER, OTHER))), 0);
        assertEquals(ErrorCode.MALFORMED_DELTA.value(), errors().get(errors().size() - 1).code());
        assertFalse(second.ended());
        // And this side's own id is entry 0 of its table again, from its Open: no Delta declares it.
        replica.write("plant", state -> state.store().update(Value.of("kwh"), CrdtType.PNCOUNTER,
                (PNCounter c) -> c.increment(state.context(), replica.replicaId(), 1)));
        assertTrue(sent.stream().anyMatch(m -> m instanceof SessionMessage.Delta), String.valueOf(sent));
        assertTrue(sent.stream().noneMatch(m -> m instanceof SessionMessage.Delta d && d.replicas().contains(replica.replicaId())),
                String.valueOf(sent));
    }

    @Test
    @Requirement({"HY-VER-017", "HY-SESS-073"})
    void aPayloadForwardedAsReceivedKeepsItsOwnTable() throws Exception {
        byte[] secondKey = new byte[32];
        secondKey[0] = 10;
        ReplicaId second = ReplicaId.fromHex("0000000000000000000000000000d00d");
        AccessPolicy policy = grant(Right.WRITE)
                .grant(secondKey, AccessPolicy.EVERY_DOCUMENT, Right.WRITE);
        Session first = session(policy);
        List<SessionMessage> toSecond = new ArrayList<>();
        Session other = replica.newSession(new TrustStore.Identity(secondKey, null, null), policy, OPTIONS, new Session.Outbox() {
            @Override
            public void send(SessionMessage message) {
                toSecond.add(message);
            }

            @Override
            public void end() {
            }
        });
        first.receive(open(2, "plant"), 0);
        other.receive(new SessionMessage.Open(4, "plant", Right.WRITE, Right.WRITE, second, new TreeMap<>(), null, 0, 8), 0);
        // The first peer's write, self-contained, reaches the replica, which forwards it to the second peer once durable.
        byte[] asSent = Codec.encode(increment(PEER, 7));
        first.receive(new SessionMessage.Delta(channelOf("plant"), SessionMessage.Kind.INTERVAL, 0, 1, asSent), 0);
        first.flush();
        SessionMessage.Delta forwarded = toSecond.stream().filter(m -> m instanceof SessionMessage.Delta).map(m -> (SessionMessage.Delta) m)
                .reduce((a, b) -> b).orElseThrow(() -> new AssertionError("nothing forwarded: " + toSecond));
        assertEquals(SessionMessage.Kind.INTERVAL, forwarded.kind());
        assertTrue(java.util.Arrays.equals(asSent, forwarded.payload()), "forwarded byte for byte: " + forwarded);
        assertTrue(forwarded.replicas().isEmpty());
    }

    @Test
    @Requirement("HY-SESS-067")
    void anIdDeclaredTwiceEndsTheSession() throws Exception {
        AccessPolicy policy = grant(Right.WRITE);
        Session s = session(policy);
        s.receive(open(2, "plant"), 0);
        long channel = channelOf("plant");
        s.receive(new SessionMessage.Delta(channel, SessionMessage.Kind.INTERVAL, 0, 1,
                Codec.encode(increment(OTHER, 1), List.of(PEER, OTHER)), List.of(OTHER)), 0);
        assertFalse(s.ended());
        s.receive(new SessionMessage.Delta(channel, SessionMessage.Kind.INTERVAL, 1, 2,
                Codec.encode(increment(OTHER, 1), List.of(PEER, OTHER)), List.of(OTHER)), 0);
        assertTrue(s.ended());
        assertEquals(new SessionMessage.SessionError(0, 0, ErrorCode.PROTOCOL_VIOLATION.value(), errors().get(errors().size() - 1).detail()),
                errors().get(errors().size() - 1));
    }

    @Test
    @Requirement({"HY-SESS-110", "HY-SESS-067"})
    void declaringTheReplicaOfTheSendersOpenEndsTheSession() throws Exception {
        AccessPolicy policy = grant(Right.WRITE);
        Session s = session(policy);
        s.receive(open(2, "plant"), 0);
        s.receive(new SessionMessage.Delta(channelOf("plant"), SessionMessage.Kind.INTERVAL, 0, 1,
                Codec.encode(increment(PEER, 1), List.of(PEER)), List.of(PEER)), 0);
        assertTrue(s.ended());
        assertEquals(ErrorCode.PROTOCOL_VIOLATION.value(), errors().get(errors().size() - 1).code());
    }

    @Test
    @Requirement("HY-SESS-068")
    void aTableTakenPastItsLimitEndsTheSession() throws Exception {
        AccessPolicy policy = grant(Right.WRITE);
        Session s = session(policy);
        s.receive(open(2, "plant"), 0);
        long channel = channelOf("plant");
        List<ReplicaId> many = new ArrayList<>();
        // PEER, from its Open, is one entry already.
        for (int i = 1; i < SessionLimits.MAX_SESSION_REPLICAS; i++) {
            many.add(ReplicaId.fromHex(String.format("%032x", 0x10_0000L + i)));
        }
        // Exactly the limit is allowed, spread over two deltas (and refused payloads do not matter).
        s.receive(new SessionMessage.Delta(channel, SessionMessage.Kind.INTERVAL, 0, 1, new byte[] {1},
                many.subList(0, 100)), 0);
        s.receive(new SessionMessage.Delta(channel, SessionMessage.Kind.INTERVAL, 1, 2, new byte[] {1},
                many.subList(100, many.size())), 0);
        assertFalse(s.ended());
        s.receive(new SessionMessage.Delta(channel, SessionMessage.Kind.INTERVAL, 2, 3, new byte[] {1}, List.of(OTHER)), 0);
        assertTrue(s.ended());
        assertEquals(ErrorCode.LIMIT_EXCEEDED.value(), errors().get(errors().size() - 1).code());
    }

    @Test
    @Requirement({"HY-SESS-071", "HY-SESS-072", "HY-SESS-073", "HY-SESS-110", "HY-ENC-054"})
    void theSenderDeclaresEachReplicaOnceBeforeItsPayloadsNameIt() throws Exception {
        AccessPolicy policy = grant(Right.WRITE);
        Session s = session(policy);
        s.receive(open(2, "plant"), 0);
        s.receive(new SessionMessage.Delta(channelOf("plant"), SessionMessage.Kind.INTERVAL, 0, 1,
                Codec.encode(increment(PEER, 1), List.of(PEER))), 0);
        s.flush();
        for (int i = 0; i < 20; i++) {
            replica.write("plant", state -> state.store().update(Value.of("kwh"), CrdtType.PNCOUNTER,
                    (PNCounter c) -> c.increment(state.context(), replica.replicaId(), 1)));
            sent.stream().filter(m -> m instanceof SessionMessage.Delta).reduce((a, b) -> b).ifPresent(
                    last -> s.receive(new SessionMessage.Ack(channelOf("plant"), ((SessionMessage.Delta) last).toSeq()), 0));
        }
        // Replay what the peer receives: the table starts with this side's replica id, from its Open; every
        // declaration is new, and every payload reads against the table so far.
        List<ReplicaId> table = new ArrayList<>(List.of(replica.replicaId()));
        Set<ReplicaId> declared = new HashSet<>();
        CausalState<ORMap> joined = new CausalState<>(ORMap.EMPTY, CausalContext.EMPTY);
        int deltas = 0;
        int compact = 0;
        for (SessionMessage m : sent) {
            if (m instanceof SessionMessage.Delta d) {
                deltas++;
                for (ReplicaId id : d.replicas()) {
                    assertTrue(declared.add(id), "declared twice: " + id);
                    table.add(id);
                }
                if (d.compact()) {
                    compact++;
                    joined = joined.join(asMap(Codec.decodeCompact(d.payload(), table)));
                } else {
                    assertEquals(null, hyphae.v1.Payload.getRootAsPayload(java.nio.ByteBuffer.wrap(d.payload())).replicasAsByteBuffer(),
                            "in session form: " + d);
                    joined = joined.join(asMap(Codec.decode(d.payload(), table).state()));
                }
            }
        }
        assertFalse(s.ended(), String.valueOf(sent));
        assertTrue(deltas >= 20, String.valueOf(sent));
        // One increment is far smaller in the compact form (HY-ENC-079).
        assertEquals(deltas, compact, String.valueOf(sent));
        // This side's writes name only its own id, entry 0 of its table from its Open: nothing is declared.
        assertEquals(Set.of(), declared, "its own id is not declared");
        assertEquals(BigInteger.valueOf(20), joined.store().<PNCounter>get(Value.of("kwh"), CrdtType.PNCOUNTER).value());
    }

    @Test
    @Requirement({"HY-SESS-076", "HY-SESS-074", "HY-ENC-080"})
    void aDeltaInTheCompactFormIsReadAgainstTheTableAndStoredWithATableOfItsOwn() throws Exception {
        AccessPolicy policy = grant(Right.WRITE);
        Session s = session(policy);
        s.receive(open(2, "plant"), 0);
        long channel = channelOf("plant");

        // Index 2 of a table of two: refused as a payload (HY-SESS-022), and OTHER, which it declares, stands beside
        // PEER, entry 0 from the peer's Open.
        s.receive(new SessionMessage.Delta(channel, SessionMessage.Kind.INTERVAL, 0, 1,
                Codec.encodeCompact(increment(THIRD, 1), List.of(PEER, OTHER, THIRD)).orElseThrow(), List.of(OTHER), true), 0);
        SessionMessage.SessionError refused = errors().get(errors().size() - 1);
        assertEquals(ErrorCode.MALFORMED_DELTA.value(), refused.code());
        assertEquals(1, refused.seq());

        // PEER is index 0 and OTHER index 1, neither declared again.
        s.receive(new SessionMessage.Delta(channel, SessionMessage.Kind.INTERVAL, 1, 2,
                Codec.encodeCompact(increment(PEER, 2).join(increment(OTHER, 3)), List.of(PEER, OTHER)).orElseThrow(),
                List.of(), true), 0);
        s.flush();
        assertFalse(s.ended(), String.valueOf(sent));
        assertEquals(BigInteger.valueOf(5), kwh("plant"));
        assertTrue(sent.contains(new SessionMessage.Ack(2, 2)), String.valueOf(sent));

        // What was stored reads back without the session's table.
        reopen();
        assertEquals(BigInteger.valueOf(5), kwh("plant"));
    }

    @SuppressWarnings("unchecked")
    private static CausalState<ORMap> asMap(CausalState<?> state) {
        return (CausalState<ORMap>) state;
    }
}
