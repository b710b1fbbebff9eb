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
import dev.hyphae.handshake.AccessPolicy.Right;
import dev.hyphae.spec.Requirement;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What makes a reconnection cheap, one session driven message by message against a replica on real files: an Open
 * that leaves its summary out, the SummaryRequest that asks for it when the log does not reach, and
 * acknowledgements that ride on deltas, each with the checks that keep them safe.
 */
class ReconnectTest extends ReplicaSessionFixture {

    private static final Session.Options WINDOW_OF_4 = new Session.Options(4, 15_000, 60_000, 4);

    /** Reconnection's tests run with a window of 4 deltas. */
    @Override
    Session session() {
        return session(grant(Right.WRITE), WINDOW_OF_4);
    }

    private static SessionMessage.Open open(long channel, TreeMap<ReplicaId, Long> summary, ReplicaId heldReplica, long heldSeq) {
        return new SessionMessage.Open(channel, "plant", Right.WRITE, Right.WRITE, PEER, summary, heldReplica, heldSeq, 8);
    }

    private static byte[] increment(long seq, long amount) {
        CausalState<ORMap> delta = ORMap.EMPTY.update(Value.of("kwh"), CrdtType.PNCOUNTER,
                (PNCounter c) -> c.increment(CausalContext.of(seq > 1 ? List.of(new dev.hyphae.data.Dot(PEER, seq - 1)) : List.of()), PEER, amount));
        return Codec.encode(delta);
    }

    private void write() throws IOException {
        write("kwh");
    }

    private void write(String key) throws IOException {
        replica.write("plant", state -> state.store().update(Value.of(key), CrdtType.GCOUNTER,
                (GCounter c) -> c.increment(state.context(), replica.replicaId(), 1)));
    }

    private SessionMessage.Open theirOpen() {
        return (SessionMessage.Open) sent.stream().filter(m -> m instanceof SessionMessage.Open).findFirst().orElseThrow();
    }

    private <T extends SessionMessage> List<T> sentOf(Class<T> type) {
        return sent.stream().filter(type::isInstance).map(type::cast).toList();
    }

    private SessionMessage.SessionError lastError() {
        List<SessionMessage.SessionError> errors = sentOf(SessionMessage.SessionError.class);
        assertFalse(errors.isEmpty(), "no error sent: " + sent);
        return errors.get(errors.size() - 1);
    }

    /** A first session, in which the peer's replica id becomes known to the replica; then its messages are forgotten. */
    private void meetThePeer() {
        Session first = session();
        first.receive(open(9, new TreeMap<>(), null, 0), 0);
        first.abandon();
        sent.clear();
    }

    @Test
    @Requirement({"HY-SESS-080", "HY-SYNC-011", "HY-SYNC-030"})
    void anOpenWithoutASummaryLeadsToAnIntervalFromItsPosition() throws Exception {
        // The peer is a known neighbour, so the log keeps what it has not acknowledged.
        meetThePeer();
        write();
        write();
        write();
        Session s = session();
        // The peer holds entries 1 and 2, says so, and states no summary: the position is enough.
        s.receive(open(9, null, replica.replicaId(), 2), 0);
        List<SessionMessage.Delta> deltas = sentOf(SessionMessage.Delta.class);
        assertEquals(1, deltas.size(), sent.toString());
        assertEquals(SessionMessage.Kind.INTERVAL, deltas.get(0).kind());
        assertEquals(2, deltas.get(0).fromSeq());
        assertEquals(3, deltas.get(0).toSeq());
        assertTrue(sentOf(SessionMessage.SummaryRequest.class).isEmpty(), sent.toString());
        // The replica has met this peer's replica before: its Open leaves its own summary out too.
        assertNull(theirOpen().summary());
    }

    @Test
    @Requirement({"HY-SESS-081", "HY-SYNC-031", "HY-SYNC-016"})
    void whenTheLogDoesNotReachTheSummaryIsAskedForAndADifferenceFollows() throws Exception {
        write("a");
        write("b");
        Session s = session();
        // The peer holds nothing it can name and states no summary: the replica must ask, and send nothing else yet.
        s.receive(open(9, null, null, 0), 0);
        assertEquals(List.of(new SessionMessage.SummaryRequest(9)), sentOf(SessionMessage.SummaryRequest.class));
        assertTrue(sentOf(SessionMessage.Delta.class).isEmpty(), sent.toString());
        assertFalse(s.idle("plant"), "a document that waits for a summary is not idle");
        // The peer has seen the replica's first write: the difference carries only the second.
        TreeMap<ReplicaId, Long> summary = new TreeMap<>();
        summary.put(replica.replicaId(), 1L);
        s.receive(new SessionMessage.Summary(theirOpen().channel(), summary), 0);
        List<SessionMessage.Delta> deltas = sentOf(SessionMessage.Delta.class);
        assertEquals(1, deltas.size(), sent.toString());
        // A difference, not the state: it was computed from the summary, and is smaller than the state.
        assertEquals(SessionMessage.Kind.DIFFERENCE, deltas.get(0).kind());
        assertEquals(2, deltas.get(0).toSeq());
        // Only one request per document: the replica does not ask again, and a second Summary is a violation.
        assertEquals(1, sentOf(SessionMessage.SummaryRequest.class).size());
        s.receive(new SessionMessage.Summary(theirOpen().channel(), summary), 0);
        assertEquals(ErrorCode.PROTOCOL_VIOLATION.value(), lastError().code());
        assertTrue(s.ended());
    }

