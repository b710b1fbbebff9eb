package dev.hyphae.tools;

import dev.hyphae.data.ReplicaId;
import dev.hyphae.handshake.AccessPolicy.Right;
import dev.hyphae.session.SessionCodec;
import dev.hyphae.session.SessionMessage;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The annotation that {@code hyphae bench sync --layout} prints: every byte of a session message in exactly one
 * region, and the regions marked as data holding exactly the values of the fields that the message writes.
 */
class SessionLayoutAnnotatorTest {

    private static final ReplicaId A = ReplicaId.fromHex("0102030405060708090a0b0c0d0e0f10");
    private static final ReplicaId B = ReplicaId.fromHex("1112131415161718191a1b1c1d1e1f20");

    @Test
    void everyByteOfEveryMessageIsInExactlyOneRegion() {
        TreeMap<ReplicaId, Long> summary = new TreeMap<>();
        summary.put(A, 3L);
        summary.put(B, 9L);
        for (SessionMessage m : List.of(
                new SessionMessage.Open(5, "sensors", Right.WRITE, Right.READ, A, summary, B, 7, 16, 0),
                new SessionMessage.Open(2, null, Right.READ, Right.WRITE, B, null, null, 4, 32, 9),
                new SessionMessage.Delta(3, SessionMessage.Kind.INTERVAL, 4, 9, new byte[] {1, 2, 3}, List.of(A, B), true, 0, 6),
                new SessionMessage.Delta(1, SessionMessage.Kind.STATE, 0, 2, new byte[] {1, 2, 3, 4, 5}),
                new SessionMessage.Ack(1, 11),
                new SessionMessage.SessionError(4, 2, 101, "bad delta"),
                new SessionMessage.Summary(2, summary),
                new SessionMessage.Close(0, 0, ""))) {
            byte[] bytes = SessionCodec.encode(m);
            List<SessionLayoutAnnotator.Region> regions = SessionLayoutAnnotator.annotate(bytes);
            int at = 0;
            for (SessionLayoutAnnotator.Region r : regions) {
                assertEquals(at, r.start(), m + ": " + regions);
                assertTrue(r.end() > r.start(), m + ": " + regions);
                at = r.end();
            }
            assertEquals(bytes.length, at, m + ": " + regions);
        }
    }

    @Test
    void theDataOfAnAckAreItsTypeAndTheScalarsItWrites() {
        // The channel, 1, is the default and left out: the data are the message type (1 byte) and seq (8 bytes).
        byte[] ack = SessionCodec.encode(new SessionMessage.Ack(1, 11));
        List<SessionLayoutAnnotator.Region> regions = SessionLayoutAnnotator.annotate(ack);
        assertEquals(9, ack.length - SessionLayoutAnnotator.framingBytes(regions), String.valueOf(regions));
        assertTrue(regions.stream().anyMatch(r -> !r.framing() && r.label().startsWith("Ack.seq = 11")), String.valueOf(regions));
        assertTrue(regions.stream().noneMatch(r -> r.label().startsWith("Ack.channel")), String.valueOf(regions));
    }

    @Test
    void aDeltasPayloadIsOneRegionOfDataBehindItsLength() {
        byte[] payload = new byte[32];
        byte[] delta = SessionCodec.encode(new SessionMessage.Delta(2, SessionMessage.Kind.INTERVAL, 10, 11, payload, List.of(), true));
        List<SessionLayoutAnnotator.Region> regions = SessionLayoutAnnotator.annotate(delta);
        SessionLayoutAnnotator.Region compact = regions.stream().filter(r -> r.label().startsWith("Delta.compact: the CRDT payload"))
                .findFirst().orElseThrow(() -> new AssertionError(String.valueOf(regions)));
        assertEquals(32, compact.length());
        assertTrue(regions.stream().anyMatch(r -> r.framing() && r.end() == compact.start() && r.label().equals("Delta.compact: length 32")),
                String.valueOf(regions));
        // from_seq and channel are written; kind (an interval) and to_seq (from_seq + 1) are left out.
        assertTrue(regions.stream().anyMatch(r -> r.label().startsWith("Delta.from_seq = 10")), String.valueOf(regions));
        assertTrue(regions.stream().anyMatch(r -> r.label().startsWith("Delta.channel = 2")), String.valueOf(regions));
        assertTrue(regions.stream().noneMatch(r -> r.label().startsWith("Delta.kind") || r.label().startsWith("Delta.to_seq")),
                String.valueOf(regions));
    }
}
