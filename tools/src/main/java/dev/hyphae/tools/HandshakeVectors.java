package dev.hyphae.tools;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hyphae.ErrorCode;
import dev.hyphae.conformance.model.SelectionReader;
import dev.hyphae.ProtocolException;
import dev.hyphae.handshake.Certificate;
import dev.hyphae.handshake.HyphaeHandshake;
import dev.hyphae.handshake.Negotiation;
import dev.hyphae.handshake.ProtocolVersion;
import dev.hyphae.handshake.TrustStore;
import dev.hyphae.noise.HandshakeState;
import dev.hyphae.noise.KeyPair;
import dev.hyphae.noise.NoiseException;
import dev.hyphae.noise.NoiseSuite;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The handshake vectors, and the runner of the handshake and framing vectors ({@link FramingVectors} writes the
 * latter): every key is fixed (derived from a name by SHA-256), so every message is
 * reproducible, and a runner replays both sides from the vector's setup. See the chapter "Test vectors".
 *
 * <p>Runner, for {@code operation: handshake}: build the initiator and the responder from their setups; the
 * initiator writes message 1 and the responder reads {@code messages[0]}; the responder writes message 2 and the
 * initiator reads {@code messages[1]}; the initiator writes message 3 and the responder reads {@code messages[2]}.
 * A valid case's messages are exactly what the sides write; an invalid case's are what the receiving side
 * receives (tampered, truncated or forged), and processing stops at the stated side and message with the stated
 * error. For {@code operation: framing}, the handshake of the setup completes and the responder receives
 * {@code stream} on its framed channel.
 *
 * <p>The class is longer than most because the side's description, the runner and the writer of cases read and write
 * the same members and are read together; the cases of the handshake's refusals are in
 * {@link HandshakeRefusalVectors}, and those of framing in {@link FramingVectors}.
 */
final class HandshakeVectors {

    private static final HexFormat HEX = HexFormat.of();
    static final long NOW = 1_767_225_600_000L; // 2026-01-01T00:00:00Z
    static final long DAY = 86_400_000L;

    private HandshakeVectors() {
    }

