package dev.hyphae.tools;

import dev.hyphae.ErrorCode;
import dev.hyphae.ProtocolException;
import dev.hyphae.codec.Codec;
import dev.hyphae.codec.ExternalTables;
import dev.hyphae.codec.JsonView;
import dev.hyphae.codec.Payload;
import dev.hyphae.codec.Schema;
import dev.hyphae.crdt.CausalState;
import dev.hyphae.crdt.CrdtType;
import dev.hyphae.crdt.EWFlag;
import dev.hyphae.crdt.ORMap;
import dev.hyphae.data.CausalContext;
import dev.hyphae.data.ReplicaId;
import dev.hyphae.data.Value;
import dev.hyphae.data.Limits;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Map;

import static dev.hyphae.tools.VectorStates.*;
import static dev.hyphae.tools.MalformedPayloads.*;
import static dev.hyphae.tools.RawPayload.bytes;

/**
 * The invalid vectors of the area {@code payload}: one or more for each rule of the chapter "Encoding", most of
 * them the baseline of {@link MalformedPayloads} with one defect. Each is checked, as it is written, to be refused
 * by the reference implementation with the code and in the phase it states; a case that is not refused as
 * described stops the generator.
 */
final class InvalidPayloadVectors {

    private static final HexFormat HEX = HexFormat.of();

    private final VectorWriter out;

    InvalidPayloadVectors(VectorWriter out) {
        this.out = out;
    }

