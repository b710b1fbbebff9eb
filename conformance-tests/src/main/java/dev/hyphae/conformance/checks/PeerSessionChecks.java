package dev.hyphae.conformance.checks;

import dev.hyphae.ErrorCode;
import dev.hyphae.ProtocolException;
import dev.hyphae.conformance.Checks;
import dev.hyphae.conformance.Profile;
import dev.hyphae.data.ReplicaId;
import dev.hyphae.handshake.AccessPolicy.Right;
import dev.hyphae.session.SessionMessage;
import dev.hyphae.spec.Requirement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;

import static dev.hyphae.conformance.checks.PeerChecks.RANDOM;
import static dev.hyphae.conformance.checks.PeerChecks.acknowledges;
import static dev.hyphae.conformance.checks.PeerChecks.answersOpen;
import static dev.hyphae.conformance.checks.PeerChecks.broken;
import static dev.hyphae.conformance.checks.PeerChecks.freshDocument;
import static dev.hyphae.conformance.checks.PeerChecks.increment;
import static dev.hyphae.conformance.checks.PeerChecks.openDocument;
import static dev.hyphae.conformance.checks.PeerChecks.writeInASessionOfItsOwn;

/**
 * The Peer profile's checks of chapter "Session" that a peer shows only in what it sends: the channel numbers that it
 * chooses and names, what it does once a document is closed, and what it sends where it may only read. The client they drive is {@link PeerConnection}.
 */
@ExtendWith(PeerCheckLifecycle.class)
@Checks(Profile.PEER)
class PeerSessionChecks {

    /** The channels that the suite chooses in its Opens of {@link #channelsAreChosenAfreshAndNamedAsTheReceiverChoseThem}. */
    private static final Set<Long> SUITE_CHANNELS = Set.of(1001L, 1002L, 1003L);

    /**
     * A Close of a document closes that document alone, whatever its code (HY-REG-004). The suite closes one of two
     * documents with LIMIT_EXCEEDED, a code of session scope that a peer sends in the Close of one document whose state
     * no payload can carry (HY-DATA-067), then writes the other: the peer acknowledges the write, the session going on.
     */
    @Test
    @Requirement("HY-REG-004")
    void aCloseOfADocumentWithACodeOfSessionScopeClosesThatDocumentAlone() throws Exception {
        String closed = freshDocument();
        String other = freshDocument();
        ReplicaId me = ReplicaId.random(RANDOM);
        try (PeerConnection c = PeerConnection.openWriting()) {
            SessionMessage.Open a = openDocument(c, 2001, closed, me);
            SessionMessage.Open b = openDocument(c, 2002, other, me);
            String law = "a Close of a document closes that document alone, whatever its code (HY-REG-004)";
            String expected = "an acknowledgement of channel 2002 with seq 1, the session going on";
            c.send(new SessionMessage.Close(a.channel(), ErrorCode.LIMIT_EXCEEDED.value(), "no one payload can carry this state"));
            c.send(new SessionMessage.Delta(b.channel(), SessionMessage.Kind.STATE, 0, 1, increment(me, 4)));
            SessionMessage m = c.next(x -> acknowledges(x, 2002, 1)
                    || x instanceof SessionMessage.SessionError e && e.channel() == 0
                    || x instanceof SessionMessage.Close close && close.channel() == 0,
                    "acknowledgement of the write of " + other + " (entry 1), the session going on after the Close of " + closed
                            + " with LIMIT_EXCEEDED (HY-REG-004)");
            if (!acknowledges(m, 2002, 1)) {
                throw c.broken(law, expected, m);
            }
        }
    }

