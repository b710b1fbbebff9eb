package dev.hyphae.session;

import dev.hyphae.ErrorCode;
import dev.hyphae.ProtocolException;
import dev.hyphae.data.Limits;
import dev.hyphae.spec.Requirement;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.Deflater;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Compressed Delta payloads: across a stream of messages inflating undoes compressing; a mutated or truncated stream
 * is refused with a compression code or yields bytes within the bound, never anything else; bombs, flags the session
 * does not allow, and streams beyond the limit are refused with their codes.
 */
class DeltaCompressionProperties {

    private static final long CHANNEL = 7;

    /** Payloads that look like deltas of one document: runs of a few recurring fragments, and noise. */
    @Provide
    Arbitrary<List<byte[]>> streams() {
        Arbitrary<byte[]> payload = Arbitraries.integers().between(1, 3000).flatMap(size -> Arbitraries.longs().map(seed -> {
            Random r = new Random(seed);
            byte[] b = new byte[size];
            for (int i = 0; i < size; i++) {
                b[i] = r.nextInt(4) == 0 ? (byte) r.nextInt() : (byte) "hyphae-sensor-".charAt(i % 14);
            }
            return b;
        }));
        return payload.list().ofMinSize(1).ofMaxSize(12);
    }

    @Property(tries = 200)
    @Requirement({"HY-COMP-003", "HY-COMP-004", "HY-COMP-005", "HY-COMP-009"})
    void inflatingUndoesCompressingAcrossAStream(@ForAll("streams") List<byte[]> payloads) throws ProtocolException {
        try (DeltaCompression sender = new DeltaCompression(true); DeltaCompression receiver = new DeltaCompression(true)) {
            for (byte[] payload : payloads) {
                SessionMessage.Delta sent = sender.compress(delta(payload), c -> true);
                assertTrue(sent.payload().length <= payload.length, "never larger than the payload");
                SessionMessage.Delta received = receiver.inflate(SessionCodec.decode(SessionCodec.encode(sent)) instanceof SessionMessage.Delta d
                        ? d : null, c -> true);
                assertArrayEquals(payload, received.payload());
                assertEquals(DeltaCompression.NONE, received.compression());
            }
        }
    }

    @Property(tries = 300)
    @Requirement({"HY-COMP-007", "HY-COMP-008"})
    void aMutatedOrTruncatedStreamIsRefusedWithItsCodeOrStaysWithinTheBound(@ForAll("streams") List<byte[]> payloads,
                                                                             @ForAll @IntRange(min = 0, max = 11) int which,
                                                                             @ForAll int where, @ForAll byte xor, @ForAll boolean truncate) {
        List<SessionMessage.Delta> sent = new ArrayList<>();
        try (DeltaCompression sender = new DeltaCompression(true)) {
            for (byte[] payload : payloads) {
                sent.add(sender.compress(delta(payload), c -> true));
            }
        }
        SessionMessage.Delta victim = sent.get(which % sent.size());
        byte[] bytes = victim.payload();
        int at = Math.floorMod(where, bytes.length);
        byte[] mutated = truncate ? Arrays.copyOf(bytes, Math.max(1, at)) : bytes.clone();
        if (!truncate) {
            mutated[at] ^= xor == 0 ? 1 : xor;
        }
        sent.set(which % sent.size(), victim.withPayload(mutated, victim.compression()));
        try (DeltaCompression receiver = new DeltaCompression(true)) {
            for (SessionMessage.Delta d : sent) {
                byte[] inflated = receiver.inflate(d, c -> true).payload();
                assertTrue(inflated.length <= DeltaCompression.bound(d.payload().length) || d.compression() == DeltaCompression.NONE);
            }
        } catch (ProtocolException e) {
            assertTrue(e.code() == ErrorCode.MALFORMED_COMPRESSION || e.code() == ErrorCode.COMPRESSION_LIMIT_EXCEEDED, e.getMessage());
            assertEquals(ProtocolException.Phase.FRAME, e.phase().orElseThrow());
        }
    }

    @Test
    @Requirement("HY-COMP-008")
    void aBombPastTheRatioIsRefused() throws ProtocolException {
        byte[] zeros = new byte[1024 * 1024];
        byte[] compressed = rawSyncFlush(zeros);
        assertTrue(zeros.length > DeltaCompression.bound(compressed.length));
        assertRefused(ErrorCode.COMPRESSION_LIMIT_EXCEEDED, new DeltaCompression(true), DeltaCompression.RESTART, compressed);
    }

    @Test
    @Requirement("HY-COMP-008")
    void aBombPastMaxPayloadSizeIsRefused() throws ProtocolException {
        // Random bytes do not compress: within the ratio, but past MAX_PAYLOAD_SIZE.
        byte[] noise = new byte[Limits.MAX_PAYLOAD_SIZE + 1];
        new Random(1).nextBytes(noise);
        assertRefused(ErrorCode.COMPRESSION_LIMIT_EXCEEDED, new DeltaCompression(true), DeltaCompression.RESTART, rawSyncFlush(noise));
    }

