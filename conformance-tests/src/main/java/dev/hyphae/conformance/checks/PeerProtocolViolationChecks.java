package dev.hyphae.conformance.checks;

import dev.hyphae.ErrorCode;
import dev.hyphae.ProtocolException;
import dev.hyphae.conformance.Checks;
import dev.hyphae.conformance.Profile;
import dev.hyphae.data.ReplicaId;
import dev.hyphae.handshake.AccessPolicy.Right;
import dev.hyphae.model.CrdtType;
import dev.hyphae.model.Mutation;
import dev.hyphae.model.Mutators;
import dev.hyphae.model.State;
import dev.hyphae.model.encoding.PayloadEncoder;
import dev.hyphae.session.SessionMessage;
import dev.hyphae.spec.Requirement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.TreeMap;

import static dev.hyphae.conformance.checks.PeerChecks.RANDOM;
import static dev.hyphae.conformance.checks.PeerChecks.READ_TIMEOUT_MILLIS;
import static dev.hyphae.conformance.checks.PeerChecks.acknowledges;
import static dev.hyphae.conformance.checks.PeerChecks.answersOpen;
import static dev.hyphae.conformance.checks.PeerChecks.broken;
import static dev.hyphae.conformance.checks.PeerChecks.expectSessionError;
import static dev.hyphae.conformance.checks.PeerChecks.freshDocument;
import static dev.hyphae.conformance.checks.PeerChecks.increment;
import static dev.hyphae.conformance.checks.PeerChecks.openDocument;
import static dev.hyphae.conformance.checks.PeerChecks.openOf;
import static dev.hyphae.conformance.checks.PeerChecks.writeInASessionOfItsOwn;

/**
 * The Peer profile's checks of single messages that are valid as messages but that the session does not allow where they
 * come: a Summary that the peer did not ask for, a message on a channel that the peer never chose, an Open that answers
 * an Open that the peer never sent, an Open that names the peer's own replica id, and a delta whose payload's root is not
 * a map. Each is one message of the suite, and the peer's answer to it.
 *
 * <p>Requirements the suite breaks on purpose (HY-CONF-048): every check of this class plays an attacker, and sends one
 * message that a conforming peer never sends where the check sends it, which the rule that the check judges has the
 * receiver refuse: a Summary that was not asked for, a message on a channel that the peer did not choose (HY-SESS-024),
 * an Open that answers no Open of the peer's (HY-SESS-090) or that opens a document a second time (HY-SESS-031), an Open
 * under the peer's own replica id, which is not the suite's (HY-SESS-058 has the receiver refuse it), and a delta whose
 * payload's root is not an ORMap, which no document of this version holds (HY-SYNC-019 has the receiver refuse it). Each
 * check's description names the rule.
 */
@ExtendWith(PeerCheckLifecycle.class)
@Checks(Profile.PEER)
class PeerProtocolViolationChecks {

    /** A channel number that no peer chooses before a few billion documents: one that the peer has not chosen. */
    private static final long NEVER_CHOSEN = 4_000_000_000L;

    /**
     * A Summary of a document whose Open by the suite stated its summary, so that the peer has nothing to ask for. The suite
     * plays an attacker on purpose: it sends a Summary that was not asked for, which HY-SESS-088 has the receiver refuse. No
     * requirement id forbids the sender this Summary in so many words: the chapter has a peer send a Summary in answer to a
     * SummaryRequest (HY-SESS-082), and in no other case.
     */
    @Test
    @Requirement("HY-SESS-088")
    void aSummaryThatWasNeverAskedForEndsTheSession() throws Exception {
        try (PeerConnection c = PeerConnection.open()) {
            // The suite's Open states its summary, empty: the peer has nothing to ask for.
            SessionMessage.Open answer = openDocument(c, freshDocument(), ReplicaId.random(RANDOM));
            c.send(new SessionMessage.Summary(answer.channel(), new TreeMap<>()));
            expectSessionError(c, ErrorCode.PROTOCOL_VIOLATION, "a receiver ends the session with PROTOCOL_VIOLATION (code 2) when it"
                    + " receives a Summary of a document for which it has sent no SummaryRequest on the session (HY-SESS-088)",
                    "an Open of a fresh document whose summary is stated, empty, then a Summary on the peer's channel of it, which the"
                            + " peer never asked for");
        }
    }