    /** Writes the vectors of this area. */
    void write() {
        byte[] ok = baseline();
        try {
            Codec.decode(ok);
        } catch (ProtocolException e) {
            throw new IllegalStateException("the baseline of the invalid cases is itself invalid: " + e.getMessage());
        }
        int root = readInt(ok, 0);
        int rootVtable = root - readInt(ok, root);

        // Framing and verification.
        invalid("truncated_header", "Four bytes: shorter than the 8-byte header.", Arrays.copyOf(ok, 4), "verify", "HY-ENC-008", "HY-ENC-007");
        invalid("truncated_in_the_middle", "The baseline cut in half: offsets point past the end.", Arrays.copyOf(ok, ok.length / 2), "verify",
                "HY-ENC-009", "HY-ENC-007");
        byte[] wrongId = ok.clone();
        wrongId[7] = '2';
        invalid("wrong_file_identifier", "The file identifier is HYP2, not HYP1.", wrongId, "verify", "HY-ENC-008");
        invalid("root_offset_past_the_end", "The root offset points past the end of the payload.", patchInt(ok, 0, ok.length + 64), "verify",
                "HY-ENC-009");
        invalid("root_offset_zero", "A root offset of 0 points at itself, not forward.", patchInt(ok, 0, 0), "verify", "HY-ENC-009");
        invalid("vtable_before_the_buffer", "The root table's vtable offset points before the start of the payload.",
                patchInt(ok, root, root + 1000), "verify", "HY-ENC-011");
        byte[] bigVtable = ok.clone();
        bigVtable[rootVtable] = 0;
        bigVtable[rootVtable + 1] = (byte) 0x80;
        invalid("vtable_size_0x8000", "A vtable of 0x8000 bytes: beyond what readers that use signed 16-bit offsets can address.",
                bigVtable, "verify", "HY-ENC-011");
        byte[] misaligned = ok.clone();
        misaligned[rootVtable + Schema.Payload.REPLICAS.vtableEntry()] = 5; // the replicas field at an odd offset inside the table
        invalid("field_offset_misaligned", "The replica table's offset field lies at an odd position in its table.", misaligned, "verify",
                "HY-ENC-010");
        invalid("offset_field_straddles_its_table", "The Payload table's size is cut to 2 bytes past the start of its "
                        + "last offset field: every vtable entry is below the table size, as HY-ENC-011 asks, but the "
                        + "field's 4 bytes run 2 bytes past the end of its table.",
                offsetFieldStraddlingItsTable(ok, root, rootVtable), "verify", "HY-ENC-010", "HY-ENC-011");
        int replicasVector = indexOf(ok, concat(bytes(16, 0, 0, 0), Arrays.copyOf(A.toBytes(), 1)));
        invalid("vector_length_far_beyond_the_buffer", "The replica table declares 0x7fffffff bytes: refused before anything is allocated.",
                patchInt(ok, replicasVector, 0x7fffffff), "verify", "HY-ENC-013", "HY-DATA-042");

        RawPayload shared = new RawPayload();
        int opaqueTable = hyphae.v1.Opaque.createOpaque(shared.builder, hyphae.v1.Opaque.createDataVector(shared.builder, bytes(1, 2, 3)));
        int opaqueVector = hyphae.v1.Batch.createOpaqueVector(shared.builder, new int[] {opaqueTable, opaqueTable});
        int sharedBatch;
        {
            int dots = shared.builder.createByteVector(bytes(0, 1, 1));
            hyphae.v1.Batch.startBatch(shared.builder);
            hyphae.v1.Batch.addType(shared.builder, 0x4001);
            hyphae.v1.Batch.addCount(shared.builder, 1);
            hyphae.v1.Batch.addDots(shared.builder, dots);
            hyphae.v1.Batch.addOpaque(shared.builder, opaqueVector);
            sharedBatch = hyphae.v1.Batch.endBatch(shared.builder);
        }
        invalid("table_reached_twice", "Two opaque values point at one table: a way to make a reader decode one large object many times.",
                shared.finish(A.toBytes(), bytes(0, 1), null, sharedBatch), "verify", "HY-ENC-016", "HY-DATA-042");

        invalid("nesting_depth_bomb", "Seventeen nested maps around one register: deeper than MAX_NESTING_DEPTH.", nestedMaps(Limits.MAX_NESTING_DEPTH + 1),
                "verify", "HY-ENC-018", "HY-DATA-040");

        // Packed columns.
        invalid("varint_not_minimal", "A counter written as 0x81 0x00 instead of 0x01.",
                mvRegister(A.toBytes(), bytes(0, 1), null, bytes(0, 0x81, 0x00, 1), bytes(5, 1), bytes(0, 2, 'o', 'k')), "decode", "HY-ENC-019");
        invalid("varint_beyond_64_bits", "A counter whose tenth varint byte is 2: more than 64 bits, a counter that overflows.",
                mvRegister(A.toBytes(), bytes(0, 1), null, bytes(0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 1), bytes(5, 1),
                        bytes(0, 2, 'o', 'k')), "decode", "HY-ENC-019");
        invalid("varint_truncated", "The dots column ends inside a varint.",
                mvRegister(A.toBytes(), bytes(0, 1), null, bytes(0, 0x81), bytes(5, 1), bytes(0, 2, 'o', 'k')), "decode", "HY-ENC-019");
        invalid("trailing_bytes_in_a_column", "The dots column has a byte after its last run.",
                mvRegister(A.toBytes(), bytes(0, 1), null, bytes(0, 1, 1, 7), bytes(5, 1), bytes(0, 2, 'o', 'k')), "decode", "HY-ENC-024");
        invalid("string_suffix_past_the_column", "A front-coded string announces 9 bytes where 2 follow.",
                mvRegister(A.toBytes(), bytes(0, 1), null, bytes(0, 1, 1), bytes(5, 1), bytes(0, 9, 'o', 'k')), "decode", "HY-ENC-022");
        invalid("string_shared_prefix_longer_than_previous", "The first string claims to share 3 bytes with a previous string that is empty.",
                mvRegister(A.toBytes(), bytes(0, 1), null, bytes(0, 1, 1), bytes(5, 1), bytes(3, 2, 'o', 'k')), "decode", "HY-ENC-022");

        // Values.
        invalid("invalid_utf8_overlong", "The string C0 80, an overlong NUL.",
                mvRegister(A.toBytes(), bytes(0, 1), null, bytes(0, 1, 1), bytes(5, 1), bytes(0, 2, 0xc0, 0x80)), "decode", "HY-DATA-012", "HY-ENC-044");
        invalid("invalid_utf8_surrogate", "The string ED A0 80, an encoded surrogate.",
                mvRegister(A.toBytes(), bytes(0, 1), null, bytes(0, 1, 1), bytes(5, 1), bytes(0, 3, 0xed, 0xa0, 0x80)), "decode", "HY-DATA-012", "HY-ENC-044");
        invalid("invalid_utf8_above_10ffff", "The string F4 90 80 80, above U+10FFFF.",
                mvRegister(A.toBytes(), bytes(0, 1), null, bytes(0, 1, 1), bytes(5, 1), bytes(0, 4, 0xf4, 0x90, 0x80, 0x80)), "decode", "HY-DATA-012");
        invalid("invalid_utf8_truncated", "The string E2 82, a sequence cut short.",
                mvRegister(A.toBytes(), bytes(0, 1), null, bytes(0, 1, 1), bytes(5, 1), bytes(0, 2, 0xe2, 0x82)), "decode", "HY-DATA-012");
        invalid("value_kind_unknown", "A value of kind 7, which does not exist.",
                mvRegister(A.toBytes(), bytes(0, 1), null, bytes(0, 1, 1), bytes(7, 1), null), "decode", "HY-ENC-021");
        invalid("values_missing", "An MVRegister entry without a values column.", missingValues(), "decode", "HY-ENC-042");

        // Replica table and dots.
        invalid("replica_table_not_a_multiple_of_16", "A replica table of 15 bytes.",
                mvRegister(Arrays.copyOf(A.toBytes(), 15), bytes(0, 1), null, bytes(0, 1, 1), bytes(5, 1), bytes(0, 2, 'o', 'k')), "decode", "HY-ENC-025");
        invalid("replica_id_all_zero", "The reserved all-zero replica id in the replica table.",
                mvRegister(new byte[16], bytes(0, 1), null, bytes(0, 1, 1), bytes(5, 1), bytes(0, 2, 'o', 'k')), "decode", "HY-DATA-002", "HY-ENC-025");
        invalid("replica_id_twice", "One replica id twice in the replica table.",
                mvRegister(concat(A.toBytes(), A.toBytes()), bytes(0, 1), null, bytes(0, 1, 1), bytes(5, 1), bytes(0, 2, 'o', 'k')), "decode", "HY-ENC-025");
        invalid("replica_index_outside_the_table", "A dot names replica index 1 of a one-entry table.",
                mvRegister(A.toBytes(), bytes(0, 1), null, bytes(1, 1, 1), bytes(5, 1), bytes(0, 2, 'o', 'k')), "decode", "HY-ENC-026");
        // Session form: the case's "replicas" is the session replica table that the payload is read against.
        CausalState<ORMap> twoWriters = put(put(emptyMap(), Value.of("a"), CrdtType.EW_FLAG, (EWFlag f, CausalContext ctx) -> f.enable(ctx, A)),
                Value.of("b"), CrdtType.EW_FLAG, (EWFlag f, CausalContext ctx) -> f.enable(ctx, B));
        invalidSessionForm("session_form_index_past_the_table", "A payload in session form that names replica index 1, "
                        + "read against a session replica table of one entry.",
                Codec.encode(twoWriters, List.of(A, B)), List.of(A), "decode", "HY-ENC-056", "HY-ENC-026", "HY-SESS-070");

        // Key indexes: the case's "keys" is the session key table that key_indexes name entries of.
        List<Value> ab = List.of(Value.of("a"), Value.of("b"));
        invalidWithKeys("key_index_past_the_table", "A map whose entries name key indexes 0 and 1, read against a session "
                        + "key table of one key.",
                Codec.encode(twoWriters, new ExternalTables(List.of(A, B), ab)), List.of(A, B), ab.subList(0, 1), "decode",
                "HY-ENC-103", "HY-SESS-100");
        invalidWithKeys("key_indexes_type_ids_not_ascending", "Two entries of one map with the same key index 0, of types "
                        + "EWFlag (5) then GCounter (1): under one key index, type ids ascend. The column 00 00 00 is "
                        + "the items 0, 0, repeat-coded.",
                keyIndexed(null, bytes(0, 0, 0), true), List.of(A), ab, "decode", "HY-ENC-104", "HY-ENC-108");
        invalidWithKeys("key_indexes_in_a_self_contained_payload", "A payload with a replica table of its own whose map "
                        + "names its keys by index: it must carry them, whatever the session key table holds.",
                keyIndexed(A.toBytes(), bytes(0, 1), false), List.of(A), ab, "decode", "HY-ENC-100", "HY-SESS-099");
        invalid("key_indexes_outside_a_session", "A map that names its keys by index, read with no session key table, as a "
                        + "stored or forwarded payload is.",
                keyIndexed(A.toBytes(), bytes(0, 1), false), "decode", "HY-ENC-100");
        invalidWithKeys("key_indexes_and_values", "A map batch with both key_indexes and values.",
                keyIndexedWithValues(), List.of(A), ab, "decode", "HY-ENC-101");

        invalid("dot_counter_zero", "A dot with counter 0.",
                mvRegister(A.toBytes(), bytes(0, 1), null, bytes(0, 0, 1), bytes(5, 1), bytes(0, 2, 'o', 'k')), "decode", "HY-DATA-008", "HY-ENC-027");
        invalid("dot_run_past_the_last_counter", "A run of two dots from counter 2^64-1: the second would be 2^64.",
                mvRegister(bytes(2), A.toBytes(), bytes(0, 1), null, bytes(0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 2),
                        bytes(5, 2), bytes(0, 2, 'o', 'k', 2, 0)), "decode", "HY-ENC-027");
        invalid("dot_outside_the_context", "The store's dot (A,2) is not in the context {(A,1)}.",
                mvRegister(A.toBytes(), bytes(0, 1), null, bytes(0, 2, 1), bytes(5, 1), bytes(0, 2, 'o', 'k')), "decode", "HY-DATA-019");
        invalid("dot_twice_in_one_store", "An MVRegister with two entries for the dot (A,1).",
                mvRegister(bytes(2), A.toBytes(), bytes(0, 1), null, bytes(0, 1, 1, 0, 1, 1), bytes(5, 2), bytes(0, 2, 'o', 'k', 0, 1, 'x')),
                "decode", "HY-DATA-018");

        // Context.
        invalid("context_cloud_extends_the_vector", "The cloud holds (A,2) while the vector says A:1: (A,2) belongs in the vector.",
                mvRegister(A.toBytes(), bytes(0, 1), bytes(0, 2, 1), bytes(0, 1, 1), bytes(5, 1), bytes(0, 2, 'o', 'k')), "decode", "HY-DATA-010");
        invalid("context_vector_counter_zero", "A version vector entry of 0.",
                mvRegister(A.toBytes(), bytes(0, 0), null, bytes(0, 1, 1), bytes(5, 1), bytes(0, 2, 'o', 'k')), "decode", "HY-ENC-028");
        invalid("context_vector_out_of_order", "Version vector entries in descending order of replica id.",
                mvRegister(concat(A.toBytes(), B.toBytes()), bytes(1, 1, 0, 1), null, bytes(0, 1, 1), bytes(5, 1), bytes(0, 2, 'o', 'k')),
                "decode", "HY-ENC-028");
        invalid("context_cloud_runs_not_maximal", "Two cloud runs (A,5) and (A,6) that should be one.",
                mvRegister(A.toBytes(), bytes(0, 1), bytes(0, 5, 1, 0, 6, 1), bytes(0, 1, 1), bytes(5, 1), bytes(0, 2, 'o', 'k')), "decode",
                "HY-ENC-029");

        // Batches.
        invalid("crdt_type_zero", "A root batch of CRDT type id 0.", withType(0), "decode", "HY-VER-024", "HY-ENC-031");
        invalid("batch_count_wrong", "A root batch that announces two stores.", withCount(2), "decode", "HY-ENC-031");
        invalid("unused_column_present", "A GCounter batch with a timestamps column.", gcounterWithTimestamps(), "decode", "HY-ENC-033");
        invalid("map_key_of_kind_float", "An ORMap key of kind float64; keys are int64, string or bytes.", mapWithFloatKey(), "decode",
                "HY-DATA-016");
        invalid("map_key_twice", "One key with one type twice in an ORMap.", mapWithKeyTwice(), "decode", "HY-DATA-018");
        invalid("map_entry_type_zero", "An ORMap entry of CRDT type id 0.", mapWithEntryTypeZero(), "decode", "HY-DATA-039");
        moreInvalidPayloads(ok, root);
        dotsOnceAndEmptyBatches();
    }

