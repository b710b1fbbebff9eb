package dev.hyphae.session;

import dev.hyphae.ErrorCode;
import dev.hyphae.ProtocolException;
import dev.hyphae.data.ReplicaId;
import dev.hyphae.handshake.AccessPolicy;
import dev.hyphae.handshake.AccessPolicy.Right;
import dev.hyphae.handshake.TrustStore;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One session with one neighbour (specification, chapter "Session"), as a state machine without threads or
 * clocks of its own: the caller hands it each message received, the time, and a moment to flush; it hands the
 * caller the messages to send through its {@link Outbox}. It keeps the channel table, enforces rights and the
 * window, answers pings and ends the session when it falls silent; what to send of a document and what a received
 * delta does are the sync layer's, through a {@link DocumentSync} per document. The same class runs over TCP in
 * the reference peer and over the simulated network of the tests.
 *
 * <p>Errors have three scopes. A delta that cannot be applied (malformed, or a write without the right) is
 * refused with a SessionError naming it, and nothing else changes. A document that cannot be opened is refused
 * with a SessionError naming its channel, or closed. Anything that breaks the session's rules ends the session
 * with a SessionError of channel 0. In every case the other sessions and documents carry on.
 *
 * <p>Why this class is some 700 lines: it is the session's whole public surface for its driver (a dozen entry
 * points, each taking the lock and each a no-op once the session has ended), the dispatch of the nine messages,
 * and the handlers that decide whether a document is on the session at all (Open, and the session and channel
 * scopes of SessionError and Close), which share the session's state and read best in one place, in the order
 * of the chapter. What concerns one document already on the session is in {@link Channel}, the channel numbers
 * are in {@link ChannelTable}, keepalive is in {@link Keepalive}, and when a document closed for storage is tried
 * again is in {@link StorageRetry}.
 */
public final class Session {

    /** Where a session's messages go. */
    public interface Outbox {
        /** Sends one message, in order. */
        void send(SessionMessage message);

        /** Ends the session's transport, after the messages sent so far. Called once. */
        void end();

        /**
         * Whether the transport has enough waiting to be sent: deltas are held back until it calls
         * {@link Session#resume()}. Control messages (acknowledgements, errors, pongs) are always sent.
         */
        default boolean congested() {
            return false;
        }

        /**
         * Runs {@code work} soon, in order with the rest of this session's work, on whatever runs it: a session hands
         * the news of a changed document ({@link Session#documentChanged}) here, so that the thread that tells every
         * session of a write hands each its work (choosing, encoding and compressing its delta) rather than doing all
         * of it in turn. By default at once, on the caller's thread.
         */
        default void schedule(Runnable work) {
            work.run();
        }
    }

    /**
     * How this side runs the session.
     *
     * @param window            how many unacknowledged deltas this side accepts per document
     * @param keepaliveMillis   a Ping is sent after this long without sending anything ({@code KEEPALIVE_INTERVAL})
     * @param idleTimeoutMillis the session ends after this long without receiving anything ({@code IDLE_INTERVAL})
     * @param maxDocuments      how many documents may be open on the session
     * @param deflate           whether compression is in force on the session: its handshake selected the capability
     *                          {@code deflate} (HY-COMP-001); both sides of a session must agree on it
     * @param ackDelayMillis    how long the acknowledgement of what arrived may wait for more, so that one sync of
     *                          storage covers it all (HY-SYNC-023 allows at most {@code ACK_DELAY}; tests set more, to
     *                          judge by order what a clock could not); 0 acknowledges after every burst. Whoever
     *                          drives the session keeps the time: see {@link Session#acknowledgementPressing}
     */
    public record Options(int window, long keepaliveMillis, long idleTimeoutMillis, int maxDocuments, boolean deflate,
                          long ackDelayMillis) {
        /**
         * The reference implementation's window, and the defaults of the specification; no compression, which only a
         * handshake can put in force.
         */
        public static final Options DEFAULT = new Options(32, SessionLimits.KEEPALIVE_INTERVAL.toMillis(),
                SessionLimits.IDLE_INTERVAL.toMillis(), SessionLimits.MAX_DOCUMENTS);

        /** Options without compression, acknowledging after at most {@code ACK_DELAY}. */
        public Options(int window, long keepaliveMillis, long idleTimeoutMillis, int maxDocuments) {
            this(window, keepaliveMillis, idleTimeoutMillis, maxDocuments, false);
        }

        /** Options acknowledging after at most {@code ACK_DELAY}. */
        public Options(int window, long keepaliveMillis, long idleTimeoutMillis, int maxDocuments, boolean deflate) {
            this(window, keepaliveMillis, idleTimeoutMillis, maxDocuments, deflate, SessionLimits.ACK_DELAY.toMillis());
        }

        /** These options, with compression in force or not. */
        public Options withDeflate(boolean inForce) {
            return new Options(window, keepaliveMillis, idleTimeoutMillis, maxDocuments, inForce, ackDelayMillis);
        }

        /** These options, with acknowledgements held back for at most {@code millis}. */
        public Options withAckDelay(long millis) {
            return new Options(window, keepaliveMillis, idleTimeoutMillis, maxDocuments, deflate, millis);
        }

        public Options {
            if (window < 1 || window > SessionLimits.MAX_WINDOW || keepaliveMillis < 1 || idleTimeoutMillis <= keepaliveMillis
                    || maxDocuments < 1 || maxDocuments > SessionLimits.MAX_DOCUMENTS || ackDelayMillis < 0) {
                throw new IllegalArgumentException("bad session options");
            }
        }
    }

