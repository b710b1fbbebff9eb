package dev.hyphae.tools;

import com.google.flatbuffers.FlatBufferBuilder;
import dev.hyphae.ErrorCode;
import dev.hyphae.ProtocolException;
import dev.hyphae.framing.FramingLimits;
import dev.hyphae.handshake.Certificate;
import dev.hyphae.handshake.HyphaeHandshake;
import dev.hyphae.handshake.ProtocolVersion;
import dev.hyphae.handshake.TrustStore;
import dev.hyphae.noise.CipherState;
import dev.hyphae.noise.HandshakeState;
import dev.hyphae.noise.KeyPair;
import dev.hyphae.noise.NoiseException;
import dev.hyphae.noise.NoiseSuite;
import hyphae.v1.Capability;
import hyphae.v1.HandshakePayload;
import hyphae.v1.Offer;
import hyphae.v1.Selection;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * The responder of the seeded handshake defects ({@link Defect#HS_IGNORE_CRITICAL} and the others of that section):
 * the reference responder's messages, laid out byte for byte as the reference lays them out, from a negotiation of
 * its own that carries exactly one of the bugs that implementers make in reading an offer. It reads the offer's
 * fields without the verifier, which only a deliberately broken responder may do.
 */
final class LenientResponder {

    private final HandshakeVectors.Side side;
    private final Defect defect;
    private final HandshakeState noise;
    private ProtocolVersion version;
    private TreeSet<Integer> selected;
    private int offerFrameSize;
    private HyphaeHandshake.Result result;

    LenientResponder(HandshakeVectors.Side side, Defect defect) {
        this.side = side;
        this.defect = defect;
        this.noise = new HandshakeState(NoiseSuite.parse(NoiseSuite.MANDATORY), false, HyphaeHandshake.PROLOGUE,
                KeyPair.fromPrivateKey(side.staticPrivate), KeyPair.fromPrivateKey(side.ephemeralPrivate), null);
    }

    /** A refusal that the responder reports in message 2, as the reference adapter answers one. */
    record Reported(ProtocolException refusal, byte[] message) {
    }

    /**
     * Reads message 1 and returns message 2, or the refusal that message 2 reports.
     *
     * @throws ProtocolException a refusal that sends nothing
     */
    Object onOffer(byte[] message) throws ProtocolException {
        Offer offer = HandshakePayload.getRootAsHandshakePayload(ByteBuffer.wrap(read(message)).order(ByteOrder.LITTLE_ENDIAN)).offer();
        if (offer == null) {
            throw ProtocolException.sessionError(ErrorCode.MALFORMED_MESSAGE, "message 1 carries no offer");
        }
        List<Integer> ids = new ArrayList<>();
        TreeSet<Integer> critical = new TreeSet<>();
        for (int i = 0; i < offer.capabilitiesLength(); i++) {
            ids.add(offer.capabilities(i).id());
            if (offer.capabilities(i).critical()) {
                critical.add(offer.capabilities(i).id());
            }
        }
        ErrorCode refusal = null;
        if (new TreeSet<>(ids).size() != ids.size()
                || offer.maxFrameSize() != 0 && offer.maxFrameSize() < FramingLimits.MIN_FRAME_SIZE && defect != Defect.HS_ACCEPT_SMALL_FRAMES) {
            if (defect != Defect.HS_REPORT_MALFORMED) {
                throw ProtocolException.sessionError(ErrorCode.MALFORMED_MESSAGE, "a malformed offer");
            }
            // The seeded bug HS_REPORT_MALFORMED: an offer that cannot be read is answered, as if it were a negotiation.
            refusal = ErrorCode.MALFORMED_MESSAGE;
        } else if (ids.contains(0)) {
            refusal = ErrorCode.PROTOCOL_VIOLATION;
        }
        // The seeded bug HS_ACCEPT_SMALL_FRAMES: a frame size below 1024 is taken as announced.
        offerFrameSize = offer.maxFrameSize() == 0 ? FramingLimits.MAX_FRAME_SIZE : offer.maxFrameSize();
        hyphae.v1.ProtocolVersion struct = new hyphae.v1.ProtocolVersion();
        for (int i = 0; i < offer.versionsLength() && refusal == null; i++) {
            offer.versions(struct, i);
            ProtocolVersion v = new ProtocolVersion(struct.major(), struct.minor());
            if (side.versions.contains(v) && (version == null || v.compareTo(version) > 0)) {
                version = v;
                if (defect == Defect.HS_FIRST_COMMON_VERSION) {
                    // The seeded bug: the first common version in the offer's order, as if the offer were a preference list.
                    break;
                }
            }
        }
        if (refusal == null && version == null) {
            refusal = ErrorCode.UNSUPPORTED_VERSION;
        }
        if (refusal == null && defect != Defect.HS_IGNORE_CRITICAL && !side.capabilities.containsAll(critical)) {
            refusal = ErrorCode.UNSUPPORTED_CAPABILITY;
        }
        if (refusal != null) {
            byte[] second = write(selectionError(refusal, defect == Defect.HS_ERROR_SELECTION_WITH_FIELDS));
            noise.destroy();
            return new Reported(ProtocolException.sessionError(refusal, "the offer is refused"), second);
        }
        // The seeded bug HS_IGNORE_CRITICAL: the critical flag is never looked at, and unknown capabilities are ignored.
        selected = new TreeSet<>(ids);
        selected.retainAll(side.capabilities);
        return write(selection(version, selected, side.certificate));
    }

    /** Reads message 3; the handshake is then complete. */
    void onConfirmation(byte[] message) throws ProtocolException {
        hyphae.v1.Confirmation c = HandshakePayload.getRootAsHandshakePayload(ByteBuffer.wrap(read(message)).order(ByteOrder.LITTLE_ENDIAN))
                .confirmation();
        if (c == null) {
            throw ProtocolException.sessionError(ErrorCode.MALFORMED_MESSAGE, "message 3 carries no confirmation");
        }
        TrustStore.Identity identity = TrustStore.of(side.trustedPeers, side.trustedOrganisations)
                .verify(noise.remoteStaticKey(), certificate(c.certificate()), side.now);
        CipherState[] ciphers = noise.split();
        result = new HyphaeHandshake.Result(version, selected, noise.remoteStaticKey(), ciphers[1], ciphers[0], noise.handshakeHash(),
                identity, offerFrameSize, FramingLimits.MAX_FRAME_SIZE);
    }

    HyphaeHandshake.Result result() {
        return result;
    }

    private byte[] read(byte[] message) throws ProtocolException {
        try {
            return noise.readMessage(message);
        } catch (NoiseException e) {
            throw ProtocolException.sessionError(ErrorCode.HANDSHAKE_FAILED, e, "%s", e.getMessage());
        }
    }

    private byte[] write(byte[] payload) throws ProtocolException {
        try {
            return noise.writeMessage(payload);
        } catch (NoiseException e) {
            throw ProtocolException.sessionError(ErrorCode.HANDSHAKE_FAILED, e, "%s", e.getMessage());
        }
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

    /** Message 2's Selection, laid out as the reference responder lays it out. */
    private static byte[] selection(ProtocolVersion version, TreeSet<Integer> capabilities, Certificate c) {
        FlatBufferBuilder b = new FlatBufferBuilder(128);
        int[] tables = new int[capabilities.size()];
        int i = 0;
        for (int id : capabilities) {
            tables[i++] = Capability.createCapability(b, id, 0, false);
        }
        int vector = Offer.createCapabilitiesVector(b, tables);
        int cert = 0;
        if (c != null) {
            int organisationKey = b.createByteVector(c.organisationKey());
            int subjectKey = b.createByteVector(c.subjectKey());
            int organisation = b.createString(c.organisation());
            int signature = b.createByteVector(c.signature());
            cert = hyphae.v1.Certificate.createCertificate(b, organisationKey, subjectKey, organisation, c.notBefore(), c.notAfter(), signature);
        }
        Selection.startSelection(b);
        if (cert != 0) {
            Selection.addCertificate(b, cert);
        }
        Selection.addVersion(b, hyphae.v1.ProtocolVersion.createProtocolVersion(b, version.major(), version.minor()));
        Selection.addCapabilities(b, vector);
        Selection.addMaxFrameSize(b, FramingLimits.MAX_FRAME_SIZE);
        int selection = Selection.endSelection(b);
        HandshakePayload.finishHandshakePayloadBuffer(b, HandshakePayload.createHandshakePayload(b, 0, selection, 0));
        return b.sizedByteArray();
    }

    /**
     * A Selection that holds only {@code error}, laid out as the reference responder lays it out; or, with the seeded
     * bug HS_ERROR_SELECTION_WITH_FIELDS, one that also announces {@code max_frame_size}, as a responder that builds its
     * refusal on the path of its acceptance does (HY-HS-017).
     */
    private static byte[] selectionError(ErrorCode error, boolean withFrameSize) {
        FlatBufferBuilder b = new FlatBufferBuilder(64);
        Selection.startSelection(b);
        Selection.addError(b, error.value());
        if (withFrameSize) {
            Selection.addMaxFrameSize(b, FramingLimits.MAX_FRAME_SIZE);
        }
        int selection = Selection.endSelection(b);
        HandshakePayload.finishHandshakePayloadBuffer(b, HandshakePayload.createHandshakePayload(b, 0, selection, 0));
        return b.sizedByteArray();
    }
}