    private void moreInvalidPayloads(byte[] ok, int root) {
        // The root batch's vtable: make the entry of `type` point at the last byte of the table.
        int fields = root - readInt(ok, root);
        int rootEntry = fields + Schema.Payload.ROOT.vtableEntry();
        int rootField = root + (ok[rootEntry] & 0xff | (ok[rootEntry + 1] & 0xff) << 8);
        int batch = rootField + readInt(ok, rootField);
        int batchVtable = batch - readInt(ok, batch);
        int tableSize = ok[batchVtable + 2] & 0xff | (ok[batchVtable + 3] & 0xff) << 8;
        byte[] scalar = ok.clone();
        int typeEntry = batchVtable + Schema.Batch.TYPE.vtableEntry();
        scalar[typeEntry] = (byte) (tableSize - 1);
        scalar[typeEntry + 1] = (byte) ((tableSize - 1) >> 8);
        invalid("scalar_field_outside_its_table", "The root batch's type field is placed at the last byte of its table: it would end past it.",
                scalar, "verify", "HY-ENC-012");

        RawPayload noRoot = new RawPayload();
        invalid("payload_without_root", "A Payload table without its root field.", noRoot.finish(A.toBytes(), bytes(0, 1), null, 0), "verify",
                "HY-ENC-015");

        RawPayload tooMany = new RawPayload();
        RawPayload.Columns c = new RawPayload.Columns();
        c.type = CrdtType.EW_FLAG.id();
        c.sizes = bytes(0x81, 0x80, 0x10); // 262145 entries
        invalid("entries_beyond_max_elements", "A store announcing 262145 entries, one more than MAX_ELEMENTS: refused before any is read.",
                tooMany.finish(A.toBytes(), bytes(0, 1), null, tooMany.batch(c)), "decode", "HY-ENC-032", "HY-ENC-046", "HY-DATA-042");

        invalid("nested_store_empty", "An ORMap entry whose EWFlag has no dot: a map never holds an empty store.",
                map(bytes(5, 1), null, bytes(0, 1, 'k'), bytes(CrdtType.EW_FLAG.id(), 1), 1, 0, bytes(0)), "decode", "HY-ENC-032", "HY-DATA-018");

        RawPayload set = new RawPayload();
        RawPayload.Columns sc = new RawPayload.Columns();
        sc.type = CrdtType.AW_SET.id();
        sc.values = set.values(bytes(5, 1), null, null, bytes(0, 1, 'x'));
        sc.dotCounts = bytes(0);
        invalid("awset_element_without_dots", "An AWSet element with a dot count of 0.",
                set.finish(A.toBytes(), bytes(0, 1), null, set.batch(sc)), "decode", "HY-ENC-036");

        invalid("type_run_of_length_zero", "An ORMap types column with a run of length 0.",
                map(bytes(5, 1), null, bytes(0, 1, 'k'), bytes(CrdtType.EW_FLAG.id(), 0, CrdtType.EW_FLAG.id(), 1), 1, 0, null), "decode",
                "HY-ENC-037");
        RawPayload fewer = new RawPayload();
        RawPayload.Columns flag = new RawPayload.Columns();
        flag.type = CrdtType.EW_FLAG.id();
        flag.dots = bytes(0, 1, 1);
        int onlyChild = fewer.batch(flag);
        RawPayload.Columns twoTypes = new RawPayload.Columns();
        twoTypes.type = CrdtType.OR_MAP.id();
        twoTypes.sizes = bytes(2);
        twoTypes.values = fewer.values(bytes(5, 2), null, null, bytes(0, 1, 'a', 0, 1, 'b'));
        twoTypes.types = bytes(CrdtType.EW_FLAG.id(), 1, CrdtType.GCOUNTER.id(), 1);
        twoTypes.children = new int[] {onlyChild};
        invalid("children_fewer_than_types", "Two entries of two types, but one child batch.",
                fewer.finish(A.toBytes(), bytes(0, 2), null, fewer.batch(twoTypes)), "decode", "HY-ENC-038");
        invalid("child_batch_of_another_type", "The entry's type is EWFlag, its child batch says GCounter.",
                map(bytes(5, 1), null, bytes(0, 1, 'k'), bytes(CrdtType.EW_FLAG.id(), 1), 1, CrdtType.GCOUNTER.id(), null), "decode",
                "HY-ENC-038");

        RawPayload unknown = new RawPayload();
        RawPayload.Columns uc = new RawPayload.Columns();
        uc.type = 0x4001;
        uc.dots = bytes(0, 1, 1);
        uc.opaque = new byte[][] {bytes(1), bytes(2)};
        invalid("opaque_values_more_than_stores", "A batch of an unknown type with one store and two opaque values.",
                unknown.finish(A.toBytes(), bytes(0, 1), null, unknown.batch(uc)), "decode", "HY-ENC-039");

        invalid("kind_run_of_length_zero", "A kinds column with a run of length 0.",
                mvRegister(A.toBytes(), bytes(0, 1), null, bytes(0, 1, 1), bytes(5, 0, 5, 1), bytes(0, 2, 'o', 'k')), "decode", "HY-ENC-043");

        invalid("more_floats_than_float_values", "One value of kind float64, and float_planes of 16 bytes: the planes of two.",
                floatRegister(RawPayload.floatPlanes(1.0, 2.0), null), "decode", "HY-ENC-043", "HY-ENC-086");
        invalid("float_planes_shorter_than_its_values", "One value of kind float64, and float_planes of 7 bytes: its last "
                        + "plane is missing.",
                floatRegister(Arrays.copyOf(RawPayload.floatPlanes(1.0), 7), null), "decode", "HY-ENC-043", "HY-ENC-086");
        invalid("retired_floats_column", "A payload of an earlier draft: its float64 value in the retired field floats "
                        + "(id 2), which a decoder does not read, and no float_planes; refused as a float64 value without "
                        + "its eight bytes.",
                floatRegister(null, new double[] {21.5}), "decode", "HY-ENC-043", "HY-ENC-088");

        // Repeat coding, in the timestamps of three LWWRegister entries whose differences are all 1 (zigzag 2),
        // which the encoder writes 02 02 01.
        invalid("repeat_run_not_maximal", "The timestamps 02 02 00 02: a run of two, and then the same value again "
                        + "after its Count, where one run of three (02 02 01) is the only form.",
                lwwRegisterOfThree(bytes(2, 2, 0, 2)), "decode", "HY-ENC-083", "HY-ENC-085");
        invalid("repeat_count_past_the_column", "The timestamps 02 02 05 of three entries: a Count of 5 where one value is "
                        + "left.",
                lwwRegisterOfThree(bytes(2, 2, 5)), "decode", "HY-ENC-082", "HY-ENC-085");
        invalid("repeat_count_missing", "The timestamps 02 02 of three entries: the second item repeats the first, so a "
                        + "Count follows it, and the column ends where the Count should be.",
                lwwRegisterOfThree(bytes(2, 2)), "decode", "HY-ENC-081", "HY-ENC-019");

        RawPayload emptyWithValues = new RawPayload();
        RawPayload.Columns ec = new RawPayload.Columns();
        ec.type = CrdtType.MV_REGISTER.id();
        ec.sizes = bytes(0);
        ec.values = emptyWithValues.values(bytes(5, 1), null, null, bytes(0, 2, 'o', 'k'));
        invalid("values_without_entries", "An empty MVRegister with a values column.",
                emptyWithValues.finish(A.toBytes(), null, null, emptyWithValues.batch(ec)), "decode", "HY-ENC-042");

        invalid("string_longer_than_its_limit", "A string that announces 65536 bytes, one more than MAX_STRING_LENGTH: "
                        + "refused from its length alone.",
                mvRegister(A.toBytes(), bytes(0, 1), null, bytes(0, 1, 1), bytes(5, 1), bytes(0, 0x80, 0x80, 0x04)), "decode",
                "HY-ENC-022", "HY-DATA-040");
        invalid("cloud_beyond_max_cloud_dots", "A cloud run of 65537 dots, one more than MAX_CLOUD_DOTS: refused before any is listed.",
                mvRegister(A.toBytes(), bytes(0, 1), bytes(0, 3, 0x81, 0x80, 0x04), bytes(0, 1, 1), bytes(5, 1), bytes(0, 2, 'o', 'k')),
                "decode", "HY-ENC-029", "HY-DATA-040", "HY-DATA-042");

        // 257 strings of 65535 bytes, each sharing the whole previous one: 66 KB that would decode to over 16 MiB.
        int n = 257;
        java.io.ByteArrayOutputStream strings = new java.io.ByteArrayOutputStream();
        strings.writeBytes(bytes(0, 0xff, 0xff, 0x03));
        strings.writeBytes("s".repeat(Limits.MAX_STRING_LENGTH).getBytes(StandardCharsets.UTF_8));
        for (int i = 1; i < n; i++) {
            strings.writeBytes(bytes(0xff, 0xff, 0x03, 0));
        }
        RawPayload amplified = new RawPayload();
        RawPayload.Columns ac = new RawPayload.Columns();
        ac.type = CrdtType.MV_REGISTER.id();
        ac.sizes = bytes(0x81, 0x02); // 257
        ac.dots = bytes(0, 1, 0x81, 0x02);
        ac.values = amplified.values(bytes(5, 0x81, 0x02), null, null, strings.toByteArray());
        invalid("front_coding_amplification", "257 front-coded strings, each repeating the previous 65535 bytes: over MAX_DECODED_BYTES.",
                amplified.finish(A.toBytes(), bytes(0, 0x81, 0x02), null, amplified.batch(ac)), "decode", "HY-ENC-045");
    }

