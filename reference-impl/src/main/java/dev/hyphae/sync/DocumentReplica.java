package dev.hyphae.sync;

import dev.hyphae.ProtocolException;
import dev.hyphae.codec.Codec;
import dev.hyphae.codec.PayloadNotEncodableException;
import dev.hyphae.crdt.CausalState;
import dev.hyphae.crdt.Crdt;
import dev.hyphae.crdt.MutableState;
import dev.hyphae.crdt.ORMap;
import dev.hyphae.data.CausalContext;
import dev.hyphae.data.ReplicaId;
import dev.hyphae.data.Value;
import dev.hyphae.data.Seq;
import dev.hyphae.store.DocumentStore;
import dev.hyphae.store.StorageException;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * One document at one replica: its state, its delta log, and its positions with its neighbours (specification,
 * chapter "Sync"). In the terms of Algorithm 2 of Almeida, Shoker and Baquero: {@code state} is
 * X<sub>i</sub>, {@code seq} is c<sub>i</sub> &minus; 1, {@code log} is D<sub>i</sub>, {@code acked} is
 * A<sub>i</sub>; {@code held} is what Hyphae adds so that a neighbour can resume after a restart.
 *
 * <p>Thread-safe, with a lock of its own, which is the document's lock (the object itself): writes, received deltas
 * and sessions of other documents never wait on it. Everything but the sync to storage happens under it. The sync
 * is a group commit ({@link #commit}): one thread at a time forces the log, outside the lock, on behalf of every
 * record appended before it started, while the others append and then wait for the force that covers their records.
 *
 * <p>Why this class is some 700 lines: the state, the log and the positions change together under one set of
 * invariants (an entry is stored before the position that covers it; an entry is dropped only when every
 * neighbour holds it, or beyond the log's bounds; an interval reaches back only over what the receiver holds; only
 * what a sync covered is durable, sent or acknowledged), which read best in one place. The group commit is here for
 * the last of them: what a sync covers is the log's and positions' state when it began, taken under the same lock. Storage is {@link DocumentStore}'s, and the exchange with a neighbour is
 * {@link AntiEntropy}'s.
 */
final class DocumentReplica {

    /** Most entries the delta log keeps; a neighbour further behind gets a difference instead. */
    static final int MAX_LOG_ENTRIES = 16_384;
    /** Most bytes of encoded deltas the delta log keeps. */
    static final long MAX_LOG_BYTES = 64L * 1024 * 1024;

    /** An entry of the delta log: a delta, who it came from (null for a local write), and its encoding. */
    record LogEntry(CausalState<ORMap> delta, ReplicaId origin, byte[] encoded) {
    }

    /**
     * An interval of the log, joined, ready to send.
     *
     * @param forwarded whether {@code payload} is one entry that a neighbour sent (a local write has no origin), as
     *                  stored: it travels byte for byte (HY-VER-017), so with its own replica table, never re-encoded
     *                  in session form
     * @param state     what {@code payload} decodes to, so that the sender need not decode it to encode it again in
     *                  session form
     */
    record Interval(long from, long to, byte[] payload, boolean forwarded, CausalState<ORMap> state) {
    }

    final String name;
    /**
     * The batch whose function runs now ({@link Replica#batch}), on the thread that holds this document's lock; null
     * when none. Guarded by this document's lock.
     */
    WriteBatch openBatch;
    private final ReplicaId self;
    private final DocumentStore store;
    private MutableState state;
    private long seq;
    private long logStart;
    private final NavigableMap<Long, LogEntry> log = new TreeMap<>(Seq.ORDER);
    private long logBytes;
    private final Map<ReplicaId, Long> held = new TreeMap<>();
    private final Map<ReplicaId, Long> durableHeld = new TreeMap<>();
    private boolean changedSinceSync;
    private boolean writtenSinceSync;
    private IOException failed;
    private final Map<ReplicaId, Long> acked = new TreeMap<>();
    private long durableSeq;
    /** Records appended to storage that must be synced (all but acknowledgements), counted since opening. */
    private long appended;
    /** How many of {@link #appended} a sync has made durable. */
    private long synced;
    /** Whether a thread is forcing the log now, outside the lock ({@link #commit}). */
    private boolean syncing;
    /** Asynchronous writes waiting for the sync that makes them durable, in the order of their records. */
    private final java.util.ArrayDeque<Waiter> waiters = new java.util.ArrayDeque<>();
    /** Told, outside the lock, after a sync made something new durable: the replica tells listeners and sessions. */
    private final Durable onDurable;

    /** What the replica is told after a sync made something new durable. */
    interface Durable {
        /**
         * @param received whether deltas received from neighbours changed the state
         * @param written  whether local writes did
         */
        void durable(boolean received, boolean written);
    }

    /** An asynchronous write: durable once {@link #synced} reaches {@code record}. */
    private record Waiter(long record, java.util.concurrent.CompletableFuture<Void> durable) {
    }

    private DocumentReplica(String name, ReplicaId self, DocumentStore store, Durable onDurable) {
        this.name = name;
        this.self = self;
        this.store = store;
        this.onDurable = onDurable;
    }

    /** Rebuilds the document from what its store recovered; closes the store if that fails. */
    static DocumentReplica open(String name, ReplicaId self, DocumentStore store) throws IOException {
        return open(name, self, store, (received, written) -> { });
    }

    /**
     * Rebuilds the document from what its store recovered (its snapshot, then the log's tail), closing the store if
     * that fails; {@code onDurable} runs after each sync that made something new durable.
     */
    static DocumentReplica open(String name, ReplicaId self, DocumentStore store, Durable onDurable) throws IOException {
        DocumentReplica document = new DocumentReplica(name, self, store, onDurable);
        DocumentStore.Contents contents = store.recovered();
        try {
            document.state = contents.state() == null ? new MutableState()
                    : new MutableState(asMap(Codec.decode(contents.state()).state()));
            for (DocumentStore.Entry entry : contents.entries()) {
                CausalState<ORMap> delta = asMap(Codec.decode(entry.payload()).state());
                // The snapshot's state holds every entry up to its own number: only the log's tail is joined.
                if (Seq.after(entry.seq(), store.snapshotSeq())) {
                    document.state.join(delta);
                }
                document.log.put(entry.seq(), new LogEntry(delta, entry.origin(), entry.payload()));
                document.logBytes += entry.payload().length;
            }
        } catch (ProtocolException e) {
            store.close();
            throw new IOException("document \"" + name + "\": a stored payload does not decode: " + e.getMessage(), e);
        }
        document.seq = contents.seq();
        document.durableSeq = contents.seq();
        document.logStart = contents.logStart();
        document.held.putAll(contents.held());
        document.durableHeld.putAll(contents.held());
        document.acked.putAll(contents.acked());
        return document;
    }

    static CausalState<ORMap> empty() {
        return new CausalState<>(ORMap.EMPTY, CausalContext.EMPTY);
    }

    /** The payload as the root map of a document, or null if its root is not a map. */
    @SuppressWarnings("unchecked")
    static CausalState<ORMap> asMap(CausalState<Crdt> state) throws ProtocolException {
        if (!(state.store() instanceof ORMap)) {
            throw ProtocolException.deltaError(dev.hyphae.ErrorCode.MALFORMED_DELTA,
                    "the root of a document is an ORMap (type 7), not type %d", state.store().typeId());
        }
        return (CausalState<ORMap>) (CausalState<?>) state;
    }

    /** The state, as an immutable value: built anew after a change, in time proportional to the state. */
    synchronized CausalState<ORMap> state() {
        return state.state();
    }

    /**
     * The state with the number of the last entry of the log that it covers, read together under this document's
     * lock: every entry changes the state and takes its number in one step ({@link #append}). Unlike
     * {@link #state()} with {@link #durableSeq()}, which may hold entries past that number that are not durable yet,
     * it may be sent as covering the log up to {@code seq}, once {@code seq} is durable (HY-SYNC-005).
     */
    synchronized Snapshot snapshot() {
        return new Snapshot(state.state(), seq);
    }

    /** The state, and the last entry of the log that it covers: {@link #snapshot()}. */
    record Snapshot(CausalState<ORMap> state, long seq) {
    }

    /** The entries under the root key {@code key} with the whole context: what a write to that key reads. */
    synchronized CausalState<ORMap> entriesUnder(Value key) {
        return state.entriesUnder(key);
    }

    /** The causal context, in time proportional to the context, not to the state. */
    synchronized CausalContext context() {
        return state.context();
    }

    /** Whether the state is empty: no entry, no dot seen. */
    synchronized boolean isEmpty() {
        return state.isEmpty();
    }

    synchronized long seq() {
        return seq;
    }

    /**
     * The last entry on stable storage. Only entries up to here are ever sent (HY-SYNC-005): an entry sent before
     * it is stored could be lost in a crash, and its number given to another entry, which a neighbour that holds
     * the first would then never receive.
     */
    synchronized long durableSeq() {
        return durableSeq;
    }

    synchronized long logStart() {
        return logStart;
    }

    synchronized long acknowledgedBy(ReplicaId neighbour) {
        return acked.getOrDefault(neighbour, 0L);
    }

    /** The position in {@code origin}'s log that is on stable storage: the only one an Open may state. */
    synchronized long durableHeld(ReplicaId origin) {
        return durableHeld.getOrDefault(origin, 0L);
    }

    synchronized long held(ReplicaId origin) {
        return held.getOrDefault(origin, 0L);
    }

    /** A local write: joins the delta, appends it to the log and to storage. Durable after {@link #sync()}. */
    synchronized void applyLocal(CausalState<ORMap> delta) throws IOException {
        byte[] encoded = Codec.encode(delta);
        append(delta, state.prepare(delta), null, encoded);
    }

    /**
     * A local write to the entries under the root key {@code key} only, as {@link #applyLocal(CausalState)}.
     *
     * @throws IllegalArgumentException if the delta touches an entry under another key (holds one, or its context
     *                                  covers a dot of one), before anything changes
     */
    synchronized void applyLocal(CausalState<ORMap> delta, Value key) throws IOException {
        MutableState.Join joined = state.prepare(delta);
        if (!joined.touchesOnly(key)) {
            throw new IllegalArgumentException("a write to key " + key + " touches an entry under another key");
        }
        // Encoded here, under the document's lock: a decision, not a necessity. The record is appended before the
        // state changes, so that an append that fails (a full disk) refuses the write whole, with nothing applied: a
        // write is all or nothing, which we prefer to the microseconds that encoding outside the lock would save (it
        // costs what the delta costs, a few microseconds for one register; the sync, the long part, is made outside
        // the lock and shared, see commit). The alternative would be to apply under the lock, then encode and append
        // outside it in the order of the writes' sequence numbers, and to treat a failed append as a failed sync is
        // treated (see recover: the writes in doubt stay applied, neither acknowledged nor sent, until the document
        // is written again whole).
        append(delta, joined, null, Codec.encode(delta));
    }

    /**
     * Whether joining {@code delta} would touch no root entry under another key than {@code key}; changes nothing, and
     * joins nothing: it reads the delta's keys and the dots its context covers.
     */
    synchronized boolean touchesOnly(CausalState<ORMap> delta, Value key) {
        return state.touchesOnly(delta, key);
    }

    /**
     * A delta received from {@code origin}'s log, covering its entries up to {@code to}: joins it, and if it
     * brought anything new, appends it to the log so that it travels on to other neighbours.
     *
     * @return whether the state changed
     */
    synchronized boolean receive(CausalState<ORMap> delta, byte[] encoded, ReplicaId origin, long to) throws IOException {
        // Whether the delta brings anything is found by joining what it touches, not by comparing whole states.
        MutableState.Join joined = state.prepare(delta);
        boolean changed = joined.changes();
        if (changed) {
            append(delta, joined, origin, encoded);
            changedSinceSync = true;
        }
        if (Seq.after(to, held(origin))) {
            held.put(origin, to);
            store.appendHeld(origin, to);
            appended++;
        }
        return changed;
    }

    /**
     * Whether the last sync of this document failed and it has not recovered since: it sends nothing, and its entries
     * after {@link #durableSeq()} are in doubt. Its state in memory, which reads see, holds them.
     */
    synchronized boolean failed() {
        return failed != null;
    }

    /** Before anything is written: a document whose sync failed must recover first. */
    private void checkHealthy() throws StorageException {
        if (failed != null && !recover()) {
            throw new StorageException(StorageException.Code.NOT_WRITTEN, "document \"" + name
                    + "\" failed to sync and takes no writes until its storage recovers", failed);
        }
    }

    /**
     * Recovery from a failed sync, without a restart. After a failed fsync, a later one that succeeds does not prove
     * that the records appended before it are on the disk (the kernel may have dropped the pages that failed to
     * write), so the log is not trusted: the document is written again whole, as a new snapshot of everything it
     * holds, synced, which replaces the snapshot and the log (compaction). None of the entries in doubt was
     * acknowledged or sent (only what is durable is), so nothing acknowledged is lost, and they are sent only once
     * the snapshot has made them durable.
     *
     * @return whether the document is healthy again (at once if it never failed)
     */
    synchronized boolean recover() {
        if (failed == null) {
            return true;
        }
        try {
            if (!compact()) {
                return false;   // a state that cannot be one payload: recovered only by a restart, from the log
            }
        } catch (IOException stillFailing) {
            return false;
        }
        failed = null;
        synced = appended;
        durableSeq = seq;
        durableHeld.putAll(held);
        return true;
    }

    /** Appends an entry whose delta's join into the state is {@code joined}, prepared and not applied yet. */
    private void append(CausalState<ORMap> delta, MutableState.Join joined, ReplicaId origin, byte[] encoded) throws IOException {
        checkHealthy();
        // Storage first: if the append fails, memory is unchanged and the write is refused whole.
        try {
            store.appendEntry(new DocumentStore.Entry(seq + 1, origin, encoded));
        } catch (StorageException e) {
            throw e;
        } catch (IOException e) {
            throw new StorageException(StorageException.Code.NOT_WRITTEN,
                    "document \"" + name + "\": the write could not be stored: " + e.getMessage(), e);
        }
        appended++;
        joined.apply();
        seq++;
        writtenSinceSync |= origin == null;
        log.put(seq, new LogEntry(delta, origin, encoded));
        logBytes += encoded.length;
        if (origin != null && acked.containsKey(origin)) {
            extendOverEchoes(origin);
        }
        collectGarbage();
    }

    /**
     * HY-SYNC-026: an entry that came from {@code neighbour} is in its state already, so it counts as held by it:
     * {@code acked}(neighbour) moves over every entry right after it that came from the neighbour. Garbage collection
     * then frees such entries without a message that would only tell the neighbour their numbers, and
     * {@link #reaches} lets an interval to it start below the log's start over them.
     */
    private void extendOverEchoes(ReplicaId neighbour) throws IOException {
        long to = acked.getOrDefault(neighbour, 0L);
        long from = to;
        while (Seq.before(to, seq)) {
            LogEntry next = log.get(to + 1);
            if (next == null || !neighbour.equals(next.origin())) {
                break;
            }
            to++;
        }
        if (to != from) {
            acked.put(neighbour, to);
            store.appendAcked(neighbour, to);
        }
    }

    /**
     * Whether an interval to {@code neighbour} can start after entry {@code after}: the log holds every entry after
     * it, or every entry it no longer holds is held by the neighbour (acknowledged by it, or come from it, HY-SYNC-027).
     */
    synchronized boolean reaches(long after, ReplicaId neighbour) {
        return !Seq.before(after, logStart) || !Seq.before(acknowledgedBy(neighbour), logStart);
    }

    private boolean everyoneHas(Map.Entry<Long, LogEntry> entry) {
        for (Map.Entry<ReplicaId, Long> a : acked.entrySet()) {
            if (Seq.before(a.getValue(), entry.getKey())) {
                return false;
            }
        }
        return true;
    }

    /**
     * A delta from {@code origin}'s log, up to {@code to}, that this replica refused: it is consumed all the same
     * (HY-SYNC-025), so that neither side sends it again.
     */
    synchronized void consume(ReplicaId origin, long to) throws IOException {
        if (Seq.after(to, held(origin))) {
            held.put(origin, to);
            store.appendHeld(origin, to);
            appended++;
        }
    }

    /**
     * Makes {@code neighbour} known to the document, so that garbage collection keeps what it has not acknowledged
     * yet. Without this, a replica whose neighbours had acknowledged nothing would drop every entry at once, and a
     * neighbour that comes back would get a difference where a short interval would do.
     */
    synchronized void know(ReplicaId neighbour) throws IOException {
        if (!acked.containsKey(neighbour)) {
            acked.put(neighbour, 0L);
            store.appendAcked(neighbour, 0);
            appended++;
            extendOverEchoes(neighbour);
        }
    }

    /** Records that {@code neighbour} acknowledged the log up to {@code to}, and drops what every neighbour has. */
    synchronized void acknowledged(ReplicaId neighbour, long to) throws IOException {
        if (Seq.after(to, acked.getOrDefault(neighbour, 0L))) {
            acked.put(neighbour, to);
            // Not synced on its own: an acknowledgement lost in a crash only means some deltas are sent again.
            store.appendAcked(neighbour, to);
            extendOverEchoes(neighbour);
            collectGarbage();
        }
    }

    /** Whether received deltas changed the state since the last call; the caller tells the listeners. */
    synchronized boolean takeChanged() {
        boolean changed = changedSinceSync;
        changedSinceSync = false;
        return changed;
    }

    /**
     * Garbage collection of the delta log: an entry goes once every neighbour that opened the document has
     * acknowledged it, or had it in the first place (entries that came from a neighbour count as acknowledged by it,
     * HY-SYNC-026); and the oldest entries go beyond the log's bounds (a neighbour that needs them gets a
     * difference).
     */
    private void collectGarbage() {
        while (!log.isEmpty() && (everyoneHas(log.firstEntry()) || log.size() > MAX_LOG_ENTRIES || logBytes > MAX_LOG_BYTES)) {
            Map.Entry<Long, LogEntry> first = log.pollFirstEntry();
            logBytes -= first.getValue().encoded().length;
            logStart = first.getKey();
        }
    }

    /**
     * Whether a neighbour that holds this log up to {@code after} lacks anything: a durable entry after it that did
     * not come from the neighbour itself, or entries the log no longer has. Entries that came from the neighbour
     * are not worth a message of their own; the next interval covers their numbers.
     */
    synchronized boolean hasNews(long after, ReplicaId neighbour) {
        if (!Seq.before(after, durableSeq)) {
            return false;
        }
        if (!reaches(after, neighbour)) {
            return true;
        }
        for (LogEntry entry : log.subMap(Seq.max(after, logStart), false, durableSeq, true).values()) {
            if (!neighbour.equals(entry.origin())) {
                return true;
            }
        }
        return false;
    }

    /**
     * The entries after {@code after}, up to {@code maxEntries} of them, joined; entries that came from
     * {@code skip} are left out (they would only go back where they came from). Null if the log no longer
     * reaches back to {@code after} ({@link #reaches}).
     *
     * <p>When the joined entries cannot be one payload, fewer are joined, down to one entry, which is sent as
     * the payload that carried it, as stored: that payload was within every limit when it was written or
     * received, and it holds at most one opaque version per key. It is also what HY-DATA-037 and HY-ENC-051 ask
     * of a value of unknown type: forwarded in the payload that carried it, byte for byte. So an interval can
     * always be sent while the log holds the entry after {@code after}.
     */
    synchronized Interval interval(long after, ReplicaId skip, int maxEntries) {
        if (!reaches(after, skip) || !Seq.before(after, durableSeq) || failed != null) {
            return null;
        }
        int limit = maxEntries;
        while (true) {
            MutableState joined = new MutableState();
            LogEntry single = null;
            long to = after;
            int taken = 0;
            // Below the log's start only entries that the receiver holds are missing (reaches): their numbers are
            // covered, their deltas left out, as the entries that came from it are (HY-SYNC-006, HY-SYNC-027).
            for (Map.Entry<Long, LogEntry> e : log.subMap(Seq.max(after, logStart), false, durableSeq, true).entrySet()) {
                if (taken == limit) {
                    break;
                }
                if (!skip.equals(e.getValue().origin())) {
                    joined.join(e.getValue().delta());
                    single = taken == 0 ? e.getValue() : null;
                }
                to = e.getKey();
                taken++;
            }
            if (taken == 1 && single != null) {
                return new Interval(after, to, single.encoded(), single.origin() != null, single.delta());
            }
            try {
                CausalState<ORMap> state = joined.state();
                return new Interval(after, to, Codec.encode(state), false, state);
            } catch (PayloadNotEncodableException notEncodable) {
                // Either refusal has the same remedy, fewer entries: a join too large for one payload
                // (PayloadTooLargeException), or a join of entries that carried different opaque versions of one
                // value of unknown type (SeveralOpaqueVersionsException), which only the payloads that carried
                // them may hold. One entry always goes, as stored, above.
                if (limit == 1) {
                    throw notEncodable;   // unreachable: at one entry only the empty state is encoded here
                }
                limit = Math.max(1, limit / 2);
            }
        }
    }

    /**
     * Makes everything appended so far durable; returns whether new entries became durable. Must not be called under
     * the document's lock, which the sync does not hold while it forces the log.
     */
    boolean sync() throws IOException {
        long target;
        boolean newEntries;
        synchronized (this) {
            newEntries = durableSeq != seq;   // before a recovery, which makes them durable too
            checkHealthy();
            target = appended;
        }
        commit(target);
        return newEntries;
    }

    /** How many records that need a sync were appended so far: what a write just appended waits for. */
    synchronized long appended() {
        return appended;
    }

    /**
     * The group commit: returns once the first {@code record} records appended are durable. If no thread is forcing
     * the log, this one does, for every record appended so far, outside the lock, so that other threads append in
     * the meantime; otherwise it waits for that force, and, if its records came after the force began, forces
     * the log next, for everything appended meanwhile. So writes from any number of threads, and every asynchronous
     * write waiting, share one sync.
     *
     * @throws StorageException {@code IN_DOUBT} if the sync that was to cover those records failed (or an earlier one
     *                          did and the document has not recovered): they are applied in memory, and may be on the
     *                          disk or not
     */
    void commit(long record) throws StorageException {
        long coveredBefore;
        long covered;
        long coveredSeq;
        Map<ReplicaId, Long> coveredHeld;
        boolean received;
        boolean written;
        synchronized (this) {
            while (true) {
                if (synced >= record) {
                    return;
                }
                if (failed != null) {
                    throw inDoubt(failed);
                }
                if (!syncing) {
                    break;
                }
                try {
                    wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new StorageException(StorageException.Code.IN_DOUBT, "document \"" + name
                            + "\": interrupted while waiting for the sync; the write is applied and may not be durable", e);
                }
            }
            syncing = true;
            coveredBefore = synced;
            covered = appended;
            coveredSeq = seq;
            coveredHeld = new TreeMap<>(held);
            received = changedSinceSync;
            written = writtenSinceSync;
            changedSinceSync = false;
            writtenSinceSync = false;
        }
        IOException error = null;
        try {
            store.sync();
        } catch (IOException e) {
            error = e;
        }
        List<Waiter> done = new ArrayList<>();
        synchronized (this) {
            syncing = false;
            if (error == null) {
                synced = covered;
                durableSeq = coveredSeq;
                durableHeld.putAll(coveredHeld);
                if (store.wantsCompaction()) {
                    try {
                        compact();
                    } catch (IOException e) {
                        // The data is durable in the log already; compaction is tried again at a later sync.
                    }
                }
                while (!waiters.isEmpty() && waiters.peekFirst().record() <= synced) {
                    done.add(waiters.pollFirst());
                }
            } else {
                failed = error;
                // Told once a recovery makes them durable.
                changedSinceSync |= received;
                writtenSinceSync |= written;
                done.addAll(waiters);
                waiters.clear();
            }
            notifyAll();
        }
        // Outside the lock: what a future runs on completion, and what the replica tells, take no lock of this document.
        StorageException failure = error == null ? null : inDoubt(error);
        for (Waiter waiter : done) {
            if (failure == null) {
                waiter.durable().complete(null);
            } else {
                waiter.durable().completeExceptionally(failure);
            }
        }
        if (failure != null) {
            throw failure;
        }
        if (covered != coveredBefore) {
            onDurable.durable(received, written);
        }
    }

    /**
     * A future completed once the first {@code record} records are durable, or failed with {@code IN_DOUBT} if the
     * sync that was to cover them fails. Some thread must sync ({@link #sync}, or {@link #commit}) for it to complete.
     */
    synchronized java.util.concurrent.CompletableFuture<Void> whenDurable(long record) {
        java.util.concurrent.CompletableFuture<Void> durable = new java.util.concurrent.CompletableFuture<>();
        if (synced >= record) {
            durable.complete(null);
        } else if (failed != null) {
            durable.completeExceptionally(inDoubt(failed));
        } else {
            waiters.addLast(new Waiter(record, durable));
        }
        return durable;
    }

    /** Whether asynchronous writes wait for a sync. */
    synchronized boolean awaited() {
        return !waiters.isEmpty();
    }

    private StorageException inDoubt(IOException cause) {
        return new StorageException(StorageException.Code.IN_DOUBT,
                "document \"" + name + "\": what was written since its last sync could not be made durable: " + cause.getMessage(), cause);
    }

    /** Whether local writes became durable since the last call; the caller tells the listeners. */
    synchronized boolean takeWritten() {
        boolean written = writtenSinceSync;
        writtenSinceSync = false;
        return written;
    }

    /** Test seam: compacts now, as a sync does once the log is long enough; false if the state cannot be one payload. */
    synchronized boolean compactNow() throws IOException {
        return compact();
    }

    /** Writes the document whole as a new snapshot; false if its state cannot be one payload. */
    private boolean compact() throws IOException {
        List<DocumentStore.Entry> entries = new ArrayList<>();
        log.forEach((n, e) -> entries.add(new DocumentStore.Entry(n, e.origin(), e.encoded())));
        byte[] snapshot;
        try {
            snapshot = Codec.encode(state.state());
        } catch (PayloadNotEncodableException notEncodable) {
            // A state that cannot be one payload cannot be a snapshot: the log keeps it instead, and nothing is
            // lost. Either it is beyond a limit (PayloadTooLargeException), or it holds several opaque versions of
            // a value of unknown type (SeveralOpaqueVersionsException), which exist only as the payloads that
            // carried them, in the log. Compaction is tried again at later syncs, and succeeds once the state can
            // be encoded again, such as when a write of a peer that knows the type replaces the versions.
            return false;
        }
        store.compact(new DocumentStore.Contents(snapshot, seq, logStart, entries, held, acked));
        return true;
    }

    /** What opening the document's log found. */
    dev.hyphae.store.RecordLog.Recovery recovery() {
        return store.recovery();
    }

    synchronized void close() throws IOException {
        store.close();
    }

    /** The replica that writes this document's local entries. */
    ReplicaId self() {
        return self;
    }
}
