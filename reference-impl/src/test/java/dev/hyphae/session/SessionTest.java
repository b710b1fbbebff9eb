package dev.hyphae.session;

import dev.hyphae.ErrorCode;
import dev.hyphae.codec.Codec;
import dev.hyphae.crdt.CausalState;
import dev.hyphae.crdt.CrdtType;
import dev.hyphae.crdt.GCounter;
import dev.hyphae.crdt.ORMap;
import dev.hyphae.crdt.PNCounter;
import dev.hyphae.data.CausalContext;
import dev.hyphae.data.ReplicaId;
import dev.hyphae.data.Value;
import dev.hyphae.handshake.AccessPolicy;
import dev.hyphae.handshake.AccessPolicy.Right;
import dev.hyphae.handshake.TrustStore;
import dev.hyphae.spec.Requirement;
import dev.hyphae.sync.Replica;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One session, driven message by message as a peer would drive it, against a replica on real files: the rules of
 * the session and sync chapters that a single exchange can show.
 */
class SessionTest {

    private static final byte[] PEER_KEY = new byte[32];
    private static final ReplicaId PEER = ReplicaId.fromHex("0000000000000000000000000000abcd");
    private static final Session.Options OPTIONS = new Session.Options(2, 15_000, 60_000, 4);

    @TempDir
    Path dir;
    Replica replica;
    List<SessionMessage> sent;
    boolean[] ended;

    @BeforeEach
    void open() throws IOException {
        PEER_KEY[0] = 7;
        replica = Replica.open(dir.resolve("r"), new SecureRandom());
        sent = new ArrayList<>();
        ended = new boolean[1];
    }

    @AfterEach
    void close() throws IOException {
        replica.close();
    }

    private Session session(AccessPolicy.Right right) {
        AccessPolicy policy = new AccessPolicy();
        if (right != null) {
            policy.grant(PEER_KEY, AccessPolicy.EVERY_DOCUMENT, right);
        }
        return replica.newSession(new TrustStore.Identity(PEER_KEY, null, null), policy, OPTIONS, new Session.Outbox() {
            @Override
            public void send(SessionMessage message) {
                sent.add(message);
            }

            @Override
            public void end() {
                ended[0] = true;
            }
        });
    }

    private static SessionMessage.Open open(long channel, String document) {
        return new SessionMessage.Open(channel, document, Right.WRITE, Right.WRITE, PEER, new TreeMap<>(), null, 0, 8);
    }

    private static byte[] increment(long seq, long amount) {
        CausalState<ORMap> delta = ORMap.EMPTY.update(Value.of("kwh"), CrdtType.PNCOUNTER,
                (PNCounter c) -> c.increment(CausalContext.of(seq > 1 ? List.of(new dev.hyphae.data.Dot(PEER, seq - 1)) : List.of()), PEER, amount));
        return Codec.encode(delta);
    }

    private SessionMessage.Open theirOpen() {
        return (SessionMessage.Open) sent.stream().filter(m -> m instanceof SessionMessage.Open).findFirst().orElseThrow();
    }

    /** This side's channel of the document that the peer opened on its channel {@code answers}. */
    private long answering(long answers) {
        return sent.stream().filter(m -> m instanceof SessionMessage.Open o && o.answers() == answers)
                .mapToLong(m -> ((SessionMessage.Open) m).channel()).findFirst().orElseThrow();
    }

    private SessionMessage.Ack lastAck() {
        for (int i = sent.size() - 1; i >= 0; i--) {
            if (sent.get(i) instanceof SessionMessage.Ack a) {
                return a;
            }
        }
        throw new AssertionError("no Ack sent: " + sent);
    }

    private SessionMessage.SessionError lastError() {
        for (int i = sent.size() - 1; i >= 0; i--) {
            if (sent.get(i) instanceof SessionMessage.SessionError e) {
                return e;
            }
        }
        throw new AssertionError("no error sent: " + sent);
    }

