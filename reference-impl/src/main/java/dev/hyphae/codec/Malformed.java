package dev.hyphae.codec;

import dev.hyphae.ErrorCode;
import dev.hyphae.ProtocolException;

/**
 * Refusals of a payload, each {@code MALFORMED_DELTA} (code 101), with the phase that refused it first in the
 * detail: {@code verify} for the FlatBuffers structure and the limits, {@code decode} for the packed columns
 * and the data model's rules.
 */
final class Malformed {

    private Malformed() {
    }

    static ProtocolException verify(String format, Object... args) {
        return ProtocolException.deltaError(ErrorCode.MALFORMED_DELTA, "verify: " + format, args);
    }

    static ProtocolException decode(String format, Object... args) {
        return ProtocolException.deltaError(ErrorCode.MALFORMED_DELTA, "decode: " + format, args);
    }
}
