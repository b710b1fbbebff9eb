package dev.hyphae.codec;

/**
 * A state or delta that {@link Codec#encode} refuses to encode, because the payload would be one that a
 * receiver must refuse or that the encoder must not write. Every refusal to encode is one of its subtypes:
 *
 * <ul>
 *   <li>{@link PayloadTooLargeException}: the encoding would break a limit (HY-DATA-043, HY-ENC-050); a
 *       caller sends less, or sends it in several payloads;</li>
 *   <li>{@link SeveralOpaqueVersionsException}: a store of a CRDT type the encoder does not know holds more
 *       than one opaque version (HY-ENC-051); a caller forwards the payloads that carried them instead;</li>
 *   <li>{@link ConflictingReplicaTablesException}: opaque versions came under replica tables that no one table can
 *       start with (HY-ENC-053); a caller forwards the payloads that carried them instead.</li>
 * </ul>
 *
 * <p>It is unchecked because most payloads, such as the delta of one mutation of a known type, cannot be
 * refused; a caller that can do something else catches it to decide what to send. Nothing else that
 * {@code encode} throws is a refusal: anything else is a defect.
 */
public abstract sealed class PayloadNotEncodableException extends RuntimeException
        permits PayloadTooLargeException, SeveralOpaqueVersionsException, ConflictingReplicaTablesException {

    private static final long serialVersionUID = 1L;

    PayloadNotEncodableException(String message, Throwable cause) {
        super(message, cause);
    }
}
