package dev.hyphae.conformance.checks;

import dev.hyphae.ErrorCode;
import dev.hyphae.ProtocolException;
import dev.hyphae.conformance.Checks;
import dev.hyphae.conformance.Profile;
import dev.hyphae.conformance.Sut;
import dev.hyphae.conformance.checks.PeerChecks.Connection;
import dev.hyphae.data.ReplicaId;
import dev.hyphae.handshake.AccessPolicy.Right;
import dev.hyphae.session.SessionMessage;
import dev.hyphae.spec.Requirement;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.Set;
import java.util.TreeMap;

import static dev.hyphae.conformance.checks.PeerChecks.RANDOM;
import static dev.hyphae.conformance.checks.PeerChecks.acknowledges;
import static dev.hyphae.conformance.checks.PeerChecks.answersOpen;
import static dev.hyphae.conformance.checks.PeerChecks.freshDocument;
import static dev.hyphae.conformance.checks.PeerChecks.increment;
import static dev.hyphae.conformance.checks.PeerChecks.openDocument;
import static dev.hyphae.conformance.checks.PeerChecks.writeInASessionOfItsOwn;

/**
 * The Peer profile's checks of chapter "Session" that a peer shows only in what it sends: the channel numbers that it
 * chooses and names, what it does once a document is closed, and what it sends where it may only read. The client they drive is {@link PeerChecks.Connection}.
 */
@Checks(Profile.PEER)
class PeerSessionChecks {

    /** The channels that the suite chooses in its Opens of {@link #channelsAreChosenAfreshAndNamedAsTheReceiverChoseThem}. */
    private static final Set<Long> SUITE_CHANNELS = Set.of(1001L, 1002L, 1003L);