    /**
     * A Close of a document closes that document alone whatever its code, of session scope as much as of delta scope
     * or of private use: the registry's scope binds refusals, not a Close, which only says why (HY-REG-004).
     */
    @Test
    @Requirement({"HY-REG-004", "HY-SESS-054"})
    void aCloseOfADocumentClosesItAloneWhateverTheScopeOfItsCode() throws Exception {
        AccessPolicy policy = new AccessPolicy().grant(PEER_KEY, AccessPolicy.EVERY_DOCUMENT, AccessPolicy.Right.WRITE);
        Session s = replica.newSession(new TrustStore.Identity(PEER_KEY, null, null), policy,
                new Session.Options(2, 15_000, 60_000, 64), new Session.Outbox() {
                    @Override
                    public void send(SessionMessage message) {
                        sent.add(message);
                    }

                    @Override
                    public void end() {
                        ended[0] = true;
                    }
                });
        List<Integer> codes = new ArrayList<>();
        for (ErrorCode code : ErrorCode.values()) {
            codes.add(code.value());
        }
        codes.add(ErrorCode.FIRST_PRIVATE_USE + 1);
        s.receive(open(1, "plant"), 0);
        for (int i = 0; i < codes.size(); i++) {
            s.receive(open(10 + i, "doc-" + i), 0);
        }
        for (int i = 0; i < codes.size(); i++) {
            long local = answering(10 + i);
            s.receive(new SessionMessage.Close(local, codes.get(i), "closing one document"), 0);
            assertFalse(s.ended() || ended[0], "a Close of a document with code " + codes.get(i) + " ended the session");
        }
        long plant = answering(1);
        sent.clear();
        s.receive(new SessionMessage.Delta(plant, SessionMessage.Kind.INTERVAL, 0, 1, increment(1, 5)), 0);
        s.flush();
        assertEquals(new SessionMessage.Ack(1, 1), lastAck(), "the session's other documents carry on");
        assertTrue(s.idle("doc-0"), "a closed document has nothing left to do");
    }

    @Test
    @Requirement({"HY-SESS-028", "HY-SESS-034", "HY-SYNC-020", "HY-SYNC-021", "HY-SYNC-022", "HY-SYNC-023"})
    void anOpenIsAnsweredAndAnAcceptedDeltaIsAcknowledgedAfterTheFlush() throws Exception {
        Session s = session(AccessPolicy.Right.WRITE);
        s.receive(open(9, "plant"), 0);
        SessionMessage.Open reply = theirOpen();
        assertEquals(9, reply.answers());
        assertEquals(Right.WRITE, reply.granted());
        s.receive(new SessionMessage.Delta(reply.channel(), SessionMessage.Kind.INTERVAL, 0, 1, increment(1, 5)), 0);
        assertTrue(sent.stream().noneMatch(m -> m instanceof SessionMessage.Ack), "no Ack before the flush");
        s.flush();
        assertEquals(new SessionMessage.Ack(9, 1), lastAck());
        assertEquals(java.math.BigInteger.valueOf(5),
                replica.state("plant").store().<PNCounter>get(Value.of("kwh"), CrdtType.PNCOUNTER).value());
    }

    @Test
    @Requirement({"HY-SESS-029", "HY-SESS-030", "HY-SESS-036"})
    void anOpenFromAPeerWithoutRightsIsRefusedAndRevealsNothing() throws Exception {
        replica.write("secret", state -> state.store().update(Value.of("kwh"), CrdtType.GCOUNTER,
                (GCounter c) -> c.increment(state.context(), replica.replicaId(), 1)));
        Session s = session(null);
        s.receive(open(3, "secret"), 0);
        s.receive(open(4, "no-such-document"), 0);
        assertEquals(List.of(
                new SessionMessage.SessionError(3, 0, ErrorCode.ACCESS_DENIED.value(), "no access to this document"),
                new SessionMessage.SessionError(4, 0, ErrorCode.ACCESS_DENIED.value(), "no access to this document")), sent);
        assertFalse(replica.documents().contains("no-such-document"));
    }

    @Test
    @Requirement({"HY-SESS-038", "HY-SYNC-025"})
    void aDeltaFromAReaderIsRefusedChangesNothingAndMovesNoPosition() throws Exception {
        write();
        Session s = session(AccessPolicy.Right.READ);
        s.receive(open(9, "plant"), 0);
        long channel = theirOpen().channel();
        assertEquals(Right.READ, theirOpen().granted());
        s.receive(new SessionMessage.Delta(channel, SessionMessage.Kind.INTERVAL, 0, 1, increment(1, 5)), 0);
        assertEquals(new SessionMessage.SessionError(9, 1, ErrorCode.ACCESS_DENIED.value(), "no right to write this document"), lastError());
        assertEquals(java.math.BigInteger.ONE, replica.state("plant").store().<GCounter>get(Value.of("kwh"), CrdtType.GCOUNTER).value());
        assertTrue(replica.state("plant").store().<PNCounter>get(Value.of("kwh"), CrdtType.PNCOUNTER).isEmpty());
        s.flush();
        assertTrue(sent.stream().noneMatch(m -> m instanceof SessionMessage.Ack), "a reader moves no position: " + sent);
        assertFalse(s.ended());
    }

