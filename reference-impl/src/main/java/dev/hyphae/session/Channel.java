package dev.hyphae.session;

import dev.hyphae.ErrorCode;
import dev.hyphae.ProtocolException;
import dev.hyphae.data.ReplicaId;
import dev.hyphae.data.Seq;
import dev.hyphae.handshake.AccessPolicy.Right;

import java.io.IOException;
import java.util.ArrayDeque;

/**
 * One document on one session (specification, chapter "Session", sections "Documents and channels" to
 * "Acknowledgements"): its two channel numbers, the right each way, the window in both directions, the
 * acknowledgement due, and the handling of the messages that name it. What to send of the document and what a
 * received delta does are its {@link DocumentSync}'s. The {@link Session} owns the channels and hands each the
 * messages on it.
 */
final class Channel {

    /** What a channel sends through: its session. */
    interface Wire {
        void send(SessionMessage message);

        /** Whether the transport asks that deltas be held back. */
        boolean congested();

        /** Records something the application may want to know. */
        void event(String event);
    }

    final String document;
    /** The number chosen by this side: the peer writes it. */
    final long local;
    final DocumentSync sync;
    boolean openSent;
    /** This side's Open, once sent: an answer to it may leave out what it names (HY-SESS-091). */
    SessionMessage.Open sentOpen;
    /** The peer's Open, once received. */
    SessionMessage.Open remote;
    /** The right this side grants the peer. */
    Right grant = Right.NONE;
    boolean closed;
    /** Whether it was closed because this side's storage failed for it: then it is opened again once storage serves it. */
    boolean closedForStorage;
    /** The to_seq of each delta sent and not yet answered, in order (HY-SESS-039). */
    private final ArrayDeque<Long> outstanding = new ArrayDeque<>();
    /** Deltas received and neither acknowledged nor refused (HY-SESS-040). */
    private int unacknowledged;
    /** The to_seq of the last Delta received on this channel, which the next must pass (HY-SESS-161); 0 before the first. */
    private long lastReceivedToSeq;
    private boolean receivedAny;
    /** The peer's log position to acknowledge at the next flush, or 0. */
    long ackDue;
    /** Whether this side's Open stated its summary, or this side has answered the peer's request for it. */
    boolean summaryStated;
    /** Whether this side has asked for the peer's summary (at most once, HY-SESS-081), and whether it has come. */
    boolean summaryAsked;
    boolean summaryReceived;
    /**
     * Whether the document brought something on this session: the peer acknowledged a delta that this side sent on
     * it, or this side joined a delta that it received on it and that moved its state or its held position of the
     * peer's log (HY-SESS-158, HY-SESS-159).
     */
    boolean brought;

    Channel(String document, long local, DocumentSync sync) {
        this.document = document;
        this.local = local;
        this.sync = sync;
    }

    /**
     * Whether this side sends the document's deltas: it grants the peer read (HY-AUTH-008), and the peer accepts
     * deltas, having granted this side write (HY-SESS-035).
     */
    boolean sends() {
        return remote != null && !closed && grant.includes(Right.READ) && remote.granted() == Right.WRITE;
    }

    /** Whether nothing is left to do: nothing outstanding, nothing to send, nothing to acknowledge. */
    boolean idle() {
        if (closed) {
            return true;
        }
        return remote != null && outstanding.isEmpty() && !(sends() && sync.pending()) && ackDue == 0;
    }

    /**
     * Sends this side's Open of the document: the right it grants (HY-SESS-034), no summary to a peer that may not
     * read (HY-SESS-036), and only a position that is on stable storage (HY-SESS-043). The summary is stated only
     * where the peer will likely need it for a difference (HY-SYNC-030): when this side names no position in the
     * peer's log and has not met this peer's replica before. Otherwise the peer resumes from the position, or asks.
     *
     * @param known     the peer's replica id, or the one its key used last, or null
     * @param metBefore whether this replica synchronised with the peer's replica in an earlier session
     */
    void sendOpen(Wire wire, Right grant, ReplicaId self, ReplicaId known, int window, boolean metBefore) {
        this.grant = grant;
        long held = known == null ? 0 : sync.durableHeld(known);
        openSent = true;
        summaryStated = grant != Right.NONE && held == 0 && !metBefore;
        // An answer to the peer's Open leaves out the document, which the peer's Open names, and the peer's replica
        // id as the owner of the held prefix, which is the peer's own (HY-SESS-090).
        boolean answering = remote != null;
        ReplicaId heldReplica = held == 0 || answering && known.equals(remote.replica()) ? null : known;
        // HY-SESS-147: an answer to an Open that does not grant write says that no delta will follow (mode read); an Open
        // sent first cannot know what it will be granted, and asks for write.
        Right mode = answering && remote.granted() != Right.WRITE ? Right.READ : Right.WRITE;
        sentOpen = new SessionMessage.Open(local, answering ? null : document, mode, grant, self,
                summaryStated ? sync.summary() : null, heldReplica, held, window, answering ? remote.channel() : 0);
        wire.send(sentOpen);
    }

