package dev.hyphae.codec;

import dev.hyphae.data.Value;

/**
 * The kind codes of a Values column (specification, "Encoding", section "Values"): 0 null, 1 false, 2 true,
 * 3 int64, 4 float64, 5 string, 6 bytes. Bool values live entirely in their kind code.
 */
final class ValueKinds {

    static final int NULL = 0;
    static final int FALSE = 1;
    static final int TRUE = 2;
    static final int INT64 = 3;
    static final int FLOAT64 = 4;
    static final int STRING = 5;
    static final int BYTES = 6;

    private ValueKinds() {
    }

    static int wireKind(Value value) {
        return switch (value.kind()) {
            case NULL -> NULL;
            case BOOL -> ((Value.Bool) value).value() ? TRUE : FALSE;
            case INT64 -> INT64;
            case FLOAT64 -> FLOAT64;
            case STRING -> STRING;
            case BYTES -> BYTES;
        };
    }
}