    private final SyncLayer layer;
    /**
     * The session's own lock: every entry point holds it, and a document's lock is taken under it, never the other
     * way round. Sessions do not share a lock, so that one session applying a delta delays no other session, and no
     * write, of another document.
     */
    private final ReentrantLock lock = new ReentrantLock();
    /**
     * Documents with news not handled yet, each at most once (in {@link #changedSet} too): handled by whoever holds
     * the lock next. However many writes come before the session's task runs, it holds one entry a document.
     */
    private final Queue<String> changed = new ConcurrentLinkedQueue<>();
    private final Set<String> changedSet = ConcurrentHashMap.newKeySet();
    /** Whether a task to handle {@link #changed} is scheduled and not yet started: at most one is. */
    private final AtomicBoolean newsScheduled = new AtomicBoolean();
    private final TrustStore.Identity remoteIdentity;
    private final AccessPolicy policy;
    private final Options options;
    private final Outbox outbox;
    private final Keepalive keepalive;
    private final DeltaCompression compression;
    private final ChannelTable channels = new ChannelTable();
    private final SessionTables sessionTables = new SessionTables();
    private final List<String> events = new ArrayList<>();
    private final StorageRetry storageRetry = new StorageRetry();
    private final Channel.Wire wire = new Channel.Wire() {
        @Override
        public void send(SessionMessage message) {
            Session.this.send(message);
        }

        @Override
        public boolean congested() {
            return outbox.congested();
        }

        @Override
        public void event(String event) {
            Session.this.event(event);
        }
    };
    /**
     * The documents that this side opened of its own accord on the session, with an Open that answers none of the
     * peer's: at most half of {@link Options#maxDocuments()} (HY-SESS-155), so that the peer's own Opens always find
     * room, however theirs and this side's cross.
     */
    private final Set<String> ownOpens = new java.util.HashSet<>();
    /**
     * The documents on the session (HY-SESS-033): every document of which either side sent an Open that was not
     * refused for want of a right, whatever became of it since (answered with a Close under HY-SESS-060, closed for
     * storage, closed by either side). Closing takes nothing off the session, so each counts toward
     * {@link Options#maxDocuments()} until the session ends, and either side may open it again at any time: this side's
     * own Open of one takes nothing of its half (HY-SESS-155 bounds documents not on the session).
     */
    private final Set<String> onSession = new java.util.HashSet<>();
    /** How long nothing must have been received before a session ends in order for documents it could not open. */
    static final long QUIET_BEFORE_ORDERLY_END_MILLIS = 500;
    /**
     * The documents that this side could not open on the session, its half being full (HY-SESS-155), and that the
     * peer has not opened since: once everything on the session is in step, they end it in order (HY-SESS-157).
     */
    private final Set<String> waiting = new java.util.TreeSet<>();
    /** Whether the session ended with a Close of the session with NO_ERROR, sent or received. */
    private boolean endedInOrder;
    private ReplicaId remoteReplica;
    /** The replica id of the peer's first Open, refused or not: every later Open must name it (HY-SESS-148). */
    private ReplicaId openedReplica;
    /** The replica id that the peer's key used in its last session, as it was before this one: null if none. */
    private final ReplicaId previousReplica;
    private long pingNonce;
    private boolean ended;

