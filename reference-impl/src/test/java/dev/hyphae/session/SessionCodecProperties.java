package dev.hyphae.session;

import com.google.flatbuffers.FlatBufferBuilder;
import dev.hyphae.ErrorCode;
import dev.hyphae.ProtocolException;
import dev.hyphae.data.ReplicaId;
import dev.hyphae.handshake.AccessPolicy.Right;
import dev.hyphae.spec.Requirement;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Session messages: decode inverts encode; every refusal carries its code; nothing else escapes. */
class SessionCodecProperties {

    private static final Set<ErrorCode> SESSION_REFUSALS = Set.of(ErrorCode.MALFORMED_MESSAGE, ErrorCode.UNKNOWN_MESSAGE_TYPE);

    static Arbitrary<ReplicaId> replicas() {
        return Arbitraries.bytes().array(byte[].class).ofSize(16).filter(b -> !ReplicaId.isZero(b, 0)).map(ReplicaId::of);
    }

    static Arbitrary<Long> channels() {
        return Arbitraries.longs().between(1, SessionCodec.MAX_CHANNEL);
    }

    @Provide
    Arbitrary<SessionMessage> messages() {
        Arbitrary<TreeMap<ReplicaId, Long>> summaries = Arbitraries.maps(replicas(), Arbitraries.longs().filter(n -> n != 0))
                .ofMaxSize(5).map(TreeMap::new);
        Arbitrary<String> names = Arbitraries.strings().withCharRange('a', 'z').withChars('é', '-', '/', '水').ofMinLength(1).ofMaxLength(60);
        Arbitrary<SessionMessage> open = Combinators.combine(channels(), names, Arbitraries.of(Right.READ, Right.WRITE),
                        Arbitraries.of(Right.values()), replicas(), summaries.injectNull(0.3), replicas().injectNull(0.3),
                        Arbitraries.integers().between(1, SessionLimits.MAX_WINDOW))
                .as((c, n, m, g, r, s, h, w) -> w % 3 == 0
                        // An answer (HY-SESS-090): no document, and a held prefix of the receiver's own log.
                        ? new SessionMessage.Open(c, null, m, g, r, s, null, w * 3L, w, c)
                        : new SessionMessage.Open(c, n, m, g, r, s, h, h == null ? 0 : w * 3L, w));
        Arbitrary<SessionMessage> delta = Combinators.combine(channels(), Arbitraries.of(SessionMessage.Kind.values()),
                        Arbitraries.longs().between(0, 1000), Arbitraries.longs().between(1, 1000),
                        Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(64),
                        replicas().list().uniqueElements().ofMaxSize(3), Arbitraries.of(false, true),
                        Arbitraries.integers().between(0, 255).edgeCases(e -> e.add(0)))
                .as((c, k, from, length, payload, declared, compact, compression) -> k == SessionMessage.Kind.INTERVAL
                        ? new SessionMessage.Delta(c, k, from, from + length, payload, declared, compact, compression)
                        : new SessionMessage.Delta(c, k, 0, length, payload, declared, compact, compression));
        Arbitrary<SessionMessage> deltaWithAck = Combinators.combine(delta, Arbitraries.longs().injectNull(0.5))
                .as((d, ack) -> ack == null ? d : ((SessionMessage.Delta) d).withAck(ack));
        Arbitrary<SessionMessage> summaryRequest = channels().map(SessionMessage.SummaryRequest::new);
        Arbitrary<SessionMessage> summary = Combinators.combine(channels(), summaries).as(SessionMessage.Summary::new);
        Arbitrary<SessionMessage> ack = Combinators.combine(channels(), Arbitraries.longs().filter(n -> n != 0)).as(SessionMessage.Ack::new);
        Arbitrary<SessionMessage> error = Combinators.combine(channels().injectNull(0.3), Arbitraries.longs().between(0, 99),
                        Arbitraries.integers().between(0, 65535), Arbitraries.strings().ofMaxLength(40))
                .as((c, s, code, d) -> new SessionMessage.SessionError(c == null ? 0 : c, c == null ? 0 : s, code, d));
        Arbitrary<SessionMessage> ping = Arbitraries.longs().map(SessionMessage.Ping::new);
        Arbitrary<SessionMessage> pong = Arbitraries.longs().map(SessionMessage.Pong::new);
        Arbitrary<SessionMessage> close = Combinators.combine(Arbitraries.longs().between(0, SessionCodec.MAX_CHANNEL),
                Arbitraries.integers().between(0, 65535), Arbitraries.strings().ofMaxLength(40)).as(SessionMessage.Close::new);
        return Arbitraries.oneOf(open, deltaWithAck, ack, error, ping, pong, close, summaryRequest, summary);
    }

