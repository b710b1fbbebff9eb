package dev.hyphae.session;

import dev.hyphae.data.ReplicaId;
import dev.hyphae.data.Value;
import dev.hyphae.handshake.AccessPolicy.Right;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.SortedMap;

/**
 * The session messages of {@code spec/schema/session.fbs} (specification, chapter "Session"). Each is one
 * message of the framed channel. Numbers that the wire holds unsigned (channels, sequence numbers) are held in
 * a {@code long}; a channel is 1 to 2<sup>32</sup>&minus;1, and 0 where a message has a session scope.
 */
public sealed interface SessionMessage {

    /** The message type from the registry. */
    int type();

    /**
     * The channel that {@code m} names in its receiver's numbering: that of a Delta, Ack, SessionError, Close, Summary
     * or SummaryRequest; 0 for a message of the session, and for an Open, whose {@code channel} is its sender's own.
     */
    static long channelNamed(SessionMessage m) {
        if (m instanceof Delta d) {
            return d.channel();
        }
        if (m instanceof Ack a) {
            return a.channel();
        }
        if (m instanceof SessionError e) {
            return e.channel();
        }
        if (m instanceof Close c) {
            return c.channel();
        }
        if (m instanceof Summary x) {
            return x.channel();
        }
        if (m instanceof SummaryRequest r) {
            return r.channel();
        }
        return 0;
    }

    /**
     * Opens a document on the session, or answers the peer's Open of it.
     *
     * @param channel      the number by which the sender wants the document named in messages to it
     * @param document     the document's name
     * @param mode         the access the sender asks for: read or write
     * @param granted      the access the sender grants the receiver
     * @param replica      the sender's replica id: the owner of the log it sends deltas from
     * @param summary      the version vector of the sender's state, or null when the Open does not state it: the
     *                     receiver asks with a {@link SummaryRequest} if it needs it (HY-SESS-080)
     * @param heldReplica  the owner of the receiver's log that the sender holds a prefix of, or null
     * @param heldSeq      the length of that prefix (0 when heldReplica is null)
     * @param window       how many unacknowledged deltas the sender accepts on this channel
     * @param answers      0, or the channel of the receiver's Open that this Open answers (HY-SESS-090): then
     *                     {@code document} may be null, and {@code heldReplica} null with a {@code heldSeq} of the
     *                     receiver's own log
     */
    record Open(long channel, String document, Right mode, Right granted, ReplicaId replica,
                SortedMap<ReplicaId, Long> summary, ReplicaId heldReplica, long heldSeq, int window, long answers)
            implements SessionMessage {
        public Open {
            summary = summary == null ? null : java.util.Collections.unmodifiableSortedMap(new java.util.TreeMap<>(summary));
        }

        /** An Open that answers none: it names its document and the owner of the log it holds a prefix of. */
        public Open(long channel, String document, Right mode, Right granted, ReplicaId replica,
                    SortedMap<ReplicaId, Long> summary, ReplicaId heldReplica, long heldSeq, int window) {
            this(channel, document, mode, granted, replica, summary, heldReplica, heldSeq, window, 0);
        }

        /**
         * This answer as its receiver reads it (HY-SESS-091): with the document and the held replica id that it
         * left out, taken from {@code answered}, this side's Open that it answers.
         */
        public Open resolved(Open answered) {
            return new Open(channel, document != null ? document : answered.document(), mode, granted, replica, summary,
                    heldReplica != null || heldSeq == 0 ? heldReplica : answered.replica(), heldSeq, window, answers);
        }

        @Override
        public int type() {
            return 1;
        }
    }

    /** The three kinds of delta. */
    enum Kind {
        /** Entries from_seq + 1 to to_seq of the sender's log, joined. */
        INTERVAL(1),
        /** What the sender's state holds that the receiver's summary lacks. */
        DIFFERENCE(2),
        /** The sender's whole state. */
        STATE(3);

        private final int value;

        Kind(int value) {
            this.value = value;
        }

        /** The value on the wire. */
        public int value() {
            return value;
        }
    }