    /**
     * A session over {@code layer} with the peer whose handshake proved {@code remoteIdentity}, serving documents as
     * {@code policy} allows. The layer's owner keeps it, to tell it of changes ({@link #documentChanged}).
     */
    public Session(SyncLayer layer, TrustStore.Identity remoteIdentity, AccessPolicy policy, Options options, Outbox outbox) {
        this.layer = layer;
        this.remoteIdentity = remoteIdentity;
        this.policy = policy;
        this.options = options;
        this.outbox = outbox;
        this.keepalive = new Keepalive(options.keepaliveMillis(), options.idleTimeoutMillis());
        // The compressors of every session of the process come from one bounded pool (HY-COMP-019).
        this.compression = new DeltaCompression(options.deflate(), DeflaterPool.shared());
        this.previousReplica = layer.lastReplicaId(remoteIdentity.staticKey());
    }

    /**
     * Starts the session at time {@code now}: opens the documents in {@code also}, and every document this replica
     * holds that the peer may read, as far as this side's half of the session's documents allows (HY-SESS-155): first
     * those of which the peer, as it was in its last session, has not acknowledged every entry, then the others, each
     * in the order of their names (HY-SESS-156). The others are not on this session unless the peer opens them.
     */
    public void start(long now, Collection<String> also) throws IOException {
        lock.lock();
        try {
            keepalive.start(now);
            Set<String> names = new TreeSet<>();
            for (String name : layer.documents()) {
                if (grantFor(name) != Right.NONE) {
                    names.add(name);
                }
            }
            List<String> order = new ArrayList<>(new TreeSet<>(also));
            List<String> inStep = new ArrayList<>();
            for (String name : names) {
                if (also.contains(name)) {
                    continue;
                }
                (layer.acknowledgedWhole(name, previousReplica) ? inStep : order).add(name);
            }
            order.addAll(inStep);
            for (String name : order) {
                open(name);
            }
        } finally {
            unlock();
        }
    }

    /** Opens {@code document} on the session, unless it is open already. */
    public void open(String document) throws IOException {
        lock.lock();
        try {
            if (ended || channels.get(document) != null) {
                return;
            }
            boolean known = onSession.contains(document);
            if (!known && ownOpens.size() >= ownOpenLimit()) {
                // HY-SESS-155: the other half of the session is the peer's, for its own Opens; this document waits for
                // the peer to open it, or for a later session (HY-SESS-157).
                if (waiting.add(document) && !layer.acknowledgedWhole(document, neighbour())) {
                    // Told only of a document that the peer lacks: one in step waits unnoticed.
                    event("not opening \"" + document + "\": this side has opened " + ownOpens.size() + " documents on the session");
                }
                return;
            }
            if (!known && onSession.size() >= options.maxDocuments()) {
                if (waiting.add(document) && !layer.acknowledgedWhole(document, neighbour())) {
                    event("not opening \"" + document + "\": the session has " + options.maxDocuments() + " documents open");
                }
                return;
            }
            Channel c = channels.add(document, layer.open(document, sessionTables));
            if (!known) {
                onSession.add(document);
                ownOpens.add(document);
            }
            waiting.remove(document);
            sendOpen(c);
        } finally {
            unlock();
        }
    }

    /** Whether the session has ended. */
    public boolean ended() {
        lock.lock();
        try {
            return ended;
        } finally {
            unlock();
        }
    }

    /** What happened on the session that the application may want to know: refusals, in order. */
    public List<String> events() {
        lock.lock();
        try {
            return List.copyOf(events);
        } finally {
            unlock();
        }
    }

    /** When this session last received a message, in the time of the calls that delivered it. */
    public long lastReceived() {
        lock.lock();
        try {
            return keepalive.lastReceived();
        } finally {
            unlock();
        }
    }

    /** The peer's replica id, once its first Open has arrived. */
    public ReplicaId remoteReplica() {
        lock.lock();
        try {
            return remoteReplica;
        } finally {
            unlock();
        }
    }

    /**
     * Whether this session has nothing left to do for {@code document}: it is open both ways with nothing in
     * flight, to send or to acknowledge; or it was refused or closed; or it is not open here at all, because the peer
     * may not read it or it has nothing to send yet (any change opens it). A document that this side could not open,
     * its half of the session being full (HY-SESS-155), is idle only once the peer has acknowledged all of it.
     */
    public boolean idle(String document) {
        lock.lock();
        try {
            Channel c = channels.get(document);
            if (c != null) {
                return c.idle();
            }
            // Not on the session. A document that this side could not open, its half being full (HY-SESS-155), is in
            // step only if the peer has acknowledged all of it, here or on an earlier session: it is not in step merely
            // because it is not open. Any other is not open because the peer may not read it or this replica has had
            // nothing of it for this session (the peer may hold its entries from another neighbour), as before.
            return !waiting.contains(document) || onSession.contains(document) || grantFor(document) == Right.NONE
                    || !layer.holds(document) || layer.acknowledgedWhole(document, neighbour());
        } finally {
            unlock();
        }
    }

