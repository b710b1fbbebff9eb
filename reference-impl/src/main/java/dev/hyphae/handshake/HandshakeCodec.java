package dev.hyphae.handshake;

import com.google.flatbuffers.FlatBufferBuilder;
import dev.hyphae.ErrorCode;
import dev.hyphae.ProtocolException;
import dev.hyphae.codec.BufferVerifier;
import dev.hyphae.framing.FramingLimits;
import hyphae.v1.Capability;
import hyphae.v1.Confirmation;
import hyphae.v1.HandshakePayload;
import hyphae.v1.Offer;
import hyphae.v1.Selection;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The handshake payloads of {@code spec/schema/handshake.fbs}: encoded here, and decoded only after
 * {@link BufferVerifier} has checked the whole buffer. A malformed payload is refused with
 * {@code MALFORMED_MESSAGE}, which ends the handshake.
 */
final class HandshakeCodec {

    /** The file identifier of a handshake payload. */
    static final String FILE_IDENTIFIER = "HYH1";
    /** Most versions one offer may list. */
    static final int MAX_OFFERED_VERSIONS = 64;
    /** Most capabilities one offer or selection may list. */
    static final int MAX_CAPABILITIES = 64;
    /** Longest parameters of one capability, in bytes. */
    static final int MAX_CAPABILITY_PARAMETERS = 1024;

    /** A decoded payload: exactly one of the three is present; {@code certificate} may come with the last two. */
    record Decoded(Negotiation.Offer offer, Negotiation.Selection selection, int selectionError, boolean confirmation,
                   int confirmationError, Certificate certificate) {
    }

    private HandshakeCodec() {
    }

    static byte[] offer(Negotiation.Offer offer) {
        FlatBufferBuilder b = new FlatBufferBuilder(128);
        int capabilities = capabilities(b, offer.capabilities(), offer.critical());
        Offer.startVersionsVector(b, offer.versions().size());
        for (int i = offer.versions().size() - 1; i >= 0; i--) {
            hyphae.v1.ProtocolVersion.createProtocolVersion(b, offer.versions().get(i).major(), offer.versions().get(i).minor());
        }
        int versions = b.endVector();
        Offer.startOffer(b);
        Offer.addVersions(b, versions);
        Offer.addCapabilities(b, capabilities);
        Offer.addMaxFrameSize(b, offer.maxFrameSize());
        return finish(b, Offer.endOffer(b), 0, 0);
    }

    static byte[] selection(Negotiation.Selection selection, Certificate certificate) {
        FlatBufferBuilder b = new FlatBufferBuilder(128);
        int capabilities = capabilities(b, selection.capabilities(), new TreeSet<>());
        int cert = certificate(b, certificate);
        Selection.startSelection(b);
        if (cert != 0) {
            Selection.addCertificate(b, cert);
        }
        Selection.addVersion(b, hyphae.v1.ProtocolVersion.createProtocolVersion(b,
                selection.version().major(), selection.version().minor()));
        Selection.addCapabilities(b, capabilities);
        Selection.addMaxFrameSize(b, selection.maxFrameSize());
        return finish(b, 0, Selection.endSelection(b), 0);
    }

    static byte[] selectionError(ErrorCode error) {
        FlatBufferBuilder b = new FlatBufferBuilder(64);
        Selection.startSelection(b);
        Selection.addError(b, error.value());
        return finish(b, 0, Selection.endSelection(b), 0);
    }

    /** Message 3's payload. Its {@code error} field is never set: an initiator that refuses sends no message 3. */
    static byte[] confirmation(Certificate certificate) {
        FlatBufferBuilder b = new FlatBufferBuilder(64);
        int cert = certificate(b, certificate);
        Confirmation.startConfirmation(b);
        if (cert != 0) {
            Confirmation.addCertificate(b, cert);
        }
        return finish(b, 0, 0, Confirmation.endConfirmation(b));
    }

