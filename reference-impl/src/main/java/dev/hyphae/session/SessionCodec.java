package dev.hyphae.session;

import com.google.flatbuffers.FlatBufferBuilder;
import dev.hyphae.ErrorCode;
import dev.hyphae.ProtocolException;
import dev.hyphae.codec.BufferVerifier;
import dev.hyphae.codec.KeyRuns;
import dev.hyphae.codec.Schema;
import dev.hyphae.data.Limits;
import dev.hyphae.data.ReplicaId;
import dev.hyphae.data.Value;
import dev.hyphae.handshake.AccessPolicy.Right;
import hyphae.v1.Ack;
import hyphae.v1.Close;
import hyphae.v1.Delta;
import hyphae.v1.Message;
import hyphae.v1.Open;
import hyphae.v1.Ping;
import hyphae.v1.Pong;
import hyphae.v1.SessionError;
import hyphae.v1.Summary;
import hyphae.v1.SummaryRequest;
import hyphae.v1.VersionVector;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

import static dev.hyphae.session.SessionLimits.MAX_DETAIL;
import static dev.hyphae.session.SessionLimits.MAX_DOCUMENT_NAME;
import static dev.hyphae.session.SessionLimits.MAX_SESSION_KEYS;
import static dev.hyphae.session.SessionLimits.MAX_SESSION_KEY_BYTES;
import static dev.hyphae.session.SessionLimits.MAX_SESSION_REPLICAS;
import static dev.hyphae.session.SessionLimits.MAX_WINDOW;

/**
 * Encodes and decodes session messages, in the layout of {@code spec/schema/session.fbs} (specification,
 * chapter "Session", section "Messages").
 *
 * <p>Decoding is for untrusted bytes: the whole buffer is verified before any accessor runs, then every field is
 * checked against the rules of the chapter. A message of a type this version does not know is refused with
 * {@code UNKNOWN_MESSAGE_TYPE}; anything else malformed with {@code MALFORMED_MESSAGE}. Both end the session.
 * The payload of a Delta is not decoded here: it is a CRDT payload, verified by its own decoder, whose errors
 * refuse only that delta.
 *
 * <p>Why this class is some 400 lines: it is the one encoder and the one verifying decoder of all nine messages,
 * which share the verifier, the version vector's rules and the field checks; split by message, a rule shared by
 * two tables (a summary in an Open and in a Summary) would be written twice.
 */
public final class SessionCodec {

    /** The FlatBuffers file identifier of a session message. */
    public static final String FILE_IDENTIFIER = "HYS1";
    /** Largest channel number: channels are unsigned 32-bit. */
    public static final long MAX_CHANNEL = 0xFFFF_FFFFL;

    /** More than the bytes of a Delta message besides its payload, replica ids and keys: offsets, vtables, scalars. */
    static final int DELTA_ENVELOPE_AT_MOST = 256;

    /**
     * Whether a Delta that carries a payload of {@code payloadBytes} and declares {@code replicas} replica ids and
     * {@code keyBytes} bytes of keys is sure to keep within {@code MAX_MESSAGE_SIZE} (HY-FRAME-014): the sync layer
     * asks before it declares anything, since a Delta that could not be sent must not move the tables (HY-SESS-106).
     */
    public static boolean deltaFits(long payloadBytes, int replicas, long keyBytes) {
        return payloadBytes + (long) ReplicaId.LENGTH * replicas + keyBytes + DELTA_ENVELOPE_AT_MOST
                <= dev.hyphae.framing.FramingLimits.MAX_MESSAGE_SIZE;
    }

    private SessionCodec() {
    }

