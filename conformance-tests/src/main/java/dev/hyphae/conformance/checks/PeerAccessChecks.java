package dev.hyphae.conformance.checks;

import dev.hyphae.ErrorCode;
import dev.hyphae.ProtocolException;
import dev.hyphae.conformance.Checks;
import dev.hyphae.conformance.PeerTarget;
import dev.hyphae.conformance.Profile;
import dev.hyphae.data.ReplicaId;
import dev.hyphae.handshake.AccessPolicy.Right;
import dev.hyphae.session.SessionMessage;
import dev.hyphae.spec.Requirement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static dev.hyphae.conformance.checks.PeerChecks.RANDOM;
import static dev.hyphae.conformance.checks.PeerChecks.READ_TIMEOUT_MILLIS;
import static dev.hyphae.conformance.checks.PeerChecks.answersOpen;
import static dev.hyphae.conformance.checks.PeerChecks.broken;
import static dev.hyphae.conformance.checks.PeerChecks.expectSessionError;
import static dev.hyphae.conformance.checks.PeerChecks.freshDocument;
import static dev.hyphae.conformance.checks.PeerChecks.openOf;
import static dev.hyphae.conformance.checks.PeerChecks.writeInASessionOfItsOwn;

/**
 * The Peer profile's checks of the refusal of an Open (chapter "Session", HY-SESS-029 and what follows it) and of the
 * grants that a peer under test gives the suite's two keys (HY-CONF-045, HY-CONF-049). The suite's documents that the
 * peer refuses are named outside {@link PeerTarget#DOCUMENT_PREFIX}, or, for its reader, outside
 * {@link PeerTarget#READER_PREFIX}.
 */
@ExtendWith(PeerCheckLifecycle.class)
@Checks(Profile.PEER)
class PeerAccessChecks {

    /** A name that holds the suite's prefix but does not start with it: the peer grants the suite's key no right on it. */
    private static String deniedDocument() {
        return "denied-" + freshDocument();
    }

    /**
     * Sends an Open of each of {@code documents} on channels 100, 101, ..., all under {@code replica}, and returns the
     * peer's answer to each in order: a SessionError of its channel or of the session, or its Open; null where nothing
     * came within the read timeout, after which nothing more is read.
     */
    private static List<SessionMessage> answersToOpens(PeerConnection c, List<String> documents, ReplicaId replica)
            throws IOException, ProtocolException {
        for (int i = 0; i < documents.size(); i++) {
            c.send(openOf(100 + i, documents.get(i), replica));
        }
        List<SessionMessage> answers = new ArrayList<>();
        for (int i = 0; i < documents.size(); i++) {
            long channel = 100 + i;
            String document = documents.get(i);
            SessionMessage m = c.poll(x -> x instanceof SessionMessage.SessionError e && (e.channel() == channel || e.channel() == 0)
                    || x instanceof SessionMessage.Open o && answersOpen(o, channel, document), "answer to the Open on channel " + channel);
            answers.add(m);
            if (m == null || m instanceof SessionMessage.SessionError e && e.channel() == 0) {
                break;
            }
        }
        return answers;
    }

    /** Whether {@code m} refuses the Open on {@code channel} as HY-SESS-029 requires. */
    private static boolean refuses(SessionMessage m, long channel) {
        return m instanceof SessionMessage.SessionError e && e.channel() == channel && e.seq() == 0 && e.code() == ErrorCode.ACCESS_DENIED.value();
    }

