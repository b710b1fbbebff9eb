package dev.hyphae.handshake;

import dev.hyphae.ErrorCode;
import dev.hyphae.ProtocolException;
import dev.hyphae.codec.Schema;
import dev.hyphae.noise.KeyPair;
import dev.hyphae.noise.NoiseException;
import dev.hyphae.spec.Requirement;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Hyphae handshake end to end, in memory: negotiation, refusal, and a downgrade attempt on the wire. */
class HyphaeHandshakeTest {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final ProtocolVersion V1_1 = new ProtocolVersion(1, 1);

    private final KeyPair alice = KeyPair.generate(RANDOM);
    private final KeyPair bob = KeyPair.generate(RANDOM);

    /** {@code me}, trusting exactly {@code peer}'s static key, on the system clock. */
    static HyphaeHandshake.Credentials credentials(KeyPair me, KeyPair peer) {
        return new HyphaeHandshake.Credentials(me, null, TrustStore.of(List.of(peer.publicKey()), List.of()), System::currentTimeMillis);
    }

    private static Negotiation.Offer offer(List<ProtocolVersion> versions, Integer... capabilities) {
        return new Negotiation.Offer(versions, new TreeSet<>(List.of(capabilities)));
    }

    @Test
    @Requirement({"HY-VER-002", "HY-VER-026", "HY-HS-001", "HY-HS-002", "HY-HS-005", "HY-HS-008"})
    void peersAgreeOnTheHighestCommonVersionAndTalk() throws ProtocolException, NoiseException {
        HyphaeHandshake.Initiator initiator = new HyphaeHandshake.Initiator(credentials(alice, bob), offer(List.of(ProtocolVersion.V1_0, V1_1), 1, 2, 9), RANDOM);
        HyphaeHandshake.Responder responder = new HyphaeHandshake.Responder(credentials(bob, alice), List.of(ProtocolVersion.V1_0, V1_1), Set.of(2, 3), RANDOM);

        byte[] second = responder.onOffer(initiator.start());
        responder.onConfirmation(initiator.onSelection(second));

        HyphaeHandshake.Result i = initiator.result();
        HyphaeHandshake.Result r = responder.result();
        assertEquals(V1_1, i.version());
        assertEquals(V1_1, r.version());
        assertEquals(new TreeSet<>(List.of(2)), i.capabilities());
        assertArrayEquals(bob.publicKey(), i.remoteStaticKey());
        assertArrayEquals(alice.publicKey(), r.remoteStaticKey());
        assertArrayEquals(i.handshakeHash(), r.handshakeHash());
        byte[] delta = "delta".getBytes(StandardCharsets.UTF_8);
        assertArrayEquals(delta, r.receiver().decryptWithAd(new byte[0], i.sender().encryptWithAd(new byte[0], delta)));
        assertArrayEquals(delta, i.receiver().decryptWithAd(new byte[0], r.sender().encryptWithAd(new byte[0], delta)));
    }

    /**
     * Each handshake draws a new ephemeral key pair, on both sides: two handshakes with the same static keys, offer and
     * random source begin with different ephemeral keys in messages 1 and 2. (That the source is cryptographically
     * secure, the rest of HY-SEC-002, no output can show; the constructors take a SecureRandom.)
     */
    @Test
    @Requirement("HY-SEC-002")
    void everyHandshakeHasAnEphemeralKeyOfItsOwn() throws ProtocolException {
        byte[][] first = new byte[2][];
        byte[][] second = new byte[2][];
        for (int k = 0; k < 2; k++) {
            HyphaeHandshake.Initiator initiator = new HyphaeHandshake.Initiator(credentials(alice, bob), offer(List.of(ProtocolVersion.V1_0)), RANDOM);
            HyphaeHandshake.Responder responder = new HyphaeHandshake.Responder(credentials(bob, alice), List.of(ProtocolVersion.V1_0), Set.of(), RANDOM);
            first[k] = initiator.start();
            second[k] = responder.onOffer(first[k]);
        }
        assertFalse(Arrays.equals(Arrays.copyOf(first[0], KeyPair.LENGTH), Arrays.copyOf(first[1], KeyPair.LENGTH)), "the initiator's");
        assertFalse(Arrays.equals(Arrays.copyOf(second[0], KeyPair.LENGTH), Arrays.copyOf(second[1], KeyPair.LENGTH)), "the responder's");
    }

