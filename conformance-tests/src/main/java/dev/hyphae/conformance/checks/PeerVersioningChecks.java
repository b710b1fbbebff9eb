package dev.hyphae.conformance.checks;

import dev.hyphae.ErrorCode;
import dev.hyphae.ProtocolException;
import dev.hyphae.conformance.Checks;
import dev.hyphae.conformance.Profile;
import dev.hyphae.data.ReplicaId;
import dev.hyphae.handshake.AccessPolicy.Right;
import dev.hyphae.model.CausalContext;
import dev.hyphae.model.Dot;
import dev.hyphae.model.EntryKey;
import dev.hyphae.model.ORMap;
import dev.hyphae.model.State;
import dev.hyphae.model.Store;
import dev.hyphae.model.Unknown;
import dev.hyphae.model.Value;
import dev.hyphae.model.encoding.PayloadEncoder;
import dev.hyphae.session.SessionMessage;
import dev.hyphae.spec.Requirement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import static dev.hyphae.conformance.checks.PeerChecks.RANDOM;
import static dev.hyphae.conformance.checks.PeerChecks.acknowledges;
import static dev.hyphae.conformance.checks.PeerChecks.answersOpen;
import static dev.hyphae.conformance.checks.PeerChecks.broken;
import static dev.hyphae.conformance.checks.PeerChecks.freshDocument;
import static dev.hyphae.conformance.checks.PeerChecks.openDocument;
import static dev.hyphae.conformance.checks.PeerChecks.writeInASessionOfItsOwn;

/**
 * The Peer profile's checks of chapter "Versioning and extensibility" that a peer shows only on the wire: the types
 * of the messages that it sends, what it does with an error code that it does not know, and a value of a CRDT type
 * that it does not know, which it keeps and passes on. The client they drive is {@link PeerConnection}.
 */
@ExtendWith(PeerCheckLifecycle.class)
@Checks(Profile.PEER)
class PeerVersioningChecks {

    /**
     * An error code that no revision of this version assigns: the last of the Specification Required range, which a
     * peer of version 1.0 cannot know.
     */
    private static final int UNKNOWN_CODE = 59_999;
    /** A CRDT type id of the Standard range that version 1 does not assign: a type that no peer of version 1.0 knows. */
    private static final int UNKNOWN_TYPE = 0x3001;

    /**
     * The peer sends messages of many kinds on one session (an Open, a Delta, a SummaryRequest or not, a Pong, an Ack):
     * each of a type that the session knows (HY-VER-018), none of type 0, and no CRDT type id 0 in a payload or
     * capability 0 in the selection (HY-VER-032), which the suite's handshake refuses before the session starts
     * ({@code Negotiation.check}, as every connection of the profile does). Every message that the suite reads is
     * checked so; this check makes the peer send each kind, and reads all that the peer sends until it closes the session after the suite's Close.
     */
    @Test
    @Requirement({"HY-VER-018", "HY-VER-032", "HY-SESS-056"})
    void everyMessageThePeerSendsIsOfATypeTheSessionKnows() throws Exception {
        String document = freshDocument();
        writeInASessionOfItsOwn(document, ReplicaId.random(RANDOM), 2);
        try (PeerConnection c = PeerConnection.open()) {
            c.send(new SessionMessage.Open(7, document, Right.WRITE, Right.WRITE, ReplicaId.random(RANDOM), null, null, 0, 16));
            SessionMessage.Open answer = (SessionMessage.Open) c.next(m -> m instanceof SessionMessage.Open o && answersOpen(o, 7, document),
                    "answer to its Open of " + document);
            SessionMessage m = c.next(x -> x instanceof SessionMessage.SummaryRequest r && r.channel() == 7
                    || x instanceof SessionMessage.Delta d && d.channel() == 7, "a SummaryRequest or a delta of " + document);
            if (m instanceof SessionMessage.SummaryRequest) {
                c.send(new SessionMessage.Summary(answer.channel(), new TreeMap<>()));
                m = c.next(x -> x instanceof SessionMessage.Delta d && d.channel() == 7, "a delta of " + document);
            }
            SessionMessage.Delta delta = (SessionMessage.Delta) m;
            DocumentsModel.join(DocumentsModel.empty(), delta, c);
            c.send(new SessionMessage.Ack(answer.channel(), delta.toSeq()));
            c.send(new SessionMessage.Ping(0x0e18));
            c.next(x -> x.equals(new SessionMessage.Pong(0x0e18)), "Pong");
            // An orderly end, and every message that the peer sends until it closes, read and checked.
            c.send(new SessionMessage.Close(0, ErrorCode.NO_ERROR.value(), "done"));
            c.expectClosed("the suite's Close of the session", "a peer closes the connection after a Close of the session"
                    + " (HY-SESS-056), within CLOSE_INTERVAL (HY-SESS-143)");
        }
    }