    @Test
    @Requirement({"HY-SESS-022", "HY-SYNC-025"})
    void aMalformedPayloadRefusesOnlyItsDeltaAndTheNextIntervalFollowsOn() throws Exception {
        Session s = session(AccessPolicy.Right.WRITE);
        s.receive(open(9, "plant"), 0);
        long channel = theirOpen().channel();
        s.receive(new SessionMessage.Delta(channel, SessionMessage.Kind.INTERVAL, 0, 1, new byte[] {1, 2, 3}), 0);
        assertEquals(ErrorCode.MALFORMED_DELTA.value(), lastError().code());
        assertEquals(1, lastError().seq());
        s.receive(new SessionMessage.Delta(channel, SessionMessage.Kind.INTERVAL, 1, 2, increment(2, 4)), 0);
        s.flush();
        assertFalse(s.ended());
        assertEquals(new SessionMessage.Ack(9, 2), lastAck());
    }

    @Test
    @Requirement("HY-SYNC-019")
    void aPayloadWhoseRootIsNotAMapIsRefused() throws Exception {
        Session s = session(AccessPolicy.Right.WRITE);
        s.receive(open(9, "plant"), 0);
        byte[] counter = Codec.encode(GCounter.EMPTY.increment(CausalContext.EMPTY, PEER, 1));
        s.receive(new SessionMessage.Delta(theirOpen().channel(), SessionMessage.Kind.STATE, 0, 1, counter), 0);
        assertEquals(ErrorCode.MALFORMED_DELTA.value(), lastError().code());
        assertFalse(s.ended());
    }

    @Test
    @Requirement("HY-SYNC-008")
    void anIntervalThatSkipsEntriesEndsTheSession() throws Exception {
        Session s = session(AccessPolicy.Right.WRITE);
        s.receive(open(9, "plant"), 0);
        s.receive(new SessionMessage.Delta(theirOpen().channel(), SessionMessage.Kind.INTERVAL, 3, 4, increment(4, 1)), 0);
        assertEquals(new SessionMessage.SessionError(0, 0, ErrorCode.PROTOCOL_VIOLATION.value(), lastError().detail()), lastError());
        assertTrue(s.ended());
        assertTrue(ended[0]);
        assertTrue(replica.state("plant").isEmptyDelta());
    }

    /**
     * A Delta whose to_seq does not pass that of the Delta before it on its channel ends the session with
     * PROTOCOL_VIOLATION (HY-SESS-161): a state sent again with its to_seq, after its acknowledgement; an interval that
     * ends below the state before it; and a delta that follows one refused for its payload with the same to_seq, since
     * a refused delta was received all the same. In each case the offending delta is not joined.
     */
    @Test
    @Requirement("HY-SESS-161")
    void aDeltaWhoseToSeqDoesNotPassTheOneBeforeItOnItsChannelEndsTheSession() throws Exception {
        byte[] damaged = {1, 2, 3, 4, 5, 6, 7, 8};
        List<List<SessionMessage.Delta>> cases = List.of(
                List.of(delta(SessionMessage.Kind.STATE, 0, 1, increment(1, 5)), delta(SessionMessage.Kind.STATE, 0, 1, increment(2, 7))),
                List.of(delta(SessionMessage.Kind.STATE, 0, 3, increment(1, 5)), delta(SessionMessage.Kind.INTERVAL, 1, 2, increment(2, 7))),
                List.of(delta(SessionMessage.Kind.INTERVAL, 0, 1, damaged), delta(SessionMessage.Kind.INTERVAL, 0, 1, increment(1, 7))));
        for (int k = 0; k < cases.size(); k++) {
            String document = "plant-" + k;
            sent.clear();
            Session s = session(AccessPolicy.Right.WRITE);
            s.receive(open(9, document), 0);
            long channel = theirOpen().channel();
            SessionMessage.Delta first = cases.get(k).get(0);
            SessionMessage.Delta second = cases.get(k).get(1);
            s.receive(withChannel(first, channel), 0);
            s.flush();
            assertFalse(s.ended(), "the first delta is taken: " + sent);
            CausalState<?> before = replica.state(document);
            s.receive(withChannel(second, channel), 0);
            assertEquals(new SessionMessage.SessionError(0, 0, ErrorCode.PROTOCOL_VIOLATION.value(), lastError().detail()), lastError(),
                    first + " then " + second);
            assertTrue(s.ended());
            assertEquals(before, replica.state(document), "the second delta is not joined");
        }
    }