    @Test
    @Requirement({"HY-VER-003", "HY-HS-006", "HY-HS-007"})
    void withoutACommonVersionBothSidesEndWithUnsupportedVersion() throws ProtocolException {
        HyphaeHandshake.Initiator initiator = new HyphaeHandshake.Initiator(credentials(alice, bob), offer(List.of(new ProtocolVersion(2, 0))), RANDOM);
        HyphaeHandshake.Responder responder = new HyphaeHandshake.Responder(credentials(bob, alice), List.of(ProtocolVersion.V1_0), Set.of(), RANDOM);

        byte[] refusal = responder.onOffer(initiator.start());

        assertEquals(ErrorCode.UNSUPPORTED_VERSION, responder.failure().code());
        assertEquals(ErrorCode.UNSUPPORTED_VERSION, assertThrows(ProtocolException.class, () -> initiator.onSelection(refusal)).code());
    }

    @Test
    @Requirement({"HY-VER-005", "HY-HS-009"})
    void anOfferDowngradedInTransitIsDetectedByTheInitiator() throws ProtocolException {
        HyphaeHandshake.Initiator initiator = new HyphaeHandshake.Initiator(credentials(alice, bob), offer(List.of(ProtocolVersion.V1_0, V1_1)), RANDOM);
        HyphaeHandshake.Responder responder = new HyphaeHandshake.Responder(credentials(bob, alice), List.of(ProtocolVersion.V1_0, V1_1), Set.of(), RANDOM);
        byte[] first = initiator.start();

        // An attacker on the path keeps the initiator's ephemeral key and replaces the cleartext offer with 1.0 only.
        byte[] downgraded = Arrays.copyOf(first, KeyPair.LENGTH);
        byte[] weaker = HandshakeCodec.offer(offer(List.of(ProtocolVersion.V1_0)));
        byte[] forged = new byte[downgraded.length + weaker.length];
        System.arraycopy(downgraded, 0, forged, 0, downgraded.length);
        System.arraycopy(weaker, 0, forged, downgraded.length, weaker.length);
        byte[] second = responder.onOffer(forged);

        ProtocolException e = assertThrows(ProtocolException.class, () -> initiator.onSelection(second));
        assertEquals(ErrorCode.HANDSHAKE_FAILED, e.code());
    }

    @Test
    @Requirement({"HY-HS-010", "HY-HS-006", "HY-HS-007"})
    void anUnknownCriticalCapabilityEndsTheHandshakeOnBothSides() throws ProtocolException {
        Negotiation.Offer offer = new Negotiation.Offer(List.of(ProtocolVersion.V1_0), new TreeSet<>(List.of(3, 7)), new TreeSet<>(List.of(7)));
        HyphaeHandshake.Initiator initiator = new HyphaeHandshake.Initiator(credentials(alice, bob), offer, RANDOM);
        HyphaeHandshake.Responder responder = new HyphaeHandshake.Responder(credentials(bob, alice), List.of(ProtocolVersion.V1_0), Set.of(3), RANDOM);
        byte[] refusal = responder.onOffer(initiator.start());
        assertEquals(ErrorCode.UNSUPPORTED_CAPABILITY, responder.failure().code());
        assertEquals(ErrorCode.UNSUPPORTED_CAPABILITY, assertThrows(ProtocolException.class, () -> initiator.onSelection(refusal)).code());
    }

    @Test
    @Requirement({"HY-HS-009", "HY-SEC-001"})
    void aLowOrderEphemeralKeyIsRefused() throws ProtocolException {
        HyphaeHandshake.Initiator initiator = new HyphaeHandshake.Initiator(credentials(alice, bob), offer(List.of(ProtocolVersion.V1_0)), RANDOM);
        HyphaeHandshake.Responder responder = new HyphaeHandshake.Responder(credentials(bob, alice), List.of(ProtocolVersion.V1_0), Set.of(), RANDOM);
        byte[] first = initiator.start();
        java.util.Arrays.fill(first, 0, KeyPair.LENGTH, (byte) 0); // the all-zero point: every DH with it is zero
        assertEquals(ErrorCode.HANDSHAKE_FAILED, assertThrows(ProtocolException.class, () -> responder.onOffer(first)).code());
    }