    @BeforeEach
    void claimed() {
        Sut.requireProfile(Profile.PEER);
    }

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
        try (Connection c = Connection.openWriting()) {
            SessionMessage.Open a = openDocument(c, 2001, closed, me);
            SessionMessage.Open b = openDocument(c, 2002, other, me);
            String law = "the suite closed " + closed + " with a Close of its channel and LIMIT_EXCEEDED (4), a code of session scope,"
                    + " then wrote " + other + ": a Close of a document closes that document alone, whatever its code (HY-REG-004)";
            c.send(new SessionMessage.Close(a.channel(), ErrorCode.LIMIT_EXCEEDED.value(), "no one payload can carry this state"));
            try {
                c.send(new SessionMessage.Delta(b.channel(), SessionMessage.Kind.STATE, 0, 1, increment(me, 4)));
            } catch (java.io.IOException closedOnIt) {
                throw new AssertionError(law + "; the peer closed the connection instead", closedOnIt);
            }
            SessionMessage m = c.next(x -> acknowledges(x, 2002, 1)
                    || x instanceof SessionMessage.SessionError e && e.channel() == 0
                    || x instanceof SessionMessage.Close close && close.channel() == 0,
                    "acknowledgement of the write of " + other + " (entry 1); " + law);
            if (!acknowledges(m, 2002, 1)) {
                throw new AssertionError(law + "; the peer ended the session with " + m + " instead of acknowledging entry 1");
            }
        }
    }

    /**
     * The suite numbers its channels from 1001, apart from the numbers a peer is likely to choose, so that a peer that
     * names its own number where the suite's belongs is seen. Each document that the peer answers gets a number the peer
     * has not chosen before in the session, a document reopened after its Close too (HY-SESS-154); the peer names the
     * suite's number in every Delta, Ack, SessionError and Close of a document (HY-SESS-024); and once the suite's Close
     * of a document has reached the peer, the peer sends nothing more about it and takes a new Open of it as the Open of
     * a closed document (HY-SESS-054). What the peer sent before the Close reached it crosses the Close and is not held
     * against it: the suite sends a Ping after its Close, and only what names the closed channel after the Pong counts.
     */
    @Test
    @Requirement({"HY-SESS-023", "HY-SESS-024", "HY-SESS-054", "HY-SESS-154", "HY-SESS-031"})
    void channelsAreChosenAfreshAndNamedAsTheReceiverChoseThem() throws Exception {
        String first = freshDocument();
        String second = freshDocument();
        ReplicaId me = ReplicaId.random(RANDOM);
        try (Connection c = Connection.openWriting()) {
            SessionMessage.Open a = openDocument(c, 1001, first, me);
            c.send(new SessionMessage.Delta(a.channel(), SessionMessage.Kind.STATE, 0, 1, increment(me, 1)));
            expectAcknowledged(c, 1001, 1);
            c.send(new SessionMessage.Close(a.channel(), ErrorCode.NO_ERROR.value(), "done with the document"));
            c.send(new SessionMessage.Ping(0x1054));
            c.next(m -> m.equals(new SessionMessage.Pong(0x1054)), "Pong after the suite's Close of " + first);
            int closedAt = c.received.size();

            SessionMessage.Open b = openDocument(c, 1002, second, me);
            if (b.channel() == a.channel()) {
                throw new AssertionError("the peer chose channel " + b.channel() + " for " + second + ", the number it had chosen for "
                        + first + " earlier in the session (HY-SESS-023)");
            }
            c.send(new SessionMessage.Open(1003, first, Right.WRITE, Right.WRITE, me, new TreeMap<>(), null, 0, 16));
            SessionMessage reopened = c.next(m -> m instanceof SessionMessage.Open o && answersOpen(o, 1003, first)
                    || m instanceof SessionMessage.SessionError e && (e.channel() == 0 || e.channel() == 1003),
                    "answer to a second Open of " + first + ", which the suite closed");
            if (reopened instanceof SessionMessage.SessionError e) {
                throw new AssertionError("the suite closed " + first + " with a Close of its channel, which the peer treats as closed"
                        + " (HY-SESS-054) and so may be opened again (HY-SESS-031); the peer answered the new Open with " + e);
            }
            SessionMessage.Open again = (SessionMessage.Open) reopened;
            if (again.channel() == a.channel() || again.channel() == b.channel()) {
                throw new AssertionError("the peer chose channel " + again.channel() + " for " + first + " opened again, a number it had"
                        + " chosen before in the session (" + a.channel() + " and " + b.channel() + "): a document opened again gets new"
                        + " channel numbers (HY-SESS-154, HY-SESS-023)");
            }
            c.send(new SessionMessage.Delta(b.channel(), SessionMessage.Kind.STATE, 0, 1, increment(me, 2)));
            expectAcknowledged(c, 1002, 1);
            c.send(new SessionMessage.Ping(0x1001));
            c.next(m -> m.equals(new SessionMessage.Pong(0x1001)), "Pong");
            expectSuiteChannelsNamed(c);
            for (SessionMessage m : c.received.subList(closedAt, c.received.size())) {
                if (SessionMessage.channelNamed(m) == 1001) {
                    throw new AssertionError("after the suite's Close of " + first + " had reached the peer (its Ping after the Close"
                            + " was answered) the peer sent " + m + " about it (HY-SESS-054)");
                }
            }
        }
    }

    /**
     * Waits for an acknowledgement of entry {@code seq} on the suite's channel {@code channel}. Other messages may come
     * first, a Delta of the document among them (the suite's own write sent back, HY-SYNC-026, HY-SYNC-027); each must
     * name one of the suite's channels ({@link #expectSuiteChannelsNamed}). An acknowledgement that names another
     * channel, the peer's own number among them, fails at once (HY-SESS-024), rather than when the wait runs out.
     */
    private static void expectAcknowledged(Connection c, long channel, long seq) throws IOException, ProtocolException {
        c.next(x -> acknowledges(x, channel, seq) || !namesASuiteChannel(c, x), "acknowledgement of entry " + seq + " on channel "
                + channel);
        expectSuiteChannelsNamed(c);
    }

    /**
     * Every Delta, Ack, SessionError and Close that the peer has sent names a channel that the suite chose in one of its
     * Opens, or channel 0 for a SessionError or Close of the session (HY-SESS-024).
     */
    private static void expectSuiteChannelsNamed(Connection c) {
        for (SessionMessage m : c.received) {
            if (!namesASuiteChannel(c, m)) {
                throw new AssertionError("the peer sent " + m + ", which names channel " + SessionMessage.channelNamed(m)
                        + ", not a number that the suite"
                        + " chose in one of its Opens (" + SUITE_CHANNELS + "): a peer names the receiver's number in every Delta, Ack,"
                        + " SessionError and Close of a document (HY-SESS-024)");
            }
        }
    }

    /**
     * Whether {@code m}, if a Delta, Ack, SessionError or Close, names a channel that the suite chose, or 0 for one of
     * the session. The channel of an Open of the peer's own, which the suite leaves unanswered here, is also accepted:
     * the peer has no number of the suite's to name for it.
     */
    private static boolean namesASuiteChannel(Connection c, SessionMessage m) {
        boolean namesAChannel = m instanceof SessionMessage.Delta || m instanceof SessionMessage.Ack
                || m instanceof SessionMessage.SessionError || m instanceof SessionMessage.Close;
        if (!namesAChannel) {
            return true;
        }
        long channel = SessionMessage.channelNamed(m);
        if (channel == 0) {
            return m instanceof SessionMessage.SessionError || m instanceof SessionMessage.Close;
        }
        return SUITE_CHANNELS.contains(channel) || c.received.stream()
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
        try (Connection r = Connection.open(); Connection w = Connection.openWriting()) {
            r.send(new SessionMessage.Open(7, document, Right.READ, Right.READ, ReplicaId.random(RANDOM), new TreeMap<>(), null, 0, 16));
            SessionMessage.Open answer = (SessionMessage.Open) r.next(m -> m instanceof SessionMessage.Open o && answersOpen(o, 7, document),
                    "answer to an Open that grants the peer read only");
            if (answer.mode() != Right.READ) {
                throw new AssertionError("the suite's Open of " + document + " granted the peer read only; the peer answered with mode "
                        + answer.mode() + ", not read (HY-SESS-147)");
            }
            SessionMessage.Open written = openDocument(w, document, writer);
            w.send(new SessionMessage.Delta(written.channel(), SessionMessage.Kind.STATE, 0, 1, increment(writer, 3)));
            w.next(m -> acknowledges(m, 7, 1), "acknowledgement of a write of " + document);
            r.send(new SessionMessage.Ping(0x7ead));
            r.next(m -> m.equals(new SessionMessage.Pong(0x7ead)), "Pong after the write was acknowledged");
            for (SessionMessage m : r.received) {
                if (m instanceof SessionMessage.Delta d && d.channel() == 7) {
                    throw new AssertionError("the peer, granted read only by the suite's Open, answered with mode " + answer.mode()
                            + " and then sent " + d + ": a peer sends no Delta to a receiver that did not grant it write (HY-SESS-035),"
                            + " nor on a document whose Open asked for read (HY-SESS-037)");
                }
            }
        }
    }

    /**
     * A refusal of the peer's own Open closes the document for the peer (HY-SESS-150): a message that names the peer's
     * channel of it is ignored, not taken for a message on a channel never opened (HY-SESS-025), and the document can be
     * opened again. The suite writes a document, so that the peer holds it, and in a later session refuses the peer's
     * Open of it, which it may: it grants the peer no right on it there. It then plays an attacker on purpose, sending an
     * acknowledgement on the refused channel, as one that crossed its refusal would arrive. A peer that does not open the
     * document at the session's start gets a second chance: another session of the suite writes it again, and a peer
     * that opens a document of its own when it changes does so then. A peer that does neither never sends an Open of its
     * own here, so it never meets the refusal that HY-SESS-150 concerns, and leaves this check unsupported: no
     * requirement obliges a peer to open documents of its own accord (HY-SESS-027).
     */
    @Test
    @Requirement({"HY-SESS-150", "HY-SESS-026", "HY-SESS-029", "HY-SESS-031"})
    void aRefusalOfThePeersOpenClosesTheDocumentForThePeer() throws Exception {
        String document = freshDocument();
        ReplicaId me = ReplicaId.random(RANDOM);
        writeInASessionOfItsOwn(document, ReplicaId.random(RANDOM), 2);
        try (Connection c = Connection.open()) {
            c.send(new SessionMessage.Ping(0x150));
            SessionMessage m = c.next(x -> x instanceof SessionMessage.Open o && o.answers() == 0 && document.equals(o.document())
                    || x.equals(new SessionMessage.Pong(0x150)), "the peer's Open of " + document + ", which it holds, or the Pong");
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
            c.send(new SessionMessage.SessionError(own.channel(), 0, ErrorCode.ACCESS_DENIED.value(), "no access to this document"));
            c.send(new SessionMessage.Ack(own.channel(), 1));
            c.send(new SessionMessage.Ping(0x151));
            SessionMessage answer = c.next(x -> x.equals(new SessionMessage.Pong(0x151)) || x instanceof SessionMessage.SessionError e
                    && e.channel() == 0, "Pong after an Ack on the channel of the peer's refused Open");
            if (answer instanceof SessionMessage.SessionError e) {
                throw new AssertionError("the suite refused the peer's Open of " + document + " on its channel " + own.channel() + ", then sent"
                        + " an Ack there, which the peer ignores, the document being closed for it (HY-SESS-150); the peer ended the session: "
                        + e);
            }
            SessionMessage.Open again = openDocument(c, 8, document, me);
            if (again.channel() == own.channel()) {
                throw new AssertionError("the peer chose channel " + again.channel() + " again for " + document + " opened after a refusal"
                        + " (HY-SESS-154)");
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
    @Requirement({"HY-SESS-060", "HY-SESS-053", "HY-CONF-049", "HY-CONF-050"})
    void aReaderGetsADocumentThatThePeerClosedForItOnceThePeerHoldsIt() throws Exception {
        String document = PeerChecks.freshReaderDocument();
        try (Connection r = Connection.openAsReader()) {
            r.send(new SessionMessage.Open(7, document, Right.READ, Right.WRITE, ReplicaId.random(RANDOM), new TreeMap<>(), null, 0, 16));
            SessionMessage answer = r.next(m -> m instanceof SessionMessage.Open o && answersOpen(o, 7, document)
                    || m instanceof SessionMessage.Close c && c.channel() == 7
                    || m instanceof SessionMessage.SessionError e && (e.channel() == 7 || e.channel() == 0),
                    "answer to the reader's Open of " + document + ", which the peer does not hold");
            if (answer instanceof SessionMessage.SessionError e) {
                throw new AssertionError("the peer refused the reader's Open of " + document + " with " + e + ": it must trust the"
                        + " reader's key with read on documents named " + dev.hyphae.conformance.PeerTarget.READER_PREFIX + "* (HY-CONF-049)");
            }
            if (!(answer instanceof SessionMessage.Close close)) {
                return;   // Answered with an Open: the peer does not take the choice that HY-SESS-060 gives it.
            }
            if (close.code() != dev.hyphae.ErrorCode.NO_ERROR.value()) {
                throw new AssertionError("the peer closed the reader's Open of a document it does not hold with code " + close.code()
                        + ", not NO_ERROR (HY-SESS-060): " + close);
            }
            int closedAt = r.received.size();
            writeInASessionOfItsOwn(document, ReplicaId.random(RANDOM), 4);
            SessionMessage.Open own = (SessionMessage.Open) r.next(m -> m instanceof SessionMessage.Open o
                    && (o.answers() == 0 && document.equals(o.document()) || o.answers() == 7),
                    "the peer's own Open of " + document + ", which it holds once the suite's writer has written it (HY-SESS-060)");
            for (SessionMessage m : r.received.subList(closedAt, r.received.size())) {
                if (SessionMessage.channelNamed(m) == 7 && !(m instanceof SessionMessage.Open) || m instanceof SessionMessage.Open o
                        && o.answers() == 7) {
                    throw new AssertionError("the peer closed the reader's Open of " + document + " on channel 7 and then sent " + m
                            + " about it: after its Close a peer sends nothing more about the document on the session (HY-SESS-053);"
                            + " once it holds the document it opens it anew, with an Open of its own (HY-SESS-060)");
                }
            }
            if (own.channel() == 0) {
                throw new AssertionError("the peer's own Open of " + document + " names channel 0: " + own);
            }
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
        try (Connection c = Connection.openWriting()) {
            SessionMessage.Open answer = openDocument(c, 7, document, me);
            c.send(new SessionMessage.Close(answer.channel(), ErrorCode.NO_ERROR.value(), "done with the document"));
            for (int seq = 1; seq <= answer.window() + 1; seq++) {
                c.send(new SessionMessage.Delta(answer.channel(), seq == 1 ? SessionMessage.Kind.STATE : SessionMessage.Kind.INTERVAL,
                        seq - 1, seq, increment(me, seq)));
            }
            c.send(new SessionMessage.Ping(0x151));
            SessionMessage m = c.next(x -> x.equals(new SessionMessage.Pong(0x151)) || x instanceof SessionMessage.SessionError,
                    "Pong after window + 1 deltas on a closed channel");
            if (m instanceof SessionMessage.SessionError e) {
                throw new AssertionError("the peer answered " + (answer.window() + 1) + " deltas on the channel of a document that the suite"
                        + " closed, which it ignores (HY-SESS-026) and counts toward no window (HY-SESS-151), with " + e);
            }
        }
    }
}