    /**
     * The order of to_seq is checked before the window (HY-SESS-078): with a window of 2, a third delta that repeats the
     * second's to_seq, which would also overrun the window, ends the session with PROTOCOL_VIOLATION, the fault that
     * the sender made first, not with LIMIT_EXCEEDED.
     */
    @Test
    @Requirement({"HY-SESS-078", "HY-SESS-161"})
    void theOrderOfToSeqIsCheckedBeforeTheWindow() throws Exception {
        Session s = session(AccessPolicy.Right.WRITE);
        s.receive(open(9, "plant"), 0);
        long channel = theirOpen().channel();
        s.receive(new SessionMessage.Delta(channel, SessionMessage.Kind.INTERVAL, 0, 1, increment(1, 1)), 0);
        s.receive(new SessionMessage.Delta(channel, SessionMessage.Kind.INTERVAL, 1, 2, increment(2, 1)), 0);
        s.receive(new SessionMessage.Delta(channel, SessionMessage.Kind.INTERVAL, 1, 2, increment(2, 1)), 0);
        assertEquals(ErrorCode.PROTOCOL_VIOLATION.value(), lastError().code(), sent.toString());
        assertTrue(s.ended());
    }

    /**
     * The order binds each channel alone: a document closed and opened again has new channel numbers, and the first
     * delta on the new channel may end below the last one on the old, as a sender that resumes from an earlier position
     * sends it. It is taken, and acknowledged with what this side holds.
     */
    @Test
    @Requirement("HY-SESS-161")
    void aDocumentOpenedAgainStartsTheOrderOfItsDeltasAfresh() throws Exception {
        Session s = session(AccessPolicy.Right.WRITE);
        s.receive(open(9, "plant"), 0);
        long old = theirOpen().channel();
        s.receive(new SessionMessage.Delta(old, SessionMessage.Kind.STATE, 0, 3, increment(1, 5)), 0);
        s.flush();
        assertEquals(new SessionMessage.Ack(9, 3), lastAck());
        s.receive(new SessionMessage.Close(old, ErrorCode.NO_ERROR.value(), "done"), 0);
        s.receive(open(10, "plant"), 0);
        long renewed = answering(10);
        s.receive(new SessionMessage.Delta(renewed, SessionMessage.Kind.INTERVAL, 1, 2, increment(2, 7)), 0);
        s.flush();
        assertFalse(s.ended(), sent.toString());
        assertEquals(new SessionMessage.Ack(10, 3), lastAck());
    }

    private static SessionMessage.Delta delta(SessionMessage.Kind kind, long from, long to, byte[] payload) {
        return new SessionMessage.Delta(1, kind, from, to, payload);
    }

    private static SessionMessage.Delta withChannel(SessionMessage.Delta d, long channel) {
        return new SessionMessage.Delta(channel, d.kind(), d.fromSeq(), d.toSeq(), d.payload());
    }

    /**
     * A replica that holds more documents that the peer may read than a session holds opens of its own accord only
     * half of the session's documents (2 of 4 here), so that the peer's own Opens find room; the documents it holds
     * beyond its half wait for the peer to open them, and a change to one of them opens nothing either. The session ends
     * only when an Open would take it past its documents.
     */
    @Test
    @Requirement({"HY-SESS-155", "HY-SESS-033"})
    void aSideOpensOfItsOwnAccordOnlyHalfOfTheSessionsDocuments() throws Exception {
        for (int k = 0; k < 6; k++) {
            replica.write("doc-" + k, state -> state.store().update(Value.of("kwh"), CrdtType.GCOUNTER,
                    (GCounter c) -> c.increment(state.context(), replica.replicaId(), 1)));
        }
        Session s = session(AccessPolicy.Right.WRITE);
        s.start(0, List.of());
        assertEquals(List.of("doc-0", "doc-1"), sent.stream().filter(m -> m instanceof SessionMessage.Open)
                .map(m -> ((SessionMessage.Open) m).document()).toList());
        replica.write("doc-2", state -> state.store().update(Value.of("kwh"), CrdtType.GCOUNTER,
                (GCounter c) -> c.increment(state.context(), replica.replicaId(), 1)));
        assertEquals(2, sent.stream().filter(m -> m instanceof SessionMessage.Open).count(),
                "a change opens nothing past the half: " + sent);
        s.receive(open(9, "fresh"), 0);
        s.receive(open(10, "doc-5"), 0);
        assertEquals(List.of(9L, 10L), sent.stream().filter(m -> m instanceof SessionMessage.Open o && o.answers() != 0)
                .map(m -> ((SessionMessage.Open) m).answers()).toList());
        assertFalse(s.ended());
        s.receive(open(11, "doc-4"), 0);
        assertEquals(ErrorCode.LIMIT_EXCEEDED.value(), lastError().code());
        assertEquals(0, lastError().channel());
        assertTrue(s.ended());
    }

