package dev.hyphae.peer;

import dev.hyphae.framing.FramedChannel;
import dev.hyphae.handshake.AccessPolicy;
import dev.hyphae.handshake.Capabilities;
import dev.hyphae.handshake.HyphaeHandshake;
import dev.hyphae.handshake.Negotiation;
import dev.hyphae.handshake.ProtocolVersion;
import dev.hyphae.handshake.TrustStore;
import dev.hyphae.noise.KeyPair;
import dev.hyphae.spec.Requirement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A peer selects the capability deflate when offered, unless its configuration turns compression off. */
class DeflateNegotiationTest {

    private static final SecureRandom RANDOM = new SecureRandom();

    @Test
    @Requirement({"HY-COMP-001", "HY-COMP-016"})
    void aPeerSelectsDeflateUnlessTurnedOff(@TempDir Path dir) throws Exception {
        assertEquals(Set.of(Capabilities.DURABLE_ACKS, Capabilities.DEFLATE), selectedBy(dir.resolve("on"), true));
        assertEquals(Set.of(Capabilities.DURABLE_ACKS), selectedBy(dir.resolve("off"), false));
    }

    /** What a peer configured with {@code deflate} selects from an offer of both capabilities. */
    private static SortedSet<Integer> selectedBy(Path dir, boolean deflate) throws Exception {
        KeyPair peerKey = KeyPair.generate(RANDOM);
        KeyPair clientKey = KeyPair.generate(RANDOM);
        AccessPolicy policy = new AccessPolicy();
        policy.grant(clientKey.publicKey(), AccessPolicy.EVERY_DOCUMENT, AccessPolicy.Right.WRITE);
        try (Peer peer = Peer.open(new Peer.Config(dir, peerKey, null, TrustStore.of(List.of(clientKey.publicKey()), List.of()), policy,
                deflate))) {
            InetSocketAddress address = peer.listen(new InetSocketAddress("127.0.0.1", 0));
            try (Socket socket = new Socket(address.getAddress(), address.getPort())) {
                socket.setSoTimeout((int) Admission.HANDSHAKE_DEADLINE_MILLIS);
                HyphaeHandshake.Initiator handshake = new HyphaeHandshake.Initiator(new HyphaeHandshake.Credentials(clientKey, null,
                        TrustStore.of(List.of(peerKey.publicKey()), List.of()), System::currentTimeMillis),
                        new Negotiation.Offer(List.of(ProtocolVersion.V1_0), new TreeSet<>(Set.of(Capabilities.DURABLE_ACKS, Capabilities.DEFLATE))),
                        RANDOM);
                FramedChannel.sendHandshakeMessage(socket.getOutputStream(), handshake.start());
                FramedChannel.sendHandshakeMessage(socket.getOutputStream(),
                        handshake.onSelection(FramedChannel.receiveHandshakeMessage(socket.getInputStream())));
                return handshake.result().capabilities();
            }
        }
    }
}
