package dev.hyphae.tools;

import com.google.flatbuffers.FlatBufferBuilder;
import dev.hyphae.ErrorCode;
import dev.hyphae.conformance.model.UncheckedNoise;
import dev.hyphae.ProtocolException;
import dev.hyphae.framing.FramingLimits;
import dev.hyphae.handshake.Certificate;
import dev.hyphae.handshake.HyphaeHandshake;
import dev.hyphae.handshake.Negotiation;
import dev.hyphae.handshake.ProtocolVersion;
import dev.hyphae.handshake.TrustStore;
import dev.hyphae.noise.CipherState;
import dev.hyphae.noise.HandshakeState;
import dev.hyphae.noise.KeyPair;
import dev.hyphae.noise.NoiseException;
import dev.hyphae.noise.NoiseSuite;
import hyphae.v1.Capability;
import hyphae.v1.Confirmation;
import hyphae.v1.HandshakePayload;
import hyphae.v1.Offer;
import hyphae.v1.Selection;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.GeneralSecurityException;
import java.util.TreeSet;

/**
 * The initiator of the seeded defects {@link Defect#ACCEPT_DOWNGRADE} and {@link Defect#HS_ERROR_SCOPE_IGNORED}: the
 * reference handshake, message for message and byte for byte, except that with the first it takes the responder's
 * selection as it comes, without checking it against its own offer (HY-VER-004, HY-VER-027), so that a responder
 * can downgrade it to a version it never offered; and with the second it ends with any registered code that a
 * Selection reports, whatever its scope (HY-HS-015). It trusts the buffer as well, which only a deliberately broken
 * initiator may do. With {@link Defect#HS_INITIATOR_SKIPS_LOW_ORDER} it runs the Noise handshake without the all-zero
 * DH check of HY-HS-016 ({@link UncheckedNoise}); it then completes without session keys, which no check that catches
 * it reaches.
 */
final class LenientInitiator {

    private final HandshakeVectors.Side side;
    private final Defect defect;
    private final HandshakeState noise;
    private final UncheckedNoise unchecked;
    private HyphaeHandshake.Result result;

    LenientInitiator(HandshakeVectors.Side side, Defect defect) {
        this.side = side;
        this.defect = defect;
        this.noise = new HandshakeState(NoiseSuite.parse(NoiseSuite.MANDATORY), true, HyphaeHandshake.PROLOGUE,
                KeyPair.fromPrivateKey(side.staticPrivate), KeyPair.fromPrivateKey(side.ephemeralPrivate), null);
        this.unchecked = defect == Defect.HS_INITIATOR_SKIPS_LOW_ORDER
                ? new UncheckedNoise(true, side.staticPrivate, side.ephemeralPrivate, false) : null;
    }

    /** Message 1, laid out as the reference initiator lays it out. */
    byte[] start() throws ProtocolException {
        return write(offer(side.versions, side.capabilities, side.critical, FramingLimits.MAX_FRAME_SIZE));
    }

    /** The payload of an offer, laid out byte for byte as the reference initiator lays one out. */
    static byte[] offer(java.util.List<ProtocolVersion> versions, java.util.SortedSet<Integer> ids, java.util.Set<Integer> critical,
                        int maxFrameSize) {
        FlatBufferBuilder b = new FlatBufferBuilder(128);
        int[] tables = new int[ids.size()];
        int i = 0;
        for (int id : ids) {
            tables[i++] = Capability.createCapability(b, id, 0, critical.contains(id));
        }
        int capabilities = Offer.createCapabilitiesVector(b, tables);
        Offer.startVersionsVector(b, versions.size());
        for (int k = versions.size() - 1; k >= 0; k--) {
            hyphae.v1.ProtocolVersion.createProtocolVersion(b, versions.get(k).major(), versions.get(k).minor());
        }
        int versionVector = b.endVector();
        Offer.startOffer(b);
        Offer.addVersions(b, versionVector);
        Offer.addCapabilities(b, capabilities);
        Offer.addMaxFrameSize(b, maxFrameSize);
        int offer = Offer.endOffer(b);
        HandshakePayload.finishHandshakePayloadBuffer(b, HandshakePayload.createHandshakePayload(b, offer, 0, 0));
        return b.sizedByteArray();
    }

