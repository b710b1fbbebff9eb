package dev.hyphae.benchmarks;

import dev.hyphae.codec.Codec;
import dev.hyphae.crdt.CausalState;
import dev.hyphae.crdt.CrdtType;
import dev.hyphae.crdt.HybridLogicalClock;
import dev.hyphae.crdt.LWWRegister;
import dev.hyphae.crdt.ORMap;
import dev.hyphae.data.CausalContext;
import dev.hyphae.data.Value;
import dev.hyphae.sync.Replica;
import dev.hyphae.sync.WriteBatch;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Comparator;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A batch of the sensor workload's writes (one reading per key, 1,000 keys) made through a replica's
 * {@link Replica#batch} in a temporary folder: each write's view of the document as the batch's earlier writes leave
 * it, the batch's join, its encoding and its one record with its sync. The folder is on tmpfs ({@code /dev/shm}) where
 * there is one, where a sync is nearly free, so the figure is the batch's work, not the disk's. Beside it, encoding
 * the batch's join alone, which is what the batch should cost about. The warm-up is as long as
 * {@link SensorBenchmarks}'s, for the same reason.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 15, time = 1)
@Measurement(iterations = 8, time = 1)
@Fork(value = 2, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
public class BatchBenchmarks {

    private static final String DOCUMENT = "sensors";

    @State(Scope.Thread)
    public static class Writing {
        Path folder;
        Replica replica;
        final Random readings = new Random(42);
        final long[] wallClock = {1_767_225_600_000L};
        final HybridLogicalClock clock = new HybridLogicalClock(() -> wallClock[0]);
        final Value[] names = new Value[SensorBenchmarks.KEYS];
        CausalState<ORMap> lastBatch;

        @Setup(Level.Trial)
        public void setUp() throws Exception {
            for (int k = 0; k < names.length; k++) {
                names[k] = Value.of("sensor-" + k);
            }
            Path shm = Path.of("/dev/shm");
            folder = Files.isDirectory(shm) ? Files.createTempDirectory(shm, "hyphae-bench") : Files.createTempDirectory("hyphae-bench");
            replica = Replica.open(folder, new SecureRandom());
            for (int round = 0; round < 10; round++) {
                lastBatch = batch();
            }
        }

        CausalState<ORMap> batch() throws Exception {
            wallClock[0] += 1000;
            return replica.batch(DOCUMENT, this::writeRound).get();
        }

        void writeRound(WriteBatch batch) {
            for (Value key : names) {
                double reading = 15 + readings.nextDouble() * 15;
                batch.write(key, entries -> {
                    CausalContext context = entries.context();
                    return entries.store().update(key, CrdtType.LWW_REGISTER,
                            (LWWRegister r) -> r.write(context, replica.replicaId(), Value.of(reading), clock.next(r.greatestTimestamp())));
                });
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            replica.close();
            try (Stream<Path> files = Files.walk(folder)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** A batch of 1,000 writes, one per key, made durable as one record. */
    @Benchmark
    public CausalState<ORMap> batch(Writing writing) throws Exception {
        return writing.batch();
    }

    /** Encoding a batch's join of 1,000 writes: what the batch's views should cost about. */
    @Benchmark
    public byte[] encodeBatch(Writing writing) {
        return Codec.encode(writing.lastBatch);
    }
}