    /** 32 bytes derived from {@code name}: a fixed key for a vector, never for anything else. */
    static byte[] seed(String name) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(("hyphae test vector key: " + name).getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One side of a handshake, as a vector describes it. */
    static final class Side {
        byte[] staticPrivate;
        byte[] ephemeralPrivate;
        List<ProtocolVersion> versions = List.of(ProtocolVersion.V1_0);
        TreeSet<Integer> capabilities = new TreeSet<>();
        TreeSet<Integer> critical = new TreeSet<>();
        List<byte[]> trustedPeers = new ArrayList<>();
        List<byte[]> trustedOrganisations = new ArrayList<>();
        Certificate certificate;
        long now = NOW;

        static Side named(String name) {
            Side s = new Side();
            s.staticPrivate = seed(name + " static");
            s.ephemeralPrivate = seed(name + " ephemeral");
            return s;
        }

        byte[] publicKey() {
            return KeyPair.fromPrivateKey(staticPrivate).publicKey();
        }

        HyphaeHandshake.Credentials credentials() {
            return new HyphaeHandshake.Credentials(KeyPair.fromPrivateKey(staticPrivate), certificate,
                    TrustStore.of(trustedPeers, trustedOrganisations), () -> now);
        }

        HyphaeHandshake.Initiator initiator() {
            return new HyphaeHandshake.Initiator(credentials(), new Negotiation.Offer(versions, capabilities, critical),
                    KeyPair.fromPrivateKey(ephemeralPrivate), null);
        }

        HyphaeHandshake.Responder responder() {
            return new HyphaeHandshake.Responder(credentials(), versions, capabilities, KeyPair.fromPrivateKey(ephemeralPrivate), null);
        }

        Map<String, Object> json(boolean initiator) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("staticPrivateKey", HEX.formatHex(staticPrivate));
            m.put("ephemeralPrivateKey", HEX.formatHex(ephemeralPrivate));
            List<String> v = versions.stream().map(ProtocolVersion::toString).toList();
            List<String> caps = capabilities.stream().map(String::valueOf).toList();
            if (initiator) {
                m.put("offer", Map.of("versions", v, "capabilities", caps, "critical", critical.stream().map(String::valueOf).toList()));
            } else {
                m.put("supportedVersions", v);
                m.put("knownCapabilities", caps);
            }
            m.put("trustedPeerKeys", trustedPeers.stream().map(HEX::formatHex).toList());
            m.put("trustedOrganisationKeys", trustedOrganisations.stream().map(HEX::formatHex).toList());
            m.put("certificate", certificate == null ? null : certificateJson(certificate));
            m.put("now", Long.toString(now));
            return m;
        }

        static Side fromJson(JsonNode n, boolean initiator) {
            Side s = new Side();
            s.staticPrivate = HEX.parseHex(n.path("staticPrivateKey").asText());
            s.ephemeralPrivate = HEX.parseHex(n.path("ephemeralPrivateKey").asText());
            JsonNode versions = initiator ? n.path("offer").path("versions") : n.path("supportedVersions");
            List<ProtocolVersion> list = new ArrayList<>();
            versions.forEach(x -> {
                String[] p = x.asText().split("\\.");
                list.add(new ProtocolVersion(Integer.parseInt(p[0]), Integer.parseInt(p[1])));
            });
            s.versions = list;
            (initiator ? n.path("offer").path("capabilities") : n.path("knownCapabilities")).forEach(x -> s.capabilities.add(x.asInt()));
            n.path("offer").path("critical").forEach(x -> s.critical.add(x.asInt()));
            n.path("trustedPeerKeys").forEach(x -> s.trustedPeers.add(HEX.parseHex(x.asText())));
            n.path("trustedOrganisationKeys").forEach(x -> s.trustedOrganisations.add(HEX.parseHex(x.asText())));
            JsonNode c = n.path("certificate");
            if (c.isObject()) {
                s.certificate = new Certificate(HEX.parseHex(c.path("organisationKey").asText()), HEX.parseHex(c.path("subjectKey").asText()),
                        c.path("organisation").asText(), Long.parseLong(c.path("notBefore").asText()),
                        Long.parseLong(c.path("notAfter").asText()), HEX.parseHex(c.path("signature").asText()));
            }
            s.now = Long.parseLong(n.path("now").asText());
            return s;
        }
    }

    static Map<String, Object> certificateJson(Certificate c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("organisationKey", HEX.formatHex(c.organisationKey()));
        m.put("subjectKey", HEX.formatHex(c.subjectKey()));
        m.put("organisation", c.organisation());
        m.put("notBefore", Long.toString(c.notBefore()));
        m.put("notAfter", Long.toString(c.notAfter()));
        m.put("signature", HEX.formatHex(c.signature()));
        return m;
    }

    /** Two sides that trust each other's static keys. */
    static Side[] pair() {
        Side device = Side.named("device");
        Side cloud = Side.named("cloud");
        device.trustedPeers.add(cloud.publicKey());
        cloud.trustedPeers.add(device.publicKey());
        return new Side[] {device, cloud};
    }

    /**
     * What a run produced: the messages each side wrote, the results, or where it stopped and why; when the failing
     * side reported its refusal (HY-HS-013), the message that it sent, {@code reply}, and what the initiator made of
     * it, {@code replyRead}.
     */
    record Run(List<byte[]> written, HyphaeHandshake.Result initiator, HyphaeHandshake.Result responder,
               String failingSide, int atMessage, ProtocolException error, byte[] reply, ProtocolException replyRead) {

        Run(List<byte[]> written, HyphaeHandshake.Result initiator, HyphaeHandshake.Result responder, String failingSide, int atMessage,
            ProtocolException error) {
            this(written, initiator, responder, failingSide, atMessage, error, null, null);
        }
    }