    /**
     * What the peer did in a session in which the suite, numbering its channels from 1001 (apart from the numbers a peer
     * is likely to choose, so that a peer that names its own number where the suite's belongs is seen), opens a first
     * document and writes it, closes it, sends a Ping, opens a second document, opens the first again, and writes the
     * second: the peer's answers to the three Opens ({@code reopened} is the answer to the third, which may be a refusal,
     * after which the session may be over), everything it sent, and how much of it came before the Pong that followed the
     * suite's Close. What the peer sent before the Close reached it crosses the Close and is not held against it.
     */
    private record Channels(SessionMessage.Open first, SessionMessage.Open second, SessionMessage reopened, List<SessionMessage> received,
            int closedAt) {
    }

    private static final String CHANNELS_INPUT = "an Open of a first document on channel 1001, a write of it, a Close of channel 1001, a"
            + " Ping, an Open of a second document on channel 1002, an Open of the first again on channel 1003, a write of the second,"
            + " a Ping";

    private static Channels channels() throws IOException, ProtocolException {
        String first = freshDocument();
        String second = freshDocument();
        ReplicaId me = ReplicaId.random(RANDOM);
        try (PeerConnection c = PeerConnection.openWriting()) {
            SessionMessage.Open a = openDocument(c, 1001, first, me);
            c.send(new SessionMessage.Delta(a.channel(), SessionMessage.Kind.STATE, 0, 1, increment(me, 1)));
            awaitAcknowledgement(c, 1001, 1);
            c.send(new SessionMessage.Close(a.channel(), ErrorCode.NO_ERROR.value(), "done with the document"));
            c.send(new SessionMessage.Ping(0x1054));
            c.next(m -> m.equals(new SessionMessage.Pong(0x1054)), "Pong after the suite's Close of " + first);
            int closedAt = c.received.size();
            SessionMessage.Open b = openDocument(c, 1002, second, me);
            c.send(new SessionMessage.Open(1003, first, Right.WRITE, Right.WRITE, me, new TreeMap<>(), null, 0, 16));
            SessionMessage reopened = c.next(m -> m instanceof SessionMessage.Open o && answersOpen(o, 1003, first)
                    || m instanceof SessionMessage.SessionError e && (e.channel() == 0 || e.channel() == 1003),
                    "answer to a second Open of " + first + ", which the suite closed");
            if (reopened instanceof SessionMessage.Open) {
                c.send(new SessionMessage.Delta(b.channel(), SessionMessage.Kind.STATE, 0, 1, increment(me, 2)));
                awaitAcknowledgement(c, 1002, 1);
                c.send(new SessionMessage.Ping(0x1001));
                c.next(m -> m.equals(new SessionMessage.Pong(0x1001)), "Pong");
            }
            return new Channels(a, b, reopened, List.copyOf(c.received), closedAt);
        }
    }

    /**
     * Waits for an acknowledgement of entry {@code seq} on the suite's channel {@code channel}, or for any message that
     * names a channel the suite did not choose: {@link #theReceiversChannelIsNamedInEveryMessageOfADocument} judges that
     * one at once, rather than after the read timeout of an acknowledgement that never comes on the suite's channel.
     * Other messages may come first, a Delta of the document among them (the suite's own write sent back, HY-SYNC-026,
     * HY-SYNC-027).
     */
    private static void awaitAcknowledgement(PeerConnection c, long channel, long seq) throws IOException, ProtocolException {
        c.next(x -> acknowledges(x, channel, seq) || !namesASuiteChannel(c, x),
                "acknowledgement of entry " + seq + " on channel " + channel);
    }