    /**
     * The peer holds a write of a document that a neighbour with no summary and no position opens: if the peer asks for the
     * summary, the suite answers, and then sends a second Summary. A peer that sends the state instead never asks, and meets
     * no second Summary: for it, the check above is the whole of HY-SESS-088. The suite plays an attacker on purpose with
     * its second Summary, which answers no request.
     */
    @Test
    @Requirement("HY-SESS-088")
    void aSecondSummaryEndsTheSession() throws Exception {
        String document = freshDocument();
        writeInASessionOfItsOwn(document, ReplicaId.random(RANDOM), 3);
        try (PeerConnection c = PeerConnection.open()) {
            c.send(new SessionMessage.Open(7, document, Right.WRITE, Right.WRITE, ReplicaId.random(RANDOM), null, null, 0, 16));
            SessionMessage.Open answer = (SessionMessage.Open) c.next(m -> m instanceof SessionMessage.Open o && answersOpen(o, 7, document),
                    "answer to its Open of " + document);
            SessionMessage m = c.next(x -> x instanceof SessionMessage.SummaryRequest r && r.channel() == 7
                    || x instanceof SessionMessage.Delta d && d.channel() == 7, "a SummaryRequest, or a delta of " + document);
            if (!(m instanceof SessionMessage.SummaryRequest)) {
                throw new dev.hyphae.conformance.Unsupported("the peer sent a delta of a document that it holds to a neighbour whose"
                        + " Open stated no summary without asking for the summary: a second Summary, which this check sends after the"
                        + " first that a peer asked for, has no place in its session");
            }
            c.send(new SessionMessage.Summary(answer.channel(), new TreeMap<>()));
            c.send(new SessionMessage.Summary(answer.channel(), new TreeMap<>()));
            expectSessionError(c, ErrorCode.PROTOCOL_VIOLATION, "a receiver ends the session with PROTOCOL_VIOLATION (code 2) when it"
                    + " receives a second Summary of a document (HY-SESS-088)", "an Open of " + document + ", which the peer holds, with"
                    + " no summary, then, on the peer's SummaryRequest, a Summary, empty, and a second one");
        }
    }

    /**
     * A SummaryRequest, or a Summary, on a channel that the peer never chose ends the session, as an Ack there would. The
     * suite plays an attacker on purpose: each names a channel that the peer did not choose, which HY-SESS-025, applied by
     * HY-SESS-089, has the receiver refuse; HY-SESS-024 binds a sender so for a Delta, an Ack, a SessionError and a Close,
     * and no rule lets a sender name, in a SummaryRequest or a Summary, a channel that the receiver did not choose.
     */
    @Test
    @Requirement("HY-SESS-089")
    void aSummaryRequestOrASummaryOnAChannelNeverChosenEndsTheSession() throws Exception {
        String rule = "a receiver applies HY-SESS-025 to a SummaryRequest or a Summary as to an Ack: it ends the session with"
                + " PROTOCOL_VIOLATION (code 2) when one names a channel number that the receiver has not chosen in an Open of the"
                + " session (HY-SESS-089)";
        try (PeerConnection c = PeerConnection.open()) {
            c.send(new SessionMessage.SummaryRequest(NEVER_CHOSEN));
            expectSessionError(c, ErrorCode.PROTOCOL_VIOLATION, rule, "a SummaryRequest on channel " + NEVER_CHOSEN + ", which the"
                    + " peer never chose");
        }
        try (PeerConnection c = PeerConnection.open()) {
            c.send(new SessionMessage.Summary(NEVER_CHOSEN, new TreeMap<>()));
            expectSessionError(c, ErrorCode.PROTOCOL_VIOLATION, rule, "a Summary, empty, on channel " + NEVER_CHOSEN + ", which the"
                    + " peer never chose");
        }
    }

