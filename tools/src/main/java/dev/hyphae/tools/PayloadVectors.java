package dev.hyphae.tools;

import dev.hyphae.ProtocolException;
import dev.hyphae.codec.Codec;
import dev.hyphae.codec.ExternalTables;
import dev.hyphae.codec.JsonView;
import dev.hyphae.crdt.AWSet;
import dev.hyphae.crdt.CausalState;
import dev.hyphae.crdt.Crdt;
import dev.hyphae.crdt.CrdtType;
import dev.hyphae.crdt.EWFlag;
import dev.hyphae.crdt.EntryKey;
import dev.hyphae.crdt.GCounter;
import dev.hyphae.crdt.LWWRegister;
import dev.hyphae.crdt.MVRegister;
import dev.hyphae.crdt.ORMap;
import dev.hyphae.crdt.PNCounter;
import dev.hyphae.crdt.UnknownCrdt;
import dev.hyphae.data.CausalContext;
import dev.hyphae.data.Dot;
import dev.hyphae.data.ReplicaId;
import dev.hyphae.data.Value;

import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import static dev.hyphae.tools.VectorStates.*;
import static dev.hyphae.tools.RawPayload.bytes;

/**
 * The valid vectors of the area {@code payload}: one or more of each CRDT type and of each value kind, and the
 * corners of the encoding. Each is checked, as it is written, to decode to the state it stands for.
 */
final class PayloadVectors {

    private static final HexFormat HEX = HexFormat.of();

    private final VectorWriter out;
    private final Map<String, byte[]> payloads = new LinkedHashMap<>();
    private final Map<String, String> descriptions = new LinkedHashMap<>();

    PayloadVectors(VectorWriter out) {
        this.out = out;
    }

    /** The encoding of each valid vector that the reference encoder wrote, by id. */
    Map<String, byte[]> payloads() {
        return payloads;
    }

    /** The description of each valid vector that the reference encoder wrote, by id. */
    Map<String, String> descriptions() {
        return descriptions;
    }