    /** Reads message 2 and returns message 3. */
    byte[] onSelection(byte[] message) throws ProtocolException {
        ByteBuffer payload = ByteBuffer.wrap(read(message)).order(ByteOrder.LITTLE_ENDIAN);
        Selection s = HandshakePayload.getRootAsHandshakePayload(payload).selection();
        if (s.error() != 0) {
            ErrorCode code = ErrorCode.of(s.error());
            // The seeded bug HS_ERROR_SCOPE_IGNORED: a registered code is taken whatever its scope.
            boolean taken = code != null && (code.scope() == ErrorCode.Scope.SESSION || defect == Defect.HS_ERROR_SCOPE_IGNORED);
            if (taken && code.scope() == ErrorCode.Scope.DELTA) {
                throw ProtocolException.deltaError(code, "the responder ended the handshake");
            }
            throw ProtocolException.sessionError(taken ? code : ErrorCode.HANDSHAKE_FAILED, "the responder ended the handshake");
        }
        ProtocolVersion version = new ProtocolVersion(s.version().major(), s.version().minor());
        TreeSet<Integer> capabilities = new TreeSet<>();
        for (int i = 0; i < s.capabilitiesLength(); i++) {
            capabilities.add(s.capabilities(i).id());
        }
        if (defect != Defect.ACCEPT_DOWNGRADE) {
            // Only the seeded bug ACCEPT_DOWNGRADE skips the check of the selection against the offer.
            Negotiation.check(new Negotiation.Offer(side.versions, side.capabilities, side.critical), new Negotiation.Selection(version,
                    capabilities));
        }
        byte[] remoteStaticKey = unchecked != null ? unchecked.remoteStaticKey() : noise.remoteStaticKey();
        TrustStore.Identity identity = TrustStore.of(side.trustedPeers, side.trustedOrganisations)
                .verify(remoteStaticKey, certificate(s.certificate()), side.now);
        byte[] third = write(confirmation(side.certificate));
        CipherState[] ciphers = unchecked != null ? new CipherState[2] : noise.split();
        byte[] hash = unchecked != null ? unchecked.handshakeHash() : noise.handshakeHash();
        int frames = s.maxFrameSize() == 0 ? FramingLimits.MAX_FRAME_SIZE : s.maxFrameSize();
        result = new HyphaeHandshake.Result(version, capabilities, remoteStaticKey, ciphers[0], ciphers[1], hash,
                identity, frames, FramingLimits.MAX_FRAME_SIZE);
        return third;
    }

    /** As the reference handshake does, every failure of the Noise layer ends the handshake with HANDSHAKE_FAILED. */
    private byte[] read(byte[] message) throws ProtocolException {
        try {
            return unchecked != null ? unchecked.readMessage(message) : noise.readMessage(message);
        } catch (NoiseException | GeneralSecurityException | IndexOutOfBoundsException e) {
            throw ProtocolException.sessionError(ErrorCode.HANDSHAKE_FAILED, e, "%s", e.getMessage());
        }
    }

    private byte[] write(byte[] payload) throws ProtocolException {
        try {
            return unchecked != null ? unchecked.writeMessage(payload) : noise.writeMessage(payload);
        } catch (NoiseException | GeneralSecurityException e) {
            throw ProtocolException.sessionError(ErrorCode.HANDSHAKE_FAILED, e, "%s", e.getMessage());
        }
    }

    HyphaeHandshake.Result result() {
        return result;
    }

    private static Certificate certificate(hyphae.v1.Certificate c) {
        if (c == null) {
            return null;
        }
        return new Certificate(bytes(c.organisationKeyAsByteBuffer()), bytes(c.subjectKeyAsByteBuffer()), c.organisation(), c.notBefore(),
                c.notAfter(), bytes(c.signatureAsByteBuffer()));
    }

    private static byte[] bytes(ByteBuffer slice) {
        byte[] out = new byte[slice.remaining()];
        slice.get(slice.position(), out);
        return out;
    }

    /** Message 3's payload, laid out as the reference initiator lays it out. */
    private static byte[] confirmation(Certificate c) {
        FlatBufferBuilder b = new FlatBufferBuilder(64);
        int cert = 0;
        if (c != null) {
            int organisationKey = b.createByteVector(c.organisationKey());
            int subjectKey = b.createByteVector(c.subjectKey());
            int organisation = b.createString(c.organisation());
            int signature = b.createByteVector(c.signature());
            cert = hyphae.v1.Certificate.createCertificate(b, organisationKey, subjectKey, organisation, c.notBefore(), c.notAfter(), signature);
        }
        Confirmation.startConfirmation(b);
        if (cert != 0) {
            Confirmation.addCertificate(b, cert);
        }
        int confirmation = Confirmation.endConfirmation(b);
        HandshakePayload.finishHandshakePayloadBuffer(b, HandshakePayload.createHandshakePayload(b, 0, 0, confirmation));
        return b.sizedByteArray();
    }
}
