package dev.hyphae.model.encoding;

import dev.hyphae.model.Limits;

import java.util.HashSet;
import java.util.Set;

/**
 * Verification (section "Verification"): every uoffset, table, vtable, field and vector that the schema reaches from
 * the root lies inside the buffer, is aligned, is reached once, and keeps within its limits; so that decoding reads
 * the fields with no further check of bounds. All arithmetic on positions is in {@code long}s, without overflow.
 */
final class Verifier {

    private static final byte[] IDENTIFIER = {0x48, 0x59, 0x50, 0x31};

    private final Buffer buffer;
    private final long length;
    private final Set<Long> reached = new HashSet<>();
    private long tables;

    private Verifier(Buffer buffer) {
        this.buffer = buffer;
        this.length = buffer.length();
    }

    /** Verifies the whole buffer, or refuses it in the verify phase. */
    static void verify(Buffer buffer) throws Malformed {
        new Verifier(buffer).payload();
    }

    private void payload() throws Malformed {
        if (length < 8) {
            throw Malformed.verify("a payload is at least 8 bytes", "HY-ENC-008");
        }
        for (int i = 0; i < 4; i++) {
            if (buffer.bytes[4 + i] != IDENTIFIER[i]) {
                throw Malformed.verify("the file identifier is not HYP1", "HY-ENC-008");
            }
        }
        long t = follow(0);
        long v = table(t, Layout.PAYLOAD_FIELDS);
        vectorField(t, v, Layout.PAYLOAD_REPLICAS, 1, 16L * Limits.MAX_REPLICAS);
        long context = tableField(t, v, Layout.PAYLOAD_CONTEXT);
        if (context >= 0) {
            long cv = table(context, Layout.CONTEXT_FIELDS);
            vectorField(context, cv, Layout.CONTEXT_VERSION_VECTOR, 1, Limits.MAX_PAYLOAD_SIZE);
            vectorField(context, cv, Layout.CONTEXT_CLOUD, 1, Limits.MAX_PAYLOAD_SIZE);
        }
        long root = tableField(t, v, Layout.PAYLOAD_ROOT);
        if (root < 0) {
            throw Malformed.verify("the Payload has no root", "HY-ENC-015");
        }
        batch(root, 1);
    }

    private void batch(long t, int level) throws Malformed {
        if (level > Limits.MAX_NESTING_DEPTH + 1) {
            throw Malformed.verify("a Batch at level " + level, "HY-ENC-018");
        }
        long v = table(t, Layout.BATCH_FIELDS);
        scalarField(t, v, Layout.Column.TYPE.id(), 2);
        scalarField(t, v, Layout.Column.COUNT.id(), 4);
        for (Layout.Column c : new Layout.Column[] {Layout.Column.SIZES, Layout.Column.DOTS, Layout.Column.DOT_COUNTS,
                Layout.Column.COUNTS, Layout.Column.DECREMENTS, Layout.Column.TIMESTAMPS, Layout.Column.TYPES,
                Layout.Column.KEY_INDEXES}) {
            vectorField(t, v, c.id(), 1, Limits.MAX_PAYLOAD_SIZE);
        }
        long values = tableField(t, v, Layout.Column.VALUES.id());
        if (values >= 0) {
            long vv = table(values, Layout.VALUES_FIELDS);
            vectorField(values, vv, Layout.VALUES_KINDS, 1, Limits.MAX_PAYLOAD_SIZE);
            vectorField(values, vv, Layout.VALUES_INTS, 1, Limits.MAX_PAYLOAD_SIZE);
            vectorField(values, vv, Layout.VALUES_STRINGS, 1, Limits.MAX_PAYLOAD_SIZE);
            vectorField(values, vv, Layout.VALUES_BYTES, 1, Limits.MAX_PAYLOAD_SIZE);
            vectorField(values, vv, Layout.VALUES_FLOAT_PLANES, 1, Limits.MAX_PAYLOAD_SIZE);
            // The retired floats (id 2) is left alone, as a field of a later revision would be (HY-ENC-088).
        }
        long children = vectorField(t, v, Layout.Column.CHILDREN.id(), 4, Limits.MAX_ELEMENTS);
        for (long child : elements(children)) {
            batch(child, level + 1);
        }
        long opaque = vectorField(t, v, Layout.Column.OPAQUE.id(), 4, Limits.MAX_ELEMENTS);
        for (long o : elements(opaque)) {
            long ov = table(o, Layout.OPAQUE_FIELDS);
            vectorField(o, ov, Layout.OPAQUE_DATA, 1, Limits.MAX_PAYLOAD_SIZE);
        }
    }

    /** The tables that a verified vector of tables at {@code q} refers to, each uoffset followed and checked. */
    private long[] elements(long q) throws Malformed {
        if (q < 0) {
            return new long[0];
        }
        long n = buffer.u32(q);
        long[] tables = new long[(int) n];
        for (int j = 0; j < n; j++) {
            tables[j] = follow(q + 4 + 4L * j);
        }
        return tables;
    }