    @Test
    @Requirement({"HY-COMP-001", "HY-COMP-005", "HY-COMP-006"})
    void flagsTheSessionDoesNotAllowAreRefused() throws ProtocolException {
        byte[] compressed = rawSyncFlush("a payload".getBytes());
        assertRefused(ErrorCode.MALFORMED_COMPRESSION, new DeltaCompression(false), DeltaCompression.RESTART, compressed);
        assertRefused(ErrorCode.MALFORMED_COMPRESSION, new DeltaCompression(false), DeltaCompression.CONTINUE, compressed);
        assertRefused(ErrorCode.MALFORMED_COMPRESSION, new DeltaCompression(true), 3, compressed);
        assertRefused(ErrorCode.MALFORMED_COMPRESSION, new DeltaCompression(true), DeltaCompression.CONTINUE, compressed);
        // An uncompressed payload ends the stream: a continuation after it has none to continue.
        DeltaCompression receiver = new DeltaCompression(true);
        assertArrayEquals("a payload".getBytes(), receiver.inflate(CHANNEL, DeltaCompression.RESTART, compressed, c -> true));
        receiver.inflate(CHANNEL, DeltaCompression.NONE, new byte[] {1}, c -> true);
        assertRefused(ErrorCode.MALFORMED_COMPRESSION, receiver, DeltaCompression.CONTINUE, rawSyncFlush(new byte[] {2}));
    }

    @Test
    @Requirement({"HY-COMP-010", "HY-COMP-014"})
    void streamsBeyondTheLimitAreRefusedUntilAChannelCloses() throws ProtocolException {
        DeltaCompression receiver = new DeltaCompression(true);
        byte[] compressed = rawSyncFlush("x".getBytes());
        for (long channel = 1; channel <= CompressionLimits.MAX_COMPRESSED_CHANNELS; channel++) {
            receiver.inflate(channel, DeltaCompression.RESTART, compressed, c -> true);
        }
        ProtocolException e = assertThrows(ProtocolException.class,
                () -> receiver.inflate(100, DeltaCompression.RESTART, compressed, c -> true));
        assertEquals(ErrorCode.COMPRESSION_LIMIT_EXCEEDED, e.code());
        // Channel 3 closed: its stream ended with it, and a new one fits.
        assertArrayEquals("x".getBytes(), receiver.inflate(100, DeltaCompression.RESTART, compressed, c -> c != 3));
    }

    @Test
    @Requirement("HY-COMP-010")
    void aSenderStartsNoStreamBeyondTheLimit() {
        try (DeltaCompression sender = new DeltaCompression(true)) {
            byte[] payload = "a payload that compresses, a payload that compresses".getBytes();
            for (long channel = 1; channel <= CompressionLimits.MAX_COMPRESSED_CHANNELS + 3; channel++) {
                SessionMessage.Delta sent = sender.compress(new SessionMessage.Delta(channel, SessionMessage.Kind.STATE, 0, 1, payload), c -> true);
                assertEquals(channel <= CompressionLimits.MAX_COMPRESSED_CHANNELS ? DeltaCompression.RESTART : DeltaCompression.NONE,
                        sent.compression());
            }
        }
    }

    @Test
    @Requirement("HY-COMP-007")
    void aFinalBlockAndATruncatedPayloadAreRefused() {
        Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        deflater.setInput("a payload that ends its stream".getBytes());
        deflater.finish();
        byte[] out = new byte[256];
        byte[] finished = Arrays.copyOf(out, deflater.deflate(out));
        deflater.end();
        assertRefused(ErrorCode.MALFORMED_COMPRESSION, new DeltaCompression(true), DeltaCompression.RESTART, finished);
        // Cut inside a block: the four bytes appended to end the flush land inside the block and inflate to something.
        byte[] noise = new byte[300];
        new Random(2).nextBytes(noise);
        byte[] whole = rawSyncFlush(noise);
        assertRefused(ErrorCode.MALFORMED_COMPRESSION, new DeltaCompression(true), DeltaCompression.RESTART,
                Arrays.copyOf(whole, whole.length / 2));
    }

    private static SessionMessage.Delta delta(byte[] payload) {
        return new SessionMessage.Delta(CHANNEL, SessionMessage.Kind.INTERVAL, 0, 1, payload);
    }

    private static void assertRefused(ErrorCode code, DeltaCompression receiver, int compression, byte[] payload) {
        ProtocolException e = assertThrows(ProtocolException.class, () -> receiver.inflate(CHANNEL, compression, payload, c -> true));
        assertEquals(code, e.code(), e.getMessage());
        assertEquals(ProtocolException.Phase.FRAME, e.phase().orElseThrow());
    }

    /** What the chapter's sender writes for {@code data} as the first payload of a stream, with java.util.zip alone. */
    static byte[] rawSyncFlush(byte[] data) {
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
        deflater.setInput(data);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        byte[] chunk = new byte[8192];
        int n;
        do {
            n = deflater.deflate(chunk, 0, chunk.length, Deflater.SYNC_FLUSH);
            out.write(chunk, 0, n);
        } while (n == chunk.length);
        deflater.end();
        byte[] all = out.toByteArray();
        return Arrays.copyOf(all, all.length - 4);
    }
}
