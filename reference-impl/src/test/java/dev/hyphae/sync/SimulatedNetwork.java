package dev.hyphae.sync;

import dev.hyphae.crdt.CausalState;
import dev.hyphae.crdt.ORMap;
import dev.hyphae.handshake.AccessPolicy;
import dev.hyphae.handshake.TrustStore;
import dev.hyphae.session.Session;
import dev.hyphae.session.SessionCodec;
import dev.hyphae.session.SessionMessage;
import dev.hyphae.store.PowerLoss;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * A deterministic network of replicas for tests: no threads, no sleeps, no sockets. Each replica is a real
 * {@link Replica} on real files; each connection is a pair of {@link Session}s joined by two queues of encoded
 * messages, which the test delivers one at a time, drops, duplicates or reorders, as its schedule says. Within a
 * connection delivery is in order unless the schedule reorders it, as over TCP; a connection can drop with
 * messages in flight, and partitions forbid connections until healed.
 */
final class SimulatedNetwork implements AutoCloseable {

    static final Session.Options OPTIONS = new Session.Options(4, 15_000, 60_000, 16);
    /** Short intervals, so that a few writes already split into several. */
    static final int MAX_INTERVAL_ENTRIES = 8;

    private final Path root;
    private final Replica[] replicas;
    private final TrustStore.Identity[] identities;
    private final AccessPolicy policy = new AccessPolicy();
    private final Connection[][] connections;
    private final boolean[][] partitioned;
    private final SecureRandom random;
    private final Session.Options options;
    long delivered;
    /** Deltas sent with a compressed payload. */
    long compressedDeltas;

    /** A connection: a session at each end, and what is in flight each way. */
    final class Connection {
        final int low;
        final int high;
        final Session[] sessions = new Session[2];
        @SuppressWarnings("unchecked")
        final ArrayDeque<byte[]>[] inFlight = new ArrayDeque[] {new ArrayDeque<byte[]>(), new ArrayDeque<byte[]>()};
        boolean ended;

        Connection(int low, int high) {
            this.low = low;
            this.high = high;
        }
    }

    SimulatedNetwork(int size, Path root, long seed) throws IOException {
        this(size, root, seed, false);
    }

    /** A network whose sessions compress their deltas when {@code deflate}, as after a handshake that selected it. */
    SimulatedNetwork(int size, Path root, long seed, boolean deflate) throws IOException {
        this.root = root;
        this.options = OPTIONS.withDeflate(deflate);
        this.random = deterministic(seed);
        replicas = new Replica[size];
        identities = new TrustStore.Identity[size];
        connections = new Connection[size][size];
        partitioned = new boolean[size][size];
        for (int i = 0; i < size; i++) {
            byte[] key = new byte[32];
            key[0] = (byte) (i + 1);
            identities[i] = new TrustStore.Identity(key, null, null);
            policy.grant(key, AccessPolicy.EVERY_DOCUMENT, AccessPolicy.Right.WRITE);
            replicas[i] = Replica.open(root.resolve("r" + i), random, MAX_INTERVAL_ENTRIES);
        }
    }

