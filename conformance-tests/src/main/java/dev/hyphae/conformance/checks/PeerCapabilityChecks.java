package dev.hyphae.conformance.checks;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.flatbuffers.FlatBufferBuilder;
import dev.hyphae.conformance.Checks;
import dev.hyphae.conformance.PeerTarget;
import dev.hyphae.conformance.Profile;
import dev.hyphae.conformance.model.HandshakeContent;
import dev.hyphae.framing.FramedChannel;
import dev.hyphae.handshake.HyphaeHandshake;
import dev.hyphae.noise.CipherState;
import dev.hyphae.noise.HandshakeState;
import dev.hyphae.noise.KeyPair;
import dev.hyphae.noise.NoiseSuite;
import dev.hyphae.session.SessionMessage;
import dev.hyphae.spec.Requirement;
import hyphae.v1.Capability;
import hyphae.v1.Confirmation;
import hyphae.v1.HandshakePayload;
import hyphae.v1.Offer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.EOFException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.HexFormat;

import static dev.hyphae.conformance.checks.PeerChecks.DURABLE_ACKS;
import static dev.hyphae.conformance.checks.PeerChecks.RANDOM;
import static dev.hyphae.conformance.checks.PeerChecks.READ_TIMEOUT_MILLIS;
import static dev.hyphae.conformance.checks.PeerChecks.broken;
import static dev.hyphae.conformance.checks.PeerChecks.target;

/**
 * The Peer profile's checks of what a peer does with the parameters of a capability, which the suite's own handshake
 * ({@link PeerConnection}) never writes: these checks drive the handshake at the level of its payloads, with the
 * reference's Noise layer beneath them.
 */
@ExtendWith(PeerCheckLifecycle.class)
@Checks(Profile.PEER)
class PeerCapabilityChecks {

    /** The rule of every failure here. */
    private static final String RULE = "a peer sends durable-acks with empty parameters, and a receiver ignores the parameters of"
            + " durable-acks (HY-SESS-044)";

    /** The parameters that the suite writes into its {@code durable-acks}, which a receiver ignores (HY-SESS-044). */
    private static final byte[] PARAMETERS = {0x01, 0x02, 0x03};

    /**
     * The suite offers {@code durable-acks} twice: first with empty parameters, as a sender writes them, to learn whether
     * the peer selects the capability at all; then with the parameters 010203, which a sender never writes
     * (HY-SESS-044): there it plays an attacker on purpose. The peer ignores them: it answers the second offer as it
     * answered the first, selecting {@code durable-acks} exactly when it did then, with empty parameters, in a
     * Selection that is no error, and the session that follows works (the suite's Ping is answered). A peer that
     * declines the capability only because parameters are present fails. The suite acknowledges nothing on these
     * sessions, so its offer of the capability promises nothing that it does not keep (HY-SESS-153).
     */
    @Test
    @Requirement({"HY-SESS-044"})
    void theParametersOfDurableAcksAreIgnoredAndSentEmpty() throws Exception {
        boolean baseline = selectsDurableAcks(handshake(new byte[0]));
        JsonNode selection = handshake(PARAMETERS);
        boolean selected = selectsDurableAcks(selection);
        if (selected != baseline) {
            throw broken(RULE, "a handshake whose offer holds version 1.0 and durable-acks with empty parameters, then another whose"
                            + " offer holds it with the parameters " + HexFormat.of().formatHex(PARAMETERS),
                    "durable-acks " + (baseline ? "selected" : "declined") + " in the second Selection, as in the first",
                    "durable-acks " + (selected ? "selected" : "declined") + " in the second: " + selection);
        }
    }

    private static boolean selectsDurableAcks(JsonNode selection) {
        for (JsonNode c : selection.path("capabilities")) {
            if (c.path("id").asInt() == DURABLE_ACKS) {
                return true;
            }
        }
        return false;
    }

