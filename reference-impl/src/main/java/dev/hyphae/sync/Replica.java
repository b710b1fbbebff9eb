package dev.hyphae.sync;

import dev.hyphae.crdt.CausalState;
import dev.hyphae.crdt.ORMap;
import dev.hyphae.data.CausalContext;
import dev.hyphae.data.Value;
import dev.hyphae.data.ReplicaId;
import dev.hyphae.handshake.AccessPolicy;
import dev.hyphae.handshake.TrustStore;

import dev.hyphae.session.DocumentSync;
import dev.hyphae.session.SessionTables;
import dev.hyphae.session.Session;
import dev.hyphae.session.SyncLayer;
import dev.hyphae.store.ReplicaStore;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.UnaryOperator;

/**
 * The documents of one replica, and the sessions that synchronise them with neighbours. Every method is
 * serialised on the replica; network and timer threads call in, nothing here blocks on the network. The folder
 * that holds it is a {@link ReplicaStore}.
 *
 * <p>A replica id names one history of writes. It is never reused: a folder that is lost takes its id with it,
 * and the replica that starts in a new folder is a new one (so that no dot is ever issued twice).
 *
 * <p>Over 400 lines because it is where the replica's lock is taken: its entry points (writes, reads, sessions)
 * are short synchronized methods that delegate to a {@link DocumentReplica} or a session, and splitting them
 * would spread the locking, which a reader needs to see whole, over several classes.
 */
public final class Replica implements Closeable {

    /** Told of every change to a document's state, local or received, after it is durable, on a thread of its own. */
    public interface Listener {
        void changed(String document, CausalState<ORMap> state, boolean local);
    }

    /**
     * Told of every change as a {@link Listener} is, without the state: a replica with only such listeners never
     * builds the immutable value of a state that changed, which costs time in proportion to the whole state.
     */
    public interface ChangeListener {
        void changed(String document, boolean local);
    }

