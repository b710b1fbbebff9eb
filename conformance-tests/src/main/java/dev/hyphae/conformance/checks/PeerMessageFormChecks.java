package dev.hyphae.conformance.checks;

import com.google.flatbuffers.FlatBufferBuilder;
import dev.hyphae.ErrorCode;
import dev.hyphae.ProtocolException;
import dev.hyphae.conformance.Checks;
import dev.hyphae.conformance.Profile;
import dev.hyphae.data.ReplicaId;
import dev.hyphae.session.SessionCodec;
import dev.hyphae.session.SessionMessage;
import dev.hyphae.spec.Requirement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.EOFException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongFunction;

import static dev.hyphae.conformance.checks.PeerChecks.RANDOM;
import static dev.hyphae.conformance.checks.PeerChecks.READ_TIMEOUT_MILLIS;
import static dev.hyphae.conformance.checks.PeerChecks.acknowledges;
import static dev.hyphae.conformance.checks.PeerChecks.answersOpen;
import static dev.hyphae.conformance.checks.PeerChecks.broken;
import static dev.hyphae.conformance.checks.PeerChecks.freshDocument;
import static dev.hyphae.conformance.checks.PeerChecks.increment;
import static dev.hyphae.conformance.checks.PeerChecks.openDocument;

/**
 * The Peer profile's checks of the rules on the values of a session message's fields (chapter "Session", section
 * "Verification and validity"): each message that breaks one ends the session with {@code MALFORMED_MESSAGE}, and a
 * scalar written out with its default value is read as one left out.
 *
 * <p>Requirements the suite breaks on purpose (HY-CONF-048): every check of this class but the one of HY-SESS-111 plays an
 * attacker, and sends messages that a receiver must refuse under that section, which HY-SESS-020 forbids a sender; it
 * builds them field by field, since the reference encoder refuses to, and sends them through
 * {@link PeerConnection#sendAsAttacker}. Each check holds a table of
 * cases, each the one defect that its requirement names, on a connection of its own, and each defect in a message that is
 * valid in every other way and comes where a valid one of its type could: a Delta, an Ack, a Summary or an error of a
 * document on the channel of a document that the suite has opened, so that nothing but the defect can end the session.
 */
@ExtendWith(PeerCheckLifecycle.class)
@Checks(Profile.PEER)
class PeerMessageFormChecks {

    /** The suite's channel of the document that it opens before a case that needs one. */
    private static final long SUITE_CHANNEL = 7;

    /**
     * One malformed message: what it is, for the input of a failure, whether it comes on a document that the suite has
     * opened, and its bytes, given the peer's channel of that document (0 when the case opens none).
     */
    private record Case(String what, boolean onADocument, LongFunction<byte[]> message) {
    }

    /** A case that sends its message first thing after the handshake. */
    private static Case first(String what, byte[] message) {
        return new Case(what, false, channel -> message);
    }

    /** A case that opens a fresh document first, and sends its message on it. */
    private static Case onDocument(String what, LongFunction<byte[]> message) {
        return new Case(what, true, message);
    }

    /**
     * Runs each of {@code cases} on a connection of its own and expects the session to end with a SessionError of channel
     * 0 and {@code code}; the first case that does not fails on {@code rule}, which names the one requirement judged.
     */
    private static void expectEachEndsTheSession(String rule, ErrorCode code, List<Case> cases) throws IOException, ProtocolException {
        for (Case c : cases) {
            expectEnd(rule, code, c);
        }
    }

    private static void expectEnd(String rule, ErrorCode code, Case k) throws IOException, ProtocolException {
        try (PeerConnection c = PeerConnection.open()) {
            long peerChannel = 0;
            if (k.onADocument()) {
                peerChannel = openDocument(c, SUITE_CHANNEL, freshDocument(), ReplicaId.random(RANDOM)).channel();
            }
            byte[] message = k.message().apply(peerChannel);
            c.sendAsAttacker(message);
            int before = c.received.size();
            End end = endOfSession(c);
            // The code is judged here; the form of the end, a SessionError rather than a Close, is HY-SESS-140's, judged
            // by a check of its own (PeerEndingChecks), so that a failure here names the rule that the code breaks.
            String expected = "the end of the session with code " + code.value() + " " + code;
            if (codeOf(end.message()) != code.value()) {
                List<SessionMessage> answers = c.received.subList(before, c.received.size());
                String after = "; after the suite's message, the peer sent " + (answers.isEmpty() ? "nothing" : answers.toString());
                throw broken(rule, k.what() + "; on the wire, " + c.input(), expected, end.message() != null ? end.message()
                        : end.closed() ? "the close of the connection without a SessionError or Close of the session" + after
                        : "no SessionError or Close of the session within " + READ_TIMEOUT_MILLIS + " ms" + after);
            }
        }
    }

