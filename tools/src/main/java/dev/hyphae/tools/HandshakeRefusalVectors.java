package dev.hyphae.tools;

import com.google.flatbuffers.FlatBufferBuilder;
import dev.hyphae.ErrorCode;
import dev.hyphae.ProtocolException;
import dev.hyphae.conformance.model.ForgedResponder;
import dev.hyphae.handshake.Certificate;
import dev.hyphae.handshake.HyphaeHandshake;
import dev.hyphae.handshake.ProtocolVersion;
import dev.hyphae.noise.HandshakeState;
import dev.hyphae.noise.KeyPair;
import dev.hyphae.noise.NoiseException;
import dev.hyphae.noise.NoiseSuite;
import dev.hyphae.tools.HandshakeVectors.Side;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;

import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;

import static dev.hyphae.tools.HandshakeVectors.DAY;
import static dev.hyphae.tools.HandshakeVectors.NOW;
import static dev.hyphae.tools.HandshakeVectors.certifiedPair;
import static dev.hyphae.tools.HandshakeVectors.invalid;
import static dev.hyphae.tools.HandshakeVectors.invalidWithReply;
import static dev.hyphae.tools.HandshakeVectors.pair;
import static dev.hyphae.tools.HandshakeVectors.run;

/**
 * The handshake vectors of the chapter "Handshake", section "Refusals", and of the certificates that a trusted key
 * does not excuse (HY-AUTH-010): which code an offer that breaks several rules is refused with, which refusals the
 * responder reports and which end the handshake without a word, what an initiator makes of a Selection's error
 * that has no session scope, and an all-zero DH result at the initiator. Offers and Selections that no conforming
 * peer writes are forged here, laid out as the reference lays out its own; {@link HandshakeVectors} runs and
 * writes each case.
 */
final class HandshakeRefusalVectors {

    private HandshakeRefusalVectors() {
    }

