package dev.hyphae.codec;

/**
 * One field of a table of the normative schema ({@code spec/schema/*.fbs}): where it sits in the table's vtable
 * and what {@link BufferVerifier} needs to know to check it. The fields themselves are the constants of
 * {@link Schema}, which is generated from the schema; no decoder types a field id, a size or a table's number
 * of fields itself.
 *
 * @param table     the table's name in the schema, such as {@code Batch}
 * @param name      the field's name in the schema, such as {@code dot_counts}
 * @param id        the field id, its slot in the vtable
 * @param kind      what the field holds
 * @param size      for a scalar or a struct, its size in bytes; for a vector, the size of an element; for a string,
 *                  1; for a table or a union, the 4 bytes of the offset
 * @param alignment for a scalar or a struct, the alignment it needs in its table; otherwise 4, as for any offset
 * @param fields    for a table or a vector of tables, the number of fields that the table it refers to declares;
 *                  otherwise 0
 */
public record Field(String table, String name, int id, Kind kind, int size, int alignment, int fields) {

    /** What a field holds, as far as verification is concerned. */
    public enum Kind {
        /** A scalar, stored inline in its table. */
        SCALAR,
        /** A struct, stored inline in its table. */
        STRUCT,
        /** An offset to a string: a byte vector followed by a zero byte. */
        STRING,
        /** An offset to a vector of scalars or structs. */
        VECTOR,
        /** An offset to a vector of offsets to tables. */
        VECTOR_OF_TABLES,
        /** An offset to a table. */
        TABLE,
        /** An offset to a table whose type is given by the union's type field, the field before it. */
        UNION
    }

    static Field scalar(String table, String name, int id, int size) {
        return new Field(table, name, id, Kind.SCALAR, size, size, 0);
    }

    static Field struct(String table, String name, int id, int size, int alignment) {
        return new Field(table, name, id, Kind.STRUCT, size, alignment, 0);
    }

    static Field string(String table, String name, int id) {
        return new Field(table, name, id, Kind.STRING, 1, 4, 0);
    }

    static Field vector(String table, String name, int id, int elementSize) {
        return new Field(table, name, id, Kind.VECTOR, elementSize, 4, 0);
    }

    static Field vectorOfTables(String table, String name, int id, int fields) {
        return new Field(table, name, id, Kind.VECTOR_OF_TABLES, 4, 4, fields);
    }

    static Field table(String table, String name, int id, int fields) {
        return new Field(table, name, id, Kind.TABLE, 4, 4, fields);
    }

    static Field union(String table, String name, int id) {
        return new Field(table, name, id, Kind.UNION, 4, 4, 0);
    }

    /** The position of this field's entry in a vtable, in bytes: after the vtable's and the table's sizes. */
    public int vtableEntry() {
        return 4 + 2 * id;
    }

    @Override
    public String toString() {
        return table + "." + name;
    }
}
