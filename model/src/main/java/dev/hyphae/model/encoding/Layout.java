package dev.hyphae.model.encoding;

import java.util.EnumSet;
import java.util.Set;

/**
 * The layout of a payload: the field ids of {@code spec/schema/payload.fbs} (a test compares them with the file),
 * and the columns that each CRDT type uses (table "The columns of each CRDT type").
 */
final class Layout {

    private Layout() {
    }

    /** Table {@code Payload}. */
    static final int PAYLOAD_REPLICAS = 0;
    static final int PAYLOAD_CONTEXT = 1;
    static final int PAYLOAD_ROOT = 2;
    static final int PAYLOAD_FIELDS = 3;

    /** Table {@code Context}. */
    static final int CONTEXT_VERSION_VECTOR = 0;
    static final int CONTEXT_CLOUD = 1;
    static final int CONTEXT_FIELDS = 2;

    /** Table {@code Values}. */
    static final int VALUES_KINDS = 0;
    static final int VALUES_INTS = 1;
    /** The retired {@code floats}: its slot stays declared, and nothing writes, verifies or reads it (HY-ENC-088). */
    static final int VALUES_RETIRED_FLOATS = 2;
    static final int VALUES_STRINGS = 3;
    static final int VALUES_BYTES = 4;
    static final int VALUES_FLOAT_PLANES = 5;
    static final int VALUES_FIELDS = 6;

    /** Table {@code Opaque}. */
    static final int OPAQUE_DATA = 0;
    static final int OPAQUE_FIELDS = 1;

    /** The fields of table {@code Batch}, in the order of their ids. */
    enum Column {
        TYPE, COUNT, SIZES, DOTS, DOT_COUNTS, COUNTS, DECREMENTS, TIMESTAMPS, VALUES, TYPES, CHILDREN, OPAQUE, KEY_INDEXES;

        /** The field id: the schema numbers the fields of {@code Batch} in this order, from 0. */
        int id() {
            return ordinal();
        }
    }

    static final int BATCH_FIELDS = Column.values().length;

    /** The columns that a batch of type {@code typeId} may have, {@code sizes} included and the scalars excluded. */
    static Set<Column> columnsOf(int typeId) {
        return switch (typeId) {
            case 1 -> EnumSet.of(Column.SIZES, Column.DOTS, Column.COUNTS);
            case 2 -> EnumSet.of(Column.SIZES, Column.DOTS, Column.COUNTS, Column.DECREMENTS);
            case 3 -> EnumSet.of(Column.SIZES, Column.DOTS, Column.TIMESTAMPS, Column.VALUES);
            case 4 -> EnumSet.of(Column.SIZES, Column.DOTS, Column.VALUES);
            case 5 -> EnumSet.of(Column.SIZES, Column.DOTS);
            case 6 -> EnumSet.of(Column.SIZES, Column.DOTS, Column.DOT_COUNTS, Column.VALUES);
            case 7 -> EnumSet.of(Column.SIZES, Column.VALUES, Column.TYPES, Column.CHILDREN, Column.KEY_INDEXES);
            default -> EnumSet.of(Column.SIZES, Column.DOTS, Column.OPAQUE);
        };
    }

    /** Value kinds (table "Value kinds"). */
    static final int KIND_NULL = 0;
    static final int KIND_FALSE = 1;
    static final int KIND_TRUE = 2;
    static final int KIND_INT64 = 3;
    static final int KIND_FLOAT64 = 4;
    static final int KIND_STRING = 5;
    static final int KIND_BYTES = 6;

    /** Limit of the encoding: MAX_DECODED_BYTES. */
    static final long MAX_DECODED_BYTES = 16_777_216;
}