    /**
     * An Open of a document whose name holds the suite's prefix without starting with it is refused: the peer grants the
     * suite's key no right there. The refusal names the document by the suite's channel number and seq 0 (HY-SESS-045).
     */
    @Test
    @Requirement({"HY-SESS-029", "HY-AUTH-012", "HY-CONF-045", "HY-SESS-045"})
    void anOpenOfADocumentOutsideTheGrantIsRefused() throws Exception {
        String document = deniedDocument();
        try (PeerConnection c = PeerConnection.open()) {
            List<SessionMessage> answers = answersToOpens(c, List.of(document), ReplicaId.random(RANDOM));
            if (answers.get(0) instanceof SessionMessage.SessionError e && e.code() == ErrorCode.ACCESS_DENIED.value()
                    && (e.channel() != 100 || e.seq() != 0)) {
                throw broken("a peer sends an error that refuses a document with the receiver's channel number of the document and seq 0"
                                + " (HY-SESS-045); the suite's Open was on channel 100", "an Open on channel 100 of " + document,
                        "a SessionError of channel 100, seq 0, ACCESS_DENIED (600)", e);
            }
            if (!refuses(answers.get(0), 100)) {
                throw broken("a grant on a prefix applies to exactly the documents whose names start with it (HY-AUTH-012); the peer grants"
                                + " the suite's key no right outside " + PeerTarget.DOCUMENT_PREFIX + "* (HY-CONF-045), and refuses an Open"
                                + " of such a document with ACCESS_DENIED on its channel and seq 0 (HY-SESS-029)",
                        "an Open on channel 100 of " + document, "a SessionError of channel 100, seq 0, ACCESS_DENIED (600)",
                        answers.get(0) == null ? "nothing within " + READ_TIMEOUT_MILLIS + " ms" : answers.get(0));
            }
        }
    }