    /**
     * {@code ok} with the table size of its root {@code Payload} table set to the vtable entry of its last field plus 2,
     * so that that field, a uoffset, starts inside its table and ends 2 bytes past it.
     */
    private static byte[] offsetFieldStraddlingItsTable(byte[] ok, int root, int rootVtable) {
        int vtableSize = ok[rootVtable] & 0xff | (ok[rootVtable + 1] & 0xff) << 8;
        int last = 0;
        for (int entry = 4; entry < vtableSize; entry += 2) {
            last = Math.max(last, ok[rootVtable + entry] & 0xff | (ok[rootVtable + entry + 1] & 0xff) << 8);
        }
        byte[] cut = ok.clone();
        cut[rootVtable + 2] = (byte) (last + 2);
        cut[rootVtable + 3] = (byte) ((last + 2) >> 8);
        return cut;
    }

    /** The cases of HY-DATA-055 (one dot in two places of one store) and HY-ENC-120 (an empty batch with an empty column). */
    private void dotsOnceAndEmptyBatches() {
        RawPayload set = new RawPayload();
        RawPayload.Columns sc = new RawPayload.Columns();
        sc.type = CrdtType.AW_SET.id();
        sc.sizes = bytes(2);
        sc.values = set.values(bytes(5, 2), null, null, bytes(0, 1, 'x', 0, 1, 'y'));
        sc.dots = bytes(0, 1, 1, 0, 1, 1);
        invalid("dot_under_two_set_elements", "An AWSet whose elements x and y each hold the dot (A,1): one write in two "
                        + "places, which each element alone does not show.",
                set.finish(A.toBytes(), bytes(0, 1), null, set.batch(sc)), "decode", "HY-DATA-055", "HY-DATA-018");

        RawPayload map = new RawPayload();
        RawPayload.Columns flags = new RawPayload.Columns();
        flags.type = CrdtType.EW_FLAG.id();
        flags.count = 2;
        flags.dots = bytes(0, 1, 1, 0, 1, 1);
        int child = map.batch(flags);
        RawPayload.Columns mc = new RawPayload.Columns();
        mc.type = CrdtType.OR_MAP.id();
        mc.sizes = bytes(2);
        mc.values = map.values(bytes(5, 2), null, null, bytes(0, 1, 'a', 0, 1, 'b'));
        mc.types = bytes(CrdtType.EW_FLAG.id(), 2);
        mc.children = new int[] {child};
        invalid("dot_under_two_map_keys", "An ORMap whose keys a and b each hold an EWFlag with the dot (A,1): each "
                        + "store is valid, the map is not.",
                map.finish(A.toBytes(), bytes(0, 1), null, map.batch(mc)), "decode", "HY-DATA-055");

        invalid("empty_map_with_empty_types_column", "The empty ORMap, its root batch with a present types column "
                        + "that holds no bytes.",
                emptyRootWith(CrdtType.OR_MAP.id(), c -> c.types = new byte[0]), "decode", "HY-ENC-120");
        invalid("empty_counter_with_empty_dots_column", "The empty GCounter, its root batch with present dots and counts "
                        + "columns that hold no bytes.",
                emptyRootWith(CrdtType.GCOUNTER.id(), c -> {
                    c.dots = new byte[0];
                    c.counts = new byte[0];
                }), "decode", "HY-ENC-120");
        invalid("empty_set_with_empty_dot_counts_column", "The empty AWSet, its root batch with a present dot_counts "
                        + "column that holds no bytes.",
                emptyRootWith(CrdtType.AW_SET.id(), c -> c.dotCounts = new byte[0]), "decode", "HY-ENC-120");
        invalid("empty_unknown_type_with_empty_dots_column", "The empty store of the unknown type 0x4001, with its one "
                        + "Opaque, and a present dots column that holds no bytes.",
                emptyRootWith(0x4001, c -> {
                    c.dots = new byte[0];
                    c.opaque = new byte[][] {new byte[0]};
                }), "decode", "HY-ENC-120");
    }

