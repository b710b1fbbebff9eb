package dev.hyphae.conformance.checks;

import dev.hyphae.ErrorCode;
import dev.hyphae.ProtocolException;
import dev.hyphae.conformance.Checks;
import dev.hyphae.conformance.Profile;
import dev.hyphae.data.ReplicaId;
import dev.hyphae.model.CrdtType;
import dev.hyphae.model.Mutation;
import dev.hyphae.model.Mutators;
import dev.hyphae.model.State;
import dev.hyphae.model.Value;
import dev.hyphae.model.encoding.PayloadEncoder;
import dev.hyphae.session.SessionCodec;
import dev.hyphae.session.SessionMessage;
import dev.hyphae.spec.Requirement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.math.BigInteger;
import java.util.List;

import static dev.hyphae.conformance.checks.PeerChecks.RANDOM;
import static dev.hyphae.conformance.checks.PeerChecks.READ_TIMEOUT_MILLIS;
import static dev.hyphae.conformance.checks.PeerChecks.acknowledges;
import static dev.hyphae.conformance.checks.PeerChecks.broken;
import static dev.hyphae.conformance.checks.PeerChecks.expectSessionError;
import static dev.hyphae.conformance.checks.PeerChecks.freshDocument;
import static dev.hyphae.conformance.checks.PeerChecks.increment;
import static dev.hyphae.conformance.checks.PeerChecks.openDocument;
import static dev.hyphae.conformance.checks.PeerChecks.value;

/**
 * The Peer profile's checks of payloads in session form (chapter "Session", the session replica table and the session
 * key table): what the peer reads against the tables of the suite's direction, and what it writes against its own. The
 * client they drive is {@link PeerConnection}, which keeps the tables of the peer's direction as the peer
 * declares them.
 */
@ExtendWith(PeerCheckLifecycle.class)
@Checks(Profile.PEER)
class PeerSessionFormChecks {

    /**
     * Writes of three replicas reach the peer through one session, two of them in session form: the first declares the
     * one replica it names, the second is self-contained, the third names the replica of the suite's Open and the one
     * declared before, and declares a new one. The peer accepts all three.
     */
    @Test
    @Requirement({"HY-SESS-063", "HY-SESS-069"})
    void thePeerReadsPayloadsInSessionFormAgainstTheDeclaredTable() throws Exception {
        String document = freshDocument();
        ReplicaId writer = ReplicaId.random(RANDOM);
        List<ReplicaId> others = List.of(ReplicaId.random(RANDOM), ReplicaId.random(RANDOM), ReplicaId.random(RANDOM));
        try (PeerConnection w = PeerConnection.open()) {
            SessionMessage.Open answer = openDocument(w, document, writer);
            SessionMessage m = writeThreeReplicas(w, answer.channel(), writer, others, true);
            if (!(m instanceof SessionMessage.Ack)) {
                throw broken("a receiver appends the replica ids that a Delta declares to the table of the sender's direction (HY-SESS-063),"
                                + " and reads a payload in session form against that table once they are appended (HY-SESS-069)",
                        "an Open of " + document + " by " + writer + ", then an INTERVAL 0..1 in session form that declares " + others.get(0)
                                + " and names indexes 0 and 1, a self-contained INTERVAL 1..2, and an INTERVAL 2..3 in session form that"
                                + " declares " + others.get(2) + " and names indexes 0 to 2",
                        "an Ack of channel 7 with seq 3, and no refusal", m == null ? "nothing within " + READ_TIMEOUT_MILLIS + " ms" : m);
            }
        }
    }

