package dev.hyphae.codec;

import dev.hyphae.ErrorCode;
import dev.hyphae.ProtocolException;
import dev.hyphae.ProtocolException.Phase;

/**
 * Refusals of a payload, each {@code MALFORMED_DELTA} (code 101), with the phase that refused it
 * (specification, "Encoding", section "Decoding"): {@link Phase#FRAME} for the size of the whole payload,
 * {@link Phase#VERIFY} for the FlatBuffers structure, {@link Phase#DECODE} for the packed columns, the limits
 * met while reading them, and the data model's rules.
 */
final class Malformed {

    private Malformed() {
    }

    static ProtocolException frame(String format, Object... args) {
        return ProtocolException.deltaError(ErrorCode.MALFORMED_DELTA, Phase.FRAME, format, args);
    }

    static ProtocolException verify(String format, Object... args) {
        return ProtocolException.deltaError(ErrorCode.MALFORMED_DELTA, Phase.VERIFY, format, args);
    }

    static ProtocolException decode(String format, Object... args) {
        return ProtocolException.deltaError(ErrorCode.MALFORMED_DELTA, Phase.DECODE, format, args);
    }
}