    /**
     * A reader's Open of a document that this replica does not hold is closed (HY-SESS-060) and stays on the session, in
     * the reader's half: once the replica holds the document it opens it itself, although its own half is full, since
     * the document is on the session already (HY-SESS-155 bounds Opens of documents that are not).
     */
    @Test
    @Requirement({"HY-SESS-060", "HY-SESS-155"})
    void aDocumentClosedForAReaderIsOpenedOnceHeldEvenWithThisSidesHalfFull() throws Exception {
        for (int k = 0; k < 3; k++) {
            replica.write("doc-" + k, state -> state.store().update(Value.of("kwh"), CrdtType.GCOUNTER,
                    (GCounter c) -> c.increment(state.context(), replica.replicaId(), 1)));
        }
        Session s = session(AccessPolicy.Right.READ);
        s.start(0, List.of());
        s.receive(open(9, "fresh"), 0);
        assertEquals(new SessionMessage.Close(9, ErrorCode.NO_ERROR.value(), "this peer does not hold the document"), sent.get(sent.size() - 1));
        replica.write("fresh", state -> state.store().update(Value.of("kwh"), CrdtType.GCOUNTER,
                (GCounter c) -> c.increment(state.context(), replica.replicaId(), 1)));
        assertEquals(List.of("doc-0", "doc-1", "fresh"), sent.stream().filter(m -> m instanceof SessionMessage.Open o && o.answers() == 0)
                .map(m -> ((SessionMessage.Open) m).document()).toList());
        assertFalse(s.ended());
    }

    /**
     * A side that cannot open every document it holds opens first those that the peer, as it was in its last session,
     * has not acknowledged whole: a session that synced the first two of six documents is followed by one that opens the
     * next two, so that sessions one after the other bring every document in step.
     */
    @Test
    @Requirement("HY-SESS-156")
    void aSideOpensFirstTheDocumentsThatThePeerHasNotAcknowledgedWhole() throws Exception {
        for (int k = 0; k < 6; k++) {
            replica.write("doc-" + k, state -> state.store().update(Value.of("kwh"), CrdtType.GCOUNTER,
                    (GCounter c) -> c.increment(state.context(), replica.replicaId(), 1)));
        }
        Session first = session(AccessPolicy.Right.WRITE);
        first.start(0, List.of());
        List<SessionMessage.Open> opened = sent.stream().filter(m -> m instanceof SessionMessage.Open)
                .map(m -> (SessionMessage.Open) m).toList();
        assertEquals(List.of("doc-0", "doc-1"), opened.stream().map(SessionMessage.Open::document).toList());
        for (SessionMessage.Open o : opened) {
            first.receive(new SessionMessage.Open(o.channel() + 100, null, Right.WRITE, Right.WRITE, PEER, new TreeMap<>(), null, 0, 8,
                    o.channel()), 0);
        }
        for (SessionMessage.Open o : opened) {
            SessionMessage.Delta delta = (SessionMessage.Delta) sent.stream()
                    .filter(m -> m instanceof SessionMessage.Delta d && d.channel() == o.channel() + 100).findFirst().orElseThrow();
            first.receive(new SessionMessage.Ack(o.channel(), delta.toSeq()), 0);
        }
        first.close("done");
        sent.clear();
        Session second = session(AccessPolicy.Right.WRITE);
        second.start(0, List.of());
        assertEquals(List.of("doc-2", "doc-3"), sent.stream().filter(m -> m instanceof SessionMessage.Open)
                .map(m -> ((SessionMessage.Open) m).document()).toList());
    }

