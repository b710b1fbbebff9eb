package dev.hyphae.sync;

import dev.hyphae.ErrorCode;
import dev.hyphae.ProtocolException;
import dev.hyphae.codec.Codec;
import dev.hyphae.codec.ExternalTables;
import dev.hyphae.codec.KeyRuns;
import dev.hyphae.codec.Payload;
import dev.hyphae.codec.ConflictingReplicaTablesException;
import dev.hyphae.codec.PayloadNotEncodableException;
import dev.hyphae.codec.PayloadTooLargeException;
import dev.hyphae.codec.SeveralOpaqueVersionsException;
import dev.hyphae.crdt.CausalState;
import dev.hyphae.crdt.ORMap;
import dev.hyphae.data.Dot;
import dev.hyphae.data.ReplicaId;
import dev.hyphae.data.Value;
import dev.hyphae.data.Seq;
import dev.hyphae.session.DocumentClosedException;
import dev.hyphae.session.DocumentSync;
import dev.hyphae.session.SessionTables;
import dev.hyphae.session.SessionCodec;
import dev.hyphae.session.SessionMessage;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * The anti-entropy of one document with one neighbour, on one session (specification, chapter "Sync"): the
 * interval sender, which resumes where the neighbour's Open says and sends intervals of the delta log, or a
 * difference or the whole state when the log no longer has what the neighbour needs; and the receiver, which
 * checks that an interval follows on, joins the payload and stores it, and states the position to acknowledge.
 * The document itself (state, log, positions, garbage collection) is the {@link DocumentReplica}.
 *
 * <p>Not thread-safe: the session calls it under its own lock, through {@link DocumentLocked}, which holds the
 * document's lock around each call but {@link #sync}.
 *
 * <p>Longer than most classes here because the sender and the receiver of one document's anti-entropy share its
 * positions ({@code sent}, {@code echoes}, whether a difference is due) and the putting of payloads in session form;
 * split, that state would be shared between classes that each change it.
 */
final class AntiEntropy implements DocumentSync {

    /** Most log entries one interval joins (the reference implementation's choice, chapter "Sync"). */
    static final int MAX_INTERVAL_ENTRIES = 256;

    /**
     * The largest columnar payload for which the compact form is tried as well. The compact form wins on deltas of
     * one write or a few; on the sensor workload the columnar form is already the smaller at 100 writes (about 1,500
     * bytes), so above this size the second encoding would only cost time.
     */
    static final int COMPACT_AT_MOST = 4096;

    private final DocumentReplica document;
    private final int maxEntries;
    /** The session's replica and key tables: payloads are sent and received in session form against them. */
    private final SessionTables tables;
    private ReplicaId neighbour;
    /** The summary of the neighbour's state, from its Open or its answer to a request; null until stated. */
    private SortedMap<ReplicaId, Long> neighbourSummary;
    /** The last entry of the log sent on the channel, or acknowledged beyond it. */
    private long sent;
    /** Entries after {@link #sent} up to here all came from the neighbour: nothing to tell it but their numbers. */
    private long echoes;
    /** Whether the next delta must be a difference or the state (HY-SYNC-011). */
    private boolean needsDifference;
    /**
     * A difference or state made from a snapshot that covers entries not yet durable: it goes once the sync that covers
     * them is done (HY-SYNC-005), and nothing else goes before it; null when none waits.
     */
    private Unformed awaitingSync;

    AntiEntropy(DocumentReplica document, int maxEntries, SessionTables tables) {
        this.document = document;
        this.maxEntries = maxEntries;
        this.tables = tables;
    }

    @Override
    public boolean failed() {
        return document.failed();
    }

    @Override
    public boolean recover() {
        return document.recover();
    }

    @Override
    public SortedMap<ReplicaId, Long> summary() {
        return document.context().versionVector();
    }

    @Override
    public long durableHeld(ReplicaId origin) {
        return document.durableHeld(origin);
    }