    /** Runs a handshake, each receiver reading {@code delivered.get(k)} when given, else what its peer wrote. */
    static Run run(Side i, Side r, List<byte[]> delivered) {
        HyphaeHandshake.Initiator initiator = i.initiator();
        HyphaeHandshake.Responder responder = r.responder();
        List<byte[]> written = new ArrayList<>();
        try {
            written.add(initiator.start());
        } catch (ProtocolException e) {
            return new Run(written, null, null, "initiator", 1, e);
        }
        byte[] second;
        byte[] first = pick(delivered, 0, written);
        try {
            second = responder.onOffer(first);
        } catch (ProtocolException e) {
            return new Run(written, null, null, "responder", 1, e);
        }
        if (responder.failure() != null) {
            // A refusal reported in message 2 (HY-HS-006): the responder is the failing side (HY-VEC-026), and its
            // message 2 is read by an initiator whose transcript holds the message 1 that the responder read.
            ProtocolException replyRead;
            try {
                SelectionReader.Reply reply = SelectionReader.read(i.staticPrivate, i.ephemeralPrivate, first, second);
                replyRead = reply.error() == 0 ? null : peerError(reply.error());
            } catch (ProtocolException e) {
                replyRead = e;
            }
            return new Run(written, null, null, "responder", 1, responder.failure(), second, replyRead);
        }
        written.add(second);
        byte[] third;
        try {
            third = initiator.onSelection(pick(delivered, 1, written));
            written.add(third);
        } catch (ProtocolException e) {
            return new Run(written, null, null, "initiator", 2, e);
        }
        try {
            responder.onConfirmation(pick(delivered, 2, written));
        } catch (ProtocolException e) {
            return new Run(written, initiator.result(), null, "responder", 3, e);
        }
        return new Run(written, initiator.result(), responder.result(), null, 0, null);
    }

    /** HY-HS-007 and HY-HS-015: the code with which an initiator ends on a Selection's {@code error}. */
    private static ProtocolException peerError(int error) {
        ErrorCode code = ErrorCode.of(error);
        return ProtocolException.sessionError(code != null && code.scope() == ErrorCode.Scope.SESSION ? code : ErrorCode.HANDSHAKE_FAILED,
                "the responder reported error %d", error);
    }

    private static byte[] pick(List<byte[]> delivered, int k, List<byte[]> written) {
        return delivered != null && k < delivered.size() && delivered.get(k) != null ? delivered.get(k) : written.get(k);
    }

