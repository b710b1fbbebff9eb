package dev.hyphae.tools;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hyphae.noise.CipherState;
import dev.hyphae.noise.HandshakeState;
import dev.hyphae.noise.KeyPair;
import dev.hyphae.noise.NoiseSuite;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * Runs the reference implementation's Noise state machines against vectors in the Noise wiki format: with
 * the given keys and prologues, every payload must encrypt to exactly the given ciphertext and decrypt back,
 * through the handshake and on into transport messages, and the handshake hash must match where given.
 */
final class NoiseVectorRunner {

    /** The result of one vector. */
    record Outcome(int index, String protocol, Status status, String detail) {
    }

    enum Status { PASS, FAIL, SKIP }

    private static final HexFormat HEX = HexFormat.of();

    private NoiseVectorRunner() {
    }

    /** Runs every vector of a file whose root is {@code {"vectors": [...]}} or an array. */
    static List<Outcome> run(JsonNode root) {
        JsonNode vectors = root.isArray() ? root : root.path("vectors");
        List<Outcome> outcomes = new ArrayList<>();
        for (int i = 0; i < vectors.size(); i++) {
            outcomes.add(runOne(i, vectors.get(i)));
        }
        return outcomes;
    }

    private static Outcome runOne(int index, JsonNode v) {
        String name = v.path("protocol_name").asText("");
        String reason = NoiseSuite.unsupportedReason(name);
        if (reason == null && (v.path("init_psks").size() > 0 || v.path("resp_psks").size() > 0)) {
            reason = "PSKs are not implemented";
        }
        if (reason == null && (v.has("init_remote_static") || v.has("resp_remote_static"))) {
            reason = "pre-messages are not implemented";
        }
        if (reason != null) {
            return new Outcome(index, name, Status.SKIP, reason);
        }
        try {
            NoiseSuite suite = NoiseSuite.parse(name);
            HandshakeState initiator = new HandshakeState(suite, true, hex(v, "init_prologue"),
                    keys(v, "init_static"), keys(v, "init_ephemeral"), null);
            HandshakeState responder = new HandshakeState(suite, false, hex(v, "resp_prologue"),
                    keys(v, "resp_static"), keys(v, "resp_ephemeral"), null);
            CipherState[] initiatorCiphers = null;
            CipherState[] responderCiphers = null;
            JsonNode messages = v.path("messages");
            for (int m = 0; m < messages.size(); m++) {
                byte[] payload = hex(messages.get(m), "payload");
                byte[] expected = hex(messages.get(m), "ciphertext");
                boolean fromInitiator = m % 2 == 0;
                byte[] actual;
                byte[] decrypted;
                if (initiatorCiphers == null) {
                    HandshakeState writer = fromInitiator ? initiator : responder;
                    HandshakeState reader = fromInitiator ? responder : initiator;
                    actual = writer.writeMessage(payload);
                    decrypted = reader.readMessage(expected);
                    if (initiator.isComplete()) {
                        byte[] hash = initiator.handshakeHash();
                        if (!Arrays.equals(hash, responder.handshakeHash())) {
                            return fail(index, name, "the two sides' handshake hashes differ");
                        }
                        if (v.has("handshake_hash") && !Arrays.equals(hash, hex(v, "handshake_hash"))) {
                            return fail(index, name, "handshake hash " + HEX.formatHex(hash) + " is not " + v.get("handshake_hash").asText());
                        }
                        initiatorCiphers = initiator.split();
                        responderCiphers = responder.split();
                    }
                } else {
                    CipherState sender = fromInitiator ? initiatorCiphers[0] : responderCiphers[1];
                    CipherState receiver = fromInitiator ? responderCiphers[0] : initiatorCiphers[1];
                    actual = sender.encryptWithAd(new byte[0], payload);
                    decrypted = receiver.decryptWithAd(new byte[0], expected);
                }
                if (!Arrays.equals(actual, expected)) {
                    return fail(index, name, "message " + m + " encrypted to " + HEX.formatHex(actual));
                }
                if (!Arrays.equals(decrypted, payload)) {
                    return fail(index, name, "message " + m + " decrypted to " + HEX.formatHex(decrypted));
                }
            }
            if (initiatorCiphers == null) {
                return fail(index, name, "the messages end before the handshake does");
            }
            return new Outcome(index, name, Status.PASS, messages.size() + " messages");
        } catch (Exception | AssertionError e) {
            return fail(index, name, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private static Outcome fail(int index, String name, String detail) {
        return new Outcome(index, name, Status.FAIL, detail);
    }

    private static byte[] hex(JsonNode node, String field) {
        return HEX.parseHex(node.path(field).asText(""));
    }

    private static KeyPair keys(JsonNode v, String field) {
        return v.has(field) ? KeyPair.fromPrivateKey(hex(v, field)) : null;
    }
}