    @Test
    @Requirement({"HY-SESS-082", "HY-SESS-087", "HY-SYNC-030"})
    void aSummaryRequestIsAnsweredOnceAndOnlyWhereTheOpenLeftTheSummaryOut() throws Exception {
        write();
        // First contact: the replica's Open states its summary, so a request for it is a violation.
        Session first = session();
        first.receive(open(9, new TreeMap<>(), null, 0), 0);
        assertNotNull(theirOpen().summary());
        first.receive(new SessionMessage.SummaryRequest(theirOpen().channel()), 0);
        assertEquals(ErrorCode.PROTOCOL_VIOLATION.value(), lastError().code());
        assertTrue(first.ended());
        sent.clear();

        // Next session: the replica has met the peer and leaves the summary out; the peer asks, once.
        Session second = session();
        second.receive(open(9, new TreeMap<>(), null, 0), 0);
        assertNull(theirOpen().summary(), sent.toString());
        second.receive(new SessionMessage.SummaryRequest(theirOpen().channel()), 0);
        List<SessionMessage.Summary> answers = sentOf(SessionMessage.Summary.class);
        assertEquals(1, answers.size(), sent.toString());
        assertEquals(9, answers.get(0).channel());
        assertEquals(replica.state("plant").context().versionVector(), answers.get(0).summary());
        assertFalse(second.ended());
        second.receive(new SessionMessage.SummaryRequest(theirOpen().channel()), 0);
        assertEquals(ErrorCode.PROTOCOL_VIOLATION.value(), lastError().code());
        assertTrue(second.ended());
    }

    @Test
    @Requirement("HY-SESS-088")
    void aSummaryThatWasNotAskedForEndsTheSession() throws Exception {
        Session s = session();
        s.receive(open(9, new TreeMap<>(), null, 0), 0);
        s.receive(new SessionMessage.Summary(theirOpen().channel(), new TreeMap<>()), 0);
        assertEquals(ErrorCode.PROTOCOL_VIOLATION.value(), lastError().code());
        assertTrue(s.ended());
    }

    @Test
    @Requirement({"HY-SESS-083", "HY-SYNC-032"})
    void anAckRidingOnADeltaMovesAckedExactlyAsAnAckWould() throws Exception {
        write();
        Session s = session();
        // A window of 1: the replica's second delta can go only once its first is acknowledged.
        s.receive(new SessionMessage.Open(9, "plant", Right.WRITE, Right.WRITE, PEER, new TreeMap<>(), null, 0, 1), 0);
        assertEquals(1, sentOf(SessionMessage.Delta.class).size());
        assertEquals(0, replica.acknowledged("plant", PEER));
        // The peer's delta carries its acknowledgement of entry 1; the delta itself is refused for its payload, and
        // the acknowledgement counts all the same.
        s.receive(new SessionMessage.Delta(theirOpen().channel(), SessionMessage.Kind.INTERVAL, 0, 1, new byte[] {1, 2, 3}).withAck(1), 0);
        assertEquals(1, replica.acknowledged("plant", PEER));
        assertEquals(ErrorCode.MALFORMED_DELTA.value(), lastError().code());
        assertFalse(s.ended());
        // The delta it answered is no longer outstanding: a new write goes at once.
        write();
        assertEquals(2, sentOf(SessionMessage.Delta.class).size(), sent.toString());
    }

    @Test
    @Requirement({"HY-SESS-083", "HY-SESS-042"})
    void anAckRidingOnADeltaPastTheLogEndsTheSessionAsAnAckWould() throws Exception {
        write();
        Session s = session();
        s.receive(open(9, new TreeMap<>(), null, 0), 0);
        s.receive(new SessionMessage.Delta(theirOpen().channel(), SessionMessage.Kind.STATE, 0, 1, increment(1, 5)).withAck(2), 0);
        assertEquals(new SessionMessage.SessionError(0, 0, ErrorCode.PROTOCOL_VIOLATION.value(), lastError().detail()), lastError());
        assertTrue(s.ended());
        assertTrue(replica.state("plant").store().<PNCounter>get(Value.of("kwh"), CrdtType.PNCOUNTER).isEmpty(),
                "the delta behind a violating acknowledgement is not applied");
    }

