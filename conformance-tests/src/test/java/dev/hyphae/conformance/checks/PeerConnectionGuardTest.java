package dev.hyphae.conformance.checks;

import dev.hyphae.ErrorCode;
import dev.hyphae.ProtocolException;
import dev.hyphae.data.ReplicaId;
import dev.hyphae.framing.FramedChannel;
import dev.hyphae.handshake.AccessPolicy.Right;
import dev.hyphae.handshake.HyphaeHandshake;
import dev.hyphae.handshake.Negotiation;
import dev.hyphae.handshake.ProtocolVersion;
import dev.hyphae.handshake.TrustStore;
import dev.hyphae.noise.KeyPair;
import dev.hyphae.session.SessionCodec;
import dev.hyphae.session.SessionMessage;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.Socket;
import java.security.SecureRandom;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The suite keeps nothing on stable storage, so on a connection where it announced {@code durable-acks} it sends no Ack,
 * no Delta with an ack and no Open with a held_seq (HY-SESS-153, HY-CONF-048), by whichever of its client's methods it
 * sends: the plain one, the one for messages built field by field, and the attacker's. The client's frames go to a byte
 * array here, so that a test sees whether anything was sent.
 */
class PeerConnectionGuardTest {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final ByteArrayOutputStream wire = new ByteArrayOutputStream();

    /** A client over a handshake run in memory; its frames are written to {@link #wire}. */
    private PeerConnection connection(boolean announcedDurableAcks) throws ProtocolException {
        return connection(announcedDurableAcks, wire, new Socket());
    }

    private static PeerConnection connection(boolean announcedDurableAcks, java.io.OutputStream wire, Socket socket)
            throws ProtocolException {
        KeyPair suite = KeyPair.generate(RANDOM);
        KeyPair peer = KeyPair.generate(RANDOM);
        HyphaeHandshake.Initiator i = new HyphaeHandshake.Initiator(new HyphaeHandshake.Credentials(suite, null,
                TrustStore.of(List.of(peer.publicKey()), List.of()), System::currentTimeMillis),
                new Negotiation.Offer(List.of(ProtocolVersion.V1_0), new TreeSet<>()), RANDOM);
        HyphaeHandshake.Responder r = new HyphaeHandshake.Responder(new HyphaeHandshake.Credentials(peer, null,
                TrustStore.of(List.of(suite.publicKey()), List.of()), System::currentTimeMillis), List.of(ProtocolVersion.V1_0),
                Set.of(), RANDOM);
        r.onConfirmation(i.onSelection(r.onOffer(i.start())));
        HyphaeHandshake.Result result = i.result();
        FramedChannel channel = new FramedChannel(new ByteArrayInputStream(new byte[0]), wire, result.sender(), result.receiver(),
                result.sendFrameSize(), result.receiveFrameSize());
        return PeerConnection.afterHandshake(socket, channel, announcedDurableAcks);
    }

    private static final SessionMessage.Ack ACK = new SessionMessage.Ack(7, 1);

    private static SessionMessage.Delta deltaWithAck() {
        return new SessionMessage.Delta(7, SessionMessage.Kind.INTERVAL, 0, 1, new byte[] {1, 2, 3}).withAck(1);
    }

    private static SessionMessage.Open openWithHeldSeq() {
        return new SessionMessage.Open(7, "conformance-x", Right.WRITE, Right.WRITE, ReplicaId.random(RANDOM), new TreeMap<>(),
                ReplicaId.random(RANDOM), 3, 16);
    }

    /**
     * {@code message} with a file identifier other than HYS1: what the codec no longer decodes (HY-SESS-001), its
     * message_type still readable.
     */
    private static byte[] misidentified(SessionMessage message) {
        byte[] bytes = SessionCodec.encode(message);
        bytes[4] = 'X';
        assertThrows(ProtocolException.class, () -> SessionCodec.decode(bytes));
        return bytes;
    }