    /**
     * A handshake that offers version 1.0 and {@code durable-acks} with {@code parameters}, and a session whose first
     * Ping the peer answers: returns the peer's Selection, which is no error, and in which a {@code durable-acks} that
     * the peer selects has empty parameters (HY-SESS-044).
     */
    private static JsonNode handshake(byte[] parameters) throws Exception {
        String offered = "an offer of version 1.0 and durable-acks with " + (parameters.length == 0 ? "empty parameters"
                : "the parameters " + HexFormat.of().formatHex(parameters) + ", which a receiver ignores");
        PeerTarget t = target();
        try (Socket socket = new Socket(t.address().getAddress(), t.address().getPort())) {
            socket.setSoTimeout(READ_TIMEOUT_MILLIS);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            HandshakeState noise = new HandshakeState(NoiseSuite.parse(NoiseSuite.MANDATORY), true, HyphaeHandshake.PROLOGUE, t.suiteKey(),
                    KeyPair.generate(RANDOM), RANDOM);
            FramedChannel.sendHandshakeMessage(out, noise.writeMessage(offer(parameters)));
            byte[] second;
            try {
                second = FramedChannel.receiveHandshakeMessage(in);
            } catch (EOFException | java.net.SocketException | dev.hyphae.ProtocolException e) {
                AssertionError failure = broken(RULE, offered, "message 2 of the handshake, whose Selection is no error",
                        "the close of the connection");
                failure.initCause(e);
                throw failure;
            } catch (SocketTimeoutException e) {
                throw broken(RULE, offered, "message 2 of the handshake, whose Selection is no error, within " + READ_TIMEOUT_MILLIS
                        + " ms (PEER_ANSWER_TIMEOUT, HY-CONF-047)", "nothing within " + READ_TIMEOUT_MILLIS + " ms");
            }
            JsonNode selection = HandshakeContent.content(noise.readMessage(second), 2).path("selection");
            if (selection.path("error").asInt() != 0) {
                throw broken(RULE, offered, "message 2 of the handshake, whose Selection is no error", "a Selection with error "
                        + selection.path("error").asInt() + ": " + selection);
            }
            for (JsonNode c : selection.path("capabilities")) {
                if (c.path("id").asInt() == DURABLE_ACKS && !c.path("parameters").asText().isEmpty()) {
                    throw broken(RULE, offered, "a Selection that holds durable-acks, if it does, with empty parameters",
                            "a Selection that holds it with the parameters " + c.path("parameters").asText() + ": " + selection);
                }
            }
            FramedChannel.sendHandshakeMessage(out, noise.writeMessage(confirmation()));
            CipherState[] keys = noise.split();
            FramedChannel channel = new FramedChannel(in, out, keys[0], keys[1], selection.path("maxFrameSize").asInt(),
                    dev.hyphae.framing.FramingLimits.MAX_FRAME_SIZE);
            // The suite offered durable-acks: what it sends on the session passes the guard of HY-CONF-048.
            PeerConnection c = PeerConnection.afterHandshake(socket, channel, true);
            c.send(new SessionMessage.Ping(0x44));
            while (true) {
                SessionMessage m;
                try {
                    m = c.receive();
                } catch (SocketTimeoutException | EOFException | java.net.SocketException e) {
                    String what = e instanceof SocketTimeoutException ? "nothing within " + READ_TIMEOUT_MILLIS + " ms"
                            : "the close of the connection";
                    AssertionError failure = c.broken(RULE + "; the session that follows works as any other",
                            "after the Selection " + selection.path("capabilities") + " for " + offered
                                    + ", the Pong of the suite's first Ping within " + READ_TIMEOUT_MILLIS + " ms",
                            what + "; before, the peer sent " + c.received);
                    failure.initCause(e);
                    throw failure;
                }
                if (m.equals(new SessionMessage.Pong(0x44))) {
                    c.send(new SessionMessage.Close(0, dev.hyphae.ErrorCode.NO_ERROR.value(), "done"));
                    return selection;
                }
                if (m instanceof SessionMessage.Ping p) {
                    c.send(new SessionMessage.Pong(p.nonce()));
                } else if (m instanceof SessionMessage.SessionError e && e.channel() == 0
                        || m instanceof SessionMessage.Close close && close.channel() == 0) {
                    throw c.broken(RULE + "; the session that follows works as any other", "after the Selection "
                            + selection.path("capabilities") + " for " + offered + ", the Pong of the suite's first Ping", m);
                }
            }
        }
    }

    /** The payload of message 1: version 1.0, and {@code durable-acks} with {@code parameters} (none when empty). */
    private static byte[] offer(byte[] parameters) {
        FlatBufferBuilder b = new FlatBufferBuilder(128);
        int written = parameters.length == 0 ? 0 : Capability.createParametersVector(b, parameters);
        int capability = Capability.createCapability(b, DURABLE_ACKS, written, false);
        int capabilities = Offer.createCapabilitiesVector(b, new int[] {capability});
        Offer.startVersionsVector(b, 1);
        hyphae.v1.ProtocolVersion.createProtocolVersion(b, 1, 0);
        int versions = b.endVector();
        int offer = Offer.createOffer(b, versions, capabilities, 0);
        HandshakePayload.startHandshakePayload(b);
        HandshakePayload.addOffer(b, offer);
        HandshakePayload.finishHandshakePayloadBuffer(b, HandshakePayload.endHandshakePayload(b));
        return b.sizedByteArray();
    }

    /** The payload of message 3: a Confirmation without a certificate, the suite's key being trusted as it is. */
    private static byte[] confirmation() {
        FlatBufferBuilder b = new FlatBufferBuilder(64);
        Confirmation.startConfirmation(b);
        int confirmation = Confirmation.endConfirmation(b);
        HandshakePayload.startHandshakePayload(b);
        HandshakePayload.addConfirmation(b, confirmation);
        HandshakePayload.finishHandshakePayloadBuffer(b, HandshakePayload.endHandshakePayload(b));
        return b.sizedByteArray();
    }
}
