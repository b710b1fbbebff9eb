package dev.hyphae.conformance.checks;

import dev.hyphae.ErrorCode;
import dev.hyphae.ProtocolException;
import dev.hyphae.conformance.Checks;
import dev.hyphae.conformance.Profile;
import dev.hyphae.data.ReplicaId;
import dev.hyphae.handshake.AccessPolicy.Right;
import dev.hyphae.session.SessionCodec;
import dev.hyphae.session.SessionMessage;
import dev.hyphae.spec.Requirement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.EOFException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeMap;

import static dev.hyphae.conformance.checks.PeerChecks.CLOSE_INTERVAL_MILLIS;
import static dev.hyphae.conformance.checks.PeerChecks.RANDOM;
import static dev.hyphae.conformance.checks.PeerChecks.answersOpen;
import static dev.hyphae.conformance.checks.PeerChecks.broken;
import static dev.hyphae.conformance.checks.PeerChecks.freshDocument;
import static dev.hyphae.conformance.checks.PeerChecks.openDocument;

/**
 * The Peer profile's checks of how a session ends: the code with which the peer ends it for a fault, the message it
 * ends it with, the close that follows, and what ends a session when the suite sends it. Several checks here send the
 * same message and each judges one rule of what the peer does with it, so that a failure names that rule alone.
 *
 * <p>Requirements the suite breaks on purpose (HY-CONF-048): the checks that send {@code MALFORMED}, a message without
 * its table, or a summary whose vector runs past the message send what is not a session message as HY-SESS-001 encodes
 * one; the check of a summary past {@code MAX_REPLICAS} sends a version vector past that limit of the data model's
 * table of limits; the three checks of a SessionError's extent say below which rules they break.
 */
@ExtendWith(PeerCheckLifecycle.class)
@Checks(Profile.PEER)
class PeerEndingChecks {

    /** A session message that fails verification: the file identifier, then bytes that are no table. */
    private static final byte[] MALFORMED = {0x10, 0x00, 0x00, 0x00, 'H', 'Y', 'S', '1', 0x42, 0x42, 0x42, 0x42};
    private static final String MALFORMED_INPUT = "after the handshake, a session message that fails verification: "
            + HexFormat.of().formatHex(MALFORMED);

    /**
     * What the peer sent after a message of the suite that must end the session, up to the close of the connection: the
     * message that ended the session (a SessionError or a Close of channel 0), what it sent after that one, and whether it
     * closed the connection. Documents that the peer opens of its own accord at the start of the session come before the
     * end, and are not held against it.
     */
    record Ending(SessionMessage end, List<SessionMessage> after, boolean closed) {

        /** The code of the message that ended the session, or null when none did. */
        Integer code() {
            return end instanceof SessionMessage.SessionError e ? Integer.valueOf(e.code())
                    : end instanceof SessionMessage.Close c ? Integer.valueOf(c.code()) : null;
        }

        @Override
        public String toString() {
            return (end == null ? "no SessionError or Close of channel 0" : end.toString()) + (after.isEmpty() ? "" : ", then " + after)
                    + (closed ? ", then the close of the connection" : ", and the connection still open");
        }
    }

    /**
     * Sends {@code message} on a new connection and reads what the peer sends: each message within
     * {@code PEER_ANSWER_TIMEOUT} of the one before it until the session's end, and after the end until the peer closes
     * the connection or {@code CLOSE_INTERVAL} from the end has passed, whatever it sends meanwhile. The message is sent
     * as an attacker's ({@link PeerConnection#sendAsAttacker}): each that a check gives here breaks a rule on purpose, as
     * the class says.
     */
    static Ending endingAfter(byte[] message) throws IOException, ProtocolException {
        try (PeerConnection c = PeerConnection.open()) {
            c.sendAsAttacker(message);
            SessionMessage end = null;
            try {
                while (end == null) {
                    SessionMessage m = c.receive();
                    if (m instanceof SessionMessage.SessionError e && e.channel() == 0
                            || m instanceof SessionMessage.Close close && close.channel() == 0) {
                        end = m;
                    }
                }
            } catch (SocketTimeoutException e) {
                return new Ending(null, List.of(), false);
            } catch (EOFException | ProtocolException | java.net.SocketException e) {
                // Closed without an end; a socket that the suite closed itself is not a close by the peer.
                return new Ending(null, List.of(), !c.closedBySuite());
            }
            int ended = c.received.size();
            boolean closed = c.readUntilClosed(PeerConnection.closeDeadline());
            return new Ending(end, List.copyOf(c.received.subList(ended, c.received.size())), closed);
        }
    }