    @Requirement({"HY-SESS-001", "HY-SESS-002", "HY-SESS-020"})
    @Property(tries = 2000)
    void decodeInvertsEncode(@ForAll("messages") SessionMessage message) throws ProtocolException {
        assertEquals(message, SessionCodec.decode(SessionCodec.encode(message)));
    }

    @Requirement({"HY-SESS-003", "HY-SESS-004"})
    @Property(tries = 3000)
    void everyMutatedMessageDecodesOrIsRefusedWithASessionCode(@ForAll("messages") SessionMessage message,
                                                               @ForAll @IntRange(min = 0, max = 100_000) int where,
                                                               @ForAll @IntRange(min = 1, max = 255) int flip) {
        byte[] bytes = SessionCodec.encode(message);
        bytes[where % bytes.length] ^= (byte) flip;
        try {
            SessionMessage decoded = SessionCodec.decode(bytes);
            // What decodes is a message a valid encoder could have sent: it encodes again.
            SessionCodec.encode(decoded);
        } catch (ProtocolException e) {
            assertTrue(SESSION_REFUSALS.contains(e.code()), e.code() + ": " + e.getMessage());
        }
    }

    /**
     * A truncated message is refused, unless all that was cut is alignment padding after the last string's zero
     * byte: then it still says exactly what it said.
     */
    @Requirement({"HY-SESS-003"})
    @Property(tries = 1000)
    void everyTruncatedMessageIsRefusedOrLostOnlyPadding(@ForAll("messages") SessionMessage message,
                                                        @ForAll @IntRange(min = 0, max = 100_000) int cut) {
        byte[] bytes = SessionCodec.encode(message);
        byte[] truncated = Arrays.copyOf(bytes, cut % bytes.length);
        try {
            assertEquals(message, SessionCodec.decode(truncated));
            for (int i = truncated.length; i < bytes.length; i++) {
                assertEquals(0, bytes[i], "a cut that decodes removed only zero padding");
            }
        } catch (ProtocolException e) {
            assertTrue(SESSION_REFUSALS.contains(e.code()), e.code() + ": " + e.getMessage());
        }
    }

    @Requirement({"HY-SESS-004"})
    @Test
    void anUnknownMessageTypeIsRefusedAsSuch() {
        byte[] bytes = SessionCodec.encode(new SessionMessage.Ping(7));
        // The union's type byte: find it as the byte holding 5 (Ping) that, set to 10, the first type this version
        // does not define, gives UNKNOWN_MESSAGE_TYPE.
        boolean found = false;
        for (int i = 8; i < bytes.length && !found; i++) {
            if (bytes[i] == 5) {
                byte[] mutated = bytes.clone();
                mutated[i] = 10;
                try {
                    SessionCodec.decode(mutated);
                } catch (ProtocolException e) {
                    found = e.code() == ErrorCode.UNKNOWN_MESSAGE_TYPE;
                }
            }
        }
        assertTrue(found, "no byte of the message is its type");
    }