    /**
     * Encodes a message.
     *
     * @throws IllegalArgumentException if the message breaks a rule that a receiver checks, so that the reference
     *                                  implementation never sends what its peer must refuse
     */
    public static byte[] encode(SessionMessage message) {
        FlatBufferBuilder b = new FlatBufferBuilder(message instanceof SessionMessage.Delta d ? d.payload().length + 128 : 256);
        int body;
        if (message instanceof SessionMessage.Open o) {
            int document = o.document() == null ? 0 : b.createString(o.document());
            int replica = Open.createReplicaVector(b, o.replica().toBytes());
            int summary = o.summary() == null ? 0 : versionVector(b, o.summary());
            int held = o.heldReplica() == null ? 0 : Open.createHeldReplicaVector(b, o.heldReplica().toBytes());
            body = Open.createOpen(b, o.channel(), document, o.mode().value(), o.granted().value(), replica, summary, held,
                    o.heldSeq(), o.window(), o.answers());
        } else if (message instanceof SessionMessage.Delta d) {
            int columnar = d.compact() ? 0 : Delta.createPayloadVector(b, d.payload());
            int compact = d.compact() ? Delta.createCompactVector(b, d.payload()) : 0;
            int replicas = 0;
            if (!d.replicas().isEmpty()) {
                byte[] ids = new byte[d.replicas().size() * ReplicaId.LENGTH];
                for (int i = 0; i < d.replicas().size(); i++) {
                    d.replicas().get(i).copyTo(ids, i * ReplicaId.LENGTH);
                }
                replicas = Delta.createReplicasVector(b, ids);
            }
            // HY-SESS-114: an interval of one entry leaves its to_seq out, which reads as from_seq + 1 (HY-SESS-113).
            long toSeq = d.kind() == SessionMessage.Kind.INTERVAL && d.toSeq() == d.fromSeq() + 1 && d.toSeq() != 0 ? 0 : d.toSeq();
            int keys = d.keys().isEmpty() ? 0 : Delta.createKeysVector(b, KeyRuns.encode(d.keys()));
            body = Delta.createDelta(b, d.channel(), d.kind().value(), d.fromSeq(), toSeq, columnar, d.compression(), replicas,
                    compact, d.ack(), keys);
        } else if (message instanceof SessionMessage.Ack a) {
            body = Ack.createAck(b, a.channel(), a.seq());
        } else if (message instanceof SessionMessage.SessionError e) {
            body = SessionError.createSessionError(b, e.channel(), e.seq(), e.code(), detail(b, e.detail()));
        } else if (message instanceof SessionMessage.Ping p) {
            body = Ping.createPing(b, p.nonce());
        } else if (message instanceof SessionMessage.Pong p) {
            body = Pong.createPong(b, p.nonce());
        } else if (message instanceof SessionMessage.SummaryRequest r) {
            body = SummaryRequest.createSummaryRequest(b, r.channel());
        } else if (message instanceof SessionMessage.Summary m) {
            body = Summary.createSummary(b, m.channel(), versionVector(b, m.summary()));
        } else {
            SessionMessage.Close c = (SessionMessage.Close) message;
            body = Close.createClose(b, c.channel(), c.code(), detail(b, c.detail()));
        }
        int root = hyphae.v1.SessionMessage.createSessionMessage(b, (byte) message.type(), body);
        hyphae.v1.SessionMessage.finishSessionMessageBuffer(b, root);
        byte[] bytes = b.sizedByteArray();
        // As for payloads (HY-DATA-043): never send what a receiver must refuse.
        try {
            decode(bytes);
        } catch (ProtocolException e) {
            throw new IllegalArgumentException("the message cannot be sent: " + e.getMessage(), e);
        }
        return bytes;
    }

    private static int versionVector(FlatBufferBuilder b, SortedMap<ReplicaId, Long> vector) {
        if (vector.isEmpty()) {
            // An empty summary is stated by a table without vectors, which are empty when absent: not by no table,
            // which in an Open means that the summary is not stated (HY-SESS-080).
            VersionVector.startVersionVector(b);
            return VersionVector.endVersionVector(b);
        }
        byte[] replicas = new byte[vector.size() * ReplicaId.LENGTH];
        long[] counters = new long[vector.size()];
        int i = 0;
        for (Map.Entry<ReplicaId, Long> e : vector.entrySet()) {
            e.getKey().copyTo(replicas, i * ReplicaId.LENGTH);
            counters[i++] = e.getValue();
        }
        return VersionVector.createVersionVector(b, VersionVector.createReplicasVector(b, replicas),
                VersionVector.createCountersVector(b, counters));
    }

    private static int detail(FlatBufferBuilder b, String detail) {
        byte[] utf8 = detail == null ? new byte[0] : detail.getBytes(StandardCharsets.UTF_8);
        if (utf8.length > MAX_DETAIL) {
            // Details are for people: cut at a character boundary rather than refuse to report the error.
            String cut = detail;
            while (cut.getBytes(StandardCharsets.UTF_8).length > MAX_DETAIL) {
                cut = cut.substring(0, cut.offsetByCodePoints(0, cut.codePointCount(0, cut.length()) - 1));
            }
            utf8 = cut.getBytes(StandardCharsets.UTF_8);
        }
        return utf8.length == 0 ? 0 : b.createString(ByteBuffer.wrap(utf8));
    }

