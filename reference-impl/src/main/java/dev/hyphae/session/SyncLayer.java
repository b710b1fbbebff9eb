package dev.hyphae.session;

import dev.hyphae.data.ReplicaId;

import java.io.IOException;
import java.util.Set;

/**
 * What a {@link Session} needs of the sync layer beneath it (specification, chapter "Sync"): the documents of the
 * local replica, who the neighbours are, and for each document opened on a session a {@link DocumentSync} that
 * decides what to send and takes what is received. The session never looks into a document's state; the sync
 * layer never sends a message.
 *
 * <p>Thread-safe: each session calls it under its own lock, several sessions at once, while the application writes.
 * A {@link DocumentSync} is called under its session's lock only, and takes its document's lock itself.
 */
public interface SyncLayer {

    /** This replica's id. */
    ReplicaId replicaId();

    /** The names of the documents this replica holds. */
    Set<String> documents();

    /** Whether this replica holds {@code document}. */
    boolean holds(String document);

    /** The replica id that the peer with {@code staticKey} used in its last session, or null. */
    ReplicaId lastReplicaId(byte[] staticKey);

    /**
     * Whether {@code neighbour} has acknowledged every entry of this replica's log of {@code document}: a session that
     * cannot open every document opens first those that it has something to send of (HY-SESS-156). False when in
     * doubt, or when {@code neighbour} is null (a neighbour never met).
     */
    default boolean acknowledgedWhole(String document, ReplicaId neighbour) {
        return false;
    }

    /**
     * Binds {@code replica} to the peer with {@code staticKey} (HY-SESS-059); false if another key used it first.
     */
    boolean claimReplicaId(byte[] staticKey, ReplicaId replica);

    /**
     * The sync of {@code document} on one session: a new one for each session, created empty (on storage) if this
     * replica does not hold the document yet.
     *
     * @param tables the session's replica tables, which its deltas' payloads are encoded and decoded against
     * @throws IOException if storage cannot serve the document
     */
    DocumentSync open(String document, SessionTables tables) throws IOException;

    /** Entries of {@code document} became durable on a session's flush: every session may send them now. */
    void durable(String document);

    /** {@code session} has ended: it takes no more news of documents. */
    void ended(Session session);
}
