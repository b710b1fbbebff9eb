package dev.hyphae.conformance.checks;

import dev.hyphae.conformance.Checks;
import dev.hyphae.conformance.PeerTarget;
import dev.hyphae.conformance.Profile;
import dev.hyphae.framing.FramedChannel;
import dev.hyphae.handshake.HyphaeHandshake;
import dev.hyphae.handshake.TrustStore;
import dev.hyphae.spec.Requirement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.HexFormat;
import java.util.List;

import static dev.hyphae.conformance.checks.PeerChecks.CLOSE_INTERVAL_MILLIS;
import static dev.hyphae.conformance.checks.PeerChecks.RANDOM;
import static dev.hyphae.conformance.checks.PeerChecks.READ_TIMEOUT_MILLIS;
import static dev.hyphae.conformance.checks.PeerChecks.broken;
import static dev.hyphae.conformance.checks.PeerChecks.standardOffer;
import static dev.hyphae.conformance.checks.PeerChecks.target;

/**
 * The Peer profile's checks of chapter "Framing" that a peer shows only in what it sends and when: the first frame.
 */
@ExtendWith(PeerCheckLifecycle.class)
@Checks(Profile.PEER)
class PeerFramingChecks {

    private static final String INPUT = "a handshake as initiator from the suite's trusted key, whose third message does not"
            + " authenticate: one bit of its tag is flipped";

    /**
     * A responder sends no frame before it has read and processed the third handshake message (HY-FRAME-007). The suite
     * plays an attacker on purpose: its third message does not authenticate (one bit of its tag is flipped), so that the
     * peer's handshake never completes, and every byte that the peer sends after the second message, before it closes the
     * connection, is a frame sent too early. (A frame that a peer sends after a third message that it accepted could not be
     * told apart from one it sent before.)
     */
    @Test
    @Requirement({"HY-FRAME-007", "HY-HS-009"})
    void aResponderSendsNoFrameBeforeTheThirdHandshakeMessage() throws Exception {
        PeerTarget t = target();
        try (Socket socket = new Socket(t.address().getAddress(), t.address().getPort())) {
            socket.setSoTimeout(READ_TIMEOUT_MILLIS);
            HyphaeHandshake.Initiator handshake = new HyphaeHandshake.Initiator(new HyphaeHandshake.Credentials(t.suiteKey(), null,
                    TrustStore.of(List.of(t.peerKey()), List.of()), System::currentTimeMillis), standardOffer(), RANDOM);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            FramedChannel.sendHandshakeMessage(out, handshake.start());
            byte[] third = handshake.onSelection(FramedChannel.receiveHandshakeMessage(in));
            third[third.length - 1] ^= 0x01;
            FramedChannel.sendHandshakeMessage(out, third);
            // The first byte decides: one is a frame sent too early, the end of the stream a peer that closed. Every
            // read is bounded by the socket's timeout, this last one by CLOSE_INTERVAL; the suite's writes are three
            // handshake messages into a fresh connection's buffer and cannot block, so no PEER_CONNECTION_LIMIT
            // watchdog is needed here, unlike on a session (PeerConnection).
            socket.setSoTimeout(CLOSE_INTERVAL_MILLIS);
            int first;
            try {
                first = in.read();
            } catch (SocketTimeoutException e) {
                throw broken("a peer ends the handshake with HANDSHAKE_FAILED when a handshake message fails to authenticate"
                                + " (HY-HS-009), and so closes the connection; the suite waits CLOSE_INTERVAL for the close", INPUT,
                        "the close of the connection within " + CLOSE_INTERVAL_MILLIS + " ms, and no byte",
                        "nothing, and the connection still open after " + CLOSE_INTERVAL_MILLIS + " ms");
            } catch (java.net.SocketException e) {
                first = -1; // Reset: the peer closed.
            }
            if (first != -1) {
                throw broken("a responder sends no frame before the handshake is complete on its side, once it has read and processed"
                                + " the third handshake message (HY-FRAME-007)", INPUT, "the close of the connection, and no byte",
                        "the byte " + HexFormat.of().toHexDigits((byte) first) + " after the peer's second handshake message, in a"
                                + " handshake that never completed");
            }
        }
    }
}
