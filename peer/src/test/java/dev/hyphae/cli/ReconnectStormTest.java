package dev.hyphae.cli;

import dev.hyphae.ErrorCode;
import dev.hyphae.framing.FramedChannel;
import dev.hyphae.handshake.AccessPolicy;
import dev.hyphae.handshake.Capabilities;
import dev.hyphae.handshake.HyphaeHandshake;
import dev.hyphae.handshake.ProtocolVersion;
import dev.hyphae.handshake.TrustStore;
import dev.hyphae.noise.KeyPair;
import dev.hyphae.peer.Backoff;
import dev.hyphae.peer.Peer;
import dev.hyphae.session.SessionCodec;
import dev.hyphae.session.SessionMessage;
import dev.hyphae.spec.Requirement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The keeper of {@code peer connect} ({@link PeerCommand#keepConnected}), over real TCP, against a neighbour that ends
 * every session in order at once, with a {@code Close} of the session whose code is NO_ERROR, and so never acknowledges
 * the entry that the keeper's peer has to send it: such sessions bring nothing, and the keeper reconnects after the
 * growing pauses of failures (HY-SESS-159), not at once in a tight loop as HY-SESS-158 first allowed. The neighbour is
 * this test: the reference handshake as responder, then the one message.
 *
 * <p>The assertion is a lower bound on time, which a slow or loaded machine only makes easier to meet: the first
 * {@link #CONNECTIONS} connections are spread over at least the sum of the shortest pauses of the schedule after that
 * many failures, where the first pause alone, repeated, would take a fraction of it.
 */
@Timeout(120)
class ReconnectStormTest {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int CONNECTIONS = 7;

    @Test
    @Requirement({"HY-SESS-159", "HY-SESS-158"})
    void aNeighbourThatEndsEverySessionInOrderAtOnceIsNotReconnectedToInATightLoop(@TempDir Path dir) throws Exception {
        KeyPair keeperKey = KeyPair.generate(RANDOM);
        KeyPair neighbourKey = KeyPair.generate(RANDOM);
        HyphaeHandshake.Credentials neighbour = new HyphaeHandshake.Credentials(neighbourKey, null,
                TrustStore.of(List.of(keeperKey.publicKey()), List.of()), System::currentTimeMillis);
        List<Long> connectedAt = new ArrayList<>();
        try (ServerSocket server = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
             Peer peer = Peer.open(new Peer.Config(dir.resolve("data"), keeperKey, null,
                     TrustStore.of(List.of(neighbourKey.publicKey()), List.of()),
                     new AccessPolicy().grant(neighbourKey.publicKey(), AccessPolicy.EVERY_DOCUMENT, AccessPolicy.Right.WRITE)))) {
            server.setSoTimeout(60_000);
            peer.document("plant").map().register("firmware").set("1.4.2");   // something to send, never acknowledged
            PeerCommand.startKeeper(peer, new InetSocketAddress(server.getInetAddress(), server.getLocalPort()),
                    new PrintWriter(new StringWriter()));
            while (connectedAt.size() < CONNECTIONS) {
                try (Socket socket = server.accept()) {
                    connectedAt.add(System.nanoTime());
                    endInOrderAtOnce(socket, neighbour);
                }
            }
        }
        long spanMillis = (connectedAt.get(CONNECTIONS - 1) - connectedAt.get(0)) / 1_000_000;
        long shortest = 0;
        for (int failures = 0; failures < CONNECTIONS - 1; failures++) {
            shortest += Math.min(Backoff.MAX_PAUSE_MILLIS, Backoff.FIRST_PAUSE_MILLIS << failures) / 2;
        }
        assertTrue(spanMillis >= shortest, CONNECTIONS + " connections within " + spanMillis
                + " ms: sessions that brought nothing must count as failures, with pauses of at least " + shortest
                + " ms in all (HY-SESS-159)");
    }

    /** The handshake as responder, then a Close of the session with NO_ERROR, and the end of the stream once read. */
    private static void endInOrderAtOnce(Socket socket, HyphaeHandshake.Credentials credentials) throws Exception {
        socket.setSoTimeout(30_000);
        InputStream in = new BufferedInputStream(socket.getInputStream());
        OutputStream out = socket.getOutputStream();
        var handshake = new HyphaeHandshake.Responder(credentials, List.of(ProtocolVersion.V1_0),
                Set.of(Capabilities.DURABLE_ACKS), RANDOM);
        FramedChannel.sendHandshakeMessage(out, handshake.onOffer(FramedChannel.receiveHandshakeMessage(in)));
        out.flush();
        handshake.onConfirmation(FramedChannel.receiveHandshakeMessage(in));
        HyphaeHandshake.Result result = handshake.result();
        FramedChannel channel = new FramedChannel(in, out, result.sender(), result.receiver(), result.sendFrameSize(),
                result.receiveFrameSize());
        channel.send(SessionCodec.encode(new SessionMessage.Close(0, ErrorCode.NO_ERROR.value(), "nothing to do")));
        out.flush();
        socket.shutdownOutput();
        try {
            in.readAllBytes();   // the keeper's Opens and delta, until it closes the connection
        } catch (IOException resetOrSilent) {
            // Either way the session is over.
        }
    }
}
