package dev.hyphae.session;

import dev.hyphae.ErrorCode;
import dev.hyphae.ProtocolException;
import dev.hyphae.codec.ExternalTables;
import dev.hyphae.codec.KeyRuns;
import dev.hyphae.data.ReplicaId;
import dev.hyphae.data.Value;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The session tables of one session (specification, chapter "Session", sections "Session replica tables" and
 * "Session key tables"): in each direction, the replica ids and the map keys that the sender has declared in the
 * Deltas it sent, each in the order of declaration. A payload in session form names a replica, and may name the key
 * of an ORMap entry, by its index in the table of the direction it travels in, instead of carrying it.
 *
 * <p>Each replica table starts with the replica id that its sender names in its first Open of the session
 * (HY-SESS-110): both sides know it, and it is the id that the sender's own writes name, so the first Delta need not
 * declare it. After that, the tables grow only from Delta messages. The {@link Session} moves them at exactly four
 * places: as its first Open leaves ({@link #openSent}) and as the peer's first Open arrives ({@link #openReceived}),
 * before anything else about it is checked; as a Delta leaves ({@link #sent(SessionMessage.Delta)}) and as one
 * arrives, before anything else is checked ({@link #received(SessionMessage.Delta)}). That is what keeps each side's
 * copy of a table equal to the other's, whatever becomes of the Open or the delta itself. The sync layer reads them to encode and to decode payloads, and decides
 * what a Delta declares ({@link #toDeclare}, {@link #keysToDeclare}). They live as long as the session: a new
 * session, a resumed one included, starts empty.
 */
public final class SessionTables {

    private final Direction sent = new Direction();
    private final Direction received = new Direction();

    /** The replica table of this side's direction: what the peer holds once it has every Delta this side has sent. */
    public List<ReplicaId> sent() {
        return sent.replicas.view;
    }

    /** The replica table of the peer's direction, as the Deltas received so far have declared it. */
    public List<ReplicaId> received() {
        return received.replicas.view;
    }

    /** The key table of this side's direction. */
    public List<Value> sentKeys() {
        return sent.keys.view;
    }

    /** The key table of the peer's direction, as the Deltas received so far have declared it. */
    public List<Value> receivedKeys() {
        return received.keys.view;
    }

    /**
     * The tables of this side's direction as the {@link ExternalTables} that a payload in session form is encoded
     * against when its Delta declares nothing (HY-SESS-071, HY-ENC-055). Built when first asked for and shared by every
     * document of the session until a declaration or the first Open grows the direction, which drops it: building it
     * copies and checks every entry (up to {@code MAX_SESSION_KEYS} keys), which for a Delta of one write costs more
     * than the rest of putting it in session form. One copy per direction and session, whatever the number of
     * documents. Like the tables, read under the session's lock.
     */
    public ExternalTables sentExternal() {
        return sent.external();
    }

    /**
     * The tables of the peer's direction as the {@link ExternalTables} that a payload received in session form is read
     * against, once the Delta's own declarations have been appended ({@link #received(SessionMessage.Delta)}): built
     * and dropped as {@link #sentExternal}.
     */
    public ExternalTables receivedExternal() {
        return received.external();
    }

    /**
     * What the next Delta must declare for its payload to name {@code named} in session form (HY-SESS-073): the ids
     * that the sent table lacks, in ascending order. Null if declaring them would take the table past
     * {@code MAX_SESSION_REPLICAS}: that payload carries a table of its own instead (HY-SESS-072).
     */
    public List<ReplicaId> toDeclare(Collection<ReplicaId> named) {
        List<ReplicaId> missing = new ArrayList<>();
        for (ReplicaId id : new TreeSet<>(named)) {
            if (!sent.replicas.members.contains(id)) {
                missing.add(id);
            }
        }
        return sent.replicas.ids.size() + missing.size() > SessionLimits.MAX_SESSION_REPLICAS ? null : missing;
    }

    /**
     * The keys of {@code keys} that the sent key table lacks, in the order given, each once (HY-SESS-103); empty if
     * declaring them would take the table past {@code MAX_SESSION_KEYS} or {@code MAX_SESSION_KEY_BYTES}: the
     * payload then carries its keys itself (HY-SESS-102).
     */
    public List<Value> keysToDeclare(Collection<Value> keys) {
        Set<Value> missing = new LinkedHashSet<>();
        long bytes = 0;
        for (Value key : keys) {
            if (!sent.keys.members.contains(key) && missing.add(key)) {
                bytes += KeyRuns.size(key);
            }
        }
        if (sent.keys.ids.size() + missing.size() > SessionLimits.MAX_SESSION_KEYS
                || sent.keyBytes + bytes > SessionLimits.MAX_SESSION_KEY_BYTES) {
            return List.of();
        }
        return List.copyOf(missing);
    }

    /** This side sends an Open: if it is its first of the session, its replica id is entry 0 of its table (HY-SESS-110). */
    void openSent(ReplicaId self) {
        sent.opened(self);
    }

    /**
     * An Open of the peer arrives that is a valid message: if it is the peer's first of the session, the replica id
     * it names is entry 0 of the peer's table, before anything else about the Open is checked (HY-SESS-110).
     */
    public void openReceived(ReplicaId peer) {
        received.opened(peer);
    }

    /** A Delta leaves: what it declares joins this side's tables, as the peer will append it (HY-SESS-063, HY-SESS-094). */
    void sent(SessionMessage.Delta delta) {
        try {
            sent.append(delta);
        } catch (ProtocolException e) {
            // The sync layer declares only what toDeclare and keysToDeclare gave, on the Delta sent right after it asked.
            throw new IllegalStateException("a Delta that the peer must refuse: " + e.getMessage(), e);
        }
    }

    /**
     * A Delta arrives that is a valid message: what it declares joins the peer's tables before anything else about it
     * is checked, so that the tables move whatever becomes of the delta (HY-SESS-063, HY-SESS-064, HY-SESS-094,
     * HY-SESS-095).
     *
     * @throws ProtocolException of session scope: {@code PROTOCOL_VIOLATION} for an id or a key that its table holds
     *                           already (HY-SESS-067, HY-SESS-096), {@code LIMIT_EXCEEDED} past
     *                           {@code MAX_SESSION_REPLICAS}, {@code MAX_SESSION_KEYS} or {@code MAX_SESSION_KEY_BYTES}
     *                           (HY-SESS-068, HY-SESS-097); neither table changes then
     */
    public void received(SessionMessage.Delta delta) throws ProtocolException {
        received.append(delta);
    }

    /** The two tables of one direction. */
    private static final class Direction {
        final Table<ReplicaId> replicas = new Table<>();
        final Table<Value> keys = new Table<>();
        long keyBytes;
        /** Whether the first Open of this direction has gone by. */
        boolean opened;
        /**
         * Both tables as they stand, as one {@link ExternalTables}; null until asked for, and again whenever either
         * table grows. A table only grows, and only here, so a copy stays equal to it until then.
         */
        private ExternalTables external;

        ExternalTables external() {
            if (external == null) {
                external = new ExternalTables(replicas.view, keys.view);
            }
            return external;
        }

        /**
         * The first Open of the direction appends its replica id; later ones do not (all name the same, HY-SESS-032).
         * It comes before any Delta that could be accepted (HY-SESS-025), so the id is entry 0, and it cannot be in
         * the table already: a Delta before it ends the session.
         */
        void opened(ReplicaId replica) {
            if (!opened) {
                opened = true;
                if (!replicas.members.contains(replica)) {
                    replicas.add(List.of(replica));
                    external = null;
                }
            }
        }

        /** Appends what {@code delta} declares, all or nothing: a refused declaration changes neither table. */
        void append(SessionMessage.Delta delta) throws ProtocolException {
            if (replicas.ids.size() + delta.replicas().size() > SessionLimits.MAX_SESSION_REPLICAS) {
                throw ProtocolException.sessionError(ErrorCode.LIMIT_EXCEEDED,
                        "a Delta declares %d replica ids, which takes the session replica table past MAX_SESSION_REPLICAS (%d)",
                        delta.replicas().size(), SessionLimits.MAX_SESSION_REPLICAS);
            }
            replicas.checkFresh(delta.replicas(), "replica");
            long bytes = 0;
            for (Value key : delta.keys()) {
                bytes += KeyRuns.size(key);
            }
            if (keys.ids.size() + delta.keys().size() > SessionLimits.MAX_SESSION_KEYS
                    || keyBytes + bytes > SessionLimits.MAX_SESSION_KEY_BYTES) {
                throw ProtocolException.sessionError(ErrorCode.LIMIT_EXCEEDED,
                        "a Delta declares %d keys of %d bytes, which takes the session key table past MAX_SESSION_KEYS (%d)"
                                + " or MAX_SESSION_KEY_BYTES (%d)",
                        delta.keys().size(), bytes, SessionLimits.MAX_SESSION_KEYS, SessionLimits.MAX_SESSION_KEY_BYTES);
            }
            keys.checkFresh(delta.keys(), "key");
            replicas.add(delta.replicas());
            keys.add(delta.keys());
            keyBytes += bytes;
            if (!delta.replicas().isEmpty() || !delta.keys().isEmpty()) {
                external = null;   // most Deltas declare nothing: the copy serves until one does
            }
        }
    }

    /** One table: its entries in order of declaration, and as a set, to refuse an entry declared twice. */
    private static final class Table<T> {
        final List<T> ids = new ArrayList<>();
        final List<T> view = Collections.unmodifiableList(ids);
        final Set<T> members = new HashSet<>();

        void checkFresh(List<T> declared, String what) throws ProtocolException {
            Set<T> fresh = new HashSet<>();
            for (T entry : declared) {
                if (members.contains(entry) || !fresh.add(entry)) {
                    throw ProtocolException.sessionError(ErrorCode.PROTOCOL_VIOLATION,
                            "a Delta declares %s %s, which the session %s table holds already", what, entry, what);
                }
            }
        }

        void add(List<T> declared) {
            ids.addAll(declared);
            members.addAll(declared);
        }
    }
}
