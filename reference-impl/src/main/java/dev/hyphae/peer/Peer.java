package dev.hyphae.peer;

import dev.hyphae.ProtocolException;
import dev.hyphae.crdt.CausalState;
import dev.hyphae.crdt.HybridLogicalClock;
import dev.hyphae.crdt.ORMap;
import dev.hyphae.data.CausalContext;
import dev.hyphae.data.Value;
import dev.hyphae.handshake.AccessPolicy;
import dev.hyphae.handshake.Certificate;
import dev.hyphae.handshake.HyphaeHandshake;
import dev.hyphae.handshake.TrustStore;
import dev.hyphae.noise.KeyPair;
import dev.hyphae.sync.Replica;
import dev.hyphae.session.Session;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import java.util.function.UnaryOperator;

/**
 * A Hyphae peer: documents on durable storage in one folder, kept in sync with neighbours over TCP. This is the
 * embedding API; an application reads and writes plain values through {@link Document} and never handles deltas.
 *
 * <pre>{@code
 * try (Peer peer = Peer.open(new Peer.Config(Path.of("data"), key, null, trust, policy))) {
 *     peer.listen(new InetSocketAddress(7420));
 *     Document plant = peer.document("plant-7");
 *     plant.map().counter("kwh").increment(3);
 *     plant.map().register("firmware").set("1.4.2");
 *     plant.onChange(doc -> System.out.println(doc.map().register("firmware").get()));
 * }
 * }</pre>
 *
 * Every write returns once it is on stable storage. Writes on different peers that are concurrent merge as the
 * types define; nothing needs resolving by hand.
 */
public final class Peer implements Closeable {

    /**
     * How a peer is set up.
     *
     * @param directory   the folder of its documents, created if absent
     * @param staticKey   its Noise static key: its identity on the network
     * @param certificate a certificate of its key by an organisation, or null
     * @param trust       whom it trusts to connect
     * @param policy      what each trusted peer may read and write
     * @param deflate     whether it offers and selects the capability {@code deflate}, compressing Delta payloads on
     *                    sessions where both sides allow it; turn it off where the chapter "Security", section
     *                    "Compression", says it must be off
     * @param admission   the budgets of connections whose handshake is in progress, and the handshake's deadline
     * @param maxSessions the most sessions the peer holds at once, accepted and connected together (HY-SEC-015, HY-SEC-016): a
     *                    handshake that completes beyond it is answered with {@code LIMIT_EXCEEDED}, and a
     *                    {@link #connect} beyond it fails; at least 1
     */
    public record Config(Path directory, KeyPair staticKey, Certificate certificate, TrustStore trust, AccessPolicy policy,
                         boolean deflate, Admission.Limits admission, int maxSessions) {
        public Config {
            java.util.Objects.requireNonNull(admission, "admission");
            if (maxSessions < 1) {
                throw new IllegalArgumentException("a cap of sessions is at least 1: " + maxSessions);
            }
        }

        /** A configuration with the default cap of sessions ({@link #MAX_SESSIONS}). */
        public Config(Path directory, KeyPair staticKey, Certificate certificate, TrustStore trust, AccessPolicy policy,
                      boolean deflate, Admission.Limits admission) {
            this(directory, staticKey, certificate, trust, policy, deflate, admission, MAX_SESSIONS);
        }

        /** A configuration with the default admission limits. */
        public Config(Path directory, KeyPair staticKey, Certificate certificate, TrustStore trust, AccessPolicy policy,
                      boolean deflate) {
            this(directory, staticKey, certificate, trust, policy, deflate, Admission.Limits.DEFAULT);
        }

        /** A configuration that offers and selects compression, with the default admission limits. */
        public Config(Path directory, KeyPair staticKey, Certificate certificate, TrustStore trust, AccessPolicy policy) {
            this(directory, staticKey, certificate, trust, policy, true);
        }
    }

    /**
     * The default cap of sessions. What one session may hold is bounded ({@link Link}, {@link Session}); the cap
     * bounds their sum, and the file descriptors: one a session.
     */
    public static final int MAX_SESSIONS = 4096;

