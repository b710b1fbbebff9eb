package dev.hyphae.benchmarks;

import dev.hyphae.ProtocolException;
import dev.hyphae.codec.Codec;
import dev.hyphae.crdt.CausalState;
import dev.hyphae.crdt.Crdt;
import dev.hyphae.crdt.CrdtType;
import dev.hyphae.crdt.HybridLogicalClock;
import dev.hyphae.crdt.LWWRegister;
import dev.hyphae.crdt.MutableState;
import dev.hyphae.crdt.ORMap;
import dev.hyphae.data.CausalContext;
import dev.hyphae.data.ReplicaId;
import dev.hyphae.data.Value;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * The sensor workload of {@code hyphae bench replica} (1,000 LWW float registers in one ORMap, written in rounds of
 * one reading per key by one replica), measured by JMH: applying the last round's delta, 1,000 writes, to a replica
 * holding the rounds before it (decode with every verifying check, join, both), and one write in memory.
 *
 * <p>Only the public surface of the reference implementation is used, so that the same class measures another
 * revision built beside it. A replica that a join changes is made anew before each call, outside the timing; the
 * compiler needs about ten seconds of calls before the figures settle, hence the long warm-up.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 15, time = 1)
@Measurement(iterations = 10, time = 1)
@Fork(value = 3, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
public class SensorBenchmarks {

    static final int KEYS = 1000;
    static final int ROUNDS = 100;
    private static final ReplicaId WRITER = ReplicaId.fromHex("5e4503000000000000000000000000a1");

    /** The sensor workload's writer: its readings, its clock, and the keys, as in {@code bench replica}. */
    static final class Writer {
        private final Random readings = new Random(42);
        private final long[] wallClock = {1_767_225_600_000L}; // 2026-01-01T00:00:00Z
        private final HybridLogicalClock clock = new HybridLogicalClock(() -> wallClock[0]);
        private final Value[] names = new Value[KEYS];

        Writer() {
            for (int k = 0; k < KEYS; k++) {
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
                    (LWWRegister r) -> r.write(context, WRITER, Value.of(reading), clock.next(r.greatestTimestamp())));
        }

        /** Writes {@code rounds} rounds of one reading per key into {@code state}. */
        void rounds(MutableState state, int rounds) {
            for (int round = 0; round < rounds; round++) {
                for (int k = 0; k < KEYS; k++) {
                    state.join(write(state, k));
                }
                wallClock[0] += 1000;
            }
        }
    }

    /** The state of the first 99 rounds, and the last round's delta as one payload. */
    @State(Scope.Benchmark)
    public static class Workload {
        CausalState<ORMap> held;
        byte[] payload;
        CausalState<ORMap> delta;

        @Setup(Level.Trial)
        public void setUp() throws ProtocolException {
            Writer writer = new Writer();
            MutableState state = new MutableState();
            writer.rounds(state, ROUNDS - 1);
            held = state.state();
            MutableState round = new MutableState();
            for (int k = 0; k < KEYS; k++) {
                CausalState<ORMap> write = writer.write(state, k);
                state.join(write);
                round.join(write);
            }
            payload = Codec.encode(round.state());
            delta = asMap(Codec.decode(payload).state());
        }
    }

    /**
     * A replica holding the first 99 rounds, made anew before each call: a join into it changes it.
     *
     * <p>JMH advises against {@code Level.Invocation}, whose timestamps around each call and whose setup (here a copy
     * of a 1,000-entry state, about as long as the call) can disturb a call this short: it is kept because a call
     * takes a few hundred microseconds, far above the cost of a timestamp, and the copy leaves the state's memory
     * as a received delta finds it in a running replica. Measuring a batch of states built per iteration
     * ({@code SingleShotTime} with a {@code batchSize}) would avoid it and would be the check of these figures.
     */
    @State(Scope.Thread)
    public static class Replica {
        MutableState state;

        @Setup(Level.Invocation)
        public void setUp(Workload workload) {
            state = new MutableState(workload.held);
        }
    }

    /** A replica holding the whole workload, written on by {@link #write}, one key after another. */
    @State(Scope.Thread)
    public static class Writing {
        final Writer writer = new Writer();
        final MutableState state = new MutableState();
        int key;

        @Setup(Level.Trial)
        public void setUp() {
            writer.rounds(state, ROUNDS);
        }
    }

    /** Decoding the 1,000-write payload, every verifying check included. */
    @Benchmark
    public CausalState<Crdt> decode(Workload workload) throws ProtocolException {
        return Codec.decode(workload.payload).state();
    }

    /**
     * Joining the decoded 1,000-write delta into a replica holding the state; reports the change. The delta is decoded
     * once for every call, so its keys, which the decoder leaves as bytes until asked, are already hashed after the
     * first call: {@link #apply} is the figure of a delta as it arrives, and more than this one plus {@link #decode}.
     */
    @Benchmark
    public boolean join(Workload workload, Replica replica) {
        return replica.state.join(workload.delta);
    }

    /** Decode and join: applying the delta as a replica receives it. */
    @Benchmark
    public boolean apply(Workload workload, Replica replica) throws ProtocolException {
        return replica.state.join(asMap(Codec.decode(workload.payload).state()));
    }

    /** One write in memory: its delta generated from the entries under its key, and joined into the replica. */
    @Benchmark
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public boolean write(Writing writing) {
        int k = writing.key;
        writing.key = k + 1 == KEYS ? 0 : k + 1;
        return writing.state.join(writing.writer.write(writing.state, k));
    }

    /** A decoded payload as the root map of a document, as a replica takes it. */
    @SuppressWarnings("unchecked")
    static CausalState<ORMap> asMap(CausalState<Crdt> state) {
        if (!(state.store() instanceof ORMap)) {
            throw new IllegalStateException("the root of a document is an ORMap");
        }
        return (CausalState<ORMap>) (CausalState<?>) state;
    }
}