    /** Generates the handshake and framing vectors into {@code out} (path to bytes). */
    static void generate(VectorWriter out) throws Exception {
        // Valid handshakes.
        Side[] p = pair();
        p[0].versions = List.of(ProtocolVersion.V1_0, new ProtocolVersion(1, 1), new ProtocolVersion(2, 0));
        p[0].capabilities = new TreeSet<>(List.of(1, 2, 0x8001));
        p[1].versions = List.of(ProtocolVersion.V1_0, new ProtocolVersion(1, 1));
        p[1].capabilities = new TreeSet<>(List.of(2, 3));
        valid(out, "handshake_negotiates_version_and_capabilities", "Offer 1.0, 1.1, 2.0 and capabilities 1, 2, 0x8001 to a "
                + "responder of 1.0 and 1.1 that knows 2 and 3: version 1.1, capability 2.", p,
                "HY-VER-002", "HY-VER-026", "HY-HS-002");

        Side[] certified = pair();
        Ed25519PrivateKeyParameters acme = new Ed25519PrivateKeyParameters(seed("acme organisation"), 0);
        Ed25519PrivateKeyParameters cloudCo = new Ed25519PrivateKeyParameters(seed("cloudco organisation"), 0);
        certified[0].trustedPeers.clear();
        certified[1].trustedPeers.clear();
        certified[0].trustedOrganisations.add(cloudCo.generatePublicKey().getEncoded());
        certified[1].trustedOrganisations.add(acme.generatePublicKey().getEncoded());
        certified[0].certificate = Certificate.issue(acme, "Acme", certified[0].publicKey(), NOW - DAY, NOW + 30 * DAY);
        certified[1].certificate = Certificate.issue(cloudCo, "CloudCo", certified[1].publicKey(), NOW - DAY, NOW + 30 * DAY);
        valid(out, "handshake_with_organisation_certificates", "Each side trusts only the other's organisation, which "
                + "certified the other's static key.", certified, "HY-AUTH-001", "HY-AUTH-002", "HY-AUTH-005");

        // The organisation of a peer admitted by its key (HY-AUTH-011).
        Side[] keyOnly = certifiedPair(acme);
        keyOnly[1].trustedOrganisations.clear();
        keyOnly[1].trustedOrganisations.add(cloudCo.generatePublicKey().getEncoded());
        keyOnly[1].trustedPeers.add(keyOnly[0].publicKey());
        valid(out, "handshake_trusted_key_with_certificate_of_untrusted_organisation", "The responder trusts the initiator's static "
                + "key itself, not Acme, which certified it: admitted by its key, with no organisation.", keyOnly,
                "HY-AUTH-005", "HY-AUTH-011", "HY-VEC-025");

        Side[] keyAndOrganisation = certifiedPair(acme);
        keyAndOrganisation[1].trustedPeers.add(keyAndOrganisation[0].publicKey());
        valid(out, "handshake_trusted_key_and_organisation", "The responder trusts both the initiator's static key and Acme, which "
                + "certified it: admitted, with Acme as its organisation.", keyAndOrganisation, "HY-AUTH-005", "HY-AUTH-011", "HY-VEC-025");

        // Invalid handshakes.
        Side[] noCommon = pair();
        noCommon[0].versions = List.of(new ProtocolVersion(2, 0));
        invalid(out, "handshake_no_common_version", "The initiator offers only 2.0; the responder supports 1.0: it refuses the offer "
                        + "and reports UNSUPPORTED_VERSION in its message 2, which the initiator ends the handshake on.", noCommon, null,
                "responder", 1, ErrorCode.UNSUPPORTED_VERSION, "HY-VER-003", "HY-HS-006", "HY-VEC-026", "HY-VEC-036");

        Side[] downgrade = pair();
        downgrade[0].versions = List.of(ProtocolVersion.V1_0, new ProtocolVersion(1, 1));
        downgrade[1].versions = List.of(ProtocolVersion.V1_0, new ProtocolVersion(1, 1));
        byte[] first = downgrade[0].initiator().start();
        Side weaker = Side.named("device");
        weaker.versions = List.of(ProtocolVersion.V1_0);
        byte[] forged = weaker.initiator().start(); // the same ephemeral key, an offer without 1.1
        invalid(out, "handshake_tampered_version_list", "An attacker replaces the offer of 1.0 and 1.1 with 1.0 alone: the responder "
                        + "agrees to 1.0, and the initiator cannot decrypt its reply.", downgrade, Arrays.asList(forged, null, null),
                "initiator", 2, ErrorCode.HANDSHAKE_FAILED, "HY-VER-005", "HY-HS-009");
        if (Arrays.equals(first, forged)) {
            throw new IllegalStateException("the forged offer equals the original");
        }

        Side[] lowOrder = pair();
        byte[] zeroKey = lowOrder[0].initiator().start();
        Arrays.fill(zeroKey, 0, KeyPair.LENGTH, (byte) 0);
        invalid(out, "handshake_low_order_ephemeral_key", "The initiator's ephemeral public key is replaced by the all-zero point.",
                lowOrder, Arrays.asList(zeroKey, null, null), "responder", 1, ErrorCode.HANDSHAKE_FAILED, "HY-HS-009", "HY-HS-016",
                "HY-HS-013");

        Side[] truncated = pair();
        byte[] reply = run(truncated[0], truncated[1], null).written().get(1);
        invalidWithReply(out, "handshake_truncated_message", "Message 2 loses its last byte.", truncated,
                Arrays.asList(null, Arrays.copyOf(reply, reply.length - 1), null), Map.of("truncatedBy", 1), "initiator", 2,
                ErrorCode.HANDSHAKE_FAILED, "HY-HS-009");

        Side[] wrongSuite = pair();
        byte[] fromOtherSuite = otherSuiteReply(wrongSuite);
        invalidWithReply(out, "handshake_wrong_protocol_name", "The responder runs Noise_XX_25519_ChaChaPoly_BLAKE2b: its second message "
                + "does not decrypt under the mandatory protocol.", wrongSuite, Arrays.asList(null, fromOtherSuite, null),
                reply("Noise_XX_25519_ChaChaPoly_BLAKE2b", false, new byte[0]), "initiator", 2, ErrorCode.HANDSHAKE_FAILED, "HY-HS-001",
                "HY-HS-009");

        Side[] critical = pair();
        critical[0].capabilities = new TreeSet<>(List.of(7));
        critical[0].critical = new TreeSet<>(List.of(7));
        invalid(out, "handshake_unknown_critical_capability", "The offer marks capability 7 critical; the responder does not know it: "
                        + "it refuses the offer and reports UNSUPPORTED_CAPABILITY in its message 2.",
                critical, null, "responder", 1, ErrorCode.UNSUPPORTED_CAPABILITY, "HY-HS-010", "HY-HS-006", "HY-VEC-036");

        Side[] badSignature = certifiedPair(acme);
        Certificate good = badSignature[0].certificate;
        byte[] signature = good.signature();
        signature[0] ^= 1;
        badSignature[0].certificate = new Certificate(good.organisationKey(), good.subjectKey(), good.organisation(), good.notBefore(),
                good.notAfter(), signature);
        invalid(out, "handshake_bad_certificate_signature", "The initiator's certificate has one bit of its signature flipped.",
                badSignature, null, "responder", 3, ErrorCode.BAD_CERTIFICATE, "HY-AUTH-002", "HY-AUTH-003");

        Side[] expired = certifiedPair(acme);
        expired[1].now = NOW + 31 * DAY;
        invalid(out, "handshake_expired_certificate", "The responder's clock is past the initiator's certificate's Not After.",
                expired, null, "responder", 3, ErrorCode.CERTIFICATE_EXPIRED, "HY-AUTH-004");

        Side[] untrusted = pair();
        untrusted[0].trustedPeers.clear();
        invalid(out, "handshake_untrusted_responder", "The initiator trusts nobody: it refuses the responder after message 2 and "
                        + "sends nothing more, so the responder never learns its static key.",
                untrusted, null, "initiator", 2, ErrorCode.UNKNOWN_PEER, "HY-AUTH-005", "HY-AUTH-006");

        HandshakeRefusalVectors.generate(out, acme);
        FramingVectors.generate(out);
    }

