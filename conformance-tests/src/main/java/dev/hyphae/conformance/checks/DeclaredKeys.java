package dev.hyphae.conformance.checks;

import dev.hyphae.model.Value;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * The {@code keys} field of a session {@code Delta} (specification, chapter "Session", section "Session key tables"),
 * read into the model's values and written from them: key runs, each a kind (3 int64, 5 string, 6 bytes) and a length,
 * followed by that many keys, an int64 as a zigzag varint, a string or bytes value front-coded against the previous
 * one of its kind. The suite reads the keys that a peer declares with this, never with the reference's codec.
 */
final class DeclaredKeys {

    private DeclaredKeys() {
    }

    /** The keys of the {@code keys} field of the Delta that {@code message} (a session message's bytes) holds, if any. */
    static List<Value> of(byte[] message) {
        ByteBuffer buffer = ByteBuffer.wrap(message).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        hyphae.v1.SessionMessage root = hyphae.v1.SessionMessage.getRootAsSessionMessage(buffer);
        if (root.messageType() != hyphae.v1.Message.Delta) {
            return List.of();
        }
        ByteBuffer field = ((hyphae.v1.Delta) root.message(new hyphae.v1.Delta())).keysAsByteBuffer();
        if (field == null) {
            return List.of();
        }
        byte[] bytes = new byte[field.remaining()];
        field.get(bytes);
        return read(bytes);
    }

    /** The keys that {@code field} declares; the peer's message has passed the reference's session codec already. */
    static List<Value> read(byte[] field) {
        List<Value> keys = new ArrayList<>();
        int[] at = {0};
        byte[] previousString = new byte[0];
        byte[] previousBytes = new byte[0];
        while (at[0] < field.length) {
            long kind = varint(field, at);
            long run = varint(field, at);
            for (long i = 0; i < run; i++) {
                if (kind == 3) {
                    long v = varint(field, at);
                    keys.add(new Value.Int64((v >>> 1) ^ -(v & 1)));
                } else if (kind == 5) {
                    previousString = frontCoded(field, at, previousString);
                    keys.add(new Value.Str(new String(previousString, StandardCharsets.UTF_8)));
                } else {
                    previousBytes = frontCoded(field, at, previousBytes);
                    keys.add(new Value.Bytes(HexFormat.of().formatHex(previousBytes)));
                }
            }
        }
        return keys;
    }

    /** The field that declares {@code keys}, which are strings, in one run. */
    static byte[] strings(List<String> keys) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writeVarint(out, 5);
        writeVarint(out, keys.size());
        byte[] previous = new byte[0];
        for (String key : keys) {
            byte[] utf8 = key.getBytes(StandardCharsets.UTF_8);
            int shared = 0;
            while (shared < Math.min(previous.length, utf8.length) && previous[shared] == utf8[shared]) {
                shared++;
            }
            writeVarint(out, shared);
            writeVarint(out, utf8.length - shared);
            out.write(utf8, shared, utf8.length - shared);
            previous = utf8;
        }
        return out.toByteArray();
    }

    private static byte[] frontCoded(byte[] field, int[] at, byte[] previous) {
        int shared = (int) varint(field, at);
        int suffix = (int) varint(field, at);
        byte[] value = Arrays.copyOf(previous, shared + suffix);
        System.arraycopy(field, at[0], value, shared, suffix);
        at[0] += suffix;
        return value;
    }

    private static long varint(byte[] field, int[] at) {
        long value = 0;
        for (int shift = 0; ; shift += 7) {
            int b = field[at[0]++] & 0xFF;
            value |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return value;
            }
        }
    }

    private static void writeVarint(ByteArrayOutputStream out, long value) {
        while ((value & ~0x7FL) != 0) {
            out.write((int) ((value & 0x7F) | 0x80));
            value >>>= 7;
        }
        out.write((int) value);
    }
}