    private final ReplicaStore store;
    private final ReplicaId id;
    private final SyncLayer layer = new Layer();
    private final Map<String, DocumentReplica> documents = new TreeMap<>();
    private final Map<String, ReplicaId> neighbours = new TreeMap<>();
    private final List<Session> sessions = new ArrayList<>();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final List<ChangeListener> changeListeners = new CopyOnWriteArrayList<>();
    // Listeners run here, one at a time, never under the replica's lock: a slow or failing listener delays or
    // breaks nothing but itself.
    private final ExecutorService notifier = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "hyphae-listeners");
        t.setDaemon(true);
        return t;
    });
    private final Set<String> quarantined = new TreeSet<>();
    private final List<String> recoveryReports = new ArrayList<>();
    private boolean closed;

    private final int maxIntervalEntries;

    private Replica(ReplicaStore store, ReplicaId id, int maxIntervalEntries) {
        this.store = store;
        this.id = id;
        this.maxIntervalEntries = maxIntervalEntries;
    }

    /** Opens the replica in {@code directory}, creating it if needed, and recovers every document. */
    public static Replica open(Path directory, SecureRandom random) throws IOException {
        return open(directory, random, AntiEntropy.MAX_INTERVAL_ENTRIES);
    }

    /**
     * Opens the replica in {@code directory} to read it, changing nothing there (see
     * {@link ReplicaStore#openReadOnly}): every write fails with {@link dev.hyphae.store.StorageException}.
     */
    public static Replica openReadOnly(Path directory, SecureRandom random) throws IOException {
        return open(ReplicaStore.openReadOnly(directory), random, AntiEntropy.MAX_INTERVAL_ENTRIES);
    }

    /** Opens the replica with intervals of at most {@code maxIntervalEntries} entries: tests use few, to split more. */
    static Replica open(Path directory, SecureRandom random, int maxIntervalEntries) throws IOException {
        return open(ReplicaStore.open(directory), random, maxIntervalEntries);
    }

    private static Replica open(ReplicaStore store, SecureRandom random, int maxIntervalEntries) throws IOException {
        try {
            Replica replica = new Replica(store, store.replicaId(random), maxIntervalEntries);
            replica.load();
            return replica;
        } catch (IOException | RuntimeException e) {
            store.close();
            throw e;
        }
    }

    private void load() throws IOException {
        neighbours.putAll(store.neighbours());
        for (ReplicaStore.StoredDocument stored : store.documents()) {
            String name = stored.name();
            if (name == null) {
                recoveryReports.add("folder " + stored.folder().getFileName() + " has no readable name; left as it is");
                continue;
            }
            DocumentReplica document;
            try {
                document = DocumentReplica.open(name, id, store.open(stored));
            } catch (IOException e) {
                // One damaged document does not stop the others: it is left untouched and not served.
                quarantined.add(name);
                recoveryReports.add("document \"" + name + "\" is not served: " + e.getMessage());
                continue;
            }
            documents.put(name, document);
            var recovery = document.recovery();
            if (recovery.truncated()) {
                recoveryReports.add("document \"" + name + "\": kept " + recovery.records() + " log records, cut a torn tail of "
                        + recovery.truncatedBytes() + " bytes (never acknowledged)");
            }
        }
    }

    /** What recovery found on opening: for each document whose log had a torn tail, a line saying so. */
    public synchronized List<String> recoveryReports() {
        return List.copyOf(recoveryReports);
    }

    /** The names of the documents this replica holds. */
    public synchronized Set<String> documents() {
        return new TreeSet<>(documents.keySet());
    }

    /** The state of {@code document}: empty if this replica does not hold it. */
    public synchronized CausalState<ORMap> state(String document) {
        DocumentReplica d = documents.get(document);
        return d == null ? DocumentReplica.empty() : d.state();
    }

    /**
     * Applies a local write: {@code mutator} receives the document's state and returns a delta, which is joined,
     * logged and synced to storage before this method returns, then sent to every neighbour.
     *
     * @return the delta
     * @throws dev.hyphae.store.StorageException if storage could not make it durable; its code says whether the write
     *                                           took effect in memory ({@code IN_DOUBT}) or not at all
     */
    public synchronized CausalState<ORMap> write(String document, UnaryOperator<CausalState<ORMap>> mutator) throws IOException {
        checkOpen();
        DocumentReplica d = document(document);
        return apply(document, d, mutator.apply(d.state()), null);
    }

    /**
     * Applies a local write to the entries under one key of the document's root map, as
     * {@link #write(String, UnaryOperator)}, in time proportional to those entries rather than to the document:
     * {@code mutator} receives the state restricted to the entries under {@code key}, with the whole causal context,
     * which is all that a delta mutator of that key reads ({@link ORMap#update}, {@link ORMap#remove}).
     *
     * @return the delta
     * @throws IllegalArgumentException if the delta touches an entry under another key, which its mutator did not see:
     *                                  holds one, or its context covers a dot of one (it would remove that dot); the
     *                                  write is then refused whole
     */
    public synchronized CausalState<ORMap> write(String document, Value key, UnaryOperator<CausalState<ORMap>> mutator) throws IOException {
        checkOpen();
        DocumentReplica d = document(document);
        return apply(document, d, mutator.apply(d.entriesUnder(key)), key);
    }

    /** The causal context of {@code document}: empty if this replica does not hold it. Cheaper than its state. */
    public synchronized CausalContext context(String document) {
        DocumentReplica d = documents.get(document);
        return d == null ? CausalContext.EMPTY : d.context();
    }

    /** The entries under {@code key} of the root map of {@code document}, with its whole causal context. */
    public synchronized CausalState<ORMap> entriesUnder(String document, Value key) {
        DocumentReplica d = documents.get(document);
        return d == null ? DocumentReplica.empty() : d.entriesUnder(key);
    }

    /** Applies a local write; if {@code key} is not null, one that touches only the entries under that root key. */
    private CausalState<ORMap> apply(String document, DocumentReplica d, CausalState<ORMap> delta, Value key)
            throws IOException {
        if (delta.isEmptyDelta()) {
            return delta;
        }
        if (key == null) {
            d.applyLocal(delta);
        } else {
            d.applyLocal(delta, key);
        }
        d.sync();
        if (d.takeChanged()) {
            // This sync also made received changes durable: they are reported as received, before this write.
            notifyListeners(document, d, false);
        }
        notifyListeners(document, d, true);
        for (Session session : List.copyOf(sessions)) {
            session.documentChanged(document);
        }
        return delta;
    }

    /** Adds a listener of changes. */
    public void addListener(Listener listener) {
        listeners.add(listener);
    }

    /** Adds a listener of changes that needs no state. */
    public void addChangeListener(ChangeListener listener) {
        changeListeners.add(listener);
    }

    private void notifyListeners(String document, DocumentReplica d, boolean local) {
        for (ChangeListener listener : changeListeners) {
            notifier.execute(() -> {
                try {
                    listener.changed(document, local);
                } catch (RuntimeException e) {
                    // As below.
                }
            });
        }
        if (listeners.isEmpty()) {
            return;
        }
        CausalState<ORMap> state = d.state();
        for (Listener listener : listeners) {
            notifier.execute(() -> {
                try {
                    listener.changed(document, state, local);
                } catch (RuntimeException e) {
                    // The application's fault, and its alone: synchronisation carries on.
                }
            });
        }
    }

    /**
     * A new session with a neighbour whose handshake proved {@code remote}: the session speaks through
     * {@code outbox}, and serves documents as {@code policy} allows.
     */
    public synchronized Session newSession(TrustStore.Identity remote, AccessPolicy policy, Session.Options options, Session.Outbox outbox) {
        checkOpen();
        Session session = new Session(layer, remote, policy, options, outbox);
        sessions.add(session);
        return session;
    }

    /**
     * Entries of {@code document} became durable: every session may send them now, and the listeners hear of what
     * neighbours changed.
     */
    synchronized void durable(String document) {
        DocumentReplica d = documents.get(document);
        if (d == null) {
            return;
        }
        if (d.takeChanged()) {
            notifyListeners(document, d, false);
        }
        for (Session session : List.copyOf(sessions)) {
            session.documentChanged(document);
        }
    }

    synchronized void ended(Session session) {
        sessions.remove(session);
    }

    /** The document, created empty (on storage) if this replica does not hold it yet. */
    synchronized DocumentReplica document(String name) throws IOException {
        DocumentReplica d = documents.get(name);
        if (d == null) {
            if (quarantined.contains(name)) {
                throw new dev.hyphae.store.StorageException(dev.hyphae.store.StorageException.Code.NOT_WRITTEN,
                        "document \"" + name + "\" is damaged on storage and not served until repaired", null);
            }
            d = DocumentReplica.open(name, id, store.create(name));
            documents.put(name, d);
        }
        return d;
    }

    /** This replica's id. */
    public ReplicaId replicaId() {
        return id;
    }

    synchronized DocumentSync open(String document, SessionTables tables) throws IOException {
        if (closed) {
            // A session that outlives the replica gets a document failure, never a folder that is no longer locked.
            throw new IOException("the replica is closed");
        }
        return new AntiEntropy(document(document), maxIntervalEntries, tables);
    }

    /** How much of this replica's log of {@code document} the neighbour {@code neighbour} has acknowledged. */
    public synchronized long acknowledged(String document, ReplicaId neighbour) {
        DocumentReplica d = documents.get(document);
        return d == null || neighbour == null ? 0 : d.acknowledgedBy(neighbour);
    }

    synchronized boolean holds(String name) {
        return documents.containsKey(name);
    }

    synchronized ReplicaId lastReplicaId(byte[] staticKey) {
        return neighbours.get(HexFormat.of().formatHex(staticKey));
    }

    /**
     * Records that the peer with {@code staticKey} uses replica id {@code replica}; false if another key used it
     * first. A peer that restarts with a new folder, under the same key, has a new replica id, which replaces its
     * old one.
     */
    synchronized boolean claimReplicaId(byte[] staticKey, ReplicaId replica) {
        String key = HexFormat.of().formatHex(staticKey);
        for (Map.Entry<String, ReplicaId> e : neighbours.entrySet()) {
            if (e.getValue().equals(replica) && !e.getKey().equals(key)) {
                return false;
            }
        }
        learnNeighbour(key, replica);
        return true;
    }

    private void learnNeighbour(String key, ReplicaId replica) {
        if (!replica.equals(neighbours.put(key, replica))) {
            try {
                store.saveNeighbours(neighbours);
            } catch (IOException e) {
                // Not needed for safety: a neighbour whose replica id is not known gets a difference rather than an
                // interval. So a failure here is not a failure of the session; the next change tries again.
            }
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the replica is closed");
        }
    }

    /** The folder, for the tests' power loss. */
    ReplicaStore store() {
        return store;
    }

    /** Closes every session and document. */
    /**
     * What the sessions of this replica see of it: the sync layer of the session chapter. It is a private adapter,
     * not an interface of the replica, so that an embedder of {@code Replica} cannot bind replica ids, open
     * documents or signal durability behind the sessions' backs. Its lock is the replica itself, which every
     * synchronized method of the replica holds: a local write and a received message serialise on one monitor.
     */
    private final class Layer implements SyncLayer {
        @Override
        public Object lock() {
            return Replica.this;
        }

        @Override
        public ReplicaId replicaId() {
            return id;
        }

        @Override
        public Set<String> documents() {
            return Replica.this.documents();
        }

        @Override
        public boolean holds(String document) {
            return Replica.this.holds(document);
        }

        @Override
        public ReplicaId lastReplicaId(byte[] staticKey) {
            return Replica.this.lastReplicaId(staticKey);
        }

        @Override
        public boolean claimReplicaId(byte[] staticKey, ReplicaId replica) {
            return Replica.this.claimReplicaId(staticKey, replica);
        }

        @Override
        public DocumentSync open(String document, SessionTables tables) throws IOException {
            return Replica.this.open(document, tables);
        }

        @Override
        public void durable(String document) {
            Replica.this.durable(document);
        }

        @Override
        public void ended(Session session) {
            Replica.this.ended(session);
        }
    }

    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        for (Session session : List.copyOf(sessions)) {
            session.abandon();
        }
        for (DocumentReplica d : documents.values()) {
            d.close();
        }
        notifier.shutdown();
        store.close();
    }
}
