package dev.hyphae.conformance.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.flatbuffers.FlatBufferBuilder;
import dev.hyphae.ErrorCode;
import dev.hyphae.ProtocolException;
import dev.hyphae.handshake.Certificate;
import dev.hyphae.handshake.HyphaeHandshake;
import dev.hyphae.handshake.ProtocolVersion;
import dev.hyphae.noise.HandshakeState;
import dev.hyphae.noise.KeyPair;
import dev.hyphae.noise.NoiseException;
import dev.hyphae.noise.NoiseSuite;
import hyphae.v1.Capability;
import hyphae.v1.Confirmation;
import hyphae.v1.HandshakePayload;
import hyphae.v1.Offer;
import hyphae.v1.Selection;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * The suite's side of a handshake with its payloads laid out otherwise than the reference lays out its own
 * (HY-HS-018), so that an implementation whose reader has met only its own writer, or the reference's, meets
 * something else: every field that holds its default written out ({@code critical} false, an empty
 * {@code parameters}, a Confirmation's {@code error} 0), {@code max_frame_size} left out (which means 65535,
 * HY-HS-011), the fields of each table added in the opposite order of the schema, and the objects of a table written
 * in another order (the versions before the capabilities, a certificate's signature before its keys). The Noise
 * handshake is the reference's; only the payloads differ. The payloads are read back by content
 * ({@link HandshakeContent}).
 */
public final class OtherLayout {

    private OtherLayout() {
    }

    /** The payload of message 1: {@code side}'s offer. */
    public static byte[] offer(HandshakeSide side) {
        FlatBufferBuilder b = builder();
        Offer.startVersionsVector(b, side.versions.size());
        for (int k = side.versions.size() - 1; k >= 0; k--) {
            hyphae.v1.ProtocolVersion.createProtocolVersion(b, side.versions.get(k).major(), side.versions.get(k).minor());
        }
        int versions = b.endVector();
        int capabilities = capabilities(b, side.capabilities, side.critical);
        Offer.startOffer(b);
        Offer.addCapabilities(b, capabilities);
        Offer.addVersions(b, versions);
        int offer = Offer.endOffer(b);
        HandshakePayload.startHandshakePayload(b);
        HandshakePayload.addOffer(b, offer);
        return finish(b, HandshakePayload.endHandshakePayload(b));
    }

    /** The payload of message 2 that selects {@code version} and {@code capabilities}, with {@code certificate} or none. */
    public static byte[] selection(ProtocolVersion version, TreeSet<Integer> capabilities, Certificate certificate) {
        FlatBufferBuilder b = builder();
        int cert = certificate(b, certificate);
        int vector = capabilities(b, capabilities, new TreeSet<>());
        Selection.startSelection(b);
        if (cert != 0) {
            Selection.addCertificate(b, cert);
        }
        Selection.addCapabilities(b, vector);
        Selection.addVersion(b, hyphae.v1.ProtocolVersion.createProtocolVersion(b, version.major(), version.minor()));
        int selection = Selection.endSelection(b);
        HandshakePayload.startHandshakePayload(b);
        HandshakePayload.addSelection(b, selection);
        return finish(b, HandshakePayload.endHandshakePayload(b));
    }

    /** The payload of message 3, with {@code certificate} or none, and its {@code error} written out as 0. */
    public static byte[] confirmation(Certificate certificate) {
        FlatBufferBuilder b = builder();
        int cert = certificate(b, certificate);
        Confirmation.startConfirmation(b);
        if (cert != 0) {
            Confirmation.addCertificate(b, cert);
        }
        Confirmation.addError(b, 0);
        int confirmation = Confirmation.endConfirmation(b);
        HandshakePayload.startHandshakePayload(b);
        HandshakePayload.addConfirmation(b, confirmation);
        return finish(b, HandshakePayload.endHandshakePayload(b));
    }

    private static FlatBufferBuilder builder() {
        FlatBufferBuilder b = new FlatBufferBuilder(256);
        b.forceDefaults(true);
        return b;
    }

    private static byte[] finish(FlatBufferBuilder b, int root) {
        HandshakePayload.finishHandshakePayloadBuffer(b, root);
        return b.sizedByteArray();
    }

    private static int capabilities(FlatBufferBuilder b, TreeSet<Integer> ids, TreeSet<Integer> critical) {
        int[] tables = new int[ids.size()];
        int i = 0;
        for (int id : ids.descendingSet()) {
            int parameters = Capability.createParametersVector(b, new byte[0]);
            Capability.startCapability(b);
            Capability.addCritical(b, critical.contains(id));
            Capability.addParameters(b, parameters);
            Capability.addId(b, id);
            tables[i++] = Capability.endCapability(b);
        }
        return Offer.createCapabilitiesVector(b, tables);
    }

    private static int certificate(FlatBufferBuilder b, Certificate c) {
        if (c == null) {
            return 0;
        }
        int signature = b.createByteVector(c.signature());
        int organisation = b.createString(c.organisation());
        int subjectKey = b.createByteVector(c.subjectKey());
        int organisationKey = b.createByteVector(c.organisationKey());
        hyphae.v1.Certificate.startCertificate(b);
        hyphae.v1.Certificate.addSignature(b, signature);
        hyphae.v1.Certificate.addNotAfter(b, c.notAfter());
        hyphae.v1.Certificate.addNotBefore(b, c.notBefore());
        hyphae.v1.Certificate.addOrganisation(b, organisation);
        hyphae.v1.Certificate.addSubjectKey(b, subjectKey);
        hyphae.v1.Certificate.addOrganisationKey(b, organisationKey);
        return hyphae.v1.Certificate.endCertificate(b);
    }

    /**
     * The suite as the adapter's peer, in either role, writing its payloads in this layout: the Noise handshake of
     * HY-HS-001 with {@code side}'s keys. As responder it selects the highest version in common and the capabilities
     * that both know; it checks nothing of what it reads beyond what it needs to answer, since what is judged is the
     * adapter's reading of its payloads.
     */
    public static final class Peer {
        private final HandshakeSide side;
        private final HandshakeState noise;
        /** The content of each payload read, in order (HandshakeContent's reading). */
        public final List<JsonNode> read = new ArrayList<>();

        public Peer(HandshakeSide side, boolean initiator) {
            this.side = side;
            this.noise = new HandshakeState(NoiseSuite.parse(NoiseSuite.MANDATORY), initiator, HyphaeHandshake.PROLOGUE,
                    KeyPair.fromPrivateKey(side.staticPrivate), KeyPair.fromPrivateKey(side.ephemeralPrivate), null);
        }

        /** Message 1. */
        public byte[] start() throws ProtocolException {
            return write(offer(side));
        }

        /** Reads message 1 and answers message 2. */
        public byte[] onOffer(byte[] first) throws ProtocolException {
            JsonNode offer = read(first, 1).path("offer");
            ProtocolVersion version = null;
            for (JsonNode v : offer.path("versions")) {
                String[] p = v.asText().split("\\.");
                ProtocolVersion offered = new ProtocolVersion(Integer.parseInt(p[0]), Integer.parseInt(p[1]));
                if (side.versions.contains(offered) && (version == null || offered.compareTo(version) > 0)) {
                    version = offered;
                }
            }
            if (version == null) {
                throw ProtocolException.sessionError(ErrorCode.UNSUPPORTED_VERSION, "no version in common with %s", offer);
            }
            TreeSet<Integer> selected = new TreeSet<>();
            offer.path("capabilities").forEach(c -> {
                if (side.capabilities.contains(c.path("id").asInt())) {
                    selected.add(c.path("id").asInt());
                }
            });
            return write(selection(version, selected, side.certificate));
        }

        /** Reads message 2 and answers message 3. */
        public byte[] onSelection(byte[] second) throws ProtocolException {
            read(second, 2);
            return write(confirmation(side.certificate));
        }

        /** Reads message 3. */
        public void onConfirmation(byte[] third) throws ProtocolException {
            read(third, 3);
        }

        /** The handshake hash, once the handshake is complete. */
        public byte[] handshakeHash() {
            return noise.handshakeHash();
        }

        private JsonNode read(byte[] message, int number) throws ProtocolException {
            try {
                JsonNode content = HandshakeContent.content(noise.readMessage(message), number);
                read.add(content);
                return content;
            } catch (NoiseException e) {
                throw ProtocolException.sessionError(ErrorCode.HANDSHAKE_FAILED, e, "%s", e.getMessage());
            } catch (IllegalArgumentException e) {
                throw ProtocolException.sessionError(ErrorCode.MALFORMED_MESSAGE, "%s", e.getMessage());
            }
        }

        private byte[] write(byte[] payload) throws ProtocolException {
            try {
                return noise.writeMessage(payload);
            } catch (NoiseException e) {
                throw ProtocolException.sessionError(ErrorCode.HANDSHAKE_FAILED, e, "%s", e.getMessage());
            }
        }
    }
}