    /**
     * The suite plays an attacker on purpose: it sends more refused Opens than MAX_DOCUMENTS, which HY-SESS-033 forbids
     * its sender (a document it opened stays on the session for it); the peer answers each, and counts none toward its
     * limit.
     */
    @Test
    @Requirement("HY-SESS-149")
    void everyRefusedOpenIsAnsweredHoweverMany() throws Exception {
        int count = dev.hyphae.session.SessionLimits.MAX_DOCUMENTS + 8;
        List<String> documents = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            documents.add(deniedDocument());
        }
        try (PeerConnection c = PeerConnection.open()) {
            List<SessionMessage> answers = answersToOpens(c, documents, ReplicaId.random(RANDOM));
            for (int i = 0; i < count; i++) {
                SessionMessage m = i < answers.size() ? answers.get(i) : null;
                if (!refuses(m, 100 + i)) {
                    throw broken("a receiver answers each Open that it refuses, however many it has refused on the session, and does not"
                                    + " end the session with LIMIT_EXCEEDED for them (HY-SESS-149)",
                            count + " Opens, on channels 100 to " + (100 + count - 1) + ", of documents outside " + PeerTarget.DOCUMENT_PREFIX + "*",
                            "a SessionError with ACCESS_DENIED for each, on its channel with seq 0",
                            (i == 0 ? "" : i + " refusals, then ") + (m == null ? "nothing within " + READ_TIMEOUT_MILLIS + " ms" : m));
                }
            }
        }
    }

    /**
     * The refusal is the same whether or not the peer holds the document: the suite's reader, whom the peer grants no
     * right outside {@link PeerTarget#READER_PREFIX}, opens a document that the suite's writer has written, and a fresh
     * one; both refusals carry the same detail.
     */
    @Test
    @Requirement("HY-SESS-030")
    void aRefusalRevealsNothingOfWhetherThePeerHoldsTheDocument() throws Exception {
        String held = freshDocument();
        String fresh = freshDocument();
        try (PeerConnection r = PeerConnection.openAsReader()) {
            writeInASessionOfItsOwn(held, ReplicaId.random(RANDOM), 1);
            List<SessionMessage> answers = answersToOpens(r, List.of(held, fresh), ReplicaId.random(RANDOM));
            String input = "from the suite's reader, an Open on channel 100 of " + held + ", which the suite's writer wrote, then one on"
                    + " channel 101 of " + fresh + ", which no one wrote; the peer grants the reader no right on either (HY-CONF-049)";
            if (answers.size() < 2 || !refuses(answers.get(0), 100) || !refuses(answers.get(1), 101)
                    || !((SessionMessage.SessionError) answers.get(0)).detail().equals(((SessionMessage.SessionError) answers.get(1)).detail())) {
                throw broken("a peer sends the same refusal, with the same detail, whether or not it holds the document (HY-SESS-030)", input,
                        "two SessionErrors with ACCESS_DENIED, on channels 100 and 101, seq 0, of one detail", answers);
            }
        }
    }

    /**
     * The first Open of a session fixes the sender's replica id even when it is refused: an Open under another id then
     * ends the session. The suite breaks HY-SESS-032 on purpose (HY-CONF-048): its second Open names another replica id
     * than its first.
     */
    @Test
    @Requirement({"HY-SESS-148", "HY-SESS-032"})
    void aRefusedOpenFixesTheReplicaIdOfTheSession() throws Exception {
        try (PeerConnection c = PeerConnection.open()) {
            List<SessionMessage> answers = answersToOpens(c, List.of(deniedDocument()), ReplicaId.random(RANDOM));
            if (!refuses(answers.get(0), 100)) {
                throw c.broken("a peer under test grants the suite's key no right on a document whose name does not start with "
                                + PeerTarget.DOCUMENT_PREFIX + " (HY-CONF-045), and refuses an Open of a document on which it grants the"
                                + " sender no right with a SessionError of the Open's channel, seq 0 and ACCESS_DENIED (HY-SESS-029)",
                        "a SessionError of channel 100, seq 0, code 600 ACCESS_DENIED", answers.get(0) == null
                                ? "nothing within " + PeerChecks.READ_TIMEOUT_MILLIS + " ms" : answers.get(0));
            }
            c.send(openOf(7, freshDocument(), ReplicaId.random(RANDOM)));
            expectSessionError(c, dev.hyphae.ErrorCode.PROTOCOL_VIOLATION, "a receiver ends the session with PROTOCOL_VIOLATION when an Open names a replica id other than that of the first Open of the session, refused or not (HY-SESS-032, HY-SESS-148)",
                    "an Open under a replica id other than that of the refused Open"
                    + " before it: the first Open of a session fixes the sender's replica id, refused or not (HY-SESS-148), and two Opens"
                    + " that name different ids end the session (HY-SESS-032)");
        }
    }

    /**
     * The suite's reader is granted read only on the documents named {@link PeerTarget#READER_PREFIX}*: a document of that
     * name, which the suite's writer has written, is answered with an Open that grants the reader read (granted 1), and a
     * document of the suite's other names is refused. A run given no reader's key reports this check, as every check that
     * needs the reader, unsupported, naming HY-CONF-049 (HY-CONF-050).
     */
    @Test
    @Requirement({"HY-CONF-049", "HY-CONF-050"})
    void theSuitesReaderIsGrantedReadOnlyOnItsPrefix() throws Exception {
        String readable = PeerChecks.freshReaderDocument();
        String other = freshDocument();
        try (PeerConnection r = PeerConnection.openAsReader()) {
            writeInASessionOfItsOwn(readable, ReplicaId.random(RANDOM), 1);
            writeInASessionOfItsOwn(other, ReplicaId.random(RANDOM), 1);
            List<SessionMessage> answers = answersToOpens(r, List.of(readable, other), ReplicaId.random(RANDOM));
            String input = "from the suite's reader, an Open on channel 100 of " + readable + " and one on channel 101 of " + other
                    + ", both written by the suite's writer";
            String expected = "an Open of " + readable + " with granted 1 (read), and a SessionError of channel 101, seq 0, ACCESS_DENIED";
            if (answers.isEmpty() || !(answers.get(0) instanceof SessionMessage.Open open) || open.granted() != Right.READ
                    || answers.size() < 2 || !refuses(answers.get(1), 101)) {
                throw broken("a peer under test trusts the suite's reader, grants it read only on every document named "
                        + PeerTarget.READER_PREFIX + "*, and no right on any other (HY-CONF-049)", input, expected, answers);
            }
        }
    }
}