    private final Config config;
    private final Replica replica;
    private final SecureRandom random = new SecureRandom();
    private final HybridLogicalClock clock = HybridLogicalClock.system();
    private final Session.Options options;
    /** Every link of this peer, from its connection to its end: handshakes in progress too. */
    private final Set<Link> links = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final List<ServerSocketChannel> servers = new CopyOnWriteArrayList<>();
    /** How many sessions this peer holds now, against {@link Config#maxSessions()}. */
    private final java.util.concurrent.atomic.AtomicInteger sessions = new java.util.concurrent.atomic.AtomicInteger();
    /** The engine, taken on the first listen or connect. */
    private Engine engine;
    private volatile boolean closed;
    private final List<BiConsumer<String, Boolean>> listeners = new CopyOnWriteArrayList<>();
    /** Who may hold a handshake in progress (HY-SEC-009 to HY-SEC-014); handles are the links accepted. */
    private final Admission<Link> admission;
    /** Whether the folder was opened read-only: then the peer neither listens nor connects. */
    private final boolean readOnly;
    /**
     * Test seam: told, on the worker that runs a responder's handshake, of each point it reaches: "authenticated"
     * (the handshake completed, its budget not yet released), "admitted" (released, before any session work),
     * "session" (its session started), "ended" (its handshake's work is done). Tests block it there to order events;
     * never set outside tests.
     */
    volatile java.util.function.Consumer<String> handshakeProbe = point -> { };

    private Peer(Config config, Replica replica, Session.Options options, boolean readOnly) {
        this.config = config;
        this.replica = replica;
        this.options = options;
        this.readOnly = readOnly;
        this.admission = new Admission<>(config.admission());
    }

    /** Opens the peer's folder, recovering every document from storage. */
    public static Peer open(Config config) throws IOException {
        return new Peer(config, Replica.open(config.directory(), new SecureRandom()), sessionOptions(), false);
    }

    /** Test seam: opens the peer as {@link #open(Config)} does, with its sessions run by {@code options}. */
    static Peer open(Config config, Session.Options options) throws IOException {
        return new Peer(config, Replica.open(config.directory(), new SecureRandom()), options, false);
    }

    /**
     * Opens the peer's folder to read it, changing nothing in it, so that a folder this process may not write can be
     * read; a folder in use by a running peer is refused. Every write fails with {@link WriteFailedException}
     * ({@code NOT_WRITTEN}). It neither listens nor connects ({@link IllegalStateException}): a session would record
     * its neighbour's replica id in the folder, and a neighbour's writes could only be refused.
     */
    public static Peer openReadOnly(Config config) throws IOException {
        return new Peer(config, Replica.openReadOnly(config.directory(), new SecureRandom()), sessionOptions(), true);
    }

    /**
     * How many documents a session opens of this peer's own accord: half of the documents a session holds
     * (HY-SESS-155). An application that asks for more on one connection sees the rest left out.
     */
    public static int documentsOpenedPerSession() {
        return sessionOptions().maxDocuments() / 2;
    }

    /**
     * The options of every session: the defaults, except that the system property {@code hyphae.maxDocuments} may
     * lower the documents on one session below {@code MAX_DOCUMENTS}, so that tests with real processes reach the
     * limit with a handful of documents. It never raises it.
     */
    private static Session.Options sessionOptions() {
        Session.Options d = Session.Options.DEFAULT;
        int max = Integer.getInteger("hyphae.maxDocuments", d.maxDocuments());
        if (max < 2) {
            // Half of one is nothing: a side could open no document of its own accord (HY-SESS-155).
            throw new IllegalArgumentException("hyphae.maxDocuments is at least 2: " + max);
        }
        return max == d.maxDocuments() ? d : new Session.Options(d.window(), d.keepaliveMillis(), d.idleTimeoutMillis(), max, d.deflate());
    }

    private void checkNetworking() {
        if (readOnly) {
            throw new IllegalStateException(config.directory() + " was opened read-only: the peer neither listens nor connects");
        }
    }

    /** The document named {@code name}: created, empty, on its first write. */
    public Document document(String name) {
        return new Document(this, name);
    }

    /** The names of the documents this peer holds. */
    public Set<String> documents() {
        return replica.documents();
    }

    /** What recovery found when the peer opened: a line per document whose log had a torn tail. */
    public List<String> recoveryReports() {
        return replica.recoveryReports();
    }

    /** Listens for neighbours on {@code address}; returns the address bound (useful with port 0). */
    public InetSocketAddress listen(InetSocketAddress address) throws IOException {
        checkNetworking();
        ServerSocketChannel server = engine().listen(address, this::accepted);
        servers.add(server);
        return (InetSocketAddress) server.getLocalAddress();
    }