    @Test
    @Requirement("HY-SESS-003")
    void aMalformedSessionMessageEndsTheSessionWithItsCode() throws Exception {
        Ending ending = endingAfter(MALFORMED);
        if (ending.code() == null || ending.code() != ErrorCode.MALFORMED_MESSAGE.value()) {
            throw broken("a session message that fails verification ends the session with MALFORMED_MESSAGE (HY-SESS-003)",
                    MALFORMED_INPUT, "the end of the session with code 100 MALFORMED_MESSAGE", ending);
        }
    }

    /**
     * Whatever the fault, the session's end is a SessionError of channel 0 and seq 0 (HY-SESS-045), and it is the last
     * message: no Close in its place or after it (HY-SESS-140), nothing else after it (HY-SESS-046).
     */
    @Test
    @Requirement({"HY-SESS-140", "HY-SESS-046", "HY-SESS-045"})
    void aSessionEndedForAFaultEndsWithASessionErrorAsItsLastMessage() throws Exception {
        Ending ending = endingAfter(MALFORMED);
        String expected = "a SessionError with channel 0, seq 0 and a code, then nothing";
        if (ending.end() instanceof SessionMessage.SessionError e && e.seq() != 0) {
            throw broken("a peer sends an error of session scope with channel 0 and seq 0 (HY-SESS-045, HY-SESS-140)", MALFORMED_INPUT,
                    expected, ending);
        }
        String rule = "a peer that ends a session for a fault sends, as its last message, a SessionError with channel 0 and seq 0, and"
                + " no Close in its place or after it (HY-SESS-140); after a SessionError of session scope it sends no other message"
                + " (HY-SESS-046)";
        if (!(ending.end() instanceof SessionMessage.SessionError) || !ending.after().isEmpty()) {
            throw broken(rule, MALFORMED_INPUT, expected, ending);
        }
    }

    /** After the SessionError that ends a session, the peer closes the connection within {@code CLOSE_INTERVAL}. */
    @Test
    @Requirement("HY-SESS-143")
    void theConnectionIsClosedWithinTheCloseIntervalOfTheSessionsEnd() throws Exception {
        Ending ending = endingAfter(MALFORMED);
        // Without a SessionError there is no close to time: HY-SESS-003 and HY-SESS-140 fail then, and this check judges only
        // that an end, once sent, is followed by the close.
        if (ending.end() != null && !ending.closed()) {
            throw broken("a peer that sends a SessionError of session scope closes the framed channel within CLOSE_INTERVAL ("
                            + CLOSE_INTERVAL_MILLIS + " ms) of sending it (HY-SESS-143)", MALFORMED_INPUT,
                    "a SessionError of channel 0, then the close within " + CLOSE_INTERVAL_MILLIS + " ms", ending);
        }
    }

    // The extent of a SessionError is its channel and seq, not its code's scope (HY-SESS-142). In the three checks that
    // follow, the suite plays an attacker on purpose: it sends a code of session scope on a channel, a code of delta scope on
    // channel 0, or a Close of the session with a code, which a conforming sender never sends (HY-REG-001, HY-SESS-045,
    // HY-SESS-141).