    static Side[] certifiedPair(Ed25519PrivateKeyParameters acme) {
        Side[] p = pair();
        p[1].trustedPeers.clear();
        p[1].trustedOrganisations.add(acme.generatePublicKey().getEncoded());
        p[0].certificate = Certificate.issue(acme, "Acme", p[0].publicKey(), NOW - DAY, NOW + 30 * DAY);
        return p;
    }

    /** The second message of a responder that runs the BLAKE2b suite, answering the initiator's real first message. */
    private static byte[] otherSuiteReply(Side[] p) throws ProtocolException, NoiseException {
        byte[] first = p[0].initiator().start();
        HandshakeState other = new HandshakeState(NoiseSuite.parse("Noise_XX_25519_ChaChaPoly_BLAKE2b"), false, HyphaeHandshake.PROLOGUE,
                KeyPair.fromPrivateKey(p[1].staticPrivate), KeyPair.fromPrivateKey(p[1].ephemeralPrivate), null);
        other.readMessage(first);
        return other.writeMessage(new byte[0]);
    }

    static Map<String, Object> setup(VectorWriter out, String area, String id, String result, String description,
                                     Side[] p, String... requirements) {
        Map<String, Object> v = out.header(area, id, result, description, List.of(requirements));
        v.put("initiator", p[0].json(true));
        v.put("responder", p[1].json(false));
        return v;
    }

    private static void valid(VectorWriter out, String id, String description, Side[] p, String... requirements) throws Exception {
        Run run = run(p[0], p[1], null);
        if (run.error() != null) {
            throw new IllegalStateException(id + " failed: " + run.error().getMessage());
        }
        Map<String, Object> v = setup(out, "handshake", id, "valid", description, p, requirements);
        v.put("operation", "handshake");
        v.put("messages", run.written().stream().map(HEX::formatHex).toList());
        v.put("delivered", List.of(WRITTEN, WRITTEN, WRITTEN));
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("version", run.initiator().version().toString());
        expected.put("capabilities", run.initiator().capabilities().stream().map(String::valueOf).toList());
        expected.put("handshakeHash", HEX.formatHex(run.initiator().handshakeHash()));
        expected.put("initiatorOrganisation", run.responder().identity().organisation());
        expected.put("responderOrganisation", run.initiator().identity().organisation());
        v.put("expected", expected);
        out.write("handshake", "valid", id, v);
    }