    /**
     * An error of a code that the peer does not know is acted on by the extent that its fields carry (HY-VER-029,
     * HY-SESS-142) and never answered with an error (HY-VER-031): naming a delta of the peer, it refuses that delta alone
     * and the session carries on; naming a document with seq 0, it closes that document, which can then be opened
     * again; on channel 0, it ends the session, unanswered.
     */
    @Test
    @Requirement({"HY-VER-029", "HY-VER-031", "HY-SESS-142"})
    void anErrorOfAnUnknownCodeIsActedOnByItsExtentAndNotAnswered() throws Exception {
        String document = freshDocument();
        ReplicaId me = ReplicaId.random(RANDOM);
        writeInASessionOfItsOwn(document, ReplicaId.random(RANDOM), 4);
        try (PeerConnection c = PeerConnection.open()) {
            SessionMessage.Open answer = openDocument(c, 7, document, me);
            SessionMessage.Delta delta = (SessionMessage.Delta) c.next(m -> m instanceof SessionMessage.Delta d && d.channel() == 7,
                    "a delta of " + document);
            c.send(new SessionMessage.SessionError(answer.channel(), delta.toSeq(), UNKNOWN_CODE, "a code of no registry entry, for a delta"));
            expectCarriesOn(c, 0x0e29, "an error of unknown code " + UNKNOWN_CODE + " that refuses the peer's delta " + delta.toSeq()
                    + " of channel " + answer.channel());
            c.send(new SessionMessage.SessionError(answer.channel(), 0, UNKNOWN_CODE, "a code of no registry entry, for a document"));
            c.send(new SessionMessage.Open(8, document, Right.WRITE, Right.WRITE, me, new TreeMap<>(), null, 0, 16));
            SessionMessage again = c.next(m -> m instanceof SessionMessage.Open o && answersOpen(o, 8, document)
                    || m instanceof SessionMessage.SessionError || m instanceof SessionMessage.Close close && close.channel() == 0,
                    "answer to a second Open of the document that an error of unknown code on its channel, seq 0, closed");
            if (!(again instanceof SessionMessage.Open)) {
                throw c.broken("an error of a code that the receiver does not know is acted on by the extent of its fields: on a"
                                + " channel with seq 0 it closes that document only, which may then be opened again (HY-VER-029,"
                                + " HY-SESS-142), and it is never answered with an error (HY-VER-031)",
                        "an Open of " + document + " that answers the suite's Open on channel 8", again);
            }
            c.send(new SessionMessage.SessionError(0, 0, UNKNOWN_CODE, "a code of no registry entry, for the session"));
            c.expectClosed("an error of unknown code on channel 0", "an error of a code that the receiver does not know, on channel 0,"
                    + " ends the session (HY-VER-029), and a peer closes the connection within CLOSE_INTERVAL of receiving it (HY-SESS-143)");
            for (SessionMessage m : c.received) {
                if (m instanceof SessionMessage.SessionError || m instanceof SessionMessage.Close) {
                    throw c.broken("a receiver never answers an error of a code that it does not know with an error or a Close"
                            + " (HY-VER-031)", "no SessionError and no Close from the peer", m);
                }
            }
        }
    }

    /** The session carries on after {@code after}: the suite's Ping is answered, and nothing before it is an error or a Close. */
    private static void expectCarriesOn(PeerConnection c, long nonce, String after) throws IOException, ProtocolException {
        SessionMessage m;
        try {
            c.send(new SessionMessage.Ping(nonce));
            m = c.next(x -> x.equals(new SessionMessage.Pong(nonce)) || x instanceof SessionMessage.SessionError
                    || x instanceof SessionMessage.Close, "Pong after " + after);
        } catch (AssertionError | IOException e) {
            AssertionError failure = c.broken("an error of a code that the receiver does not know is acted on by the extent of its"
                            + " fields: naming a delta, it refuses that delta alone, and the session carries on (HY-VER-029)",
                    "the Pong of " + Long.toHexString(nonce) + " after " + after, "no Pong: " + String.valueOf(e.getMessage()).replace("\n", "; "));
            failure.initCause(e);
            throw failure;
        }
        if (!(m instanceof SessionMessage.Pong)) {
            throw c.broken("an error of a code that the receiver does not know is acted on by the extent of its fields (HY-VER-029) and"
                    + " never answered with an error (HY-VER-031)", "the Pong of " + Long.toHexString(nonce) + " after " + after
                    + ", and no SessionError or Close before it", m);
        }
    }

    /** A value of a CRDT type that the peer does not know, one opaque version of a Standard type under a key of a document. */
    private record UnknownWrite(String document, Dot dot, EntryKey key, Unknown value, State state) {
        static UnknownWrite fresh() {
            dev.hyphae.model.ReplicaId writer = new dev.hyphae.model.ReplicaId(ReplicaId.random(RANDOM).toHex());
            Dot dot = new Dot(writer, 1);
            Unknown unknown = new Unknown(UNKNOWN_TYPE, new TreeSet<>(List.of(new Unknown.Version(List.of(dot), "c0ffee00ba5e"))));
            EntryKey key = new EntryKey(Value.of("vendor-reading"), UNKNOWN_TYPE);
            return new UnknownWrite(freshDocument(), dot, key, unknown, new State(ORMap.of(Map.of(key, unknown)), CausalContext.of(List.of(dot))));
        }