    @Requirement({"HY-SESS-007", "HY-SESS-008", "HY-SESS-009", "HY-SESS-010", "HY-SESS-011", "HY-SESS-012", "HY-SESS-013", "HY-SESS-014", "HY-SESS-015", "HY-SESS-016", "HY-SESS-017", "HY-SESS-018", "HY-SESS-020"})
    @Test
    void fieldRulesAreChecked() {
        ReplicaId r = ReplicaId.fromHex("0102030405060708090a0b0c0d0e0f10");
        TreeMap<ReplicaId, Long> empty = new TreeMap<>();
        // The encoder refuses what a decoder must refuse, so each rule shows as an IllegalArgumentException here.
        assertRefused(new SessionMessage.Open(0, "d", Right.WRITE, Right.READ, r, empty, null, 0, 8));
        assertRefused(new SessionMessage.Open(1, "", Right.WRITE, Right.READ, r, empty, null, 0, 8));
        assertRefused(new SessionMessage.Open(1, "x".repeat(256), Right.WRITE, Right.READ, r, empty, null, 0, 8));
        assertRefused(new SessionMessage.Open(1, "a\nb", Right.WRITE, Right.READ, r, empty, null, 0, 8));
        assertRefused(new SessionMessage.Open(1, "d", Right.NONE, Right.READ, r, empty, null, 0, 8));
        assertRefused(new SessionMessage.Open(1, "d", Right.WRITE, Right.READ, r, empty, null, 5, 8));
        assertRefused(new SessionMessage.Open(1, "d", Right.WRITE, Right.READ, r, empty, null, 0, 0));
        assertRefused(new SessionMessage.Open(1, "d", Right.WRITE, Right.READ, r, empty, null, 0, 1025));
        TreeMap<ReplicaId, Long> zero = new TreeMap<>();
        zero.put(r, 0L);
        assertRefused(new SessionMessage.Open(1, "d", Right.WRITE, Right.READ, r, zero, null, 0, 8));
        assertRefused(new SessionMessage.Delta(1, SessionMessage.Kind.INTERVAL, 5, 5, new byte[] {1}));
        assertRefused(new SessionMessage.Delta(1, SessionMessage.Kind.STATE, 1, 5, new byte[] {1}));
        assertRefused(new SessionMessage.Delta(1, SessionMessage.Kind.STATE, 0, 5, new byte[0]));
        assertRefused(new SessionMessage.Ack(1, 0));
        assertRefused(new SessionMessage.Ack(0, 3));
        assertRefused(new SessionMessage.SessionError(0, 3, 2, ""));
    }

    @Requirement({"HY-SESS-085", "HY-SESS-086"})
    @Test
    void theNewMessagesFieldRulesAreChecked() throws ProtocolException {
        ReplicaId r = ReplicaId.fromHex("0102030405060708090a0b0c0d0e0f10");
        TreeMap<ReplicaId, Long> zero = new TreeMap<>();
        zero.put(r, 0L);
        assertRefused(new SessionMessage.SummaryRequest(0));
        assertRefused(new SessionMessage.Summary(0, new TreeMap<>()));
        assertRefused(new SessionMessage.Summary(1, zero));
        // An Open without a summary is not an Open with an empty one: the two decode apart (HY-SESS-080).
        assertEquals(null, ((SessionMessage.Open) SessionCodec.decode(SessionCodec.encode(
                new SessionMessage.Open(1, "d", Right.WRITE, Right.READ, r, null, null, 0, 8)))).summary());
        assertEquals(new TreeMap<>(), ((SessionMessage.Open) SessionCodec.decode(SessionCodec.encode(
                new SessionMessage.Open(1, "d", Right.WRITE, Right.READ, r, new TreeMap<>(), null, 0, 8)))).summary());
        // A Delta's ack of 0 is no acknowledgement; any other value is one, and decodes as it was sent.
        assertEquals(7, ((SessionMessage.Delta) SessionCodec.decode(SessionCodec.encode(
                new SessionMessage.Delta(1, SessionMessage.Kind.STATE, 0, 5, new byte[] {1}).withAck(7)))).ack());
    }