    /**
     * Each document that the peer answers gets a number the peer has not chosen before in the session (HY-SESS-023), a
     * document reopened after its Close too (HY-SESS-154).
     */
    @Test
    @Requirement({"HY-SESS-023", "HY-SESS-154"})
    void channelsAreChosenAfreshForEveryOpenOfTheSession() throws Exception {
        Channels s = channels();
        if (s.second().channel() == s.first().channel()) {
            throw broken("a peer chooses, in each Open that it sends, a channel that it has not chosen for another document of the same"
                    + " session (HY-SESS-023)", CHANNELS_INPUT, "an answer to the Open on 1002 with a channel other than "
                    + s.first().channel(), s.second());
        }
        if (!(s.reopened() instanceof SessionMessage.Open again)) {
            throw broken("a document that was closed on the session may be opened again (HY-SESS-031), and a peer under test grants"
                            + " the suite write on it (HY-CONF-045): without its answer, no channel of a document opened again can be seen"
                            + " (HY-SESS-154)", CHANNELS_INPUT, "an Open that answers the Open on channel 1003", s.reopened());
        }
        if (again.channel() == s.first().channel() || again.channel() == s.second().channel()) {
            throw broken("a peer chooses, in an Open of a document that was closed on the session, a channel that it has not chosen"
                            + " before in the session (HY-SESS-154)", CHANNELS_INPUT, "an answer to the Open on 1003 with a channel other"
                            + " than " + s.first().channel() + " and " + s.second().channel(), again);
        }
    }

    /** The peer names the suite's number in every Delta, Ack, SessionError and Close of a document. */
    @Test
    @Requirement("HY-SESS-024")
    void theReceiversChannelIsNamedInEveryMessageOfADocument() throws Exception {
        Channels s = channels();
        for (SessionMessage m : s.received()) {
            if (!namesASuiteChannel(s.received(), m)) {
                throw broken("a peer sets the channel of every Delta, Ack, SessionError and Close of a document to the number that the"
                                + " receiver chose in its Open of it (HY-SESS-024)", CHANNELS_INPUT,
                        "messages that name the suite's channels " + SUITE_CHANNELS + ", or 0 for the session", m);
            }
        }
    }

    /**
     * Once the suite's Close of a document has reached the peer (its Ping after the Close was answered), the peer sends
     * nothing more about it (HY-SESS-054), and takes a new Open of it as the Open of a closed document (HY-SESS-031).
     */
    @Test
    @Requirement({"HY-SESS-054", "HY-SESS-031"})
    void aDocumentThatTheSuiteClosedIsClosedForThePeer() throws Exception {
        Channels s = channels();
        String rule = "a receiver of a Close of a document treats the document as closed on the session (HY-SESS-054): it sends nothing"
                + " more about it, and an Open of it may then be sent again (HY-SESS-031)";
        if (s.reopened() instanceof SessionMessage.SessionError e) {
            throw broken(rule, CHANNELS_INPUT, "an answer to the Open on 1003", e);
        }
        for (SessionMessage m : s.received().subList(s.closedAt(), s.received().size())) {
            if (SessionMessage.channelNamed(m) == 1001) {
                throw broken(rule, CHANNELS_INPUT, "nothing on channel 1001 after the Pong that followed its Close", m);
            }
        }
    }

    /**
     * Whether {@code m}, if a Delta, Ack, SessionError or Close, names a channel that the suite chose, or 0 for one of
     * the session. The channel of an Open of the peer's own, which the suite leaves unanswered here, is also accepted:
     * the peer has no number of the suite's to name for it.
     */
    private static boolean namesASuiteChannel(PeerConnection c, SessionMessage m) {
        return namesASuiteChannel(c.received, m);
    }

    private static boolean namesASuiteChannel(List<SessionMessage> received, SessionMessage m) {
        boolean namesAChannel = m instanceof SessionMessage.Delta || m instanceof SessionMessage.Ack
                || m instanceof SessionMessage.SessionError || m instanceof SessionMessage.Close;
        if (!namesAChannel) {
            return true;
        }
        long channel = SessionMessage.channelNamed(m);
        if (channel == 0) {
            return m instanceof SessionMessage.SessionError || m instanceof SessionMessage.Close;
        }
        return SUITE_CHANNELS.contains(channel) || received.stream()
                .anyMatch(x -> x instanceof SessionMessage.Open o && o.answers() == 0 && o.channel() == channel);
    }

