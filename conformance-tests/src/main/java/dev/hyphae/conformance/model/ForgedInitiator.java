package dev.hyphae.conformance.model;

import com.google.flatbuffers.FlatBufferBuilder;
import dev.hyphae.handshake.ProtocolVersion;
import dev.hyphae.noise.KeyPair;
import hyphae.v1.Capability;
import hyphae.v1.HandshakePayload;
import hyphae.v1.Offer;

import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * The first message of an initiator that offers what no conforming initiator offers: capabilities listed twice or
 * capability 0, and any {@code max_frame_size}. The suite plays it to see how the adapter, as responder, refuses
 * (HY-HS-012, HY-HS-013). Message 1 is the initiator's ephemeral public key followed by the offer in clear, so it
 * needs no Noise state; the suite reads the responder's answer with {@link SelectionReader}.
 */
public final class ForgedInitiator {

    private ForgedInitiator() {
    }

    /**
     * Message 1 of {@code side}, with its fixed ephemeral key, offering {@code versions} and {@code capabilities} as given,
     * those of {@code critical} marked critical.
     */
    public static byte[] firstMessage(HandshakeSide side, List<ProtocolVersion> versions, int[] capabilities, Set<Integer> critical,
                                      int maxFrameSize) {
        FlatBufferBuilder b = new FlatBufferBuilder(128);
        int[] tables = new int[capabilities.length];
        for (int k = 0; k < capabilities.length; k++) {
            tables[k] = Capability.createCapability(b, capabilities[k], 0, critical.contains(capabilities[k]));
        }
        int vector = Offer.createCapabilitiesVector(b, tables);
        Offer.startVersionsVector(b, versions.size());
        for (int k = versions.size() - 1; k >= 0; k--) {
            hyphae.v1.ProtocolVersion.createProtocolVersion(b, versions.get(k).major(), versions.get(k).minor());
        }
        int offered = b.endVector();
        Offer.startOffer(b);
        Offer.addVersions(b, offered);
        Offer.addCapabilities(b, vector);
        Offer.addMaxFrameSize(b, maxFrameSize);
        int offer = Offer.endOffer(b);
        HandshakePayload.finishHandshakePayloadBuffer(b, HandshakePayload.createHandshakePayload(b, offer, 0, 0));
        byte[] payload = b.sizedByteArray();
        byte[] e = KeyPair.fromPrivateKey(side.ephemeralPrivate).publicKey();
        byte[] message = Arrays.copyOf(e, e.length + payload.length);
        System.arraycopy(payload, 0, message, e.length, payload.length);
        return message;
    }
}