    /**
     * One delta of a document.
     *
     * @param payload     the encoded CRDT payload, verified separately from the message; compressed when
     *                    {@code compression} is not 0
     * @param replicas    the replica ids that the sender appends, in this order, to the session replica table of its
     *                    direction ({@link SessionTables}) before the payload is read; empty when it declares none
     * @param compact     whether {@code payload} is in the compact form (field {@code compact}), whose replica indexes
     *                    name entries of that table, rather than in the columnar form (field {@code payload})
     * @param compression the Delta's {@code compression} field as it is on the wire, 0 to 255: 0 for a payload that is
     *                    not compressed ({@link DeltaCompression} gives the others their meaning)
     * @param ack         0, or an acknowledgement riding along: the same as an {@link Ack} of {@code channel} and
     *                    {@code ack} received just before the delta (HY-SESS-083)
     * @param keys        the map keys that the sender appends, in this order, to the session key table of its direction
     *                    ({@link SessionTables}) before the payload is read; empty when it declares none
     */
    record Delta(long channel, Kind kind, long fromSeq, long toSeq, byte[] payload, List<ReplicaId> replicas,
                 boolean compact, int compression, long ack, List<Value> keys) implements SessionMessage {
        public Delta {
            Objects.requireNonNull(payload);
            replicas = List.copyOf(replicas);
            keys = List.copyOf(keys);
            if (compression < 0 || compression > 0xFF) {
                throw new IllegalArgumentException("compression is a ubyte, not " + compression);
            }
        }

        /** A delta that declares no map keys. */
        public Delta(long channel, Kind kind, long fromSeq, long toSeq, byte[] payload, List<ReplicaId> replicas,
                     boolean compact, int compression, long ack) {
            this(channel, kind, fromSeq, toSeq, payload, replicas, compact, compression, ack, List.of());
        }

        /** A delta with no acknowledgement riding along. */
        public Delta(long channel, Kind kind, long fromSeq, long toSeq, byte[] payload, List<ReplicaId> replicas,
                     boolean compact, int compression) {
            this(channel, kind, fromSeq, toSeq, payload, replicas, compact, compression, 0);
        }

        /** A delta whose payload is not compressed. */
        public Delta(long channel, Kind kind, long fromSeq, long toSeq, byte[] payload, List<ReplicaId> replicas, boolean compact) {
            this(channel, kind, fromSeq, toSeq, payload, replicas, compact, DeltaCompression.NONE);
        }

        /** A delta in the columnar form, not compressed. */
        public Delta(long channel, Kind kind, long fromSeq, long toSeq, byte[] payload, List<ReplicaId> replicas) {
            this(channel, kind, fromSeq, toSeq, payload, replicas, false);
        }

        /** A delta in the columnar form that declares no replica ids, not compressed. */
        public Delta(long channel, Kind kind, long fromSeq, long toSeq, byte[] payload) {
            this(channel, kind, fromSeq, toSeq, payload, List.of());
        }

        /** The same delta carrying its payload as {@code payload}, compressed as {@code compression} says (or inflated). */
        public Delta withPayload(byte[] payload, int compression) {
            return new Delta(channel, kind, fromSeq, toSeq, payload, replicas, compact, compression, ack, keys);
        }

        /** This delta, carrying an acknowledgement of {@code seq} of the receiver's log. */
        public Delta withAck(long seq) {
            return new Delta(channel, kind, fromSeq, toSeq, payload, replicas, compact, compression, seq, keys);
        }

        @Override
        public int type() {
            return 2;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Delta d && d.channel == channel && d.kind == kind && d.fromSeq == fromSeq
                    && d.toSeq == toSeq && Arrays.equals(d.payload, payload) && d.replicas.equals(replicas)
                    && d.compact == compact && d.compression == compression && d.ack == ack && d.keys.equals(keys);
        }

        @Override
        public int hashCode() {
            return Objects.hash(channel, kind, fromSeq, toSeq, Arrays.hashCode(payload), replicas, compact, compression, ack, keys);
        }

        @Override
        public String toString() {
            return "Delta[channel=" + channel + ", kind=" + kind + ", " + fromSeq + ".." + toSeq + ", " + payload.length + " bytes"
                    + (compact ? " compact" : "") + (compression == 0 ? "" : ", compression " + compression)
                    + (replicas.isEmpty() ? "" : ", declares " + replicas)
                    + (keys.isEmpty() ? "" : ", declares " + keys.size() + " keys")
                    + (ack == 0 ? "" : ", ack " + Long.toUnsignedString(ack)) + "]";
        }
    }

    /** Every entry 1 to {@code seq} of the receiver's log is in the sender's state. */
    record Ack(long channel, long seq) implements SessionMessage {
        @Override
        public int type() {
            return 3;
        }
    }

    /**
     * A SessionError: an error of the session when {@code channel} is 0, of a document when only {@code channel} is set, of
     * the delta whose to_seq is {@code seq} when both are.
     */
    record SessionError(long channel, long seq, int code, String detail) implements SessionMessage {
        @Override
        public int type() {
            return 4;
        }
    }

    /** Asks for a Pong. */
    record Ping(long nonce) implements SessionMessage {
        @Override
        public int type() {
            return 5;
        }
    }

    /** Answers a Ping. */
    record Pong(long nonce) implements SessionMessage {
        @Override
        public int type() {
            return 6;
        }
    }

    /** Closes a document ({@code channel} set) or the session ({@code channel} 0). */
    record Close(long channel, int code, String detail) implements SessionMessage {
        @Override
        public int type() {
            return 7;
        }
    }

    /**
     * Asks for the summary that the receiver's Open of the document did not state (HY-SESS-081): the sender cannot
     * resume from the position that Open named and needs the summary for a difference.
     */
    record SummaryRequest(long channel) implements SessionMessage {
        @Override
        public int type() {
            return 8;
        }
    }

    /** Answers a {@link SummaryRequest} with the version vector of the sender's state (HY-SESS-082). */
    record Summary(long channel, SortedMap<ReplicaId, Long> summary) implements SessionMessage {
        public Summary {
            summary = java.util.Collections.unmodifiableSortedMap(new java.util.TreeMap<>(summary));
        }

        @Override
        public int type() {
            return 9;
        }
    }
}
