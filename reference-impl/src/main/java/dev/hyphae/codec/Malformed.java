package dev.hyphae.codec;

import dev.hyphae.ErrorCode;
import dev.hyphae.ProtocolException;

/**
 * Refusals of a payload, each {@code MALFORMED_DELTA} (code 101), with the phase that refused it first in the
 * detail (specification, "Encoding", section "Decoding"): {@code frame} for the size of the whole payload,
 * {@code verify} for the FlatBuffers structure, {@code decode} for the packed columns, the limits met while
 * reading them, and the data model's rules.
 */
final class Malformed {

    private Malformed() {
    }

    static ProtocolException frame(String format, Object... args) {
        return ProtocolException.deltaError(ErrorCode.MALFORMED_DELTA, "frame: " + format, args);
    }

    static ProtocolException verify(String format, Object... args) {
        return ProtocolException.deltaError(ErrorCode.MALFORMED_DELTA, "verify: " + format, args);
    }

    static ProtocolException decode(String format, Object... args) {
        return ProtocolException.deltaError(ErrorCode.MALFORMED_DELTA, "decode: " + format, args);
    }
}
