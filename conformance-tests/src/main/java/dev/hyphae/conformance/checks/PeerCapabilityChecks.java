package dev.hyphae.conformance.checks;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.flatbuffers.FlatBufferBuilder;
import dev.hyphae.conformance.Checks;
import dev.hyphae.conformance.PeerTarget;
import dev.hyphae.conformance.Profile;
import dev.hyphae.conformance.Sut;
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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.EOFException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.HexFormat;

import static dev.hyphae.conformance.checks.PeerChecks.DURABLE_ACKS;
import static dev.hyphae.conformance.checks.PeerChecks.RANDOM;
import static dev.hyphae.conformance.checks.PeerChecks.READ_TIMEOUT_MILLIS;
import static dev.hyphae.conformance.checks.PeerChecks.target;

/**
 * The Peer profile's checks of what a peer does with the parameters of a capability, which the suite's own handshake
 * ({@link PeerConnection}) never writes: these checks drive the handshake at the level of its payloads, with the
 * reference's Noise layer beneath them.
 */
@Checks(Profile.PEER)
class PeerCapabilityChecks {

    /** The parameters that the suite writes into its {@code durable-acks}, which a receiver ignores (HY-SESS-044). */
    private static final byte[] PARAMETERS = {0x01, 0x02, 0x03};

    @BeforeEach
    void claimed() {
        Sut.requireProfile(Profile.PEER);
    }

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
            throw new AssertionError("the peer " + (baseline ? "selected" : "declined") + " durable-acks offered with empty parameters"
                    + " but " + (selected ? "selected" : "declined") + " it offered with the parameters " + HexFormat.of().formatHex(PARAMETERS)
                    + ", which a receiver ignores (HY-SESS-044): " + selection);
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
                throw new AssertionError("the peer closed the connection instead of answering " + offered + " (HY-SESS-044)", e);
            } catch (SocketTimeoutException e) {
                throw new AssertionError("the peer did not answer, within " + READ_TIMEOUT_MILLIS + " ms, " + offered + " (HY-SESS-044)");
            }
            JsonNode selection = HandshakeContent.content(noise.readMessage(second), 2).path("selection");
            if (selection.path("error").asInt() != 0) {
                throw new AssertionError("the peer refused, with error " + selection.path("error").asInt() + ", " + offered
                        + " (HY-SESS-044): " + selection);
            }
            for (JsonNode c : selection.path("capabilities")) {
                if (c.path("id").asInt() == DURABLE_ACKS && !c.path("parameters").asText().isEmpty()) {
                    throw new AssertionError("the peer selected durable-acks with the parameters " + c.path("parameters").asText()
                            + "; a peer sends durable-acks with empty parameters (HY-SESS-044): " + selection);
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
                    throw new AssertionError("the peer selected " + selection.path("capabilities") + " for " + offered
                            + ", then did not answer the suite's first Ping (HY-SESS-044)", e);
                }
                if (m.equals(new SessionMessage.Pong(0x44))) {
                    c.send(new SessionMessage.Close(0, dev.hyphae.ErrorCode.NO_ERROR.value(), "done"));
                    return selection;
                }
                if (m instanceof SessionMessage.Ping p) {
                    c.send(new SessionMessage.Pong(p.nonce()));
                } else if (m instanceof SessionMessage.SessionError e && e.channel() == 0
                        || m instanceof SessionMessage.Close close && close.channel() == 0) {
                    throw new AssertionError("the peer ended the session that followed " + offered + " (HY-SESS-044): " + m);
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
