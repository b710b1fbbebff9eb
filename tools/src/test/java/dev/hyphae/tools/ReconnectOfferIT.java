package dev.hyphae.tools;

import dev.hyphae.framing.FramedChannel;
import dev.hyphae.spec.Requirement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code hyphae peer connect}, run as a user runs it, against a responder whose handshakes fail: each time the peer
 * connects again, it offers what it offered first, whatever made the handshake before fail (HY-VER-006). The responder
 * is this test: it reads the first handshake message, whose payload XX leaves unencrypted, and answers with bytes that
 * no key decrypts, or with nothing.
 */
class ReconnectOfferIT {

    private static final Path ROOT = Path.of(System.getProperty("hyphae.root", "..")).toAbsolutePath();
    /** The length of the ephemeral public key that opens the first message of Noise XX, before its payload. */
    private static final int EPHEMERAL_KEY = 32;

    private static ProcessBuilder hyphae(Path dir, String... args) {
        List<String> command = new ArrayList<>(List.of("sh", ROOT.resolve("tools/hyphae").toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        return builder;
    }

    private static String keygen(Path dir, String name) throws Exception {
        Process process = hyphae(dir, "keygen", "--out", name).start();
        process.getOutputStream().close();
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "keygen did not finish");
        assertEquals(0, process.exitValue());
        return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    }

    /** The versions and capabilities that a first handshake message offers, as "major.minor" and "id" or "id!" if critical. */
    private static List<String> offer(byte[] message) {
        ByteBuffer payload = ByteBuffer.wrap(Arrays.copyOfRange(message, EPHEMERAL_KEY, message.length)).order(ByteOrder.LITTLE_ENDIAN);
        hyphae.v1.Offer offer = hyphae.v1.HandshakePayload.getRootAsHandshakePayload(payload).offer();
        List<String> offered = new ArrayList<>();
        for (int i = 0; i < offer.versionsLength(); i++) {
            offered.add("version " + offer.versions(i).major() + "." + offer.versions(i).minor());
        }
        for (int i = 0; i < offer.capabilitiesLength(); i++) {
            offered.add("capability " + offer.capabilities(i).id() + (offer.capabilities(i).critical() ? "!" : ""));
        }
        offered.add("max_frame_size " + offer.maxFrameSize());
        return offered;
    }

    @Test
    @Requirement("HY-VER-006")
    void aPeerOffersAfterAFailedHandshakeWhatItOfferedFirst(@TempDir Path dir) throws Exception {
        keygen(dir, "a.key");
        String responderKey = keygen(dir, "b.key");
        SecureRandom random = new SecureRandom();
        List<List<String>> offers = new ArrayList<>();
        try (ServerSocket server = new ServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
            server.setSoTimeout(60_000);
            Process connect = hyphae(dir, "peer", "connect", "127.0.0.1:" + server.getLocalPort(), "--data", "a-data", "--key", "a.key",
                    "--trust-peer", responderKey + ":write", "--no-stdin")
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            try {
                for (int attempt = 0; attempt < 3; attempt++) {
                    try (Socket socket = server.accept()) {
                        socket.setSoTimeout(60_000);
                        InputStream in = socket.getInputStream();
                        OutputStream out = socket.getOutputStream();
                        offers.add(offer(FramedChannel.receiveHandshakeMessage(in)));
                        if (attempt % 2 == 0) {
                            // A second message that no key decrypts: the initiator fails the handshake (HY-VER-005), as it
                            // does when an attacker alters bytes in transit.
                            byte[] garbage = new byte[EPHEMERAL_KEY + 48 + 64];
                            random.nextBytes(garbage);
                            FramedChannel.sendHandshakeMessage(out, garbage);
                            out.flush();
                            socket.shutdownOutput();
                            socket.setSoTimeout(10_000);
                            try {
                                in.readAllBytes();   // until the initiator closes the connection, having read the answer
                            } catch (java.io.IOException closedOrSilent) {
                                // Reset or silent: either way the next attempt is what the test reads.
                            }
                        }
                        // Otherwise the connection closes unanswered.
                    }
                }
            } finally {
                connect.destroy();
                connect.waitFor(30, TimeUnit.SECONDS);
                connect.destroyForcibly();
            }
        }
        assertEquals(3, offers.size());
        assertTrue(offers.get(0).contains("version 1.0"), offers.get(0).toString());
        for (int attempt = 1; attempt < offers.size(); attempt++) {
            assertEquals(offers.get(0), offers.get(attempt), "attempt " + (attempt + 1) + " after a failed handshake (HY-VER-006)");
        }
    }
}
