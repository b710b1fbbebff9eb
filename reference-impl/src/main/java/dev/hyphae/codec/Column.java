package dev.hyphae.codec;

import dev.hyphae.crdt.CrdtType;
import hyphae.v1.Batch;

import java.util.EnumSet;
import java.util.Set;

/**
 * The columns of a {@code Batch} ({@code spec/schema/payload.fbs}), each named by its field in {@link Schema}, in
 * the order of their ids; and which of them a batch of each CRDT type may carry, as the specification's table "The
 * columns of each CRDT type" gives them (chapter "Encoding", HY-ENC-033). {@code ColumnTest} compares these sets
 * with that table.
 */
enum Column {
    SIZES(Schema.Batch.SIZES),
    DOTS(Schema.Batch.DOTS),
    DOT_COUNTS(Schema.Batch.DOT_COUNTS),
    COUNTS(Schema.Batch.COUNTS),
    DECREMENTS(Schema.Batch.DECREMENTS),
    TIMESTAMPS(Schema.Batch.TIMESTAMPS),
    VALUES(Schema.Batch.VALUES),
    TYPES(Schema.Batch.TYPES),
    CHILDREN(Schema.Batch.CHILDREN),
    OPAQUE(Schema.Batch.OPAQUE),
    KEY_INDEXES(Schema.Batch.KEY_INDEXES);

    private final Field field;

    Column(Field field) {
        this.field = field;
    }

    /** The column's field in the schema. */
    Field field() {
        return field;
    }

    /** The column's name, as the schema and the specification write it: {@code dot_counts}. */
    String specName() {
        return field.name();
    }

    /**
     * The columns that a batch of {@code type} may carry; {@code type} is {@code null} for a type that this version
     * does not define. Every type may carry {@code sizes}. A batch with no entries, which only the root batch can be,
     * carries nothing else but, for a type this version does not define, the {@code opaque} of its empty store
     * (HY-ENC-120): every other column would hold no item. An ORMap batch carries {@code values} or
     * {@code key_indexes} (which of the two, {@link BatchDecoding} checks).
     */
    static Set<Column> carriedBy(CrdtType type, boolean hasEntries) {
        if (!hasEntries) {
            return type == null ? EnumSet.of(SIZES, OPAQUE) : EnumSet.of(SIZES);
        }
        if (type == null) {
            return EnumSet.of(SIZES, DOTS, OPAQUE);
        }
        return switch (type) {
            case GCOUNTER -> EnumSet.of(SIZES, DOTS, COUNTS);
            case PNCOUNTER -> EnumSet.of(SIZES, DOTS, COUNTS, DECREMENTS);
            case LWW_REGISTER -> EnumSet.of(SIZES, DOTS, TIMESTAMPS, VALUES);
            case MV_REGISTER -> EnumSet.of(SIZES, DOTS, VALUES);
            case EW_FLAG -> EnumSet.of(SIZES, DOTS);
            case AW_SET -> EnumSet.of(SIZES, DOTS, DOT_COUNTS, VALUES);
            case OR_MAP -> EnumSet.of(SIZES, VALUES, TYPES, CHILDREN, KEY_INDEXES);
        };
    }

    /**
     * Whether {@code batch} has this column present, in the specification's sense: its field is present, even when
     * it holds no elements, except {@code children} and {@code opaque}, which are present only when they hold at
     * least one element; {@code values} is present if the {@code Values} table is.
     */
    boolean presentIn(Batch batch) {
        return switch (this) {
            case SIZES -> batch.sizesAsByteBuffer() != null;
            case DOTS -> batch.dotsAsByteBuffer() != null;
            case DOT_COUNTS -> batch.dotCountsAsByteBuffer() != null;
            case COUNTS -> batch.countsAsByteBuffer() != null;
            case DECREMENTS -> batch.decrementsAsByteBuffer() != null;
            case TIMESTAMPS -> batch.timestampsAsByteBuffer() != null;
            case VALUES -> batch.values() != null;
            case TYPES -> batch.typesAsByteBuffer() != null;
            case CHILDREN -> batch.childrenLength() > 0;
            case OPAQUE -> batch.opaqueLength() > 0;
            case KEY_INDEXES -> batch.keyIndexesAsByteBuffer() != null;
        };
    }
}
