package dev.hyphae.noise;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The XX handshake of the mandatory suite between two fresh parties: it completes, each side learns the
 * other's static key, transport works both ways; and what Noise promises fails as it should.
 */
class HandshakeStateTest {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final NoiseSuite SUITE = NoiseSuite.parse(NoiseSuite.MANDATORY);

    private final KeyPair alice = KeyPair.generate(RANDOM);
    private final KeyPair bob = KeyPair.generate(RANDOM);

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void xxCompletesAndAuthenticatesBothStaticKeys() throws NoiseException {
        HandshakeState initiator = new HandshakeState(SUITE, true, bytes("hyphae"), alice, null, RANDOM);
        HandshakeState responder = new HandshakeState(SUITE, false, bytes("hyphae"), bob, null, RANDOM);

        assertArrayEquals(bytes("offer"), responder.readMessage(initiator.writeMessage(bytes("offer"))));
        assertArrayEquals(bytes("select"), initiator.readMessage(responder.writeMessage(bytes("select"))));
        assertArrayEquals(bytes("confirm"), responder.readMessage(initiator.writeMessage(bytes("confirm"))));

        assertTrue(initiator.isComplete() && responder.isComplete());
        assertArrayEquals(bob.publicKey(), initiator.remoteStaticKey());
        assertArrayEquals(alice.publicKey(), responder.remoteStaticKey());
        assertArrayEquals(initiator.handshakeHash(), responder.handshakeHash());

        CipherState[] i = initiator.split();
        CipherState[] r = responder.split();
        assertArrayEquals(bytes("delta"), r[0].decryptWithAd(new byte[0], i[0].encryptWithAd(new byte[0], bytes("delta"))));
        assertArrayEquals(bytes("ack"), i[1].decryptWithAd(new byte[0], r[1].encryptWithAd(new byte[0], bytes("ack"))));
    }

    @Test
    void aTamperedHandshakeMessageFailsAuthenticationAndEndsTheHandshake() throws NoiseException {
        HandshakeState initiator = new HandshakeState(SUITE, true, new byte[0], alice, null, RANDOM);
        HandshakeState responder = new HandshakeState(SUITE, false, new byte[0], bob, null, RANDOM);
        responder.readMessage(initiator.writeMessage(bytes("offer: 1.0, 1.1")));
        byte[] second = responder.writeMessage(new byte[0]);
        second[40] ^= 1;

        NoiseException e = assertThrows(NoiseException.class, () -> initiator.readMessage(second));
        assertEquals(NoiseException.Reason.AUTHENTICATION_FAILED, e.reason());
        assertThrows(IllegalStateException.class, () -> initiator.writeMessage(new byte[0]), "a failed handshake is not resumed");
    }

    @Test
    void aTamperedFirstMessageIsDetectedByTheNextOne() throws NoiseException {
        // The first message is unencrypted, but hashed: an attacker who changes the offer changes the
        // responder's transcript, and the initiator cannot decrypt the reply. This is downgrade protection.
        HandshakeState initiator = new HandshakeState(SUITE, true, new byte[0], alice, null, RANDOM);
        HandshakeState responder = new HandshakeState(SUITE, false, new byte[0], bob, null, RANDOM);
        byte[] first = initiator.writeMessage(bytes("versions: 1.1 1.0"));
        byte[] downgraded = first.clone();
        downgraded[downgraded.length - 3] = '0';
        responder.readMessage(downgraded);

        NoiseException e = assertThrows(NoiseException.class, () -> initiator.readMessage(responder.writeMessage(new byte[0])));
        assertEquals(NoiseException.Reason.AUTHENTICATION_FAILED, e.reason());
    }

    @Test
    void differentProloguesDoNotHandshake() throws NoiseException {
        HandshakeState initiator = new HandshakeState(SUITE, true, bytes("hyphae/1"), alice, null, RANDOM);
        HandshakeState responder = new HandshakeState(SUITE, false, bytes("hyphae/2"), bob, null, RANDOM);
        responder.readMessage(initiator.writeMessage(new byte[0]));
        assertThrows(NoiseException.class, () -> initiator.readMessage(responder.writeMessage(new byte[0])));
    }

    @Test
    void aTruncatedMessageIsRefused() throws NoiseException {
        HandshakeState initiator = new HandshakeState(SUITE, true, new byte[0], alice, null, RANDOM);
        HandshakeState responder = new HandshakeState(SUITE, false, new byte[0], bob, null, RANDOM);
        byte[] first = initiator.writeMessage(new byte[0]);
        NoiseException e = assertThrows(NoiseException.class,
                () -> responder.readMessage(java.util.Arrays.copyOf(first, 31)));
        assertEquals(NoiseException.Reason.BAD_MESSAGE_LENGTH, e.reason());
    }

    @Test
    void outOfTurnUseIsAProgrammingError() {
        HandshakeState responder = new HandshakeState(SUITE, false, new byte[0], bob, null, RANDOM);
        assertThrows(IllegalStateException.class, () -> responder.writeMessage(new byte[0]));
    }

    @Test
    void onlyOfferedSuitesParse() {
        assertEquals(HandshakePattern.XX, SUITE.pattern());
        assertEquals(null, NoiseSuite.parse("Noise_IK_25519_ChaChaPoly_SHA256"));
        assertTrue(NoiseSuite.unsupportedReason("Noise_XX_448_ChaChaPoly_SHA256").contains("DH function 448"));
    }
}