    /**
     * A side that holds documents past its half is not in step for them merely because they are not on the session; once
     * everything on the session is acknowledged and nothing has come for a moment, it ends the session in order, so that
     * the next session brings them (HY-SESS-157). Before the quiet moment it waits: deltas that follow the peer's Opens
     * may be on their way.
     */
    @Test
    @Requirement({"HY-SESS-157", "HY-SESS-155"})
    void aSideWithDocumentsPastItsHalfEndsTheSessionInOrderOnceTheRestIsInStep() throws Exception {
        for (int k = 0; k < 6; k++) {
            replica.write("doc-" + k, state -> state.store().update(Value.of("kwh"), CrdtType.GCOUNTER,
                    (GCounter c) -> c.increment(state.context(), replica.replicaId(), 1)));
        }
        Session s = session(AccessPolicy.Right.WRITE);
        s.start(0, List.of());
        List<SessionMessage.Open> opened = sent.stream().filter(m -> m instanceof SessionMessage.Open)
                .map(m -> (SessionMessage.Open) m).toList();
        for (SessionMessage.Open o : opened) {
            s.receive(new SessionMessage.Open(o.channel() + 100, null, Right.WRITE, Right.WRITE, PEER, new TreeMap<>(), null, 0, 8,
                    o.channel()), 0);
        }
        for (SessionMessage.Open o : opened) {
            SessionMessage.Delta delta = (SessionMessage.Delta) sent.stream()
                    .filter(m -> m instanceof SessionMessage.Delta d && d.channel() == o.channel() + 100).findFirst().orElseThrow();
            s.receive(new SessionMessage.Ack(o.channel(), delta.toSeq()), 10);
        }
        assertTrue(s.idle("doc-0"));
        assertFalse(s.idle("doc-4"), "a document left out of the half is not in step");
        s.tick(10 + Session.QUIET_BEFORE_ORDERLY_END_MILLIS - 1);
        assertFalse(s.ended(), "nothing received for less than the quiet moment");
        s.tick(10 + Session.QUIET_BEFORE_ORDERLY_END_MILLIS);
        assertTrue(s.ended());
        assertTrue(s.endedInOrder());
        assertEquals(new SessionMessage.Close(0, ErrorCode.NO_ERROR.value(), "more documents than one session holds"),
                sent.get(sent.size() - 1));
    }

    /**
     * A document that the peer opened and closed stays on the session (HY-SESS-033): the peer may open it again on a
     * session that is full, and a side whose own half is full may still open it itself.
     */
    @Test
    @Requirement({"HY-SESS-033", "HY-SESS-155"})
    void aDocumentClosedOnTheSessionCanBeOpenedAgainWhenTheSessionIsFull() throws Exception {
        Session s = session(AccessPolicy.Right.WRITE);
        s.start(0, List.of());
        for (int k = 0; k < 4; k++) {
            s.receive(open(9 + k, "doc-" + k), 0);
        }
        SessionMessage.Open answer = (SessionMessage.Open) sent.stream()
                .filter(m -> m instanceof SessionMessage.Open o && o.answers() == 9).findFirst().orElseThrow();
        s.receive(new SessionMessage.Close(answer.channel(), ErrorCode.NO_ERROR.value(), "done"), 0);
        s.receive(open(20, "doc-0"), 0);
        assertFalse(s.ended(), "the peer opened again a document on the session: " + sent);
        assertTrue(sent.stream().anyMatch(m -> m instanceof SessionMessage.Open o && o.answers() == 20), "answered: " + sent);
    }

    @Test
    @Requirement({"HY-SESS-039", "HY-SESS-040"})
    void moreDeltasThanTheWindowEndTheSession() throws Exception {
        Session s = session(AccessPolicy.Right.WRITE);
        s.receive(open(9, "plant"), 0);
        long channel = theirOpen().channel();
        for (int i = 1; i <= 3; i++) {
            s.receive(new SessionMessage.Delta(channel, SessionMessage.Kind.INTERVAL, i - 1, i, increment(i, 1)), 0);
        }
        assertEquals(ErrorCode.LIMIT_EXCEEDED.value(), lastError().code());
        assertEquals(0, lastError().channel());
        assertTrue(s.ended());
    }