    /**
     * A delta on this channel, checked in the order of the chapter "Sync", section "Receiving": the order of its
     * to_seq, the window, the rights, then the sync layer's checks, join and storage, once; the position to
     * acknowledge comes back from it.
     *
     * @param window the window of this side's Open
     */
    void onDelta(Wire wire, SessionMessage.Delta delta, int window) throws ProtocolException {
        // HY-SESS-161: acknowledgements and refusals name a delta by its to_seq, so a repeated one would be answered
        // twice by one Ack at the sender, which could then overrun this side's window. Checked before the window, so
        // that such a sender is told what it did, not that it overran.
        if (receivedAny && !Seq.after(delta.toSeq(), lastReceivedToSeq)) {
            throw ProtocolException.sessionError(ErrorCode.PROTOCOL_VIOLATION,
                    "a Delta on \"%s\" whose to_seq %s does not pass the to_seq %s of the Delta before it on the channel",
                    document, Seq.toString(delta.toSeq()), Seq.toString(lastReceivedToSeq));
        }
        receivedAny = true;
        lastReceivedToSeq = delta.toSeq();
        if (++unacknowledged > window) {
            throw ProtocolException.sessionError(ErrorCode.LIMIT_EXCEEDED, "more than %d unacknowledged deltas on \"%s\"",
                    window, document);
        }
        if (!grant.includes(Right.WRITE) || remote.mode() != Right.WRITE) {
            // HY-SESS-038. Not consumed (HY-SYNC-025): a peer without the right must not move this replica's positions.
            refuse(wire, delta, ErrorCode.ACCESS_DENIED, "no right to write this document");
            return;
        }
        DocumentSync.Receipt receipt;
        try {
            receipt = sync.receive(delta);
        } catch (IOException e) {
            closeForStorage(wire);
            return;
        }
        if (receipt.refusal() != null) {
            refuse(wire, delta, receipt.refusal().code(), receipt.refusal().getMessage());
        } else if (receipt.moved()) {
            brought = true;   // a duplicate, whose entries this side held already, brings nothing (HY-SESS-158)
        }
        ackDue = Seq.max(ackDue, receipt.held());
    }

    /** The deltas received on this channel and neither acknowledged nor refused yet (HY-SESS-151). */
    int unacknowledged() {
        return unacknowledged;
    }

    /** Refuses one delta with a SessionError that names it (HY-SESS-045); it no longer counts against the window. */
    private void refuse(Wire wire, SessionMessage.Delta delta, ErrorCode code, String detail) {
        unacknowledged--;
        wire.send(new SessionMessage.SessionError(remote.channel(), delta.toSeq(), code.value(), detail));
        wire.event("refused a delta on \"" + document + "\" (" + code + "): " + detail);
    }

    /** An Ack of this side's log up to {@code seq}: the deltas it covers are answered, and more may go. */
    void onAck(Wire wire, long seq) throws ProtocolException, IOException {
        sync.acknowledged(seq);
        while (!outstanding.isEmpty() && !Seq.after(outstanding.peekFirst(), seq)) {
            outstanding.pollFirst();
            brought = true;
        }
        pump(wire);
    }

    /** The peer refused the delta whose to_seq is {@code seq}: it counts as answered (HY-SESS-047), and is not sent again. */
    void onRefused(Wire wire, long seq) throws IOException {
        outstanding.remove(seq);
        pump(wire);
    }

    /** Sends what the sync layer has for the peer, within the peer's window and while the transport has room. */
    void pump(Wire wire) throws IOException {
        pump(wire, 0);
    }

