package dev.hyphae.codec;

import dev.hyphae.ErrorCode;
import dev.hyphae.ProtocolException;
import dev.hyphae.data.Limits;
import dev.hyphae.data.Value;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The map keys that a session {@code Delta} declares in its {@code keys} field (specification, chapter "Session",
 * section "Session key tables"): key runs, each a kind and a length, followed by that many keys of the kind, coded as
 * the columns of a {@code Values} table code them.
 *
 * <pre>
 * Key Run { Kind (8..), Length (8..80), Key (..) ... }
 *   kind 3 int64:  a zigzag varint
 *   kind 5 string: front-coded against the previous string key of the field (the first against the empty string)
 *   kind 6 bytes:  front-coded against the previous bytes key of the field
 * </pre>
 *
 * <p>The field is part of a session message, so every refusal here is of session scope: {@code MALFORMED_MESSAGE}
 * for what is not a list of map keys, {@code LIMIT_EXCEEDED} for a declaration that no session key table could take.
 */
public final class KeyRuns {

    private KeyRuns() {
    }

    /**
     * The bytes that {@code key} counts towards {@code MAX_SESSION_KEY_BYTES}: 8 for an int64, the length of the UTF-8
     * encoding of a string, the length of a bytes value.
     *
     * @throws IllegalArgumentException if {@code key} is not a map key
     */
    public static long size(Value key) {
        return switch (key.kind()) {
            case INT64 -> 8;
            case STRING -> ((Value.Str) key).utf8().length;
            case BYTES -> ((Value.Bytes) key).value().length;
            default -> throw new IllegalArgumentException("not a map key: " + key);
        };
    }

    /** The field that declares {@code keys}, in their order, with maximal runs. */
    public static byte[] encode(List<Value> keys) {
        Packed.Writer out = new Packed.Writer();
        byte[] previousString = new byte[0];
        byte[] previousBytes = new byte[0];
        for (int i = 0; i < keys.size(); ) {
            int kind = kind(keys.get(i));
            int run = 1;
            while (i + run < keys.size() && kind(keys.get(i + run)) == kind) {
                run++;
            }
            out.varint(kind).varint(run);
            for (int k = i; k < i + run; k++) {
                Value key = keys.get(k);
                switch (key.kind()) {
                    case INT64 -> out.zigzag(((Value.Int64) key).value());
                    case STRING -> {
                        byte[] utf8 = ((Value.Str) key).utf8();
                        out.frontCoded(previousString, utf8);
                        previousString = utf8;
                    }
                    default -> {
                        byte[] bytes = ((Value.Bytes) key).value();
                        out.frontCoded(previousBytes, bytes);
                        previousBytes = bytes;
                    }
                }
            }
            i += run;
        }
        return out.toByteArray();
    }

    /**
     * Reads the keys that {@code field} declares, {@code null} for an absent field. No more than {@code maxKeys} keys
     * of no more than {@code maxBytes} bytes in all (as {@link #size} counts them) are decoded: the count of a run is
     * checked before anything is allocated for it, and the bytes of each key before the next is read.
     *
     * @throws ProtocolException of session scope: {@code MALFORMED_MESSAGE} for a kind other than 3, 5 and 6, a run of
     *                           length 0, a string that is not UTF-8, a key past its length limit, or bytes that are not
     *                           key runs (HY-SESS-093); {@code LIMIT_EXCEEDED} past {@code maxKeys} or {@code maxBytes}
     *                           (HY-SESS-097)
     */
    public static List<Value> decode(ByteBuffer field, int maxKeys, long maxBytes) throws ProtocolException {
        if (field == null) {
            return List.of();
        }
        try {
            return read(Packed.Reader.of(field, "keys"), maxKeys, maxBytes);
        } catch (ProtocolException e) {
            if (e.code() == ErrorCode.LIMIT_EXCEEDED) {
                throw e;
            }
            throw ProtocolException.sessionError(ErrorCode.MALFORMED_MESSAGE, ProtocolException.Phase.DECODE,
                    "session message: a Delta's keys: %s", e.getMessage());
        }
    }

    private static List<Value> read(Packed.Reader in, int maxKeys, long maxBytes) throws ProtocolException {
        List<Value> keys = new ArrayList<>();
        long bytes = 0;
        byte[] previousString = new byte[0];
        byte[] previousBytes = new byte[0];
        while (!in.atEnd()) {
            int kind = in.varint(ValueKinds.BYTES, "kind");
            long run = in.varint();
            if (run == 0 || (kind != ValueKinds.INT64 && kind != ValueKinds.STRING && kind != ValueKinds.BYTES)) {
                throw Malformed.decode("a key run of kind %d and length 0, or of a kind that is not a map key's", kind);
            }
            if (Long.compareUnsigned(run, maxKeys - keys.size()) > 0) {
                throw tooMany("more than %d keys", maxKeys);
            }
            for (long i = 0; i < run; i++) {
                Value key;
                if (kind == ValueKinds.INT64) {
                    key = Value.of(in.zigzag());
                } else if (kind == ValueKinds.STRING) {
                    previousString = in.frontCoded(previousString, Limits.MAX_STRING_LENGTH);
                    key = Value.Str.fromUtf8(previousString);
                    if (key == null) {
                        throw Malformed.decode("a string key that is not valid UTF-8");
                    }
                } else {
                    previousBytes = in.frontCoded(previousBytes, Limits.MAX_BYTES_LENGTH);
                    key = Value.of(previousBytes);
                }
                bytes += size(key);
                if (bytes > maxBytes) {
                    throw tooMany("keys of more than %d bytes in all", maxBytes);
                }
                keys.add(key);
            }
        }
        return keys;
    }

    private static ProtocolException tooMany(String format, Object limit) {
        return ProtocolException.sessionError(ErrorCode.LIMIT_EXCEEDED, "a Delta declares " + format
                + ", more than a session key table holds", limit);
    }

    private static int kind(Value key) {
        int kind = ValueKinds.wireKind(key);
        if (kind != ValueKinds.INT64 && kind != ValueKinds.STRING && kind != ValueKinds.BYTES) {
            throw new IllegalArgumentException("not a map key: " + key);
        }
        return kind;
    }
}
