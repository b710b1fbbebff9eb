package dev.hyphae.codec;

import dev.hyphae.ProtocolException;
import dev.hyphae.data.Limits;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Checks the FlatBuffers structure of a buffer before anything reads it (specification, "Encoding", section
 * "Verification"). FlatBuffers' Java runtime has no verifier and trusts every offset, so this does what the
 * C++ verifier does, for the tables of the Hyphae schema:
 *
 * <ul>
 *   <li>every table lies in the buffer, 4-byte aligned, with a vtable that lies in the buffer, is 2-byte
 *       aligned, at least 4 bytes long, of even length, and names only fields inside the table;</li>
 *   <li>every scalar field lies inside its table and is aligned to its size;</li>
 *   <li>every offset field points forward into the buffer; every vector's length field is 4-byte aligned and
 *       its elements lie in the buffer (computed without overflow), aligned to their size;</li>
 *   <li>tables nest no deeper, and are no more numerous, than the limits allow, so verification ends in
 *       bounded time.</li>
 * </ul>
 *
 * Offsets are read as unsigned 32-bit integers and compared with the buffer's length as longs.
 */
final class BufferVerifier {

    private final ByteBuffer buffer;
    private final int length;
    private int tables;

    BufferVerifier(ByteBuffer buffer) {
        this.buffer = buffer.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        this.length = buffer.limit();
    }

    /** Checks the root offset and the file identifier; returns the root table's position, verified. */
    int root(String fileIdentifier) throws ProtocolException {
        if (length < 8) {
            throw Malformed.verify("a payload of %d bytes is shorter than its 8-byte header", length);
        }
        byte[] identifier = new byte[4];
        buffer.get(4, identifier);
        if (!fileIdentifier.equals(new String(identifier, StandardCharsets.ISO_8859_1))) {
            throw Malformed.verify("file identifier is not %s", fileIdentifier);
        }
        int root = offsetAt(0);
        table(root);
        return root;
    }

    /** Verifies the header and vtable of the table at {@code table}. */
    void table(int table) throws ProtocolException {
        if (++tables > Limits.MAX_ELEMENTS) {
            throw Malformed.verify("more than MAX_ELEMENTS tables");
        }
        if (table < 0 || (table & 3) != 0 || (long) table + 4 > length) {
            throw Malformed.verify("table at %d is out of range or misaligned", table);
        }
        long vtable = (long) table - buffer.getInt(table);
        if (vtable < 0 || (vtable & 1) != 0 || vtable + 4 > length) {
            throw Malformed.verify("vtable of the table at %d is out of range or misaligned", table);
        }
        int vtableSize = Short.toUnsignedInt(buffer.getShort((int) vtable));
        int tableSize = Short.toUnsignedInt(buffer.getShort((int) vtable + 2));
        if (vtableSize < 4 || (vtableSize & 1) != 0 || vtable + vtableSize > length) {
            throw Malformed.verify("vtable of the table at %d has a bad size %d", table, vtableSize);
        }
        if (tableSize < 4 || (long) table + tableSize > length) {
            throw Malformed.verify("table at %d has a bad size %d", table, tableSize);
        }
        for (int entry = 4; entry < vtableSize; entry += 2) {
            int fieldOffset = Short.toUnsignedInt(buffer.getShort((int) vtable + entry));
            if (fieldOffset != 0 && (fieldOffset < 4 || fieldOffset >= tableSize)) {
                throw Malformed.verify("table at %d has field %d outside its %d bytes", table, (entry - 4) / 2, tableSize);
            }
        }
    }

    /** The absolute position of field {@code id} of a verified table, or 0 if absent. */
    int field(int table, int id) {
        int vtable = table - buffer.getInt(table);
        int vtableSize = Short.toUnsignedInt(buffer.getShort(vtable));
        int entry = 4 + 2 * id;
        if (entry >= vtableSize) {
            return 0;
        }
        int fieldOffset = Short.toUnsignedInt(buffer.getShort(vtable + entry));
        return fieldOffset == 0 ? 0 : table + fieldOffset;
    }

    /** Verifies that scalar field {@code id}, of {@code size} bytes, lies in its table and is aligned. */
    void scalar(int table, int id, int size) throws ProtocolException {
        int at = field(table, id);
        if (at == 0) {
            return;
        }
        int vtable = table - buffer.getInt(table);
        int tableSize = Short.toUnsignedInt(buffer.getShort(vtable + 2));
        if (at - table + size > tableSize || (at & (size - 1)) != 0) {
            throw Malformed.verify("field %d of the table at %d is out of its table or misaligned", id, table);
        }
    }

    /**
     * Verifies vector field {@code id} with elements of {@code elementSize} bytes, at most {@code maxLength}
     * of them; returns the vector's position (its length field), or 0 if absent.
     */
    int vector(int table, int id, int elementSize, int maxLength) throws ProtocolException {
        int at = field(table, id);
        if (at == 0) {
            return 0;
        }
        int vector = offsetField(table, at);
        if ((vector & 3) != 0 || (long) vector + 4 > length) {
            throw Malformed.verify("vector field %d of the table at %d is out of range or misaligned", id, table);
        }
        long count = Integer.toUnsignedLong(buffer.getInt(vector));
        if (count > maxLength) {
            throw Malformed.verify("vector field %d of the table at %d declares %d elements, more than %d",
                    id, table, count, maxLength);
        }
        if (vector + 4 + count * elementSize > length) {
            throw Malformed.verify("vector field %d of the table at %d runs past the end of the payload", id, table);
        }
        if (elementSize > 4 && ((vector + 4) & (elementSize - 1)) != 0) {
            throw Malformed.verify("vector field %d of the table at %d has misaligned elements", id, table);
        }
        return vector;
    }

    /** The element count of a verified vector. */
    int vectorLength(int vector) {
        return buffer.getInt(vector);
    }

    /** Verifies table field {@code id}; returns the nested table's position, or 0 if absent. */
    int tableField(int table, int id) throws ProtocolException {
        int at = field(table, id);
        if (at == 0) {
            return 0;
        }
        int nested = offsetField(table, at);
        table(nested);
        return nested;
    }

    /** The table that element {@code index} of a verified vector of tables points to, verified. */
    int tableElement(int vector, int index) throws ProtocolException {
        int at = vector + 4 + 4 * index;
        int nested = offsetAt(at);
        table(nested);
        return nested;
    }

    private int offsetField(int table, int at) throws ProtocolException {
        if ((at & 3) != 0 || (long) at + 4 > length) {
            throw Malformed.verify("offset field at %d of the table at %d is out of range or misaligned", at, table);
        }
        return offsetAt(at);
    }

    private int offsetAt(int at) throws ProtocolException {
        long offset = Integer.toUnsignedLong(buffer.getInt(at));
        long target = at + offset;
        if (offset == 0 || target >= length) {
            throw Malformed.verify("offset at %d does not point forward into the payload", at);
        }
        return (int) target;
    }
}