    /**
     * Sends what the sync layer has for the peer; the first delta sent carries {@code ack}, if not 0, or, when the
     * document closes on this session instead, an Ack before the Close. Asks for the peer's summary when the sync layer
     * needs it (HY-SESS-081).
     *
     * @return whether {@code ack} went, on a delta or before a Close
     */
    private boolean pump(Wire wire, long ack) throws IOException {
        if (!sends()) {
            return false;
        }
        if (sync.failed()) {
            // Its latest entries are in doubt until its storage recovers (DocumentSync.failed): send nothing of it.
            closeForStorage(wire);
            return false;
        }
        boolean carried = false;
        try {
            while (outstanding.size() < remote.window() && !wire.congested()) {
                SessionMessage.Delta delta = sync.next(remote.channel(), !outstanding.isEmpty());
                if (delta == null) {
                    break;
                }
                if (ack != 0 && !carried) {
                    delta = delta.withAck(ack);
                    carried = true;
                }
                outstanding.addLast(delta.toSeq());
                wire.send(delta);
            }
        } catch (DocumentClosedException e) {
            if (ack != 0 && !carried) {
                // What it acknowledges is durable whatever becomes of the document on this session, and nothing about
                // the document may follow its Close (HY-SESS-053): the Ack goes first.
                wire.send(new SessionMessage.Ack(remote.channel(), ack));
                carried = true;
            }
            close(wire, e.code(), e.getMessage());
            return carried;
        }
        if (!summaryAsked && sync.wantsSummary()) {
            summaryAsked = true;
            wire.send(new SessionMessage.SummaryRequest(remote.channel()));
        }
        return carried;
    }

    /**
     * The flush after a burst: the acknowledgement of everything received (HY-SYNC-022, HY-SYNC-023), once it is
     * durable. It rides on the first delta that goes to the peer now, and is an Ack of its own only when there is
     * none (HY-SESS-084).
     */
    void acknowledge(Wire wire) throws IOException {
        if (ackDue != 0 && !closed) {
            long due = ackDue;
            ackDue = 0;
            // Pumping can close the channel (storage failed, or the document cannot be sent): no Ack after its Close.
            if (!pump(wire, due) && !closed) {
                wire.send(new SessionMessage.Ack(remote.channel(), due));
            }
        }
        unacknowledged = 0;
    }

    /**
     * The peer asks for the summary that this side's Open did not state: answered once, and only to a peer that may
     * send deltas here (HY-SESS-081, HY-SESS-082).
     */
    void onSummaryRequest(Wire wire) throws ProtocolException {
        if (summaryStated) {
            throw ProtocolException.sessionError(ErrorCode.PROTOCOL_VIOLATION,
                    "a second request for the summary of \"%s\", or one that its Open stated", document);
        }
        if (!grant.includes(Right.WRITE)) {
            throw ProtocolException.sessionError(ErrorCode.PROTOCOL_VIOLATION,
                    "a request for the summary of \"%s\" from a peer that may not write it", document);
        }
        summaryStated = true;
        wire.send(new SessionMessage.Summary(remote.channel(), sync.summary()));
    }

    /** The peer's summary, which this side asked for: the difference can go now. */
    void onSummary(Wire wire, java.util.SortedMap<ReplicaId, Long> summary) throws ProtocolException, IOException {
        if (!summaryAsked || summaryReceived) {
            throw ProtocolException.sessionError(ErrorCode.PROTOCOL_VIOLATION, "a Summary of \"%s\" that was not asked for", document);
        }
        summaryReceived = true;
        sync.summaryReceived(summary);
        pump(wire);
    }

    /**
     * Closes the document on this session because this side's storage failed for it (HY-SYNC-060), with
     * {@code INTERNAL_ERROR}; the session opens it again once the storage serves it (HY-SESS-130).
     */
    void closeForStorage(Wire wire) {
        if (!closed) {
            closedForStorage = true;
            close(wire, ErrorCode.INTERNAL_ERROR, "the document's storage failed");
        }
    }

    /** Closes the document on this session, with the reason; the session and its other documents carry on. */
    void close(Wire wire, ErrorCode code, String detail) {
        if (!closed) {
            closed = true;
            if (remote != null) {
                wire.send(new SessionMessage.Close(remote.channel(), code.value(), detail));
            }
            wire.event("closed \"" + document + "\": " + detail);
        }
    }
}