    /**
     * Whether every document on the session is in step while some document that this side could not open is not
     * (HY-SESS-157): then only a new session can bring it, and this one should end in order.
     */
    private boolean onlyWaitingLeft() {
        // Checked on a tick, after a quiet moment: the peer's deltas that follow its Opens have then arrived, so a
        // document on which only the peer has something to send is not taken for one in step.
        if (ended || waiting.isEmpty()) {
            return false;
        }
        for (Channel c : channels.all()) {
            if (!c.idle()) {
                return false;
            }
        }
        for (String document : waiting) {
            if (!onSession.contains(document) && layer.holds(document) && grantFor(document) != Right.NONE
                    && !layer.acknowledgedWhole(document, neighbour())) {
                return true;
            }
        }
        return false;
    }

    /** HY-SESS-157: ends the session in order once only documents that it could not open are left out of step. */
    private void endIfOnlyWaitingLeft() {
        if (onlyWaitingLeft()) {
            event("ending the session: every document on it is in step, and " + waiting.size()
                    + " more wait for a new session");
            send(new SessionMessage.Close(0, ErrorCode.NO_ERROR.value(), "more documents than one session holds"));
            endedInOrder = true;
            end();
        }
    }

    /** The peer's replica id on this session, or else the one of its last session: whose acknowledgements count. */
    private ReplicaId neighbour() {
        return remoteReplica != null ? remoteReplica : previousReplica;
    }

    /**
     * Whether the session ended in order: a Close of the whole session with NO_ERROR, sent or received. A side that
     * connects again at once after such an end of a session that {@link #brought} something loses nothing to the
     * back-off meant for failures (HY-SESS-157, HY-SESS-158).
     */
    public boolean endedInOrder() {
        lock.lock();
        try {
            return endedInOrder;
        } finally {
            unlock();
        }
    }

    /**
     * Whether the session brought something: the peer acknowledged a delta that this side sent on it, or this side
     * joined a delta that it received on it and that moved its state or its held position of the peer's log (a
     * duplicate brings nothing, HY-SESS-158). A session that ended in order without bringing anything is, for the
     * pause before the next one, an attempt that failed (HY-SESS-159): otherwise a peer that ends every session in
     * order at once would be reconnected to in a tight loop.
     */
    public boolean brought() {
        lock.lock();
        try {
            return channels.brought();
        } finally {
            unlock();
        }
    }

    /** Handles the bytes of one message, received at {@code now}: one that does not decode ends the session. */
    public void receive(byte[] message, long now) {
        lock.lock();
        try {
            if (ended) {
                return;
            }
            SessionMessage decoded;
            try {
                decoded = SessionCodec.decode(message);
            } catch (ProtocolException e) {
                keepalive.received(now);
                fail(e.code(), e.getMessage());
                return;
            }
            receive(decoded, now);
        } finally {
            unlock();
        }
    }

    /**
     * Handles one message from the peer, received at {@code now}. Everything this side must send in reply goes
     * to the outbox, except acknowledgements, which wait for {@link #flush()}.
     */
    public void receive(SessionMessage message, long now) {
        lock.lock();
        try {
            if (ended) {
                return;
            }
            keepalive.received(now);
            try {
                if (message instanceof SessionMessage.Open open) {
                    onOpen(open);
                } else if (message instanceof SessionMessage.Delta delta) {
                    onDelta(delta);
                } else if (message instanceof SessionMessage.Ack ack) {
                    onAck(ack);
                } else if (message instanceof SessionMessage.SessionError error) {
                    onSessionError(error);
                } else if (message instanceof SessionMessage.Ping ping) {
                    send(new SessionMessage.Pong(ping.nonce()));
                } else if (message instanceof SessionMessage.Close close) {
                    onClose(close);
                } else if (message instanceof SessionMessage.SummaryRequest request) {
                    onSummaryRequest(request);
                } else if (message instanceof SessionMessage.Summary summary) {
                    onSummary(summary);
                }
                // A Pong needs nothing more: receiving it has moved the idle timer.
            } catch (ProtocolException e) {
                fail(e.code(), e.getMessage());
            } catch (IOException e) {
                // HY-SYNC-060: storage that fails for a document closes that document, not the session.
                Channel c = channelOf(message);
                if (c != null) {
                    c.closeForStorage(wire);
                } else {
                    fail(ErrorCode.INTERNAL_ERROR, "storage: " + e.getMessage());
                }
            }
        } finally {
            unlock();
        }
    }