    /** Writes the vectors of this area. */
    void write() throws ProtocolException {
        for (CrdtType type : CrdtType.values()) {
            valid("empty_" + type.specName().toLowerCase(), "The empty state of a " + type.specName() + ": no entry, an empty context.",
                    start(type.empty()), "HY-ENC-032", "HY-DATA-009");
        }

        CausalState<GCounter> g = start(GCounter.EMPTY);
        g = g.join(g.store().increment(g.context(), A, 10));
        g = g.join(g.store().increment(g.context(), B, 4));
        valid("gcounter_two_replicas", "A GCounter with entries of two replicas, 10 and 4: value 14.", g, "HY-DATA-025", "HY-DATA-026");

        CausalState<GCounter> big = start(GCounter.EMPTY);
        big = big.join(big.store().increment(big.context(), A, -1L));
        big = big.join(big.store().increment(big.context(), B, -1L));
        valid("gcounter_value_beyond_64_bits", "Two counts of 2^64-1: the value, 2^65-2, needs more than 64 bits.", big, "HY-DATA-026");

        CausalState<PNCounter> p = start(PNCounter.EMPTY);
        p = p.join(p.store().increment(p.context(), A, 3));
        p = p.join(p.store().decrement(p.context(), A, 5));
        p = p.join(p.store().decrement(p.context(), B, 1));
        valid("pncounter_negative_value", "A PNCounter whose decrements exceed its increments: value -3.", p, "HY-DATA-028");

        CausalState<LWWRegister> l = start(LWWRegister.EMPTY);
        l = l.join(l.store().write(l.context(), A, Value.of(21.5), T0));
        valid("lwwregister_float", "An LWWRegister holding the float64 21.5.", l, "HY-DATA-032", "HY-DATA-011");

        CausalState<LWWRegister> base = start(LWWRegister.EMPTY);
        CausalState<LWWRegister> concurrent = base.join(base.store().write(base.context(), A, Value.of("from A"), T0))
                .join(base.store().write(base.context(), B, Value.of("from B"), T0));
        valid("lwwregister_concurrent_writes", "Two concurrent writes with equal timestamps stay as entries; the winner is B's, "
                + "whose replica id is greater unsigned.", concurrent, "HY-DATA-032", "HY-CONV-002");

        CausalState<MVRegister> mv = start(MVRegister.EMPTY);
        mv = mv.join(mv.store().write(CausalContext.EMPTY, A, Value.of("1.4.2"))).join(mv.store().write(CausalContext.EMPTY, B, Value.of("1.4.1")));
        valid("mvregister_siblings", "Two concurrent writes of an MVRegister: both values are its value.", mv, "HY-DATA-033");

        CausalState<EWFlag> f = start(EWFlag.EMPTY);
        f = f.join(f.store().enable(f.context(), A));
        valid("ewflag_enabled", "An enabled EWFlag: one dot.", f, "HY-DATA-021");

        CausalState<AWSet> s = start(AWSet.EMPTY);
        for (Value e : List.of(Value.ofNull(), Value.of(true), Value.of(-7L), Value.of(2.5), Value.of("x"), Value.of(new byte[] {1, 2}))) {
            s = s.join(s.store().add(s.context(), A, e));
        }
        valid("awset_every_value_kind", "An AWSet with one element of each value kind, in value order.", s, "HY-DATA-034", "HY-DATA-015");

        CausalState<AWSet> floats = start(AWSet.EMPTY);
        for (double d : new double[] {0.0, -0.0, Double.NaN, Double.longBitsToDouble(0x7ff8000000000001L), Double.NEGATIVE_INFINITY}) {
            floats = floats.join(floats.store().add(floats.context(), A, Value.of(d)));
        }
        valid("awset_float_corners", "0.0 and -0.0 are different elements, and so are two NaNs with different payloads.",
                floats, "HY-DATA-011", "HY-DATA-014", "HY-DATA-015");

        CausalState<AWSet> strings = start(AWSet.EMPTY);
        for (String text : List.of("\u00e9", "e\u0301", "\uffff", "\ud83c\udf44", "")) {
            strings = strings.join(strings.store().add(strings.context(), A, Value.of(text)));
        }
        valid("awset_strings_not_normalised", "Precomposed and decomposed forms are different elements; strings order by UTF-8 bytes.",
                strings, "HY-DATA-013", "HY-DATA-015", "HY-DATA-012");

        CausalState<AWSet> ints = start(AWSet.EMPTY);
        for (long n : new long[] {Long.MIN_VALUE, -1, 0, Long.MAX_VALUE}) {
            ints = ints.join(ints.store().add(ints.context(), A, Value.of(n)));
        }
        valid("awset_int64_extremes", "int64 elements at both ends of the range, zigzag-encoded.", ints, "HY-DATA-015", "HY-ENC-019");

        CausalState<ORMap> m = emptyMap();
        m = put(m, Value.of("kwh"), CrdtType.GCOUNTER, (GCounter c, CausalContext ctx) -> c.increment(ctx, A, 5));
        m = put(m, Value.of("firmware"), CrdtType.MV_REGISTER, (MVRegister r, CausalContext ctx) -> r.write(ctx, A, Value.of("1.4.2")));
        m = put(m, Value.of("config"), CrdtType.OR_MAP, (ORMap inner, CausalContext ctx) -> inner.update(Value.of("rate"),
                CrdtType.LWW_REGISTER, (LWWRegister r) -> r.write(ctx, B, Value.of(10L), T0)));
        valid("ormap_nested", "An ORMap with a counter, a register and a nested map.", m, "HY-DATA-035", "HY-ENC-038");

        CausalState<ORMap> twoTypes = emptyMap();
        CausalState<ORMap> base2 = twoTypes;
        twoTypes = twoTypes.join(putDelta(base2, Value.of("x"), CrdtType.GCOUNTER, (c, ctx) -> general(((GCounter) c).increment(ctx, A, 1))))
                .join(putDelta(base2, Value.of("x"), CrdtType.EW_FLAG, (c, ctx) -> general(((EWFlag) c).enable(ctx, B))));
        valid("ormap_two_types_under_one_key", "Concurrent puts of a GCounter and an EWFlag under one key make two entries.",
                twoTypes, "HY-DATA-035");

        CausalState<ORMap> keys = emptyMap();
        for (Value k : List.of(Value.of(-1L), Value.of(7L), Value.of("k"), Value.of(new byte[] {(byte) 0x80}))) {
            keys = put(keys, k, CrdtType.EW_FLAG, (EWFlag fl, CausalContext ctx) -> fl.enable(ctx, A));
        }
        valid("ormap_key_kinds", "Map keys of the three key kinds, int64, string and bytes, in value order.", keys, "HY-DATA-016", "HY-DATA-015");

        CausalState<ORMap> sensors = emptyMap();
        long t = T0;
        for (int i = 0; i < 10; i++) {
            long ts = ++t;
            double reading = 20 + i * 0.37;
            sensors = put(sensors, Value.of("sensor-" + i), CrdtType.LWW_REGISTER,
                    (LWWRegister r, CausalContext ctx) -> r.write(ctx, A, Value.of(reading), ts));
        }
        valid("ormap_ten_sensors", "Ten LWW float registers in one map: keys front-coded, one dot run, timestamps as differences.",
                sensors, "HY-ENC-022", "HY-ENC-027", "HY-ENC-034");

        CausalState<ORMap> runs = emptyMap();
        for (long[] write : new long[][] {{'a', 0}, {'b', 5}, {'c', 10}, {'d', 15}, {'e', 16}, {'f', 17}, {'g', 24}, {'h', 31}}) {
            long ts = T0 + write[1];
            runs = put(runs, Value.of(Character.toString((int) write[0])), CrdtType.LWW_REGISTER,
                    (LWWRegister r, CausalContext ctx) -> r.write(ctx, A, Value.of(write[1]), ts));
        }
        valid("ormap_timestamps_in_runs", "Eight registers whose timestamp differences are T0, 5, 5, 5, 1, 1, 7, 7: the "
                        + "repeat-coded timestamps column holds a run of three and two runs of two.",
                runs, "HY-ENC-081", "HY-ENC-085", "HY-ENC-034");

        CausalState<ORMap> planes = emptyMap();
        double[] corners = {1.0, -0.0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
                Double.longBitsToDouble(0x7ff0000000000001L), Double.longBitsToDouble(0xfff8000000000abcL), Double.MIN_VALUE};
        for (int i = 0; i < corners.length; i++) {
            double reading = corners[i];
            planes = put(planes, Value.of("f" + i), CrdtType.LWW_REGISTER,
                    (LWWRegister r, CausalContext ctx) -> r.write(ctx, A, Value.of(reading), T0));
        }
        valid("ormap_float_planes", "Seven float64 registers, 1.0, -0.0, both infinities, a signalling NaN, a negative NaN "
                        + "with a payload and the least subnormal, in byte planes: bit for bit.",
                planes, "HY-ENC-086", "HY-DATA-011");

        CausalContext gaps = CausalContext.of(List.of(new Dot(A, 1), new Dot(A, 2), new Dot(A, 5), new Dot(A, 6), new Dot(B, 3), new Dot(C, 1)));
        valid("context_with_cloud", "A context whose dots do not all follow on: version vector A:2, C:1; cloud (A,5..6) and (B,3).",
                new CausalState<>(ORMap.EMPTY, gaps), "HY-DATA-009", "HY-ENC-028", "HY-ENC-029");

        // The context that a difference (HY-SYNC-073) yields when sent to a neighbour that has seen (A,1) to (A,5), from a
        // state that has seen them too and still holds only the entry of (A,3): (A,3) is left out, which splits A's entry
        // of the version vector, and the encoding writes it as any context, A:2 and the cloud (A,4), (A,5). The vector
        // decodes that context; it cannot check how a peer computes a difference, so it cites what it exercises.
        CausalContext split = CausalContext.of(List.of(new Dot(A, 1), new Dot(A, 2), new Dot(A, 4), new Dot(A, 5)));
        valid("difference_context_split_around_a_held_dot", "The context of a difference from a state that has seen (A,1) to "
                        + "(A,5) and holds only the entry of (A,3), sent to a neighbour whose summary is A:5: (A,3) is taken out, "
                        + "so the version vector covers A up to 2 and the cloud holds (A,4) and (A,5).",
                new CausalState<>(ORMap.EMPTY, split), "HY-DATA-009", "HY-ENC-028", "HY-ENC-029");

        CausalContext high = CausalContext.of(List.of(new Dot(A, Long.MIN_VALUE), new Dot(A, Long.MIN_VALUE + 1), new Dot(B, -1L)));
        valid("context_counters_beyond_2_63", "Counters of 2^63 and up, compared and encoded unsigned.",
                new CausalState<>(ORMap.EMPTY, high), "HY-CONV-002", "HY-ENC-029");

        CausalState<ORMap> withUnknown = emptyMap();
        withUnknown = put(withUnknown, Value.of("known"), CrdtType.EW_FLAG, (EWFlag fl, CausalContext ctx) -> fl.enable(ctx, A));
        Dot future = withUnknown.context().nextDot(B);
        TreeMap<EntryKey, Crdt> entries = new TreeMap<>(withUnknown.store().entries());
        entries.put(new EntryKey(Value.of("future"), 0x4001), UnknownCrdt.of(0x4001, new TreeSet<>(List.of(future)), bytes(0xde, 0xad, 0xbe, 0xef)));
        valid("unknown_type_in_map", "An ORMap entry of type 0x4001, which version 1 does not define: kept as an opaque version, "
                        + "its data byte for byte.",
                new CausalState<>(ORMap.of(entries), withUnknown.context().with(List.of(future))),
                "HY-VER-020", "HY-DATA-037", "HY-ENC-052");

        // A valid payload the reference encoder would never write: runs out of order, and split where they could
        // have been one. A decoder accepts it (HY-ENC-041); its view is the same as for the encoder's form.
        RawPayload unordered = new RawPayload();
        RawPayload.Columns uc = new RawPayload.Columns();
        uc.type = CrdtType.EW_FLAG.id();
        uc.sizes = bytes(3);
        uc.dots = bytes(0, 3, 1, 0, 1, 1, 0, 2, 1);
        byte[] unorderedBytes = unordered.finish(A.toBytes(), bytes(0, 3), null, unordered.batch(uc));
        validRaw("entries_in_any_order", "An EWFlag whose dots are listed 3, 1, 2, as three runs: any order and any split "
                        + "of runs is valid, and decodes to the same state as the encoder's single run.",
                unorderedBytes, new CausalState<>(EWFlag.of(new TreeSet<>(List.of(new Dot(A, 1), new Dot(A, 2), new Dot(A, 3)))),
                        CausalContext.of(List.of(new Dot(A, 1), new Dot(A, 2), new Dot(A, 3)))), "HY-ENC-041");

        // A payload with the retired field floats (id 2) present: a decoder leaves it alone (HY-ENC-088).
        RawPayload retired = new RawPayload();
        RawPayload.Columns rc = new RawPayload.Columns();
        rc.type = CrdtType.MV_REGISTER.id();
        rc.dots = bytes(0, 1, 1);
        rc.values = retired.values(bytes(5, 1), null, null, bytes(0, 2, 'o', 'k'), new double[] {21.5});
        Dot okDot = new Dot(A, 1);
        validRaw("retired_floats_column_ignored", "An MVRegister holding \"ok\", whose Values table also holds the retired "
                        + "field floats (id 2): a decoder neither verifies nor reads it.",
                retired.finish(A.toBytes(), bytes(0, 1), null, retired.batch(rc)),
                new CausalState<>(MVRegister.of(new TreeMap<>(Map.of(okDot, Value.of("ok")))), CausalContext.of(List.of(okDot))),
                "HY-ENC-088", "HY-VER-016");

        // Session form (HY-ENC-055): no replica table of its own; the case's "replicas" is the session's table.
        CausalState<ORMap> oneWrite = put(emptyMap(), Value.of("sensor-7"), CrdtType.LWW_REGISTER,
                (LWWRegister r, CausalContext ctx) -> r.write(ctx, A, Value.of(21.5), 1_700_000_000_000L));
        validSessionForm("session_form_one_write", "One register write in a map, in session form: the payload has no replica "
                        + "table, and names replica A by its index 0 in the session's table.",
                oneWrite, List.of(A), "HY-ENC-055", "HY-ENC-059", "HY-SESS-069");
        CausalState<ORMap> twoWriters = put(oneWrite, Value.of("sensor-8"), CrdtType.LWW_REGISTER,
                (LWWRegister r, CausalContext ctx) -> r.write(ctx, B, Value.of(-3.25), 1_700_000_000_005L));
        validSessionForm("session_form_table_with_more_ids_in_another_order", "Writes of replicas A and B, in session form "
                        + "against a table C, B, A: it holds an id that the payload does not name, and is not in id order.",
                twoWriters, List.of(C, B, A), "HY-ENC-055", "HY-ENC-057", "HY-ENC-059");

        // Key indexes (HY-ENC-102): the case's "keys" is the session key table, here in the order of first write.
        CausalState<ORMap> sensors4 = emptyMap();
        for (int i : new int[] {2, 10, 1, 0}) {
            long at = 1_700_000_000_000L + i;
            sensors4 = put(sensors4, Value.of("sensor-" + i), CrdtType.LWW_REGISTER,
                    (LWWRegister r, CausalContext ctx) -> r.write(ctx, A, Value.of(20.0 + at % 7), at));
        }
        List<Value> firstWrite = List.of(Value.of("sensor-2"), Value.of("sensor-10"), Value.of("sensor-1"), Value.of("sensor-0"));
        validSessionForm("session_form_keys_by_index", "Four register writes, to sensor-2, sensor-10, sensor-1 and sensor-0 in "
                        + "that order, in session form against a key table in the order of first write: key_indexes 0, 1, 1, 1, "
                        + "repeat-coded as 00 01 01 01, the entries in that order, not in key order, and their dots in one run.",
                sensors4, List.of(A), firstWrite, "HY-ENC-102", "HY-ENC-108", "HY-SESS-099");
        CausalState<ORMap> nested = put(emptyMap(), Value.of("room"), CrdtType.OR_MAP,
                (ORMap inner, CausalContext ctx) -> inner.update(Value.of(7L), CrdtType.EW_FLAG, (EWFlag flag) -> flag.enable(ctx, A)));
        validSessionForm("session_form_key_table_lacks_some_keys", "A map in a map, against a key table that holds the outer "
                        + "key and not the inner one, and a key the payload does not name: the outer batch names its key by "
                        + "index, the inner batch carries its key in values.",
                nested, List.of(A), List.of(Value.of(new byte[] {1}), Value.of("room")), "HY-ENC-101", "HY-ENC-105");

        Dot root = new Dot(C, 1);
        valid("unknown_type_at_root", "A document whose root is of type 0x8001, a private-use type: one opaque version.",
                new CausalState<>(UnknownCrdt.of(0x8001, new TreeSet<>(List.of(root)), bytes(1, 2, 3)), CausalContext.of(List.of(root))),
                "HY-VER-020", "HY-ENC-039");
    }