    /** A payload of the empty store of {@code type} (sizes 0, no context), with what {@code columns} adds. */
    private static byte[] emptyRootWith(int type, java.util.function.Consumer<RawPayload.Columns> columns) {
        RawPayload p = new RawPayload();
        RawPayload.Columns c = new RawPayload.Columns();
        c.type = type;
        c.sizes = bytes(0);
        columns.accept(c);
        return p.finish(null, null, null, p.batch(c));
    }

    private void invalid(String id, String description, byte[] input, String phase, String... requirements) {
        invalidSessionForm(id, description, input, null, phase, requirements);
    }

    /**
     * A map of two EWFlag entries of replica {@code replicas} (the payload's own table; null in session form), whose
     * keys are named by {@code keyIndexes}; or, if {@code twoTypes}, an EWFlag then a GCounter entry.
     */
    private static byte[] keyIndexed(byte[] replicas, byte[] keyIndexes, boolean twoTypes) {
        RawPayload p = new RawPayload();
        int[] children;
        if (twoTypes) {
            RawPayload.Columns flag = new RawPayload.Columns();
            flag.type = 5;
            flag.dots = bytes(0, 1, 1);
            RawPayload.Columns counter = new RawPayload.Columns();
            counter.type = 1;
            counter.dots = bytes(0, 2, 1);
            counter.counts = bytes(3);
            children = new int[] {p.batch(flag), p.batch(counter)};
        } else {
            RawPayload.Columns flags = new RawPayload.Columns();
            flags.type = 5;
            flags.count = 2;
            flags.dots = bytes(0, 1, 2);
            children = new int[] {p.batch(flags)};
        }
        RawPayload.Columns map = new RawPayload.Columns();
        map.type = 7;
        map.sizes = bytes(2);
        map.keyIndexes = keyIndexes;
        map.types = twoTypes ? bytes(5, 1, 1, 1) : bytes(5, 2);
        map.children = children;
        return p.finish(replicas, bytes(0, 2), null, p.batch(map));
    }