    /** The channel of this side that a message of the peer is about, or null. */
    private Channel channelOf(SessionMessage message) {
        long local = 0;
        if (message instanceof SessionMessage.Open open) {
            if (open.answers() == 0) {
                return open.document() == null ? null : channels.get(open.document());
            }
            local = open.answers();
        } else if (message instanceof SessionMessage.Delta delta) {
            local = delta.channel();
        } else if (message instanceof SessionMessage.Ack ack) {
            local = ack.channel();
        } else if (message instanceof SessionMessage.Summary summary) {
            local = summary.channel();
        }
        return local == 0 ? null : channels.byLocal(local);
    }

    /**
     * Whether the acknowledgement of what arrived may not wait for more (HY-SYNC-081): on some channel, the deltas
     * neither acknowledged nor refused have reached half this side's window, rounded up. Until then, whoever drives
     * the session may hold back its {@link #flush()} for up to {@link Options#ackDelayMillis()} (HY-SYNC-023), so
     * that a stream of small deltas costs one sync of storage per delay rather than one per delta; from then on the
     * sender is about to run out of window, and waiting would stall it.
     */
    public boolean acknowledgementPressing() {
        lock.lock();
        try {
            int half = (options.window() + 1) / 2;
            for (Channel c : channels.all()) {
                if (c.unacknowledged() >= half) {
                    return true;
                }
            }
            return false;
        } finally {
            unlock();
        }
    }

    /** How this side runs the session. */
    public Options options() {
        return options;
    }

    /**
     * Makes everything received durable, then acknowledges it. Acknowledging only after the sync is what makes an
     * acknowledgement a promise (durable acks); calling this once after a burst of messages syncs once for all.
     */
    public void flush() {
        lock.lock();
        try {
            if (ended) {
                return;
            }
            List<String> durable = new ArrayList<>();
            for (Channel c : channels.all()) {
                if (c.ackDue != 0 && !c.closed) {
                    try {
                        if (c.sync.sync()) {
                            durable.add(c.document);
                        }
                    } catch (IOException e) {
                        // Nothing of it is acknowledged; that document closes, the others carry on.
                        c.ackDue = 0;
                        c.closeForStorage(wire);
                    }
                }
            }
            for (Channel c : channels.all()) {
                try {
                    c.acknowledge(wire);
                } catch (IOException e) {
                    c.closeForStorage(wire);
                }
            }
            // Entries that just became durable may now travel on, to every neighbour (HY-SYNC-005).
            for (String document : durable) {
                layer.durable(document);
            }
        } finally {
            unlock();
        }
    }

    /** Keepalive, idle timeout and the retries of documents closed for storage, at time {@code now}. */
    public void tick(long now) {
        lock.lock();
        try {
            if (ended) {
                return;
            }
            switch (keepalive.tick(now)) {
                case TIME_OUT -> fail(ErrorCode.IDLE_TIMEOUT, "nothing received for " + (now - keepalive.lastReceived()) + " ms");
                case PING -> outbox.send(new SessionMessage.Ping(++pingNonce));
                case NOTHING -> { }
            }
            if (!ended) {
                retryStorage(now);
            }
            if (now - keepalive.lastReceived() >= QUIET_BEFORE_ORDERLY_END_MILLIS) {
                endIfOnlyWaitingLeft();
            }
        } finally {
            unlock();
        }
    }

    /**
     * HY-SESS-130: a document closed on this session because this side's storage failed for it is tried again on a
     * schedule, not only when something writes to it: a peer that only relays its neighbours' writes would otherwise
     * never serve it again. When a retry is due, the sync layer recovers the document if it can; then it is opened
     * again, anew, and every session learns that its entries in doubt are durable now.
     */
    private void retryStorage(long now) {
        for (Channel c : channels.all()) {
            // Closed for storage, or still open with nothing to send because the document's last sync failed.
            boolean waiting = c.closedForStorage || (!c.closed && c.sync.failed());
            if (channels.get(c.document) != c || !storageRetry.due(c.document, waiting, now)) {
                continue;
            }
            storageRetry.tried(c.document, now);
            if (!c.sync.recover()) {
                continue;
            }
            if (c.closed) {
                channels.forget(c);
                try {
                    if (grantFor(c.document) != Right.NONE) {
                        open(c.document);
                    }
                } catch (IOException e) {
                    event("could not open \"" + c.document + "\" again: " + e.getMessage());
                    continue;
                }
            }
            // What the recovery made durable may travel now, on every session.
            layer.durable(c.document);
        }
    }

