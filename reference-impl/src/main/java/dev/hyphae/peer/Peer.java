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
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
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
     */
    public record Config(Path directory, KeyPair staticKey, Certificate certificate, TrustStore trust, AccessPolicy policy,
                         boolean deflate, Admission.Limits admission) {
        public Config {
            java.util.Objects.requireNonNull(admission, "admission");
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

    private final Config config;
    private final Replica replica;
    private final SecureRandom random = new SecureRandom();
    private final HybridLogicalClock clock = HybridLogicalClock.system();
    private final Session.Options options;
    private final List<Link> links = java.util.Collections.synchronizedList(new ArrayList<>());
    private final List<ServerSocket> servers = new CopyOnWriteArrayList<>();
    private final List<BiConsumer<String, Boolean>> listeners = new CopyOnWriteArrayList<>();
    /** Who may hold a handshake in progress (HY-SEC-009 to HY-SEC-014); handles are the accepted sockets. */
    private final Admission<Socket> admission;
    /** Whether the folder was opened read-only: then the peer neither listens nor connects. */
    private final boolean readOnly;
    /**
     * Test seam: told, on a responder's handshake thread, of each point it reaches: "authenticated" (the handshake
     * completed, its budget not yet released), "admitted" (released, before any session work), "session" (its
     * session started), "ended" (the thread is done). Tests block it there to order events; never set outside tests.
     */
    volatile java.util.function.Consumer<String> handshakeProbe = point -> { };
    private final java.util.concurrent.ScheduledExecutorService timer = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "hyphae-timer");
        t.setDaemon(true);
        return t;
    });

    private Peer(Config config, Replica replica, Session.Options options, boolean readOnly) {
        this.config = config;
        this.replica = replica;
        this.options = options;
        this.readOnly = readOnly;
        this.admission = new Admission<>(config.admission());
        replica.addChangeListener((document, local) -> listeners.forEach(l -> l.accept(document, local)));
    }

    /** Opens the peer's folder, recovering every document from storage. */
    public static Peer open(Config config) throws IOException {
        return new Peer(config, Replica.open(config.directory(), new SecureRandom()), Session.Options.DEFAULT, false);
    }

    /**
     * Opens the peer's folder to read it, changing nothing in it, so that a folder this process may not write can be
     * read; a folder in use by a running peer is refused. Every write fails with {@link WriteFailedException}
     * ({@code NOT_WRITTEN}). It neither listens nor connects ({@link IllegalStateException}): a session would record
     * its neighbour's replica id in the folder, and a neighbour's writes could only be refused.
     */
    public static Peer openReadOnly(Config config) throws IOException {
        return new Peer(config, Replica.openReadOnly(config.directory(), new SecureRandom()), Session.Options.DEFAULT, true);
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
        ServerSocket server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(address);
        servers.add(server);
        Thread acceptor = new Thread(() -> accept(server), "hyphae-accept-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
        return (InetSocketAddress) server.getLocalSocketAddress();
    }

    private void accept(ServerSocket server) {
        while (!server.isClosed()) {
            Socket socket;
            try {
                socket = server.accept();
            } catch (IOException e) {
                return;
            }
            // HY-SEC-009 to HY-SEC-014: the newcomer is admitted; at a budget, another handshake makes room.
            for (Socket dropped : admission.admit(socket, socket.getInetAddress(), System.nanoTime())) {
                try {
                    dropped.close();   // its handshake thread fails on the closed socket and ends
                } catch (IOException ignored) {
                    // Dropped either way.
                }
            }
            // The handshake runs on its own thread, so that a slow or silent client delays nobody else.
            Thread handshake = new Thread(() -> {
                try {
                    // HY-SEC-012: the budget is released once the handshake completes, before the session's document
                    // work, which waits on the replica. Releasing is the commit point: a connection dropped to admit
                    // a newcomer before it gets there is not released, and starts no session.
                    Link link = Link.respond(socket, this, () -> admission.progressed(socket), () -> {
                        handshakeProbe.accept("authenticated");
                        boolean kept = admission.release(socket);
                        if (kept) {
                            handshakeProbe.accept("admitted");
                        }
                        return kept;
                    });
                    links.removeIf(Link::ended);
                    links.add(link);
                    handshakeProbe.accept("session");
                } catch (IOException | ProtocolException | RuntimeException e) {
                    // The connection is closed; the refused client learned the code from the handshake.
                } finally {
                    admission.release(socket);
                    handshakeProbe.accept("ended");
                }
            }, "hyphae-handshake");
            handshake.setDaemon(true);
            handshake.start();
        }
    }

    /**
     * Connects to the neighbour at {@code address} and synchronises every document this peer holds that the
     * neighbour may read, and the documents in {@code documents}, until the connection ends.
     */
    public Connection connect(InetSocketAddress address, Collection<String> documents) throws IOException, ProtocolException {
        checkNetworking();
        Socket socket = new Socket();
        try {
            socket.connect(address, (int) Math.min(Integer.MAX_VALUE, config.admission().handshakeDeadlineMillis()));
        } catch (IOException e) {
            socket.close();
            throw e;
        }
        Link link = Link.initiate(socket, this, documents);
        links.removeIf(Link::ended);
        links.add(link);
        return link;
    }

    /** The connections open now, made by this peer or accepted. */
    public List<Connection> connections() {
        return List.copyOf(links());
    }

    private List<Link> links() {
        synchronized (links) {
            links.removeIf(Link::ended);
            return new ArrayList<>(links);
        }
    }

    /** Calls {@code listener} with a document's name, and whether the change was local, after every change. */
    public void onChange(BiConsumer<String, Boolean> listener) {
        listeners.add(listener);
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
     * A write as {@link #write}, made asynchronously ({@link Replica#writeAsync}): the future fails with a
     * {@link WriteFailedException} that carries the storage's code.
     */
    CompletableFuture<CausalState<ORMap>> writeAsync(String document, Value key, UnaryOperator<CausalState<ORMap>> mutator) {
        CompletableFuture<CausalState<ORMap>> durable = new CompletableFuture<>();
        replica.writeAsync(document, key, mutator).whenComplete((delta, failure) -> {
            if (failure == null) {
                durable.complete(delta);
            } else {
                Throwable cause = failure instanceof java.util.concurrent.CompletionException ? failure.getCause() : failure;
                durable.completeExceptionally(cause instanceof IOException io
                        ? new WriteFailedException("the write could not be made durable: " + io.getMessage(), io) : cause);
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

    java.util.concurrent.ScheduledExecutorService timer() {
        return timer;
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
        for (ServerSocket server : servers) {
            server.close();
        }
        List<Link> open = links();
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
        for (Link link : links()) {
            link.forceClose();
        }
        timer.shutdownNow();
        replica.close();
    }
}