    /**
     * The suite's reader opens a fresh document and grants the peer read only: the peer answers with mode read
     * (HY-SESS-147). The suite's writer then writes the document, and the peer, which would pass the write on to a
     * neighbour that granted it write (HY-SYNC-004), sends the reader no Delta of it, neither as one the reader did not
     * grant it write for (HY-SESS-035) nor on a document whose Open asked for read (HY-SESS-037). The reader's Ping, sent
     * once the writer's write is acknowledged, is answered once the peer has acted on the write.
     */
    @Test
    @Requirement({"HY-SESS-035", "HY-SESS-037", "HY-SESS-147"})
    void aPeerGrantedReadOnlySendsNoDelta() throws Exception {
        String document = freshDocument();
        ReplicaId writer = ReplicaId.random(RANDOM);
        try (PeerConnection r = PeerConnection.open(); PeerConnection w = PeerConnection.openWriting()) {
            r.send(new SessionMessage.Open(7, document, Right.READ, Right.READ, ReplicaId.random(RANDOM), new TreeMap<>(), null, 0, 16));
            SessionMessage.Open answer = (SessionMessage.Open) r.next(m -> m instanceof SessionMessage.Open o && answersOpen(o, 7, document),
                    "answer to an Open that grants the peer read only");
            if (answer.mode() != Right.READ) {
                throw r.broken("a peer that answers an Open whose granted is less than 2 sets the mode of its answer to 1, read"
                        + " (HY-SESS-147)", "an Open of " + document + " with mode 1 (read)", answer);
            }
            SessionMessage.Open written = openDocument(w, document, writer);
            w.send(new SessionMessage.Delta(written.channel(), SessionMessage.Kind.STATE, 0, 1, increment(writer, 3)));
            w.next(m -> acknowledges(m, 7, 1), "acknowledgement of a write of " + document);
            r.send(new SessionMessage.Ping(0x7ead));
            r.next(m -> m.equals(new SessionMessage.Pong(0x7ead)), "Pong after the write was acknowledged");
            for (SessionMessage m : r.received) {
                if (m instanceof SessionMessage.Delta d && d.channel() == 7) {
                    throw broken("a peer sends no Delta to a receiver that did not grant it write (HY-SESS-035), nor on a document whose"
                                    + " Open by it stated mode 1, read (HY-SESS-037, HY-SESS-147)", "from one connection, an Open of " + document
                                    + " that grants the peer read only; from another, a write of " + document + ", acknowledged; then, on the"
                                    + " first, a Ping", "no Delta of channel 7 on the first connection before the Pong",
                            "an answer with mode " + answer.mode() + ", then " + d);
                }
            }
        }
    }

