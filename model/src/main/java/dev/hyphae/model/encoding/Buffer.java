package dev.hyphae.model.encoding;

/**
 * A payload's bytes, read as the FlatBuffers binary format lays them out (section "Schema"): little-endian scalars,
 * uoffsets, tables with their vtables, and vectors. {@link Verifier} checks every position before the decoder uses
 * these readers, which therefore assume their arguments lie inside the buffer.
 */
final class Buffer {

    final byte[] bytes;

    Buffer(byte[] bytes) {
        this.bytes = bytes;
    }

    int length() {
        return bytes.length;
    }

    int u8(long p) {
        return bytes[(int) p] & 0xFF;
    }

    int u16(long p) {
        return u8(p) | u8(p + 1) << 8;
    }

    long u32(long p) {
        return (u16(p) | (long) u16(p + 2) << 16) & 0xFFFFFFFFL;
    }

    int i32(long p) {
        return (int) u32(p);
    }

    long u64(long p) {
        return u32(p) | u32(p + 4) << 32;
    }

    /** The position that the uoffset at {@code p} refers to. */
    int target(int p) {
        return (int) (p + u32(p));
    }

    /** The position of field {@code id} of the table at {@code t}, or -1 when the field is absent. */
    int field(int t, int id) {
        int v = t - i32(t);
        int vtableSize = u16(v);
        if (4 + 2 * id >= vtableSize) {
            return -1;
        }
        int entry = u16(v + 4 + 2 * id);
        return entry == 0 ? -1 : t + entry;
    }

    /** The table or vector that field {@code id} of the table at {@code t} refers to, or -1 when it is absent. */
    int reference(int t, int id) {
        int p = field(t, id);
        return p < 0 ? -1 : target(p);
    }

    /** The number of elements of the vector at {@code q}. */
    int vectorLength(int q) {
        return (int) u32(q);
    }

    /** A reader of the byte vector that field {@code id} of the table at {@code t} refers to; empty if absent. */
    ColumnReader column(int t, int id, String name) {
        int q = reference(t, id);
        return q < 0 ? ColumnReader.empty(name) : new ColumnReader(bytes, name, q + 4, vectorLength(q));
    }
}
