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
     */
    public record Config(Path directory, KeyPair staticKey, Certificate certificate, TrustStore trust, AccessPolicy policy,
                         boolean deflate) {
        /** A configuration that offers and selects compression. */
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
    /** Most handshakes a listening peer runs at once (HY-SEC-009); a connection beyond them is closed at once. */
    public static final int MAX_HANDSHAKES = 64;
    private final java.util.concurrent.Semaphore handshakes = new java.util.concurrent.Semaphore(MAX_HANDSHAKES);
    private final java.util.concurrent.ScheduledExecutorService timer = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "hyphae-timer");
        t.setDaemon(true);
        return t;
    });

    private Peer(Config config, Replica replica, Session.Options options) {
        this.config = config;
        this.replica = replica;
        this.options = options;
        replica.addChangeListener((document, local) -> listeners.forEach(l -> l.accept(document, local)));
    }

    /** Opens the peer's folder, recovering every document from storage. */
    public static Peer open(Config config) throws IOException {
        return new Peer(config, Replica.open(config.directory(), new SecureRandom()), Session.Options.DEFAULT);
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
            // HY-SEC-009: at the limit, a new connection is refused, and the handshakes in progress carry on.
            if (!handshakes.tryAcquire()) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // Refused either way.
                }
                continue;
            }
            // The handshake runs on its own thread, so that a slow or silent client delays nobody else.
            Thread handshake = new Thread(() -> {
                try {
                    Link link = Link.respond(socket, this);
                    links.removeIf(Link::ended);
                    links.add(link);
                } catch (IOException | ProtocolException | RuntimeException e) {
                    // The connection is closed; the refused client learned the code from the handshake.
                } finally {
                    handshakes.release();
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
        Socket socket = new Socket();
        try {
            socket.connect(address, Link.HANDSHAKE_TIMEOUT_MILLIS);
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
            // Either nothing was written, or the document stopped because a sync failed; then, whether the write
            // reached the disk is known only after a restart. Retrying is therefore not safe for a counter.
            throw new java.io.UncheckedIOException("the write could not be made durable: " + e.getMessage(), e);
        }
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