    @Override
    public void opened(SessionMessage.Open remote, ReplicaId neighbour, boolean sending) throws IOException {
        this.neighbour = neighbour;
        this.neighbourSummary = remote.summary();
        if (sending) {
            // Only a neighbour this side sends to holds back garbage collection: it is the one that acknowledges.
            document.know(neighbour);
        }
        // Where to resume: the peer says how much of this replica's log it holds. If that is a prefix the log
        // still has, send what follows (HY-SYNC-012: it also acknowledges that prefix); otherwise the difference
        // from its summary.
        // An Open that names no prefix of this log (or one of another replica id) holds 0 entries of it, and this
        // side may resume from 0 (HY-SYNC-029). It does when the peer holds the whole log already, so that nothing
        // is sent at all, and when the peer left its summary out, which it does once it has met this replica: a
        // difference would cost a round trip for the summary, and the log, which still reaches back to 0 over
        // entries the peer holds, gives the same. A peer met for the first time states its summary, and gets the
        // difference, which leaves out what it has from elsewhere.
        boolean named = document.self().equals(remote.heldReplica());
        long position = named ? remote.heldSeq() : 0;
        if (!Seq.after(position, document.seq()) && document.reaches(position, neighbour)
                && (named || remote.summary() == null || !document.hasNews(0, neighbour))) {
            sent = position;
            if (named) {
                document.acknowledged(neighbour, position);
            }
        } else {
            sent = 0;
            needsDifference = !document.isEmpty();
        }
    }

    // Receiver -------------------------------------------------------------------------------------------------

    @Override
    public Receipt receive(SessionMessage.Delta delta) throws ProtocolException, IOException {
        long held = document.held(neighbour);
        if (delta.kind() == SessionMessage.Kind.INTERVAL && Seq.after(delta.fromSeq(), held)) {
            throw ProtocolException.sessionError(ErrorCode.PROTOCOL_VIOLATION,
                    "an interval from entry %s, but this side holds the peer's log only up to %s",
                    Seq.toString(delta.fromSeq()), Seq.toString(held));
        }
        CausalState<ORMap> state;
        byte[] stored;
        try {
            // HY-SESS-069, HY-SESS-099: against the peer's tables, which the session has already extended by this
            // delta's declarations. The log and the store keep payloads with their own table and their keys
            // (HY-SESS-074, HY-SESS-104, HY-ENC-080).
            if (delta.compact()) {
                state = DocumentReplica.asMap(Codec.decodeCompact(delta.payload(), tables.received()));
                stored = selfContained(state);
            } else {
                Payload payload = Codec.decode(delta.payload(), tables.receivedExternal());
                state = DocumentReplica.asMap(payload.state());
                stored = selfContained(delta.payload(), payload);
            }
        } catch (ProtocolException refused) {
            // In order, so consumed all the same (HY-SYNC-025): the position moves past it, the sender's next
            // interval follows on, and nobody sends it again.
            document.consume(neighbour, delta.toSeq());
            return new Receipt(document.held(neighbour), refused);
        }
        boolean changed = document.receive(state, stored, neighbour, delta.toSeq());
        long now = document.held(neighbour);
        return new Receipt(now, null, changed || Seq.after(now, held));
    }

    /** {@link Codec#selfContained}, whose one refusal refuses the delta as a payload that breaks a limit. */
    private static byte[] selfContained(byte[] bytes, Payload payload) throws ProtocolException {
        try {
            return Codec.selfContained(bytes, payload);
        } catch (PayloadNotEncodableException e) {
            throw pastALimitWithItsOwnTable(e);
        }
    }

    /**
     * A payload received in the compact form, in the columnar form with its own table. It cannot hold a value of
     * unknown type; its table can take it past {@code MAX_PAYLOAD_SIZE}, and it is then refused as above.
     */
    private static byte[] selfContained(CausalState<ORMap> state) throws ProtocolException {
        try {
            return Codec.encode(state);
        } catch (PayloadNotEncodableException e) {
            throw pastALimitWithItsOwnTable(e);
        }
    }

    private static ProtocolException pastALimitWithItsOwnTable(PayloadNotEncodableException e) {
        return ProtocolException.deltaError(ErrorCode.MALFORMED_DELTA, ProtocolException.Phase.DECODE,
                "the payload with a replica table of its own would break a limit: %s", e.getMessage());
    }

    @Override
    public boolean sync() throws IOException {
        return document.sync();
    }

    // Sender ---------------------------------------------------------------------------------------------------

    @Override
    public boolean pending() {
        // A difference owed goes only once the log holds an entry past what was sent (see differenceOrState).
        return awaitingSync != null || (needsDifference && Seq.after(document.seq(), sent)) || hasNews();
    }

    @Override
    public void acknowledged(long seq) throws ProtocolException, IOException {
        if (Seq.after(seq, document.seq())) {
            throw ProtocolException.sessionError(ErrorCode.PROTOCOL_VIOLATION, "an Ack of entry %s, beyond the last entry of the log, %s",
                    Seq.toString(seq), Seq.toString(document.seq()));
        }
        // An Ack beyond what this session sent is no fault: the entries reached the peer another way (another
        // neighbour, or a second session with this one), and need not be sent here.
        sent = Seq.max(sent, seq);
        document.acknowledged(neighbour, seq);
    }

