package dev.hyphae.tools;

import dev.hyphae.crdt.CrdtType;

import java.util.Arrays;

import static dev.hyphae.tools.RawPayload.bytes;
import static dev.hyphae.tools.VectorStates.A;

/**
 * The payloads, built byte by byte with {@link RawPayload} rather than by the reference encoder, that the invalid
 * payload vectors start from or consist of, and the helpers that patch them.
 */
final class MalformedPayloads {

    private MalformedPayloads() {
    }

    /** A valid baseline payload: an MVRegister holding "ok" at (A,1), built column by column. */
    static byte[] baseline() {
        return mvRegister(A.toBytes(), bytes(0, 1), null, bytes(0, 1, 1), bytes(5, 1), bytes(0, 2, 'o', 'k'));
    }

    static byte[] mvRegister(byte[] replicas, byte[] vv, byte[] cloud, byte[] dots, byte[] kinds, byte[] strings) {
        return mvRegister(null, replicas, vv, cloud, dots, kinds, strings);
    }

    /** An MVRegister root batch; {@code sizes} null means one entry. */
    static byte[] mvRegister(byte[] sizes, byte[] replicas, byte[] vv, byte[] cloud, byte[] dots, byte[] kinds, byte[] strings) {
        RawPayload raw = new RawPayload();
        RawPayload.Columns c = new RawPayload.Columns();
        c.type = CrdtType.MV_REGISTER.id();
        c.sizes = sizes;
        c.dots = dots;
        c.values = raw.values(kinds, null, null, strings);
        return raw.finish(replicas, vv, cloud, raw.batch(c));
    }

    static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    static byte[] patchInt(byte[] bytes, int at, int value) {
        byte[] out = bytes.clone();
        out[at] = (byte) value;
        out[at + 1] = (byte) (value >> 8);
        out[at + 2] = (byte) (value >> 16);
        out[at + 3] = (byte) (value >> 24);
        return out;
    }

    static int readInt(byte[] b, int at) {
        return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8 | (b[at + 2] & 0xff) << 16 | (b[at + 3] & 0xff) << 24;
    }

    static int indexOf(byte[] haystack, byte[] needle) {
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        throw new IllegalStateException("pattern not found");
    }

    /** {@code depth} maps nested around one MVRegister, key "n" at every level. */
    static byte[] nestedMaps(int depth) {
        // Built below the encoder's own limit check, which would refuse to write it.
        RawPayload raw = new RawPayload();
        int batch = 0;
        for (int level = depth; level >= 0; level--) {
            RawPayload.Columns c = new RawPayload.Columns();
            if (level == depth) {
                c.type = CrdtType.MV_REGISTER.id();
                c.dots = bytes(0, 1, 1);
                c.values = raw.values(bytes(3, 1), bytes(2), null, null);
            } else {
                c.type = CrdtType.OR_MAP.id();
                c.values = raw.values(bytes(5, 1), null, null, bytes(0, 1, 'n'));
                c.types = bytes(level == depth - 1 ? CrdtType.MV_REGISTER.id() : CrdtType.OR_MAP.id(), 1);
                c.children = new int[] {batch};
            }
            batch = raw.batch(c);
        }
        return raw.finish(A.toBytes(), bytes(0, 1), null, batch);
    }

    /**
     * An MVRegister holding one float64 value: in {@code floatPlanes}, and in the retired field {@code floats} when
     * {@code retiredFloats} is not null.
     */
    static byte[] floatRegister(byte[] floatPlanes, double[] retiredFloats) {
        RawPayload raw = new RawPayload();
        RawPayload.Columns c = new RawPayload.Columns();
        c.type = CrdtType.MV_REGISTER.id();
        c.dots = bytes(0, 1, 1);
        c.values = raw.values(bytes(4, 1), null, floatPlanes, null, retiredFloats);
        return raw.finish(A.toBytes(), bytes(0, 1), null, raw.batch(c));
    }