    /**
     * A refusal of the peer's own Open closes the document for the peer (HY-SESS-150): a message that names the peer's
     * channel of it is ignored, not taken for a message on a channel never opened (HY-SESS-025), and the document can be
     * opened again. The suite writes a document, so that the peer holds one at least, and in a later session refuses the
     * first Open of the peer's own, which it may: it grants the peer no right on that document there. Which document that
     * is does not matter: a peer that holds the documents of earlier checks may open any of them, or, its half of the
     * session being full (HY-SESS-155), not the one just written. It then plays an attacker on purpose, sending an
     * acknowledgement on the refused channel, as one that crossed its refusal would arrive. A peer that opens nothing at
     * the session's start gets a second chance: another session of the suite writes the document again, and a peer
     * that opens a document of its own when it changes does so then. A peer that does neither never sends an Open of its
     * own here, so it never meets the refusal that HY-SESS-150 concerns, and leaves this check unsupported: no
     * requirement obliges a peer to open documents of its own accord (HY-SESS-027).
     */
    @Test
    @Requirement({"HY-SESS-150", "HY-SESS-031", "HY-SESS-154"})
    void aRefusalOfThePeersOpenClosesTheDocumentForThePeer() throws Exception {
        String document = freshDocument();
        ReplicaId me = ReplicaId.random(RANDOM);
        writeInASessionOfItsOwn(document, ReplicaId.random(RANDOM), 2);
        try (PeerConnection c = PeerConnection.open()) {
            c.send(new SessionMessage.Ping(0x150));
            SessionMessage m = c.next(x -> x instanceof SessionMessage.Open o && o.answers() == 0 && o.document() != null
                    || x.equals(new SessionMessage.Pong(0x150)), "an Open of the peer's own of a document that it holds, or the Pong");
            if (!(m instanceof SessionMessage.Open)) {
                writeInASessionOfItsOwn(document, ReplicaId.random(RANDOM), 3);
                m = c.poll(x -> x instanceof SessionMessage.Open o && o.answers() == 0 && document.equals(o.document()),
                        "the peer's Open of " + document + ", which another session wrote");
            }
            if (!(m instanceof SessionMessage.Open own)) {
                throw new dev.hyphae.conformance.Unsupported("the peer opened no document of its own, neither at the start of the session"
                        + " nor when another session wrote one that the suite may read; HY-SESS-150 concerns the refusal of a peer's own"
                        + " Open, which such a peer never meets");
            }
            String refused = own.document();
            c.send(new SessionMessage.SessionError(own.channel(), 0, ErrorCode.ACCESS_DENIED.value(), "no access to this document"));
            c.send(new SessionMessage.Ack(own.channel(), 1));
            c.send(new SessionMessage.Ping(0x151));
            SessionMessage answer = c.next(x -> x.equals(new SessionMessage.Pong(0x151)) || x instanceof SessionMessage.SessionError e
                    && e.channel() == 0, "Pong after an Ack on the channel of the peer's refused Open");
            String input = "a refusal, with ACCESS_DENIED, of the peer's Open of " + refused + " on its channel " + own.channel()
                    + ", then an Ack on that channel, a Ping, and an Open of " + refused + " on channel 8";
            if (answer instanceof SessionMessage.SessionError e) {
                throw broken("a refusal of the peer's own Open closes the document for the peer, which then ignores a message that names"
                        + " its channel of it (HY-SESS-150)", input, "a Pong", e);
            }
            c.send(new SessionMessage.Open(8, refused, Right.WRITE, Right.WRITE, me, new TreeMap<>(), null, 0, 16));
            SessionMessage reply = c.next(x -> x instanceof SessionMessage.Open o && answersOpen(o, 8, refused)
                    || x instanceof SessionMessage.SessionError e && (e.channel() == 0 || e.channel() == 8), "answer to the Open on channel 8");
            if (!(reply instanceof SessionMessage.Open again)) {
                throw broken("a document refused on the session may be opened again (HY-SESS-031)", input, "an Open of " + refused, reply);
            }
            if (again.channel() == own.channel()) {
                throw broken("a peer chooses, in an Open of a document that was refused on the session, a channel that it has not chosen"
                        + " before in the session (HY-SESS-154)", input, "an Open with a channel other than " + own.channel(), again);
            }
        }
    }