    /**
     * An Open that answers a channel on which the peer sent no Open, with its document or without, and an answer to the
     * peer's answer, which opens the document a second time, each end the session. The suite plays an attacker on purpose:
     * a conforming peer answers only an Open that it received (HY-SESS-090), and opens a document once (HY-SESS-031).
     */
    @Test
    @Requirement("HY-SESS-091")
    void anAnswerToNoOpenOfThePeersEndsTheSession() throws Exception {
        String rule = "a receiver ends the session with PROTOCOL_VIOLATION (code 2) when the answers of an Open is not the channel of an"
                + " Open that the receiver has sent on the session, or when the sender has already opened that document on the session,"
                + " for instance by the Open that the receiver's Open answered (HY-SESS-091)";
        for (boolean named : new boolean[] {true, false}) {
            String document = freshDocument();
            try (PeerConnection c = PeerConnection.open()) {
                c.send(new SessionMessage.Open(7, named ? document : null, Right.WRITE, Right.WRITE, ReplicaId.random(RANDOM),
                        new TreeMap<>(), null, 0, 16, NEVER_CHOSEN));
                String input = "an Open on channel 7 " + (named ? "of " + document : "without a document") + " whose answers is "
                        + NEVER_CHOSEN + ", a channel on which the peer sent no Open";
                if (named) {
                    expectSessionError(c, ErrorCode.PROTOCOL_VIOLATION, rule, input);
                    continue;
                }
                try {
                    expectSessionError(c, ErrorCode.PROTOCOL_VIOLATION, rule, input);
                } catch (AssertionError failure) {
                    if (c.receivedOf(SessionMessage.Open.class).stream().anyMatch(o -> o.channel() == NEVER_CHOSEN && o.answers() == 0)) {
                        throw new dev.hyphae.conformance.Unsupported("the peer opened a document of its own on channel " + NEVER_CHOSEN
                                + ", which the suite's Open without a document then answered");
                    }
                    throw failure;
                }
            }
        }
        String document = freshDocument();
        ReplicaId me = ReplicaId.random(RANDOM);
        try (PeerConnection c = PeerConnection.open()) {
            SessionMessage.Open answer = openDocument(c, document, me);
            c.send(new SessionMessage.Open(8, null, Right.WRITE, Right.WRITE, me, new TreeMap<>(), null, 0, 16, answer.channel()));
            expectSessionError(c, ErrorCode.PROTOCOL_VIOLATION, rule, "an Open of " + document + " on channel 7, then, after the peer's"
                    + " answer on its channel " + answer.channel() + ", an Open on channel 8 without a document whose answers is "
                    + answer.channel() + ": a second Open of the document");
        }
    }

    /**
     * An answer is read against the peer's Open that it answers. The peer opens a document of its own on the suite's
     * session when another session writes it; the suite answers that Open without the document, and its delta on the
     * document is acknowledged; an answer that names another document ends the session; and an answer to an Open that
     * the suite has refused, which closed the document, is ignored. The suite plays an attacker on purpose in the last
     * two: a conforming peer names in an answer the document of the Open it answers, and does not answer an Open that it
     * refused (HY-SESS-090).
     */
    @Test
    @Requirement("HY-SESS-091")
    void anAnswerIsReadAgainstThePeersOpenThatItAnswers() throws Exception {
        String rule = "a receiver reads an Open whose answers is not 0 as naming the document of the receiver's Open whose channel is"
                + " answers when its document is absent; ends the session with PROTOCOL_VIOLATION (code 2) when the document is present"
                + " and differs from the document of that Open; and ignores the Open when the receiver has closed that document on"
                + " the session (HY-SESS-091)";
        ReplicaId me = ReplicaId.random(RANDOM);
        try (PeerConnection c = PeerConnection.open()) {
            java.util.List<SessionMessage.Open> opens = peersOwnOpens(c, 3);
            SessionMessage.Open own = opens.get(0);
            c.send(new SessionMessage.Open(7, null, Right.WRITE, Right.WRITE, me, new TreeMap<>(), null, 0, 16, own.channel()));
            c.send(new SessionMessage.Delta(own.channel(), SessionMessage.Kind.INTERVAL, 0, 1, increment(me, 1)));
            SessionMessage m = c.next(x -> acknowledges(x, 7, 1) || x instanceof SessionMessage.SessionError,
                    "acknowledgement of a delta of the document that an answer without its document names");
            if (!acknowledges(m, 7, 1)) {
                throw c.broken(rule, "an acknowledgement of entry 1 on channel 7: the answer on channel 7 without a document names "
                        + own.document() + ", the document of the peer's Open on its channel " + own.channel(), m);
            }
            SessionMessage.Open refused = opens.get(1);
            c.send(new SessionMessage.SessionError(refused.channel(), 0, ErrorCode.ACCESS_DENIED.value(), "no access to this document"));
            c.send(new SessionMessage.Open(8, null, Right.WRITE, Right.WRITE, me, new TreeMap<>(), null, 0, 16, refused.channel()));
            c.send(new SessionMessage.Ping(0x91));
            m = c.next(x -> x.equals(new SessionMessage.Pong(0x91)) || x instanceof SessionMessage.SessionError e
                    && (e.channel() == 0 || e.channel() == 8) || x instanceof SessionMessage.Open o && o.answers() == 8,
                    "the Pong of a Ping after an answer to an Open that the suite refused");
            if (!m.equals(new SessionMessage.Pong(0x91))) {
                throw c.broken(rule, "the Pong of the suite's Ping, and no answer to, nor refusal of, the suite's Open on channel 8,"
                        + " which answers an Open that the suite refused (HY-SESS-150: the peer treats the document as closed)", m);
            }
            SessionMessage.Open third = opens.get(2);
            String other = freshDocument();
            c.send(new SessionMessage.Open(9, other, Right.WRITE, Right.WRITE, me, new TreeMap<>(), null, 0, 16, third.channel()));
            expectSessionError(c, ErrorCode.PROTOCOL_VIOLATION, rule, c.input() + "; the last, an Open of " + other
                    + " whose answers is " + third.channel() + ", the peer's channel of its Open of " + third.document());
        }
    }

