package dev.hyphae.handshake;

import dev.hyphae.ErrorCode;
import dev.hyphae.ProtocolException;
import dev.hyphae.codec.Schema;
import dev.hyphae.noise.KeyPair;
import dev.hyphae.spec.Requirement;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Identity in the handshake: a peer is trusted for its own key or for an organisation's valid certificate of
 * it; every other peer is refused before the handshake completes, so before any document data can flow.
 */
class IdentityTest {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final long NOW = 1_767_225_600_000L; // 2026-01-01T00:00:00Z
    private static final long DAY = 86_400_000L;

    private final KeyPair device = KeyPair.generate(RANDOM);
    private final KeyPair cloud = KeyPair.generate(RANDOM);
    private final Ed25519PrivateKeyParameters acme = new Ed25519PrivateKeyParameters(RANDOM);
    private final Ed25519PrivateKeyParameters mallory = new Ed25519PrivateKeyParameters(RANDOM);

    /** The device presents {@code certificate}; the cloud trusts the organisation Acme, the device trusts the cloud's key. */
    private ProtocolException handshake(Certificate certificate, long now) throws ProtocolException {
        HyphaeHandshake.Initiator initiator = new HyphaeHandshake.Initiator(new HyphaeHandshake.Credentials(device, certificate,
                TrustStore.of(List.of(cloud.publicKey()), List.of()), () -> now),
                new Negotiation.Offer(List.of(ProtocolVersion.V1_0), new TreeSet<>()), RANDOM);
        HyphaeHandshake.Responder responder = new HyphaeHandshake.Responder(new HyphaeHandshake.Credentials(cloud, null,
                TrustStore.of(List.of(), List.of(acme.generatePublicKey().getEncoded())), () -> now),
                List.of(ProtocolVersion.V1_0), Set.of(), RANDOM);
        byte[] third = initiator.onSelection(responder.onOffer(initiator.start()));
        try {
            responder.onConfirmation(third);
        } catch (ProtocolException e) {
            assertThrows(IllegalStateException.class, responder::result, "no session keys for a refused peer");
            return e;
        }
        assertEquals("Acme", responder.result().identity().organisation());
        assertArrayEquals(device.publicKey(), responder.result().identity().staticKey());
        return null;
    }

    @Test
    @Requirement({"HY-AUTH-001", "HY-AUTH-002"})
    void aDeviceCertifiedByATrustedOrganisationIsAccepted() throws ProtocolException {
        assertNull(handshake(Certificate.issue(acme, "Acme", device.publicKey(), NOW - DAY, NOW + DAY), NOW));
    }

    @Test
    @Requirement("HY-AUTH-003")
    void aCertificateSignedByAnotherKeyIsRefused() throws ProtocolException {
        Certificate forged = Certificate.issue(mallory, "Acme", device.publicKey(), NOW - DAY, NOW + DAY);
        Certificate claimed = new Certificate(acme.generatePublicKey().getEncoded(), forged.subjectKey(), "Acme",
                forged.notBefore(), forged.notAfter(), forged.signature());
        assertEquals(ErrorCode.BAD_CERTIFICATE, handshake(claimed, NOW).code());
    }

    @Test
    @Requirement("HY-AUTH-003")
    void aCertificateOfAnotherKeyIsRefused() throws ProtocolException {
        Certificate other = Certificate.issue(acme, "Acme", cloud.publicKey(), NOW - DAY, NOW + DAY);
        assertEquals(ErrorCode.BAD_CERTIFICATE, handshake(other, NOW).code());
    }

    @Test
    @Requirement("HY-AUTH-004")
    void anExpiredOrNotYetValidCertificateIsRefused() throws ProtocolException {
        Certificate certificate = Certificate.issue(acme, "Acme", device.publicKey(), NOW - DAY, NOW + DAY);
        assertEquals(ErrorCode.CERTIFICATE_EXPIRED, handshake(certificate, NOW + DAY + 1).code());
        assertEquals(ErrorCode.CERTIFICATE_EXPIRED, handshake(certificate, NOW - DAY - 1).code());
        assertNull(handshake(certificate, NOW + DAY), "the last instant of validity is still valid");
    }

    @Test
    @Requirement("HY-AUTH-005")
    void anUntrustedPeerIsRefused() throws ProtocolException {
        assertEquals(ErrorCode.UNKNOWN_PEER, handshake(null, NOW).code());
    }

    @Test
    @Requirement({"HY-AUTH-005", "HY-AUTH-006"})
    void theInitiatorRefusesAnUntrustedResponderWithoutRevealingItself() throws ProtocolException {
        HyphaeHandshake.Initiator initiator = new HyphaeHandshake.Initiator(new HyphaeHandshake.Credentials(device, null,
                TrustStore.of(List.of(), List.of()), () -> NOW), new Negotiation.Offer(List.of(ProtocolVersion.V1_0), new TreeSet<>()), RANDOM);
        HyphaeHandshake.Responder responder = new HyphaeHandshake.Responder(new HyphaeHandshake.Credentials(cloud, null,
                TrustStore.of(List.of(device.publicKey()), List.of()), () -> NOW), List.of(ProtocolVersion.V1_0), Set.of(), RANDOM);
        byte[] second = responder.onOffer(initiator.start());
        // The initiator refuses without sending message 3, which would reveal its static key to the untrusted responder.
        assertEquals(ErrorCode.UNKNOWN_PEER, assertThrows(ProtocolException.class, () -> initiator.onSelection(second)).code());
        assertThrows(IllegalStateException.class, initiator::result);
        assertThrows(IllegalStateException.class, responder::result);
    }

    @Test
    @Requirement("HY-AUTH-003")
    void aCertificateWhoseOrganisationKeyIsNotAPointIsRefusedWithACode() throws ProtocolException {
        Certificate good = Certificate.issue(acme, "Acme", device.publicKey(), NOW - DAY, NOW + DAY);
        byte[] notAPoint = new byte[32];
        java.util.Arrays.fill(notAPoint, (byte) 0xff);
        Certificate hostile = new Certificate(notAPoint, good.subjectKey(), "Acme", good.notBefore(), good.notAfter(), good.signature());
        assertEquals(ErrorCode.BAD_CERTIFICATE, handshake(hostile, NOW).code());
    }

    @Test
    @Requirement("HY-AUTH-004")
    void validityInstantsAreUnsigned() throws ProtocolException {
        assertNull(handshake(Certificate.issue(acme, "Acme", device.publicKey(), NOW - DAY, -1L), NOW), "Not After 2^64-1: no end");
        assertEquals(ErrorCode.CERTIFICATE_EXPIRED,
                handshake(Certificate.issue(acme, "Acme", device.publicKey(), Long.MIN_VALUE, -1L), NOW).code(), "Not Before 2^63: not yet");
    }

    @Test
    void aCertificateRoundTripsThroughTheConfirmationPayload() throws ProtocolException {
        Certificate certificate = Certificate.issue(acme, "Acme \u00e9", device.publicKey(), NOW, NOW + DAY);
        assertTrue(certificate.signatureIsValid());
        assertEquals(certificate, HandshakeCodec.decode(HandshakeCodec.confirmation(certificate), Schema.HandshakePayload.CONFIRMATION).certificate());
    }
}
