package dev.hyphae.sync;

import dev.hyphae.crdt.CausalState;
import dev.hyphae.crdt.ORMap;
import dev.hyphae.data.CausalContext;
import dev.hyphae.data.Value;
import dev.hyphae.data.ReplicaId;
import dev.hyphae.data.Seq;
import dev.hyphae.handshake.AccessPolicy;
import dev.hyphae.handshake.TrustStore;

import dev.hyphae.session.DocumentSync;
import dev.hyphae.session.SessionTables;
import dev.hyphae.session.Session;
import dev.hyphae.session.SyncLayer;
import dev.hyphae.store.ReplicaStore;
import dev.hyphae.store.StorageException;

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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.UnaryOperator;

/**
 * The documents of one replica, and the sessions that synchronise them with neighbours. Network, timer and
 * application threads call in; nothing here blocks on the network. The folder that holds it is a
 * {@link ReplicaStore}.
 *
 * <p>Locks: each document has its own ({@link DocumentReplica}), and each session its own; there is no lock of the
 * whole replica on any path that touches a document. A write to one document never waits on a session that applies
 * a delta to another. The order is session, then document; a document's lock is
 * never held while a session's is taken, and sessions hear of changes without waiting on their lock
 * ({@link Session#documentChanged}). Writes are made durable by group commit ({@link DocumentReplica#commit}):
 * blocking writes of many threads, and asynchronous writes ({@link #writeAsync}), share one sync of the log.
 *
 * <p>A blocking write syncs on its own thread. Asynchronous writes, batches and {@link #flushAsync} are synced by one
 * commit thread for every document, which also completes their futures: so a callback of such a future runs on that
 * thread and delays every asynchronous sync while it runs, and so does a batch's function, which holds its document's
 * lock, once the commit thread comes to that document. A blocking write to one document waits on no other
 * document's sync; an asynchronous one may wait behind them.
 *
 * <p>A replica id names one history of writes. It is never reused: a folder that is lost takes its id with it,
 * and the replica that starts in a new folder is a new one (so that no dot is ever issued twice).
 *
 * <p>Over 400 lines because it is where the documents' locks meet the sessions and the group commit: its entry points
 * (writes, reads, sessions) are short methods that take one document's lock and delegate to a
 * {@link DocumentReplica} or a session, and splitting them would spread the locking, which a reader needs to see
 * whole, over several classes.
 */
public final class Replica implements Closeable {

