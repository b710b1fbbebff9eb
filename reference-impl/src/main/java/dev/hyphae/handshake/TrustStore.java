package dev.hyphae.handshake;

import dev.hyphae.ErrorCode;
import dev.hyphae.ProtocolException;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Whom a peer trusts (specification, chapter "Authorisation", section "Identity"): peers by their Noise static
 * key, and organisations by their Ed25519 key, whose certificates vouch for their peers' static keys.
 * Rights per document build on the identity this decides; they are the session's business.
 */
public final class TrustStore {

    private static final HexFormat HEX = HexFormat.of();

    private final Set<String> peerKeys;
    private final Set<String> organisationKeys;

    private TrustStore(Set<String> peerKeys, Set<String> organisationKeys) {
        this.peerKeys = peerKeys;
        this.organisationKeys = organisationKeys;
    }

    /** Trusts the given peer static keys and organisation keys (each 32 bytes). */
    public static TrustStore of(List<byte[]> peerKeys, List<byte[]> organisationKeys) {
        TreeSet<String> peers = new TreeSet<>();
        peerKeys.forEach(k -> peers.add(HEX.formatHex(k)));
        TreeSet<String> organisations = new TreeSet<>();
        organisationKeys.forEach(k -> organisations.add(HEX.formatHex(k)));
        return new TrustStore(peers, organisations);
    }

    /**
     * An authenticated peer: its static key, and the organisation that vouched for it, if one did.
     *
     * @param staticKey       the peer's Noise static public key
     * @param organisation    the name in its certificate, or null when the key itself is trusted
     * @param organisationKey the key of the organisation that vouched for it, or null
     */
    public record Identity(byte[] staticKey, String organisation, byte[] organisationKey) {
        public Identity {
            staticKey = staticKey.clone();
            organisationKey = organisationKey == null ? null : organisationKey.clone();
        }
    }

    /**
     * Decides whether the peer whose handshake proved {@code staticKey} is trusted, at instant {@code now}.
     * A certificate, when present, is checked before anything else, even if the key itself is trusted.
     *
     * @throws ProtocolException {@code BAD_CERTIFICATE} if the certificate's signature fails or it certifies
     *                           another key; {@code CERTIFICATE_EXPIRED} if {@code now} is outside its
     *                           validity; {@code UNKNOWN_PEER} if neither the key nor the certifying
     *                           organisation is trusted
     */
    public Identity verify(byte[] staticKey, Certificate certificate, long now) throws ProtocolException {
        if (certificate != null) {
            if (!Arrays.equals(certificate.subjectKey(), staticKey)) {
                throw ProtocolException.sessionError(ErrorCode.BAD_CERTIFICATE, "the certificate is of another static key");
            }
            if (!certificate.signatureIsValid()) {
                throw ProtocolException.sessionError(ErrorCode.BAD_CERTIFICATE, "the certificate's signature does not verify");
            }
            // The instants are unsigned 64-bit values on the wire (HY-AUTH-004), compared as such.
            if (Long.compareUnsigned(now, certificate.notBefore()) < 0 || Long.compareUnsigned(now, certificate.notAfter()) > 0) {
                throw ProtocolException.sessionError(ErrorCode.CERTIFICATE_EXPIRED, "the certificate is valid from %d to %d, not at %d",
                        certificate.notBefore(), certificate.notAfter(), now);
            }
            if (organisationKeys.contains(HEX.formatHex(certificate.organisationKey()))) {
                return new Identity(staticKey, certificate.organisation(), certificate.organisationKey());
            }
        }
        if (peerKeys.contains(HEX.formatHex(staticKey))) {
            return new Identity(staticKey, null, null);
        }
        throw ProtocolException.sessionError(ErrorCode.UNKNOWN_PEER, "neither the peer's key nor a certifying organisation is trusted");
    }
}
