package dev.hyphae.codec;

import dev.hyphae.ErrorCode;
import dev.hyphae.ProtocolException;
import dev.hyphae.data.Limits;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.BitSet;

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
 *   <li>vtable and table sizes are below 0x8000, because the Java runtime, like others, reads vtable entries
 *       as signed 16-bit integers: a larger value would make it read somewhere else than was verified;</li>
 *   <li>no table and no vector is reached twice (only vtables may be shared), so a payload cannot make a
 *       reader decode one large object many times over;</li>
 *   <li>tables nest no deeper, and are no more numerous, than the limits allow, and only the vtable entries
 *       of fields the schema declares are examined, so verification ends in bounded time.</li>
 * </ul>
 *
 * Offsets are read as unsigned 32-bit integers and compared with the buffer's length as longs.
 */
public final class BufferVerifier {

    /** The largest vtable or table size a reader can address with signed 16-bit offsets. */
    static final int MAX_VTABLE_SIZE = 0x7FFF;

    private final ByteBuffer buffer;
    private final int length;
    private final ErrorCode malformed;
    private final BitSet reached = new BitSet();
    private int tables;

    /**
     * A verifier of {@code buffer} that refuses with {@code malformed}: {@code MALFORMED_DELTA} for a payload a
     * delta carries, {@code MALFORMED_MESSAGE} for a session or handshake message.
     */
    public BufferVerifier(ByteBuffer buffer, ErrorCode malformed) {
        this.buffer = buffer.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        this.length = buffer.limit();
        this.malformed = malformed;
    }

    private ProtocolException fail(String format, Object... args) {
        return malformed.scope() == ErrorCode.Scope.DELTA
                ? ProtocolException.deltaError(malformed, ProtocolException.Phase.VERIFY, format, args)
                : ProtocolException.sessionError(malformed, ProtocolException.Phase.VERIFY, format, args);
    }

    /**
     * Checks the root offset and the file identifier; returns the root table's position, verified as a table
     * of {@code fields} declared fields.
     */
    public int root(String fileIdentifier, int fields) throws ProtocolException {
        if (length < 8) {
            throw fail("a payload of %d bytes is shorter than its 8-byte header", length);
        }
        byte[] identifier = new byte[4];
        buffer.get(4, identifier);
        if (!fileIdentifier.equals(new String(identifier, StandardCharsets.ISO_8859_1))) {
            throw fail("file identifier is not %s", fileIdentifier);
        }
        int root = offsetAt(0);
        table(root, fields);
        return root;
    }

    /** Verifies the header and vtable of the table at {@code table}, whose schema declares {@code fields} fields. */
    public void table(int table, int fields) throws ProtocolException {
        if (++tables > Limits.MAX_ELEMENTS) {
            throw fail("more than MAX_ELEMENTS tables");
        }
        if (table < 0 || (table & 3) != 0 || (long) table + 4 > length) {
            throw fail("table at %d is out of range or misaligned", table);
        }
        reachOnce(table, "table");
        long vtable = (long) table - buffer.getInt(table);
        if (vtable < 0 || (vtable & 1) != 0 || vtable + 4 > length) {
            throw fail("vtable of the table at %d is out of range or misaligned", table);
        }
        int vtableSize = Short.toUnsignedInt(buffer.getShort((int) vtable));
        int tableSize = Short.toUnsignedInt(buffer.getShort((int) vtable + 2));
        if (vtableSize < 4 || vtableSize > MAX_VTABLE_SIZE || (vtableSize & 1) != 0 || vtable + vtableSize > length) {
            throw fail("vtable of the table at %d has a bad size %d", table, vtableSize);
        }
        if (tableSize < 4 || tableSize > MAX_VTABLE_SIZE || (long) table + tableSize > length) {
            throw fail("table at %d has a bad size %d", table, tableSize);
        }
        // Entries past the declared fields belong to later versions: never read, so not examined.
        int examined = Math.min(vtableSize, 4 + 2 * fields);
        for (int entry = 4; entry < examined; entry += 2) {
            int fieldOffset = Short.toUnsignedInt(buffer.getShort((int) vtable + entry));
            if (fieldOffset != 0 && (fieldOffset < 4 || fieldOffset >= tableSize)) {
                throw fail("table at %d has field %d outside its %d bytes", table, (entry - 4) / 2, tableSize);
            }
        }
    }