    /** {@link #keyIndexed} in session form, with the keys in values as well. */
    private static byte[] keyIndexedWithValues() {
        RawPayload p = new RawPayload();
        RawPayload.Columns flags = new RawPayload.Columns();
        flags.type = 5;
        flags.count = 2;
        flags.dots = bytes(0, 1, 2);
        int child = p.batch(flags);
        RawPayload.Columns map = new RawPayload.Columns();
        map.type = 7;
        map.sizes = bytes(2);
        map.values = p.values(bytes(5, 2), null, null, bytes(0, 1, 'a', 0, 1, 'b'));
        map.keyIndexes = bytes(0, 1);
        map.types = bytes(5, 2);
        map.children = new int[] {child};
        return p.finish(null, bytes(0, 2), null, p.batch(map));
    }

    /** An invalid case read against both session tables, which it gives as its {@code replicas} and {@code keys}. */
    private void invalidWithKeys(String id, String description, byte[] input, List<ReplicaId> table, List<Value> keys,
                                 String phase, String... requirements) {
        try {
            Codec.decode(input, new ExternalTables(table, keys));
            throw new IllegalStateException("invalid case " + id + " was accepted");
        } catch (ProtocolException e) {
            if (e.code() != ErrorCode.MALFORMED_DELTA || !e.phase().equals(Optional.of(ProtocolException.Phase.of(phase)))) {
                throw new IllegalStateException("invalid case " + id + " was refused otherwise than stated: " + e.getMessage());
            }
        }
        Map<String, Object> v = out.header("payload", id, "invalid", description, List.of(requirements));
        v.put("input", HEX.formatHex(input));
        v.put("replicas", table.stream().map(ReplicaId::toHex).toList());
        v.put("keys", keys.stream().map(JsonView::value).toList());
        v.put("error", Map.of("code", ErrorCode.MALFORMED_DELTA.value(), "name", ErrorCode.MALFORMED_DELTA.name()));
        v.put("phase", phase);
        out.write("payload", "invalid", id, v);
    }

    /** An invalid case read against {@code table}, which the case gives as its {@code replicas}; null: none. */
    private void invalidSessionForm(String id, String description, byte[] input, List<ReplicaId> table, String phase,
                                    String... requirements) {
        try {
            Codec.decode(input, table);
            throw new IllegalStateException("invalid case " + id + " was accepted");
        } catch (ProtocolException e) {
            if (e.code() != ErrorCode.MALFORMED_DELTA || !e.phase().equals(Optional.of(ProtocolException.Phase.of(phase)))) {
                throw new IllegalStateException("invalid case " + id + " was refused otherwise than stated: " + e.getMessage());
            }
        }
        Map<String, Object> v = out.header("payload", id, "invalid", description, List.of(requirements));
        v.put("input", HEX.formatHex(input));
        if (table != null) {
            v.put("replicas", table.stream().map(ReplicaId::toHex).toList());
        }
        v.put("error", Map.of("code", ErrorCode.MALFORMED_DELTA.value(), "name", ErrorCode.MALFORMED_DELTA.name()));
        v.put("phase", phase);
        out.write("payload", "invalid", id, v);
    }
}