    /**
     * Told of every change to a document's state, local or received, after it is durable, on a thread of its own.
     * Changes that one sync made durable (group commit) are told once: once for those received, once for the local
     * writes.
     */
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
    private final Map<String, DocumentReplica> documents = new ConcurrentSkipListMap<>();
    /** Guarded by itself. */
    private final Map<String, ReplicaId> neighbours = new TreeMap<>();
    private final List<Session> sessions = new CopyOnWriteArrayList<>();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final List<ChangeListener> changeListeners = new CopyOnWriteArrayList<>();
    // Listeners run here, one at a time, never under the replica's lock: a slow or failing listener delays or
    // breaks nothing but itself.
    private final ExecutorService notifier = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "hyphae-listeners");
        t.setDaemon(true);
        return t;
    });
    // The thread that syncs for asynchronous writes: documents are queued once each while writes of theirs wait.
    private final ExecutorService committer = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "hyphae-commit");
        t.setDaemon(true);
        return t;
    });
    private final Set<DocumentReplica> commitQueued = ConcurrentHashMap.newKeySet();
    /** Guarded by {@link #documents}'s creation lock ({@link #document(String)}); filled on opening. */
    private final Set<String> quarantined = new TreeSet<>();
    private final List<String> recoveryReports = new ArrayList<>();
    private volatile boolean closed;
    /** Set on a thread while it runs a batch's function ({@link #batch}). */
    private final ThreadLocal<Boolean> inBatch = new ThreadLocal<>();

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
                document = openDocument(name, store.open(stored));
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
                        + recovery.truncatedBytes() + " bytes (never synced, or damaged where no later record vouches for it)");
            }
        }
    }

    private DocumentReplica openDocument(String name, dev.hyphae.store.DocumentStore stored) throws IOException {
        return DocumentReplica.open(name, id, stored, (received, written) -> durable(name, received, written));
    }

    /** What recovery found on opening: for each document whose log had a torn tail, a line saying so. */
    public List<String> recoveryReports() {
        synchronized (documents) {
            return List.copyOf(recoveryReports);
        }
    }

    /** The names of the documents this replica holds. */
    public Set<String> documents() {
        return new TreeSet<>(documents.keySet());
    }

    /** The state of {@code document}: empty if this replica does not hold it. */
    public CausalState<ORMap> state(String document) {
        DocumentReplica d = documents.get(document);
        return d == null ? DocumentReplica.empty() : d.state();
    }

    /**
     * Applies a local write: {@code mutator} receives the document's state and returns a delta, which is joined,
     * logged and synced to storage before this method returns, then sent to every neighbour. Writes of other threads
     * to the document share the sync (group commit).
     *
     * @return the delta
     * @throws dev.hyphae.store.StorageException if storage could not make it durable; its code says whether the write
     *                                           took effect in memory ({@code IN_DOUBT}) or not at all
     */
    public CausalState<ORMap> write(String document, UnaryOperator<CausalState<ORMap>> mutator) throws IOException {
        return write(document, null, mutator);
    }

    /**
     * Applies a local write to the entries under one key of the document's root map, as
     * {@link #write(String, UnaryOperator)}, in time proportional to those entries rather than to the document:
     * {@code mutator} receives the state restricted to the entries under {@code key}, with the whole causal context,
     * which is all that a delta mutator of that key reads ({@link ORMap#update}, {@link ORMap#remove}). A null
     * {@code key} gives the mutator the whole state and lets the delta touch any key.
     *
     * @return the delta
     * @throws IllegalArgumentException if the delta touches an entry under another key, which its mutator did not see:
     *                                  holds one, or its context covers a dot of one (it would remove that dot); the
     *                                  write is then refused whole
     */
    public CausalState<ORMap> write(String document, Value key, UnaryOperator<CausalState<ORMap>> mutator) throws IOException {
        Applied applied = apply(document, key, mutator);
        applied.document().commit(applied.record());
        return applied.delta();
    }

    /**
     * Applies a local write as {@link #write(String, Value, UnaryOperator)} does, but returns at once: the write is
     * joined and appended to the log, and reads see it; the future completes with the delta once it is durable, and
     * only then is it sent to neighbours (HY-SYNC-005). Writes made this way share a sync with each other and with
     * blocking writes: a batch of them costs one sync, and a caller that waits for the last one's future waits for
     * them all, since they become durable in the order they were made.
     *
     * <p>A write that storage refuses before applying it fails the future with a
     * {@link dev.hyphae.store.StorageException} of code {@code NOT_WRITTEN}; one whose sync fails, with code
     * {@code IN_DOUBT}. A delta that touches another key is refused at once ({@link IllegalArgumentException}), as
     * is a write to a closed replica ({@link IllegalStateException}).
     */
    public CompletableFuture<CausalState<ORMap>> writeAsync(String document, Value key, UnaryOperator<CausalState<ORMap>> mutator) {
        Applied applied;
        try {
            applied = apply(document, key, mutator);
        } catch (IOException e) {
            return CompletableFuture.failedFuture(e);
        }
        return whenDurable(applied.document(), applied.record()).thenApply(ignored -> applied.delta());
    }

    /**
     * Makes a batch of local writes to {@code document}: {@code writes} receives the batch and makes its writes through
     * it ({@link WriteBatch#write}), each reading the document as the batch's earlier writes leave it. When
     * {@code writes} returns, the join of the batch's writes is applied, appended to the log as ONE entry, and its
     * encoding made once; reads see it from then on. The future completes with that join once it is durable, and only
     * then is it sent to neighbours, as one delta (HY-SYNC-005).
     *
     * <p>A batch is one unit, durable entirely or not at all: a crash never leaves part of it, and a restart never
     * applies part of it twice. Its failures are the batch's, never a single write's: storage that refuses the entry
     * fails the future with a {@link dev.hyphae.store.StorageException} of code {@code NOT_WRITTEN} (nothing of the
     * batch is applied, and it can be made again as it is); a sync that fails puts the whole batch in doubt
     * ({@code IN_DOUBT}: applied in memory, made durable once storage recovers, or lost whole in a crash before then).
     * A write of the batch that touches another key than its own ({@link IllegalArgumentException}), a mutator that
     * throws, a batch whose join exceeds the limits of one payload
     * ({@link dev.hyphae.codec.PayloadNotEncodableException}), and a closed replica ({@link IllegalStateException})
     * refuse the whole batch at once, by that exception, with nothing applied, when the exception leaves
     * {@code writes}. A function that catches the refusal of one of its writes goes on with the batch: the refused
     * write changed nothing, and the batch's other writes are applied as above.
     *
     * <p>{@code writes} runs under the document's lock, on the calling thread: the document takes no other write and
     * no delta from a neighbour meanwhile, and its reads wait, as does the commit thread once it comes to this
     * document (so a long function delays the asynchronous writes of every document). It makes the batch's writes
     * through the batch and nothing else: the replica refuses it ({@link IllegalStateException}) a write of its own,
     * another batch and a flush, which could lose a write or wait forever; it must not read other documents nor wait
     * for another thread that uses the document. The batch is confined to the function and its thread.
     */
    public CompletableFuture<CausalState<ORMap>> batch(String document, java.util.function.Consumer<WriteBatch> writes) {
        checkOpen();
        DocumentReplica d;
        try {
            d = document(document);
        } catch (IOException e) {
            return CompletableFuture.failedFuture(e);
        }
        checkNotInBatch(d);
        CausalState<ORMap> joined;
        long record;
        synchronized (d) {
            WriteBatch batch = new WriteBatch(d);
            boolean made = false;
            d.openBatch = batch;
            inBatch.set(Boolean.TRUE);
            try {
                writes.accept(batch);
                made = true;
            } finally {
                // Whatever ends the function (a checked exception thrown sneakily included), the batch closes here.
                inBatch.remove();
                d.openBatch = null;
                if (!made) {
                    batch.abandon();
                }
            }
            joined = batch.close();
            if (joined.isEmptyDelta()) {
                return CompletableFuture.completedFuture(joined);   // changes nothing, waits for nothing
            }
            try {
                d.applyLocal(joined);
            } catch (IOException e) {
                return CompletableFuture.failedFuture(e);
            }
            record = d.appended();
        }
        return whenDurable(d, record).thenApply(ignored -> joined);
    }

    /**
     * A batch function is refused every call that writes or waits for a sync: a write to its own document would take
     * a dot that the batch may take too (both would then be lost), and a flush or another batch would wait, holding
     * the document's lock, for a sync or a lock that waits for it.
     */
    private void checkNotInBatch(DocumentReplica d) {
        // Before taking d's lock: a batch of another document holds its own, and two such would wait on each other.
        if (Thread.holdsLock(d) && d.openBatch != null) {
            throw new IllegalStateException("a batch of this document is open on this thread: write through it");
        }
        checkNotInBatch();
    }

    private void checkNotInBatch() {
        if (inBatch.get() != null) {
            throw new IllegalStateException("a batch is open on this thread: its function makes the batch's writes, "
                    + "through the batch, and nothing else");
        }
    }

    /**
     * Makes everything written to this replica before the call durable, every document's: the asynchronous writes and
     * batches still waiting for their sync, and the deltas received from neighbours; returns once it is.
     *
     * @throws dev.hyphae.store.StorageException {@code IN_DOUBT} if a document's sync failed (the first such failure)
     */
    public void flush() throws IOException {
        checkOpen();
        checkNotInBatch();
        // On the calling thread, as a blocking write syncs: never behind the commit thread, which may be this one
        // (a future's callback).
        StorageException first = null;
        for (DocumentReplica d : documents.values()) {
            recover(d);
            try {
                d.commit(d.appended());
            } catch (StorageException e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /**
     * As {@link #flush()}, without blocking: the future completes once everything written before the call is durable,
     * or fails with the {@code IN_DOUBT} {@link dev.hyphae.store.StorageException} of a document whose sync failed
     * (or with {@link IllegalStateException} if the replica is closed). The sync is made on the replica's commit
     * thread, shared with the asynchronous writes waiting (group commit), and that thread completes the future: a
     * callback of it runs there, and delays every asynchronous write's sync while it runs.
     *
     * @throws IllegalStateException if called from a batch's function
     */
    public CompletableFuture<Void> flushAsync() {
        checkNotInBatch();
        if (closed) {
            return CompletableFuture.failedFuture(new IllegalStateException("the replica is closed"));
        }
        List<CompletableFuture<Void>> all = new ArrayList<>();
        for (DocumentReplica d : documents.values()) {
            recover(d);
            all.add(whenDurable(d, d.appended()));
        }
        return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new));
    }

    /**
     * A document whose sync failed is written whole again, if its storage allows it now; what that made durable is
     * then told, outside the document's lock, as a sync tells it: to listeners, and to sessions, which may send it.
     */
    private void recover(DocumentReplica d) {
        boolean was = d.failed();
        if (d.recover() && was) {
            durable(d.name);
        }
    }

    /**
     * A future completed once the first {@code record} records of {@code d} are durable; the sync that makes them so is
     * queued on the commit thread, once per document while writes of it wait.
     */
    private CompletableFuture<Void> whenDurable(DocumentReplica d, long record) {
        CompletableFuture<Void> durable = d.whenDurable(record);
        if (!durable.isDone() && commitQueued.add(d)) {
            try {
                committer.execute(() -> commitQueued(d));
            } catch (java.util.concurrent.RejectedExecutionException closing) {
                commitQueued(d);   // the replica is closing: synced here, so that the future completes
            }
        }
        return durable;
    }

    /** On the committer's thread: syncs a document that asynchronous writes wait for. */
    private void commitQueued(DocumentReplica d) {
        commitQueued.remove(d);   // first, so that a write appended during the sync queues the document again
        try {
            d.commit(d.appended());
        } catch (IOException e) {
            // The waiting writes' futures carry the failure.
        }
    }

    /** A local write applied to a document and appended to its log: durable once {@code record} records are. */
    private record Applied(DocumentReplica document, CausalState<ORMap> delta, long record) {
    }

    /** Applies a local write under the document's lock; if {@code key} is not null, one that touches only that key. */
    private Applied apply(String document, Value key, UnaryOperator<CausalState<ORMap>> mutator) throws IOException {
        checkOpen();
        DocumentReplica d = document(document);
        checkNotInBatch(d);
        synchronized (d) {
            CausalState<ORMap> delta = mutator.apply(key == null ? d.state() : d.entriesUnder(key));
            if (!delta.isEmptyDelta()) {
                if (key == null) {
                    d.applyLocal(delta);
                } else {
                    d.applyLocal(delta, key);
                }
            }
            // An empty delta changes nothing and waits for nothing.
            return new Applied(d, delta, delta.isEmptyDelta() ? 0 : d.appended());
        }
    }

    /** The causal context of {@code document}: empty if this replica does not hold it. Cheaper than its state. */
    public CausalContext context(String document) {
        DocumentReplica d = documents.get(document);
        return d == null ? CausalContext.EMPTY : d.context();
    }

    /** The entries under {@code key} of the root map of {@code document}, with its whole causal context. */
    public CausalState<ORMap> entriesUnder(String document, Value key) {
        DocumentReplica d = documents.get(document);
        return d == null ? DocumentReplica.empty() : d.entriesUnder(key);
    }

    /**
     * After a sync made something of {@code document} durable, outside its lock: listeners hear of it, and every
     * session may send it now (HY-SYNC-005).
     */
    private void durable(String document, boolean received, boolean written) {
        DocumentReplica d = documents.get(document);
        if (d == null) {
            return;
        }
        if (received) {
            notifyListeners(document, d, false);   // reported as received before the local writes of the same sync
        }
        if (written) {
            notifyListeners(document, d, true);
        }
        for (Session session : sessions) {
            session.documentChanged(document);
        }
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
    public Session newSession(TrustStore.Identity remote, AccessPolicy policy, Session.Options options, Session.Outbox outbox) {
        checkOpen();
        Session session = new Session(layer, remote, policy, options, outbox);
        sessions.add(session);
        return session;
    }

    /**
     * Entries of {@code document} became durable: every session may send them now, and the listeners hear of what
     * neighbours changed.
     */
    void durable(String document) {
        DocumentReplica d = documents.get(document);
        if (d != null) {
            durable(document, d.takeChanged(), d.takeWritten());
        }
    }

    void ended(Session session) {
        sessions.remove(session);
    }

    /**
     * The document, created empty (on storage) if this replica does not hold it yet. Creation holds the map of
     * documents' lock, which nothing else that touches a document takes: documents that exist are found without it.
     */
    DocumentReplica document(String name) throws IOException {
        DocumentReplica d = documents.get(name);
        if (d != null) {
            return d;
        }
        synchronized (documents) {
            d = documents.get(name);
            if (d == null) {
                if (quarantined.contains(name)) {
                    throw new dev.hyphae.store.StorageException(dev.hyphae.store.StorageException.Code.NOT_WRITTEN,
                            "document \"" + name + "\" is damaged on storage and not served until repaired", null);
                }
                d = openDocument(name, store.create(name));
                documents.put(name, d);
            }
            return d;
        }
    }

    /** This replica's id. */
    public ReplicaId replicaId() {
        return id;
    }

    DocumentSync open(String document, SessionTables tables) throws IOException {
        if (closed) {
            // A session that outlives the replica gets a document failure, never a folder that is no longer locked.
            throw new IOException("the replica is closed");
        }
        DocumentReplica d = document(document);
        return new DocumentLocked(d, new AntiEntropy(d, maxIntervalEntries, tables));
    }

    /**
     * The number of the last entry of this replica's log of {@code document} (0 if it holds none): a write or a batch
     * is one entry, and so is a delta received that changed the state. A neighbour that acknowledged this far holds
     * everything this replica held when it was read.
     */
    public long seq(String document) {
        DocumentReplica d = documents.get(document);
        return d == null ? 0 : d.seq();
    }

    /** How much of this replica's log of {@code document} the neighbour {@code neighbour} has acknowledged. */
    public long acknowledged(String document, ReplicaId neighbour) {
        DocumentReplica d = documents.get(document);
        return d == null || neighbour == null ? 0 : d.acknowledgedBy(neighbour);
    }

    boolean holds(String name) {
        return documents.containsKey(name);
    }

    ReplicaId lastReplicaId(byte[] staticKey) {
        synchronized (neighbours) {
            return neighbours.get(HexFormat.of().formatHex(staticKey));
        }
    }

    /**
     * Records that the peer with {@code staticKey} uses replica id {@code replica}; false if another key used it
     * first. A peer that restarts with a new folder, under the same key, has a new replica id, which replaces its
     * old one.
     */
    boolean claimReplicaId(byte[] staticKey, ReplicaId replica) {
        String key = HexFormat.of().formatHex(staticKey);
        synchronized (neighbours) {
            for (Map.Entry<String, ReplicaId> e : neighbours.entrySet()) {
                if (e.getValue().equals(replica) && !e.getKey().equals(key)) {
                    return false;
                }
            }
            learnNeighbour(key, replica);
            return true;
        }
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

    /** Test seam: compacts {@code document} now, as its sync does once its log is long enough. */
    boolean compact(String document) throws IOException {
        DocumentReplica d = documents.get(document);
        return d != null && d.compactNow();
    }

    /** The folder, for the tests' power loss. */
    ReplicaStore store() {
        return store;
    }

    /**
     * What the sessions of this replica see of it: the sync layer of the session chapter. It is a private adapter,
     * not an interface of the replica, so that an embedder of {@code Replica} cannot bind replica ids, open
     * documents or signal durability behind the sessions' backs.
     */
    private final class Layer implements SyncLayer {
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
        public boolean acknowledgedWhole(String document, ReplicaId neighbour) {
            DocumentReplica d = documents.get(document);
            return d != null && neighbour != null && !Seq.before(d.acknowledgedBy(neighbour), d.seq());
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

    /**
     * Closes every session and document. Asynchronous writes still waiting are made durable first (or fail with the
     * sync); writes that start during the close may be refused, as on a closed replica.
     */
    @Override
    public void close() throws IOException {
        synchronized (documents) {
            if (closed) {
                return;
            }
            closed = true;
        }
        for (Session session : sessions) {
            session.abandon();
        }
        committer.shutdown();
        try {
            committer.awaitTermination(1, java.util.concurrent.TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (DocumentReplica d : documents.values()) {
            try {
                if (d.awaited()) {
                    d.commit(d.appended());
                }
            } catch (IOException e) {
                // The waiting writes' futures carry the failure.
            }
            synchronized (d) {
                d.close();
            }
        }
        notifier.shutdown();
        store.close();
    }
}
