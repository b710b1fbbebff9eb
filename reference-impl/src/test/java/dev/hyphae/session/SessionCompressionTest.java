package dev.hyphae.session;

import dev.hyphae.ErrorCode;
import dev.hyphae.codec.Codec;
import dev.hyphae.crdt.CausalState;
import dev.hyphae.crdt.CrdtType;
import dev.hyphae.crdt.ORMap;
import dev.hyphae.crdt.PNCounter;
import dev.hyphae.data.CausalContext;
import dev.hyphae.data.ReplicaId;
import dev.hyphae.data.Value;
import dev.hyphae.handshake.AccessPolicy.Right;
import dev.hyphae.spec.Requirement;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.zip.Deflater;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One session with compression in force, or not, driven message by message as a peer would drive it, against a
 * replica on real files: compressed deltas are inflated before anything else looks at them, even the ones then
 * refused, and compression that the session does not allow ends it.
 */
class SessionCompressionTest extends ReplicaSessionFixture {

    private Session session(Right right, boolean deflate) {
        return session(grant(right), OPTIONS.withDeflate(deflate));
    }

    private static byte[] increment(long seq, long amount) {
        CausalState<ORMap> delta = ORMap.EMPTY.update(Value.of("kwh"), CrdtType.PNCOUNTER,
                (PNCounter c) -> c.increment(CausalContext.of(seq > 1 ? List.of(new dev.hyphae.data.Dot(PEER, seq - 1)) : List.of()), PEER, amount));
        return Codec.encode(delta);
    }

    private long openDocument(Session s, String document) {
        s.receive(new SessionMessage.Open(9, document, Right.WRITE, Right.WRITE, PEER, new TreeMap<>(), null, 0, 8), 0);
        return sent.stream().filter(m -> m instanceof SessionMessage.Open).map(m -> ((SessionMessage.Open) m).channel()).findFirst().orElseThrow();
    }

    private List<SessionMessage.SessionError> errors() {
        return sent.stream().filter(m -> m instanceof SessionMessage.SessionError).map(m -> (SessionMessage.SessionError) m).toList();
    }

    @Test
    @Requirement({"HY-COMP-005", "HY-COMP-012"})
    void compressedDeltasAreInflatedOnTheChannelsStreamThenJoinedAndAcknowledged() {
        Session s = session(Right.WRITE, true);
        long channel = openDocument(s, "plant");
        Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        s.receive(new SessionMessage.Delta(channel, SessionMessage.Kind.INTERVAL, 0, 1, syncFlush(deflater, increment(1, 5)), List.of(), false, 2), 0);
        s.receive(new SessionMessage.Delta(channel, SessionMessage.Kind.INTERVAL, 1, 2, syncFlush(deflater, increment(2, 7)), List.of(), false, 1), 0);
        deflater.end();
        s.flush();
        assertTrue(sent.contains(new SessionMessage.Ack(9, 2)), sent.toString());
        PNCounter kwh = replica.state("plant").store().get(Value.of("kwh"), CrdtType.PNCOUNTER);
        assertEquals(12, kwh.value().intValue());
        assertFalse(s.ended());
    }

    @Test
    @Requirement({"HY-COMP-013", "HY-SESS-078"})
    void aDeltaRefusedForItsRightsIsInflatedAllTheSame() throws IOException {
        // A reader is served only a document that this replica holds (HY-SESS-060).
        write(1);
        Session s = session(Right.READ, true);
        long channel = openDocument(s, "plant");
        Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        s.receive(new SessionMessage.Delta(channel, SessionMessage.Kind.INTERVAL, 0, 1, syncFlush(deflater, increment(1, 5)), List.of(), false, 2), 0);
        // The second continues the stream: it inflates only if the first was inflated though refused.
        s.receive(new SessionMessage.Delta(channel, SessionMessage.Kind.INTERVAL, 1, 2, syncFlush(deflater, increment(2, 7)), List.of(), false, 1), 0);
        deflater.end();
        assertFalse(s.ended(), sent.toString());
        assertEquals(List.of(ErrorCode.ACCESS_DENIED.value(), ErrorCode.ACCESS_DENIED.value()), errors().stream().map(e -> e.code()).toList());
    }

    @Test
    @Requirement({"HY-COMP-001", "HY-COMP-006"})
    void aCompressedDeltaOnASessionWithoutDeflateEndsIt() {
        Session s = session(Right.WRITE, false);
        long channel = openDocument(s, "plant");
        Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        s.receive(new SessionMessage.Delta(channel, SessionMessage.Kind.INTERVAL, 0, 1, syncFlush(deflater, increment(1, 5)), List.of(), false, 2), 0);
        deflater.end();
        assertTrue(s.ended());
        assertEquals(new SessionMessage.SessionError(0, 0, ErrorCode.MALFORMED_COMPRESSION.value(), errors().get(0).detail()), errors().get(0));
        assertEquals(0, replica.state("plant").context().versionVector().size(), "nothing of the delta is applied");
    }

    @Test
    @Requirement({"HY-COMP-002", "HY-COMP-003", "HY-COMP-004"})
    void aSessionCompressesTheDeltasItSendsAndNothingElse() throws Exception {
        for (int i = 1; i <= 3; i++) {
            write(i);
        }
        Session s = session(Right.WRITE, true);
        s.start(0, List.of());
        openDocument(s, "plant");
        List<SessionMessage.Delta> deltas = sent.stream().filter(m -> m instanceof SessionMessage.Delta).map(m -> (SessionMessage.Delta) m).toList();
        assertFalse(deltas.isEmpty(), sent.toString());
        SessionMessage.Open open = (SessionMessage.Open) sent.stream().filter(m -> m instanceof SessionMessage.Open).findFirst().orElseThrow();
        assertEquals("plant", open.document(), "an Open travels as it is");
        try (DeltaCompression peer = new DeltaCompression(true)) {
            CausalState<ORMap> received = null;
            // The table starts with the sender's replica id, from its Open (HY-SESS-110).
            List<ReplicaId> table = new java.util.ArrayList<>(List.of(open.replica()));
            for (SessionMessage.Delta d : deltas) {
                assertTrue(d.compression() == DeltaCompression.RESTART || d.compression() == DeltaCompression.CONTINUE
                        || d.compression() == DeltaCompression.NONE);
                byte[] payload = peer.inflate(d, c -> true).payload();
                // In either form, against the session replica table that the deltas declare.
                table.addAll(d.replicas());
                @SuppressWarnings("unchecked")
                CausalState<ORMap> state = (CausalState<ORMap>) (CausalState<?>) (d.compact()
                        ? Codec.decodeCompact(payload, table) : Codec.decode(payload, table).state());
                received = received == null ? state : received.join(state);
            }
            assertEquals(replica.state("plant"), received);
        }
    }

    private void write(long amount) throws IOException {
        ReplicaId self = replica.replicaId();
        replica.write("plant", state -> state.store().update(Value.of("kwh"), CrdtType.PNCOUNTER,
                (PNCounter c) -> c.increment(state.context(), self, amount)));
    }

    private static byte[] syncFlush(Deflater deflater, byte[] data) {
        deflater.setInput(data);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        byte[] chunk = new byte[4096];
        int n;
        do {
            n = deflater.deflate(chunk, 0, chunk.length, Deflater.SYNC_FLUSH);
            out.write(chunk, 0, n);
        } while (n == chunk.length);
        byte[] all = out.toByteArray();
        return java.util.Arrays.copyOf(all, all.length - 4);
    }
}