    /** HY-ENC-009 and HY-ENC-016: the uoffset at {@code p} refers forwards, inside the buffer, to a new position. */
    private long follow(long p) throws Malformed {
        long u = buffer.u32(p);
        if (u == 0 || p + u >= length) {
            throw Malformed.verify("a uoffset at " + p + " is 0 or leads past the end", "HY-ENC-009");
        }
        if (!reached.add(p + u)) {
            throw Malformed.verify("two uoffsets refer to position " + (p + u), "HY-ENC-016");
        }
        return p + u;
    }

    /** HY-ENC-011 and HY-ENC-017: the table at {@code t} and its vtable; returns the position of the vtable. */
    private long table(long t, int declaredFields) throws Malformed {
        if (++tables > Limits.MAX_ELEMENTS) {
            throw Malformed.verify("more than MAX_ELEMENTS tables", "HY-ENC-017");
        }
        if (t % 4 != 0 || t + 4 > length) {
            throw Malformed.verify("a table at " + t + " is misaligned or past the end", "HY-ENC-011");
        }
        long v = t - buffer.i32(t);
        if (v < 0 || v % 2 != 0 || v + 4 > length) {
            throw Malformed.verify("the vtable of the table at " + t + " is outside the buffer or odd", "HY-ENC-011");
        }
        int vtableSize = buffer.u16(v);
        if (vtableSize < 4 || vtableSize > 0x7FFF || vtableSize % 2 != 0 || vtableSize > length - v) {
            throw Malformed.verify("the vtable size " + vtableSize + " at " + v, "HY-ENC-011");
        }
        int tableSize = buffer.u16(v + 2);
        if (tableSize < 4 || tableSize > 0x7FFF || tableSize > length - t) {
            throw Malformed.verify("the table size " + tableSize + " at " + t, "HY-ENC-011");
        }
        for (int i = 0; i < declaredFields && 4 + 2 * i < vtableSize; i++) {
            int entry = buffer.u16(v + 4 + 2 * i);
            if (entry != 0 && (entry < 4 || entry > tableSize - 1)) {
                throw Malformed.verify("the vtable entry of field " + i + " of the table at " + t, "HY-ENC-011");
            }
        }
        return v;
    }

    /** The vtable entry of field {@code id}, 0 when absent. */
    private int entry(long v, int id) {
        int vtableSize = buffer.u16(v);
        return 4 + 2 * id < vtableSize ? buffer.u16(v + 4 + 2 * id) : 0;
    }

    /** HY-ENC-012: a present scalar lies inside its table, aligned to its size. */
    private void scalarField(long t, long v, int id, int size) throws Malformed {
        int e = entry(v, id);
        if (e != 0 && (e + size > buffer.u16(v + 2) || (t + e) % size != 0)) {
            throw Malformed.verify("a scalar field " + id + " of a Batch outside its table or misaligned", "HY-ENC-012");
        }
    }

    /**
     * HY-ENC-010: a present reference field is aligned, and its 4 bytes lie inside its table, so inside the buffer;
     * returns the uoffset's position, or -1.
     */
    private long referenceField(long t, long v, int id) throws Malformed {
        int e = entry(v, id);
        if (e == 0) {
            return -1;
        }
        long p = t + e;
        if (p % 4 != 0 || e + 4 > buffer.u16(v + 2)) {
            throw Malformed.verify("the field " + id + " of the table at " + t + " is misaligned or not inside its table", "HY-ENC-010");
        }
        return p;
    }

    /** A table field: the position of the table it refers to, not yet verified, or -1 when absent. */
    private long tableField(long t, long v, int id) throws Malformed {
        long p = referenceField(t, v, id);
        return p < 0 ? -1 : follow(p);
    }

    /** HY-ENC-013: a vector field; returns the position of the vector, or -1 when absent. */
    private long vectorField(long t, long v, int id, int elementSize, long maxElements) throws Malformed {
        long p = referenceField(t, v, id);
        if (p < 0) {
            return -1;
        }
        long q = follow(p);
        if (q % 4 != 0 || q + 4 > length) {
            throw Malformed.verify("a vector at " + q + " is misaligned or past the end", "HY-ENC-013");
        }
        long n = buffer.u32(q);
        if (n > maxElements) {
            throw Malformed.verify("a vector of " + n + " elements, more than " + maxElements, "HY-ENC-013");
        }
        if (q + 4 + n * elementSize > length) {
            throw Malformed.verify("a vector at " + q + " runs past the end", "HY-ENC-013");
        }
        if (elementSize == 8 && (q + 4) % 8 != 0) {
            throw Malformed.verify("a vector of 8-byte elements at " + q + " is misaligned", "HY-ENC-013");
        }
        return q;
    }
}