    /** Generates the cases into {@code out}; {@code acme} is the organisation that certifies the initiator. */
    static void generate(VectorWriter out, Ed25519PrivateKeyParameters acme) throws Exception {
        Side[] bothBroken = pair();
        bothBroken[0].versions = List.of(new ProtocolVersion(2, 0));
        bothBroken[0].capabilities = new TreeSet<>(List.of(7));
        bothBroken[0].critical = new TreeSet<>(List.of(7));
        invalid(out, "handshake_no_common_version_and_unknown_critical_capability", "The offer of 2.0 alone also marks capability 7, "
                        + "unknown to the responder, critical: the version is checked first, so the refusal is UNSUPPORTED_VERSION.",
                bothBroken, null, "responder", 1, ErrorCode.UNSUPPORTED_VERSION, "HY-HS-012", "HY-HS-013", "HY-VEC-036");

        // The malformed offers also break the rules of checks 4 to 6 (capability 0, no version in common, an unknown
        // critical capability), so that a responder that negotiates before it verifies answers otherwise.
        List<ProtocolVersion> unsupported = List.of(new ProtocolVersion(2, 0));
        Side[] smallFrames = pair();
        invalid(out, "handshake_offer_frame_size_below_minimum", "The offer announces a max_frame_size of 512, with version 2.0 alone, "
                        + "capability 0 and the unknown capability 7 marked critical: the payload's verification comes first, so the "
                        + "responder cannot read it as an offer and ends the handshake without sending message 2.", smallFrames,
                Arrays.asList(forgedOffer(ephemeral(smallFrames[0]), unsupported, new int[] {0, 7}, 7, 512), null, null),
                "responder", 1, ErrorCode.MALFORMED_MESSAGE, "HY-HS-011", "HY-HS-012", "HY-HS-013");

        Side[] twice = pair();
        invalid(out, "handshake_offer_capability_listed_twice", "The offer lists capability 1 twice, with version 2.0 alone, capability "
                        + "0 and the unknown capability 7 marked critical: malformed, which is checked first, so the responder ends the "
                        + "handshake without sending message 2.", twice,
                Arrays.asList(forgedOffer(ephemeral(twice[0]), unsupported, new int[] {0, 1, 1, 7}, 7, 65535), null, null),
                "responder", 1, ErrorCode.MALFORMED_MESSAGE, "HY-HS-003", "HY-HS-012", "HY-HS-013");

        // The DH with the initiator's ephemeral key is check 3 of HY-HS-012: after the payload's verification, before
        // the negotiation.
        byte[] zeroPoint = new byte[KeyPair.LENGTH];
        Side[] lowOrderUnsupported = pair();
        invalid(out, "handshake_low_order_ephemeral_key_and_no_common_version", "Message 1 carries the all-zero point as its ephemeral "
                        + "key and offers version 2.0 alone: the DH fails before the version is checked, so the responder ends with "
                        + "HANDSHAKE_FAILED and sends no message 2.", lowOrderUnsupported,
                Arrays.asList(forgedOffer(zeroPoint, unsupported, new int[0], 0, 65535), null, null),
                "responder", 1, ErrorCode.HANDSHAKE_FAILED, "HY-HS-012", "HY-HS-016", "HY-HS-013");

        Side[] lowOrderTwice = pair();
        invalid(out, "handshake_low_order_ephemeral_key_and_capability_listed_twice", "Message 1 carries the all-zero point as its "
                        + "ephemeral key and lists capability 1 twice: the payload is verified before the DH, so the responder ends with "
                        + "MALFORMED_MESSAGE and sends no message 2.", lowOrderTwice,
                Arrays.asList(forgedOffer(zeroPoint, List.of(ProtocolVersion.V1_0), new int[] {1, 1}, 0, 65535), null, null),
                "responder", 1, ErrorCode.MALFORMED_MESSAGE, "HY-HS-012", "HY-HS-003", "HY-HS-013");

        Side[] zero = pair();
        invalid(out, "handshake_offer_capability_zero", "The offer lists capability 0 and no version in common: capability 0 is "
                        + "checked first, and the responder reports PROTOCOL_VIOLATION in its message 2.", zero,
                Arrays.asList(forgedOffer(ephemeral(zero[0]), unsupported, new int[] {0}, 0, 65535), null, null),
                "responder", 1, ErrorCode.PROTOCOL_VIOLATION, "HY-VER-028", "HY-HS-012", "HY-HS-014", "HY-HS-013");

        selectionError(out, "handshake_selection_error_private_use", 60001, "the private-use code 60001");
        selectionError(out, "handshake_selection_error_unregistered", 299, "the code 299, which the registry does not list");
        selectionError(out, "handshake_selection_error_of_delta_scope", ErrorCode.ACCESS_DENIED.value(),
                "ACCESS_DENIED (600), whose scope is delta");

        Side[] lowOrderReply = pair();
        byte[] zeroReply = ForgedResponder.answerWithZeroEphemeral(lowOrderReply[1].staticPrivate, lowOrderReply[1].ephemeralPrivate,
                lowOrderReply[0].initiator().start(), ProtocolVersion.V1_0, List.of());
        invalidWithReply(out, "handshake_low_order_responder_ephemeral_key", "The responder's ephemeral public key in message 2 is the "
                        + "all-zero point, and the rest of the message is encrypted under the all-zero ee that both sides compute from it: "
                        + "only the initiator's check of the DH output refuses it.", lowOrderReply, Arrays.asList(null, zeroReply, null),
                HandshakeVectors.reply(NoiseSuite.MANDATORY, true, ForgedResponder.selection(ProtocolVersion.V1_0, List.of())),
                "initiator", 2, ErrorCode.HANDSHAKE_FAILED, "HY-HS-016", "HY-HS-009");

        // A certificate beside a trusted static key is checked all the same (HY-AUTH-010).
        Side[] badButTrusted = certifiedPair(acme);
        badButTrusted[1].trustedPeers.add(badButTrusted[0].publicKey());
        Certificate issued = badButTrusted[0].certificate;
        byte[] flipped = issued.signature();
        flipped[0] ^= 1;
        badButTrusted[0].certificate = new Certificate(issued.organisationKey(), issued.subjectKey(), issued.organisation(),
                issued.notBefore(), issued.notAfter(), flipped);
        invalid(out, "handshake_bad_certificate_of_trusted_key", "The responder trusts the initiator's static key itself, and the "
                        + "initiator presents a certificate with one bit of its signature flipped: refused all the same.",
                badButTrusted, null, "responder", 3, ErrorCode.BAD_CERTIFICATE, "HY-AUTH-003", "HY-AUTH-010");

        Side[] expiredButTrusted = certifiedPair(acme);
        expiredButTrusted[1].trustedPeers.add(expiredButTrusted[0].publicKey());
        expiredButTrusted[1].now = NOW + 31 * DAY;
        invalid(out, "handshake_expired_certificate_of_trusted_key", "The responder trusts the initiator's static key itself, and its "
                        + "clock is past the Not After of the initiator's certificate: refused all the same.",
                expiredButTrusted, null, "responder", 3, ErrorCode.CERTIFICATE_EXPIRED, "HY-AUTH-004", "HY-AUTH-010");

    }