    /** On the selector thread: a connection was accepted. */
    private Link accepted(SocketChannel channel) throws IOException {
        if (closed) {
            return null;
        }
        Link link = Link.responder(this, engine);
        InetSocketAddress remote = (InetSocketAddress) channel.getRemoteAddress();
        // HY-SEC-009 to HY-SEC-014: the newcomer is admitted; at a budget, another handshake makes room, unless the
        // newcomer's source is past its rate (HY-SEC-018), which refuses the newcomer instead.
        for (Link dropped : admission.admit(link, remote.getAddress(), System.nanoTime())) {
            if (dropped == link) {
                return null;
            }
            dropped.forceClose();
        }
        links.add(link);
        return link;
    }

    /** A responder's handshake accepted the initiator's first message: progress, for admission. */
    void progressed(Link link) {
        admission.progressed(link);
    }

    /**
     * A responder's handshake completed. HY-SEC-012: its budget is released now, before the session's document work,
     * which waits on the replica. Releasing is the commit point: a connection dropped to admit a newcomer before it
     * gets here is not released, and starts no session.
     */
    boolean committed(Link link) {
        handshakeProbe.accept("authenticated");
        boolean kept = admission.release(link);
        if (kept) {
            handshakeProbe.accept("admitted");
        }
        return kept;
    }

    /** A responder's session started. */
    void sessionStarted(Link link) {
        handshakeProbe.accept("session");
    }

    /** A responder's handshake work is over, whatever became of it; a link that failed gives its budget back. */
    void handshakeEnded(Link link) {
        admission.release(link);
        handshakeProbe.accept("ended");
    }

    /** Takes a place for a session under the cap (HY-SEC-015); false at the cap. */
    boolean takeSessionSlot() {
        while (true) {
            int now = sessions.get();
            if (now >= config.maxSessions()) {
                return false;
            }
            if (sessions.compareAndSet(now, now + 1)) {
                return true;
            }
        }
    }

    /** A link has ended; {@code heldSession} if it held a place under the cap. */
    void linkEnded(Link link, boolean heldSession) {
        if (heldSession) {
            sessions.decrementAndGet();
        }
        links.remove(link);
    }

    /** The cap of sessions. */
    int maxSessions() {
        return config.maxSessions();
    }

    /**
     * Connects to the neighbour at {@code address} and synchronises every document this peer holds that the
     * neighbour may read, and the documents in {@code documents}, until the connection ends. Returns once the
     * handshake has completed and the session started.
     *
     * @throws IOException when the connection fails or the handshake does not complete within its deadline, or when
     *                     the peer holds as many sessions as its cap allows
     */
    public Connection connect(InetSocketAddress address, Collection<String> documents) throws IOException, ProtocolException {
        return connect(address, documents, null);
    }

    /**
     * As {@link #connect(InetSocketAddress, Collection)}, from the local address {@code from} (a port the system
     * chooses), or from whichever address the system chooses if null: for a host with several addresses, and for
     * tests and benchmarks that stand for many hosts on one machine's loopback addresses.
     */
    public Connection connect(InetSocketAddress address, Collection<String> documents, InetAddress from)
            throws IOException, ProtocolException {
        checkNetworking();
        if (sessions.get() >= config.maxSessions()) {
            throw new IOException("this peer holds " + config.maxSessions() + " sessions, its cap");
        }
        Link link = Link.initiator(this, engine(), documents);
        links.add(link);
        engine.connect(link, address, from);
        try {
            link.awaitEstablished();
        } catch (IOException | ProtocolException | RuntimeException e) {
            links.remove(link);
            throw e;
        }
        return link;
    }

    /** The connections open now, made by this peer or accepted, whose sessions have started. */
    public List<Connection> connections() {
        List<Connection> open = new ArrayList<>();
        for (Link link : links) {
            if (link.hasSession() && !link.ended()) {
                open.add(link);
            }
        }
        return open;
    }

    private synchronized Engine engine() throws IOException {
        if (closed) {
            throw new IllegalStateException("the peer is closed");
        }
        if (engine == null) {
            engine = Engine.acquire();
        }
        return engine;
    }

    /** Calls {@code listener} with a document's name, and whether the change was local, after every change. */
    public void onChange(BiConsumer<String, Boolean> listener) {
        synchronized (listeners) {
            if (listeners.isEmpty()) {
                // Registered with the replica only once someone listens: until then a write hands the replica's
                // listener thread no task (one that would tell no one, and cost the writer a thread's wake-up).
                replica.addChangeListener((document, local) -> listeners.forEach(l -> l.accept(document, local)));
            }
            listeners.add(listener);
        }
    }

    CausalState<ORMap> state(String document) {
        return replica.state(document);
    }

    /** The causal context of {@code document}, without building its state. */
    CausalContext context(String document) {
        return replica.context(document);
    }

