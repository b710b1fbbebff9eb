package dev.hyphae.tools;

import dev.hyphae.ProtocolException;
import dev.hyphae.codec.Codec;
import dev.hyphae.crdt.CausalState;
import dev.hyphae.crdt.CrdtType;
import dev.hyphae.crdt.HybridLogicalClock;
import dev.hyphae.crdt.LWWRegister;
import dev.hyphae.crdt.MutableState;
import dev.hyphae.crdt.ORMap;
import dev.hyphae.data.CausalContext;
import dev.hyphae.data.ReplicaId;
import dev.hyphae.data.Value;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;

/**
 * {@code hyphae bench replica}: what a replica's writes and joins cost in memory, on the sensor workload of
 * {@code bench sensor} (1,000 LWW float registers in one ORMap, written in 100 rounds of one reading per key).
 *
 * <ul>
 * <li>Writes per second, one at a time: each write's delta generated from the entries under its key, as a replica
 * hands them to a write, and joined into a {@link MutableState}; then the same with the delta encoded as the log
 * stores it. Beside them, the path of the previous revision, measured in the same run: the delta generated from the
 * whole immutable state and joined with {@link CausalState#join}, timed on the last round only (its cost grows with
 * the state, and the whole workload would take minutes).</li>
 * <li>Applying the last round's delta (1,000 writes) to a replica holding the state of the 99 rounds before:
 * decode, then join; and the previous path, decode, immutable join and the comparison of whole states that told
 * whether anything was new.</li>
 * <li>The heap while writing the workload, measured first, before anything else in this JVM: the peaks of the heap's
 * pools, summed (an upper bound: they need not peak together), and what is live once the workload is written. The
 * peak depends on the collector and the heap's size (run with {@code JAVA_OPTS=-Xmx16m} to see the workload fit).</li>
 * </ul>
 *
 * <p>Times are medians of repeated runs after warm-up runs in this JVM: figures of this machine, not a test.
 */
@Command(name = "replica", mixinStandardHelpOptions = true,
        description = "Writes per second and the cost of applying a delta, in memory, on the sensor workload; the heap while writing it.")
final class ReplicaBench implements Callable<Integer> {

    @Option(names = "--keys", defaultValue = "1000", description = "Number of keys (default: ${DEFAULT-VALUE}).")
    int keys;

    @Option(names = "--rounds", defaultValue = "100", description = "Rounds of one write per key (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--runs", defaultValue = "10", description = "Timed runs of the write and heap measures, after as many warm-up runs; the apply measure times 30 times as many, after its warm-up (default: ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--warm-up", defaultValue = "10", description = "Seconds of warm-up runs before the apply path is timed, and half as many before the previous path (default: ${DEFAULT-VALUE}).")
    int warmUpSeconds;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    private static final ReplicaId REPLICA = ReplicaId.fromHex("5e4503000000000000000000000000a1");

    /** The sensor workload's writer: its readings, its clock, and the keys. */
    private final class Writer {
        final Random readings = new Random(42);
        final long[] wallClock = {1_767_225_600_000L}; // 2026-01-01T00:00:00Z
        final HybridLogicalClock clock = new HybridLogicalClock(() -> wallClock[0]);
        final Value[] names = new Value[keys];

        Writer() {
            for (int k = 0; k < keys; k++) {
                names[k] = Value.of("sensor-" + k);
            }
        }

        /** One write to key {@code k}, its delta generated from the entries under the key, as a replica does. */
        CausalState<ORMap> write(MutableState state, int k) {
            Value key = names[k];
            double reading = 15 + readings.nextDouble() * 15;
            CausalState<ORMap> entries = state.entriesUnder(key);
            CausalContext context = entries.context();
            return entries.store().update(key, CrdtType.LWW_REGISTER,
                    (LWWRegister r) -> r.write(context, REPLICA, Value.of(reading), clock.next(r.greatestTimestamp())));
        }

        /** One write to key {@code k}, generated from the whole immutable state, as the previous revision did. */
        CausalState<ORMap> writeFromWholeState(CausalState<ORMap> state, int k) {
            double reading = 15 + readings.nextDouble() * 15;
            CausalContext context = state.context();
            return state.store().update(names[k], CrdtType.LWW_REGISTER,
                    (LWWRegister r) -> r.write(context, REPLICA, Value.of(reading), clock.next(r.greatestTimestamp())));
        }