    /** A message 2 that reports {@code error}, which has no session scope: the initiator ends with HANDSHAKE_FAILED (HY-HS-015). */
    private static void selectionError(VectorWriter out, String id, int error, String what) throws Exception {
        Side[] p = pair();
        invalidWithReply(out, id, "The responder's message 2 reports " + what + ": the initiator ends the handshake with "
                        + "HANDSHAKE_FAILED and sends nothing.", p, Arrays.asList(null, forgedSelection(p, selectionError(error)), null),
                HandshakeVectors.reply(NoiseSuite.MANDATORY, false, selectionError(error)), "initiator", 2, ErrorCode.HANDSHAKE_FAILED,
                "HY-HS-007", "HY-HS-015");
    }

    /** The ephemeral public key of {@code initiator}. */
    private static byte[] ephemeral(Side initiator) {
        return KeyPair.fromPrivateKey(initiator.ephemeralPrivate).publicKey();
    }

    /**
     * A message 1 with the ephemeral public key {@code e} and an offer laid out as the reference lays one out, holding
     * what no conforming initiator offers: {@code capabilities} as given, repeats and 0 included, the capability
     * {@code critical} (0 for none) marked critical, and any {@code maxFrameSize}. Message 1 is the ephemeral key
     * followed by the payload in clear.
     */
    private static byte[] forgedOffer(byte[] e, List<ProtocolVersion> versions, int[] capabilities, int critical, int maxFrameSize) {
        FlatBufferBuilder b = new FlatBufferBuilder(128);
        int[] tables = new int[capabilities.length];
        for (int k = 0; k < capabilities.length; k++) {
            tables[k] = hyphae.v1.Capability.createCapability(b, capabilities[k], 0, critical != 0 && capabilities[k] == critical);
        }
        int caps = hyphae.v1.Offer.createCapabilitiesVector(b, tables);
        hyphae.v1.Offer.startVersionsVector(b, versions.size());
        for (int k = versions.size() - 1; k >= 0; k--) {
            hyphae.v1.ProtocolVersion.createProtocolVersion(b, versions.get(k).major(), versions.get(k).minor());
        }
        int vs = b.endVector();
        hyphae.v1.Offer.startOffer(b);
        hyphae.v1.Offer.addVersions(b, vs);
        hyphae.v1.Offer.addCapabilities(b, caps);
        hyphae.v1.Offer.addMaxFrameSize(b, maxFrameSize);
        int offer = hyphae.v1.Offer.endOffer(b);
        hyphae.v1.HandshakePayload.finishHandshakePayloadBuffer(b, hyphae.v1.HandshakePayload.createHandshakePayload(b, offer, 0, 0));
        byte[] payload = b.sizedByteArray();
        byte[] message = Arrays.copyOf(e, e.length + payload.length);
        System.arraycopy(payload, 0, message, e.length, payload.length);
        return message;
    }

    /** The payload of a Selection that holds only {@code error}, laid out as the reference lays one out. */
    private static byte[] selectionError(int error) {
        FlatBufferBuilder b = new FlatBufferBuilder(64);
        hyphae.v1.Selection.startSelection(b);
        hyphae.v1.Selection.addError(b, error);
        int selection = hyphae.v1.Selection.endSelection(b);
        hyphae.v1.HandshakePayload.finishHandshakePayloadBuffer(b, hyphae.v1.HandshakePayload.createHandshakePayload(b, 0, selection, 0));
        return b.sizedByteArray();
    }

    /** A message 2 with {@code payload}, written with the responder's fixed keys in answer to the initiator's real message 1. */
    private static byte[] forgedSelection(Side[] p, byte[] payload) throws ProtocolException, NoiseException {
        HandshakeState responder = new HandshakeState(NoiseSuite.parse(NoiseSuite.MANDATORY), false, HyphaeHandshake.PROLOGUE,
                KeyPair.fromPrivateKey(p[1].staticPrivate), KeyPair.fromPrivateKey(p[1].ephemeralPrivate), null);
        responder.readMessage(p[0].initiator().start());
        return responder.writeMessage(payload);
    }
}