    /** The transport has room again: every document sends what it held back. */
    public void resume() {
        lock.lock();
        try {
            if (ended) {
                return;
            }
            for (Channel c : channels.all()) {
                try {
                    c.pump(wire);
                } catch (IOException e) {
                    c.closeForStorage(wire);
                }
            }
        } finally {
            unlock();
        }
    }

    /**
     * The sync layer has something new of {@code document}: it is sent within the window, and a document that is
     * not open on this session yet is opened, if the peer may read it.
     */
    public void documentChanged(String document) {
        // Never waits on the lock: a writer or another session telling of news must not wait on this session's work
        // (a sync, or a delta of another document). Whoever holds the lock handles the news before releasing it.
        // Bounded whatever the rate of writes: one entry a document, one task pending a session.
        if (changedSet.add(document)) {
            changed.add(document);
        }
        if (newsScheduled.compareAndSet(false, true)) {
            outbox.schedule(this::drainScheduledNews);
        }
    }

    /** The scheduled task: news told after it starts schedules another. */
    private void drainScheduledNews() {
        newsScheduled.set(false);
        drainChanged();
    }

    /** Handles the news queued by {@link #documentChanged}, if no other thread holds the lock (which then does). */
    private void drainChanged() {
        if (lock.isHeldByCurrentThread()) {
            return;   // news told from within this session's own work waits until that work is done
        }
        while (!changed.isEmpty() && lock.tryLock()) {
            try {
                String document;
                while ((document = changed.poll()) != null) {
                    // Out of the set before it is handled, so that news told meanwhile is handled again after.
                    changedSet.remove(document);
                    onDocumentChanged(document);
                }
            } finally {
                lock.unlock();
            }
        }
    }

    /** Releases the lock, then handles the news that came while it was held. */
    private void unlock() {
        lock.unlock();
        drainChanged();
    }

    private void onDocumentChanged(String document) {
        if (ended) {
            return;
        }
        Channel c = channels.get(document);
        if (c != null && c.closedForStorage && !c.sync.failed()) {
            // HY-SESS-130: the storage that closed it serves the document again: it is opened again, anew.
            channels.forget(c);
            c = null;
        }
        try {
            if (c == null) {
                if (grantFor(document) != Right.NONE) {
                    open(document);
                }
            } else {
                c.pump(wire);
            }
        } catch (IOException e) {
            // HY-SESS-061: storage that fails for one document closes that document, never the session.
            Channel failed = channels.get(document);
            if (failed != null) {
                failed.closeForStorage(wire);
            } else {
                event("could not open \"" + document + "\": " + e.getMessage());
            }
        }
    }

    /**
     * Ends the session in an orderly way: what was received is made durable and acknowledged (an acknowledgement held
     * back by the ack delay would otherwise be lost), then a Close, then the end of the transport.
     */
    public void close(String detail) {
        flush();
        lock.lock();
        try {
            if (!ended) {
                send(new SessionMessage.Close(0, ErrorCode.NO_ERROR.value(), detail));
                endedInOrder = true;
                end();
            }
        } finally {
            unlock();
        }
    }