    /**
     * Writes of three replicas reach the peer; a second session of the suite reads them back from the peer: each replica
     * id that the peer declares is declared once, and no payload of the peer's, in session form or in the compact form,
     * names an index past the table of its direction (the suite's connection judges both as it reads).
     */
    @Test
    @Requirement({"HY-SESS-071", "HY-SESS-072", "HY-SESS-077"})
    void thePeersPayloadsNameNoReplicaPastTheTableOfItsDirection() throws Exception {
        String document = freshDocument();
        ReplicaId writer = ReplicaId.random(RANDOM);
        List<ReplicaId> others = List.of(ReplicaId.random(RANDOM), ReplicaId.random(RANDOM), ReplicaId.random(RANDOM));
        try (PeerConnection w = PeerConnection.open(); PeerConnection r = PeerConnection.open()) {
            SessionMessage.Open answer = openDocument(w, document, writer);
            writeThreeReplicas(w, answer.channel(), writer, others, false);
            SessionMessage.Open read = openDocument(r, document, ReplicaId.random(RANDOM));
            State state = DocumentsModel.empty();
            while (!value(state).equals(BigInteger.valueOf(3))) {
                SessionMessage.Delta delta = (SessionMessage.Delta) r.next(m -> m instanceof SessionMessage.Delta d && d.channel() == 7,
                        "delta of " + document + " holding the three writes");
                state = DocumentsModel.join(state, delta, r);
                r.send(new SessionMessage.Ack(read.channel(), delta.toSeq()));
            }
        }
    }

    /**
     * Sends, on the suite's channel 7 whose peer's number is {@code channel}, increments by each of {@code others}, as
     * intervals 0..1, 1..2 and 2..3; when {@code sessionForm}, the first and the third in session form, each declaring the
     * replica that it introduces. Returns the Ack of seq 3, or what the peer sent instead (a refusal, or null for nothing).
     */
    private static SessionMessage writeThreeReplicas(PeerConnection w, long channel, ReplicaId writer, List<ReplicaId> others,
            boolean sessionForm) throws IOException, ProtocolException {
        // The suite's table starts with the replica of its Open (HY-SESS-110).
        w.send(sessionForm ? new SessionMessage.Delta(channel, SessionMessage.Kind.INTERVAL, 0, 1,
                increment(others.get(0), 1, List.of(writer, others.get(0))), List.of(others.get(0)))
                : new SessionMessage.Delta(channel, SessionMessage.Kind.INTERVAL, 0, 1, increment(others.get(0), 1)));
        w.send(new SessionMessage.Delta(channel, SessionMessage.Kind.INTERVAL, 1, 2, increment(others.get(1), 1)));
        w.send(sessionForm ? new SessionMessage.Delta(channel, SessionMessage.Kind.INTERVAL, 2, 3,
                increment(others.get(2), 1, List.of(writer, others.get(0), others.get(2))), List.of(others.get(2)))
                : new SessionMessage.Delta(channel, SessionMessage.Kind.INTERVAL, 2, 3, increment(others.get(2), 1)));
        return w.poll(m -> m.equals(new SessionMessage.Ack(7, 3))
                || m instanceof SessionMessage.SessionError e && (e.channel() == 7 || e.channel() == 0), "Ack of entries 1 to 3");
    }

    /**
     * The replica id of the suite's Open is entry 0 of the table of its direction: a payload in session form names it
     * without a declaration, and a Delta that declares it ends the session. The suite breaks HY-SESS-072 on purpose
     * (HY-CONF-048): its second Delta declares its own id, which the table of its direction already holds.
     */
    @Test
    @Requirement({"HY-SESS-110", "HY-SESS-067"})
    void theReplicaOfTheOpenIsEntryZeroOfItsTable() throws Exception {
        String document = freshDocument();
        ReplicaId me = ReplicaId.random(RANDOM);
        try (PeerConnection c = PeerConnection.open()) {
            SessionMessage.Open answer = openDocument(c, document, me);
            c.send(new SessionMessage.Delta(answer.channel(), SessionMessage.Kind.INTERVAL, 0, 1, increment(me, 2, List.of(me))));
            c.next(m -> acknowledges(m, 7, 1), "acknowledgement of entry 1, in session form against a table of the Open's replica");
            c.send(new SessionMessage.Delta(answer.channel(), SessionMessage.Kind.INTERVAL, 1, 2, increment(me, 3, List.of(me)),
                    List.of(me)));
            expectSessionError(c, ErrorCode.PROTOCOL_VIOLATION, "a receiver ends the session with PROTOCOL_VIOLATION when a Delta declares a replica id that the table of the sender's direction already holds, the id of the sender's Open, entry 0, among them (HY-SESS-067, HY-SESS-110)", "a Delta declaring the replica id of the sender's Open");
        }
    }

