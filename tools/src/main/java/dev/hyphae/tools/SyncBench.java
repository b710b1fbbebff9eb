package dev.hyphae.tools;

import dev.hyphae.codec.Codec;
import dev.hyphae.crdt.CausalState;
import dev.hyphae.crdt.CrdtType;
import dev.hyphae.crdt.LWWRegister;
import dev.hyphae.crdt.ORMap;
import dev.hyphae.data.Value;
import dev.hyphae.handshake.AccessPolicy;
import dev.hyphae.handshake.TrustStore;
import dev.hyphae.noise.KeyPair;
import dev.hyphae.peer.Connection;
import dev.hyphae.peer.Peer;
import dev.hyphae.session.SessionCodec;
import dev.hyphae.session.SessionMessage;
import dev.hyphae.sync.Replica;
import dev.hyphae.session.Session;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * {@code hyphae bench sync}: what synchronisation costs on the wire and in time, and what a peer holds in memory.
 *
 * <ul>
 * <li>Re-synchronisation after a partition: two replicas hold N keys in step; while disconnected one changes k of
 * them; the bytes of every session message both ways until they are in step again, against the bytes of those k
 * changes' deltas. With {@code --layout}, only the messages of one such re-synchronisation (N = 10,000, k = 1 or
 * {@code --layout-changes}), every byte range of each labelled as FlatBuffers framing or data, and the columns of the
 * Delta's payload: where the bytes of a reconnection go.</li>
 * <li>Deltas per second through one session, two peers over loopback TCP, every delta synced to disk before
 * it is acknowledged.</li>
 * <li>The heap of a peer holding the sensor workload: 1,000 LWW float registers written 100 times.</li>
 * </ul>
 */
@Command(name = "sync", mixinStandardHelpOptions = true,
        description = "Re-synchronisation bytes after a partition, deltas per second over loopback, and a peer's heap.")
final class SyncBench implements Callable<Integer> {

    @Option(names = "--deltas", defaultValue = "5000", description = "Deltas to send for the throughput figure (default ${DEFAULT-VALUE}).")
    int deltas;

    @Option(names = "--resync-only", description = "Only the re-synchronisation table: no heap, no throughput.")
    boolean resyncOnly;

    @Option(names = "--layout", description = "Only the messages of one re-synchronisation (N = 10,000, k = 1), each byte range annotated"
            + " as FlatBuffers framing or data, and the payload of its Delta field by field.")
    boolean layout;

    @Option(names = "--layout-changes", defaultValue = "1", paramLabel = "K", description = "With --layout: the keys changed on A"
            + " (default ${DEFAULT-VALUE}).")
    int layoutChanges;

    private static final SecureRandom RANDOM = new SecureRandom();

    @Override
    public Integer call() throws Exception {
        if (layout) {
            layout(10_000, layoutChanges);
            return 0;
        }
        // The heap first, while nothing else has run in this JVM.
        if (!resyncOnly) {
            heap();
            System.out.println();
        }
        System.out.println("Re-synchronisation after a partition in which k of N keys changed (bytes of all session messages, both ways)");
        System.out.println("A changed the keys; per message type and direction: count x bytes; Delta also its payloads' bytes");
        System.out.printf("%8s %6s %14s %14s %8s  %s%n", "N", "k", "resync bytes", "k deltas", "ratio", "breakdown");
        for (int n : new int[] {100, 1_000, 10_000}) {
            for (int k : new int[] {1, 10, 100}) {
                resync(n, k);
            }
        }
        if (!resyncOnly) {
            System.out.println();
            throughput();
        }
        return 0;
    }