    @Override
    public SessionMessage.Delta next(long channel, boolean outstanding) throws DocumentClosedException, IOException {
        Unformed next = nextAsLogged(channel, outstanding);
        return next == null ? null : next.inSessionForm();
    }

    /**
     * The next Delta's payload as the log keeps it, and what it covers: the part of {@link #next} that reads the
     * document, and so needs its lock. Putting it in session form ({@link Unformed#inSessionForm}) reads only this
     * session's tables, under the session's lock: it runs after the document's lock is released, so that fanning a
     * write out to many sessions does not encode every session's copy in turn under that lock.
     */
    Unformed nextAsLogged(long channel, boolean outstanding) throws DocumentClosedException, IOException {
        while (true) {
            if (awaitingSync != null) {
                if (Seq.after(awaitingSync.to, document.durableSeq())) {
                    // The sync that makes its entries durable announces them, and this is asked again then.
                    return null;
                }
                Unformed ready = awaitingSync;
                awaitingSync = null;
                if (!Seq.after(ready.to, sent)) {
                    // Acknowledged meanwhile up to what it covers or past it (another way): the neighbour needs it no
                    // more.
                    continue;
                }
                // Cleared only here, where the difference or state goes: if an Ack dropped it above, the next
                // delta must still be a difference or the state, not an interval (HY-SYNC-011).
                needsDifference = false;
                sent = ready.to;
                return ready;
            }
            if (needsDifference) {
                // Without the neighbour's summary there is no difference to compute: the session asks for it
                // (wantsSummary), and the difference goes once it has come (HY-SESS-081).
                return neighbourSummary == null ? null : differenceOrState(channel);
            }
            if (!hasNews()) {
                // Nothing, or only entries that came from the peer: no message (HY-SYNC-028). The peer's position
                // in this log stays where it is; those entries count as held by it all the same (HY-SYNC-026), so
                // the log still drops them, and the next interval that carries news covers their numbers.
                return null;
            }
            // Null only when the log no longer reaches back to what was sent: an interval that the log can give is
            // never refused, since it narrows to one entry sent as the payload that carried it.
            DocumentReplica.Interval interval = document.interval(sent, neighbour, maxEntries);
            if (interval == null) {
                needsDifference = true;
                continue;
            }
            // Checked on what is sent, not on the document: an entry of a Private Use type that the neighbour never
            // needs does not close the document (HY-VER-034).
            PrivateUseEntries.refuseToSend(interval.state().store());
            sent = interval.to();
            // Forwarded as received: its bytes, its own replica table included, stay as they are (HY-VER-017).
            return new Unformed(channel, SessionMessage.Kind.INTERVAL, interval.from(), interval.to(), interval.payload(),
                    interval.forwarded(), interval.state());
        }
    }

    /** A Delta whose payload is as the log keeps it: sent so if {@code asLogged}, else in session form. */
    final class Unformed {
        private final long channel;
        private final SessionMessage.Kind kind;
        private final long from;
        private final long to;
        private final byte[] payload;
        private final boolean asLogged;
        private final CausalState<ORMap> state;

        /** {@code state} is the state {@code payload} was encoded from, so that no payload is decoded again. */
        Unformed(long channel, SessionMessage.Kind kind, long from, long to, byte[] payload, boolean asLogged,
                 CausalState<ORMap> state) {
            this.channel = channel;
            this.kind = kind;
            this.from = from;
            this.to = to;
            this.payload = payload;
            this.asLogged = asLogged;
            this.state = state;
        }

        /** The Delta to send; needs the session's lock, not the document's. */
        SessionMessage.Delta inSessionForm() {
            return asLogged ? new SessionMessage.Delta(channel, kind, from, to, payload)
                    : AntiEntropy.this.inSessionForm(channel, kind, from, to, payload, state);
        }
    }

    @Override
    public boolean wantsSummary() {
        return needsDifference && neighbourSummary == null && document.durableSeq() != 0;
    }

    @Override
    public void summaryReceived(SortedMap<ReplicaId, Long> summary) {
        neighbourSummary = summary;
    }