        void nextRound() {
            wallClock[0] += 1000;
        }
    }

    @Override
    public Integer call() throws ProtocolException {
        if (warmUpSeconds <= 0) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--warm-up must be at least 1 second");
        }
        System.out.printf("Sensor workload: %d keys, %d rounds, %d writes by one replica; writes: medians of %d runs after %d warm-up runs%n",
                keys, rounds, keys * rounds, runs, runs);
        heap();
        writes();
        apply();
        return 0;
    }

    /** Writes the whole workload into a new state; with {@code encode}, encodes each delta as the log would. */
    private MutableState workload(Writer writer, int roundCount, boolean encode) {
        MutableState state = new MutableState();
        long bytes = 0;
        for (int round = 0; round < roundCount; round++) {
            for (int k = 0; k < keys; k++) {
                CausalState<ORMap> delta = writer.write(state, k);
                if (encode) {
                    bytes += Codec.encode(delta).length;
                }
                state.join(delta);
            }
            writer.nextRound();
        }
        sink += bytes;
        return state;
    }

    private long sink;

    private void writes() {
        int writes = keys * rounds;
        double perSecond = writes / seconds(() -> workload(new Writer(), rounds, false));
        double encoded = writes / seconds(() -> workload(new Writer(), rounds, true));
        // The previous path, on the last round only: its cost per write grows with the state.
        Writer writer = new Writer();
        CausalState<ORMap> before = workload(writer, rounds - 1, false).state();
        double previous = keys / seconds(() -> {
            Writer again = new Writer();
            again.wallClock[0] = writer.wallClock[0];
            CausalState<ORMap> state = before;
            for (int k = 0; k < keys; k++) {
                state = state.join(again.writeFromWholeState(state, k));
            }
            sink += state.context().versionVector().size();
        });
        System.out.println();
        System.out.println("Writes, generated and applied one at a time, in memory");
        System.out.printf("  %-72s %12.0f /s%n", "delta from the entries under its key, joined into the replica's state", perSecond);
        System.out.printf("  %-72s %12.0f /s%n", "  the same, each delta also encoded for the log", encoded);
        System.out.printf("  %-72s %12.0f /s%n", "previous path: delta from the whole immutable state, immutable join (last round)", previous);
    }

    private void apply() throws ProtocolException {
        Writer writer = new Writer();
        MutableState held = workload(writer, rounds - 1, false);
        CausalState<ORMap> heldState = held.state();
        MutableState round = new MutableState();
        MutableState replica = new MutableState(heldState);
        for (int k = 0; k < keys; k++) {
            CausalState<ORMap> delta = writer.write(replica, k);
            replica.join(delta);
            round.join(delta);
        }
        byte[] payload = Codec.encode(round.state());

        // Each run is short, and the compiler needs thousands of them before its code settles: a few hundred runs
        // left the figures up to twice the settled ones, and swinging with unrelated changes to the code. So each path
        // warms up for a while first, and is then timed on its own, not interleaved with the other.
        int applyRuns = runs * 30;
        long[] decode = new long[applyRuns];
        long[] join = new long[applyRuns];
        long[] oldJoin = new long[applyRuns];
        long warmUpUntil = System.nanoTime() + warmUpSeconds * 1_000_000_000L;
        do {
            applyOnce(heldState, payload, decode, join, 0);
        } while (System.nanoTime() < warmUpUntil);
        for (int i = 0; i < applyRuns; i++) {
            applyOnce(heldState, payload, decode, join, i);
        }
        CausalState<ORMap> delta = asMap(Codec.decode(payload).state());
        MutableState target = new MutableState(heldState);
        target.join(delta);
        CausalState<ORMap> expected = target.state();
        // The previous path is only the comparison: half the warm-up is enough for it to settle, and keeps the run short.
        warmUpUntil = System.nanoTime() + warmUpSeconds * 1_000_000_000L / 2;
        do {
            oldPathOnce(heldState, delta, expected, oldJoin, 0);
        } while (System.nanoTime() < warmUpUntil);
        for (int i = 0; i < applyRuns; i++) {
            oldPathOnce(heldState, delta, expected, oldJoin, i);
        }
        System.out.println();
        System.out.printf("Applying the last round's delta (%d writes, %d bytes) to a replica holding the %d rounds before%n",
                keys, payload.length, rounds - 1);
        System.out.printf("  (medians of %d runs after %d s of warm-up runs; JMH figures: the benchmarks module)%n", applyRuns, warmUpSeconds);
        System.out.printf("  %-72s %9.3f ms%n", "decode (verification included)", median(decode) / 1e6);
        System.out.printf("  %-72s %9.3f ms%n", "join into the replica's state, which reports the change", median(join) / 1e6);
        System.out.printf("  %-72s %9.3f ms%n", "decode + join", (median(decode) + median(join)) / 1e6);
        System.out.printf("  %-72s %9.3f ms%n", "previous path: immutable join and comparison of whole states", median(oldJoin) / 1e6);
    }

    /** Decodes {@code payload} and joins it into a replica holding {@code held}; records the two times at {@code i}. */
    private void applyOnce(CausalState<ORMap> held, byte[] payload, long[] decode, long[] join, int i)
            throws ProtocolException {
        MutableState target = new MutableState(held);
        long t0 = System.nanoTime();
        CausalState<ORMap> delta = asMap(Codec.decode(payload).state());
        long t1 = System.nanoTime();
        boolean changed = target.join(delta);
        long t2 = System.nanoTime();
        if (!changed) {
            throw new IllegalStateException("the delta brought nothing");
        }
        decode[i] = t1 - t0;
        join[i] = t2 - t1;
    }

    /** The previous path: the immutable join, and the comparison of whole states that told whether it changed. */
    private void oldPathOnce(CausalState<ORMap> held, CausalState<ORMap> delta, CausalState<ORMap> expected,
                             long[] times, int i) {
        long t0 = System.nanoTime();
        CausalState<ORMap> joined = held.join(delta);
        boolean changed = !joined.equals(held);
        long t1 = System.nanoTime();
        if (!changed || !joined.equals(expected)) {
            throw new IllegalStateException("the two joins disagree");
        }
        times[i] = t1 - t0;
    }

    /** The heap while the workload is written in memory, measured before anything else has run in this JVM. */
    private void heap() {
        List<MemoryPoolMXBean> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.getType() == MemoryType.HEAP).toList();
        settle();
        long baseline = used(heapPools);
        heapPools.forEach(MemoryPoolMXBean::resetPeakUsage);
        MutableState state = workload(new Writer(), rounds, false);
        long peak = heapPools.stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum();
        settle();
        long live = used(heapPools) - baseline;
        sink += state.context().versionVector().size();
        long max = Runtime.getRuntime().maxMemory();
        System.out.println();
        System.out.printf("Heap while writing the workload in memory (maximum heap %.0f MiB)%n", max / 1048576.0);
        System.out.printf("  %-72s %9.1f MiB%n", "peak used, the heap pools' peaks summed (an upper bound)", peak / 1048576.0);
        System.out.printf("  %-72s %9.1f MiB%n", "live once written (the replica's state), after a full collection", live / 1048576.0);
    }

    /** A decoded payload as the root map of a document, as a replica takes it. */
    @SuppressWarnings("unchecked")
    private static CausalState<ORMap> asMap(CausalState<dev.hyphae.crdt.Crdt> state) {
        if (!(state.store() instanceof ORMap)) {
            throw new IllegalStateException("the root of a document is an ORMap");
        }
        return (CausalState<ORMap>) (CausalState<?>) state;
    }

    private static void settle() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
    }

    private static long used(List<MemoryPoolMXBean> pools) {
        return pools.stream().mapToLong(p -> p.getUsage().getUsed()).sum();
    }

    /** The median time of {@code runs} runs of {@code work}, in seconds, after {@code runs} warm-up runs. */
    private double seconds(Runnable work) {
        long[] times = new long[runs];
        for (int pass = 0; pass < 2; pass++) {
            for (int i = 0; i < runs; i++) {
                long start = System.nanoTime();
                work.run();
                times[i] = System.nanoTime() - start;
            }
        }
        return median(times) / 1e9;
    }

    private static double median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