    /** Two replicas joined by two queues, counting the bytes of what crosses. */
    private static final class Pair implements AutoCloseable {
        final Path root;
        final Replica a;
        final Replica b;
        final TrustStore.Identity ida = new TrustStore.Identity(new byte[] {1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, null, null);
        final TrustStore.Identity idb = new TrustStore.Identity(new byte[] {2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, null, null);
        final AccessPolicy policy = new AccessPolicy()
                .grant(ida.staticKey(), AccessPolicy.EVERY_DOCUMENT, AccessPolicy.Right.WRITE)
                .grant(idb.staticKey(), AccessPolicy.EVERY_DOCUMENT, AccessPolicy.Right.WRITE);
        long bytes;
        /** Per direction and message type, in the order of first appearance: count, bytes, payload bytes. */
        final java.util.Map<String, long[]> tally = new java.util.LinkedHashMap<>();
        /** Every message of the last {@link #sync()}, in the order sent: direction and bytes. */
        final List<Sent> sent = new java.util.ArrayList<>();

        Pair() throws IOException {
            root = Files.createTempDirectory("hyphae-bench");
            a = Replica.open(root.resolve("a"), RANDOM);
            b = Replica.open(root.resolve("b"), RANDOM);
        }

        /** Connects, delivers until nothing is in flight, disconnects; returns the bytes that crossed. */
        long sync() throws IOException {
            ArrayDeque<byte[]> toB = new ArrayDeque<>();
            ArrayDeque<byte[]> toA = new ArrayDeque<>();
            tally.clear();
            sent.clear();
            Session sa = a.newSession(idb, policy, Session.Options.DEFAULT, outbox(toB, "A>B"));
            Session sb = b.newSession(ida, policy, Session.Options.DEFAULT, outbox(toA, "B>A"));
            sa.start(0, List.of());
            sb.start(0, List.of());
            long before = bytes;
            while (!toA.isEmpty() || !toB.isEmpty()) {
                deliver(toB, sb);
                deliver(toA, sa);
            }
            sa.abandon();
            sb.abandon();
            return bytes - before;
        }

        private void deliver(ArrayDeque<byte[]> queue, Session to) {
            byte[] m;
            while ((m = queue.pollFirst()) != null) {
                bytes += m.length;
                to.receive(m, 0);
            }
            to.flush();
        }

        private Session.Outbox outbox(ArrayDeque<byte[]> queue, String direction) {
            return new Session.Outbox() {
                @Override
                public void send(SessionMessage message) {
                    byte[] encoded = SessionCodec.encode(message);
                    String name = message.getClass().getSimpleName();
                    if (message instanceof SessionMessage.Delta d) {
                        name += "/" + d.kind().name().toLowerCase(java.util.Locale.ROOT);
                    }
                    long[] t = tally.computeIfAbsent(direction + " " + name, x -> new long[3]);
                    t[0]++;
                    t[1] += encoded.length;
                    if (message instanceof SessionMessage.Delta d) {
                        t[2] += d.payload().length;
                    }
                    sent.add(new Sent(direction, message, encoded));
                    queue.addLast(encoded);
                }

                @Override
                public void end() {
                }
            };
        }

        @Override
        public void close() throws IOException {
            a.close();
            b.close();
            deleteTree(root);
        }
    }

    /** A message that crossed, as sent. */
    private record Sent(String direction, SessionMessage message, byte[] bytes) {
    }

    private static CausalState<ORMap> writeKeys(Replica replica, int from, int count, Random values) throws IOException {
        return replica.write("sensors", state -> {
            CausalState<ORMap> delta = new CausalState<>(ORMap.EMPTY, dev.hyphae.data.CausalContext.EMPTY);
            CausalState<ORMap> current = state;
            for (int i = from; i < from + count; i++) {
                double value = values.nextDouble();
                dev.hyphae.data.CausalContext context = current.context();
                CausalState<ORMap> d = current.store().update(Value.of("sensor-" + i), CrdtType.LWW_REGISTER,
                        (LWWRegister r) -> r.write(context, replica.replicaId(), Value.of(value), r.greatestTimestamp() + 1));
                delta = delta.join(d);
                current = current.join(d);
            }
            return delta;
        });
    }

    /** Brings two replicas in step on N keys, lets A change k of them apart, and returns the bytes of the k deltas. */
    private static long partition(Pair pair, int n, int k) throws IOException {
        Random values = new Random(42);
        // N keys, written in chunks of 1,000 (each chunk one delta), then in step.
        for (int from = 0; from < n; from += 1000) {
            writeKeys(pair.a, from, Math.min(1000, n - from), values);
        }
        pair.sync();
        // Partition: A changes k keys, one write each.
        long deltaBytes = 0;
        for (int i = 0; i < k; i++) {
            CausalState<ORMap> delta = writeLocal(pair.a, (i * 7919) % n, values);
            deltaBytes += Codec.encode(delta).length;
        }
        return deltaBytes;
    }

    /** Re-synchronises once and checks that the two replicas converged; returns the bytes that crossed. */
    private static long resynchronise(Pair pair) throws IOException {
        long resync = pair.sync();
        if (!pair.a.state("sensors").equals(pair.b.state("sensors"))) {
            throw new IllegalStateException("the replicas did not converge");
        }
        return resync;
    }

    private static void resync(int n, int k) throws IOException {
        try (Pair pair = new Pair()) {
            long deltaBytes = partition(pair, n, k);
            long resync = resynchronise(pair);
            StringBuilder breakdown = new StringBuilder();
            pair.tally.forEach((what, t) -> breakdown.append(breakdown.length() == 0 ? "" : ", ").append(what).append(' ')
                    .append(t[0]).append('x').append(t[1] / t[0]).append(t[0] > 1 ? "=" + t[1] : "")
                    .append(t[2] > 0 ? " (payload " + t[2] + ")" : ""));
            System.out.printf("%8d %6d %14d %14d %7.2fx  %s%n", n, k, resync, deltaBytes, (double) resync / deltaBytes, breakdown);
        }
    }

    /**
     * Prints every message of one re-synchronisation, byte range by byte range, each range marked as FlatBuffers
     * framing ("F") or data ("D"): where the bytes of a reconnection go.
     */
    private static void layout(int n, int k) throws IOException {
        try (Pair pair = new Pair()) {
            partition(pair, n, k);
            long resync = resynchronise(pair);
            System.out.printf("The messages of a re-synchronisation after a partition: N = %,d keys in step, k = %d changed on A; %d bytes in all%n",
                    n, k, resync);
            System.out.println("F: FlatBuffers framing (root offset, file identifier, vtables, offsets, lengths, string terminators, padding);"
                    + " D: data");
            int framing = 0;
            for (Sent s : pair.sent) {
                List<SessionLayoutAnnotator.Region> regions = SessionLayoutAnnotator.annotate(s.bytes());
                int f = SessionLayoutAnnotator.framingBytes(regions);
                framing += f;
                System.out.printf("%n%s %s: %d bytes, %d framing, %d data%n", s.direction(), s.message().getClass().getSimpleName(),
                        s.bytes().length, f, s.bytes().length - f);
                for (SessionLayoutAnnotator.Region r : regions) {
                    System.out.printf("  %04x..%04x %4d %s  %s%n", r.start(), r.end() - 1, r.length(), r.framing() ? "F" : "D", r.label());
                }
                if (s.message() instanceof SessionMessage.Delta d && !d.compact() && d.compression() == 0) {
                    System.out.printf("  its payload, %d bytes, in session form:%n", d.payload().length);
                    for (LayoutAnnotator.Region r : LayoutAnnotator.annotate(d.payload())) {
                        System.out.printf("    %04x..%04x %4d  %s%n", r.start(), r.end() - 1, r.end() - r.start(), r.label());
                    }
                }
            }
            System.out.printf("%nIn all: %d bytes, %d framing, %d data%n", resync, framing, resync - framing);
        }
    }

    private static CausalState<ORMap> writeLocal(Replica replica, int key, Random values) throws IOException {
        double value = values.nextDouble();
        return replica.write("sensors", state -> state.store().update(Value.of("sensor-" + key), CrdtType.LWW_REGISTER,
                (LWWRegister r) -> r.write(state.context(), replica.replicaId(), Value.of(value), r.greatestTimestamp() + 1)));
    }

    private void throughput() throws Exception {
        Path root = Files.createTempDirectory("hyphae-bench");
        KeyPair ka = KeyPair.generate(RANDOM);
        KeyPair kb = KeyPair.generate(RANDOM);
        AccessPolicy policy = new AccessPolicy()
                .grant(ka.publicKey(), AccessPolicy.EVERY_DOCUMENT, AccessPolicy.Right.WRITE)
                .grant(kb.publicKey(), AccessPolicy.EVERY_DOCUMENT, AccessPolicy.Right.WRITE);
        TrustStore trust = TrustStore.of(List.of(ka.publicKey(), kb.publicKey()), List.of());
        try (Peer a = Peer.open(new Peer.Config(root.resolve("a"), ka, null, trust, policy));
             Peer b = Peer.open(new Peer.Config(root.resolve("b"), kb, null, trust, policy))) {
            InetSocketAddress address = b.listen(new InetSocketAddress("127.0.0.1", 0));
            Connection link = a.connect(address, List.of("stream"));
            long start = System.nanoTime();
            for (int i = 1; i <= deltas; i++) {
                a.document("stream").map().register("k" + (i % 1000)).set(i);
            }
            long written = System.nanoTime();
            while (link.acknowledged("stream") < deltas) {
                Thread.sleep(1);
            }
            long acknowledged = System.nanoTime();
            System.out.printf("Deltas through one session over loopback TCP: %d one-register writes, each synced to disk at both ends before it counts%n", deltas);
            System.out.printf("  writes (each fsynced):          %8.0f per second%n", deltas / ((written - start) / 1e9));
            System.out.printf("  delivered and acknowledged:     %8.0f per second (all %d acknowledged durable after %.2f s)%n",
                    deltas / ((acknowledged - start) / 1e9), deltas, (acknowledged - start) / 1e9);
        } finally {
            deleteTree(root);
        }
    }

    private static void heap() throws IOException {
        Path root = Files.createTempDirectory("hyphae-bench");
        List<MemoryPoolMXBean> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.getType() == MemoryType.HEAP).toList();
        settle();
        long baseline = used();
        heapPools.forEach(MemoryPoolMXBean::resetPeakUsage);
        try (Replica replica = Replica.open(root.resolve("p"), RANDOM)) {
            Random values = new Random(7);
            for (int round = 0; round < 100; round++) {
                writeKeys(replica, 0, 1000, values);
            }
            long peak = heapPools.stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum();
            settle();
            long held = used() - baseline;
            System.out.println("Heap of a replica holding the sensor workload (1,000 LWW float registers, 100 rounds of writes, each round one delta; no neighbour, so no delta log is kept)");
            System.out.printf("  held after garbage collection:  %8.1f MiB%n", held / 1048576.0);
            System.out.printf("  peak while writing (all pools): %8.1f MiB (includes garbage not yet collected)%n", peak / 1048576.0);
        } finally {
            deleteTree(root);
        }
    }

    private static void settle() {
        for (int i = 0; i < 3; i++) {
            System.gc();
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
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

    private static long used() {
        Runtime r = Runtime.getRuntime();
        return r.totalMemory() - r.freeMemory();
    }
}
