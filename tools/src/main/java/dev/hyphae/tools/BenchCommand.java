package dev.hyphae.tools;

import dev.hyphae.ProtocolException;
import dev.hyphae.codec.Codec;
import dev.hyphae.codec.ExternalTables;
import dev.hyphae.crdt.CausalState;
import dev.hyphae.crdt.CrdtType;
import dev.hyphae.crdt.HybridLogicalClock;
import dev.hyphae.crdt.LWWRegister;
import dev.hyphae.crdt.ORMap;
import dev.hyphae.data.CausalContext;
import dev.hyphae.data.ReplicaId;
import dev.hyphae.data.Value;
import dev.hyphae.framing.FramingLimits;
import dev.hyphae.session.DeltaCompression;
import dev.hyphae.session.SessionCodec;
import dev.hyphae.session.SessionMessage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.zip.Deflater;

/**
 * {@code hyphae bench sensor}: the size benchmark of the payload encoding, on the sensor workload.
 *
 * <p>One replica writes 1,000 keys {@code sensor-0} to {@code sensor-999}, each an LWWRegister of float64
 * inside one ORMap, in 100 rounds of one reading per key (100,000 writes, one simulated second per round).
 * Readings are pseudo-random and non-integral, from a fixed seed, so every run prints the same sizes. It
 * reports, raw and with raw deflate (RFC 1951, best compression): the delta of the last round's 1,000
 * writes, one single-write delta, and the full state; then the same deltas as a session sends them: session form,
 * with the keys named by their index in the session key table once a Delta has declared them (and without, for
 * comparison), compact form, the Delta message and its frame, and the negotiated compression on the channel's
 * stream; then the time to encode and decode the full state.
 * Times are medians of repeated runs in this JVM after a warm-up: figures of this machine, not a test.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, subcommands = {BenchCommand.Sensor.class, BenchCommand.Noise.class, SyncBench.class, ReplicaBench.class, DurableBench.class, LoadBench.class,
        BenchCommand.Startup.class},
        description = "Benchmarks. Figures, not tests: nothing here passes or fails.")
final class BenchCommand implements Runnable {

    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    /**
     * {@code tools/bench-startup}, the script that measures the peer's commands as a user starts them (each in a new
     * JVM, through the launcher): a script because what it measures is the JVM's start-up, which a command running in
     * this JVM cannot show. Its options are passed on unread.
     */
    @Command(name = "startup",
            description = {"Start-up and footprint of the peer's commands: runs tools/bench-startup with the options given"
                    + " (see tools/bench-startup --help); Linux, bash."})
    static final class Startup implements Callable<Integer> {
        @picocli.CommandLine.Unmatched
        List<String> arguments = new java.util.ArrayList<>();

        @Override
        public Integer call() throws Exception {
            String home = System.getProperty("hyphae.home");
            java.nio.file.Path script = java.nio.file.Path.of(home != null ? home : ".", "tools", "bench-startup")
                    .toAbsolutePath().normalize();
            List<String> command = new java.util.ArrayList<>(List.of("bash", script.toString()));
            command.addAll(arguments);
            return new ProcessBuilder(command).inheritIO().start().waitFor();
        }
    }

    @Command(name = "sensor", mixinStandardHelpOptions = true,
            description = "Payload sizes and codec times on the sensor workload (1,000 LWW float registers in one ORMap).")
    static final class Sensor implements Callable<Integer> {

        @Option(names = "--keys", defaultValue = "1000", description = "Number of keys (default: ${DEFAULT-VALUE}).")
        int keys;

        @Option(names = "--rounds", defaultValue = "100", description = "Rounds of one write per key (default: ${DEFAULT-VALUE}).")
        int rounds;

        @Option(names = "--iterations", defaultValue = "200", description = "Timed encodes and decodes of the full state (default: ${DEFAULT-VALUE}).")
        int iterations;

        @Override
        public Integer call() throws ProtocolException {
            ReplicaId replica = ReplicaId.fromHex("5e4503000000000000000000000000a1");
            Random readings = new Random(42);
            long[] wallClock = {1_767_225_600_000L}; // 2026-01-01T00:00:00Z
            HybridLogicalClock clock = new HybridLogicalClock(() -> wallClock[0]);

            CausalState<ORMap> state = new CausalState<>(ORMap.EMPTY, CausalContext.EMPTY);
            CausalState<ORMap> previousRound = null;
            CausalState<ORMap> lastRound = null;
            CausalState<ORMap> lastWrite = null;
            for (int round = 0; round < rounds; round++) {
                CausalState<ORMap> roundDelta = new CausalState<>(ORMap.EMPTY, CausalContext.EMPTY);
                for (int k = 0; k < keys; k++) {
                    Value key = Value.of("sensor-" + k);
                    // Full-precision random mantissas: the hardest case for any compression.
                    double reading = 15 + readings.nextDouble() * 15;
                    CausalContext context = state.context();
                    CausalState<ORMap> delta = state.store().update(key, CrdtType.LWW_REGISTER,
                            (LWWRegister r) -> r.write(context, replica, Value.of(reading), clock.next(r.greatestTimestamp())));
                    state = state.join(delta);
                    roundDelta = roundDelta.join(delta);
                    lastWrite = delta;
                }
                previousRound = lastRound;
                lastRound = roundDelta;
                wallClock[0] += 1000;
            }

            byte[] roundBytes = Codec.encode(lastRound);
            byte[] writeBytes = Codec.encode(lastWrite);
            byte[] stateBytes = Codec.encode(state);
            // Each payload must decode to what was encoded, or its size would mean nothing.
            check(lastRound, roundBytes);
            check(lastWrite, writeBytes);
            check(state, stateBytes);

            System.out.printf("Sensor workload: %d keys, %d rounds, %d writes by one replica%n", keys, rounds, keys * rounds);
            System.out.printf("%-40s %10s %14s%n", "payload", "bytes", "deflated bytes");
            row("(a) delta of the last round's " + keys + " writes", roundBytes);
            row("(b) delta of one write", writeBytes);
            row("(c) full state", stateBytes);

            // In a session: the replica is entry 0 of the session replica table (its Open put it there), and once a
            // Delta has declared the keys, in the order of first write, ORMap entries name them by key index and come
            // in that order (key_indexes); payloads then travel in session form or, when smaller, in the compact form.
            List<ReplicaId> replicas = List.of(replica);
            List<Value> keysInWriteOrder = new java.util.ArrayList<>();
            for (int k = 0; k < keys; k++) {
                keysInWriteOrder.add(Value.of("sensor-" + k));
            }
            ExternalTables tables = new ExternalTables(replicas, keysInWriteOrder);
            byte[] writeSession = Codec.encode(lastWrite, replicas);
            byte[] writeCompact = Codec.encodeCompact(lastWrite, replicas).orElseThrow();
            byte[] roundKeysCarried = Codec.encode(lastRound, replicas);
            byte[] roundSession = Codec.encode(lastRound, tables);
            checkSessionForm(lastRound, roundSession, tables);
            long seq = (long) keys * rounds;
            byte[] writeMessage = SessionCodec.encode(new SessionMessage.Delta(1, SessionMessage.Kind.INTERVAL, seq - 1, seq,
                    writeCompact, List.of(), true));
            byte[] roundMessage = SessionCodec.encode(delta(roundSession, false, List.of()));
            byte[] declaringMessage = SessionCodec.encode(delta(roundSession, false, keysInWriteOrder));
            System.out.println();
            System.out.println("In a session, the replica's id in the session replica table, the keys in the session key table:");
            System.out.printf("%-68s %8d%n", "(a) 1,000 writes, session form, keys by session index", roundSession.length);
            System.out.printf("%-68s %8d%n", "    its Delta message", roundMessage.length);
            System.out.printf("%-68s %8d%n", "    the same Delta declaring the 1,000 keys (first round)", declaringMessage.length);
            System.out.printf("%-68s %8d%n", "(a) 1,000 writes, session form, keys carried (no key table)", roundKeysCarried.length);
            System.out.printf("%-68s %8d%n", "(b) one write, columnar, session form", writeSession.length);
            System.out.printf("%-68s %8d%n", "(b) one write, compact form: the payload sent", writeCompact.length);
            System.out.printf("%-68s %8d%n", "    its Delta message (session envelope)", writeMessage.length);
            System.out.printf("%-68s %8d%n", "    its frame on the wire (+2 length, 1 flags, 16 tag)",
                    writeMessage.length + 2 + FramingLimits.FRAME_OVERHEAD);

            // Negotiated compression: the channel's DEFLATE stream carries the previous round's delta first, as a
            // session streaming the workload would, and then the last round's.
            try (DeltaCompression compression = new DeltaCompression(true)) {
                compression.compress(delta(Codec.encode(previousRound, tables), false, List.of()), c -> true);
                SessionMessage.Delta round = compression.compress(delta(roundSession, false, List.of()), c -> true);
                System.out.printf("%-68s %8d%n", "(a) 1,000 writes, keys by index, compressed after the round before",
                        round.payload().length);
            }
            try (DeltaCompression compression = new DeltaCompression(true)) {
                SessionMessage.Delta round = compression.compress(delta(roundSession, false, List.of()), c -> true);
                System.out.printf("%-68s %8d%n", "(a) 1,000 writes, keys by index, compressed on a new stream", round.payload().length);
            }
            try (DeltaCompression compression = new DeltaCompression(true)) {
                SessionMessage.Delta round = compression.compress(delta(roundKeysCarried, false, List.of()), c -> true);
                System.out.printf("%-68s %8d%n", "(a) 1,000 writes, keys carried, compressed on a new stream", round.payload().length);
            }

            long[] encode = new long[iterations];
            long[] decode = new long[iterations];
            for (int warm = 0; warm < iterations; warm++) {
                Codec.decode(Codec.encode(state));
            }
            for (int i = 0; i < iterations; i++) {
                long t0 = System.nanoTime();
                Codec.encode(state);
                long t1 = System.nanoTime();
                Codec.decode(stateBytes);
                long t2 = System.nanoTime();
                encode[i] = t1 - t0;
                decode[i] = t2 - t1;
            }
            System.out.printf("full state: encode %.2f ms, decode (verify included) %.2f ms (medians of %d, after %d warm-up runs)%n",
                    median(encode) / 1e6, median(decode) / 1e6, iterations, iterations);
            return 0;
        }

        private static SessionMessage.Delta delta(byte[] payload, boolean compact, List<Value> declaredKeys) {
            return new SessionMessage.Delta(1, SessionMessage.Kind.INTERVAL, 0, 1000, payload, List.of(), compact,
                    DeltaCompression.NONE, 0, declaredKeys);
        }

        /** A session-form payload must decode, against its tables, to what was encoded. */
        private static void checkSessionForm(CausalState<ORMap> state, byte[] bytes, ExternalTables tables) throws ProtocolException {
            if (!Codec.decode(bytes, tables).state().equals(state)) {
                throw new IllegalStateException("a session-form payload did not decode to what was encoded");
            }
        }

        private static void check(CausalState<ORMap> state, byte[] bytes) throws ProtocolException {
            if (!Codec.decode(bytes).state().equals(state)) {
                throw new IllegalStateException("a payload did not decode to what was encoded");
            }
        }

        private static void row(String name, byte[] bytes) {
            System.out.printf("%-40s %10d %14d%n", name, bytes.length, deflate(bytes).length);
        }

        static byte[] deflate(byte[] bytes) {
            Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
            deflater.setInput(bytes);
            deflater.finish();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] chunk = new byte[8192];
            while (!deflater.finished()) {
                out.write(chunk, 0, deflater.deflate(chunk));
            }
            deflater.end();
            return out.toByteArray();
        }

        private static double median(long[] values) {
            long[] sorted = values.clone();
            Arrays.sort(sorted);
            return sorted[sorted.length / 2];
        }
    }

    @Command(name = "noise", mixinStandardHelpOptions = true,
            description = "Handshakes per second and transport throughput, each beside the cost of its bare primitives "
                    + "measured in the same run.")
    static final class Noise implements Callable<Integer> {

        @Option(names = "--seconds", defaultValue = "3", description = "Seconds per measurement (default: ${DEFAULT-VALUE}).")
        double seconds;

        private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

        /** Operations per second of {@code op}, after a warm-up of the same length. */
        private double rate(Op op) throws Exception {
            long budget = (long) (seconds * 1e9);
            for (long end = System.nanoTime() + budget; System.nanoTime() < end; ) {
                op.run();
            }
            long count = 0;
            long start = System.nanoTime();
            long end = start + budget;
            long now;
            do {
                op.run();
                count++;
                now = System.nanoTime();
            } while (now < end);
            return count / ((now - start) / 1e9);
        }

        interface Op {
            void run() throws Exception;
        }

        @Override
        public Integer call() throws Exception {
            dev.hyphae.noise.KeyPair alice = dev.hyphae.noise.KeyPair.generate(RANDOM);
            dev.hyphae.noise.KeyPair bob = dev.hyphae.noise.KeyPair.generate(RANDOM);
            dev.hyphae.handshake.HyphaeHandshake.Credentials aliceTrustsBob = new dev.hyphae.handshake.HyphaeHandshake.Credentials(alice, null,
                    dev.hyphae.handshake.TrustStore.of(java.util.List.of(bob.publicKey()), java.util.List.of()), System::currentTimeMillis);
            dev.hyphae.handshake.HyphaeHandshake.Credentials bobTrustsAlice = new dev.hyphae.handshake.HyphaeHandshake.Credentials(bob, null,
                    dev.hyphae.handshake.TrustStore.of(java.util.List.of(alice.publicKey()), java.util.List.of()), System::currentTimeMillis);
            dev.hyphae.handshake.Negotiation.Offer offer = new dev.hyphae.handshake.Negotiation.Offer(
                    java.util.List.of(dev.hyphae.handshake.ProtocolVersion.V1_0), new java.util.TreeSet<>());

            // The floor of an XX handshake, both sides together: 2 X25519 key generations and 6 agreements.
            byte[] priv = new byte[32];
            byte[] pub = new byte[32];
            byte[] shared = new byte[32];
            byte[] peer = bob.publicKey();
            double floor = rate(() -> {
                for (int k = 0; k < 2; k++) {
                    org.bouncycastle.math.ec.rfc7748.X25519.generatePrivateKey(RANDOM, priv);
                    org.bouncycastle.math.ec.rfc7748.X25519.generatePublicKey(priv, 0, pub, 0);
                }
                for (int d = 0; d < 6; d++) {
                    org.bouncycastle.math.ec.rfc7748.X25519.calculateAgreement(priv, 0, peer, 0, shared, 0);
                }
            });
            double handshakes = rate(() -> {
                dev.hyphae.handshake.HyphaeHandshake.Initiator i = new dev.hyphae.handshake.HyphaeHandshake.Initiator(aliceTrustsBob, offer, RANDOM);
                dev.hyphae.handshake.HyphaeHandshake.Responder r = new dev.hyphae.handshake.HyphaeHandshake.Responder(bobTrustsAlice,
                        java.util.List.of(dev.hyphae.handshake.ProtocolVersion.V1_0), java.util.Set.of(), RANDOM);
                r.onConfirmation(i.onSelection(r.onOffer(i.start())));
            });
            System.out.printf("handshakes (XX, both sides, payloads included): %8.0f /s%n", handshakes);
            System.out.printf("primitive floor (2 X25519 keygens + 6 agreements): %8.0f /s, handshake cost %.2fx the floor%n",
                    floor, floor / handshakes);

            // Transport: one 16 KiB frame's worth of message at a time, against raw ChaCha20-Poly1305 over the same bytes.
            dev.hyphae.handshake.HyphaeHandshake.Initiator i = new dev.hyphae.handshake.HyphaeHandshake.Initiator(aliceTrustsBob, offer, RANDOM);
            dev.hyphae.handshake.HyphaeHandshake.Responder r = new dev.hyphae.handshake.HyphaeHandshake.Responder(bobTrustsAlice,
                    java.util.List.of(dev.hyphae.handshake.ProtocolVersion.V1_0), java.util.Set.of(), RANDOM);
            r.onConfirmation(i.onSelection(r.onOffer(i.start())));
            int frame = 16 * 1024;
            byte[] message = new byte[frame - dev.hyphae.framing.FramingLimits.FRAME_OVERHEAD];
            RANDOM.nextBytes(message);
            java.io.OutputStream sink = java.io.OutputStream.nullOutputStream();
            dev.hyphae.framing.FramedChannel channel = new dev.hyphae.framing.FramedChannel(
                    java.io.InputStream.nullInputStream(), sink, i.result().sender(), i.result().receiver(), frame, frame);
            double frames = rate(() -> channel.send(message));
            byte[] key = new byte[32];
            RANDOM.nextBytes(key);
            byte[] plaintext = new byte[1 + message.length]; // Flags and Fragment of the same frame
            byte[] out = new byte[frame];
            long[] nonce = {0};
            double raw = rate(() -> {
                org.bouncycastle.crypto.modes.ChaCha20Poly1305 aead = new org.bouncycastle.crypto.modes.ChaCha20Poly1305();
                byte[] iv = new byte[12];
                long n = nonce[0]++;
                for (int b = 0; b < 8; b++) {
                    iv[4 + b] = (byte) (n >>> (8 * b));
                }
                aead.init(true, new org.bouncycastle.crypto.params.AEADParameters(new org.bouncycastle.crypto.params.KeyParameter(key), 128, iv));
                int len = aead.processBytes(plaintext, 0, plaintext.length, out, 0);
                aead.doFinal(out, len);
            });
            System.out.printf("transport, 16 KiB frames: %8.1f MiB/s; raw ChaCha20-Poly1305 over the same bytes: %8.1f MiB/s; %.2fx raw%n",
                    frames * frame / 1048576.0, raw * frame / 1048576.0, frames / raw);
            return 0;
        }
    }
}
