package dev.hyphae.peer;

import dev.hyphae.handshake.AccessPolicy;
import dev.hyphae.handshake.TrustStore;
import dev.hyphae.noise.KeyPair;
import dev.hyphae.spec.Requirement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A listening peer bounds handshakes in number and in time: connections beyond the limit are closed at once, and
 * a client that trickles its first message a byte at a time is cut off when the whole handshake's time is up.
 */
class HandshakeBoundsTest {

    @Test
    @Requirement({"HY-SEC-008", "HY-SEC-009"})
    void handshakesAreBoundedInNumberAndInTime(@TempDir Path dir) throws Exception {
        KeyPair key = KeyPair.generate(new SecureRandom());
        try (Peer peer = Peer.open(new Peer.Config(dir, key, null, TrustStore.of(List.of(), List.of()), new AccessPolicy()))) {
            InetSocketAddress address = peer.listen(new InetSocketAddress("127.0.0.1", 0));
            List<Socket> stalled = new ArrayList<>();
            try {
                for (int i = 0; i < Peer.MAX_HANDSHAKES; i++) {
                    Socket s = new Socket(address.getAddress(), address.getPort());
                    s.setSoTimeout(3 * Link.HANDSHAKE_TIMEOUT_MILLIS);
                    stalled.add(s);
                }
                // Let the peer accept them all, so that the next one finds the limit reached.
                Thread.sleep(500);
                try (Socket refused = new Socket(address.getAddress(), address.getPort())) {
                    refused.setSoTimeout(Link.HANDSHAKE_TIMEOUT_MILLIS / 2);
                    assertEquals(-1, refused.getInputStream().read(), "a connection beyond the limit is closed at once");
                }
                // The first one trickles its handshake message: it announces 65,535 bytes, then sends a byte every half
                // second. Each read makes progress, so only a bound on the whole handshake ends it.
                Socket trickler = stalled.get(0);
                OutputStream out = trickler.getOutputStream();
                InputStream in = trickler.getInputStream();
                Thread trickle = new Thread(() -> {
                    try {
                        out.write(0xFF);
                        out.write(0xFF);
                        while (true) {
                            Thread.sleep(500);
                            out.write(1);
                        }
                    } catch (IOException | InterruptedException e) {
                        // Cut off, as expected.
                    }
                });
                trickle.setDaemon(true);
                trickle.start();
                // Without the bound this read would outlast the socket's own timeout (three bounds) and throw.
                assertEquals(-1, in.read(), "the trickling handshake is ended when its time is up");
                trickle.interrupt();
            } finally {
                for (Socket s : stalled) {
                    s.close();
                }
            }
        }
    }
}