        String input() {
            return "an Open of " + document + ", then a STATE 0..1 that holds under " + key + " the value " + value + " of CRDT type "
                    + UNKNOWN_TYPE + ", of the Standard range, which the peer does not know";
        }

        /** Writes the value in a session of its own, and returns the peer's acknowledgement, its refusal, or null for nothing. */
        SessionMessage write() throws IOException, ProtocolException {
            try (PeerConnection w = PeerConnection.openWriting()) {
                SessionMessage.Open answer = openDocument(w, document, ReplicaId.fromHex(dot.replica().hex()));
                w.send(new SessionMessage.Delta(answer.channel(), SessionMessage.Kind.STATE, 0, 1, PayloadEncoder.encode(state)));
                SessionMessage m = w.poll(x -> acknowledges(x, 7, 1)
                        || x instanceof SessionMessage.SessionError e && (e.channel() == 7 || e.channel() == 0),
                        "acknowledgement of a write of a value of unknown type " + UNKNOWN_TYPE);
                w.send(new SessionMessage.Close(0, ErrorCode.NO_ERROR.value(), "done"));
                return m;
            }
        }
    }

    /** A payload that holds a value of a CRDT type that the peer does not know is accepted. */
    @Test
    @Requirement("HY-VER-020")
    void aPayloadWithAValueOfAnUnknownTypeIsAccepted() throws Exception {
        UnknownWrite written = UnknownWrite.fresh();
        SessionMessage m = written.write();
        if (!acknowledges(m, 7, 1)) {
            throw broken("a peer does not refuse a payload, or report an error, because a CRDT type id in it is unknown to it (HY-VER-020)",
                    written.input(), "an acknowledgement of channel 7 with seq 1, and no refusal", m == null ? "nothing" : m);
        }
    }

    /**
     * A value of a CRDT type that the peer does not know, one opaque version under a key of the document, reaches another
     * neighbour as it was written: the same type id, dots and data, whether in the payload that carried it, forwarded
     * unchanged (HY-DATA-037), or in a payload that the peer computes (HY-SYNC-080); both are HY-VER-021 for an entry of
     * an ORMap. The type is of the Standard range: no capability is needed to forward it (HY-VER-033). What the check reads
     * is the entry, its opaque version; whether the payload that carried it travels byte for byte or the peer computes
     * another that holds it, the check does not tell apart, and so names the three rules as one.
     */
    @Test
    @Requirement({"HY-VER-021", "HY-DATA-037", "HY-SYNC-080"})
    void aValueOfAnUnknownTypeIsForwardedByteForByte() throws Exception {
        UnknownWrite written = UnknownWrite.fresh();
        SessionMessage m = written.write();
        if (!acknowledges(m, 7, 1)) {
            throw broken("a receiver accepts a payload that holds a value of a CRDT type that it does not know (HY-VER-020): without"
                            + " that, its forwarding (HY-VER-021, HY-DATA-037, HY-SYNC-080) cannot be seen", written.input(),
                    "an acknowledgement of channel 7 with seq 1", m);
        }
        try (PeerConnection r = PeerConnection.open()) {
            SessionMessage.Open read = openDocument(r, written.document(), ReplicaId.random(RANDOM));
            String rule = "a peer stores a value of a CRDT type unknown to it as the opaque versions that it received, and forwards"
                    + " them unchanged: its type id, dots and data byte for byte (HY-VER-021, HY-DATA-037, HY-SYNC-080)";
            String input = written.input() + "; in a later session, an Open of it by a fresh replica";
            String expected = "deltas whose context covers " + written.dot() + " and that hold " + written.value() + " under " + written.key();
            State state = DocumentsModel.empty();
            while (!state.context().contains(written.dot())) {
                SessionMessage next = r.poll(x -> x instanceof SessionMessage.Delta d && d.channel() == 7, "a delta of " + written.document());
                if (next == null) {
                    throw broken(rule, input, expected, "deltas that hold " + state.store() + ", then nothing within "
                            + PeerChecks.READ_TIMEOUT_MILLIS + " ms");
                }
                state = DocumentsModel.join(state, (SessionMessage.Delta) next, r);
                r.send(new SessionMessage.Ack(read.channel(), ((SessionMessage.Delta) next).toSeq()));
            }
            Store forwarded = ((ORMap) state.store()).entries().get(written.key());
            if (!written.value().equals(forwarded)) {
                throw broken(rule, input, expected, "deltas whose context covers it and that hold " + forwarded + " there");
            }
        }
    }
}