    static void invalid(VectorWriter out, String id, String description, Side[] p, List<byte[]> delivered,
                                String side, int at, ErrorCode code, String... requirements) {
        invalidWithReply(out, id, description, p, delivered, null, side, at, code, requirements);
    }

    /**
     * An invalid case whose message 2 is not the responder's own: {@code delivered.get(1)} is that message as the
     * reference's sides meet it, and {@code reply} says how a runner makes it for the message 1 that the initiator
     * actually wrote (HY-VEC-047), which the generator checks by making it so for the reference's message 1.
     */
    static void invalidWithReply(VectorWriter out, String id, String description, Side[] p, List<byte[]> delivered,
                                 Map<String, Object> reply, String side, int at, ErrorCode code, String... requirements) {
        Run run = run(p[0], p[1], delivered);
        if (run.error() == null || run.error().code() != code || !side.equals(run.failingSide()) || run.atMessage() != at) {
            throw new IllegalStateException(id + " did not fail as stated: " + (run.error() == null ? "it succeeded"
                    : run.failingSide() + " at " + run.atMessage() + ": " + run.error().getMessage()));
        }
        if (run.reply() != null && (run.replyRead() == null || run.replyRead().code() != initiatorEndsWith(code))) {
            throw new IllegalStateException(id + ": the responder's message 2 does not report " + code);
        }
        Map<String, Object> v = setup(out, "handshake", id, "invalid", description, p, requirements);
        v.put("operation", "handshake");
        List<String> messages = new ArrayList<>();
        for (int k = 0; k < run.written().size() || (delivered != null && k < delivered.size() && delivered.get(k) != null); k++) {
            byte[] m = delivered != null && k < delivered.size() && delivered.get(k) != null ? delivered.get(k) : run.written().get(k);
            messages.add(HEX.formatHex(m));
        }
        v.put("messages", messages.subList(0, Math.min(messages.size(), at)));
        v.put("delivered", delivery(id, p, run, delivered, reply).subList(0, Math.min(messages.size(), at)));
        v.put("error", Map.of("code", code.value(), "name", code.name()));
        v.put("failingSide", side);
        v.put("atMessage", at);
        v.put("reported", run.reply() != null);
        out.write("handshake", "invalid", id, v);
    }

    /** How a message of a case reaches its receiver: as its peer wrote it (HY-VEC-046). */
    static final String WRITTEN = "written";

    /**
     * The case's {@code delivered} (HY-VEC-046): {@code written} for a message that its receiver reads as its peer wrote
     * it, {@code recorded} for a forged message 1, which is in clear and answers no transcript, and {@code reply} for a
     * forged message 2, checked here against the bytes that the reference's sides meet.
     */
    private static List<Object> delivery(String id, Side[] p, Run run, List<byte[]> delivered, Map<String, Object> reply) {
        List<Object> delivery = new ArrayList<>();
        for (int k = 0; k < 3; k++) {
            byte[] forged = delivered != null && k < delivered.size() ? delivered.get(k) : null;
            if (forged == null) {
                delivery.add(WRITTEN);
            } else if (k == 0) {
                delivery.add("recorded");
            } else if (k == 1 && reply != null) {
                if (!Arrays.equals(forged, makeReply(p, run.written().get(0), reply))) {
                    throw new IllegalStateException(id + ": message 2 is not what its description " + reply + " makes");
                }
                delivery.add(reply);
            } else {
                throw new IllegalStateException(id + ": message " + (k + 1) + " is forged, and the case does not say how");
            }
        }
        return delivery;
    }

