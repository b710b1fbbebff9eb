package dev.hyphae.codec;

import dev.hyphae.ProtocolException;

/**
 * The {@code key_indexes} column of an ORMap batch in session form (specification, "Encoding", section "Key
 * indexes"): one item per entry, its key index minus that of the previous entry of the same store (the first entry of
 * a store: its index), repeat-coded across the whole column (section "Repeat coding", HY-ENC-108): entries in
 * the order of first write, the common case, make every item 1 and the column a few bytes.
 */
final class KeyIndexColumn {

    private KeyIndexColumn() {
    }

    /** The column that holds {@code items}. */
    static byte[] write(long[] items) {
        return new Packed.Writer().repeatCoded(items, items.length).toByteArray();
    }

    /** The {@code n} items of {@code column}, unsigned, which must hold exactly them (HY-ENC-024). */
    static long[] read(Packed.Reader column, int n) throws ProtocolException {
        long[] items = column.repeatCoded(n);
        column.expectEnd();
        return items;
    }
}
