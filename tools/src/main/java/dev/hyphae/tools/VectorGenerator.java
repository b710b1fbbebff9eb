package dev.hyphae.tools;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.hyphae.ErrorCode;
import dev.hyphae.ProtocolException;
import dev.hyphae.codec.Codec;
import dev.hyphae.codec.JsonView;
import dev.hyphae.codec.Payload;
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
import dev.hyphae.data.Limits;
import dev.hyphae.data.ReplicaId;
import dev.hyphae.data.Value;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

import static dev.hyphae.tools.RawPayload.bytes;

/**
 * Generates the vector files of {@code test-vectors/v1}: every case is built here, in code, and written
 * deterministically (sorted keys, two-space indent, LF), so that regenerating reproduces every committed
 * file byte for byte. The format is the specification's chapter "Test vectors".
 *
 * <p>Each invalid case is checked, as it is generated, to be refused by the reference implementation with
 * the code and in the phase it states; a case that is not refused as described stops the generator.
 */
final class VectorGenerator {

    static final String FORMAT = "hyphae-vector/1";

    private static final HexFormat HEX = HexFormat.of();
    private static final ReplicaId A = ReplicaId.fromHex("0a000000000000000000000000000001");
    private static final ReplicaId B = ReplicaId.fromHex("7f000000000000000000000000000002");
    private static final ReplicaId C = ReplicaId.fromHex("80000000000000000000000000000003");
    private static final long T0 = 1_767_225_600_000L << 16; // 2026-01-01T00:00:00Z as a hybrid logical clock reading

    private final String specRevision;
    private final String generator;
    private final SortedMap<String, byte[]> files = new TreeMap<>();

    private VectorGenerator(String specRevision, String generator) {
        this.specRevision = specRevision;
        this.generator = generator;
    }

    /** Every vector file, by path relative to the vector root ({@code v1/...}), as its bytes. */
    static SortedMap<String, byte[]> generate(String specRevision, String generator) throws ProtocolException {
        VectorGenerator g = new VectorGenerator(specRevision, generator);
        g.validPayloads();
        g.operations();
        g.invalidPayloads();
        return g.files;
    }

    // ---- writing ------------------------------------------------------------------------------------

    private Map<String, Object> header(String area, String id, String result, String description, List<String> requirements) {
        if (requirements.isEmpty()) {
            throw new IllegalStateException(id + " cites no requirement");
        }
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("format", FORMAT);
        v.put("spec", specRevision);
        v.put("generator", generator);
        v.put("id", id);
        v.put("area", area);
        v.put("result", result);
        v.put("description", description);
        v.put("requirements", requirements);
        return v;
    }

    private void write(String area, String result, String id, Map<String, Object> vector) {
        String path = "v1/" + area + "/" + result + "/" + id + ".json";
        if (files.containsKey(path)) {
            throw new IllegalStateException("two cases named " + id);
        }
        files.put(path, json(vector));
    }