    /**
     * The suite's reader, whom the peer grants read only (HY-CONF-049), opens a fresh document, which the peer does not
     * hold. The peer answers with its Open, which ends what this check can see of a peer that makes that choice, or, as
     * HY-SESS-060 allows, with a Close of the reader's channel and NO_ERROR. After such a Close it sends nothing more about
     * the document on the session (HY-SESS-053): neither an answer to the Open that it closed nor anything on its
     * channel. Once the suite's writer has written the document, the peer holds it, and opens it itself on the reader's
     * session (HY-SESS-060): an Open that answers nothing, whose channel the reader can then answer.
     */
    @Test
    @Requirement({"HY-SESS-060", "HY-SESS-053"})
    void aReaderGetsADocumentThatThePeerClosedForItOnceThePeerHoldsIt() throws Exception {
        String document = PeerChecks.freshReaderDocument();
        try (PeerConnection r = PeerConnection.openAsReader()) {
            r.send(new SessionMessage.Open(7, document, Right.READ, Right.WRITE, ReplicaId.random(RANDOM), new TreeMap<>(), null, 0, 16));
            SessionMessage answer = r.next(m -> m instanceof SessionMessage.Open o && answersOpen(o, 7, document)
                    || m instanceof SessionMessage.Close c && c.channel() == 7
                    || m instanceof SessionMessage.SessionError e && (e.channel() == 7 || e.channel() == 0),
                    "answer to the reader's Open of " + document + ", which the peer does not hold");
            if (answer instanceof SessionMessage.SessionError e) {
                throw r.broken("a peer under test trusts the suite's reader and grants it read on every document named "
                                + dev.hyphae.conformance.PeerTarget.READER_PREFIX + "* (HY-CONF-049), as the check"
                                + " theSuitesReaderIsGrantedReadOnlyOnItsPrefix shows",
                        "an Open of " + document + ", or a Close of channel 7 (HY-SESS-060)", e);
            }
            String input = "from the suite's reader, which the peer grants read only, an Open on channel 7 of the fresh document " + document
                    + "; once the peer's Close of channel 7 is received, a write of " + document + " by the suite's writer, in a session of"
                    + " its own";
            if (!(answer instanceof SessionMessage.Close close)) {
                return;   // Answered with an Open: the peer does not take the choice that HY-SESS-060 gives it.
            }
            String rule060 = "a peer that answers an Open of a document that it does not hold with a Close of the opener's channel and"
                    + " NO_ERROR opens the document itself on the session once it holds it (HY-SESS-060)";
            if (close.code() != dev.hyphae.ErrorCode.NO_ERROR.value()) {
                throw broken(rule060, input, "a Close of channel 7 with NO_ERROR (0), or an Open", close);
            }
            int closedAt = r.received.size();
            writeInASessionOfItsOwn(document, ReplicaId.random(RANDOM), 4);
            SessionMessage own = r.poll(m -> m instanceof SessionMessage.Open o
                    && (o.answers() == 0 && document.equals(o.document()) || o.answers() == 7), "the peer's own Open of " + document);
            for (SessionMessage m : r.received.subList(closedAt, r.received.size())) {
                if (SessionMessage.channelNamed(m) == 7 && !(m instanceof SessionMessage.Open) || m instanceof SessionMessage.Open o
                        && o.answers() == 7) {
                    throw broken("a peer that sends a Close of a document sends no further message about it on the session (HY-SESS-053):"
                            + " once it holds the document it opens it anew, with an Open of its own that answers nothing", input,
                            "nothing that names channel 7 after the peer's Close of it", m);
                }
            }
            if (!(own instanceof SessionMessage.Open open) || open.channel() == 0) {
                throw broken(rule060, input, "an Open of " + document + " that answers nothing, on a channel of the peer's, within "
                        + PeerChecks.READ_TIMEOUT_MILLIS + " ms of the write", own == null ? "nothing" : own);
            }
        }
    }