    /** Message 2 as {@code how} describes it, for the message 1 {@code first}: the runner's side of HY-VEC-047. */
    private static byte[] makeReply(Side[] p, byte[] first, Map<String, Object> how) {
        try {
            if (how.containsKey("truncatedBy")) {
                byte[] own = p[1].responder().onOffer(first);
                return Arrays.copyOf(own, own.length - (Integer) how.get("truncatedBy"));
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> reply = (Map<String, Object>) how.get("reply");
            return dev.hyphae.conformance.model.ForgedResponder.reply(p[1].staticPrivate, p[1].ephemeralPrivate, first,
                    (String) reply.get("protocol"), (Boolean) reply.get("zeroEphemeral"), HEX.parseHex((String) reply.get("payload")));
        } catch (Exception e) {
            throw new IllegalStateException("message 2 cannot be made as " + how + ": " + e.getMessage(), e);
        }
    }

    /** The {@code reply} of a forged message 2 written by the case's responder under {@code protocol}, carrying {@code payload}. */
    static Map<String, Object> reply(String protocol, boolean zeroEphemeral, byte[] payload) {
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("protocol", protocol);
        reply.put("zeroEphemeral", zeroEphemeral);
        reply.put("payload", HEX.formatHex(payload));
        return Map.of("reply", reply);
    }

    /** HY-HS-007 and HY-HS-015: the code with which an initiator ends on reading a Selection whose error is {@code code}. */
    static ErrorCode initiatorEndsWith(ErrorCode code) {
        return code.scope() == ErrorCode.Scope.SESSION ? code : ErrorCode.HANDSHAKE_FAILED;
    }

    /** Checks a handshake or framing vector against the reference implementation; null when it passes. */
    static String check(JsonNode v) throws Exception {
        Side[] p = {Side.fromJson(v.path("initiator"), true), Side.fromJson(v.path("responder"), false)};
        List<byte[]> delivered = new ArrayList<>();
        v.path("messages").forEach(m -> delivered.add(HEX.parseHex(m.asText())));
        if (v.path("operation").asText().equals("framing")) {
            List<byte[]> messages = new ArrayList<>();
            v.path("expectedMessages").forEach(m -> messages.add(HEX.parseHex(m.asText())));
            ErrorCode error = v.has("error") ? ErrorCode.of(v.path("error").path("code").asInt()) : null;
            return FramingVectors.receive(p, v.path("receiveFrameSize").asInt(), HEX.parseHex(v.path("stream").asText()), messages, error);
        }
        Run run = run(p[0], p[1], delivered);
        if (v.path("result").asText().equals("valid")) {
            if (run.error() != null) {
                return "failed: " + run.error().getMessage();
            }
            for (int k = 0; k < delivered.size(); k++) {
                if (!Arrays.equals(delivered.get(k), run.written().get(k))) {
                    return "message " + (k + 1) + " differs";
                }
            }
            JsonNode e = v.path("expected");
            List<String> capabilities = new ArrayList<>();
            e.path("capabilities").forEach(c -> capabilities.add(c.asText()));
            if (!run.initiator().version().toString().equals(e.path("version").asText())
                    || !run.initiator().capabilities().stream().map(String::valueOf).toList().equals(capabilities)
                    || !HEX.formatHex(run.initiator().handshakeHash()).equals(e.path("handshakeHash").asText())) {
                return "a different version, capabilities or handshake hash";
            }
            // HY-AUTH-011: the organisation each side takes for the other.
            if (!java.util.Objects.equals(run.responder().identity().organisation(), e.path("initiatorOrganisation").textValue())
                    || !java.util.Objects.equals(run.initiator().identity().organisation(), e.path("responderOrganisation").textValue())) {
                return "other organisations";
            }
            return null;
        }
        if (run.error() == null) {
            return "the handshake succeeded";
        }
        if (run.error().code().value() != v.path("error").path("code").asInt()) {
            return "refused with " + run.error().code();
        }
        if (!v.path("failingSide").asText().equals(run.failingSide()) || v.path("atMessage").asInt() != run.atMessage()) {
            return "refused by the " + run.failingSide() + " at message " + run.atMessage();
        }
        // HY-VEC-036: a reported refusal reaches the initiator in message 2; any other sends nothing.
        if (v.path("reported").asBoolean() != (run.reply() != null)) {
            return run.reply() != null ? "the refusal was reported in message 2" : "the refusal was not reported";
        }
        if (run.reply() != null && (run.replyRead() == null || run.replyRead().code() != initiatorEndsWith(run.error().code()))) {
            return "message 2 does not report the refusal: " + (run.replyRead() == null ? "it selects" : run.replyRead().getMessage());
        }
        return null;
    }
}