    /**
     * The peer's Opens of {@code count} documents of its own on {@code c}, not answers, in the order of the documents: the
     * suite writes fresh documents in a session of its own, and a peer that grants the suite read opens them on the suite's
     * other sessions. A peer that does not is not judged by the checks that need it.
     */
    private static java.util.List<SessionMessage.Open> peersOwnOpens(PeerConnection c, int count) throws Exception {
        java.util.List<String> documents = new java.util.ArrayList<>();
        // The Pong says that the session is up before the writes, so that the peer has it to open the documents on.
        c.send(new SessionMessage.Ping(0x90));
        c.next(x -> x.equals(new SessionMessage.Pong(0x90)), "the Pong of the suite's first Ping");
        ReplicaId writer = ReplicaId.random(RANDOM);
        try (PeerConnection w = PeerConnection.open()) {
            for (int i = 0; i < count; i++) {
                String document = freshDocument();
                documents.add(document);
                long channel = 7 + i;
                SessionMessage.Open answer = openDocument(w, channel, document, writer);
                w.send(new SessionMessage.Delta(answer.channel(), SessionMessage.Kind.STATE, 0, 1, increment(writer, 1)));
                w.next(m -> acknowledges(m, channel, 1), "acknowledgement of entry 1 of " + document);
            }
            w.send(new SessionMessage.Close(0, ErrorCode.NO_ERROR.value(), "done"));
        }
        java.util.List<SessionMessage.Open> opens = new java.util.ArrayList<>();
        for (String document : documents) {
            SessionMessage.Open own = c.receivedOf(SessionMessage.Open.class).stream()
                    .filter(o -> o.answers() == 0 && document.equals(o.document())).findFirst().orElse(null);
            if (own == null) {
                own = (SessionMessage.Open) c.poll(x -> x instanceof SessionMessage.Open o && o.answers() == 0 && document.equals(o.document()),
                        "the peer's Open of " + document + ", which another session wrote");
            }
            if (own == null) {
                throw new dev.hyphae.conformance.Unsupported("the peer did not open on the suite's session a document that another"
                        + " session wrote, within " + READ_TIMEOUT_MILLIS + " ms: an answer to an Open of the peer's cannot be sent");
            }
            opens.add(own);
        }
        return opens;
    }