    private void valid(String id, String description, CausalState<? extends Crdt> state, String... requirements)
            throws ProtocolException {
        byte[] bytes = Codec.encode(state);
        // The expectation is rendered from the state as built, not as decoded, so that a defect shared by the
        // encoder and the decoder cannot hide in the vectors; the decoder must agree before anything is written.
        if (!Codec.decode(bytes).state().equals(state)) {
            throw new IllegalStateException(id + " does not decode to the state it encodes");
        }
        payloads.put(id, bytes);
        descriptions.put(id, description);
        Map<String, Object> v = out.header("payload", id, "valid", description, List.of(requirements));
        v.put("input", HEX.formatHex(bytes));
        v.put("expected", JsonView.of(state));
        out.write("payload", "valid", id, v);
    }

    /**
     * A valid payload in session form: encoded against {@code table}, which the case gives as its {@code replicas}, the
     * session replica table that the payload is read against.
     */
    private void validSessionForm(String id, String description, CausalState<? extends Crdt> state, List<ReplicaId> table,
                                  String... requirements) throws ProtocolException {
        validSessionForm(id, description, state, table, null, requirements);
    }

    /**
     * A valid payload in session form against both session tables: {@code table}, which the case gives as its
     * {@code replicas}, and {@code keys}, the session key table, which it gives as its {@code keys} (null: none).
     */
    private void validSessionForm(String id, String description, CausalState<? extends Crdt> state, List<ReplicaId> table,
                                  List<Value> keys, String... requirements) throws ProtocolException {
        ExternalTables tables = new ExternalTables(table, keys == null ? List.of() : keys);
        byte[] bytes = Codec.encode(state, tables);
        if (!Codec.decode(bytes, tables).state().equals(state)) {
            throw new IllegalStateException(id + " does not decode to the state it encodes");
        }
        Map<String, Object> v = out.header("payload", id, "valid", description, List.of(requirements));
        v.put("input", HEX.formatHex(bytes));
        v.put("replicas", table.stream().map(ReplicaId::toHex).toList());
        if (keys != null) {
            v.put("keys", keys.stream().map(JsonView::value).toList());
        }
        v.put("expected", JsonView.of(state));
        out.write("payload", "valid", id, v);
        // The specification can show it, annotated, as it does the self-contained ones.
        payloads.put(id, bytes);
        descriptions.put(id, description);
    }

    /** A valid payload given as bytes (not the reference encoder's), which must decode to {@code state}. */
    private void validRaw(String id, String description, byte[] bytes, CausalState<? extends Crdt> state, String... requirements)
            throws ProtocolException {
        if (!Codec.decode(bytes).state().equals(state)) {
            throw new IllegalStateException(id + " does not decode to the state it stands for");
        }
        Map<String, Object> v = out.header("payload", id, "valid", description, List.of(requirements));
        v.put("input", HEX.formatHex(bytes));
        v.put("expected", JsonView.of(state));
        out.write("payload", "valid", id, v);
    }
}
