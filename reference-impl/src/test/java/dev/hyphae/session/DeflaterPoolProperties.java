package dev.hyphae.session;

import dev.hyphae.ProtocolException;
import dev.hyphae.spec.Requirement;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Sessions whose sending streams borrow compressors from one pool smaller than the number of streams: whichever
 * stream loses its compressor to another starts again, and every receiver still inflates exactly what was sent; the
 * pool never holds more compressors than its capacity.
 */
class DeflaterPoolProperties {

    /** A payload that looks like a delta of the sensor workload: a recurring key and structure, a changing value. */
    private static byte[] payload(int sender, int n) {
        return ("hyphae-sensor-" + sender + "/temperature=" + (20 + n % 7) + ".5;dot=" + n + ";hyphae-sensor-" + sender)
                .repeat(1 + n % 3).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    @Provide
    Arbitrary<List<Integer>> schedules() {
        return Arbitraries.integers().between(0, 5).list().ofMinSize(1).ofMaxSize(60);
    }

    @Property(tries = 200)
    @Requirement({"HY-COMP-019", "HY-COMP-005", "HY-COMP-003"})
    void streamsThatShareFewCompressorsStayInStepWithTheirReceivers(@ForAll("schedules") List<Integer> schedule,
                                                                    @ForAll @IntRange(min = 1, max = 4) int capacity)
            throws ProtocolException {
        DeflaterPool pool = new DeflaterPool(capacity);
        List<DeltaCompression> senders = new ArrayList<>();
        List<DeltaCompression> receivers = new ArrayList<>();
        try {
            for (int i = 0; i < 6; i++) {
                senders.add(new DeltaCompression(true, pool));
                receivers.add(new DeltaCompression(true));
            }
            int n = 0;
            for (int who : schedule) {
                byte[] payload = payload(who, n++);
                // Each sender sends on two channels in turn, so that a session's own streams compete as well.
                long channel = 1 + n % 2;
                SessionMessage.Delta sent = senders.get(who).compress(
                        new SessionMessage.Delta(channel, SessionMessage.Kind.INTERVAL, 0, 1, payload), c -> true);
                SessionMessage.Delta received = receivers.get(who).inflate(
                        (SessionMessage.Delta) SessionCodec.decode(SessionCodec.encode(sent)), c -> true);
                assertArrayEquals(payload, received.payload());
                assertTrue(pool.alive() <= capacity, "no more compressors than the pool's capacity");
            }
        } finally {
            senders.forEach(DeltaCompression::close);
            receivers.forEach(DeltaCompression::close);
            pool.end();
        }
        assertEquals(0, pool.alive(), "closed sessions leave every compressor to the pool, which ends them");
    }

    @Test
    @Requirement("HY-COMP-019")
    void aStreamThatKeepsItsCompressorContinuesAndOneThatLostItStartsAgain() {
        DeflaterPool pool = new DeflaterPool(1);
        try {
            try (DeltaCompression a = new DeltaCompression(true, pool); DeltaCompression b = new DeltaCompression(true, pool)) {
                assertEquals(DeltaCompression.RESTART, a.compress(delta(payload(0, 0)), c -> true).compression());
                assertEquals(DeltaCompression.CONTINUE, a.compress(delta(payload(0, 1)), c -> true).compression(),
                        "the compressor still holds a's stream");
                assertEquals(DeltaCompression.RESTART, b.compress(delta(payload(1, 2)), c -> true).compression());
                assertEquals(DeltaCompression.RESTART, a.compress(delta(payload(0, 3)), c -> true).compression(),
                        "b took the one compressor: a's stream starts again");
                assertEquals(1, pool.alive());
            }
        } finally {
            pool.end();
        }
        assertEquals(0, pool.alive());
    }

    @Test
    void aPoolLendsNothingWhileEveryCompressorIsLentOut() {
        DeflaterPool pool = new DeflaterPool(1);
        try {
            DeflaterPool.Lease first = pool.borrow(new Object());
            assertNotNull(first);
            assertNull(pool.borrow(new Object()), "the one compressor is in use");
            pool.discard(first.deflater());
            DeflaterPool.Lease second = pool.borrow(new Object());
            assertNotNull(second, "a compressor given back is lent again");
            pool.discard(second.deflater());
        } finally {
            pool.end();
        }
        assertEquals(0, pool.alive(), "a pool ended with nothing lent out holds no compressor");
    }

    private static SessionMessage.Delta delta(byte[] payload) {
        return new SessionMessage.Delta(3, SessionMessage.Kind.INTERVAL, 0, 1, payload);
    }
}
