package dev.hyphae.conformance.model;

import com.google.flatbuffers.FlatBufferBuilder;
import dev.hyphae.ErrorCode;
import dev.hyphae.ProtocolException;
import dev.hyphae.handshake.HyphaeHandshake;
import dev.hyphae.handshake.ProtocolVersion;
import dev.hyphae.noise.HandshakeState;
import dev.hyphae.noise.KeyPair;
import dev.hyphae.noise.NoiseException;
import dev.hyphae.noise.NoiseSuite;
import hyphae.v1.Capability;
import hyphae.v1.HandshakePayload;
import hyphae.v1.Selection;

import java.security.GeneralSecurityException;
import java.util.List;

/**
 * A responder that selects whatever it is told to, whatever the offer: a version or capabilities that the
 * initiator did not offer. No conforming responder does this; the suite plays one to see whether the adapter,
 * as initiator, checks the selection (HY-VER-004, HY-VER-027, HY-VER-028). It runs the real Noise handshake,
 * so the message authenticates: only its content is wrong.
 */
public final class ForgedResponder {

    private final HandshakeState noise;

    /** A responder with {@code side}'s keys and the prologue of HY-HS-001. */
    public ForgedResponder(HandshakeSide side) {
        this(side, HyphaeHandshake.PROLOGUE);
    }

    /** A responder with {@code side}'s keys and another prologue, as a peer of another handshake format would have. */
    public ForgedResponder(HandshakeSide side, byte[] prologue) {
        this.noise = new HandshakeState(NoiseSuite.parse(NoiseSuite.MANDATORY), false, prologue,
                KeyPair.fromPrivateKey(side.staticPrivate), KeyPair.fromPrivateKey(side.ephemeralPrivate), null);
    }

    /** Reads message 1, ignoring its offer, and answers message 2 selecting {@code version} and {@code capabilities}. */
    public byte[] answer(byte[] first, ProtocolVersion version, List<Integer> capabilities) throws ProtocolException {
        try {
            noise.readMessage(first);
            return noise.writeMessage(selection(version, capabilities));
        } catch (NoiseException e) {
            throw ProtocolException.sessionError(ErrorCode.HANDSHAKE_FAILED, e, "%s", e.getMessage());
        }
    }

    /** Reads message 1, ignoring its offer, and answers message 2 whose Selection holds only {@code error}. */
    public byte[] answerWithError(byte[] first, int error) throws ProtocolException {
        FlatBufferBuilder b = new FlatBufferBuilder(64);
        Selection.startSelection(b);
        Selection.addError(b, error);
        int selection = Selection.endSelection(b);
        HandshakePayload.finishHandshakePayloadBuffer(b, HandshakePayload.createHandshakePayload(b, 0, selection, 0));
        try {
            noise.readMessage(first);
            return noise.writeMessage(b.sizedByteArray());
        } catch (NoiseException e) {
            throw ProtocolException.sessionError(ErrorCode.HANDSHAKE_FAILED, e, "%s", e.getMessage());
        }
    }

    /**
     * Reads message 1 and answers a message 2 whose ephemeral key is the zero point, selecting {@code version} and
     * {@code capabilities}, with the static key {@code staticPrivate}: {@code ee} is then 32 zero bytes on both sides,
     * and {@code s}, {@code es} and the payload follow from it as Noise says, so that an initiator that omits the check
     * of HY-HS-016 reads the message and accepts it, and only that check refuses it. The reference's Noise layer will
     * not write such a message, so {@link UncheckedNoise} does.
     */
    public static byte[] answerWithZeroEphemeral(byte[] staticPrivate, byte[] ephemeralPrivate, byte[] first, ProtocolVersion version,
                                                 List<Integer> capabilities) throws java.security.GeneralSecurityException {
        UncheckedNoise responder = new UncheckedNoise(false, staticPrivate, ephemeralPrivate, true);
        responder.readMessage(first);
        return responder.writeMessage(selection(version, capabilities));
    }

    /**
     * A forged message 2 made live (HY-VEC-047): the answer to {@code first}, the message 1 that the initiator actually
     * wrote, of a responder with the given fixed keys that runs the Noise protocol {@code protocol} and sends
     * {@code payload}; with {@code zeroEphemeral}, one whose ephemeral key is the zero point ({@link UncheckedNoise},
     * which runs the mandatory protocol only).
     */
    public static byte[] reply(byte[] staticPrivate, byte[] ephemeralPrivate, byte[] first, String protocol, boolean zeroEphemeral,
                               byte[] payload) throws GeneralSecurityException, NoiseException {
        if (zeroEphemeral) {
            if (!protocol.equals(NoiseSuite.MANDATORY)) {
                throw new IllegalArgumentException("a zero ephemeral key is forged under " + NoiseSuite.MANDATORY + " only");
            }
            UncheckedNoise responder = new UncheckedNoise(false, staticPrivate, ephemeralPrivate, true);
            responder.readMessage(first);
            return responder.writeMessage(payload);
        }
        HandshakeState responder = new HandshakeState(NoiseSuite.parse(protocol), false, HyphaeHandshake.PROLOGUE,
                KeyPair.fromPrivateKey(staticPrivate), KeyPair.fromPrivateKey(ephemeralPrivate), null);
        try {
            responder.readMessage(first);
            return responder.writeMessage(payload);
        } finally {
            responder.destroy();
        }
    }

    /** The payload of a Selection, laid out as the schema spec/schema/handshake.fbs says. */
    public static byte[] selection(ProtocolVersion version, List<Integer> capabilities) {
        FlatBufferBuilder b = new FlatBufferBuilder(128);
        int[] tables = new int[capabilities.size()];
        for (int i = 0; i < tables.length; i++) {
            Capability.startCapability(b);
            Capability.addId(b, capabilities.get(i));
            tables[i] = Capability.endCapability(b);
        }
        int vector = Selection.createCapabilitiesVector(b, tables);
        Selection.startSelection(b);
        Selection.addVersion(b, hyphae.v1.ProtocolVersion.createProtocolVersion(b, version.major(), version.minor()));
        Selection.addCapabilities(b, vector);
        Selection.addMaxFrameSize(b, dev.hyphae.framing.FramingLimits.MAX_FRAME_SIZE);
        int selection = Selection.endSelection(b);
        HandshakePayload.finishHandshakePayloadBuffer(b, HandshakePayload.createHandshakePayload(b, 0, selection, 0));
        return b.sizedByteArray();
    }
}