    private static SecureRandom deterministic(long seed) {
        try {
            SecureRandom r = SecureRandom.getInstance("SHA1PRNG");
            r.setSeed(seed);
            return r;
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    int size() {
        return replicas.length;
    }

    Replica replica(int i) {
        return replicas[i];
    }

    CausalState<ORMap> write(int i, String document, UnaryOperator<CausalState<ORMap>> mutator) {
        try {
            return replicas[i].write(document, mutator);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Connects i and j unless they are connected or partitioned. */
    void connect(int i, int j) {
        int low = Math.min(i, j);
        int high = Math.max(i, j);
        if (low == high || partitioned[low][high] || (connections[low][high] != null && !connections[low][high].ended)) {
            return;
        }
        Connection c = new Connection(low, high);
        connections[low][high] = c;
        for (int side = 0; side < 2; side++) {
            int self = side == 0 ? low : high;
            int other = side == 0 ? high : low;
            ArrayDeque<byte[]> out = c.inFlight[side];
            c.sessions[side] = replicas[self].newSession(identities[other], policy, options, new Session.Outbox() {
                @Override
                public void send(SessionMessage message) {
                    if (!c.ended) {
                        if (message instanceof SessionMessage.Delta d && d.compression() != 0) {
                            compressedDeltas++;
                        }
                        out.addLast(SessionCodec.encode(message));
                    }
                }

                @Override
                public void end() {
                    // The transport closes after what was sent: the peer still receives it, then the connection ends.
                    out.addLast(new byte[0]);
                }
            });
        }
        try {
            c.sessions[0].start(0, List.of());
            c.sessions[1].start(0, List.of());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Drops the connection of i and j, with everything in flight. */
    void drop(int i, int j) {
        Connection c = connections[Math.min(i, j)][Math.max(i, j)];
        if (c != null && !c.ended) {
            c.ended = true;
            c.sessions[0].abandon();
            c.sessions[1].abandon();
            c.inFlight[0].clear();
            c.inFlight[1].clear();
        }
    }

    /** Whether i and j are connected, with neither session ended. */
    boolean connected(int i, int j) {
        Connection c = connections[Math.min(i, j)][Math.max(i, j)];
        return c != null && !c.ended && !c.sessions[0].ended() && !c.sessions[1].ended();
    }

    void partition(int i, int j) {
        drop(i, j);
        partitioned[Math.min(i, j)][Math.max(i, j)] = true;
    }

    void healAll() {
        for (boolean[] row : partitioned) {
            java.util.Arrays.fill(row, false);
        }
    }

    /**
     * Crashes replica i as a power loss would: its sessions vanish, and its files keep only what it synced. Then it
     * restarts from its folder.
     */
    void crash(int i) throws IOException {
        // Storage first: what the replica does as it is torn down can then make nothing more durable.
        PowerLoss.strike(replicas[i].store(), random);
        replicas[i].close();
        for (int j = 0; j < size(); j++) {
            Connection c = connections[Math.min(i, j)][Math.max(i, j)];
            if (c != null && !c.ended) {
                c.ended = true;
                c.sessions[i == c.low ? 1 : 0].abandon();
                c.inFlight[0].clear();
                c.inFlight[1].clear();
            }
        }
        replicas[i] = Replica.open(root.resolve("r" + i), random, MAX_INTERVAL_ENTRIES);
    }

    /** Lets every session of replica i flush: sync, then acknowledge. */
    void flush(int i) {
        for (Connection[] row : connections) {
            for (Connection c : row) {
                if (c != null && !c.ended && (c.low == i || c.high == i)) {
                    c.sessions[c.low == i ? 0 : 1].flush();
                }
            }
        }
    }

    /**
     * Delivers the next message from {@code from} to {@code to}, then lets the receiver flush (sync, then
     * acknowledge). Returns whether there was one.
     */
    boolean deliver(int from, int to) {
        return deliver(from, to, true);
    }

    /** Delivers the next message from {@code from} to {@code to}, flushing the receiver only if {@code flush}. */
    boolean deliver(int from, int to, boolean flush) {
        Connection c = connections[Math.min(from, to)][Math.max(from, to)];
        if (c == null || c.ended) {
            return false;
        }
        int side = from < to ? 0 : 1;
        byte[] message = c.inFlight[side].pollFirst();
        if (message == null) {
            return false;
        }
        delivered++;
        if (message.length == 0) {
            // The sender ended the session and closed the transport.
            drop(from, to);
            return true;
        }
        Session receiver = c.sessions[1 - side];
        receiver.receive(message, 0);
        if (flush) {
            receiver.flush();
        }
        if (receiver.ended()) {
            // It sent its Error; the sender gets it before the transport closes.
            return true;
        }
        return true;
    }

    /** Duplicates the next message from {@code from} to {@code to}: it will be delivered twice. */
    void duplicate(int from, int to) {
        ArrayDeque<byte[]> queue = queue(from, to);
        if (queue != null && !queue.isEmpty()) {
            queue.addFirst(queue.peekFirst());
        }
    }

    /** Swaps the next two messages from {@code from} to {@code to}. */
    void reorder(int from, int to) {
        ArrayDeque<byte[]> queue = queue(from, to);
        if (queue != null && queue.size() >= 2) {
            byte[] first = queue.pollFirst();
            byte[] second = queue.pollFirst();
            queue.addFirst(first);
            queue.addFirst(second);
        }
    }

    private ArrayDeque<byte[]> queue(int from, int to) {
        Connection c = connections[Math.min(from, to)][Math.max(from, to)];
        return c == null || c.ended ? null : c.inFlight[from < to ? 0 : 1];
    }

    /**
     * Heals everything, connects every pair, and delivers until nothing is in flight. Returns false if that
     * takes more than {@code maxDeliveries}.
     */
    boolean settle(int maxDeliveries) {
        healAll();
        long budget = maxDeliveries;
        while (budget > 0) {
            for (int i = 0; i < size(); i++) {
                for (int j = i + 1; j < size(); j++) {
                    connect(i, j);
                }
            }
            boolean any = false;
            for (int i = 0; i < size(); i++) {
                for (int j = 0; j < size(); j++) {
                    if (i != j && deliver(i, j)) {
                        any = true;
                        budget--;
                    }
                }
            }
            // A delivery without a flush may have left acknowledgements due: every live session flushes, as a
            // real connection does once its input is drained; a flush that sends something makes another round.
            for (int i = 0; i < size(); i++) {
                flush(i);
            }
            if (!any && allConnected() && nothingInFlight()) {
                return true;
            }
        }
        return false;
    }

    private boolean nothingInFlight() {
        for (Connection[] row : connections) {
            for (Connection c : row) {
                if (c != null && !c.ended && (!c.inFlight[0].isEmpty() || !c.inFlight[1].isEmpty())) {
                    return false;
                }
            }
        }
        return true;
    }

    private boolean allConnected() {
        for (int i = 0; i < size(); i++) {
            for (int j = i + 1; j < size(); j++) {
                if (connections[i][j] == null || connections[i][j].ended) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * Whether every session reports every document it has open as idle: nothing in flight, nothing to send,
     * nothing to acknowledge. A synchronisation that converged but never reached this would never let a
     * `connect --once` finish.
     */
    List<String> notIdle() {
        List<String> busy = new ArrayList<>();
        for (Connection[] row : connections) {
            for (Connection c : row) {
                if (c != null && !c.ended) {
                    for (int side = 0; side < 2; side++) {
                        int self = side == 0 ? c.low : c.high;
                        for (String document : replicas[self].documents()) {
                            if (!c.sessions[side].idle(document)) {
                                busy.add("r" + self + " (to r" + (side == 0 ? c.high : c.low) + ") on " + document);
                            }
                        }
                    }
                }
            }
        }
        return busy;
    }

    /** The sessions' events, for a failing case's report. */
    List<String> events() {
        List<String> events = new ArrayList<>();
        for (Connection[] row : connections) {
            for (Connection c : row) {
                if (c != null) {
                    for (Session s : c.sessions) {
                        events.addAll(s.events());
                    }
                }
            }
        }
        return events;
    }

    @Override
    public void close() throws IOException {
        for (Replica r : replicas) {
            r.close();
        }
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }
}
