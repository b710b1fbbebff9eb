package dev.hyphae.tools;

import dev.hyphae.handshake.AccessPolicy;
import dev.hyphae.handshake.TrustStore;
import dev.hyphae.noise.KeyPair;
import dev.hyphae.ProtocolException;
import dev.hyphae.peer.Backoff;
import dev.hyphae.peer.Connection;
import dev.hyphae.peer.Peer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * {@code hyphae bench load}: a {@code hyphae peer serve} process under many sessions, from clients in this process
 * over loopback, each a peer with its own key and folder.
 *
 * <ul>
 * <li>Crowd (the default): N clients connect, {@code --concurrent} at a time, each from a loopback address of its own
 * (127.2.x.y), and each handshake that fails is
 * counted as refused; then one client at a time writes, and the time until each other client sees the write is its
 * fan-out latency (p50 and p95 over every pair of writer and receiver, and of the last receiver of each write);
 * the server's resident memory (VmRSS, and its peak VmHWM) and threads, from {@code /proc}.</li>
 * <li>Flood ({@code --flood}): connections that send nothing ({@code --silent}, from {@code --sources} loopback
 * addresses, reopened as the server drops them) and connections that send one byte a second
 * ({@code --trickling}) are held open while {@code --handshakes} fresh honest handshakes are made, a few at a
 * time, each from a loopback address of its own (127.1.x.y), or from {@code --honest-sources} addresses in turn, so
 * that the server's rules for each source address see them as the devices they stand for; the share completed
 * within one second.</li>
 * <li>Restart ({@code --restarts K}): N clients stay connected to the server as {@code peer connect} does, each
 * reconnecting after the pauses of {@link dev.hyphae.peer.Backoff}; K times the server is killed (SIGKILL), one client
 * writes while it is down, and the server is started again on its port and folder. A client is back in step when it
 * has seen that write, which needs the writer and it to have reconnected and the server to have passed the write on;
 * the time from the restarted server's first line (and from the kill), p50 and p95 over every client and restart.</li>
 * </ul>
 * Figures of this machine, not a test: the clients share the machine with the server.
 *
 * <p>Why this class is over 400 lines: the three modes share the server process, the client peers and the figures,
 * and the flood's attacker, a small state machine of its own, is kept beside the mode that uses it.
 */
@Command(name = "load", mixinStandardHelpOptions = true,
        description = "Many sessions against a peer serve process: fan-out latency, server memory and threads, refused handshakes;"
                + " or, with --flood, honest handshakes under a flood of silent and trickling connections.")
final class LoadBench implements Callable<Integer> {

    @Option(names = "--sessions", defaultValue = "500", description = "Clients, each with one session (default ${DEFAULT-VALUE}).")
    int sessions;

    @Option(names = "--concurrent", defaultValue = "8", description = "Clients connecting at once (default ${DEFAULT-VALUE}).")
    int concurrent;

    @Option(names = "--writes", defaultValue = "30", description = "Writes whose fan-out is timed, after 5 not timed (default ${DEFAULT-VALUE}).")
    int writes;

    @Option(names = "--flood", description = "Measure honest handshakes under a flood instead of a crowd of sessions.")
    boolean flood;

    @Option(names = "--silent", defaultValue = "2000", description = "With --flood: connections that send nothing (default ${DEFAULT-VALUE}).")
    int silent;

    @Option(names = "--sources", defaultValue = "250", description = "With --flood: loopback addresses the silent connections come from (default ${DEFAULT-VALUE}).")
    int sources;

    @Option(names = "--trickling", defaultValue = "64", description = "With --flood: connections that send a byte a second (default ${DEFAULT-VALUE}).")
    int trickling;

    @Option(names = "--handshakes", defaultValue = "200", description = "With --flood: fresh honest handshakes to time (default ${DEFAULT-VALUE}).")
    int handshakes;

    @Option(names = "--honest-sources", defaultValue = "0",
            description = "With --flood: loopback addresses (127.1.x.y) the honest handshakes come from, in turn; 0 (the default) for"
                    + " one each, as devices each on its own address. A few stand for devices behind one address translator,"
                    + " which share that address's budget and rate.")
    int honestSources;

    @Option(names = "--restarts", defaultValue = "0",
            description = "Instead of a crowd's fan-out: kill (SIGKILL) and restart the server this many times under --sessions clients,"
                    + " and time until every client is back in step (default ${DEFAULT-VALUE}: not done).")
    int restarts;