    /**
     * The defaults of session.fbs other than 0: a channel of 1, an interval, a window of 32 are left out by the encoder
     * (a channel of 0, which is not the default, stays in, to be refused), and read the same when present.
     */
    @Test
    @Requirement({"HY-SESS-111", "HY-SESS-112", "HY-SESS-007"})
    void scalarFieldsAtTheirDefaultsAreLeftOutAndReadTheSameWhenPresent() throws ProtocolException {
        ReplicaId r = ReplicaId.fromHex("0102030405060708090a0b0c0d0e0f10");
        SessionMessage.Open open = new SessionMessage.Open(1, "d", Right.WRITE, Right.WRITE, r, null, null, 0, 32);
        SessionMessage.Delta delta = new SessionMessage.Delta(1, SessionMessage.Kind.INTERVAL, 3, 4, new byte[] {1});
        SessionMessage.Ack ack = new SessionMessage.Ack(1, 4);
        for (SessionMessage m : List.of(open, delta, ack)) {
            byte[] left = SessionCodec.encode(m);
            byte[] forced = encodeForcingDefaults(m);
            assertTrue(forced.length > left.length, m + ": " + left.length + " bytes, with its defaults written " + forced.length);
            assertEquals(m, SessionCodec.decode(left));
            assertEquals(m, SessionCodec.decode(forced));
        }
        // Left out, the channel reads as 1; written as 0, it is refused.
        assertEquals(1, ((SessionMessage.Ack) SessionCodec.decode(SessionCodec.encode(ack))).channel());
        assertRefused(new SessionMessage.Delta(0, SessionMessage.Kind.INTERVAL, 3, 4, new byte[] {1}));
    }

    /**
     * An interval of one entry leaves its to_seq out, which reads as from_seq + 1; a longer interval, a difference or
     * a state keeps it; and an interval of one entry after entry 2^64 - 1 has no end to read.
     */
    @Test
    @Requirement({"HY-SESS-113", "HY-SESS-114", "HY-SESS-015"})
    void anIntervalOfOneEntryLeavesItsEndOut() throws ProtocolException {
        SessionMessage.Delta one = new SessionMessage.Delta(1, SessionMessage.Kind.INTERVAL, 10, 11, new byte[] {1});
        SessionMessage.Delta two = new SessionMessage.Delta(1, SessionMessage.Kind.INTERVAL, 10, 12, new byte[] {1});
        assertEquals(one, SessionCodec.decode(SessionCodec.encode(one)));
        assertEquals(two, SessionCodec.decode(SessionCodec.encode(two)));
        assertEquals(SessionCodec.encode(two).length - 8, SessionCodec.encode(one).length, "8 bytes of to_seq left out");
        assertEquals(0, hyphae.v1.SessionMessage.getRootAsSessionMessage(java.nio.ByteBuffer.wrap(SessionCodec.encode(one)))
                .message(new hyphae.v1.Delta()) instanceof hyphae.v1.Delta d ? d.toSeq() : -1);
        // Written out, the same interval reads the same (HY-SESS-111).
        assertEquals(one, SessionCodec.decode(encodeForcingDefaults(one)));
        // A difference of entries 1 to 1 keeps its to_seq: only an interval reads 0 as from_seq + 1.
        SessionMessage.Delta difference = new SessionMessage.Delta(1, SessionMessage.Kind.DIFFERENCE, 0, 1, new byte[] {1});
        assertEquals(difference, SessionCodec.decode(SessionCodec.encode(difference)));
        assertRefused(new SessionMessage.Delta(1, SessionMessage.Kind.INTERVAL, -1L, 0, new byte[] {1}));
    }