    /**
     * The difference from the neighbour's summary, or the state when the difference is not smaller or cannot be
     * encoded (HY-SYNC-018), of a snapshot of the document; null while the log holds nothing after what was sent
     * already, and while the entries that the snapshot covers are not all durable: it then waits in
     * {@link #awaitingSync}.
     */
    private Unformed differenceOrState(long channel) throws DocumentClosedException {
        // The state in memory holds every entry applied, durable or not; sent as covering only the durable ones, it
        // would give the neighbour an entry (a dot) that a crash before its sync loses here, and that this replica
        // then writes again with other content (HY-SYNC-005). So the state is taken with the number of the last entry
        // it covers, which is its to_seq (HY-SYNC-014), and it goes once that entry is durable, as an interval goes
        // only up to what is durable. Waiting instead until nothing applied is undurable would never send it under
        // steady writes.
        DocumentReplica.Snapshot snapshot = document.snapshot();
        if (!Seq.after(snapshot.seq(), sent)) {
            // Its to_seq would not pass the greatest one sent on the channel, which HY-SESS-160 forbids and the receiver
            // refuses (HY-SESS-161): the first Ack that covers the earlier delta would answer this one too for the
            // session's window (HY-SESS-039), while the receiver still counts it until its next Ack (HY-SESS-151), and
            // the sender could run past the receiver's window (HY-SESS-040). It carries nothing new either: entries that
            // follow announce themselves when their sync makes them durable, and the difference or state goes then,
            // covering them. Also covers an empty log.
            return null;
        }
        CausalState<ORMap> state = snapshot.state();
        // Before the state is encoded: a difference of it holds no more (HY-VER-034).
        PrivateUseEntries.refuseToSend(state.store());
        byte[] payload;
        try {
            payload = Codec.encode(state);
        } catch (PayloadTooLargeException tooLarge) {
            // This revision cannot send a state beyond MAX_PAYLOAD_SIZE in parts: the document closes on this
            // session, and only it, with the reason.
            throw new DocumentClosedException(ErrorCode.LIMIT_EXCEEDED, "the document's state is larger than a payload may be");
        } catch (SeveralOpaqueVersionsException several) {
            // HY-ENC-051: the versions travel only in the payloads that carried them, and this neighbour can get
            // those only as intervals, which HY-SYNC-011 allows only after a difference or the state. The
            // difference cannot leave out a value of unknown type (see Difference), so nothing can bring this
            // neighbour up to date on this session: this document closes on it, and only it, with the reason
            // (HY-DATA-067).
            throw new DocumentClosedException(ErrorCode.LIMIT_EXCEEDED, "the document's state holds " + several.versions()
                    + " concurrent versions of a value of unknown type " + several.typeId()
                    + ", which no payload may carry together (HY-ENC-051)");
        } catch (ConflictingReplicaTablesException conflicting) {
            // HY-ENC-053: the same, for versions whose carrying payloads' replica tables no one table can start with.
            throw new DocumentClosedException(ErrorCode.LIMIT_EXCEEDED, "the document's state holds versions of a value of "
                    + "unknown type " + conflicting.typeId() + " that came under conflicting replica tables, which no "
                    + "payload may carry together (HY-ENC-053)");
        }
        SessionMessage.Kind kind = SessionMessage.Kind.STATE;
        CausalState<ORMap> sentState = state;
        // Null when the state holds a value of unknown type, or the context would need too many cloud dots.
        CausalState<ORMap> difference = neighbourSummary.isEmpty() ? null : Difference.of(state, neighbourSummary);
        if (difference != null) {
            try {
                byte[] encoded = Codec.encode(difference);
                if (encoded.length < payload.length) {
                    payload = encoded;
                    sentState = difference;
                    kind = SessionMessage.Kind.DIFFERENCE;
                }
            } catch (PayloadNotEncodableException notEncodable) {
                // Too large (PayloadTooLargeException): its cloud made the difference larger than a payload may
                // be, and the state it is. Several opaque versions (SeveralOpaqueVersionsException) cannot be
                // here: a state that holds a value of unknown type has no difference.
            }
        }
        Unformed made = new Unformed(channel, kind, 0, snapshot.seq(), payload, false, sentState);
        if (Seq.after(snapshot.seq(), document.durableSeq())) {
            awaitingSync = made;
            return null;
        }
        needsDifference = false;
        sent = snapshot.seq();
        return made;
    }

