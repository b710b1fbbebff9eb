package dev.hyphae.session;

import dev.hyphae.handshake.AccessPolicy.Right;

import java.util.ArrayDeque;

/**
 * One document on one session (specification, chapter "Session", section "Documents and channels"): its two
 * channel numbers, the rights each way, flow control in both directions, and the acknowledgement due. What
 * to send and what a delta does is its {@link DocumentSync}'s business.
 */
final class Channel {

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
    final ArrayDeque<Long> outstanding = new ArrayDeque<>();
    /** Deltas received and neither acknowledged nor refused (HY-SESS-040). */
    int unacknowledged;
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

    /** Whether the peer may write: it holds the right and asked for it (HY-SESS-038). */
    boolean acceptsDeltas() {
        return grant.includes(Right.WRITE) && remote.mode() == Right.WRITE;
    }

    /** Whether nothing is left to do: nothing outstanding, nothing to send, nothing to acknowledge. */
    boolean idle() {
        if (closed) {
            return true;
        }
        return remote != null && outstanding.isEmpty() && !(sends() && sync.pending()) && ackDue == 0;
    }
}