    /** Forgets the session without sending anything: its transport is gone. */
    public void abandon() {
        lock.lock();
        try {
            if (!ended) {
                ended = true;
                layer.ended(this);
                syncReceived();
                compression.close();
            }
        } finally {
            unlock();
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    private void onOpen(SessionMessage.Open open) throws ProtocolException, IOException {
        // HY-SESS-110: first of all, whatever becomes of the Open, so that the peer can predict the table.
        sessionTables.openReceived(open.replica());
        if (open.answers() != 0) {
            // HY-SESS-091: an answer names this side's Open, which names the document and this replica.
            Channel answered = channels.byLocal(open.answers());
            if (answered == null) {
                throw violation("an Open answers channel %d, which this side never opened", open.answers());
            }
            if (answered.closed) {
                return;   // HY-SESS-026: the document was closed here; the answer crossed the close
            }
            if (open.document() != null && !open.document().equals(answered.document)) {
                throw violation("an Open answers channel %d, of \"%s\", but names \"%s\"", open.answers(), answered.document,
                        open.document());
            }
            if (answered.remote != null) {
                // The peer has opened this document already: its Open, or the one this side's Open answered.
                throw violation("document \"%s\" is opened twice", answered.document);
            }
            open = open.resolved(answered.sentOpen);
        }
        if (open.replica().equals(layer.replicaId())) {
            throw violation("the peer's Open names this replica's own id");
        }
        // HY-SESS-032, HY-SESS-148: the first Open fixes the peer's replica id, even one that is then refused. (Binding
        // the id to the peer's key, HY-SESS-059, waits until the peer has shown a right: see below.)
        if (openedReplica == null) {
            openedReplica = open.replica();
        } else if (!openedReplica.equals(open.replica())) {
            throw violation("the peer's Opens name two replica ids, %s and %s", openedReplica, open.replica());
        }
        Channel c = channels.get(open.document());
        if (c != null && c.closed) {
            // Refused or closed before: the document may be opened again, under new channel numbers. Messages on
            // the old channel are still ignored.
            channels.forget(c);
            c = null;
        }
        if (c != null && c.remote != null) {
            throw violation("document \"%s\" is opened twice", open.document());
        }
        Right grant = grantFor(open.document());
        if (grant == Right.NONE) {
            // The peer learns nothing of the document, not even whether this replica holds it (HY-SESS-030).
            send(new SessionMessage.SessionError(open.channel(), 0, ErrorCode.ACCESS_DENIED.value(), "no access to this document"));
            if (c != null) {
                c.closed = true;
            }
            event("refused to open \"" + open.document() + "\": the peer has no right on it");
            return;
        }
        if (remoteReplica == null) {
            // HY-SESS-059: a replica id belongs to the static key that first used it, so that one peer cannot move
            // this replica's positions in another peer's log. Bound only once the peer has shown a right.
            if (!layer.claimReplicaId(remoteIdentity.staticKey(), open.replica())) {
                throw violation("replica id %s belongs to another peer", open.replica());
            }
            remoteReplica = open.replica();
        }
        if (!onSession.contains(open.document())) {
            // HY-SESS-033: a document not on the session comes on it, whatever becomes of the Open below, and stays.
            if (onSession.size() >= options.maxDocuments()) {
                throw ProtocolException.sessionError(ErrorCode.LIMIT_EXCEEDED, "more than %d documents open", options.maxDocuments());
            }
            onSession.add(open.document());
        }
        waiting.remove(open.document());
        if (c == null && grant != Right.WRITE && !layer.holds(open.document())) {
            // HY-SESS-060: a peer that may only read gets nothing from a document this replica does not hold, and
            // must not make it create one (readers could fill its disk). The document is closed on the session
            // until this replica has content, when it opens the document itself; it stays on the session.
            send(new SessionMessage.Close(open.channel(), ErrorCode.NO_ERROR.value(), "this peer does not hold the document"));
            return;
        }
        DocumentSync sync = null;
        try {
            sync = c != null ? c.sync : layer.open(open.document(), sessionTables);
            // HY-SESS-130: a document whose storage failed is recovered, if its storage serves it again, before
            // the peer's Open is refused.
            if (!sync.recover()) {
                throw new IOException("its storage failed");
            }
        } catch (IOException e) {
            // One document that storage cannot serve closes that document only, never the session.
            send(new SessionMessage.Close(open.channel(), ErrorCode.INTERNAL_ERROR.value(), "the document is not available"));
            if (c == null && sync != null) {
                c = channels.add(open.document(), sync);   // kept, closed, so that the retries of HY-SESS-130 find it
            }
            if (c != null) {
                c.closed = true;
                c.closedForStorage = true;
            }
            event("could not open \"" + open.document() + "\": " + e.getMessage());
            return;
        }
        if (c == null) {
            c = channels.add(open.document(), sync);
        }
        c.remote = open;
        c.grant = grant;
        if (!c.openSent) {
            sendOpen(c);
        }
        c.sync.opened(open, remoteReplica, c.sends());
        c.pump(wire);
    }

    private void onDelta(SessionMessage.Delta delta) throws ProtocolException, IOException {
        // HY-SESS-063: first of all, whatever becomes of the delta, so that the peer can predict the table.
        sessionTables.received(delta);
        Channel c = channels.named(delta.channel());
        if (c != null) {
            // HY-COMP-013: inflated first, whatever becomes of it, so that the stream stays in step with the sender's.
            SessionMessage.Delta inflated = compression.inflate(delta, this::openHere);
            if (delta.ack() != 0) {
                // HY-SESS-083: exactly an Ack of the same channel received just before the delta, checked as one
                // (HY-SESS-042), whatever becomes of the delta itself.
                c.onAck(wire, delta.ack());
            }
            if (!c.closed) {
                c.onDelta(wire, inflated, options.window());
            }
        }
    }

    private void onSummaryRequest(SessionMessage.SummaryRequest request) throws ProtocolException {
        Channel c = channels.named(request.channel());
        if (c != null) {
            c.onSummaryRequest(wire);
        }
    }

    private void onSummary(SessionMessage.Summary summary) throws ProtocolException, IOException {
        Channel c = channels.named(summary.channel());
        if (c != null) {
            c.onSummary(wire, summary.summary());
        }
    }

    private void onAck(SessionMessage.Ack ack) throws ProtocolException, IOException {
        Channel c = channels.named(ack.channel());
        if (c != null) {
            c.onAck(wire, ack.seq());
        }
    }

    private void onSessionError(SessionMessage.SessionError error) throws IOException {
        if (error.channel() == 0) {
            event("the peer ended the session: " + codeName(error.code()) + " " + error.detail());
            end();
            return;
        }
        Channel c = channels.byLocal(error.channel());
        if (c == null || c.closed) {
            return;
        }
        if (error.seq() == 0) {
            c.closed = true;
            if (c.remote == null) {
                // HY-SESS-033: a document that the peer refused, not having opened it itself, is not on the session.
                onSession.remove(c.document);
                ownOpens.remove(c.document);
            }
            event("the peer refused \"" + c.document + "\": " + codeName(error.code()) + " " + error.detail());
            return;
        }
        event("the peer refused a delta of \"" + c.document + "\": " + codeName(error.code()) + " " + error.detail());
        c.onRefused(wire, error.seq());
    }

    private void onClose(SessionMessage.Close close) {
        if (close.channel() == 0) {
            event("the peer closed the session: " + codeName(close.code()) + " " + close.detail());
            endedInOrder = close.code() == ErrorCode.NO_ERROR.value();
            end();
            return;
        }
        Channel c = channels.byLocal(close.channel());
        if (c != null && !c.closed) {
            c.closed = true;
            event("the peer closed \"" + c.document + "\": " + codeName(close.code()) + " " + close.detail());
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    private void sendOpen(Channel c) {
        ReplicaId known = remoteReplica != null ? remoteReplica : layer.lastReplicaId(remoteIdentity.staticKey());
        boolean metBefore = previousReplica != null && previousReplica.equals(known);
        sessionTables.openSent(layer.replicaId());
        c.sendOpen(wire, grantFor(c.document), layer.replicaId(), known, options.window(), metBefore);
    }

    /** How many documents this side may open of its own accord on the session: half of them (HY-SESS-155). */
    private int ownOpenLimit() {
        return Math.max(1, options.maxDocuments() / 2);
    }

    private Right grantFor(String document) {
        return policy.right(remoteIdentity, document);
    }

    private void send(SessionMessage message) {
        if (message instanceof SessionMessage.Delta delta) {
            sessionTables.sent(delta);
        }
        keepalive.sent();
        outbox.send(message instanceof SessionMessage.Delta delta ? compression.compress(delta, this::openThere) : message);
    }

    /** Whether this side's channel {@code local} is open: the stream of a closed one has ended (HY-COMP-003). */
    private boolean openHere(long local) {
        Channel c = channels.byLocal(local);
        return c != null && !c.closed;
    }

    /** Whether a channel that the peer numbered {@code remote} is open. */
    private boolean openThere(long remote) {
        for (Channel c : channels.all()) {
            if (c.remote != null && c.remote.channel() == remote && !c.closed) {
                return true;
            }
        }
        return false;
    }

    private void fail(ErrorCode code, String detail) {
        if (ended) {
            return;
        }
        event("ended the session: " + code + " " + detail);
        send(new SessionMessage.SessionError(0, 0, code.value(), detail));
        end();
    }

    private void end() {
        if (!ended) {
            ended = true;
            layer.ended(this);
            outbox.end();
            syncReceived();
            compression.close();
        }
    }

    /**
     * Makes durable what this session received, without acknowledging it: a session can end between a delta and
     * its flush, and what it received must then still travel on to the other neighbours.
     */
    private void syncReceived() {
        for (Channel c : channels.all()) {
            if (c.ackDue != 0 && layer.holds(c.document)) {
                try {
                    if (c.sync.sync()) {
                        layer.durable(c.document);
                    }
                } catch (IOException e) {
                    event("storage: " + e.getMessage());
                }
            }
        }
    }

    private void event(String event) {
        if (events.size() < 1000) {
            events.add(event);
        }
    }

    private static String codeName(int code) {
        ErrorCode known = ErrorCode.of(code);
        return known == null ? "error " + code : known.name();
    }

    private static ProtocolException violation(String format, Object... args) {
        return ProtocolException.sessionError(ErrorCode.PROTOCOL_VIOLATION, format, args);
    }
}
