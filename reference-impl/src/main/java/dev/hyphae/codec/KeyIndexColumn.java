package dev.hyphae.codec;

import dev.hyphae.ProtocolException;

/**
 * The {@code key_indexes} column of an ORMap batch in session form (specification, "Encoding", section "Key
 * indexes"): one item per entry, its key index minus that of the previous entry of the same store (the first entry of
 * a store: its index), each a varint. The items are written and read here as a whole column, so that the column's
 * coding is one pair of functions.
 */
final class KeyIndexColumn {

    private KeyIndexColumn() {
    }

    /** The column that holds {@code items}. */
    static byte[] write(long[] items) {
        Packed.Writer column = new Packed.Writer();
        for (long item : items) {
            column.varint(item);
        }
        return column.toByteArray();
    }

    /** The {@code n} items of {@code column}, unsigned, which must hold exactly them (HY-ENC-024). */
    static long[] read(Packed.Reader column, int n) throws ProtocolException {
        long[] items = new long[n];
        for (int i = 0; i < n; i++) {
            items[i] = column.varint();
        }
        column.expectEnd();
        return items;
    }
}