    /**
     * The Delta that carries {@code payload} (encoded with its own table, as the log keeps it) in session form:
     * encoded against the session's table of this direction, declaring the replicas that the table lacks
     * (HY-SESS-071, HY-SESS-073). It goes as it is when it holds a value of unknown type, which travels in the payload
     * that carried it (HY-ENC-053), or when the table cannot take what it would declare (HY-SESS-072). {@code state}
     * is what {@code payload} decodes to, at hand where the payload was made or logged, so it is not decoded again.
     */
    private SessionMessage.Delta inSessionForm(long channel, SessionMessage.Kind kind, long from, long to, byte[] payload,
                                              CausalState<ORMap> state) {
        List<ReplicaId> declare = tables.toDeclare(Codec.replicas(state));
        if (declare == null || Difference.holdsUnknownType(state.store())) {
            return new SessionMessage.Delta(channel, kind, from, to, payload);
        }
        // HY-SESS-103: the keys the key table lacks, in the order of their first write, so that the entries of a map,
        // in the order of their key indexes, keep their dots and timestamps in the order they were written.
        List<Value> declareKeys = tables.keysToDeclare(keysInOrderOfFirstWrite(state.store()));
        ExternalTables external;
        if (declare.isEmpty() && declareKeys.isEmpty()) {
            // Most Deltas: the session's copy of its tables, built once for every document of the session until a
            // declaration grows them (SessionTables#sentExternal), with the index of each entry computed once with it.
            external = tables.sentExternal();
        } else {
            List<ReplicaId> replicaTable = new ArrayList<>(tables.sent());
            replicaTable.addAll(declare);
            List<Value> keyTable = new ArrayList<>(tables.sentKeys());
            keyTable.addAll(declareKeys);
            external = new ExternalTables(replicaTable, keyTable);
        }
        List<ReplicaId> table = external.replicas();
        byte[] columnar;
        try {
            columnar = Codec.encode(state, external);
        } catch (PayloadNotEncodableException e) {
            return new SessionMessage.Delta(channel, kind, from, to, payload);   // not reached: it is smaller
        }
        // HY-ENC-079: the smaller of the two forms. The compact form is empty when it cannot hold the state.
        byte[] compact = null;
        if (columnar.length <= COMPACT_AT_MOST) {
            try {
                compact = Codec.encodeCompact(state, table).orElse(null);
            } catch (PayloadNotEncodableException e) {
                compact = null;   // past a limit in the compact form: the columnar form goes
            }
        }
        // The columnar form's key indexes cost the keys that this Delta declares for them; the compact form's none.
        int declaredKeyBytes = declareKeys.isEmpty() ? 0 : KeyRuns.encode(declareKeys).length;
        if (compact != null && compact.length < columnar.length + declaredKeyBytes) {
            // The compact form names its keys itself: declaring them would only fill the table.
            return new SessionMessage.Delta(channel, kind, from, to, compact, declare, true);
        }
        if (!SessionCodec.deltaFits(columnar.length, declare.size(), declaredKeyBytes)) {
            // HY-SESS-106, HY-FRAME-014: a payload near MAX_PAYLOAD_SIZE with its declarations beside it could make a
            // message that no peer accepts; the payload goes as the log keeps it, declaring nothing, so that no table
            // moves for a message that is never sent.
            return new SessionMessage.Delta(channel, kind, from, to, payload);
        }
        return new SessionMessage.Delta(channel, kind, from, to, columnar, declare, false, 0, 0, declareKeys);
    }

    /**
     * The keys of the entries of {@code map} and of the maps it nests, each once, in the order of the least dot under
     * them: the order in which a replica first wrote them (dots compare by replica id, then counter).
     */
    static List<Value> keysInOrderOfFirstWrite(ORMap map) {
        Map<Value, Dot> first = new HashMap<>();
        collectFirstDots(map, first);
        List<Value> keys = new ArrayList<>(first.keySet());
        keys.sort(Comparator.comparing(first::get));
        return keys;
    }

    private static void collectFirstDots(ORMap map, Map<Value, Dot> first) {
        map.entries().forEach((key, value) -> {
            value.forEachDot(dot -> first.merge(key.key(), dot, (a, b) -> a.compareTo(b) <= 0 ? a : b));
            if (value instanceof ORMap nested) {
                collectFirstDots(nested, first);
            }
        });
    }

    /**
     * Whether the peer lacks anything of the log beyond what was sent. Entries found to have come from the peer
     * are remembered, so that a one-way stream from the peer is not scanned again at every call.
     */
    private boolean hasNews() {
        if (!document.reaches(sent, neighbour)) {
            return true;
        }
        if (document.hasNews(Seq.max(echoes, sent), neighbour)) {
            return true;
        }
        echoes = document.durableSeq();
        return false;
    }
}