    /** {@code m}, one of an Open without a summary or held replica, a columnar Delta and an Ack, with every scalar written. */
    private static byte[] encodeForcingDefaults(SessionMessage m) {
        FlatBufferBuilder b = new FlatBufferBuilder(128).forceDefaults(true);
        int table;
        if (m instanceof SessionMessage.Open o) {
            int document = b.createString(o.document());
            int replica = hyphae.v1.Open.createReplicaVector(b, o.replica().toBytes());
            hyphae.v1.Open.startOpen(b);
            hyphae.v1.Open.addChannel(b, o.channel());
            hyphae.v1.Open.addDocument(b, document);
            hyphae.v1.Open.addMode(b, o.mode().value());
            hyphae.v1.Open.addGranted(b, o.granted().value());
            hyphae.v1.Open.addReplica(b, replica);
            hyphae.v1.Open.addHeldSeq(b, o.heldSeq());
            hyphae.v1.Open.addWindow(b, o.window());
            hyphae.v1.Open.addAnswers(b, o.answers());
            table = hyphae.v1.Open.endOpen(b);
        } else if (m instanceof SessionMessage.Delta d) {
            int payload = hyphae.v1.Delta.createPayloadVector(b, d.payload());
            hyphae.v1.Delta.startDelta(b);
            hyphae.v1.Delta.addChannel(b, d.channel());
            hyphae.v1.Delta.addKind(b, d.kind().value());
            hyphae.v1.Delta.addFromSeq(b, d.fromSeq());
            hyphae.v1.Delta.addToSeq(b, d.toSeq());
            hyphae.v1.Delta.addPayload(b, payload);
            hyphae.v1.Delta.addCompression(b, d.compression());
            hyphae.v1.Delta.addAck(b, d.ack());
            table = hyphae.v1.Delta.endDelta(b);
        } else {
            SessionMessage.Ack a = (SessionMessage.Ack) m;
            table = hyphae.v1.Ack.createAck(b, a.channel(), a.seq());
        }
        b.finish(hyphae.v1.SessionMessage.createSessionMessage(b, (byte) m.type(), table), SessionCodec.FILE_IDENTIFIER);
        return b.sizedByteArray();
    }

    @Test
    @Requirement({"HY-SESS-016", "HY-SESS-075"})
    void aDeltaCarriesItsPayloadInExactlyOneForm() {
        FlatBufferBuilder b = new FlatBufferBuilder(128);
        int payload = hyphae.v1.Delta.createPayloadVector(b, new byte[] {1});
        int compact = hyphae.v1.Delta.createCompactVector(b, new byte[] {1});
        int delta = hyphae.v1.Delta.createDelta(b, 1, 3, 0, 1, payload, 0, 0, compact, 0, 0);
        b.finish(hyphae.v1.SessionMessage.createSessionMessage(b, hyphae.v1.Message.Delta, delta), SessionCodec.FILE_IDENTIFIER);
        ProtocolException both = assertThrows(ProtocolException.class, () -> SessionCodec.decode(b.sizedByteArray()));
        assertEquals(ErrorCode.MALFORMED_MESSAGE, both.code(), both.getMessage());
        assertRefused(new SessionMessage.Delta(1, SessionMessage.Kind.STATE, 0, 5, new byte[0], List.of(), true));
    }

    @Test
    @Requirement("HY-SESS-066")
    void declaredReplicaIdsAreWholeAndNotZero() {
        for (byte[] declared : new byte[][] {new byte[15], new byte[16], new byte[17]}) {
            declared[0] = (byte) (declared.length == 16 ? 0 : 1);   // 16 zero bytes: the zero id; otherwise not whole
            FlatBufferBuilder b = new FlatBufferBuilder(128);
            int payload = hyphae.v1.Delta.createPayloadVector(b, new byte[] {1});
            int replicas = hyphae.v1.Delta.createReplicasVector(b, declared);
            int delta = hyphae.v1.Delta.createDelta(b, 1, 3, 0, 1, payload, 0, replicas, 0, 0, 0);
            b.finish(hyphae.v1.SessionMessage.createSessionMessage(b, hyphae.v1.Message.Delta, delta), SessionCodec.FILE_IDENTIFIER);
            ProtocolException e = assertThrows(ProtocolException.class, () -> SessionCodec.decode(b.sizedByteArray()));
            assertEquals(ErrorCode.MALFORMED_MESSAGE, e.code(), e.getMessage());
        }
    }