    /**
     * A Delta whose to_seq does not pass that of a Delta received before on its channel ends the session with
     * PROTOCOL_VIOLATION (HY-SESS-161). The suite plays an attacker on purpose, breaking HY-SESS-160 as a sender that
     * repeats a state does: it writes a fresh document with a STATE to seq 1, which the peer acknowledges, sends the same
     * STATE again with the same to_seq, then a Ping. A peer that takes the repeat, joining it, acknowledging it or
     * dropping it, answers the Ping; one that checks the order ends the session first, and never answers it.
     */
    @Test
    @Requirement("HY-SESS-161")
    void aDeltaWhoseToSeqDoesNotPassTheOneBeforeItEndsTheSession() throws Exception {
        String document = freshDocument();
        ReplicaId me = ReplicaId.random(RANDOM);
        String rule = "a receiver ends the session with PROTOCOL_VIOLATION when a Delta on the channel of an open document has a"
                + " to_seq that does not pass the to_seq of a Delta that it received before on that channel (HY-SESS-161)";
        String input = "an Open of " + document + " on channel 7, a STATE 0..1 of an increment, acknowledged, then the same STATE 0..1"
                + " again on the same channel, and a Ping";
        String expected = "a SessionError with channel 0, seq 0 and code 2 PROTOCOL_VIOLATION, before any Pong, then the close";
        try (PeerConnection c = PeerConnection.open()) {
            SessionMessage.Open answer = openDocument(c, 7, document, me);
            SessionMessage.Delta state = new SessionMessage.Delta(answer.channel(), SessionMessage.Kind.STATE, 0, 1, increment(me, 5));
            c.send(state);
            c.next(m -> acknowledges(m, 7, 1), "acknowledgement of entry 1");
            c.send(state);
            c.send(new SessionMessage.Ping(0x161));
            SessionMessage m = c.next(x -> x instanceof SessionMessage.SessionError e && e.channel() == 0
                    || x instanceof SessionMessage.Close close && close.channel() == 0
                    || x.equals(new SessionMessage.Pong(0x161)), "session error after a STATE sent again with its to_seq");
            if (m instanceof SessionMessage.Close close) {
                throw broken("a peer that ends a session because of a fault ends it with a SessionError of channel 0 and the fault's code,"
                        + " not a Close (HY-SESS-140)", input, expected, close);
            }
            if (!(m instanceof SessionMessage.SessionError e) || e.code() != ErrorCode.PROTOCOL_VIOLATION.value()) {
                throw broken(rule, input, expected, m);
            }
            c.expectClosed("its session error", "a peer closes the connection after a SessionError of session scope that it"
                    + " sent (HY-SESS-046), within CLOSE_INTERVAL (HY-SESS-143)");
        }
    }

    /**
     * A Delta that is ignored, on a channel of a document that the suite closed, does not count toward the window
     * (HY-SESS-151): the suite sends window + 1 of them, and the session carries on. The suite plays an attacker on
     * purpose, sending deltas after its own Close, which HY-SESS-053 forbids; to the peer they are deltas that crossed
     * the close.
     */
    @Test
    @Requirement({"HY-SESS-151", "HY-SESS-026", "HY-SESS-054"})
    void deltasIgnoredOnAClosedChannelDoNotCountTowardTheWindow() throws Exception {
        String document = freshDocument();
        ReplicaId me = ReplicaId.random(RANDOM);
        try (PeerConnection c = PeerConnection.openWriting()) {
            SessionMessage.Open answer = openDocument(c, 7, document, me);
            String rule = "a receiver ignores a Delta on the channel of a document that it closed (HY-SESS-026), and counts it toward"
                    + " no window (HY-SESS-151)";
            String expected = "the Pong of 0x151, and no SessionError";
            c.send(new SessionMessage.Close(answer.channel(), ErrorCode.NO_ERROR.value(), "done with the document"));
            // A peer that counts these deltas may close the connection before the suite has written them all: the write
            // then fails on the rules of this check, with what the peer sent before the close (PeerConnection#transmit).
            for (int seq = 1; seq <= answer.window() + 1; seq++) {
                c.send(new SessionMessage.Delta(answer.channel(), seq == 1 ? SessionMessage.Kind.STATE : SessionMessage.Kind.INTERVAL,
                        seq - 1, seq, increment(me, seq)));
            }
            c.send(new SessionMessage.Ping(0x151));
            SessionMessage m = c.next(x -> x.equals(new SessionMessage.Pong(0x151)) || x instanceof SessionMessage.SessionError,
                    "Pong after window + 1 deltas on a closed channel");
            if (m instanceof SessionMessage.SessionError e) {
                throw c.broken(rule, expected, e);
            }
        }
    }
}