    @Test
    @Requirement({"HY-SESS-025", "HY-SESS-031"})
    void aMessageOnAChannelNeverOpenedOrASecondOpenEndsTheSession() throws Exception {
        Session s = session(AccessPolicy.Right.WRITE);
        s.receive(new SessionMessage.Ack(77, 1), 0);
        assertEquals(ErrorCode.PROTOCOL_VIOLATION.value(), lastError().code());
        assertTrue(s.ended());

        sent.clear();
        Session t = session(AccessPolicy.Right.WRITE);
        t.receive(open(1, "plant"), 0);
        t.receive(open(2, "plant"), 0);
        assertEquals(ErrorCode.PROTOCOL_VIOLATION.value(), lastError().code());
        assertTrue(t.ended());
    }

    @Test
    @Requirement({"HY-SESS-058", "HY-SESS-059"})
    void anOpenMayNotNameThisReplicaOrAnotherPeersReplica() throws Exception {
        Session s = session(AccessPolicy.Right.WRITE);
        s.receive(new SessionMessage.Open(1, "plant", Right.WRITE, Right.WRITE, replica.replicaId(), new TreeMap<>(), null, 0, 8), 0);
        assertEquals(ErrorCode.PROTOCOL_VIOLATION.value(), lastError().code());

        Session first = session(AccessPolicy.Right.WRITE);
        first.receive(open(1, "plant"), 0);
        assertFalse(first.ended());
        // Another key names the same replica id: refused.
        byte[] otherKey = new byte[32];
        otherKey[0] = 8;
        AccessPolicy policy = new AccessPolicy().grant(otherKey, AccessPolicy.EVERY_DOCUMENT, AccessPolicy.Right.WRITE);
        Session impostor = replica.newSession(new TrustStore.Identity(otherKey, null, null), policy, OPTIONS, new Session.Outbox() {
            @Override
            public void send(SessionMessage message) {
                sent.add(message);
            }

            @Override
            public void end() {
            }
        });
        impostor.receive(open(1, "plant"), 0);
        assertEquals(ErrorCode.PROTOCOL_VIOLATION.value(), lastError().code());
        assertTrue(impostor.ended());
    }

    @Test
    @Requirement("HY-SESS-042")
    void anAckOfEntriesThatDoNotExistEndsTheSession() throws Exception {
        Session s = session(AccessPolicy.Right.WRITE);
        s.receive(open(9, "plant"), 0);
        s.receive(new SessionMessage.Ack(theirOpen().channel(), 5), 0);
        assertEquals(ErrorCode.PROTOCOL_VIOLATION.value(), lastError().code());
    }

    @Test
    @Requirement({"HY-SESS-048", "HY-SESS-049", "HY-SESS-050"})
    void pingsAnswerAndKeepAliveAndSilenceEndsTheSession() throws Exception {
        Session s = session(AccessPolicy.Right.WRITE);
        s.start(0, List.of());
        s.receive(new SessionMessage.Ping(42), 1_000);
        assertEquals(new SessionMessage.Pong(42), sent.get(sent.size() - 1));
        s.tick(1_000);                       // the Pong counts as sent at this tick
        s.tick(10_000);
        assertFalse(sent.get(sent.size() - 1) instanceof SessionMessage.Ping);
        s.tick(16_000);                      // 15 s without sending
        assertTrue(sent.get(sent.size() - 1) instanceof SessionMessage.Ping);
        s.tick(60_999);
        assertFalse(s.ended());
        s.tick(61_000);                      // 60 s without receiving
        assertEquals(new SessionMessage.SessionError(0, 0, ErrorCode.IDLE_TIMEOUT.value(), lastError().detail()), lastError());
        assertTrue(s.ended());
    }

    @Test
    @Requirement({"HY-SESS-055", "HY-SESS-056"})
    void closeEndsTheSessionInOrder() throws Exception {
        Session s = session(AccessPolicy.Right.WRITE);
        s.receive(new SessionMessage.Close(0, ErrorCode.NO_ERROR.value(), "done"), 0);
        assertTrue(s.ended());
        assertTrue(sent.isEmpty(), "nothing is sent after the peer's Close");
        Session t = session(AccessPolicy.Right.WRITE);
        t.close("bye");
        assertEquals(new SessionMessage.Close(0, ErrorCode.NO_ERROR.value(), "bye"), sent.get(sent.size() - 1));
        assertTrue(t.ended());
    }