    @Test
    void nothingThatClaimsADurabilityIsSentWhereTheSuiteAnnouncedDurableAcks() throws Exception {
        PeerConnection c = connection(true);
        for (SessionMessage m : List.of(ACK, deltaWithAck(), openWithHeldSeq())) {
            assertThrows(IllegalStateException.class, () -> c.send(m), m.toString());
            assertThrows(IllegalStateException.class, () -> c.sendEncoded(SessionCodec.encode(m)), m.toString());
            assertThrows(IllegalStateException.class, () -> c.sendAsAttacker(SessionCodec.encode(m)), m.toString());
            assertThrows(IllegalStateException.class, () -> c.sendAsAttacker(misidentified(m)), m.toString());
        }
        // Bytes whose message_type cannot be read might be any of the three types: refused too.
        assertThrows(IllegalStateException.class, () -> c.sendAsAttacker(new byte[] {1, 2}));
        assertThrows(IllegalStateException.class, () -> c.writeAsAttacker(new byte[] {0, 1, 2}));
        assertEquals(0, wire.size(), "the guard refuses before anything reaches the transport");
    }

    /** Runs {@code send} and asserts that it wrote to the transport: the bytes on {@link #wire} grew. */
    private void assertWrites(String what, ThrowingSend send) throws Exception {
        int before = wire.size();
        send.run();
        assertTrue(wire.size() > before, what + " reaches the transport");
    }

    @FunctionalInterface
    private interface ThrowingSend {
        void run() throws Exception;
    }

    @Test
    void whatClaimsNoDurabilityIsSentWhereTheSuiteAnnouncedDurableAcks() throws Exception {
        PeerConnection c = connection(true);
        assertWrites("a Ping", () -> c.send(new SessionMessage.Ping(1)));
        assertWrites("a Delta without an ack", () -> c.sendEncoded(SessionCodec.encode(
                new SessionMessage.Delta(7, SessionMessage.Kind.INTERVAL, 0, 1, new byte[] {1, 2, 3}))));
        assertWrites("an invalid Close", () -> c.sendAsAttacker(misidentified(new SessionMessage.Close(0, ErrorCode.NO_ERROR.value(), "done"))));
    }

    @Test
    void anAttackerMaySendAnAckWhereTheSuiteAnnouncedNoDurableAcks() throws Exception {
        PeerConnection c = connection(false);
        assertWrites("an Ack as attacker", () -> c.sendAsAttacker(SessionCodec.encode(ACK)));
        assertWrites("a Delta with an ack", () -> c.send(deltaWithAck()));
        assertWrites("bytes whose type cannot be read, as attacker", () -> c.sendAsAttacker(new byte[] {1, 2}));
    }

    @Test
    void aMessageBuiltFieldByFieldMustDecode() throws Exception {
        PeerConnection c = connection(false);
        assertThrows(IllegalArgumentException.class, () -> c.sendEncoded(misidentified(ACK)));
        assertEquals(0, wire.size());
    }

    /** A transport whose every write fails, as a socket's does once the connection is closed. */
    private static final java.io.OutputStream CLOSED = new java.io.OutputStream() {
        @Override
        public void write(int b) throws java.io.IOException {
            throw new java.net.SocketException("Broken pipe");
        }
    };

    @Test
    void aCloseMetWhileTheSuiteSendsFailsOnTheRunningChecksRule() throws Exception {
        PeerConnection c = connection(false, CLOSED, new Socket());
        AssertionError failure = assertThrows(AssertionError.class, () -> c.send(new SessionMessage.Ping(1)));
        assertTrue(failure.getMessage().contains("the close of the connection while the suite sent"), failure.getMessage());
    }

    @Test
    void aWriteThatFailsAfterTheSuiteClosedTheSocketFailsAsAPeerThatStoppedReading() throws Exception {
        Socket socket = new Socket();
        socket.close();
        PeerConnection c = connection(false, CLOSED, socket);
        AssertionError failure = assertThrows(AssertionError.class, () -> c.send(new SessionMessage.Ping(1)));
        assertTrue(failure.getMessage().contains("the peer stopped reading"), failure.getMessage());
    }
}
