package dev.hyphae.session;

import dev.hyphae.ProtocolException;
import dev.hyphae.data.ReplicaId;

import java.io.IOException;
import java.util.SortedMap;

/**
 * The sync of one document on one session, as the {@link Session} drives it (specification, chapter "Sync"): the
 * interval sender, which chooses between an interval, a difference and the state; and the receiver, which joins,
 * stores and states the position to acknowledge. The session has checked everything that is its own before it
 * calls: the channel, the window, the rights. Storage failures are {@link IOException}s, which close the document
 * on the session.
 */
public interface DocumentSync {

    /**
     * What became of a received delta.
     *
     * @param held    the position of the sender's log that the receiver now holds: what the next Ack states
     * @param refusal why the payload was refused (a delta-scope error that names the delta), or null if it was
     *                joined. A refused delta that is in order is consumed all the same (HY-SYNC-025).
     * @param moved   whether a joined delta moved the receiver's state or the position it holds of the sender's log:
     *                it held an entry that the receiver did not hold. A duplicate brings nothing (HY-SESS-158).
     */
    record Receipt(long held, ProtocolException refusal, boolean moved) {
        /** A receipt that counts every joined delta as one that moved something. */
        public Receipt(long held, ProtocolException refusal) {
            this(held, refusal, refusal == null);
        }
    }

    /** Whether a sync of the document's storage failed and it has not recovered since: nothing of it is sent. */
    boolean failed();

    /**
     * Tries to make a document whose storage failed serve again, now that its storage may have recovered
     * (HY-SESS-130); returns whether it is healthy, at once if it never failed.
     */
    default boolean recover() {
        return !failed();
    }

    /** The version vector of the document's state: the summary of an Open. */
    SortedMap<ReplicaId, Long> summary();

    /** How much of {@code origin}'s log the state holds on stable storage: the only held_seq an Open may state. */
    long durableHeld(ReplicaId origin);

    /**
     * The peer's Open has arrived, from replica {@code neighbour}: where to resume (HY-SYNC-011, HY-SYNC-012).
     *
     * @param sending whether this side sends the document's deltas on the session
     */
    void opened(SessionMessage.Open remote, ReplicaId neighbour, boolean sending) throws IOException;

    /**
     * Takes a delta that the session accepted: checks its position, decodes and joins its payload, and stores it.
     *
     * @throws ProtocolException of session scope if the delta breaks the sync layer's rules (HY-SYNC-008)
     */
    Receipt receive(SessionMessage.Delta delta) throws ProtocolException, IOException;

    /**
     * The next delta to send on {@code channel} (the peer's number), or null when there is nothing to send now.
     *
     * @param outstanding whether deltas sent on the channel await their Ack
     * @throws DocumentClosedException if the document cannot be sent on this session at all
     */
    SessionMessage.Delta next(long channel, boolean outstanding) throws DocumentClosedException, IOException;

    /** Whether the sender has something durable left to send. */
    boolean pending();

    /**
     * The peer acknowledged this replica's log up to {@code seq}.
     *
     * @throws ProtocolException of session scope if {@code seq} is beyond the log (HY-SESS-042)
     */
    void acknowledged(long seq) throws ProtocolException, IOException;

    /** Makes what was received durable; returns whether new entries of the log became durable (and may travel on). */
    boolean sync() throws IOException;

    /**
     * Whether the sender needs the peer's summary, which the peer's Open did not state, to send the difference that
     * must come next (HY-SESS-081): the session then asks for it, once.
     */
    default boolean wantsSummary() {
        return false;
    }

    /** The summary that the peer sent in answer to this side's request (HY-SESS-082). */
    default void summaryReceived(SortedMap<ReplicaId, Long> summary) {
    }
}