    @Test
    @Requirement({"HY-SYNC-011", "HY-SYNC-012", "HY-SYNC-015"})
    void aNeighbourThatHoldsAPrefixGetsOnlyTheRest() throws Exception {
        write();
        // First contact: the neighbour holds nothing this replica can name, and gets the state; it acknowledges it.
        Session first = session(AccessPolicy.Right.WRITE);
        first.receive(open(9, "plant"), 0);
        SessionMessage.Delta state = (SessionMessage.Delta) sent.stream().filter(m -> m instanceof SessionMessage.Delta).findFirst().orElseThrow();
        assertEquals(SessionMessage.Kind.STATE, state.kind());
        assertEquals(1, state.toSeq());
        first.receive(new SessionMessage.Ack(theirOpen().channel(), 1), 0);
        first.abandon();

        // Two more writes while it is away; it comes back holding entries 1 and 2 (from another neighbour, say).
        write();
        write();
        sent.clear();
        Session second = session(AccessPolicy.Right.WRITE);
        second.receive(new SessionMessage.Open(9, "plant", Right.WRITE, Right.WRITE, PEER, new TreeMap<>(), replica.replicaId(), 2, 8), 0);
        List<SessionMessage.Delta> deltas = sent.stream().filter(m -> m instanceof SessionMessage.Delta).map(m -> (SessionMessage.Delta) m).toList();
        assertEquals(1, deltas.size(), sent.toString());
        assertEquals(SessionMessage.Kind.INTERVAL, deltas.get(0).kind());
        assertEquals(2, deltas.get(0).fromSeq());
        assertEquals(3, deltas.get(0).toSeq());
    }

    @Test
    @Requirement({"HY-SYNC-008", "HY-SYNC-021", "HY-SYNC-022"})
    void positionsAboveTwoToTheSixtyThreeAreHeldAndAcknowledgedAsUnsignedNumbers() throws Exception {
        // A neighbour's log positions are unsigned 64-bit: beyond 2^63 - 1 they are negative as a Java long.
        long high = Long.MIN_VALUE + 5;                                  // 9223372036854775813
        Session s = session(AccessPolicy.Right.WRITE);
        s.receive(open(9, "plant"), 0);
        long channel = theirOpen().channel();
        s.receive(new SessionMessage.Delta(channel, SessionMessage.Kind.STATE, 0, high, increment(1, 5)), 0);
        s.flush();
        assertEquals(new SessionMessage.Ack(9, high), lastAck());
        // An interval that follows on from there is in order; one that starts beyond it skips entries.
        s.receive(new SessionMessage.Delta(channel, SessionMessage.Kind.INTERVAL, high, high + 1, increment(2, 1)), 0);
        s.flush();
        assertEquals(new SessionMessage.Ack(9, high + 1), lastAck());
        assertFalse(s.ended());
        s.receive(new SessionMessage.Delta(channel, SessionMessage.Kind.INTERVAL, high + 2, high + 3, increment(3, 1)), 0);
        assertEquals(ErrorCode.PROTOCOL_VIOLATION.value(), lastError().code());
        assertTrue(s.ended());
    }

    @Test
    void theNewsOfManyWritesIsOneTaskAndOneEntryADocument() throws IOException {
        AccessPolicy policy = new AccessPolicy();
        policy.grant(PEER_KEY, AccessPolicy.EVERY_DOCUMENT, Right.READ);
        List<Runnable> scheduled = new ArrayList<>();
        Session session = replica.newSession(new TrustStore.Identity(PEER_KEY, null, null), policy, OPTIONS, new Session.Outbox() {
            @Override
            public void send(SessionMessage message) {
                sent.add(message);
            }

            @Override
            public void end() {
                ended[0] = true;
            }

            @Override
            public void schedule(Runnable work) {
                scheduled.add(work);
            }
        });
        write();
        replica.write("meter", state -> state.store().update(Value.of("kwh"), CrdtType.GCOUNTER,
                (GCounter c) -> c.increment(state.context(), replica.replicaId(), 1)));
        // However many writes are told before the session's task runs, one task is pending, and each document is
        // handled once: the work a burst of writes queues on a session is bounded.
        for (int i = 0; i < 1000; i++) {
            session.documentChanged("plant");
            session.documentChanged("meter");
        }
        assertEquals(1, scheduled.size());
        scheduled.remove(0).run();
        assertEquals(2, sent.stream().filter(m -> m instanceof SessionMessage.Open).count(), "each document opened once: " + sent);
        // News told after the task ran schedules another.
        session.documentChanged("plant");
        assertEquals(1, scheduled.size());
    }

    private void write() throws IOException {
        replica.write("plant", state -> state.store().update(Value.of("kwh"), CrdtType.GCOUNTER,
                (GCounter c) -> c.increment(state.context(), replica.replicaId(), 1)));
    }
}