    /** Wraps exactly one of the three payloads (the others 0) in the root table and finishes the buffer. */
    private static byte[] finish(FlatBufferBuilder b, int offer, int selection, int confirmation) {
        HandshakePayload.finishHandshakePayloadBuffer(b, HandshakePayload.createHandshakePayload(b, offer, selection, confirmation));
        return b.sizedByteArray();
    }

    private static int certificate(FlatBufferBuilder b, Certificate c) {
        if (c == null) {
            return 0;
        }
        int organisationKey = b.createByteVector(c.organisationKey());
        int subjectKey = b.createByteVector(c.subjectKey());
        int organisation = b.createString(c.organisation());
        int signature = b.createByteVector(c.signature());
        return hyphae.v1.Certificate.createCertificate(b, organisationKey, subjectKey, organisation, c.notBefore(), c.notAfter(), signature);
    }

    /** The certificate of a verified table, with its fixed lengths and UTF-8 checked. */
    private static Certificate certificate(hyphae.v1.Certificate c) throws ProtocolException {
        if (c == null) {
            return null;
        }
        byte[] organisationKey = bytes(c.organisationKeyAsByteBuffer(), 32, "organisation_key");
        byte[] subjectKey = bytes(c.subjectKeyAsByteBuffer(), 32, "subject_key");
        byte[] signature = bytes(c.signatureAsByteBuffer(), 64, "signature");
        ByteBuffer name = c.organisationAsByteBuffer();
        byte[] utf8 = new byte[name == null ? 0 : name.remaining()];
        if (name != null) {
            name.get(name.position(), utf8);
        }
        dev.hyphae.data.Value.Str organisation = dev.hyphae.data.Value.Str.fromUtf8(utf8);
        if (organisation == null || utf8.length > Certificate.MAX_ORGANISATION_LENGTH) {
            throw malformed("a certificate's organisation is not valid UTF-8 of at most %d bytes", Certificate.MAX_ORGANISATION_LENGTH);
        }
        return new Certificate(organisationKey, subjectKey, organisation.value(), c.notBefore(), c.notAfter(), signature);
    }

    private static byte[] bytes(ByteBuffer slice, int length, String field) throws ProtocolException {
        if (slice == null || slice.remaining() != length) {
            throw malformed("a certificate's %s is not %d bytes", field, length);
        }
        byte[] out = new byte[length];
        slice.get(slice.position(), out);
        return out;
    }

    private static int capabilities(FlatBufferBuilder b, SortedSet<Integer> ids, SortedSet<Integer> critical) {
        int[] tables = new int[ids.size()];
        int i = 0;
        for (int id : ids) {
            tables[i++] = Capability.createCapability(b, id, 0, critical.contains(id));
        }
        return Offer.createCapabilitiesVector(b, tables);
    }

    /**
     * Verifies and decodes a handshake payload, which must hold {@code expected}: 0 an offer, 1 a selection,
     * 2 a confirmation.
     */
    static Decoded decode(byte[] bytes, int expected) throws ProtocolException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        BufferVerifier v = new BufferVerifier(buffer, ErrorCode.MALFORMED_MESSAGE);
        int root = v.root(FILE_IDENTIFIER, 3);
        int present = 0;
        int offer = v.tableField(root, 0, 3);
        if (offer != 0) {
            present++;
            v.vector(offer, 0, 2, MAX_OFFERED_VERSIONS);
            verifyCapabilities(v, offer);
            v.scalar(offer, 2, 2);
        }
        int selection = v.tableField(root, 1, 5);
        if (selection != 0) {
            present++;
            v.inline(selection, 0, 2, 1);
            verifyCapabilities(v, selection);
            v.scalar(selection, 2, 2);
            verifyCertificate(v, v.tableField(selection, 3, 6));
            v.scalar(selection, 4, 2);
        }
        int confirmation = v.tableField(root, 2, 2);
        if (confirmation != 0) {
            present++;
            v.scalar(confirmation, 0, 2);
            verifyCertificate(v, v.tableField(confirmation, 1, 6));
        }
        int which = offer != 0 ? 0 : selection != 0 ? 1 : 2;
        if (present != 1 || which != expected) {
            throw malformed("a handshake message must carry exactly its own payload (%s)", new String[] {"offer", "selection", "confirmation"}[expected]);
        }