    @Option(names = "--client-folders", paramLabel = "DIR",
            description = "Where the clients' folders go. The clients stand for devices with disks of their own: on one shared disk"
                    + " their syncs queue behind one another and dominate the fan-out; on a tmpfs such as /dev/shm they cost"
                    + " nothing. The server's folder is always on the disk of the temporary folder (default: that disk too).")
    Path clientFolders;

    @Option(names = "--server-jvm-option", paramLabel = "OPTION", description = "An option for the server's JVM, such as -Xmx256m. Repeatable.")
    List<String> serverJvmOptions = new ArrayList<>();

    @Option(names = "--server-option", paramLabel = "OPTION", description = "An option for `peer serve`, such as --no-deflate. Repeatable.")
    List<String> serverOptions = new ArrayList<>();

    private static final SecureRandom RANDOM = new SecureRandom();

    @Override
    public Integer call() throws Exception {
        Path dir = Files.createTempDirectory("hyphae-load");
        try {
            return flood ? flood(dir) : restarts > 0 ? restarts(dir) : crowd(dir);
        } finally {
            deleteQuietly(dir);
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    private int crowd(Path dir) throws Exception {
        List<KeyPair> keys = keys(sessions);
        List<Peer> clients = new ArrayList<>();
        Path folders = null;
        try (Server server = new Server(dir, keys, List.of("--max-sessions", String.valueOf(Math.max(sessions, 1))))) {
            System.out.printf("server: pid %d, %d threads, %s RSS idle%n", server.pid(), server.threads(), mib(server.rss()));
            folders = clientFolders == null ? null : Files.createTempDirectory(clientFolders, "hyphae-load-clients");
            for (KeyPair key : keys) {
                clients.add(client(folders == null ? dir : folders, key, server.publicKey));
            }
            // Connect, `concurrent` at a time.
            AtomicInteger refused = new AtomicInteger();
            List<String> reasons = new java.util.concurrent.CopyOnWriteArrayList<>();
            boolean[] connected = new boolean[sessions];
            long start = System.nanoTime();
            ExecutorService connecting = Executors.newFixedThreadPool(concurrent);
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < sessions; i++) {
                Peer client = clients.get(i);
                int me = i;
                // Each client from a loopback address of its own, as devices are: the server's rules for each source
                // address (HY-SEC-010, HY-SEC-018) then see them as it would see devices.
                InetAddress from = InetAddress.getByAddress(new byte[] {127, 2, (byte) (i / 250), (byte) (2 + i % 250)});
                done.add(connecting.submit(() -> {
                    for (int attempt = 0; attempt < 3; attempt++) {
                        try {
                            Connection c = client.connect(server.address, List.of("load"), from);
                            if (!c.awaitEnd(200)) {
                                connected[me] = true;
                                return null;
                            }
                            reasons.add("ended: " + c.events());
                        } catch (Exception e) {
                            reasons.add(String.valueOf(e.getMessage()));
                        }
                        refused.incrementAndGet();
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
            connecting.shutdown();
            double connectSeconds = (System.nanoTime() - start) / 1e9;
            List<Integer> open = new ArrayList<>();
            for (int i = 0; i < sessions; i++) {
                if (connected[i] && !clients.get(i).connections().isEmpty()) {
                    open.add(i);
                }
            }
            System.out.printf("sessions: %d open of %d, in %.1f s, %d at a time; refused handshakes: %d%n",
                    open.size(), sessions, connectSeconds, concurrent, refused.get());
            reasons.stream().distinct().limit(3).forEach(r -> System.out.println("  refused: " + r));
            System.out.printf("server with %d sessions: %d threads, %s RSS%n", open.size(), server.threads(), mib(server.rss()));
            if (open.size() < 2) {
                return 1;
            }

            // Fan-out: one write at a time, seen by every other client.
            long[][] seen = new long[writes + 5][sessions];
            CountDownLatch[] all = new CountDownLatch[writes + 5];
            for (int w = 0; w < all.length; w++) {
                all[w] = new CountDownLatch(open.size() - 1);
            }
            for (int i : open) {
                int me = i;
                Peer client = clients.get(i);
                client.onChange((document, local) -> {
                    if (local || !document.equals("load")) {
                        return;
                    }
                    // The writes are one at a time: the counter's value says how many of them this client has seen.
                    int count = client.document("load").map().counter("writes").value().intValue();
                    long now = System.nanoTime();
                    for (int w = 0; w < Math.min(count, seen.length); w++) {
                        synchronized (seen[w]) {
                            if (seen[w][me] == 0) {
                                seen[w][me] = now;
                                all[w].countDown();
                            }
                        }
                    }
                });
            }
            List<Long> pairs = new ArrayList<>();
            List<Long> lasts = new ArrayList<>();
            int lost = 0;
            for (int w = 0; w < all.length; w++) {
                int writer = open.get((w * 7919) % open.size());
                long t0 = System.nanoTime();
                synchronized (seen[w]) {
                    seen[w][writer] = -1;
                }
                clients.get(writer).document("load").map().counter("writes").increment(1);
                if (!all[w].await(20, TimeUnit.SECONDS)) {
                    lost++;
                }
                if (w < 5) {
                    continue;   // warm-up
                }
                long last = 0;
                synchronized (seen[w]) {
                    for (int i : open) {
                        if (i != writer && seen[w][i] > 0) {
                            long t = seen[w][i] - t0;
                            pairs.add(t);
                            last = Math.max(last, t);
                        }
                    }
                }
                lasts.add(last);
                Thread.sleep(100);
            }
            System.out.printf("fan-out over %d writes to %d others: per receiver p50 %s, p95 %s; last receiver p50 %s, p95 %s%s%n",
                    writes, open.size() - 1, ms(pct(pairs, 50)), ms(pct(pairs, 95)), ms(pct(lasts, 50)), ms(pct(lasts, 95)),
                    lost == 0 ? "" : "; " + lost + " writes not seen by all within 20 s");
            System.out.printf("server after: %d threads, %s RSS, %s peak RSS%n", server.threads(), mib(server.rss()), mib(server.peakRss()));
        } finally {
            closeAll(clients);
            if (folders != null) {
                deleteQuietly(folders);   // the folder made for this run, never the one named by the option
            }
        }
        return 0;
    }

    // ---------------------------------------------------------------------------------------------------------

    private int restarts(Path dir) throws Exception {
        List<KeyPair> keys = keys(sessions);
        List<Peer> clients = new ArrayList<>();
        List<Thread> keepers = new ArrayList<>();
        AtomicBoolean stop = new AtomicBoolean();
        Path folders = null;
        try (Server server = new Server(dir, keys, List.of("--max-sessions", String.valueOf(Math.max(sessions, 1))))) {
            folders = clientFolders == null ? null : Files.createTempDirectory(clientFolders, "hyphae-load-clients");
            for (KeyPair key : keys) {
                clients.add(client(folders == null ? dir : folders, key, server.publicKey));
            }
            int port = server.address.getPort();
            long[][] seen = new long[restarts + 1][sessions];
            CountDownLatch[] all = new CountDownLatch[restarts + 1];
            for (int r = 0; r <= restarts; r++) {
                all[r] = new CountDownLatch(sessions - 1);
            }
            for (int i = 0; i < sessions; i++) {
                Peer client = clients.get(i);
                int me = i;
                client.onChange((document, local) -> {
                    if (!document.equals("load")) {
                        return;
                    }
                    int count = client.document("load").map().counter("restarts").value().intValue();
                    long now = System.nanoTime();
                    for (int r = 1; r <= Math.min(count, restarts); r++) {
                        synchronized (seen[r]) {
                            if (seen[r][me] == 0) {
                                seen[r][me] = now;
                                all[r].countDown();
                            }
                        }
                    }
                });
                // Each client keeps its link as `peer connect` does, from a loopback address of its own (a device).
                InetAddress from = InetAddress.getByAddress(new byte[] {127, 2, (byte) (i / 250), (byte) (2 + i % 250)});
                Thread keeper = new Thread(() -> keep(client, server.address, from, stop), "load-keeper-" + i);
                keeper.setDaemon(true);
                keepers.add(keeper);
                keeper.start();
            }
            List<Long> fromRestart = new ArrayList<>();
            List<Long> fromKill = new ArrayList<>();
            int late = 0;
            for (int r = 1; r <= restarts; r++) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                while (clients.stream().anyMatch(c -> c.connections().isEmpty()) && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                }
                // Long enough that every session counts as one that worked (Backoff.WORKED_AFTER_MILLIS), as a
                // neighbour's session before a crash usually has.
                Thread.sleep(Backoff.WORKED_AFTER_MILLIS + 1_000);
                long killed = System.nanoTime();
                server.kill();
                int writer = (r * 7919) % sessions;
                synchronized (seen[r]) {
                    seen[r][writer] = -1;
                }
                clients.get(writer).document("load").map().counter("restarts").increment(1);
                server.start(port);
                long restarted = System.nanoTime();
                if (!all[r].await(60, TimeUnit.SECONDS)) {
                    late++;
                }
                long last = 0;
                int back = 0;
                synchronized (seen[r]) {
                    for (int i = 0; i < sessions; i++) {
                        if (i != writer && seen[r][i] > 0) {
                            fromRestart.add(Math.max(0, seen[r][i] - restarted));
                            fromKill.add(seen[r][i] - killed);
                            last = Math.max(last, seen[r][i] - restarted);
                            back++;
                        }
                    }
                }
                System.out.printf("restart %d: server up %s after the kill; %d of %d clients back in step, the last %s after it was up%n",
                        r, ms(restarted - killed), back, sessions - 1, ms(last));
            }
            System.out.printf("back in step after a SIGKILL and restart, over %d clients x %d restarts: from the restarted server's first line"
                            + " p50 %s, p95 %s, max %s; from the kill p50 %s, p95 %s%s%n",
                    sessions - 1, restarts, ms(pct(fromRestart, 50)), ms(pct(fromRestart, 95)),
                    ms(fromRestart.stream().max(Long::compare).orElse(0L)), ms(pct(fromKill, 50)), ms(pct(fromKill, 95)),
                    late == 0 ? "" : "; " + late + " restarts after which some client was not back in step within 60 s");
        } finally {
            stop.set(true);
            closeAll(clients);
            for (Thread keeper : keepers) {
                keeper.join(5_000);
            }
            if (folders != null) {
                deleteQuietly(folders);
            }
        }
        return 0;
    }

    /** Keeps {@code client} connected to {@code server} from {@code from}, as `peer connect` does, until {@code stop}. */
    private static void keep(Peer client, InetSocketAddress server, InetAddress from, AtomicBoolean stop) {
        Backoff backoff = new Backoff(new SplittableRandom(), () -> System.nanoTime() / 1_000_000);
        while (!stop.get()) {
            try {
                Connection c = client.connect(server, List.of("load"), from);
                backoff.connected();
                while (!c.awaitEnd(200)) {
                    if (stop.get()) {
                        return;
                    }
                }
            } catch (IOException | ProtocolException e) {
                // Not reachable, or refused: the pause below.
            } catch (IllegalStateException closed) {
                return;   // the client was closed
            } catch (InterruptedException e) {
                return;
            }
            try {
                Thread.sleep(backoff.nextPause());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    private int flood(Path dir) throws Exception {
        int honestPeers = 8;
        List<KeyPair> keys = keys(honestPeers);
        List<Peer> clients = new ArrayList<>();
        try (Server server = new Server(dir, keys, List.of()); Flood attack = new Flood(server.address)) {
            for (KeyPair key : keys) {
                clients.add(client(dir, key, server.publicKey));
            }
            attack.start();
            attack.awaitHeld(30_000);
            System.out.printf("flood held: %d silent connections opened from %d addresses, %d trickling; server %d threads, %s RSS%n",
                    attack.silentOpened(), Math.min(sources, 250), trickling, server.threads(), mib(server.rss()));
            List<Long> times = new java.util.concurrent.CopyOnWriteArrayList<>();
            List<String> reasons = new java.util.concurrent.CopyOnWriteArrayList<>();
            AtomicInteger failed = new AtomicInteger();
            ExecutorService honest = Executors.newFixedThreadPool(honestPeers);
            List<Future<?>> done = new ArrayList<>();
            int each = (handshakes + honestPeers - 1) / honestPeers;
            AtomicInteger made = new AtomicInteger();
            int addresses = honestSources > 0 ? honestSources : handshakes;
            for (Peer client : clients) {
                done.add(honest.submit(() -> {
                    for (int i = 0; i < each; i++) {
                        int n = made.getAndIncrement() % addresses;
                        InetAddress from = InetAddress.getByAddress(new byte[] {127, 1, (byte) (n / 250), (byte) (2 + n % 250)});
                        long t0 = System.nanoTime();
                        try {
                            Connection c = client.connect(server.address, List.of("load"), from);
                            times.add(System.nanoTime() - t0);
                            c.close();
                            c.awaitEnd(5_000);
                        } catch (Exception e) {
                            failed.incrementAndGet();
                            reasons.add(String.valueOf(e.getMessage()));
                        }
                        Thread.sleep(50);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
            honest.shutdown();
            long within = times.stream().filter(t -> t <= TimeUnit.SECONDS.toNanos(1)).count();
            int total = times.size() + failed.get();
            System.out.printf("honest handshakes from %d addresses: %d of %d within 1 s (%.1f%%), %d failed; p50 %s, p95 %s, max %s%n",
                    Math.min(addresses, total), within, total, 100.0 * within / Math.max(1, total), failed.get(), ms(pct(times, 50)), ms(pct(times, 95)),
                    ms(times.stream().max(Long::compare).orElse(0L)));
            reasons.stream().distinct().limit(3).forEach(r -> System.out.println("  failed: " + r));
            System.out.printf("attack: %d silent connections opened in all, %d trickling; server %d threads, %s RSS, %s peak RSS%n",
                    attack.silentOpened(), trickling, server.threads(), mib(server.rss()), mib(server.peakRss()));
        } finally {
            closeAll(clients);
        }
        return 0;
    }

    /** Silent connections from many loopback addresses, reopened when dropped, and connections trickling a byte a second. */
    private final class Flood implements AutoCloseable {
        private final InetSocketAddress target;
        private final SocketChannel[] quiet = new SocketChannel[silent];
        private final SocketChannel[] slow = new SocketChannel[trickling];
        private final AtomicInteger opened = new AtomicInteger();
        private final CountDownLatch held = new CountDownLatch(1);
        private volatile boolean stop;
        private Thread thread;

        Flood(InetSocketAddress target) {
            this.target = target;
        }

        void start() {
            thread = new Thread(this::run, "load-flood");
            thread.setDaemon(true);
            thread.start();
        }

        void awaitHeld(long millis) throws InterruptedException {
            held.await(millis, TimeUnit.MILLISECONDS);
        }

        int silentOpened() {
            return opened.get();
        }

        private SocketChannel open(int source) {
            try {
                SocketChannel c = SocketChannel.open();
                c.bind(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, (byte) (source / 250), (byte) (2 + source % 250)}), 0));
                c.connect(target);
                c.configureBlocking(false);
                return c;
            } catch (IOException e) {
                return null;
            }
        }

        /** Whether {@code c} was closed by the server. */
        private boolean dropped(SocketChannel c, ByteBuffer scratch) {
            if (c == null) {
                return true;
            }
            try {
                scratch.clear();
                return c.read(scratch) < 0;
            } catch (IOException e) {
                return true;
            }
        }

        private void run() {
            ByteBuffer scratch = ByteBuffer.allocate(64);
            ByteBuffer one = ByteBuffer.allocate(1);
            long nextByte = 0;
            while (!stop) {
                for (int i = 0; i < quiet.length && !stop; i++) {
                    if (dropped(quiet[i], scratch)) {
                        closeQuietly(quiet[i]);
                        quiet[i] = open(i % Math.max(1, Math.min(sources, 250)));
                        opened.incrementAndGet();
                    }
                }
                if (System.nanoTime() - nextByte >= 0) {
                    for (int i = 0; i < slow.length; i++) {
                        try {
                            if (slow[i] == null || dropped(slow[i], scratch)) {
                                closeQuietly(slow[i]);
                                slow[i] = open(250 + i);   // each trickler from an address of its own
                                if (slow[i] != null) {
                                    slow[i].write(ByteBuffer.wrap(new byte[] {(byte) 0xFF, (byte) 0xFF}));   // announces 65,535 bytes
                                }
                            } else {
                                one.clear();
                                slow[i].write(one);
                            }
                        } catch (IOException e) {
                            closeQuietly(slow[i]);
                            slow[i] = null;
                        }
                    }
                    nextByte = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
                }
                held.countDown();
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        @Override
        public void close() throws InterruptedException {
            stop = true;
            if (thread != null) {
                thread.join(10_000);
            }
            Stream.concat(Arrays.stream(quiet), Arrays.stream(slow)).forEach(LoadBench::closeQuietly);
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    /** A `peer serve` process of this same class path, trusting every client to write. */
    private final class Server implements AutoCloseable {
        Process process;
        InetSocketAddress address;
        final byte[] publicKey;
        private final Path dir;
        private final List<KeyPair> clients;
        private final List<String> extra;

        Server(Path dir, List<KeyPair> clients, List<String> extra) throws IOException {
            byte[] secret = new byte[32];
            RANDOM.nextBytes(secret);
            publicKey = KeyPair.fromPrivateKey(secret).publicKey();
            Files.writeString(dir.resolve("server.key"), HexFormat.of().formatHex(secret) + "\n", StandardCharsets.US_ASCII);
            this.dir = dir;
            this.clients = clients;
            this.extra = extra;
            start(0);
        }

        /** Kills the process at once (SIGKILL), as a crash or a power loss would end it. */
        void kill() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor();
        }

        /** Starts the process on {@code port} (0: any), with the same key and folder; returns once it listens. */
        void start(int port) throws IOException {
            List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java")));
            command.addAll(serverJvmOptions);
            command.addAll(List.of("-cp", System.getProperty("java.class.path"), Hyphae.class.getName(), "peer", "serve",
                    "--no-stdin", "--listen", "127.0.0.1:" + port, "--data", dir.resolve("server-data").toString(),
                    "--key", dir.resolve("server.key").toString()));
            for (KeyPair client : clients) {
                command.addAll(List.of("--trust-peer", HexFormat.of().formatHex(client.publicKey()) + ":write"));
            }
            command.addAll(extra);
            command.addAll(serverOptions);
            Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            this.process = process;
            BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            String listening = out.readLine();
            while (listening != null && !listening.startsWith("listening on ")) {
                listening = out.readLine();   // what the JVM may print first, such as a recording's notice
            }
            if (listening == null || !listening.startsWith("listening on ")) {
                process.destroyForcibly();
                throw new IOException("the server did not start: " + listening);
            }
            address = new InetSocketAddress("127.0.0.1", Integer.parseInt(listening.substring(listening.lastIndexOf(':') + 1)));
            Thread drain = new Thread(() -> {
                try {
                    while (out.readLine() != null) {
                        // What the shell prints is not needed.
                    }
                } catch (IOException ignored) {
                    // Gone.
                }
            });
            drain.setDaemon(true);
            drain.start();
        }

        long pid() {
            return process.pid();
        }

        int threads() throws IOException {
            return (int) status("Threads:");
        }

        long rss() throws IOException {
            return status("VmRSS:") * 1024;
        }

        long peakRss() throws IOException {
            return status("VmHWM:") * 1024;
        }

        private long status(String field) throws IOException {
            for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
                if (line.startsWith(field)) {
                    return Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]);
                }
            }
            return -1;
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();   // SIGTERM: `peer serve --no-stdin` closes its sessions and exits
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    private static List<KeyPair> keys(int n) {
        List<KeyPair> keys = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            keys.add(KeyPair.generate(RANDOM));
        }
        return keys;
    }

    private static Peer client(Path dir, KeyPair key, byte[] server) throws IOException {
        AccessPolicy policy = new AccessPolicy().grant(server, AccessPolicy.EVERY_DOCUMENT, AccessPolicy.Right.WRITE);
        return Peer.open(new Peer.Config(dir.resolve("client-" + HexFormat.of().formatHex(key.publicKey())), key, null,
                TrustStore.of(List.of(server), List.of()), policy));
    }

    private static void closeAll(List<Peer> clients) {
        clients.parallelStream().forEach(client -> {
            try {
                client.close();
            } catch (IOException | RuntimeException ignored) {
                // Closing the bench down.
            }
        });
    }

    private static void closeQuietly(SocketChannel c) {
        if (c != null) {
            try {
                c.close();
            } catch (IOException ignored) {
                // Closed.
            }
        }
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // A temporary folder.
        }
    }

    private static long pct(List<Long> values, int percentile) {
        if (values.isEmpty()) {
            return 0;
        }
        long[] sorted = values.stream().mapToLong(Long::longValue).sorted().toArray();
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(percentile / 100.0 * sorted.length) - 1)];
    }

    private static String ms(long nanos) {
        return String.format("%.0f ms", nanos / 1e6);
    }

    private static String mib(long bytes) {
        return String.format("%.0f MiB", bytes / 1048576.0);
    }
}
