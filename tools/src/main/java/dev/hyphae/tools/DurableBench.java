package dev.hyphae.tools;

import dev.hyphae.crdt.CrdtType;
import dev.hyphae.crdt.HybridLogicalClock;
import dev.hyphae.crdt.LWWRegister;
import dev.hyphae.data.Value;
import dev.hyphae.handshake.AccessPolicy;
import dev.hyphae.handshake.TrustStore;
import dev.hyphae.noise.KeyPair;
import dev.hyphae.peer.Connection;
import dev.hyphae.peer.Document;
import dev.hyphae.peer.Peer;
import dev.hyphae.store.DocumentStore;
import dev.hyphae.store.RecordLog;
import dev.hyphae.sync.Replica;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * {@code hyphae bench durable}: durable writes and recovery, on the sensor workload (one LWW float register per
 * sensor, 1,000 sensors), in a temporary folder on the disk of {@code --dir}.
 *
 * <ul>
 * <li>The disk's sync rate: appending 100 bytes to a file and syncing it (fdatasync), one after the other. It is
 * measured again right before the timed loop of each figure of one write at a time, which is compared with it; on a
 * shared machine the rate swings by tens of percent within a run, and so does the comparison.</li>
 * <li>One writer alone, no neighbour: strictly one blocking write at a time, each one record of the log and one
 * fdatasync of it. Both figures of one write at a time run after the same shared warm-up (one pass of the connected
 * workload) and a warm-up of their own of the same length.</li>
 * <li>One writer to one peer connected over loopback TCP, durable at both ends: a write counts once it is durable at
 * the writer and the peer has acknowledged it, which it does only once it is durable there (durable acks). Three
 * ways of writing: strictly one at a time, each blocking write returning before the next starts; in batches
 * ({@link Document#batch}: the writes of a round are one entry of the log, with one sync), each batch durable before
 * the next is made; and from several threads at once, each writing
 * one at a time (their writes share syncs by group commit).</li>
 * <li>Reopening a folder whose document was written 100,000 times: in a new JVM, as after a crash, the time from
 * the start of {@link Replica#open} to its return; and in this JVM once warm. The log's tail that the opening reads
 * is printed beside it.</li>
 * </ul>
 *
 * <p>Figures of this machine and its disk, not a test.
 */
@Command(name = "durable", mixinStandardHelpOptions = true,
        description = "Durable writes per second of one writer alone and to a connected peer (one at a time, batched, concurrent) beside the disk's sync rate; reopening a folder of 100,000 writes.")
final class DurableBench implements Callable<Integer> {

    @Option(names = "--dir", description = "Where to put the temporary folders (default: the system's temporary folder).")
    Path dir;

    @Option(names = "--single", defaultValue = "3000", description = "Writes made strictly one at a time (default: ${DEFAULT-VALUE}).")
    int single;

    @Option(names = "--writes", defaultValue = "100000", description = "Writes made batched, and concurrently (default: ${DEFAULT-VALUE}).")
    int writes;

    @Option(names = "--threads", defaultValue = "16", description = "Threads writing concurrently (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--reopen-writes", defaultValue = "100000", description = "Writes in the folder that is reopened (default: ${DEFAULT-VALUE}).")
    int reopenWrites;

    private static final int SENSORS = 1000;
    private static final SecureRandom RANDOM = new SecureRandom();

    @Override
    public Integer call() throws Exception {
        Path root = dir == null ? Files.createTempDirectory("hyphae-bench") : Files.createTempDirectory(dir, "hyphae-bench");
        try {
            double fsyncs = fsyncRate(root, single);
            System.out.printf("Disk: %.0f syncs per second (append 100 B + fdatasync, %d times, one after the other)%n", fsyncs, single);
            // The disk's rate varies by tens of percent within a minute on a shared machine: each figure of one write at
            // a time is compared with the rate measured right before its timed loop, and both are printed.
            SyncRate measuredNow = () -> fsyncRate(root, single);
            Workload oneAtATime = (document, values, n) -> {
                for (int i = 0; i < n; i++) {
                    set(document.map(), i, values);
                }
            };
            // Shared warm-up: the writer's and the session's code paths compiled before either figure is taken, so
            // that the figure taken first does not pay for it.
            connected(root.resolve("warm-up"), null, single, oneAtATime, null);
            alone(root.resolve("alone"), single, measuredNow);
            System.out.println("One writer to one peer over loopback TCP, durable at both ends (a write counts once the peer acknowledged it):");
            connected(root.resolve("one"), "one at a time (blocking)  ", single, oneAtATime, measuredNow);
            connected(root.resolve("batched"), "batched, 1,000 per batch  ", writes, (document, values, n) -> {
                for (int done = 0; done < n; done += SENSORS) {
                    int from = done;
                    document.batch(map -> {
                        for (int i = from; i < Math.min(n, from + SENSORS); i++) {
                            set(map, i, values);
                        }
                    }).join();
                }
            }, () -> fsyncs);
            connected(root.resolve("concurrent"), String.format("%2d threads, blocking      ", threads), writes, (document, values, n) -> {
                ExecutorService pool = Executors.newFixedThreadPool(threads);
                try {
                    List<CompletableFuture<Void>> all = new ArrayList<>();
                    for (int t = 0; t < threads; t++) {
                        int thread = t;
                        all.add(CompletableFuture.runAsync(() -> {
                            Random own = new Random(thread);
                            for (int i = thread; i < n; i += threads) {
                                set(document.map(), i, own);
                            }
                        }, pool));
                    }
                    CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
                } finally {
                    pool.shutdown();
                }
            }, () -> fsyncs);
            reopen(root.resolve("reopen"));
        } finally {
            deleteTree(root);
        }
        return 0;
    }

    private interface Workload {
        void write(Document document, Random values, int writes) throws Exception;
    }

    /** The disk's sync rate that a figure is compared with: measured when asked, or one measured earlier. */
    private interface SyncRate {
        double get() throws IOException;
    }

    private static void set(dev.hyphae.peer.MapHandle map, int i, Random values) {
        map.register("sensor-" + (i % SENSORS)).set(15 + values.nextDouble() * 15);
    }

    /** Syncs per second of the disk under {@code root}: append 100 bytes, fdatasync, {@code count} times. */
    static double fsyncRate(Path root, int count) throws IOException {
        Path file = root.resolve("fsync-rate");
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            ByteBuffer record = ByteBuffer.wrap(new byte[100]);
            for (int warm = 0; warm < 100; warm++) {
                channel.write(record.rewind());
                channel.force(false);
            }
            long start = System.nanoTime();
            for (int i = 0; i < count; i++) {
                channel.write(record.rewind());
                channel.force(false);
            }
            return count / ((System.nanoTime() - start) / 1e9);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /**
     * One writer alone, no neighbour: strictly one blocking write at a time, each synced before it returns, against
     * the disk's rate measured right before the timed loop.
     */
    private static void alone(Path root, int count, SyncRate syncRate) throws Exception {
        KeyPair key = KeyPair.generate(RANDOM);
        AccessPolicy policy = new AccessPolicy().grant(key.publicKey(), AccessPolicy.EVERY_DOCUMENT, AccessPolicy.Right.WRITE);
        TrustStore trust = TrustStore.of(List.of(key.publicKey()), List.of());
        try (Peer peer = Peer.open(new Peer.Config(root, key, null, trust, policy))) {
            Document document = peer.document("sensors");
            Random warm = new Random(7);
            for (int i = 0; i < count; i++) {
                set(document.map(), i, warm);
            }
            Random values = new Random(42);
            double fsyncs = syncRate.get();
            long start = System.nanoTime();
            for (int i = 0; i < count; i++) {
                set(document.map(), i, values);
            }
            double rate = count / ((System.nanoTime() - start) / 1e9);
            System.out.printf("One writer alone, no neighbour, one blocking write at a time: %.0f writes/s (%d writes;"
                    + " %.2f x the disk's sync rate of %.0f/s measured right before)%n", rate, count, rate / fsyncs, fsyncs);
        }
    }

    /** {@code label} null: a warm-up pass, neither timed nor printed. */
    private static void connected(Path root, String label, int count, Workload workload, SyncRate syncRate) throws Exception {
        KeyPair ka = KeyPair.generate(RANDOM);
        KeyPair kb = KeyPair.generate(RANDOM);
        AccessPolicy policy = new AccessPolicy()
                .grant(ka.publicKey(), AccessPolicy.EVERY_DOCUMENT, AccessPolicy.Right.WRITE)
                .grant(kb.publicKey(), AccessPolicy.EVERY_DOCUMENT, AccessPolicy.Right.WRITE);
        TrustStore trust = TrustStore.of(List.of(ka.publicKey(), kb.publicKey()), List.of());
        try (Peer a = Peer.open(new Peer.Config(root.resolve("a"), ka, null, trust, policy));
             Peer b = Peer.open(new Peer.Config(root.resolve("b"), kb, null, trust, policy))) {
            InetSocketAddress address = b.listen(new InetSocketAddress("127.0.0.1", 0));
            Connection link = a.connect(address, List.of("sensors"));
            Document document = a.document("sensors");
            // Warm-up: the document created at both ends, and the code paths compiled (the same workload once).
            // The neighbour holds everything once it acknowledged the writer's whole log: a write, or a batch, is one
            // entry of it.
            workload.write(document, new Random(7), count);
            awaitAcknowledged(link, document.logLength(), 1_000_000);
            if (label == null) {
                return;
            }
            double fsyncs = syncRate.get();
            long start = System.nanoTime();
            workload.write(document, new Random(42), count);
            long written = System.nanoTime();
            awaitAcknowledged(link, document.logLength(), 100_000);
            long acknowledged = System.nanoTime();
            double rate = count / ((acknowledged - start) / 1e9);
            System.out.printf("  %s %9.0f writes/s (%d writes; durable at the writer at %.0f/s; %.2f x the disk's sync rate of %.0f/s)%n",
                    label, rate, count, count / ((written - start) / 1e9), rate / fsyncs, fsyncs);
        }
    }

    /**
     * Waits, polling every {@code pollNanos}, until the neighbour acknowledged the writer's log up to {@code entry};
     * fails if the connection ends first, which no figure could then be taken of.
     */
    private static void awaitAcknowledged(Connection link, long entry, long pollNanos) throws InterruptedException {
        while (link.acknowledged("sensors") < entry) {
            if (link.state() != Connection.State.OPEN) {
                throw new IllegalStateException("the connection to the neighbour ended before it acknowledged entry " + entry
                        + (link.failure() == null ? "" : ": " + link.failure()) + "; its events: " + link.events());
            }
            Thread.sleep(pollNanos / 1_000_000, (int) (pollNanos % 1_000_000));
        }
    }

    private void reopen(Path folder) throws Exception {
        int tail;
        // The folder: one document written reopenWrites times, as the sensor workload writes it, by a replica of its own.
        try (Replica replica = Replica.open(folder, RANDOM)) {
            HybridLogicalClock clock = new HybridLogicalClock(System::currentTimeMillis);
            Random values = new Random(42);
            CompletableFuture<?> last = null;
            for (int i = 0; i < reopenWrites; i++) {
                Value key = Value.of("sensor-" + (i % SENSORS));
                double value = 15 + values.nextDouble() * 15;
                last = replica.writeAsync("sensors", key, state -> state.store().update(key, CrdtType.LWW_REGISTER,
                        (LWWRegister r) -> r.write(state.context(), replica.replicaId(), Value.of(value), clock.next(r.greatestTimestamp()))));
                if (i % SENSORS == SENSORS - 1) {
                    last.join();
                }
            }
            if (last != null) {
                last.join();
            }
            // The worst case for opening: a log's tail just short of compaction. One write at a time until then.
            Path log;
            try (Stream<Path> files = Files.walk(folder)) {
                log = files.filter(p -> p.getFileName().toString().equals("log")).findFirst().orElseThrow();
            }
            int i = reopenWrites;
            while (RecordLog.recordsEnd(log) < DocumentStore.COMPACTION_THRESHOLD * 9 / 10) {
                Value key = Value.of("sensor-" + (i++ % SENSORS));
                double value = 15 + values.nextDouble() * 15;
                replica.write("sensors", key, state -> state.store().update(key, CrdtType.LWW_REGISTER,
                        (LWWRegister r) -> r.write(state.context(), replica.replicaId(), Value.of(value), clock.next(r.greatestTimestamp()))));
            }
            tail = i - reopenWrites;
        }
        long logBytes;
        long snapshotBytes;
        try (Stream<Path> files = Files.walk(folder)) {
            List<Path> all = files.toList();
            logBytes = 0;
            for (Path log : all.stream().filter(p -> p.getFileName().toString().equals("log")).toList()) {
                logBytes += RecordLog.recordsEnd(log);
            }
            snapshotBytes = all.stream().filter(p -> p.getFileName().toString().equals("snapshot")).mapToLong(DurableBench::size).sum();
        }
        System.out.printf("Reopening a folder whose document was written %d times (snapshot %d B; log tail %d B: the last %d writes,"
                + " just short of compaction):%n", reopenWrites + tail, snapshotBytes, logBytes, tail);
        String java = ProcessHandle.current().info().command().orElse("java");
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Reopen.class.getName(), folder.toString())
                .redirectErrorStream(true).start();
        String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        child.waitFor(5, TimeUnit.MINUTES);
        System.out.printf("  in a new JVM:   %s%n", out);
        double[] times = new double[5];
        for (int i = 0; i < times.length; i++) {
            long start = System.nanoTime();
            try (Replica replica = Replica.open(folder, RANDOM)) {
                times[i] = (System.nanoTime() - start) / 1e6;
            }
        }
        Arrays.sort(times);
        System.out.printf("  in this JVM:    %.1f ms (median of %d)%n", times[times.length / 2], times.length);
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0;
        }
    }

    /** Opens the folder given as its argument and prints how long that took: run in a JVM of its own. */
    static final class Reopen {
        public static void main(String[] args) throws IOException {
            java.lang.management.ThreadMXBean cpu = java.lang.management.ManagementFactory.getThreadMXBean();
            long start = System.nanoTime();
            long startCpu = cpu.getCurrentThreadCpuTime();
            try (Replica replica = Replica.open(Path.of(args[0]), new SecureRandom())) {
                double ms = (System.nanoTime() - start) / 1e6;
                double cpuMs = (cpu.getCurrentThreadCpuTime() - startCpu) / 1e6;
                System.out.printf("%.1f ms (%.1f ms of CPU on the opening thread; %d documents; %s)%n", ms, cpuMs, replica.documents().size(),
                        replica.recoveryReports().isEmpty() ? "no torn tail" : String.join("; ", replica.recoveryReports()));
            }
        }
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }
}