    /** The absolute position of field {@code id} of a verified table, or 0 if absent. */
    public int field(int table, int id) {
        int vtable = table - buffer.getInt(table);
        int vtableSize = Short.toUnsignedInt(buffer.getShort(vtable));
        int entry = 4 + 2 * id;
        if (entry >= vtableSize) {
            return 0;
        }
        int fieldOffset = Short.toUnsignedInt(buffer.getShort(vtable + entry));
        return fieldOffset == 0 ? 0 : table + fieldOffset;
    }

    /** Verifies that scalar field {@code id}, of {@code size} bytes, lies in its table and is aligned to its size. */
    public void scalar(int table, int id, int size) throws ProtocolException {
        inline(table, id, size, size);
    }

    /** Verifies that inline field {@code id} (a scalar or a struct) of {@code size} bytes lies in its table, aligned to {@code alignment}. */
    public void inline(int table, int id, int size, int alignment) throws ProtocolException {
        int at = field(table, id);
        if (at == 0) {
            return;
        }
        int vtable = table - buffer.getInt(table);
        int tableSize = Short.toUnsignedInt(buffer.getShort(vtable + 2));
        if (at - table + size > tableSize || (at & (alignment - 1)) != 0) {
            throw fail("field %d of the table at %d is out of its table or misaligned", id, table);
        }
    }

    /**
     * Verifies vector field {@code id} with elements of {@code elementSize} bytes, at most {@code maxLength}
     * of them; returns the vector's position (its length field), or 0 if absent.
     */
    public int vector(int table, int id, int elementSize, int maxLength) throws ProtocolException {
        int at = field(table, id);
        if (at == 0) {
            return 0;
        }
        int vector = offsetField(table, at);
        if ((vector & 3) != 0 || (long) vector + 4 > length) {
            throw fail("vector field %d of the table at %d is out of range or misaligned", id, table);
        }
        reachOnce(vector, "vector");
        long count = Integer.toUnsignedLong(buffer.getInt(vector));
        if (count > maxLength) {
            throw fail("vector field %d of the table at %d declares %d elements, more than %d",
                    id, table, count, maxLength);
        }
        if (vector + 4 + count * elementSize > length) {
            throw fail("vector field %d of the table at %d runs past the end of the payload", id, table);
        }
        if (elementSize > 4 && ((vector + 4) & (elementSize - 1)) != 0) {
            throw fail("vector field %d of the table at %d has misaligned elements", id, table);
        }
        return vector;
    }

    /**
     * Verifies string field {@code id}: a byte vector of at most {@code maxLength} bytes followed by the zero byte
     * that FlatBuffers requires after every string. Returns the vector's position, or 0 if absent.
     */
    public int string(int table, int id, int maxLength) throws ProtocolException {
        int vector = vector(table, id, 1, maxLength);
        if (vector != 0) {
            long terminator = (long) vector + 4 + vectorLength(vector);
            if (terminator >= length || buffer.get((int) terminator) != 0) {
                throw fail("string field %d of the table at %d is not followed by its zero byte", id, table);
            }
        }
        return vector;
    }

    /** The element count of a verified vector. */
    public int vectorLength(int vector) {
        return buffer.getInt(vector);
    }

    /** Verifies table field {@code id}, of a table with {@code fields} fields; returns its position, or 0 if absent. */
    public int tableField(int table, int id, int fields) throws ProtocolException {
        int at = field(table, id);
        if (at == 0) {
            return 0;
        }
        int nested = offsetField(table, at);
        table(nested, fields);
        return nested;
    }

    /** The table, of {@code fields} fields, that element {@code index} of a verified vector of tables points to. */
    public int tableElement(int vector, int index, int fields) throws ProtocolException {
        int at = vector + 4 + 4 * index;
        int nested = offsetAt(at);
        table(nested, fields);
        return nested;
    }

    private void reachOnce(int position, String what) throws ProtocolException {
        if (reached.get(position)) {
            throw fail("the %s at %d is reached twice; only vtables may be shared", what, position);
        }
        reached.set(position);
    }

    private int offsetField(int table, int at) throws ProtocolException {
        int vtable = table - buffer.getInt(table);
        int tableSize = Short.toUnsignedInt(buffer.getShort(vtable + 2));
        if ((at & 3) != 0 || at - table + 4 > tableSize) {
            throw fail("offset field at %d of the table at %d is out of its table or misaligned", at, table);
        }
        return offsetAt(at);
    }

    private int offsetAt(int at) throws ProtocolException {
        long offset = Integer.toUnsignedLong(buffer.getInt(at));
        long target = at + offset;
        if (offset == 0 || target >= length) {
            throw fail("offset at %d does not point forward into the payload", at);
        }
        return (int) target;
    }
}