    /** The entries under {@code key} of the root map of {@code document}, with its whole context. */
    CausalState<ORMap> entriesUnder(String document, Value key) {
        return replica.entriesUnder(document, key);
    }

    /** A write to the entries under {@code key} of the root map of {@code document} ({@link Replica#write(String, Value, UnaryOperator)}). */
    CausalState<ORMap> write(String document, Value key, UnaryOperator<CausalState<ORMap>> mutator) {
        try {
            return replica.write(document, key, mutator);
        } catch (IOException e) {
            // A storage failure refuses this write and nothing else (an IOException that is not a StorageException
            // counts as in doubt, the cautious reading).
            throw new WriteFailedException("the write could not be made durable: " + e.getMessage(), e);
        }
    }

    /**
     * A batch of writes to {@code document} ({@link Replica#batch}), made through a {@link MapHandle} of its root map:
     * the future fails with a {@link WriteFailedException} that carries the storage's code, for the whole batch.
     */
    CompletableFuture<Void> batch(Document document, java.util.function.Consumer<MapHandle> writes) {
        return durableOrFailed(replica.batch(document.name(), batch -> writes.accept(new MapHandle(document, List.of(), batch))),
                "the batch could not be made durable: ");
    }

    /**
     * Returns once everything written to this peer before the call is durable: the batches whose futures have not
     * completed yet, and what neighbours sent. Blocking writes need none: they return durable.
     *
     * @throws WriteFailedException {@code IN_DOUBT} if a document's sync failed
     */
    public void flush() {
        try {
            replica.flush();
        } catch (IOException e) {
            throw new WriteFailedException("what was written could not be made durable: " + e.getMessage(), e);
        }
    }

    /**
     * As {@link #flush()}, without blocking: the future completes once everything written before the call is durable,
     * or fails with a {@link WriteFailedException}.
     */
    public CompletableFuture<Void> flushAsync() {
        return durableOrFailed(replica.flushAsync(), "what was written could not be made durable: ");
    }

    /**
     * A future that completes when {@code sync} does, failing with a {@link WriteFailedException} that carries the
     * storage's code where {@code sync} failed for the storage, and with the cause itself otherwise.
     */
    private static CompletableFuture<Void> durableOrFailed(CompletableFuture<?> sync, String failedToSync) {
        CompletableFuture<Void> durable = new CompletableFuture<>();
        sync.whenComplete((ignored, failure) -> {
            if (failure == null) {
                durable.complete(null);
            } else {
                Throwable cause = failure instanceof java.util.concurrent.CompletionException ? failure.getCause() : failure;
                durable.completeExceptionally(cause instanceof IOException io
                        ? new WriteFailedException(failedToSync + io.getMessage(), io) : cause);
            }
        });
        return durable;
    }

    long nextTimestamp(long floor) {
        synchronized (clock) {
            return clock.next(floor);
        }
    }

    Replica replica() {
        return replica;
    }

    HyphaeHandshake.Credentials credentials() {
        return new HyphaeHandshake.Credentials(config.staticKey(), config.certificate(), config.trust(), System::currentTimeMillis);
    }

    /** How many handshakes are counted against the admission budgets now: for the tests. */
    int handshakesInProgress() {
        return admission.pending();
    }

    /** How long a whole handshake may take, from the connection (HY-SEC-008). */
    long handshakeDeadlineMillis() {
        return config.admission().handshakeDeadlineMillis();
    }

    AccessPolicy policy() {
        return config.policy();
    }

    Session.Options options() {
        return options;
    }

    boolean deflate() {
        return config.deflate();
    }

    SecureRandom random() {
        return random;
    }

    long now() {
        return System.currentTimeMillis();
    }

    /** Closes every link and listener, then the documents. */
    @Override
    public void close() throws IOException {
        Engine running;
        synchronized (this) {
            closed = true;
            running = engine;
        }
        if (running != null) {
            for (ServerSocketChannel server : servers) {
                running.stopListening(server);
            }
            List<Link> open = new ArrayList<>(links);
            for (Link link : open) {
                link.close();
            }
            for (Link link : open) {
                try {
                    if (!link.awaitEnd(2000)) {
                        link.forceClose();   // a neighbour that does not read does not hold the close up
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            // A handshake that completed while closing added its link after the list was taken.
            for (Link link : new ArrayList<>(links)) {
                link.forceClose();
            }
            for (Link link : new ArrayList<>(links)) {
                try {
                    link.awaitEnd(2000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            running.release();
        }
        replica.close();
    }
}