        HandshakePayload payload = HandshakePayload.getRootAsHandshakePayload(buffer);
        switch (which) {
            case 0 -> {
                Offer o = payload.offer();
                List<ProtocolVersion> versions = new ArrayList<>();
                hyphae.v1.ProtocolVersion struct = new hyphae.v1.ProtocolVersion();
                for (int i = 0; i < o.versionsLength(); i++) {
                    o.versions(struct, i);
                    versions.add(new ProtocolVersion(struct.major(), struct.minor()));
                }
                TreeSet<Integer> ids = new TreeSet<>();
                TreeSet<Integer> critical = new TreeSet<>();
                for (int i = 0; i < o.capabilitiesLength(); i++) {
                    if (!ids.add(o.capabilities(i).id())) {
                        throw malformed("capability %d is listed twice", o.capabilities(i).id());
                    }
                    if (o.capabilities(i).critical()) {
                        critical.add(o.capabilities(i).id());
                    }
                }
                return new Decoded(new Negotiation.Offer(versions, ids, critical, frameSize(o.maxFrameSize())), null, 0, false, 0, null);
            }
            case 1 -> {
                Selection s = payload.selection();
                if (s.error() != 0) {
                    return new Decoded(null, null, s.error(), false, 0, null);
                }
                if (s.version() == null) {
                    throw malformed("a selection without a version or an error");
                }
                TreeSet<Integer> ids = new TreeSet<>();
                for (int i = 0; i < s.capabilitiesLength(); i++) {
                    if (!ids.add(s.capabilities(i).id())) {
                        throw malformed("capability %d is selected twice", s.capabilities(i).id());
                    }
                }
                return new Decoded(null, new Negotiation.Selection(new ProtocolVersion(s.version().major(), s.version().minor()), ids,
                        frameSize(s.maxFrameSize())), 0, false, 0, certificate(s.certificate()));
            }
            default -> {
                return new Decoded(null, null, 0, true, payload.confirmation().error(), certificate(payload.confirmation().certificate()));
            }
        }
    }

    private static void verifyCertificate(BufferVerifier v, int certificate) throws ProtocolException {
        if (certificate == 0) {
            return;
        }
        v.vector(certificate, 0, 1, 32);
        v.vector(certificate, 1, 1, 32);
        // A FlatBuffers string is a byte vector followed by a zero byte; only the vector's bytes are read.
        v.vector(certificate, 2, 1, Certificate.MAX_ORGANISATION_LENGTH);
        v.scalar(certificate, 3, 8);
        v.scalar(certificate, 4, 8);
        v.vector(certificate, 5, 1, 64);
    }

    private static void verifyCapabilities(BufferVerifier v, int table) throws ProtocolException {
        int vector = v.vector(table, 1, 4, MAX_CAPABILITIES);
        if (vector != 0) {
            for (int i = 0; i < v.vectorLength(vector); i++) {
                int capability = v.tableElement(vector, i, 3);
                v.scalar(capability, 0, 2);
                v.vector(capability, 1, 1, MAX_CAPABILITY_PARAMETERS);
                v.scalar(capability, 2, 1);
            }
        }
    }

    /** An announced maximum frame size: absent or 0 means 65535; below 1024 is malformed (HY-HS-011). */
    private static int frameSize(int announced) throws ProtocolException {
        if (announced == 0) {
            return FramingLimits.MAX_FRAME_SIZE;
        }
        if (announced < FramingLimits.MIN_FRAME_SIZE) {
            throw malformed("a maximum frame size of %d, below 1024", announced);
        }
        return announced;
    }

    private static ProtocolException malformed(String format, Object... args) {
        return ProtocolException.sessionError(ErrorCode.MALFORMED_MESSAGE, ProtocolException.Phase.DECODE, format, args);
    }
}
