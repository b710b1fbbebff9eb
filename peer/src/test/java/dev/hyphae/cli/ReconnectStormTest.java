package dev.hyphae.cli;

import dev.hyphae.ErrorCode;
import dev.hyphae.data.ReplicaId;
import dev.hyphae.framing.FramedChannel;
import dev.hyphae.handshake.AccessPolicy;
import dev.hyphae.handshake.Capabilities;
import dev.hyphae.handshake.HyphaeHandshake;
import dev.hyphae.handshake.ProtocolVersion;
import dev.hyphae.handshake.AccessPolicy.Right;
import dev.hyphae.handshake.TrustStore;
import dev.hyphae.noise.KeyPair;
import dev.hyphae.peer.Backoff;
import dev.hyphae.peer.Connection;
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
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The keeper of {@code peer connect} ({@link PeerCommand#keepConnected}), over real TCP, against a neighbour that ends
 * every session in order at once, with a {@code Close} of the session whose code is NO_ERROR. The neighbour is this
 * test: the reference handshake as responder, then that one message; on one connection it first answers the keeper's
 * {@code Open} and acknowledges its delta, so that this session brings something.
 *
 * <p>The keeper's schedule is read, not waited out: its pauses are recorded, with a seeded jitter and a clock that
 * stands still (no session stays up long enough to count as one that worked, HY-TRANS-005). A session that ended in
 * order and brought nothing counts as a failure, so the pauses grow (HY-SESS-159); one that brought something starts
 * them afresh (HY-SESS-158), and the next one that brings nothing grows them again from there.
 */
@Timeout(120)
class ReconnectStormTest {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final long SEED = 20_261_207L;
    /** The connection, counted from 0, on which the neighbour acknowledges the keeper's delta before it ends. */
    private static final int BRINGING = 4;
    private static final int CONNECTIONS = 7;

    /** What the keeper saw of one connection, and the pause that it drew after it. */
    private record Round(boolean endedInOrder, boolean brought, long pause) {
    }

    @Test
    @Requirement({"HY-SESS-159", "HY-SESS-158", "HY-TRANS-004", "HY-TRANS-005"})
    void pausesGrowAfterSessionsThatBroughtNothingAndStartAfreshAfterOneThatBroughtSomething(@TempDir Path dir)
            throws Exception {
        KeyPair keeperKey = KeyPair.generate(RANDOM);
        KeyPair neighbourKey = KeyPair.generate(RANDOM);
        HyphaeHandshake.Credentials neighbour = new HyphaeHandshake.Credentials(neighbourKey, null,
                TrustStore.of(List.of(keeperKey.publicKey()), List.of()), System::currentTimeMillis);
        List<Round> rounds = Collections.synchronizedList(new ArrayList<>());
        try (ServerSocket server = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
             Peer peer = Peer.open(new Peer.Config(dir.resolve("data"), keeperKey, null,
                     TrustStore.of(List.of(neighbourKey.publicKey()), List.of()),
                     new AccessPolicy().grant(neighbourKey.publicKey(), AccessPolicy.EVERY_DOCUMENT, AccessPolicy.Right.WRITE)))) {
            server.setSoTimeout(60_000);
            peer.document("plant").map().register("firmware").set("1.4.2");   // acknowledged on one connection only
            Backoff backoff = new Backoff(new SplittableRandom(SEED), () -> 0L);
            PeerCommand.Keeping keeping = new PeerCommand.Keeping() {
                private Connection last;

                @Override
                public void ended(Connection link) {
                    last = link;
                }

                @Override
                public void pause(long millis) throws InterruptedException {
                    rounds.add(new Round(last != null && last.endedInOrder(), last != null && last.brought(), millis));
                    last = null;
                    if (rounds.size() == CONNECTIONS) {
                        throw new InterruptedException("enough rounds");
                    }
                }
            };
            Thread keeper = new Thread(() -> PeerCommand.keepConnected(peer,
                    new InetSocketAddress(server.getInetAddress(), server.getLocalPort()),
                    new PrintWriter(new StringWriter()), backoff, keeping), "keeper-under-test");
            keeper.setDaemon(true);
            keeper.start();
            for (int i = 0; i < CONNECTIONS; i++) {
                try (Socket socket = server.accept()) {
                    endInOrder(socket, neighbour, i == BRINGING);
                }
            }
            keeper.join(60_000);
        }

        // The failures counted before each pause: they grow, start afresh after the session that brought something
        // (HY-SESS-158), and grow again after it.
        int[] failures = {0, 1, 2, 3, 0, 1, 2};
        SplittableRandom jitter = new SplittableRandom(SEED);
        List<Round> expected = new ArrayList<>();
        for (int i = 0; i < CONNECTIONS; i++) {
            expected.add(new Round(true, i == BRINGING, Backoff.pause(failures[i], jitter)));
        }
        assertEquals(expected, rounds);
    }

    /**
     * The handshake as responder; if {@code acknowledge}, answers the keeper's Open and acknowledges its delta; then a
     * Close of the session with NO_ERROR, and the end of the stream once read.
     */
    private static void endInOrder(Socket socket, HyphaeHandshake.Credentials credentials, boolean acknowledge)
            throws Exception {
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
        if (acknowledge) {
            ReplicaId self = ReplicaId.random(RANDOM);
            long keeperChannel = 0;
            while (true) {
                SessionMessage message = SessionCodec.decode(channel.receive());
                if (message instanceof SessionMessage.Open open && open.answers() == 0) {
                    keeperChannel = open.channel();
                    channel.send(SessionCodec.encode(new SessionMessage.Open(1, null, Right.READ, Right.WRITE, self,
                            new TreeMap<>(), null, 0, 16, open.channel())));
                    out.flush();
                } else if (message instanceof SessionMessage.Delta delta) {
                    channel.send(SessionCodec.encode(new SessionMessage.Ack(keeperChannel, delta.toSeq())));
                    break;
                }
            }
        }
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
