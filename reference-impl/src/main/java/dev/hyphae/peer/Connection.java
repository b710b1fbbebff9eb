package dev.hyphae.peer;

import java.util.List;

/**
 * A connection to one neighbour, as {@link Peer#connect} returns it and {@link Peer#connections()} lists it: from
 * the end of the handshake until it ends, it keeps the documents that both peers may share in step. The session
 * and everything under it stay inside the peer.
 */
public interface Connection extends AutoCloseable {

    /** Where a connection is. */
    enum State {
        /** Documents are being synchronised. */
        OPEN,
        /** Ended by a close, of this side or of the neighbour, or by an error that one side sent the other. */
        CLOSED,
        /** Ended without a word: the transport failed, a frame did not authenticate, or the neighbour stopped reading. */
        FAILED
    }

    /** Where the connection is now. */
    State state();

    /** Why the connection failed, or null if it has not. */
    String failure();

    /** Waits up to {@code millis} for the connection to end; returns whether it has. */
    boolean awaitEnd(long millis) throws InterruptedException;

    /** Closes the connection in order: the neighbour is told, then the transport closes. */
    @Override
    void close();

    /** What happened on the connection that the application may want to know, such as refusals, in order. */
    List<String> events();

    /**
     * Whether every document of the peer is in step on this connection, as far as this side can tell: nothing is
     * waiting to be sent, to be acknowledged, or for an acknowledgement.
     */
    boolean idle();

    /** When the connection last received anything from the neighbour, in milliseconds since the epoch. */
    long lastReceivedMillis();

    /**
     * Whether the connection ended in order, by a Close of the session with NO_ERROR of either side: for one that
     * ended because more documents wait than one session holds (HY-SESS-157), and that {@link #brought} something, the
     * next connection is due at once (HY-SESS-158).
     */
    boolean endedInOrder();

    /**
     * Whether the connection brought something: the neighbour acknowledged a delta that this peer sent on it, or this
     * peer joined a delta that it received on it and that held an entry it did not hold (a duplicate brings nothing).
     * One that ended in order having brought nothing is, for the pause
     * before the next connection, an attempt that failed (HY-SESS-159).
     */
    boolean brought();

    /** How much of this peer's log of {@code document} the neighbour has acknowledged, on this or earlier connections. */
    long acknowledged(String document);
}