    /**
     * Verifies and decodes untrusted bytes.
     *
     * @throws ProtocolException {@code UNKNOWN_MESSAGE_TYPE} for a type this version does not define,
     *                           {@code MALFORMED_MESSAGE} for anything else that is not a valid message
     */
    public static SessionMessage decode(byte[] bytes) throws ProtocolException {
        try {
            return verifyAndRead(bytes);
        } catch (ProtocolException e) {
            throw e;
        } catch (RuntimeException e) {
            // Defence in depth, as in the payload decoder: the verifier is meant to make this unreachable.
            throw malformed("unexpected %s: %s", e.getClass().getSimpleName(), e.getMessage());
        }
    }

    private static SessionMessage verifyAndRead(byte[] bytes) throws ProtocolException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        BufferVerifier v = new BufferVerifier(buffer, ErrorCode.MALFORMED_MESSAGE);
        int root = v.root(FILE_IDENTIFIER, Schema.SessionMessage.FIELDS);
        v.scalar(root, Schema.SessionMessage.MESSAGE_TYPE);
        int typeAt = v.field(root, Schema.SessionMessage.MESSAGE_TYPE);
        int type = typeAt == 0 ? 0 : Byte.toUnsignedInt(buffer.get(typeAt));
        // HY-SESS-004: absent, 0 and undefined types are all unknown (HY-VER-019).
        if (type == Message.NONE || type > Message.Summary) {
            throw ProtocolException.sessionError(ErrorCode.UNKNOWN_MESSAGE_TYPE, "message type %d is not defined in this version", type);
        }
        int fields = switch (type) {
            case Message.Open -> Schema.Open.FIELDS;
            case Message.Delta -> Schema.Delta.FIELDS;
            case Message.Ack -> Schema.Ack.FIELDS;
            case Message.SessionError -> Schema.SessionError.FIELDS;
            case Message.Ping -> Schema.Ping.FIELDS;
            case Message.Pong -> Schema.Pong.FIELDS;
            case Message.SummaryRequest -> Schema.SummaryRequest.FIELDS;
            case Message.Summary -> Schema.Summary.FIELDS;
            default -> Schema.Close.FIELDS;
        };
        int table = v.union(root, Schema.SessionMessage.MESSAGE, fields);
        if (table == 0) {
            throw malformed("a message of type %d without its table", type);
        }
        hyphae.v1.SessionMessage message = hyphae.v1.SessionMessage.getRootAsSessionMessage(buffer);
        switch (type) {
            case Message.Open -> {
                v.scalar(table, Schema.Open.CHANNEL);
                v.string(table, Schema.Open.DOCUMENT, MAX_DOCUMENT_NAME);
                v.scalar(table, Schema.Open.MODE);
                v.scalar(table, Schema.Open.GRANTED);
                v.vector(table, Schema.Open.REPLICA, ReplicaId.LENGTH);
                int summary = v.tableField(table, Schema.Open.SUMMARY);
                VectorFields vectors = summary == 0 ? null : verifyVersionVector(v, summary);
                v.vector(table, Schema.Open.HELD_REPLICA, ReplicaId.LENGTH);
                v.scalar(table, Schema.Open.HELD_SEQ);
                v.scalar(table, Schema.Open.WINDOW);
                v.scalar(table, Schema.Open.ANSWERS);
                Open o = (Open) message.message(new Open());
                long channel = channel(o.channel());
                long answers = o.answers();
                // HY-SESS-090: an answer may leave the document out; the Open it answers names it.
                String document = answers != 0 && o.documentAsByteBuffer() == null ? null : documentName(o.documentAsByteBuffer());
                Right mode = Right.of(o.mode());
                if (mode == null || mode == Right.NONE) {
                    throw malformed("an Open asks for access %d; it asks for 1 (read) or 2 (write)", o.mode());
                }
                Right granted = Right.of(o.granted());
                if (granted == null) {
                    throw malformed("an Open grants access %d; it grants 0, 1 or 2", o.granted());
                }
                ReplicaId replica = replicaId(o.replicaAsByteBuffer(), "replica");
                if (replica == null) {
                    throw malformed("an Open without the sender's replica id");
                }
                // Absent: the Open does not state its summary (HY-SESS-080); present and empty: an empty summary.
                SortedMap<ReplicaId, Long> vector = summary == 0 ? null : readVersionVector(v, vectors, o.summary());
                ReplicaId held = replicaId(o.heldReplicaAsByteBuffer(), "held_replica");
                if (held == null && o.heldSeq() != 0 && answers == 0) {
                    throw malformed("an Open holds %s entries of no log", Long.toUnsignedString(o.heldSeq()));
                }
                int window = o.window();
                if (window < 1 || window > MAX_WINDOW) {
                    throw malformed("an Open announces a window of %d; it is 1 to %d", window, MAX_WINDOW);
                }
                return new SessionMessage.Open(channel, document, mode, granted, replica, vector, held, o.heldSeq(), window, answers);
            }
            case Message.Delta -> {
                v.scalar(table, Schema.Delta.CHANNEL);
                v.scalar(table, Schema.Delta.KIND);
                v.scalar(table, Schema.Delta.FROM_SEQ);
                v.scalar(table, Schema.Delta.TO_SEQ);
                // Not MAX_PAYLOAD_SIZE: a payload too large is refused by the payload decoder, for that delta only
                // (HY-SESS-022); here the framed channel's bound on a message applies.
                v.vector(table, Schema.Delta.PAYLOAD, dev.hyphae.framing.FramingLimits.MAX_MESSAGE_SIZE);
                // Any value: what it means, and whether the session allows it, is DeltaCompression's to judge (HY-COMP-006).
                v.scalar(table, Schema.Delta.COMPRESSION);
                v.vector(table, Schema.Delta.COMPACT, dev.hyphae.framing.FramingLimits.MAX_MESSAGE_SIZE);
                // As a summary's: bounded by the buffer here, and by its limit below, for its own code.
                int declared = v.vector(table, Schema.Delta.REPLICAS, Integer.MAX_VALUE);
                if (declared != 0 && v.vectorLength(declared) > ReplicaId.LENGTH * MAX_SESSION_REPLICAS) {
                    // HY-SESS-068: no more could be appended to any table.
                    throw ProtocolException.sessionError(ErrorCode.LIMIT_EXCEEDED,
                            "a Delta declares %d bytes of replica ids, more than MAX_SESSION_REPLICAS", v.vectorLength(declared));
                }
                v.scalar(table, Schema.Delta.ACK);
                // Bounded by the message; the keys it declares by their limits as they are read (HY-SESS-097).
                v.vector(table, Schema.Delta.KEYS, dev.hyphae.framing.FramingLimits.MAX_MESSAGE_SIZE);
                Delta d = (Delta) message.message(new Delta());
                long channel = channel(d.channel());
                SessionMessage.Kind kind = switch (d.kind()) {
                    case 1 -> SessionMessage.Kind.INTERVAL;
                    case 2 -> SessionMessage.Kind.DIFFERENCE;
                    case 3 -> SessionMessage.Kind.STATE;
                    default -> throw malformed("a Delta of kind %d; kinds are 1 to 3", d.kind());
                };
                long from = d.fromSeq();
                long to = d.toSeq();
                if (kind == SessionMessage.Kind.INTERVAL && to == 0) {
                    // HY-SESS-113: an interval of one entry, whose to_seq is left out.
                    if (from == -1L) {
                        throw malformed("an interval of one entry after entry %s, which has no successor", Long.toUnsignedString(from));
                    }
                    to = from + 1;
                }
                if (kind == SessionMessage.Kind.INTERVAL) {
                    if (Long.compareUnsigned(from, to) >= 0) {
                        throw malformed("an interval from %s to %s is empty", Long.toUnsignedString(from), Long.toUnsignedString(to));
                    }
                } else if (from != 0) {
                    throw malformed("a Delta of kind %s with from_seq %s; it is 0", kind, Long.toUnsignedString(from));
                }
                ByteBuffer columnar = d.payloadAsByteBuffer();
                ByteBuffer compact = d.compactAsByteBuffer();
                if (columnar != null && compact != null) {
                    throw malformed("a Delta with a payload in both forms");   // HY-SESS-075
                }
                ByteBuffer payload = compact != null ? compact : columnar;
                if (payload == null || payload.remaining() == 0) {
                    throw malformed("a Delta without a payload");
                }
                byte[] copy = new byte[payload.remaining()];
                payload.get(copy);
                // An ack of 0 is no acknowledgement (an Ack of 0 is malformed, HY-SESS-017): nothing rides along.
                List<ReplicaId> replicas = declaredReplicas(d.replicasAsByteBuffer());
                // HY-SESS-093, HY-SESS-097: key runs of map keys, no more than any session key table could take.
                List<Value> keys = KeyRuns.decode(d.keysAsByteBuffer(), MAX_SESSION_KEYS, MAX_SESSION_KEY_BYTES);
                return new SessionMessage.Delta(channel, kind, from, to, copy, replicas, compact != null, d.compression(),
                        d.ack(), keys);
            }
            case Message.Ack -> {
                v.scalar(table, Schema.Ack.CHANNEL);
                v.scalar(table, Schema.Ack.SEQ);
                Ack a = (Ack) message.message(new Ack());
                long channel = channel(a.channel());
                if (a.seq() == 0) {
                    throw malformed("an Ack of sequence number 0");
                }
                return new SessionMessage.Ack(channel, a.seq());
            }
            case Message.SessionError -> {
                v.scalar(table, Schema.SessionError.CHANNEL);
                v.scalar(table, Schema.SessionError.SEQ);
                v.scalar(table, Schema.SessionError.CODE);
                v.string(table, Schema.SessionError.DETAIL, MAX_DETAIL);
                SessionError e = (SessionError) message.message(new SessionError());
                if (e.channel() == 0 && e.seq() != 0) {
                    throw malformed("an error of a delta without a channel");
                }
                return new SessionMessage.SessionError(e.channel(), e.seq(), e.code(), text(e.detailAsByteBuffer(), "detail"));
            }
            case Message.SummaryRequest -> {
                v.scalar(table, Schema.SummaryRequest.CHANNEL);
                SummaryRequest r = (SummaryRequest) message.message(new SummaryRequest());
                return new SessionMessage.SummaryRequest(channel(r.channel()));
            }
            case Message.Summary -> {
                v.scalar(table, Schema.Summary.CHANNEL);
                int summary = v.tableField(table, Schema.Summary.SUMMARY);
                if (summary == 0) {
                    throw malformed("a Summary without its summary");
                }
                VectorFields vectors = verifyVersionVector(v, summary);
                Summary m = (Summary) message.message(new Summary());
                long channel = channel(m.channel());
                return new SessionMessage.Summary(channel, readVersionVector(v, vectors, m.summary()));
            }
            case Message.Ping -> {
                v.scalar(table, Schema.Ping.NONCE);
                return new SessionMessage.Ping(((Ping) message.message(new Ping())).nonce());
            }
            case Message.Pong -> {
                v.scalar(table, Schema.Pong.NONCE);
                return new SessionMessage.Pong(((Pong) message.message(new Pong())).nonce());
            }
            default -> {
                v.scalar(table, Schema.Close.CHANNEL);
                v.scalar(table, Schema.Close.CODE);
                v.string(table, Schema.Close.DETAIL, MAX_DETAIL);
                Close c = (Close) message.message(new Close());
                return new SessionMessage.Close(c.channel(), c.code(), text(c.detailAsByteBuffer(), "detail"));
            }
        }
    }

    /** The two vectors of a verified VersionVector table: their positions, 0 when absent. */
    private record VectorFields(int replicas, int counters) {
    }

    /** Verifies a VersionVector table's vectors, and its bound (HY-SESS-005), before anything reads them. */
    private static VectorFields verifyVersionVector(BufferVerifier v, int summary) throws ProtocolException {
        // The verifier bounds the vectors by the buffer; the limit is checked apart, for its own code.
        int replicas = v.vector(summary, Schema.VersionVector.REPLICAS, Integer.MAX_VALUE);
        int counters = v.vector(summary, Schema.VersionVector.COUNTERS, Integer.MAX_VALUE);
        long entries = Math.max(counters == 0 ? 0 : v.vectorLength(counters),
                replicas == 0 ? 0 : (v.vectorLength(replicas) + ReplicaId.LENGTH - 1) / ReplicaId.LENGTH);
        if (entries > Limits.MAX_REPLICAS) {
            // HY-SESS-005, as HY-DATA-041 for every version vector.
            throw ProtocolException.sessionError(ErrorCode.LIMIT_EXCEEDED, "a version vector of %d entries, more than MAX_REPLICAS",
                    entries);
        }
        return new VectorFields(replicas, counters);
    }

    /** Reads a verified VersionVector, by the rules of HY-SESS-011. */
    private static SortedMap<ReplicaId, Long> readVersionVector(BufferVerifier v, VectorFields fields, VersionVector vv)
            throws ProtocolException {
        SortedMap<ReplicaId, Long> vector = new TreeMap<>();
        int n = fields.replicas() == 0 ? 0 : v.vectorLength(fields.replicas());
        int m = fields.counters() == 0 ? 0 : v.vectorLength(fields.counters());
        if (n != m * ReplicaId.LENGTH) {
            throw malformed("a version vector with %d bytes of replica ids and %d counters", n, m);
        }
        ReplicaId previous = null;
        for (int i = 0; i < m; i++) {
            byte[] id = new byte[ReplicaId.LENGTH];
            for (int k = 0; k < ReplicaId.LENGTH; k++) {
                id[k] = (byte) vv.replicas(i * ReplicaId.LENGTH + k);
            }
            if (ReplicaId.isZero(id, 0)) {
                throw malformed("a version vector lists the zero replica id");
            }
            ReplicaId r = ReplicaId.of(id);
            if (previous != null && previous.compareTo(r) >= 0) {
                throw malformed("a version vector's replicas are not in ascending order");
            }
            if (vv.counters(i) == 0) {
                throw malformed("a version vector lists replica %s with count 0", r);
            }
            vector.put(r, vv.counters(i));
            previous = r;
        }
        return vector;
    }

    private static long channel(long channel) throws ProtocolException {
        if (channel == 0) {
            throw malformed("channel 0 where a document's channel is required");
        }
        return channel;
    }

    /** A document name is 1 to 255 bytes of UTF-8 without control characters. */
    private static String documentName(ByteBuffer bytes) throws ProtocolException {
        String name = text(bytes, "document");
        if (name.isEmpty()) {
            throw malformed("an Open without a document name");
        }
        if (name.codePoints().anyMatch(Character::isISOControl)) {
            throw malformed("a document name with a control character");
        }
        return name;
    }

    private static String text(ByteBuffer bytes, String field) throws ProtocolException {
        if (bytes == null) {
            return "";
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(bytes).toString();
        } catch (CharacterCodingException e) {
            throw malformed("%s is not UTF-8", field);
        }
    }

    private static ReplicaId replicaId(ByteBuffer bytes, String field) throws ProtocolException {
        if (bytes == null) {
            return null;
        }
        if (bytes.remaining() != ReplicaId.LENGTH) {
            throw malformed("%s has %d bytes; a replica id has 16", field, bytes.remaining());
        }
        byte[] id = new byte[ReplicaId.LENGTH];
        bytes.get(id);
        if (ReplicaId.isZero(id, 0)) {
            throw malformed("%s is the zero replica id", field);
        }
        return ReplicaId.of(id);
    }

    /** HY-SESS-066: the replica ids a Delta declares, 16 bytes each, none of them the zero id. */
    private static List<ReplicaId> declaredReplicas(ByteBuffer bytes) throws ProtocolException {
        if (bytes == null) {
            return List.of();
        }
        if (bytes.remaining() % ReplicaId.LENGTH != 0) {
            throw malformed("a Delta declares %d bytes of replica ids, not a multiple of 16", bytes.remaining());
        }
        List<ReplicaId> ids = new ArrayList<>(bytes.remaining() / ReplicaId.LENGTH);
        byte[] id = new byte[ReplicaId.LENGTH];
        while (bytes.hasRemaining()) {
            bytes.get(id);
            if (ReplicaId.isZero(id, 0)) {
                throw malformed("a Delta declares the zero replica id");
            }
            ids.add(ReplicaId.of(id));
        }
        return ids;
    }

    private static ProtocolException malformed(String format, Object... args) {
        return ProtocolException.sessionError(ErrorCode.MALFORMED_MESSAGE, ProtocolException.Phase.DECODE, "session message: " + format, args);
    }
}
