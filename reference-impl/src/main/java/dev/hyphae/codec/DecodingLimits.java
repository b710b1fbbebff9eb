package dev.hyphae.codec;

import dev.hyphae.ProtocolException;
import dev.hyphae.data.Limits;

/**
 * Counts the two amounts of one payload that the decoding checks against a limit as it goes (specification,
 * "Encoding", section "Limits"): its elements, against {@code MAX_ELEMENTS} (HY-ENC-046), and the bytes that its
 * string and bytes values and its opaque data decode to, against {@code MAX_DECODED_BYTES} (HY-ENC-045). Each is
 * counted as soon as it is read, before anything is allocated for it.
 */
final class DecodingLimits {

    private long elements;
    private long decodedBytes;

    /** Counts {@code more} elements. */
    void elements(long more) throws ProtocolException {
        elements += more;
        if (elements > Limits.MAX_ELEMENTS) {
            throw Malformed.decode("the payload holds more than MAX_ELEMENTS elements");
        }
    }

    /** Counts a decoded string or bytes value, or an opaque version's data, of {@code length} bytes. */
    void decodedBytes(int length) throws ProtocolException {
        decodedBytes += length;
        if (decodedBytes > EncodingLimits.MAX_DECODED_BYTES) {
            throw Malformed.decode("strings and bytes decode to more than MAX_DECODED_BYTES");
        }
    }
}