    /** The code of the message that ended the session, a SessionError or a Close of channel 0; -1 when none did. */
    static int codeOf(SessionMessage end) {
        return end instanceof SessionMessage.SessionError e ? e.code() : end instanceof SessionMessage.Close c ? c.code() : -1;
    }

    /**
     * The message with which the peer ended the session, a SessionError or a Close of channel 0, or null when it sent none;
     * then {@code closed} says whether it closed the connection, or sent nothing more within {@code PEER_ANSWER_TIMEOUT}.
     */
    private record End(SessionMessage message, boolean closed) {
    }

    /**
     * Reads what the peer sends, each message within {@code PEER_ANSWER_TIMEOUT} of the one before it, up to the message
     * with which it ends the session. Documents that the peer opens of its own accord meanwhile are no answer, and are
     * passed over.
     */
    private static End endOfSession(PeerConnection c) throws IOException {
        try {
            while (true) {
                SessionMessage m = c.receive();
                if (m instanceof SessionMessage.SessionError e && e.channel() == 0
                        || m instanceof SessionMessage.Close close && close.channel() == 0) {
                    return new End(m, false);
                }
            }
        } catch (SocketTimeoutException e) {
            return new End(null, false);
        } catch (EOFException | ProtocolException | java.net.SocketException e) {
            // A socket that the suite closed itself (its watchdog) is not a close by the peer.
            return new End(null, !c.closedBySuite());
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // The messages, field by field.

    /** A VersionVector as the suite writes it: each vector null when absent. */
    private record Vector(byte[] replicas, long[] counters) {
        static final Vector EMPTY = new Vector(null, null);

        int write(FlatBufferBuilder b) {
            int r = replicas == null ? 0 : hyphae.v1.VersionVector.createReplicasVector(b, replicas);
            int c = counters == null ? 0 : hyphae.v1.VersionVector.createCountersVector(b, counters);
            hyphae.v1.VersionVector.startVersionVector(b);
            if (r != 0) {
                hyphae.v1.VersionVector.addReplicas(b, r);
            }
            if (c != 0) {
                hyphae.v1.VersionVector.addCounters(b, c);
            }
            return hyphae.v1.VersionVector.endVersionVector(b);
        }

        @Override
        public String toString() {
            return "{replicas " + (replicas == null ? "absent" : HexFormat.of().formatHex(replicas)) + ", counters "
                    + (counters == null ? "absent" : Arrays.toString(counters)) + "}";
        }
    }

    /**
     * The fields of an Open as the suite writes them, each null when absent: by default a valid Open of a fresh document on
     * channel 7 that asks for and grants write, with an empty summary and a window of 16. With {@code explicit}, scalars that
     * hold their default value are written out too (FlatBuffers' force_defaults), as HY-SESS-111 allows.
     */
    private static final class OpenFields {
        Long channel = SUITE_CHANNEL;
        byte[] document = freshDocument().getBytes(StandardCharsets.UTF_8);
        Integer mode = 2;
        Integer granted = 2;
        byte[] replica = ReplicaId.random(RANDOM).toBytes();
        Vector summary = Vector.EMPTY;
        byte[] heldReplica;
        Long heldSeq;
        Integer window = 16;
        Long answers;
        boolean explicit;

        byte[] bytes() {
            FlatBufferBuilder b = new FlatBufferBuilder(256);
            b.forceDefaults(explicit);
            int d = document == null ? 0 : b.createString(ByteBuffer.wrap(document));
            int r = replica == null ? 0 : hyphae.v1.Open.createReplicaVector(b, replica);
            int s = summary == null ? 0 : summary.write(b);
            int h = heldReplica == null ? 0 : hyphae.v1.Open.createHeldReplicaVector(b, heldReplica);
            hyphae.v1.Open.startOpen(b);
            if (channel != null) {
                hyphae.v1.Open.addChannel(b, channel);
            }
            if (d != 0) {
                hyphae.v1.Open.addDocument(b, d);
            }
            if (mode != null) {
                hyphae.v1.Open.addMode(b, mode);
            }
            if (granted != null) {
                hyphae.v1.Open.addGranted(b, granted);
            }
            if (r != 0) {
                hyphae.v1.Open.addReplica(b, r);
            }
            if (s != 0) {
                hyphae.v1.Open.addSummary(b, s);
            }
            if (h != 0) {
                hyphae.v1.Open.addHeldReplica(b, h);
            }
            if (heldSeq != null) {
                hyphae.v1.Open.addHeldSeq(b, heldSeq);
            }
            if (window != null) {
                hyphae.v1.Open.addWindow(b, window);
            }
            if (answers != null) {
                hyphae.v1.Open.addAnswers(b, answers);
            }
            return finish(b, hyphae.v1.Message.Open, hyphae.v1.Open.endOpen(b));
        }
    }

    private static byte[] open(Consumer<OpenFields> change) {
        OpenFields o = new OpenFields();
        change.accept(o);
        return o.bytes();
    }

    /**
     * The fields of a Delta as the suite writes them, each null when absent: by default an INTERVAL from 0 to 1 of the
     * suite's increment, on the peer's channel {@code channel}.
     */
    private static final class DeltaFields {
        Long channel;
        Integer kind;
        Long fromSeq;
        Long toSeq = 1L;
        byte[] payload = increment(ReplicaId.random(RANDOM), 1);
        byte[] compact;
        Integer compression;
        Long ack;
        boolean explicit;

        DeltaFields(long channel) {
            this.channel = channel;
        }

        byte[] bytes() {
            FlatBufferBuilder b = new FlatBufferBuilder(256);
            b.forceDefaults(explicit);
            int p = payload == null ? 0 : hyphae.v1.Delta.createPayloadVector(b, payload);
            int k = compact == null ? 0 : hyphae.v1.Delta.createCompactVector(b, compact);
            hyphae.v1.Delta.startDelta(b);
            if (channel != null) {
                hyphae.v1.Delta.addChannel(b, channel);
            }
            if (kind != null) {
                hyphae.v1.Delta.addKind(b, kind);
            }
            if (fromSeq != null) {
                hyphae.v1.Delta.addFromSeq(b, fromSeq);
            }
            if (toSeq != null) {
                hyphae.v1.Delta.addToSeq(b, toSeq);
            }
            if (p != 0) {
                hyphae.v1.Delta.addPayload(b, p);
            }
            if (compression != null) {
                hyphae.v1.Delta.addCompression(b, compression);
            }
            if (k != 0) {
                hyphae.v1.Delta.addCompact(b, k);
            }
            if (ack != null) {
                hyphae.v1.Delta.addAck(b, ack);
            }
            return finish(b, hyphae.v1.Message.Delta, hyphae.v1.Delta.endDelta(b));
        }
    }

    private static LongFunction<byte[]> delta(Consumer<DeltaFields> change) {
        return channel -> {
            DeltaFields d = new DeltaFields(channel);
            change.accept(d);
            return d.bytes();
        };
    }

    /** An Ack with its channel written out, even when it is the default 1. */
    private static byte[] ack(long channel, long seq) {
        FlatBufferBuilder b = new FlatBufferBuilder(64);
        hyphae.v1.Ack.startAck(b);
        b.forceDefaults(true);
        hyphae.v1.Ack.addChannel(b, channel);
        b.forceDefaults(false);
        hyphae.v1.Ack.addSeq(b, seq);
        return finish(b, hyphae.v1.Message.Ack, hyphae.v1.Ack.endAck(b));
    }

    /** A Summary of {@code channel} whose summary is {@code summary}, or absent when null. */
    private static byte[] summary(long channel, Vector summary) {
        FlatBufferBuilder b = new FlatBufferBuilder(256);
        int s = summary == null ? 0 : summary.write(b);
        hyphae.v1.Summary.startSummary(b);
        hyphae.v1.Summary.addChannel(b, channel);
        if (s != 0) {
            hyphae.v1.Summary.addSummary(b, s);
        }
        return finish(b, hyphae.v1.Message.Summary, hyphae.v1.Summary.endSummary(b));
    }

    /** A SessionError whose detail is the bytes {@code detail}, which need not be UTF-8. */
    private static byte[] sessionError(long channel, long seq, int code, byte[] detail) {
        FlatBufferBuilder b = new FlatBufferBuilder(128);
        int d = detail == null ? 0 : b.createString(ByteBuffer.wrap(detail));
        hyphae.v1.SessionError.startSessionError(b);
        hyphae.v1.SessionError.addChannel(b, channel);
        hyphae.v1.SessionError.addSeq(b, seq);
        hyphae.v1.SessionError.addCode(b, code);
        if (d != 0) {
            hyphae.v1.SessionError.addDetail(b, d);
        }
        return finish(b, hyphae.v1.Message.SessionError, hyphae.v1.SessionError.endSessionError(b));
    }

    /** A Close whose detail is the bytes {@code detail}, which need not be UTF-8. */
    private static byte[] close(long channel, int code, byte[] detail) {
        FlatBufferBuilder b = new FlatBufferBuilder(128);
        int d = b.createString(ByteBuffer.wrap(detail));
        hyphae.v1.Close.startClose(b);
        hyphae.v1.Close.addChannel(b, channel);
        hyphae.v1.Close.addCode(b, code);
        hyphae.v1.Close.addDetail(b, d);
        return finish(b, hyphae.v1.Message.Close, hyphae.v1.Close.endClose(b));
    }

    private static byte[] finish(FlatBufferBuilder b, byte type, int table) {
        b.forceDefaults(false);
        b.finish(hyphae.v1.SessionMessage.createSessionMessage(b, type, table), SessionCodec.FILE_IDENTIFIER);
        return b.sizedByteArray();
    }

    /** Replica ids in ascending order, none all-zero: 0x01 repeated, then 0x02 repeated. */
    private static byte[] ids(int... firstBytes) {
        byte[] out = new byte[16 * firstBytes.length];
        for (int i = 0; i < firstBytes.length; i++) {
            Arrays.fill(out, 16 * i, 16 * (i + 1), (byte) firstBytes[i]);
        }
        return out;
    }

    /** Text that is not well-formed UTF-8: a lead byte followed by no continuation byte. */
    private static final byte[] NOT_UTF8 = {'a', (byte) 0xC3, '(', 'b'};

    /** The rule of HY-SESS-011, which a summary of an Open and of a Summary must both keep: one defect each. */
    private static final List<BadSummary> BAD_SUMMARIES = List.of(
            new BadSummary("whose replicas hold two ids and whose counters hold one", new Vector(ids(1, 2), new long[] {1})),
            new BadSummary("whose replica ids are in descending order", new Vector(ids(2, 1), new long[] {1, 1})),
            new BadSummary("that lists one replica id twice", new Vector(ids(1, 1), new long[] {1, 1})),
            new BadSummary("that lists the all-zero replica id", new Vector(ids(0, 1), new long[] {1, 1})),
            new BadSummary("that lists a counter of 0", new Vector(ids(1, 2), new long[] {1, 0})));

    /** A summary with one defect, and what it is. */
    private record BadSummary(String what, Vector vector) {
        @Override
        public String toString() {
            return what + ": " + vector;
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // The checks, one requirement each.

    /**
     * An Open, a Delta and an Ack whose channel is 0, written out since its default is 1. The suite plays an attacker on
     * purpose: a conforming sender never writes such a channel (HY-SESS-020).
     */
    @Test
    @Requirement("HY-SESS-007")
    void aChannelOfZeroIsMalformed() throws Exception {
        expectEachEndsTheSession("a receiver ends the session with MALFORMED_MESSAGE (code 100) when the channel of an Open, a Delta or"
                + " an Ack is 0 (HY-SESS-007)", ErrorCode.MALFORMED_MESSAGE, List.of(
                first("an Open whose channel is 0, written out", open(o -> o.channel = 0L)),
                onDocument("an Open of a fresh document, then a Delta on it whose channel is 0, written out",
                        delta(d -> d.channel = 0L)),
                onDocument("an Open of a fresh document, then an Ack whose channel is 0, written out", channel -> ack(0, 1))));
    }

    /**
     * Opens of a document whose name is absent, empty, not UTF-8, or holds a control character of each range. The suite
     * plays an attacker on purpose: a conforming sender never names a document so (HY-SESS-020).
     */
    @Test
    @Requirement("HY-SESS-008")
    void aDocumentNameThatIsAbsentEmptyOrNotTextIsMalformed() throws Exception {
        String prefix = dev.hyphae.conformance.PeerTarget.DOCUMENT_PREFIX;
        expectEachEndsTheSession("a receiver ends the session with MALFORMED_MESSAGE (code 100) when the document of an Open is absent"
                + " and its answers is 0, or is empty, is not well-formed UTF-8, or contains a control character (HY-SESS-008)",
                ErrorCode.MALFORMED_MESSAGE, List.of(
                first("an Open without a document, whose answers is 0", open(o -> o.document = null)),
                first("an Open whose document is empty", open(o -> o.document = new byte[0])),
                first("an Open whose document is not well-formed UTF-8", open(o -> o.document = concat(prefix, NOT_UTF8))),
                first("an Open whose document holds U+0001", open(o -> o.document = (prefix + "\u0001").getBytes(StandardCharsets.UTF_8))),
                first("an Open whose document holds U+007F", open(o -> o.document = (prefix + "\u007f").getBytes(StandardCharsets.UTF_8))),
                first("an Open whose document holds U+0085", open(o -> o.document = (prefix + "\u0085").getBytes(StandardCharsets.UTF_8)))));
    }

    private static byte[] concat(String text, byte[] bytes) {
        byte[] head = text.getBytes(StandardCharsets.UTF_8);
        byte[] out = Arrays.copyOf(head, head.length + bytes.length);
        System.arraycopy(bytes, 0, out, head.length, bytes.length);
        return out;
    }

    /**
     * Opens whose mode is 0 or 3, or whose granted is 3. The suite plays an attacker on purpose (HY-SESS-020).
     */
    @Test
    @Requirement("HY-SESS-009")
    void aModeOrAGrantOutOfRangeIsMalformed() throws Exception {
        expectEachEndsTheSession("a receiver ends the session with MALFORMED_MESSAGE (code 100) when the mode of an Open is neither 1"
                + " nor 2, or its granted is greater than 2 (HY-SESS-009)", ErrorCode.MALFORMED_MESSAGE, List.of(
                first("an Open whose mode is 0 (absent)", open(o -> o.mode = null)),
                first("an Open whose mode is 3", open(o -> o.mode = 3)),
                first("an Open whose granted is 3", open(o -> o.granted = 3))));
    }

    /**
     * Opens whose replica is absent, 15 or 17 bytes long or all-zero, and whose held_replica is 15 bytes long or all-zero.
     * The suite plays an attacker on purpose (HY-SESS-020).
     */
    @Test
    @Requirement("HY-SESS-010")
    void aReplicaIdThatIsAbsentOfTheWrongLengthOrZeroIsMalformed() throws Exception {
        byte[] held = ReplicaId.random(RANDOM).toBytes();
        expectEachEndsTheSession("a receiver ends the session with MALFORMED_MESSAGE (code 100) when the replica of an Open is absent,"
                + " or when its replica, or its held_replica if present, is not exactly 16 bytes long or is the all-zero replica id"
                + " (HY-SESS-010)", ErrorCode.MALFORMED_MESSAGE, List.of(
                first("an Open without a replica", open(o -> o.replica = null)),
                first("an Open whose replica is 15 bytes long", open(o -> o.replica = Arrays.copyOf(o.replica, 15))),
                first("an Open whose replica is 17 bytes long", open(o -> o.replica = Arrays.copyOf(o.replica, 17))),
                first("an Open whose replica is the all-zero replica id", open(o -> o.replica = new byte[16])),
                first("an Open whose held_replica is 15 bytes long, with held_seq 1", open(o -> {
                    o.heldReplica = Arrays.copyOf(held, 15);
                    o.heldSeq = 1L;
                })),
                first("an Open whose held_replica is the all-zero replica id, with held_seq 1", open(o -> {
                    o.heldReplica = new byte[16];
                    o.heldSeq = 1L;
                }))));
    }

    /**
     * Opens whose summary breaks one rule of HY-SESS-011 each. The suite plays an attacker on purpose (HY-SESS-020).
     */
    @Test
    @Requirement("HY-SESS-011")
    void aSummaryOfAnOpenThatBreaksTheRulesOfAVersionVectorIsMalformed() throws Exception {
        expectEachEndsTheSession("a receiver ends the session with MALFORMED_MESSAGE (code 100) when the summary of an Open has a length"
                + " of replicas other than 16 times the number of counters, lists replica ids that are not in strictly ascending order,"
                + " lists the all-zero replica id, or lists a counter of 0 (HY-SESS-011)", ErrorCode.MALFORMED_MESSAGE,
                BAD_SUMMARIES.stream().map(s -> first("an Open whose summary is one " + s, open(o -> o.summary = s.vector()))).toList());
    }

    /**
     * An Open that holds entries of no log. The suite plays an attacker on purpose (HY-SESS-020).
     */
    @Test
    @Requirement("HY-SESS-012")
    void aHeldSeqOfNoLogIsMalformed() throws Exception {
        expectEachEndsTheSession("a receiver ends the session with MALFORMED_MESSAGE (code 100) when the held_seq of an Open is not 0,"
                + " its held_replica is absent, and its answers is 0 (HY-SESS-012)", ErrorCode.MALFORMED_MESSAGE, List.of(
                first("an Open whose held_seq is 5, without a held_replica, whose answers is 0", open(o -> o.heldSeq = 5L))));
    }

    /**
     * Opens whose window is 0, written out since its default is 32, or MAX_WINDOW + 1. The suite plays an attacker on
     * purpose (HY-SESS-020).
     */
    @Test
    @Requirement("HY-SESS-013")
    void aWindowOfZeroOrPastMaxWindowIsMalformed() throws Exception {
        int max = dev.hyphae.session.SessionLimits.MAX_WINDOW;
        expectEachEndsTheSession("a receiver ends the session with MALFORMED_MESSAGE (code 100) when the window of an Open is 0 or"
                + " greater than MAX_WINDOW (" + max + ") (HY-SESS-013)", ErrorCode.MALFORMED_MESSAGE, List.of(
                first("an Open whose window is 0, written out", open(o -> o.window = 0)),
                first("an Open whose window is MAX_WINDOW + 1", open(o -> o.window = max + 1))));
    }

    /**
     * Deltas of kind 0, written out since its default is 1, and 4. The suite plays an attacker on purpose (HY-SESS-020).
     */
    @Test
    @Requirement("HY-SESS-014")
    void aDeltaOfAnUnknownKindIsMalformed() throws Exception {
        expectEachEndsTheSession("a receiver ends the session with MALFORMED_MESSAGE (code 100) when the kind of a Delta is not 1, 2"
                + " or 3 (HY-SESS-014)", ErrorCode.MALFORMED_MESSAGE, List.of(
                onDocument("an Open of a fresh document, then a Delta on it of kind 0, written out, from 0 to 1", delta(d -> d.kind = 0)),
                onDocument("an Open of a fresh document, then a Delta on it of kind 4, from 0 to 1", delta(d -> d.kind = 4))));
    }

    /**
     * Intervals that hold no entry, and a DIFFERENCE and a STATE that start after entry 0. The suite plays an attacker on
     * purpose (HY-SESS-020).
     */
    @Test
    @Requirement("HY-SESS-015")
    void anEmptyIntervalOrADifferenceFromAnEntryIsMalformed() throws Exception {
        expectEachEndsTheSession("a receiver ends the session with MALFORMED_MESSAGE (code 100) when a Delta of kind 1 has a from_seq"
                + " that is not less than its to_seq, or a Delta of kind 2 or 3 has a from_seq other than 0 (HY-SESS-015)",
                ErrorCode.MALFORMED_MESSAGE, List.of(
                onDocument("an Open of a fresh document, then an INTERVAL on it from 3 to 3", delta(d -> {
                    d.fromSeq = 3L;
                    d.toSeq = 3L;
                })),
                onDocument("an Open of a fresh document, then an INTERVAL on it from 5 to 2", delta(d -> {
                    d.fromSeq = 5L;
                    d.toSeq = 2L;
                })),
                onDocument("an Open of a fresh document, then a DIFFERENCE on it from 1 to 2", delta(d -> {
                    d.kind = 2;
                    d.fromSeq = 1L;
                    d.toSeq = 2L;
                })),
                onDocument("an Open of a fresh document, then a STATE on it from 1 to 2", delta(d -> {
                    d.kind = 3;
                    d.fromSeq = 1L;
                    d.toSeq = 2L;
                }))));
    }

    /**
     * Deltas without a payload in either field, or with an empty one. The suite plays an attacker on purpose (HY-SESS-020).
     */
    @Test
    @Requirement("HY-SESS-016")
    void aDeltaWithoutAPayloadIsMalformed() throws Exception {
        expectEachEndsTheSession("a receiver ends the session with MALFORMED_MESSAGE (code 100) when a Delta has neither a payload nor a"
                + " compact, or when the one it has is empty (HY-SESS-016)", ErrorCode.MALFORMED_MESSAGE, List.of(
                onDocument("an Open of a fresh document, then an INTERVAL on it from 0 to 1 with neither a payload nor a compact",
                        delta(d -> d.payload = null)),
                onDocument("an Open of a fresh document, then an INTERVAL on it from 0 to 1 whose payload is empty",
                        delta(d -> d.payload = new byte[0])),
                onDocument("an Open of a fresh document, then an INTERVAL on it from 0 to 1 whose compact is empty, without a payload",
                        delta(d -> {
                            d.payload = null;
                            d.compact = new byte[0];
                        }))));
    }

    /**
     * A Delta that carries a payload in both fields. The suite plays an attacker on purpose (HY-SESS-020).
     */
    @Test
    @Requirement("HY-SESS-075")
    void aDeltaWithAPayloadInBothFormsIsMalformed() throws Exception {
        expectEachEndsTheSession("a receiver ends the session with MALFORMED_MESSAGE (code 100) when a Delta has both a payload and a"
                + " compact (HY-SESS-075)", ErrorCode.MALFORMED_MESSAGE, List.of(
                onDocument("an Open of a fresh document, then an INTERVAL on it from 0 to 1 with the suite's increment in payload and"
                        + " the same bytes in compact", delta(d -> d.compact = d.payload.clone()))));
    }

    /**
     * An Ack of seq 0. The suite plays an attacker on purpose (HY-SESS-020).
     */
    @Test
    @Requirement("HY-SESS-017")
    void anAckOfZeroIsMalformed() throws Exception {
        expectEachEndsTheSession("a receiver ends the session with MALFORMED_MESSAGE (code 100) when the seq of an Ack is 0"
                + " (HY-SESS-017)", ErrorCode.MALFORMED_MESSAGE, List.of(
                onDocument("an Open of a fresh document, then an Ack on it whose seq is 0", channel -> ack(channel, 0))));
    }

    /**
     * A SummaryRequest and a Summary whose channel is 0. The suite plays an attacker on purpose (HY-SESS-020).
     */
    @Test
    @Requirement("HY-SESS-085")
    void aSummaryRequestOrASummaryOfChannelZeroIsMalformed() throws Exception {
        FlatBufferBuilder b = new FlatBufferBuilder(64);
        hyphae.v1.SummaryRequest.startSummaryRequest(b);
        byte[] request = finish(b, hyphae.v1.Message.SummaryRequest, hyphae.v1.SummaryRequest.endSummaryRequest(b));
        expectEachEndsTheSession("a receiver ends the session with MALFORMED_MESSAGE (code 100) when the channel of a SummaryRequest or"
                + " a Summary is 0 (HY-SESS-085)", ErrorCode.MALFORMED_MESSAGE, List.of(
                onDocument("an Open of a fresh document, then a SummaryRequest whose channel is 0 (absent)", channel -> request),
                onDocument("an Open of a fresh document, then a Summary whose channel is 0, with an empty summary",
                        channel -> summary(0, Vector.EMPTY))));
    }

    /**
     * A Summary that breaks a rule of a summary: malformed, or past the limit of a version vector. The suite plays an attacker
     * on purpose (HY-SESS-020). It has not asked for the summary either, but HY-SESS-003 has the message checked before the
     * receiver acts on it: the defect, not HY-SESS-088, decides the code.
     */
    @Test
    @Requirement("HY-SESS-086")
    void aSummaryThatBreaksTheRulesOfASummaryEndsTheSession() throws Exception {
        String rule = "a receiver ends the session with MALFORMED_MESSAGE (code 100) when the summary of a Summary is absent, or breaks a"
                + " rule that HY-SESS-011 sets for the summary of an Open, and with LIMIT_EXCEEDED (code 4) when it breaks HY-SESS-005"
                + " (HY-SESS-086)";
        List<Case> malformed = new java.util.ArrayList<>();
        malformed.add(onDocument("an Open of a fresh document, then a Summary on it without its summary", channel -> summary(channel, null)));
        for (BadSummary s : BAD_SUMMARIES) {
            malformed.add(onDocument("an Open of a fresh document, then a Summary on it whose summary is one " + s,
                    channel -> summary(channel, s.vector())));
        }
        expectEachEndsTheSession(rule, ErrorCode.MALFORMED_MESSAGE, malformed);
        int past = dev.hyphae.model.Limits.MAX_REPLICAS + 1;
        byte[] replicas = new byte[16 * past];
        long[] counters = new long[past];
        for (int i = 0; i < past; i++) {
            // Ids 1, 2, 3 ... in their last bytes, ascending and none all-zero: only the length breaks a rule.
            java.nio.ByteBuffer.wrap(replicas, 16 * i + 12, 4).putInt(i + 1);
            counters[i] = 1;
        }
        expectEachEndsTheSession(rule, ErrorCode.LIMIT_EXCEEDED, List.of(onDocument("an Open of a fresh document, then a Summary on it"
                + " whose summary lists MAX_REPLICAS + 1 (" + past + ") replica ids, ascending, each with a counter of 1",
                channel -> summary(channel, new Vector(replicas, counters)))));
    }

    /**
     * A SessionError of channel 0 that names a delta. The suite plays an attacker on purpose (HY-SESS-020).
     */
    @Test
    @Requirement("HY-SESS-018")
    void aSessionErrorOfTheSessionThatNamesADeltaIsMalformed() throws Exception {
        expectEachEndsTheSession("a receiver ends the session with MALFORMED_MESSAGE (code 100) when a SessionError has a channel of 0 and"
                + " a seq other than 0 (HY-SESS-018)", ErrorCode.MALFORMED_MESSAGE, List.of(
                onDocument("an Open of a fresh document, then a SessionError whose channel is 0 and whose seq is 5, with MALFORMED_DELTA",
                        channel -> sessionError(0, 5, ErrorCode.MALFORMED_DELTA.value(), "a delta of no channel"
                                .getBytes(StandardCharsets.UTF_8)))));
    }

    /**
     * The detail of an error or a close is checked even where the message would close only a document. The suite plays an
     * attacker on purpose (HY-SESS-020).
     */
    @Test
    @Requirement("HY-SESS-019")
    void aDetailThatIsNotUtf8IsMalformed() throws Exception {
        expectEachEndsTheSession("a receiver ends the session with MALFORMED_MESSAGE (code 100) when the detail of a SessionError or a"
                + " Close is not well-formed UTF-8 (HY-SESS-019)", ErrorCode.MALFORMED_MESSAGE, List.of(
                onDocument("an Open of a fresh document, then a SessionError on the peer's channel of it, seq 0, ACCESS_DENIED, whose"
                        + " detail is not well-formed UTF-8", channel -> sessionError(channel, 0, ErrorCode.ACCESS_DENIED.value(), NOT_UTF8)),
                onDocument("an Open of a fresh document, then a Close of the peer's channel of it, NO_ERROR, whose detail is not"
                        + " well-formed UTF-8", channel -> close(channel, ErrorCode.NO_ERROR.value(), NOT_UTF8))));
    }

    /**
     * An interval whose to_seq is left out reads as one of one entry, as the peer's acknowledgements show; one that would end
     * after entry 2^64 − 1 is malformed. The first half is a valid exchange; in the second the suite plays an attacker on
     * purpose, as the class says.
     */
    @Test
    @Requirement("HY-SESS-113")
    void anIntervalWithoutItsEndIsOneEntryLong() throws Exception {
        String rule = "a receiver reads a Delta of kind INTERVAL whose to_seq is 0 as one whose to_seq is its from_seq + 1, and ends the"
                + " session with MALFORMED_MESSAGE (code 100) when that from_seq is 2^64 − 1 (HY-SESS-113)";
        String document = freshDocument();
        ReplicaId me = ReplicaId.random(RANDOM);
        try (PeerConnection c = PeerConnection.open()) {
            long channel = openDocument(c, SUITE_CHANNEL, document, me).channel();
            for (long from = 0; from < 2; from++) {
                long f = from;
                DeltaFields d = new DeltaFields(channel);
                d.fromSeq = f == 0 ? null : f;
                d.toSeq = null;
                d.payload = increment(me, 1 + f);
                c.sendEncoded(d.bytes());
                SessionMessage m = c.next(x -> acknowledges(x, SUITE_CHANNEL, f + 1) || x instanceof SessionMessage.SessionError
                        || x instanceof SessionMessage.Ack a && a.channel() == SUITE_CHANNEL, "acknowledgement of entry " + (f + 1));
                if (!acknowledges(m, SUITE_CHANNEL, f + 1)) {
                    throw c.broken(rule, "an acknowledgement of entry " + (f + 1) + " on channel " + SUITE_CHANNEL
                            + ", the to_seq of the interval from " + f + " without its to_seq", m);
                }
            }
        }
        expectEnd(rule, ErrorCode.MALFORMED_MESSAGE, onDocument("an Open of a fresh document, then an INTERVAL on it from 2^64 − 1,"
                + " without its to_seq", delta(d -> {
                    d.fromSeq = -1L;
                    d.toSeq = null;
                })));
    }

    /**
     * A session whose Open and Delta write out every scalar that holds its default value, and one whose Open and Delta leave
     * each of them out, get the same answers: the peer's Open of the document, answering channel 1, and the acknowledgement
     * of the delta. Both are valid messages: the suite plays no attacker here.
     */
    @Test
    @Requirement("HY-SESS-111")
    void aScalarWrittenWithItsDefaultValueReadsAsOneLeftOut() throws Exception {
        for (boolean explicit : new boolean[] {true, false}) {
            String document = freshDocument();
            ReplicaId me = ReplicaId.random(RANDOM);
            String how = explicit ? "written out" : "left out";
            String rule = "a receiver reads a scalar field that is absent from a table of a session message as holding its default value,"
                    + " and accepts the same field present, whether or not it holds its default value (HY-SESS-111)";
            try (PeerConnection c = PeerConnection.open()) {
                OpenFields o = new OpenFields();
                o.document = document.getBytes(StandardCharsets.UTF_8);
                o.replica = me.toBytes();
                o.explicit = explicit;
                o.channel = explicit ? 1L : null;
                o.window = explicit ? 32 : null;
                o.heldSeq = explicit ? 0L : null;
                o.answers = explicit ? 0L : null;
                c.sendEncoded(o.bytes());
                SessionMessage answer = c.next(m -> m instanceof SessionMessage.Open a && answersOpen(a, 1, document)
                        || m instanceof SessionMessage.SessionError e && (e.channel() == 0 || e.channel() == 1),
                        "answer to an Open of " + document + " on channel 1 whose default scalars are " + how);
                if (!(answer instanceof SessionMessage.Open a) || a.granted() != dev.hyphae.handshake.AccessPolicy.Right.WRITE) {
                    throw c.broken(rule, "the peer's Open of " + document + ", answering channel 1 (the default) and granting write, as"
                            + " it answers an Open whose default scalars are " + (explicit ? "left out" : "written out"), answer);
                }
                DeltaFields d = new DeltaFields(a.channel());
                d.explicit = explicit;
                d.payload = increment(me, 1);
                d.channel = explicit || a.channel() != 1 ? a.channel() : null;
                d.kind = explicit ? 1 : null;
                d.fromSeq = explicit ? 0L : null;
                d.compression = explicit ? 0 : null;
                d.ack = explicit ? 0L : null;
                c.sendEncoded(d.bytes());
                SessionMessage ack = c.next(m -> acknowledges(m, 1, 1) || m instanceof SessionMessage.SessionError e && e.channel() <= 1,
                        "acknowledgement of an INTERVAL from 0 to 1 whose default scalars are " + how);
                if (!acknowledges(ack, 1, 1)) {
                    throw c.broken(rule, "an acknowledgement of entry 1 on channel 1, as of an INTERVAL whose default scalars are "
                            + (explicit ? "left out" : "written out"), ack);
                }
            }
        }
    }
}
