package dev.hyphae.codec;

/** The {@code types} column of an ORMap batch while the encoder writes it: entry types as runs (type id, run length). */
final class TypeRuns {
    private final Packed.Writer out = new Packed.Writer();
    private int type = -1;
    private int length;

    void add(int typeId) {
        if (typeId == type) {
            length++;
            return;
        }
        flush();
        type = typeId;
        length = 1;
    }

    private void flush() {
        if (length > 0) {
            out.varint(type).varint(length);
        }
        length = 0;
    }

    boolean isEmpty() {
        return length == 0 && out.isEmpty();
    }

    byte[] toByteArray() {
        flush();
        return out.toByteArray();
    }
}