    @net.jqwik.api.Property(tries = 300)
    @Requirement({"HY-HS-009", "HY-VER-005", "HY-HS-003"})
    void flippingAnyBitOfAnyHandshakeMessageIsRefusedWithACode(
            @net.jqwik.api.ForAll @net.jqwik.api.constraints.IntRange(min = 0, max = 2) int which,
            @net.jqwik.api.ForAll int seed) throws ProtocolException {
        HyphaeHandshake.Initiator initiator = new HyphaeHandshake.Initiator(credentials(alice, bob), offer(List.of(ProtocolVersion.V1_0, V1_1), 1), RANDOM);
        HyphaeHandshake.Responder responder = new HyphaeHandshake.Responder(credentials(bob, alice), List.of(ProtocolVersion.V1_0, V1_1), Set.of(1), RANDOM);
        ProtocolException refused = null;
        try {
            byte[] first = initiator.start();
            byte[] second = responder.onOffer(which == 0 ? flip(first, seed) : first);
            byte[] third = initiator.onSelection(which == 1 ? flip(second, seed) : second);
            responder.onConfirmation(which == 2 ? flip(third, seed) : third);
        } catch (ProtocolException e) {
            refused = e;
        }
        if (refused == null) {
            throw new AssertionError("a handshake with a flipped bit in message " + (which + 1) + " completed");
        }
        assertTrue(Set.of(ErrorCode.HANDSHAKE_FAILED, ErrorCode.MALFORMED_MESSAGE, ErrorCode.PROTOCOL_VIOLATION,
                ErrorCode.UNSUPPORTED_VERSION, ErrorCode.UNKNOWN_PEER).contains(refused.code()), refused.getMessage());
        assertThrows(IllegalStateException.class, responder::result, "the responder never completes");
    }

    private static byte[] flip(byte[] message, int seed) {
        byte[] copy = message.clone();
        int bit = Math.floorMod(seed, copy.length * 8);
        copy[bit / 8] ^= (byte) (1 << (bit % 8));
        return copy;
    }

    @Test
    @Requirement("HY-HS-003")
    void aMalformedOfferIsRefusedWithMalformedMessage() {
        HyphaeHandshake.Responder responder = new HyphaeHandshake.Responder(credentials(bob, alice), List.of(ProtocolVersion.V1_0), Set.of(), RANDOM);
        byte[] garbage = new byte[KeyPair.LENGTH + 12];
        RANDOM.nextBytes(garbage);
        ProtocolException e = assertThrows(ProtocolException.class, () -> responder.onOffer(garbage));
        assertEquals(ErrorCode.MALFORMED_MESSAGE, e.code());
    }

    @Test
    @Requirement("HY-HS-011")
    void aMaximumFrameSizeBelow1024IsMalformedAndZeroMeans65535() throws ProtocolException {
        com.google.flatbuffers.FlatBufferBuilder b = new com.google.flatbuffers.FlatBufferBuilder();
        int caps = hyphae.v1.Offer.createCapabilitiesVector(b, new int[0]);
        hyphae.v1.Offer.startVersionsVector(b, 1);
        hyphae.v1.ProtocolVersion.createProtocolVersion(b, 1, 0);
        int versions = b.endVector();
        int offer = hyphae.v1.Offer.createOffer(b, versions, caps, 500);
        hyphae.v1.HandshakePayload.finishHandshakePayloadBuffer(b, hyphae.v1.HandshakePayload.createHandshakePayload(b, offer, 0, 0));
        assertEquals(ErrorCode.MALFORMED_MESSAGE, assertThrows(ProtocolException.class, () -> HandshakeCodec.decode(b.sizedByteArray(), Schema.HandshakePayload.OFFER)).code());

        com.google.flatbuffers.FlatBufferBuilder z = new com.google.flatbuffers.FlatBufferBuilder();
        int zcaps = hyphae.v1.Offer.createCapabilitiesVector(z, new int[0]);
        hyphae.v1.Offer.startVersionsVector(z, 1);
        hyphae.v1.ProtocolVersion.createProtocolVersion(z, 1, 0);
        int zversions = z.endVector();
        int zoffer = hyphae.v1.Offer.createOffer(z, zversions, zcaps, 0);
        hyphae.v1.HandshakePayload.finishHandshakePayloadBuffer(z, hyphae.v1.HandshakePayload.createHandshakePayload(z, zoffer, 0, 0));
        assertEquals(65535, HandshakeCodec.decode(z.sizedByteArray(), Schema.HandshakePayload.OFFER).offer().maxFrameSize());
    }

    @Test
    @Requirement({"HY-HS-002", "HY-HS-003"})
    void aPayloadInTheWrongMessageIsRefused() throws ProtocolException {
        // A selection where an offer belongs: each message carries exactly its own payload.
        assertEquals(ErrorCode.MALFORMED_MESSAGE, assertThrows(ProtocolException.class, () -> HandshakeCodec.decode(
                HandshakeCodec.selection(new Negotiation.Selection(ProtocolVersion.V1_0, new TreeSet<>()), null), Schema.HandshakePayload.OFFER)).code());
        assertEquals(List.of(ProtocolVersion.V1_0, V1_1),
                HandshakeCodec.decode(HandshakeCodec.offer(offer(List.of(ProtocolVersion.V1_0, V1_1), 4)), Schema.HandshakePayload.OFFER).offer().versions());
    }
}
