package dev.hyphae.handshake;

import dev.hyphae.ErrorCode;
import dev.hyphae.ProtocolException;
import dev.hyphae.codec.Schema;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.List;
import java.util.Random;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A handshake payload decodes to what was encoded, and any damage is refused with MALFORMED_MESSAGE or is harmless. */
class HandshakeCodecProperties {

    @Provide
    Arbitrary<Negotiation.Offer> offers() {
        Arbitrary<ProtocolVersion> version = Arbitraries.integers().between(0, 255)
                .flatMap(major -> Arbitraries.integers().between(0, 255).map(minor -> new ProtocolVersion(major, minor)));
        return version.list().ofMaxSize(8).flatMap(versions -> Arbitraries.integers().between(1, 0xFFFF).set().ofMaxSize(8)
                .map(caps -> new Negotiation.Offer(versions, new TreeSet<>(caps))));
    }

    @Property(tries = 500)
    void decodeInvertsEncode(@ForAll("offers") Negotiation.Offer offer) throws ProtocolException {
        assertEquals(offer, HandshakeCodec.decode(HandshakeCodec.offer(offer), Schema.HandshakePayload.OFFER).offer());
    }

    @Property(tries = 2000)
    @dev.hyphae.spec.Requirement({"HY-HS-003", "HY-HS-004"})
    void damagedPayloadsAreRefusedWithMalformedMessageOrDecode(@ForAll("offers") Negotiation.Offer offer, @ForAll Random random) {
        byte[] bytes = HandshakeCodec.offer(offer);
        for (int i = 0; i < 1 + random.nextInt(4); i++) {
            int at = random.nextInt(bytes.length);
            bytes[at] = (byte) random.nextInt(256);
        }
        if (random.nextBoolean()) {
            bytes = java.util.Arrays.copyOf(bytes, random.nextInt(bytes.length + 1));
        }
        try {
            HandshakeCodec.decode(bytes, Schema.HandshakePayload.OFFER);
        } catch (ProtocolException e) {
            assertEquals(ErrorCode.MALFORMED_MESSAGE, e.code(), e.getMessage());
        }
    }

    @Property(tries = 1000)
    void randomBytesAreRefusedWithMalformedMessageOrDecode(@ForAll byte[] bytes) {
        try {
            HandshakeCodec.decode(bytes, List.of(Schema.HandshakePayload.OFFER, Schema.HandshakePayload.SELECTION, Schema.HandshakePayload.CONFIRMATION).get(Math.floorMod(bytes.length, 3)));
        } catch (ProtocolException e) {
            assertEquals(ErrorCode.MALFORMED_MESSAGE, e.code(), e.getMessage());
        }
    }
}