    /**
     * A SessionError with a code of session scope on the channel of a document closes that document only: the session
     * carries on, and the document can be opened again.
     */
    @Test
    @Requirement({"HY-SESS-142", "HY-SESS-031"})
    void aSessionErrorOnAChannelClosesThatDocumentWhateverItsCode() throws Exception {
        String document = freshDocument();
        ReplicaId me = ReplicaId.random(RANDOM);
        try (PeerConnection c = PeerConnection.open()) {
            SessionMessage.Open answer = openDocument(c, document, me);
            c.send(new SessionMessage.SessionError(answer.channel(), 0, ErrorCode.PROTOCOL_VIOLATION.value(), "a session-scope code on a channel"));
            try {
                c.send(new SessionMessage.Open(8, document, Right.WRITE, Right.WRITE, me, new TreeMap<>(), null, 0, 16));
            } catch (IOException closed) {
                // The peer ended the session already: what it sent before the close says how.
            }
            String rule = "a SessionError with a code of session scope on the channel of a document, seq 0, closes that document only"
                    + " (HY-SESS-142), which may then be opened again (HY-SESS-031)";
            String input = "an Open of " + document + ", a SessionError on the peer's channel " + answer.channel()
                    + " with seq 0 and PROTOCOL_VIOLATION (2), then a second Open of " + document + " on channel 8";
            String expected = "the peer's Open of " + document + " in answer to the second Open";
            SessionMessage again;
            try {
                again = c.poll(m -> m instanceof SessionMessage.Open o && answersOpen(o, 8, document)
                        || m instanceof SessionMessage.SessionError e && (e.channel() == 0 || e.channel() == 8),
                        "answer to a second Open of the document that its channel's SessionError closed");
            } catch (AssertionError failure) {
                if (!(failure.getCause() instanceof IOException)) {
                    // A message that does not decode, or a declaration the peer may not make: it fails on its own rule.
                    throw failure;
                }
                // The peer closed the connection, as for a SessionError of the session.
                throw broken(rule, input, expected, failure.getMessage());
            }
            if (again == null || again instanceof SessionMessage.SessionError) {
                throw broken(rule, input, expected, again == null ? "nothing within " + PeerChecks.READ_TIMEOUT_MILLIS + " ms" : again);
            }
        }
    }

    /** A SessionError of channel 0 with a code of delta scope ends the session, unanswered. */
    @Test
    @Requirement({"HY-SESS-142", "HY-SESS-047"})
    void aSessionErrorOfChannelZeroEndsTheSessionWhateverItsCode() throws Exception {
        expectEndedUnanswered(new SessionMessage.SessionError(0, 0, ErrorCode.MALFORMED_DELTA.value(), "a delta-scope code on channel 0"),
                "a SessionError of channel 0 ends the session whatever the scope of its code (HY-SESS-142, HY-SESS-047): the receiver"
                        + " sends nothing more and closes the connection",
                "a SessionError with channel 0, seq 0 and MALFORMED_DELTA (101)");
    }

    /** A Close of the session whose code is not NO_ERROR ends the session all the same, unanswered. */
    @Test
    @Requirement({"HY-SESS-141", "HY-SESS-056"})
    void aCloseOfTheSessionEndsItWhateverItsCode() throws Exception {
        expectEndedUnanswered(new SessionMessage.Close(0, ErrorCode.PROTOCOL_VIOLATION.value(), "a Close of the session with a code"),
                "a receiver ends the session on a Close with channel 0 whatever its code (HY-SESS-141): it sends nothing more and closes"
                        + " the connection (HY-SESS-056)",
                "a Close with channel 0 and PROTOCOL_VIOLATION (2)");
    }

    private static void expectEndedUnanswered(SessionMessage message, String rule, String input) throws IOException, ProtocolException {
        try (PeerConnection c = PeerConnection.open()) {
            c.send(message);
            boolean closed = c.readUntilClosed(PeerConnection.closeDeadline());
            // The peer's own Opens at the session's start, which may come before or after the suite's message, are no answer.
            List<SessionMessage> answers = c.received.stream()
                    .filter(m -> m instanceof SessionMessage.SessionError || m instanceof SessionMessage.Close).toList();
            if (!closed || !answers.isEmpty()) {
                throw broken(rule, "after the handshake, " + input, "nothing, and the close of the connection within "
                        + CLOSE_INTERVAL_MILLIS + " ms", (answers.isEmpty() ? "nothing" : answers.toString())
                        + (closed ? ", then the close" : ", and the connection still open after " + CLOSE_INTERVAL_MILLIS + " ms"));
            }
        }
    }

    // The order of the checks of a session message (HY-SESS-144, HY-SESS-145), each by a message of its own.

    /** A message whose type is unknown and whose table is absent is refused for its type: the type is checked first. */
    @Test
    @Requirement("HY-SESS-144")
    void aMessageOfUnknownTypeWithoutItsTableEndsTheSessionAsUnknown() throws Exception {
        expectEnd(withoutTable(200), "a SessionMessage of message_type 200, unknown in the session, whose message is absent",
                ErrorCode.UNKNOWN_MESSAGE_TYPE, "the type of a session message is checked before the presence of its table (HY-SESS-144)");
    }

    @Test
    @Requirement("HY-SESS-006")
    void aMessageOfAKnownTypeWithoutItsTableIsMalformed() throws Exception {
        expectEnd(withoutTable(hyphae.v1.Message.Ack), "a SessionMessage of message_type Ack whose message is absent",
                ErrorCode.MALFORMED_MESSAGE, "a SessionMessage whose message is absent ends the session with MALFORMED_MESSAGE (HY-SESS-006)");
    }

