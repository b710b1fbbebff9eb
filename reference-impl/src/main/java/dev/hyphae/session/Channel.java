package dev.hyphae.session;

import dev.hyphae.ErrorCode;
import dev.hyphae.ProtocolException;
import dev.hyphae.data.ReplicaId;
import dev.hyphae.data.Seq;
import dev.hyphae.handshake.AccessPolicy.Right;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.TreeMap;

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
    /** The peer's Open, once received. */
    SessionMessage.Open remote;
    /** The right this side grants the peer. */
    Right grant = Right.NONE;
    boolean closed;
    /** The to_seq of each delta sent and not yet answered, in order (HY-SESS-039). */
    private final ArrayDeque<Long> outstanding = new ArrayDeque<>();
    /** Deltas received and neither acknowledged nor refused (HY-SESS-040). */
    private int unacknowledged;
    /** The peer's log position to acknowledge at the next flush, or 0. */
    long ackDue;

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
     * read (HY-SESS-036), and only a position that is on stable storage (HY-SESS-043).
     *
     * @param known the peer's replica id, or the one its key used last, or null
     */
    void sendOpen(Wire wire, Right grant, ReplicaId self, ReplicaId known, int window) {
        this.grant = grant;
        long held = known == null ? 0 : sync.durableHeld(known);
        openSent = true;
        wire.send(new SessionMessage.Open(local, document, Right.WRITE, grant, self,
                grant == Right.NONE ? new TreeMap<>() : sync.summary(), held == 0 ? null : known, held, window));
    }

    /**
     * A delta on this channel, checked in the order of the chapter "Sync", section "Receiving": the window, the
     * rights, then the sync layer's checks, join and storage, once; the position to acknowledge comes back from it.
     *
     * @param window the window of this side's Open
     */
    void onDelta(Wire wire, SessionMessage.Delta delta, int window) throws ProtocolException {
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
            close(wire, ErrorCode.INTERNAL_ERROR, "the document's storage failed");
            return;
        }
        if (receipt.refusal() != null) {
            refuse(wire, delta, receipt.refusal().code(), receipt.refusal().getMessage());
        }
        ackDue = Seq.max(ackDue, receipt.held());
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
        if (!sends()) {
            return;
        }
        if (sync.failed()) {
            // Whether its latest writes reached the disk is known only after a restart: send nothing of it.
            close(wire, ErrorCode.INTERNAL_ERROR, "the document's storage failed");
            return;
        }
        try {
            while (outstanding.size() < remote.window() && !wire.congested()) {
                SessionMessage.Delta delta = sync.next(remote.channel(), !outstanding.isEmpty());
                if (delta == null) {
                    return;
                }
                outstanding.addLast(delta.toSeq());
                wire.send(delta);
            }
        } catch (DocumentClosedException e) {
            close(wire, e.code(), e.getMessage());
        }
    }

    /** The flush after a burst: the Ack of everything received (HY-SYNC-022, HY-SYNC-023), once it is durable. */
    void acknowledge(Wire wire) {
        if (ackDue != 0 && !closed) {
            wire.send(new SessionMessage.Ack(remote.channel(), ackDue));
            ackDue = 0;
        }
        unacknowledged = 0;
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
