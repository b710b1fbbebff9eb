package dev.hyphae.conformance.model;

import dev.hyphae.handshake.HyphaeHandshake;
import dev.hyphae.handshake.ProtocolVersion;
import dev.hyphae.noise.HandshakeState;
import dev.hyphae.noise.KeyPair;
import dev.hyphae.noise.NoiseException;
import dev.hyphae.noise.NoiseSuite;
import dev.hyphae.spec.Requirement;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The forged message 2 of HY-HS-016 is refused by the all-zero check alone: an initiator without the check reads it and
 * accepts its Selection, the reference's initiator refuses it for the low-order key, not for a failed decryption.
 */
class UncheckedNoiseTest {

    private final HandshakeSide[] p = HandshakeSide.pair();

    private HandshakeState reference(boolean initiator, HandshakeSide side) {
        return new HandshakeState(NoiseSuite.parse(NoiseSuite.MANDATORY), initiator, HyphaeHandshake.PROLOGUE,
                KeyPair.fromPrivateKey(side.staticPrivate), KeyPair.fromPrivateKey(side.ephemeralPrivate), null);
    }

    /** Against the reference's Noise layer, the unchecked one runs the same handshake, byte for byte. */
    @Test
    @Requirement({"HY-HS-001"})
    void withoutALowOrderKeyItIsTheReferenceHandshake() throws Exception {
        UncheckedNoise initiator = new UncheckedNoise(true, p[0].staticPrivate, p[0].ephemeralPrivate, false);
        HandshakeState responder = reference(false, p[1]);
        byte[] first = initiator.writeMessage(new byte[] {1});
        assertArrayEquals(new byte[] {1}, responder.readMessage(first));
        assertArrayEquals(new byte[] {2}, initiator.readMessage(responder.writeMessage(new byte[] {2})));
        assertArrayEquals(new byte[] {3}, responder.readMessage(initiator.writeMessage(new byte[] {3})));
        assertArrayEquals(responder.handshakeHash(), initiator.handshakeHash());
        assertArrayEquals(p[1].publicKey(), initiator.remoteStaticKey());
    }

    @Test
    @Requirement({"HY-HS-016"})
    void theZeroEphemeralReplyIsRefusedOnlyForItsAllZeroDh() throws Exception {
        byte[] selection = ForgedResponder.selection(ProtocolVersion.V1_0, List.of());
        UncheckedNoise unchecked = new UncheckedNoise(true, p[0].staticPrivate, p[0].ephemeralPrivate, false);
        byte[] first = unchecked.writeMessage(new byte[0]);
        byte[] second = ForgedResponder.answerWithZeroEphemeral(p[1].staticPrivate, p[1].ephemeralPrivate, first, ProtocolVersion.V1_0,
                List.of());
        assertArrayEquals(new byte[KeyPair.LENGTH], java.util.Arrays.copyOf(second, KeyPair.LENGTH));
        // Without the check, the message authenticates: its static key and Selection are read.
        assertArrayEquals(selection, unchecked.readMessage(second));
        assertArrayEquals(p[1].publicKey(), unchecked.remoteStaticKey());
        // With it, the reference refuses the DH, not the decryption.
        HandshakeState checked = reference(true, p[0]);
        assertArrayEquals(first, checked.writeMessage(new byte[0]));
        NoiseException refused = assertThrows(NoiseException.class, () -> checked.readMessage(second));
        assertEquals(NoiseException.Reason.LOW_ORDER_KEY, refused.reason());
    }
}