    /**
     * A Delta that declares the key "kwh" and whose payload names key index 1 of a table of one key is refused alone; the
     * key that it declared stands, so that the next Delta, whose map names key index 0, is accepted. The suite breaks
     * HY-SESS-101 on purpose (HY-CONF-048): its first Delta names a key index past its key table.
     */
    @Test
    @Requirement({"HY-SESS-100", "HY-SESS-094", "HY-SESS-099"})
    void aKeyIndexPastTheKeyTableIsRefusedAloneAndTheKeysDeclaredStand() throws Exception {
        String document = freshDocument();
        ReplicaId me = ReplicaId.random(RANDOM);
        String input = "an Open of " + document + ", then a Delta 0..1 that declares the key \"kwh\" and whose payload, in session"
                + " form, names key index 1, then a Delta 1..2 whose payload names key index 0 and declares nothing";
        try (PeerConnection c = PeerConnection.open()) {
            SessionMessage.Open answer = openDocument(c, document, me);
            // It declares no replica: the suite's Open made its id index 0 (HY-SESS-110).
            c.sendEncoded(declaringKwh(answer.channel(), 0, 1, incrementByIndex(me, "volts", List.of("kwh", "volts")), null));
            SessionMessage first = c.poll(m -> m instanceof SessionMessage.SessionError x && (x.channel() == 7 || x.channel() == 0)
                    || acknowledges(m, 7, 1), "refusal of the delta that names key index 1");
            if (!(first instanceof SessionMessage.SessionError e) || e.channel() != 7 || e.seq() != 1
                    || e.code() != ErrorCode.MALFORMED_DELTA.value()) {
                throw broken("a receiver refuses a Delta whose payload holds a key index past the key table with MALFORMED_DELTA in a"
                        + " SessionError that names the delta (HY-SESS-100)", input, "a SessionError of channel 7, seq 1, code 101",
                        first == null ? "nothing within " + READ_TIMEOUT_MILLIS + " ms" : first);
            }
            c.send(new SessionMessage.Delta(answer.channel(), SessionMessage.Kind.INTERVAL, 1, 2, incrementByIndex(me, "kwh", List.of("kwh"))));
            SessionMessage second = c.poll(m -> m instanceof SessionMessage.SessionError x && (x.channel() == 7 && x.seq() == 2
                    || x.channel() == 0) || acknowledges(m, 7, 2), "acknowledgement of entry 2, whose map names key index 0");
            if (!acknowledges(second, 7, 2)) {
                throw broken("a receiver appends the keys that a Delta declares to the key table (HY-SESS-094) and keeps them when it"
                                + " refuses the Delta (HY-SESS-100), and reads key indexes against that table (HY-SESS-099)", input,
                        "the refusal of the first Delta, then an acknowledgement of seq 2 and no refusal of the second",
                        second == null ? "nothing within " + READ_TIMEOUT_MILLIS + " ms" : second);
            }
        }
    }

    /**
     * A Delta that declares a key that an earlier Delta of the session declared ends the session. The suite breaks
     * HY-SESS-102 on purpose (HY-CONF-048): its second Delta declares "kwh" again.
     */
    @Test
    @Requirement("HY-SESS-096")
    void aKeyDeclaredTwiceEndsTheSession() throws Exception {
        String document = freshDocument();
        ReplicaId me = ReplicaId.random(RANDOM);
        try (PeerConnection c = PeerConnection.open()) {
            SessionMessage.Open answer = openDocument(c, document, me);
            c.sendEncoded(declaringKwh(answer.channel(), 0, 1, increment(me, 1), null));
            c.next(m -> acknowledges(m, 7, 1), "acknowledgement of entry 1, which declared the key \"kwh\"");
            c.sendEncoded(declaringKwh(answer.channel(), 1, 2, increment(me, 1), null));
            expectSessionError(c, ErrorCode.PROTOCOL_VIOLATION, "a receiver ends the session with PROTOCOL_VIOLATION when a Delta declares a key that the key table of the sender's direction already holds (HY-SESS-096)", "a Delta that declares the key \"kwh\" a second time");
        }
    }