    static byte[] json(Object tree) {
        ObjectMapper mapper = new ObjectMapper()
                .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
                .enable(SerializationFeature.INDENT_OUTPUT);
        DefaultPrettyPrinter printer = new DefaultPrettyPrinter()
                .withObjectIndenter(new DefaultIndenter("  ", "\n"))
                .withArrayIndenter(new DefaultIndenter("  ", "\n"));
        try {
            return (mapper.writer(printer).writeValueAsString(tree) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private void valid(String id, String description, CausalState<? extends Crdt> state, String... requirements)
            throws ProtocolException {
        byte[] bytes = Codec.encode(state);
        Map<String, Object> v = header("payload", id, "valid", description, List.of(requirements));
        v.put("input", HEX.formatHex(bytes));
        v.put("expected", JsonView.of(Codec.decode(bytes).state()));
        write("payload", "valid", id, v);
    }

    @SafeVarargs
    private void operation(String id, String description, List<String> requirements, CausalState<? extends Crdt>... inputs)
            throws ProtocolException {
        List<Object> hex = new ArrayList<>();
        CausalState<Crdt> result = null;
        for (CausalState<? extends Crdt> input : inputs) {
            byte[] bytes = Codec.encode(input);
            hex.add(HEX.formatHex(bytes));
            CausalState<Crdt> decoded = Codec.decode(bytes).state();
            result = result == null ? decoded : result.join(decoded);
        }
        Map<String, Object> v = header("operations", id, "valid", description, requirements);
        v.put("operation", "join");
        v.put("inputs", hex);
        v.put("expected", JsonView.of(result));
        write("operations", "valid", id, v);
    }

    private void invalid(String id, String description, byte[] input, String phase, String... requirements) {
        try {
            Codec.decode(input);
            throw new IllegalStateException("invalid case " + id + " was accepted");
        } catch (ProtocolException e) {
            if (e.code() != ErrorCode.MALFORMED_DELTA || !e.getMessage().contains(": " + phase + ": ")) {
                throw new IllegalStateException("invalid case " + id + " was refused otherwise than stated: " + e.getMessage());
            }
        }
        Map<String, Object> v = header("payload", id, "invalid", description, List.of(requirements));
        v.put("input", HEX.formatHex(input));
        v.put("error", Map.of("code", ErrorCode.MALFORMED_DELTA.value(), "name", ErrorCode.MALFORMED_DELTA.name()));
        v.put("phase", phase);
        write("payload", "invalid", id, v);
    }

    // ---- building states ----------------------------------------------------------------------------

    private static CausalState<ORMap> emptyMap() {
        return new CausalState<>(ORMap.EMPTY, CausalContext.EMPTY);
    }

    private static <T extends Crdt> CausalState<ORMap> put(CausalState<ORMap> state, Value key, CrdtType type,
                                                          java.util.function.BiFunction<T, CausalContext, CausalState<T>> mutator) {
        CausalContext context = state.context();
        return state.join(state.store().update(key, type, (T store) -> mutator.apply(store, context)));
    }

    private static CausalState<ORMap> putDelta(CausalState<ORMap> state, Value key, CrdtType type,
                                               java.util.function.BiFunction<Crdt, CausalContext, CausalState<Crdt>> mutator) {
        CausalContext context = state.context();
        return state.store().update(key, type, (Crdt store) -> mutator.apply(store, context));
    }

    @SuppressWarnings("unchecked")
    private static <T extends Crdt> CausalState<Crdt> general(CausalState<T> state) {
        return (CausalState<Crdt>) (CausalState<?>) state;
    }

    private static <T extends Crdt> CausalState<T> start(T empty) {
        return new CausalState<>(empty, CausalContext.EMPTY);
    }

    // ---- valid payloads -----------------------------------------------------------------------------

    private void validPayloads() throws ProtocolException {
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

        CausalContext gaps = CausalContext.of(List.of(new Dot(A, 1), new Dot(A, 2), new Dot(A, 5), new Dot(A, 6), new Dot(B, 3), new Dot(C, 1)));
        valid("context_with_cloud", "A context whose dots do not all follow on: version vector A:2, C:1; cloud (A,5..6) and (B,3).",
                new CausalState<>(ORMap.EMPTY, gaps), "HY-DATA-009", "HY-ENC-028", "HY-ENC-029");

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
                "HY-VER-020", "HY-DATA-037", "HY-ENC-039", "HY-ENC-052");

        Dot root = new Dot(C, 1);
        valid("unknown_type_at_root", "A document whose root is of type 0x8001, a private-use type: one opaque version.",
                new CausalState<>(UnknownCrdt.of(0x8001, new TreeSet<>(List.of(root)), bytes(1, 2, 3)), CausalContext.of(List.of(root))),
                "HY-VER-020", "HY-ENC-039");
    }

    // ---- operations ---------------------------------------------------------------------------------

    private void operations() throws ProtocolException {
        CausalState<LWWRegister> l = start(LWWRegister.EMPTY);
        operation("lww_tie_broken_by_replica_id", "Two writes with one timestamp: the greater replica id, compared unsigned (0x80... > 0x7f...), wins.",
                List.of("HY-DATA-032", "HY-CONV-002"),
                l.store().write(l.context(), B, Value.of("from 7f"), T0), l.store().write(l.context(), C, Value.of("from 80"), T0));
        operation("lww_later_timestamp_wins", "The later timestamp wins whatever the replica ids.", List.of("HY-DATA-032"),
                l.store().write(l.context(), C, Value.of(1.0), T0), l.store().write(l.context(), A, Value.of(2.0), T0 + 1));

        CausalState<LWWRegister> first = l.join(l.store().write(l.context(), A, Value.of("old"), T0));
        operation("lww_write_supersedes_what_it_saw", "A write whose context covers the previous write replaces it.",
                List.of("HY-DATA-020", "HY-DATA-029"), first, first.store().write(first.context(), B, Value.of("new"), T0 + 5));

        CausalState<AWSet> s = start(AWSet.EMPTY);
        CausalState<AWSet> withX = s.join(s.store().add(s.context(), A, Value.of("x")));
        operation("awset_add_wins_over_concurrent_remove", "An add concurrent with a remove of the same element: the element stays.",
                List.of("HY-DATA-034", "HY-DATA-020"),
                withX, withX.store().add(withX.context(), B, Value.of("x")), withX.store().remove(Value.of("x")));
        operation("awset_remove_of_observed_add", "A remove that saw the add removes the element.", List.of("HY-DATA-020"),
                withX, withX.store().remove(Value.of("x")));

        CausalState<ORMap> tags = put(emptyMap(), Value.of("tags"), CrdtType.AW_SET, (AWSet set, CausalContext ctx) -> set.add(ctx, A, Value.of("x")));
        CausalState<ORMap> tagsShared = tags;
        operation("ormap_update_survives_concurrent_remove", "B removes key tags while A adds y to it: tags holds y only.",
                List.of("HY-DATA-020", "HY-DATA-035"), tagsShared, tagsShared.store().remove(Value.of("tags")),
                putDelta(tagsShared, Value.of("tags"), CrdtType.AW_SET, (c, ctx) -> general(((AWSet) c).add(ctx, A, Value.of("y")))));

        CausalState<ORMap> kwh = put(emptyMap(), Value.of("kwh"), CrdtType.GCOUNTER, (GCounter c, CausalContext ctx) -> c.increment(ctx, A, 10));
        kwh = put(kwh, Value.of("kwh"), CrdtType.GCOUNTER, (GCounter c, CausalContext ctx) -> c.increment(ctx, B, 4));
        CausalState<ORMap> kwhShared = kwh;
        operation("ormap_counter_increment_concurrent_with_remove", "A increments kwh by 3 while B removes it: A's total, 13, survives; "
                        + "B's 4, which the remove saw, does not.", List.of("HY-DATA-020", "HY-DATA-026"),
                kwhShared, kwhShared.store().remove(Value.of("kwh")),
                putDelta(kwhShared, Value.of("kwh"), CrdtType.GCOUNTER, (c, ctx) -> general(((GCounter) c).increment(ctx, A, 3))));

        CausalState<ORMap> nested = put(emptyMap(), Value.of("config"), CrdtType.OR_MAP, (ORMap inner, CausalContext ctx) ->
                inner.update(Value.of("rate"), CrdtType.MV_REGISTER, (MVRegister r) -> r.write(ctx, A, Value.of(10L))));
        CausalState<ORMap> nestedShared = nested;
        operation("ormap_nested_update_against_concurrent_remove", "A writes config.mode while B removes config: config holds mode only.",
                List.of("HY-DATA-020"), nestedShared, nestedShared.store().remove(Value.of("config")),
                putDelta(nestedShared, Value.of("config"), CrdtType.OR_MAP, (c, ctx) -> general(((ORMap) c).update(Value.of("mode"),
                        CrdtType.MV_REGISTER, (MVRegister r) -> r.write(ctx, A, Value.of("eco"))))));

        CausalState<MVRegister> mv = start(MVRegister.EMPTY);
        CausalState<MVRegister> a = mv.store().write(mv.context(), A, Value.of(1L));
        CausalState<MVRegister> b = mv.store().write(mv.context(), B, Value.of(2L));
        CausalState<MVRegister> both = a.join(b);
        operation("mvregister_siblings_then_resolved", "Two concurrent writes, then a write that saw both: one value.",
                List.of("HY-DATA-033", "HY-DATA-020"), a, b, both.store().write(both.context(), C, Value.of(3L)));

        CausalState<GCounter> g = start(GCounter.EMPTY);
        operation("gcounter_merge_across_replicas", "Three replicas' increments: the value is their sum.", List.of("HY-DATA-020", "HY-DATA-026"),
                g.store().increment(g.context(), A, 1), g.store().increment(g.context(), B, 2), g.store().increment(g.context(), C, 3));
        CausalState<GCounter> a1 = g.store().increment(g.context(), A, 1);
        CausalState<GCounter> a2 = a1.store().increment(a1.context(), A, 1);
        operation("gcounter_deltas_out_of_order_and_twice", "A replica's second delta before its first, and the first twice: value 2.",
                List.of("HY-DATA-020", "HY-DATA-022"), a2, a1, a1);

        CausalState<PNCounter> p = start(PNCounter.EMPTY);
        operation("pncounter_merge", "Increments and decrements of two replicas merge to 5 - 2 - 4 = -1.", List.of("HY-DATA-028"),
                p.store().increment(p.context(), A, 5), p.store().decrement(p.context(), A, 2), p.store().decrement(p.context(), B, 4));

        CausalState<EWFlag> f = start(EWFlag.EMPTY);
        CausalState<EWFlag> on = f.join(f.store().enable(f.context(), A));
        operation("ewflag_enable_wins_over_concurrent_disable", "An enable concurrent with a disable: the flag is on.", List.of("HY-DATA-020"),
                on, on.store().enable(on.context(), B), on.store().disable());

        Dot x = new Dot(A, 1);
        Dot y = new Dot(A, 2);
        EntryKey futureKey = new EntryKey(Value.of("future"), 0x4001);
        CausalState<ORMap> version = new CausalState<>(ORMap.of(new TreeMap<>(Map.of(futureKey,
                UnknownCrdt.of(0x4001, new TreeSet<>(List.of(x, y)), bytes(9))))), CausalContext.of(List.of(x, y)));
        operation("unknown_version_removed_by_a_state_that_saw_it", "A state that saw one dot of an opaque version and does not hold it "
                        + "removes it.", List.of("HY-DATA-038"),
                version, new CausalState<>(ORMap.EMPTY, CausalContext.of(List.of(x))));
        Dot z = new Dot(B, 1);
        CausalState<ORMap> other = new CausalState<>(ORMap.of(new TreeMap<>(Map.of(futureKey,
                UnknownCrdt.of(0x4001, new TreeSet<>(List.of(z)), bytes(7))))), CausalContext.of(List.of(z)));
        operation("unknown_concurrent_versions_kept", "Two concurrent opaque versions under one key are both kept, never merged.",
                List.of("HY-DATA-038", "HY-VER-022"), version, other);
    }

    // ---- invalid payloads ---------------------------------------------------------------------------

    /** A valid baseline payload: an MVRegister holding "ok" at (A,1), built column by column. */
    private static byte[] baseline() {
        return mvRegister(A.toBytes(), bytes(0, 1), null, bytes(0, 1, 1), bytes(5, 1), bytes(0, 2, 'o', 'k'));
    }

    private static byte[] mvRegister(byte[] replicas, byte[] vv, byte[] cloud, byte[] dots, byte[] kinds, byte[] strings) {
        return mvRegister(null, replicas, vv, cloud, dots, kinds, strings);
    }

    /** An MVRegister root batch; {@code sizes} null means one entry. */
    private static byte[] mvRegister(byte[] sizes, byte[] replicas, byte[] vv, byte[] cloud, byte[] dots, byte[] kinds, byte[] strings) {
        RawPayload raw = new RawPayload();
        RawPayload.Columns c = new RawPayload.Columns();
        c.type = CrdtType.MV_REGISTER.id();
        c.sizes = sizes;
        c.dots = dots;
        c.values = raw.values(kinds, null, null, strings);
        return raw.finish(replicas, vv, cloud, raw.batch(c));
    }

    private static byte[] concat(byte[]... parts) {
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

    private static byte[] patchInt(byte[] bytes, int at, int value) {
        byte[] out = bytes.clone();
        out[at] = (byte) value;
        out[at + 1] = (byte) (value >> 8);
        out[at + 2] = (byte) (value >> 16);
        out[at + 3] = (byte) (value >> 24);
        return out;
    }

    private static int readInt(byte[] b, int at) {
        return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8 | (b[at + 2] & 0xff) << 16 | (b[at + 3] & 0xff) << 24;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        throw new IllegalStateException("pattern not found");
    }

    private void invalidPayloads() {
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
        misaligned[rootVtable + 4] = 5; // the replicas field at an odd offset inside the table
        invalid("field_offset_misaligned", "The replica table's offset field lies at an odd position in its table.", misaligned, "verify",
                "HY-ENC-010");
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
    }

    /** {@code depth} maps nested around one MVRegister, key "n" at every level. */
    private static byte[] nestedMaps(int depth) {
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

    private static byte[] missingValues() {
        RawPayload raw = new RawPayload();
        RawPayload.Columns c = new RawPayload.Columns();
        c.type = CrdtType.MV_REGISTER.id();
        c.dots = bytes(0, 1, 1);
        return raw.finish(A.toBytes(), bytes(0, 1), null, raw.batch(c));
    }

    private static byte[] withType(int type) {
        RawPayload raw = new RawPayload();
        RawPayload.Columns c = new RawPayload.Columns();
        c.type = type;
        c.dots = bytes(0, 1, 1);
        c.values = raw.values(bytes(5, 1), null, null, bytes(0, 2, 'o', 'k'));
        return raw.finish(A.toBytes(), bytes(0, 1), null, raw.batch(c));
    }

    private static byte[] withCount(int count) {
        RawPayload raw = new RawPayload();
        RawPayload.Columns c = new RawPayload.Columns();
        c.type = CrdtType.EW_FLAG.id();
        c.count = count;
        c.dots = bytes(0, 1, 2);
        return raw.finish(A.toBytes(), bytes(0, 2), null, raw.batch(c));
    }

    private static byte[] gcounterWithTimestamps() {
        RawPayload raw = new RawPayload();
        RawPayload.Columns c = new RawPayload.Columns();
        c.type = CrdtType.GCOUNTER.id();
        c.dots = bytes(0, 1, 1);
        c.counts = bytes(5);
        c.timestamps = bytes(2);
        return raw.finish(A.toBytes(), bytes(0, 1), null, raw.batch(c));
    }

    private static byte[] map(byte[] keyKinds, double[] keyFloats, byte[] keyStrings, byte[] types, int entries, int childType) {
        RawPayload raw = new RawPayload();
        RawPayload.Columns child = new RawPayload.Columns();
        child.type = childType == 0 ? CrdtType.EW_FLAG.id() : childType;
        child.count = entries;
        child.dots = bytes(0, 1, entries);
        int childBatch = raw.batch(child);
        RawPayload.Columns c = new RawPayload.Columns();
        c.type = CrdtType.OR_MAP.id();
        c.sizes = bytes(entries);
        c.values = raw.values(keyKinds, null, keyFloats, keyStrings);
        c.types = types;
        c.children = new int[] {childBatch};
        return raw.finish(A.toBytes(), bytes(0, entries), null, raw.batch(c));
    }

    private static byte[] mapWithFloatKey() {
        return map(bytes(4, 1), new double[] {1.5}, null, bytes(CrdtType.EW_FLAG.id(), 1), 1, 0);
    }

    private static byte[] mapWithKeyTwice() {
        return map(bytes(5, 2), null, bytes(0, 1, 'k', 1, 0), bytes(CrdtType.EW_FLAG.id(), 2), 2, 0);
    }

    private static byte[] mapWithEntryTypeZero() {
        return map(bytes(5, 1), null, bytes(0, 1, 'k'), bytes(0, 1), 1, 0);
    }
}
