package dev.hyphae.session;

import dev.hyphae.ErrorCode;
import dev.hyphae.ProtocolException;
import dev.hyphae.data.ReplicaId;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The two session replica tables of one session (specification, chapter "Session", section "Session replica
 * tables"): the replica ids that this side has declared in the Deltas it sent, and those that the peer has declared
 * in the Deltas it sent, each in the order of declaration. A payload in session form names a replica by its index
 * in the table of the direction it travels in, instead of carrying a table of its own.
 *
 * <p>Each table starts with the replica id that its sender names in its first Open of the session (HY-SESS-110):
 * both sides know it, and it is the id that the sender's own writes name, so the first Delta need not declare it.
 * After that, both tables grow only from Delta messages. The {@link Session} moves them at exactly four places: as
 * its first Open leaves ({@link #openSent}) and as the peer's first Open arrives ({@link #openReceived}), before
 * anything else about it is checked; as a Delta leaves ({@link #sent(SessionMessage.Delta)}) and as one arrives,
 * before anything else is checked ({@link #received(SessionMessage.Delta)}). That is what keeps each side's copy of
 * a table equal to the other's, whatever becomes of the Open or the delta itself. The sync layer reads them to encode and to decode payloads, and decides
 * what a Delta declares ({@link #toDeclare}). They live as long as the session: a new session starts empty.
 */
public final class ReplicaTables {

    private final Table sent = new Table();
    private final Table received = new Table();

    /** The table of this side's direction: what the peer holds once it has every Delta this side has sent. */
    public List<ReplicaId> sent() {
        return sent.view;
    }

    /** The table of the peer's direction, as the Deltas received so far have declared it. */
    public List<ReplicaId> received() {
        return received.view;
    }

    /**
     * What the next Delta must declare for its payload to name {@code named} in session form (HY-SESS-073): the ids
     * that the sent table lacks, in ascending order. Null if declaring them would take the table past
     * {@code MAX_SESSION_REPLICAS}: that payload carries a table of its own instead (HY-SESS-072).
     */
    public List<ReplicaId> toDeclare(Collection<ReplicaId> named) {
        List<ReplicaId> missing = new ArrayList<>();
        for (ReplicaId id : new java.util.TreeSet<>(named)) {
            if (!sent.members.contains(id)) {
                missing.add(id);
            }
        }
        return sent.ids.size() + missing.size() > SessionLimits.MAX_SESSION_REPLICAS ? null : missing;
    }

    /** This side sends an Open: if it is its first of the session, its replica id is entry 0 of its table (HY-SESS-110). */
    void openSent(ReplicaId self) {
        sent.opened(self);
    }

    /**
     * An Open of the peer arrives that is a valid message: if it is the peer's first of the session, the replica id
     * it names is entry 0 of the peer's table, before anything else about the Open is checked (HY-SESS-110).
     */
    void openReceived(ReplicaId peer) {
        received.opened(peer);
    }

    /** A Delta leaves: what it declares joins this side's table, as the peer will append it (HY-SESS-063, HY-SESS-072). */
    void sent(SessionMessage.Delta delta) {
        try {
            sent.append(delta.replicas());
        } catch (ProtocolException e) {
            // The sync layer declares only what toDeclare gave, on the Delta sent right after it asked.
            throw new IllegalStateException("a Delta that the peer must refuse: " + e.getMessage(), e);
        }
    }

    /**
     * A Delta arrives that is a valid message: what it declares joins the peer's table before anything else about it
     * is checked, so that the table moves whatever becomes of the delta (HY-SESS-063, HY-SESS-064).
     *
     * @throws ProtocolException of session scope: {@code PROTOCOL_VIOLATION} for an id that the table holds already
     *                           (HY-SESS-067), {@code LIMIT_EXCEEDED} past {@code MAX_SESSION_REPLICAS} (HY-SESS-068)
     */
    void received(SessionMessage.Delta delta) throws ProtocolException {
        received.append(delta.replicas());
    }

    /** One direction's table: its ids in order of declaration, and as a set, to refuse an id declared twice. */
    private static final class Table {
        final List<ReplicaId> ids = new ArrayList<>();
        final List<ReplicaId> view = Collections.unmodifiableList(ids);
        final Set<ReplicaId> members = new HashSet<>();
        /** Whether the first Open of this table's direction has gone by. */
        boolean opened;

        /**
         * The first Open of the direction appends its replica id; later ones do not (all name the same, HY-SESS-032).
         * It comes before any Delta that could be accepted (HY-SESS-025), so the id is entry 0, and it cannot be in
         * the table already: a Delta before it ends the session.
         */
        void opened(ReplicaId replica) {
            if (!opened) {
                opened = true;
                if (members.add(replica)) {
                    ids.add(replica);
                }
            }
        }

        /** Appends {@code declared}, all or nothing: a refused declaration changes no table. */
        void append(List<ReplicaId> declared) throws ProtocolException {
            if (ids.size() + declared.size() > SessionLimits.MAX_SESSION_REPLICAS) {
                throw ProtocolException.sessionError(ErrorCode.LIMIT_EXCEEDED,
                        "a Delta declares %d replica ids, which takes the session replica table past MAX_SESSION_REPLICAS (%d)",
                        declared.size(), SessionLimits.MAX_SESSION_REPLICAS);
            }
            Set<ReplicaId> fresh = new HashSet<>();
            for (ReplicaId id : declared) {
                if (members.contains(id) || !fresh.add(id)) {
                    throw ProtocolException.sessionError(ErrorCode.PROTOCOL_VIOLATION,
                            "a Delta declares replica %s, which the session replica table holds already", id);
                }
            }
            ids.addAll(declared);
            members.addAll(declared);
        }
    }
}
