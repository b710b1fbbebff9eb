package dev.hyphae.handshake;

import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * An identity certificate (specification, chapter "Authorisation"): an organisation, holding an Ed25519 key,
 * vouches that a Noise static key belongs to one of its peers between two instants.
 *
 * <p>The signature covers these bytes, not the certificate's FlatBuffers encoding, which is not canonical:
 * <pre>
 * Signed Certificate {
 *   Context (168) = "hyphae/certificate/1" followed by one zero byte (20 + 1 bytes),
 *   Subject Key (256),
 *   Not Before (64),
 *   Not After (64),
 *   Organisation Length (16),
 *   Organisation (..),
 * }
 * </pre>
 *
 * @param organisationKey the organisation's Ed25519 public key, 32 bytes
 * @param subjectKey      the peer's Noise static public key, 32 bytes
 * @param organisation    the organisation's name, at most {@link #MAX_ORGANISATION_LENGTH} bytes of UTF-8
 * @param notBefore       the first instant of validity, milliseconds since the Unix epoch
 * @param notAfter        the last instant of validity, milliseconds since the Unix epoch
 * @param signature       the Ed25519 signature of the signed bytes, 64 bytes
 */
public record Certificate(byte[] organisationKey, byte[] subjectKey, String organisation, long notBefore, long notAfter,
                          byte[] signature) {

    /** The longest organisation name, in bytes of UTF-8. */
    public static final int MAX_ORGANISATION_LENGTH = 255;
    private static final byte[] CONTEXT = "hyphae/certificate/1\0".getBytes(StandardCharsets.US_ASCII);

    public Certificate {
        organisationKey = organisationKey.clone();
        subjectKey = subjectKey.clone();
        signature = signature.clone();
    }

    /** Issues a certificate of {@code subjectKey}, signed with the organisation's private key. */
    public static Certificate issue(Ed25519PrivateKeyParameters organisation, String name, byte[] subjectKey,
                                    long notBefore, long notAfter) {
        byte[] organisationKey = organisation.generatePublicKey().getEncoded();
        Ed25519Signer signer = new Ed25519Signer();
        signer.init(true, organisation);
        byte[] signed = signedBytes(subjectKey, notBefore, notAfter, name);
        signer.update(signed, 0, signed.length);
        return new Certificate(organisationKey, subjectKey, name, notBefore, notAfter, signer.generateSignature());
    }

    /** The bytes the signature covers. */
    static byte[] signedBytes(byte[] subjectKey, long notBefore, long notAfter, String organisation) {
        byte[] name = organisation.getBytes(StandardCharsets.UTF_8);
        if (name.length > MAX_ORGANISATION_LENGTH) {
            throw new IllegalArgumentException("an organisation name of more than " + MAX_ORGANISATION_LENGTH + " bytes");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(CONTEXT);
        out.writeBytes(subjectKey);
        out.writeBytes(ByteBuffer.allocate(18).putLong(notBefore).putLong(notAfter).putShort((short) name.length).array());
        out.writeBytes(name);
        return out.toByteArray();
    }

    /** Whether the signature is the organisation key's signature of this certificate's signed bytes. */
    public boolean signatureIsValid() {
        if (organisationKey.length != 32 || subjectKey.length != 32 || signature.length != 64) {
            return false;
        }
        Ed25519PublicKeyParameters key;
        try {
            key = new Ed25519PublicKeyParameters(organisationKey, 0);
        } catch (IllegalArgumentException notAKey) {
            return false; // 32 bytes that are not a point of the curve: no signature can verify
        }
        Ed25519Signer verifier = new Ed25519Signer();
        verifier.init(false, key);
        byte[] signed = signedBytes(subjectKey, notBefore, notAfter, organisation);
        verifier.update(signed, 0, signed.length);
        return verifier.verifySignature(signature);
    }

    @Override
    public byte[] organisationKey() {
        return organisationKey.clone();
    }

    @Override
    public byte[] subjectKey() {
        return subjectKey.clone();
    }

    @Override
    public byte[] signature() {
        return signature.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Certificate c && Arrays.equals(organisationKey, c.organisationKey) && Arrays.equals(subjectKey, c.subjectKey)
                && organisation.equals(c.organisation) && notBefore == c.notBefore && notAfter == c.notAfter
                && Arrays.equals(signature, c.signature);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(subjectKey) * 31 + Arrays.hashCode(signature);
    }
}
