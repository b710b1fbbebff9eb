package dev.hyphae.conformance.model;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hyphae.handshake.Certificate;
import dev.hyphae.handshake.HyphaeHandshake;
import dev.hyphae.handshake.Negotiation;
import dev.hyphae.handshake.ProtocolVersion;
import dev.hyphae.handshake.TrustStore;
import dev.hyphae.noise.KeyPair;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeSet;

import static java.util.stream.Collectors.toCollection;

/**
 * One side of a handshake with every key fixed, as the {@code side} of the adapter's {@code handshakeStart} and the
 * {@code initiator} and {@code responder} of a handshake vector describe it (chapter "Test vectors"); the same side
 * played by the reference implementation's handshake, for the suite to take the part of the adapter's peer; and what
 * the side announces, for the negotiation model ({@code dev.hyphae.model.handshake}), which gives the expected
 * outcome.
 */
public final class HandshakeSide {

    private static final HexFormat HEX = HexFormat.of();
    /** 2026-01-01T00:00:00Z, the clock of every side unless a check moves it. */
    public static final long NOW = 1_767_225_600_000L;
    /** One day in milliseconds. */
    public static final long DAY = 86_400_000L;

    public byte[] staticPrivate;
    public byte[] ephemeralPrivate;
    public List<ProtocolVersion> versions = new ArrayList<>(List.of(ProtocolVersion.V1_0));
    public TreeSet<Integer> capabilities = new TreeSet<>();
    public TreeSet<Integer> critical = new TreeSet<>();
    public List<byte[]> trustedPeers = new ArrayList<>();
    public List<byte[]> trustedOrganisations = new ArrayList<>();
    public Certificate certificate;
    public long now = NOW;

    /** A side whose keys are derived from {@code name}: fixed keys, for checks only. */
    public static HandshakeSide named(String name) {
        HandshakeSide s = new HandshakeSide();
        s.staticPrivate = seed(name + " static");
        s.ephemeralPrivate = seed(name + " ephemeral");
        return s;
    }

    /** 32 bytes derived from {@code name}. */
    public static byte[] seed(String name) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(("hyphae conformance key: " + name).getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An organisation's signing key derived from {@code name}. */
    public static Ed25519PrivateKeyParameters organisation(String name) {
        return new Ed25519PrivateKeyParameters(seed(name + " organisation"), 0);
    }

    /** This side's static public key: its identity. */
    public byte[] publicKey() {
        return KeyPair.fromPrivateKey(staticPrivate).publicKey();
    }

    /** Two sides, "device" and "cloud", that trust each other's static keys. */
    public static HandshakeSide[] pair() {
        HandshakeSide device = named("device");
        HandshakeSide cloud = named("cloud");
        device.trustedPeers.add(cloud.publicKey());
        cloud.trustedPeers.add(device.publicKey());
        return new HandshakeSide[] {device, cloud};
    }

    private HyphaeHandshake.Credentials credentials() {
        return new HyphaeHandshake.Credentials(KeyPair.fromPrivateKey(staticPrivate), certificate,
                TrustStore.of(trustedPeers, trustedOrganisations), () -> now);
    }

    /** This side as initiator, played by the reference implementation. */
    public HyphaeHandshake.Initiator initiator() {
        return new HyphaeHandshake.Initiator(credentials(), new Negotiation.Offer(versions, capabilities, critical),
                KeyPair.fromPrivateKey(ephemeralPrivate), null);
    }

    /** This side as responder, played by the reference implementation. */
    public HyphaeHandshake.Responder responder() {
        return new HyphaeHandshake.Responder(credentials(), versions, capabilities, KeyPair.fromPrivateKey(ephemeralPrivate), null);
    }

    /** What this side offers as initiator, for the negotiation model: every frame up to 65535 accepted. */
    public dev.hyphae.model.handshake.Offer negotiationOffer() {
        List<dev.hyphae.model.handshake.Capability> offered = capabilities.stream()
                .map(id -> new dev.hyphae.model.handshake.Capability(id, critical.contains(id))).toList();
        return new dev.hyphae.model.handshake.Offer(versions.stream().map(HandshakeSide::modelVersion).toList(), offered, 0);
    }

    /** What this side brings as responder, for the negotiation model: every frame up to 65535 accepted. */
    public dev.hyphae.model.handshake.Responder negotiationResponder() {
        return new dev.hyphae.model.handshake.Responder(versions.stream().map(HandshakeSide::modelVersion)
                .collect(toCollection(TreeSet::new)), capabilities);
    }

    private static dev.hyphae.model.handshake.ProtocolVersion modelVersion(ProtocolVersion v) {
        return new dev.hyphae.model.handshake.ProtocolVersion(v.major(), v.minor());
    }

    /** This side as the adapter protocol's {@code side}, for the role of initiator or responder. */
    public ObjectNode json(boolean initiator) {
        ObjectNode m = Model.JSON.createObjectNode();
        m.put("staticPrivateKey", HEX.formatHex(staticPrivate));
        m.put("ephemeralPrivateKey", HEX.formatHex(ephemeralPrivate));
        ObjectNode offer = initiator ? m.putObject("offer") : null;
        ArrayNode v = initiator ? offer.putArray("versions") : m.putArray("supportedVersions");
        versions.forEach(x -> v.add(x.toString()));
        ArrayNode caps = initiator ? offer.putArray("capabilities") : m.putArray("knownCapabilities");
        capabilities.forEach(c -> caps.add(Integer.toString(c)));
        if (initiator) {
            ArrayNode crit = offer.putArray("critical");
            critical.forEach(c -> crit.add(Integer.toString(c)));
        }
        ArrayNode peers = m.putArray("trustedPeerKeys");
        trustedPeers.forEach(k -> peers.add(HEX.formatHex(k)));
        ArrayNode orgs = m.putArray("trustedOrganisationKeys");
        trustedOrganisations.forEach(k -> orgs.add(HEX.formatHex(k)));
        if (certificate == null) {
            m.putNull("certificate");
        } else {
            ObjectNode c = m.putObject("certificate");
            c.put("organisationKey", HEX.formatHex(certificate.organisationKey()));
            c.put("subjectKey", HEX.formatHex(certificate.subjectKey()));
            c.put("organisation", certificate.organisation());
            c.put("notBefore", Long.toString(certificate.notBefore()));
            c.put("notAfter", Long.toString(certificate.notAfter()));
            c.put("signature", HEX.formatHex(certificate.signature()));
        }
        m.put("now", Long.toString(now));
        return m;
    }
}