    /**
     * A Delta, an interval from {@code from} to {@code to}, that declares the key "kwh", and {@code replica} unless it is
     * null, built field by field: the suite states keys in the model's terms, not the reference's.
     */
    private static byte[] declaringKwh(long channel, long from, long to, byte[] payload, ReplicaId replica) {
        com.google.flatbuffers.FlatBufferBuilder b = new com.google.flatbuffers.FlatBufferBuilder(256);
        int columnar = hyphae.v1.Delta.createPayloadVector(b, payload);
        int replicas = replica == null ? 0 : hyphae.v1.Delta.createReplicasVector(b, replica.toBytes());
        int keys = hyphae.v1.Delta.createKeysVector(b, DeclaredKeys.strings(List.of("kwh")));
        int delta = hyphae.v1.Delta.createDelta(b, channel, SessionMessage.Kind.INTERVAL.value(), from, to, columnar, 0, replicas,
                0, 0, keys);
        b.finish(hyphae.v1.SessionMessage.createSessionMessage(b, hyphae.v1.Message.Delta, delta), SessionCodec.FILE_IDENTIFIER);
        return b.sizedByteArray();
    }

    /** An increment by {@code replica} of the counter under {@code key}, in session form: replica index 0, keys by index. */
    private static byte[] incrementByIndex(ReplicaId replica, String key, List<String> keys) {
        dev.hyphae.model.ReplicaId writer = new dev.hyphae.model.ReplicaId(replica.toHex());
        State delta = Mutators.delta(State.empty(CrdtType.OR_MAP.id()), writer,
                new Mutation.Update(Value.of(key), CrdtType.PNCOUNTER.id(), new Mutation.Increment(1)));
        return PayloadEncoder.encode(delta, List.of(writer), keys.stream().map(Value::of).toList());
    }

    /**
     * A Delta's declarations stand even on a channel of a closed document (HY-SESS-078): the channel is checked after
     * them. The suite plays an attacker on purpose: it sends a Delta on a document after its own Close of it, which
     * HY-SESS-053 forbids; to the peer it is a delta that crossed a close. The replica it declares is then named by
     * index in a payload of another, open, document, which the peer must accept.
     */
    @Test
    @Requirement({"HY-SESS-078", "HY-SESS-063"})
    void declarationsStandOnAChannelThatIsClosed() throws Exception {
        ReplicaId me = ReplicaId.random(RANDOM);
        ReplicaId declared = ReplicaId.random(RANDOM);
        try (PeerConnection c = PeerConnection.openWriting()) {
            SessionMessage.Open closed = openDocument(c, 7, freshDocument(), me);
            SessionMessage.Open open = openDocument(c, 8, freshDocument(), me);
            c.send(new SessionMessage.Close(closed.channel(), ErrorCode.NO_ERROR.value(), "done"));
            c.send(new SessionMessage.Delta(closed.channel(), SessionMessage.Kind.STATE, 0, 1, increment(declared, 1), List.of(declared)));
            c.send(new SessionMessage.Delta(open.channel(), SessionMessage.Kind.STATE, 0, 1, increment(declared, 2, List.of(me, declared))));
            SessionMessage answer = c.next(m -> acknowledges(m, 8, 1) || m instanceof SessionMessage.SessionError,
                    "acknowledgement of a payload naming the replica that a Delta on a closed channel declared");
            if (answer instanceof SessionMessage.SessionError e) {
                throw broken("a receiver appends the replica ids that a Delta declares to the table of the sender's direction before it"
                                + " checks the Delta's channel (HY-SESS-078), also when the channel is that of a closed document (HY-SESS-063)",
                        "two documents opened on channels 7 and 8 by " + me + "; a Close of channel 7; a Delta on channel 7 that declares "
                                + declared + "; a Delta on channel 8 in session form whose payload names it as replica index 1",
                        "an acknowledgement of channel 8 with seq 1, and no refusal", e);
            }
        }
    }
}