    /** An LWWRegister of three entries, the dots (A,1) to (A,3), with the values "a", "b", "c" and {@code timestamps}. */
    static byte[] lwwRegisterOfThree(byte[] timestamps) {
        RawPayload raw = new RawPayload();
        RawPayload.Columns c = new RawPayload.Columns();
        c.type = CrdtType.LWW_REGISTER.id();
        c.sizes = bytes(3);
        c.dots = bytes(0, 1, 3);
        c.timestamps = timestamps;
        c.values = raw.values(bytes(5, 3), null, null, bytes(0, 1, 'a', 0, 1, 'b', 0, 1, 'c'));
        return raw.finish(A.toBytes(), bytes(0, 3), null, raw.batch(c));
    }

    static byte[] missingValues() {
        RawPayload raw = new RawPayload();
        RawPayload.Columns c = new RawPayload.Columns();
        c.type = CrdtType.MV_REGISTER.id();
        c.dots = bytes(0, 1, 1);
        return raw.finish(A.toBytes(), bytes(0, 1), null, raw.batch(c));
    }

    static byte[] withType(int type) {
        RawPayload raw = new RawPayload();
        RawPayload.Columns c = new RawPayload.Columns();
        c.type = type;
        c.dots = bytes(0, 1, 1);
        c.values = raw.values(bytes(5, 1), null, null, bytes(0, 2, 'o', 'k'));
        return raw.finish(A.toBytes(), bytes(0, 1), null, raw.batch(c));
    }

    static byte[] withCount(int count) {
        RawPayload raw = new RawPayload();
        RawPayload.Columns c = new RawPayload.Columns();
        c.type = CrdtType.EW_FLAG.id();
        c.count = count;
        c.dots = bytes(0, 1, 2);
        return raw.finish(A.toBytes(), bytes(0, 2), null, raw.batch(c));
    }

    static byte[] gcounterWithTimestamps() {
        RawPayload raw = new RawPayload();
        RawPayload.Columns c = new RawPayload.Columns();
        c.type = CrdtType.GCOUNTER.id();
        c.dots = bytes(0, 1, 1);
        c.counts = bytes(5);
        c.timestamps = bytes(2);
        return raw.finish(A.toBytes(), bytes(0, 1), null, raw.batch(c));
    }

    static byte[] map(byte[] keyKinds, byte[] keyFloatPlanes, byte[] keyStrings, byte[] types, int entries, int childType) {
        return map(keyKinds, keyFloatPlanes, keyStrings, types, entries, childType, null);
    }

    /** An ORMap root with one child batch of {@code entries} EWFlags (or {@code childType}); {@code childSizes} may be null. */
    static byte[] map(byte[] keyKinds, byte[] keyFloatPlanes, byte[] keyStrings, byte[] types, int entries, int childType,
                              byte[] childSizes) {
        RawPayload raw = new RawPayload();
        RawPayload.Columns child = new RawPayload.Columns();
        child.type = childType == 0 ? CrdtType.EW_FLAG.id() : childType;
        child.count = entries;
        child.sizes = childSizes;
        child.dots = childSizes != null && childSizes[0] == 0 ? null : bytes(0, 1, entries);
        if (childType == CrdtType.GCOUNTER.id()) {
            child.counts = new byte[entries];
            Arrays.fill(child.counts, (byte) 1);
        }
        int childBatch = raw.batch(child);
        RawPayload.Columns c = new RawPayload.Columns();
        c.type = CrdtType.OR_MAP.id();
        c.sizes = bytes(entries);
        c.values = raw.values(keyKinds, null, keyFloatPlanes, keyStrings);
        c.types = types;
        c.children = new int[] {childBatch};
        return raw.finish(A.toBytes(), bytes(0, entries), null, raw.batch(c));
    }

    static byte[] mapWithFloatKey() {
        return map(bytes(4, 1), RawPayload.floatPlanes(1.5), null, bytes(CrdtType.EW_FLAG.id(), 1), 1, 0);
    }

    static byte[] mapWithKeyTwice() {
        return map(bytes(5, 2), null, bytes(0, 1, 'k', 1, 0), bytes(CrdtType.EW_FLAG.id(), 2), 2, 0);
    }

    static byte[] mapWithEntryTypeZero() {
        return map(bytes(5, 1), null, bytes(0, 1, 'k'), bytes(0, 1), 1, 0);
    }
}