    /** A summary's vector is checked against the end of the message before its length is held against the limit. */
    @Test
    @Requirement("HY-SESS-145")
    void aSummaryThatRunsPastTheMessageIsMalformedWhateverItsLength() throws Exception {
        expectEnd(openWithCounters(dev.hyphae.model.Limits.MAX_REPLICAS + 1, true),
                "an Open whose summary's counters vector claims MAX_REPLICAS + 1 counters and runs past the end of the message",
                ErrorCode.MALFORMED_MESSAGE, "a vector of a VersionVector that runs past the end of the message ends the session with"
                        + " MALFORMED_MESSAGE, whatever its length (HY-SESS-145)");
    }

    @Test
    @Requirement("HY-SESS-005")
    void aSummaryPastMaxReplicasExceedsTheLimit() throws Exception {
        expectEnd(openWithCounters(dev.hyphae.model.Limits.MAX_REPLICAS + 1, false), "an Open whose summary holds MAX_REPLICAS + 1 counters",
                ErrorCode.LIMIT_EXCEEDED, "a VersionVector of more than MAX_REPLICAS counters ends the session with LIMIT_EXCEEDED (HY-SESS-005)");
    }

    /** Sends {@code message} and expects the session to end with {@code code}, whatever else the peer does. */
    private static void expectEnd(byte[] message, String input, ErrorCode code, String rule) throws IOException, ProtocolException {
        Ending ending = endingAfter(message);
        if (ending.code() == null || ending.code() != code.value()) {
            throw broken(rule, "after the handshake, " + input + ": " + HexFormat.of().formatHex(message),
                    "the end of the session with code " + code.value() + " " + code, ending);
        }
    }

    /** A SessionMessage of type {@code type} whose {@code message} is absent. */
    private static byte[] withoutTable(int type) {
        com.google.flatbuffers.FlatBufferBuilder b = new com.google.flatbuffers.FlatBufferBuilder(64);
        hyphae.v1.SessionMessage.startSessionMessage(b);
        hyphae.v1.SessionMessage.addMessageType(b, (byte) type);
        b.finish(hyphae.v1.SessionMessage.endSessionMessage(b), SessionCodec.FILE_IDENTIFIER);
        return b.sizedByteArray();
    }

    /**
     * An Open of a fresh document whose summary has {@code counters} counters and no replica ids; when {@code truncated}, the
     * summary holds one counter whose vector's length says {@code counters}, so that the vector runs past the message.
     */
    private static byte[] openWithCounters(int counters, boolean truncated) {
        com.google.flatbuffers.FlatBufferBuilder b = new com.google.flatbuffers.FlatBufferBuilder(1024);
        long[] values = new long[truncated ? 1 : counters];
        java.util.Arrays.fill(values, 1);
        int counterVector = hyphae.v1.VersionVector.createCountersVector(b, values);
        int summary = hyphae.v1.VersionVector.createVersionVector(b, 0, counterVector);
        int document = b.createString(freshDocument());
        int replica = hyphae.v1.Open.createReplicaVector(b, ReplicaId.random(RANDOM).toBytes());
        hyphae.v1.Open.startOpen(b);
        hyphae.v1.Open.addChannel(b, 7);
        hyphae.v1.Open.addDocument(b, document);
        hyphae.v1.Open.addMode(b, 2);
        hyphae.v1.Open.addGranted(b, 2);
        hyphae.v1.Open.addReplica(b, replica);
        hyphae.v1.Open.addSummary(b, summary);
        int open = hyphae.v1.Open.endOpen(b);
        b.finish(hyphae.v1.SessionMessage.createSessionMessage(b, hyphae.v1.Message.Open, open), SessionCodec.FILE_IDENTIFIER);
        byte[] bytes = b.sizedByteArray();
        if (truncated) {
            // The counters vector is the only one of 8-byte elements: its length is the 4 bytes before its one counter.
            java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            for (int p = 4; p + 12 <= bytes.length; p += 4) {
                if (buffer.getInt(p) == 1 && buffer.getLong(p + 4) == 1 && (p + 4) % 8 == 0) {
                    buffer.putInt(p, counters);
                    return bytes;
                }
            }
            throw new IllegalStateException("no counters vector found");
        }
        return bytes;
    }
}