    /**
     * The suite learns the peer's replica id from its answer in one session, and opens a document under that id in the next,
     * first thing: no other rule on replica ids (HY-SESS-032) can end that session. The suite plays an attacker on purpose:
     * it opens a document under a replica id that is not its own, the peer's, which HY-SESS-058 has the receiver refuse. No
     * requirement id binds the sender here in so many words: an Open names the sender's own replica id.
     */
    @Test
    @Requirement("HY-SESS-058")
    void anOpenThatNamesThePeersOwnReplicaIdEndsTheSession() throws Exception {
        ReplicaId peers;
        try (PeerConnection c = PeerConnection.open()) {
            peers = openDocument(c, freshDocument(), ReplicaId.random(RANDOM)).replica();
        }
        String document = freshDocument();
        String rule = "a receiver ends the session with PROTOCOL_VIOLATION (code 2) when an Open names the receiver's own replica id"
                + " (HY-SESS-058)";
        String input = "in a first session, an Open of a fresh document, which the peer answered under the replica id " + peers
                + "; in a second, first thing, an Open of " + document + " whose replica is " + peers;
        try (PeerConnection c = PeerConnection.open()) {
            c.send(openOf(7, document, peers));
            SessionMessage m = c.poll(x -> x instanceof SessionMessage.SessionError e && e.channel() == 0
                    || x instanceof SessionMessage.Close close && close.channel() == 0
                    || x instanceof SessionMessage.Open o && answersOpen(o, 7, document), "answer to an Open under its own replica id");
            for (SessionMessage.Open own : c.receivedOf(SessionMessage.Open.class)) {
                if (!own.replica().equals(peers)) {
                    throw new dev.hyphae.conformance.Unsupported("the peer opened documents under the replica id " + own.replica()
                            + " in a session after one in which it answered under " + peers + ": the suite cannot name the peer's own"
                            + " replica id before it has sent an Open");
                }
            }
            // The code is judged here, the form of the end by HY-SESS-140's own check.
            String expected = "the end of the session with code 2 PROTOCOL_VIOLATION";
            if (PeerMessageFormChecks.codeOf(m) != ErrorCode.PROTOCOL_VIOLATION.value()) {
                throw broken(rule, input, expected, m == null ? "nothing of the kind within " + READ_TIMEOUT_MILLIS + " ms; the peer sent "
                        + c.received : m);
            }
        }
    }

    /**
     * A delta whose payload is a PNCounter, not a document's root map, is refused with MALFORMED_DELTA naming it. That the
     * session and the document carry on after a refused delta is HY-SYNC-025's, which PeerChecks judges. The suite plays an
     * attacker on purpose: it sends a delta whose root is not an ORMap (CRDT type 7), the root of every document of this
     * version, which HY-SYNC-019 has the receiver refuse. No requirement id binds the sender in so many words: the root is
     * stated, not required, in chapter "Synchronisation".
     */
    @Test
    @Requirement("HY-SYNC-019")
    void aDeltaWhoseRootIsNotAMapIsRefused() throws Exception {
        String document = freshDocument();
        ReplicaId me = ReplicaId.random(RANDOM);
        String rule = "a receiver refuses a Delta whose payload's root CRDT type id is not 7, with MALFORMED_DELTA (code 101) in a"
                + " SessionError that names the delta (HY-SYNC-019)";
        try (PeerConnection c = PeerConnection.open()) {
            SessionMessage.Open answer = openDocument(c, document, me);
            byte[] counter = PayloadEncoder.encode(Mutators.delta(State.empty(CrdtType.PNCOUNTER.id()),
                    new dev.hyphae.model.ReplicaId(me.toHex()), new Mutation.Increment(5)));
            c.send(new SessionMessage.Delta(answer.channel(), SessionMessage.Kind.INTERVAL, 0, 1, counter));
            SessionMessage refusal = c.next(m -> m instanceof SessionMessage.SessionError || acknowledges(m, 7, 1),
                    "refusal of a delta whose root is a PNCounter");
            if (!(refusal instanceof SessionMessage.SessionError e) || e.channel() != 7 || e.seq() != 1
                    || e.code() != ErrorCode.MALFORMED_DELTA.value()) {
                throw c.broken(rule, "a SessionError of channel 7, seq 1, code 101 MALFORMED_DELTA", refusal);
            }
        }
    }
}