    @Test
    @Requirement("HY-SESS-068")
    void moreDeclaredReplicaIdsThanATableHoldsAreALimitExceeded() {
        List<ReplicaId> many = new java.util.ArrayList<>();
        for (int i = 1; i <= SessionLimits.MAX_SESSION_REPLICAS + 1; i++) {
            many.add(ReplicaId.fromHex(String.format("%032x", i)));
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SessionCodec.encode(
                new SessionMessage.Delta(1, SessionMessage.Kind.STATE, 0, 1, new byte[] {1}, many)));
        assertTrue(e.getCause() instanceof ProtocolException p && p.code() == ErrorCode.LIMIT_EXCEEDED, e.getMessage());
    }

    @Test
    @Requirement({"HY-SESS-005", "HY-DATA-041"})
    void aSummaryBeyondMaxReplicasIsALimitExceeded() {
        TreeMap<ReplicaId, Long> summary = new TreeMap<>();
        for (int i = 1; i <= dev.hyphae.data.Limits.MAX_REPLICAS + 1; i++) {
            byte[] id = new byte[16];
            id[12] = (byte) (i >> 24);
            id[13] = (byte) (i >> 16);
            id[14] = (byte) (i >> 8);
            id[15] = (byte) i;
            summary.put(ReplicaId.of(id), 1L);
        }
        ReplicaId r = ReplicaId.fromHex("0102030405060708090a0b0c0d0e0f10");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SessionCodec.encode(
                new SessionMessage.Open(1, "d", Right.WRITE, Right.READ, r, summary, null, 0, 8)));
        assertTrue(e.getCause() instanceof ProtocolException p && p.code() == ErrorCode.LIMIT_EXCEEDED, e.getMessage());
    }

    /** The bytes of a session message whose root table {@code body} builds. */
    private static byte[] built(java.util.function.ToIntFunction<FlatBufferBuilder> body) {
        FlatBufferBuilder b = new FlatBufferBuilder(128);
        b.finish(body.applyAsInt(b), SessionCodec.FILE_IDENTIFIER);
        return b.sizedByteArray();
    }

    private static void assertDecodeRefusedAsMalformed(byte[] message) {
        ProtocolException e = assertThrows(ProtocolException.class, () -> SessionCodec.decode(message));
        assertEquals(ErrorCode.MALFORMED_MESSAGE, e.code(), e.getMessage());
    }

    @Requirement("HY-SESS-006")
    @Test
    void aSessionMessageWithoutItsMessageIsRefused() {
        // Of each defined type: a type that is absent or not defined is refused before, as HY-SESS-004 says.
        for (byte type = hyphae.v1.Message.Open; type <= hyphae.v1.Message.Summary; type++) {
            byte defined = type;
            assertDecodeRefusedAsMalformed(built(b -> {
                hyphae.v1.SessionMessage.startSessionMessage(b);
                hyphae.v1.SessionMessage.addMessageType(b, defined);
                return hyphae.v1.SessionMessage.endSessionMessage(b);
            }));
        }
    }

    /** A SessionError on channel 0 and a Close on channel 1, each with {@code detail} as the bytes of its detail. */
    private static List<byte[]> errorAndClose(byte[] detail) {
        return List.of(built(b -> {
            int d = b.createString(java.nio.ByteBuffer.wrap(detail));
            int error = hyphae.v1.SessionError.createSessionError(b, 0, 0, ErrorCode.PROTOCOL_VIOLATION.value(), d);
            return hyphae.v1.SessionMessage.createSessionMessage(b, hyphae.v1.Message.SessionError, error);
        }), built(b -> {
            int d = b.createString(java.nio.ByteBuffer.wrap(detail));
            int close = hyphae.v1.Close.createClose(b, 1, ErrorCode.PROTOCOL_VIOLATION.value(), d);
            return hyphae.v1.SessionMessage.createSessionMessage(b, hyphae.v1.Message.Close, close);
        }));
    }

    @Requirement("HY-SESS-019")
    @Test
    void aDetailThatIsNotUtf8IsRefused() throws ProtocolException {
        // With a well-formed detail, the messages decode: the refusal below is the detail's.
        for (byte[] message : errorAndClose(new byte[] {'a', '/'})) {
            SessionCodec.decode(message);
        }
        // An overlong encoding of '/': not well-formed UTF-8 (RFC 3629).
        for (byte[] message : errorAndClose(new byte[] {'a', (byte) 0xc0, (byte) 0xaf})) {
            assertDecodeRefusedAsMalformed(message);
        }
    }

    private static void assertRefused(SessionMessage message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SessionCodec.encode(message), message.toString());
        assertTrue(e.getCause() instanceof ProtocolException p && p.code() == ErrorCode.MALFORMED_MESSAGE, e.getMessage());
    }
    /**
     * Whatever the payload's length and the declarations beside it, a Delta that {@code deltaFits} admits is encoded
     * within MAX_MESSAGE_SIZE (HY-SESS-106, HY-FRAME-014): the sync layer relies on it before it declares anything.
     */
    @Property(tries = 40)
    @Requirement({"HY-SESS-106", "HY-FRAME-014"})
    void aDeltaThatFitsIsEncodedWithinMaxMessageSize(@ForAll @IntRange(min = 0, max = 300) int replicaCount,
                                                     @ForAll @IntRange(min = 0, max = 2_000) int keyCount,
                                                     @ForAll @IntRange(min = 0, max = 64) int slack) {
        List<ReplicaId> replicas = new java.util.ArrayList<>();
        for (int i = 0; i < replicaCount; i++) {
            byte[] id = new byte[ReplicaId.LENGTH];
            id[0] = 1;
            id[12] = (byte) (i >>> 24);
            id[13] = (byte) (i >>> 16);
            id[14] = (byte) (i >>> 8);
            id[15] = (byte) i;
            replicas.add(ReplicaId.of(id));
        }
        List<dev.hyphae.data.Value> keys = new java.util.ArrayList<>();
        for (int i = 0; i < keyCount; i++) {
            keys.add(dev.hyphae.data.Value.of("key with a long common prefix, number " + i));
        }
        int keyBytes = keys.isEmpty() ? 0 : dev.hyphae.codec.KeyRuns.encode(keys).length;
        // The longest payload that fits beside these declarations, less a little.
        long longest = dev.hyphae.framing.FramingLimits.MAX_MESSAGE_SIZE - (long) ReplicaId.LENGTH * replicaCount - keyBytes
                - SessionCodec.DELTA_ENVELOPE_AT_MOST - slack;
        assertTrue(SessionCodec.deltaFits(longest, replicaCount, keyBytes));
        assertTrue(!SessionCodec.deltaFits(longest + slack + 1, replicaCount, keyBytes));
        SessionMessage.Delta delta = new SessionMessage.Delta(0xffff_ffffL, SessionMessage.Kind.INTERVAL, Long.MAX_VALUE - 1,
                Long.MAX_VALUE, new byte[(int) longest], replicas, false, DeltaCompression.CONTINUE, Long.MAX_VALUE, keys);
        assertTrue(SessionCodec.encode(delta).length <= dev.hyphae.framing.FramingLimits.MAX_MESSAGE_SIZE);
    }
}