    @Test
    @Requirement({"HY-SESS-084", "HY-SYNC-022", "HY-SYNC-032"})
    void theReplicasAcknowledgementRidesOnTheDeltaItSendsAfterTheFlush() throws Exception {
        meetThePeer();
        Session s = session();
        congested = true;
        s.receive(open(9, new TreeMap<>(), null, 0), 0);
        // A write of its own waits for the transport; meanwhile a delta of the peer arrives.
        write();
        s.receive(new SessionMessage.Delta(theirOpen().channel(), SessionMessage.Kind.STATE, 0, 1, increment(1, 5)), 0);
        assertTrue(sentOf(SessionMessage.Delta.class).isEmpty(), sent.toString());
        congested = false;
        s.flush();
        // Durable now: the acknowledgement goes on the replica's delta, and not again on its own.
        List<SessionMessage.Delta> deltas = sentOf(SessionMessage.Delta.class);
        assertEquals(1, deltas.size(), sent.toString());
        assertEquals(1, deltas.get(0).ack());
        assertTrue(sentOf(SessionMessage.Ack.class).isEmpty(), sent.toString());
        // With nothing to carry it, the next acknowledgement is an Ack.
        s.receive(new SessionMessage.Delta(theirOpen().channel(), SessionMessage.Kind.INTERVAL, 1, 2, increment(2, 1)), 0);
        s.flush();
        assertEquals(List.of(new SessionMessage.Ack(9, 2)), sentOf(SessionMessage.Ack.class));
    }

    @Test
    @Requirement("HY-SESS-090")
    void anAnswerLeavesOutTheDocumentAndTheReceiversOwnReplicaId() throws Exception {
        Session first = session();
        first.receive(open(9, new TreeMap<>(), null, 0), 0);
        first.receive(new SessionMessage.Delta(theirOpen().channel(), SessionMessage.Kind.STATE, 0, 1, increment(1, 5)), 0);
        first.flush();
        first.abandon();
        sent.clear();
        Session second = session();
        second.receive(open(9, new TreeMap<>(), null, 0), 0);
        SessionMessage.Open answer = theirOpen();
        assertEquals(9, answer.answers());
        assertNull(answer.document());
        assertNull(answer.heldReplica());
        assertEquals(1, answer.heldSeq());
    }

    @Test
    @Requirement({"HY-SESS-091", "HY-SYNC-011"})
    void anAnswerIsReadThroughTheOpenItAnswers() throws Exception {
        meetThePeer();
        write();
        write();
        write();
        Session s = session();
        s.open("plant");
        long mine = theirOpen().channel();
        // The peer answers with neither the document's name nor this replica's id: it holds entries 1 and 2.
        s.receive(new SessionMessage.Open(9, null, Right.WRITE, Right.WRITE, PEER, null, null, 2, 8, mine), 0);
        List<SessionMessage.Delta> deltas = sentOf(SessionMessage.Delta.class);
        assertEquals(1, deltas.size(), sent.toString());
        assertEquals(2, deltas.get(0).fromSeq());
        assertEquals(3, deltas.get(0).toSeq());
        assertFalse(s.ended());
    }

    @Test
    @Requirement("HY-SESS-091")
    void anAnswerToAnOpenThatWasNotSentOrOfAnotherDocumentEndsTheSession() throws Exception {
        Session s = session();
        s.receive(new SessionMessage.Open(9, null, Right.WRITE, Right.WRITE, PEER, null, null, 0, 8, 77), 0);
        assertEquals(ErrorCode.PROTOCOL_VIOLATION.value(), lastError().code());
        assertTrue(s.ended());
        sent.clear();
        Session t = session();
        t.open("plant");
        t.receive(new SessionMessage.Open(9, "other", Right.WRITE, Right.WRITE, PEER, null, null, 0, 8, theirOpen().channel()), 0);
        assertEquals(ErrorCode.PROTOCOL_VIOLATION.value(), lastError().code());
        assertTrue(t.ended());
    }

    @Test
    @Requirement({"HY-SESS-091", "HY-SESS-031"})
    void anAnswerToTheAnswerOfThePeersOwnOpenEndsTheSession() throws Exception {
        Session s = session();
        s.receive(open(9, new TreeMap<>(), null, 0), 0);
        long mine = theirOpen().channel();
        // The peer has opened "plant" already: an Open answering this side's answer opens it a second time.
        s.receive(new SessionMessage.Open(5, null, Right.WRITE, Right.WRITE, PEER, null, null, 0, 8, mine), 0);
        assertEquals(ErrorCode.PROTOCOL_VIOLATION.value(), lastError().code());
        assertTrue(s.ended());
    }

    @Test
    @Requirement("HY-SESS-089")
    void aSummaryRequestOrASummaryOnAChannelNeverOpenedEndsTheSession() throws Exception {
        Session s = session();
        s.receive(new SessionMessage.SummaryRequest(77), 0);
        assertEquals(ErrorCode.PROTOCOL_VIOLATION.value(), lastError().code());
        assertTrue(s.ended());
        sent.clear();
        Session t = session();
        t.receive(new SessionMessage.Summary(77, new TreeMap<>()), 0);
        assertEquals(ErrorCode.PROTOCOL_VIOLATION.value(), lastError().code());
        assertTrue(t.ended());
    }
}
