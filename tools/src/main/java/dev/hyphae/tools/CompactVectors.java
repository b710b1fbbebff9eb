package dev.hyphae.tools;

import dev.hyphae.ErrorCode;
import dev.hyphae.ProtocolException;
import dev.hyphae.codec.Codec;
import dev.hyphae.codec.JsonView;
import dev.hyphae.crdt.AWSet;
import dev.hyphae.crdt.CausalState;
import dev.hyphae.crdt.Crdt;
import dev.hyphae.crdt.CrdtType;
import dev.hyphae.crdt.EWFlag;
import dev.hyphae.crdt.GCounter;
import dev.hyphae.crdt.LWWRegister;
import dev.hyphae.crdt.MVRegister;
import dev.hyphae.crdt.ORMap;
import dev.hyphae.crdt.PNCounter;
import dev.hyphae.data.CausalContext;
import dev.hyphae.data.Dot;
import dev.hyphae.data.Limits;
import dev.hyphae.data.ReplicaId;
import dev.hyphae.data.Value;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

import static dev.hyphae.tools.VectorStates.A;
import static dev.hyphae.tools.VectorStates.B;
import static dev.hyphae.tools.VectorStates.C;
import static dev.hyphae.tools.VectorStates.T0;
import static dev.hyphae.tools.VectorStates.emptyMap;
import static dev.hyphae.tools.VectorStates.put;
import static dev.hyphae.tools.VectorStates.start;

/**
 * The vectors of the area {@code payload} in the compact form (specification, "Encoding", section "Compact form"):
 * each gives its replica table in {@code replicas} and says {@code "form": "compact"}. Valid cases cover every CRDT
 * type and the sensor workload's deltas; invalid ones break one rule each, as bytes written here item by item, and
 * are checked, as they are written, to be refused by the reference implementation with the code and phase they
 * state.
 */
final class CompactVectors {

    private static final HexFormat HEX = HexFormat.of();

    /** The table of most cases: not in replica id order, so that an index is not mistaken for an order. */
    static final List<ReplicaId> TABLE = List.of(C, A, B);

    private final VectorWriter out;
    private final Map<String, byte[]> payloads = new LinkedHashMap<>();
    private final Map<String, String> descriptions = new LinkedHashMap<>();

    CompactVectors(VectorWriter out) {
        this.out = out;
    }

    Map<String, byte[]> payloads() {
        return payloads;
    }

    Map<String, String> descriptions() {
        return descriptions;
    }

    void write() throws ProtocolException {
        validCases();
        invalidCases();
    }

    /**
     * The state before round {@code round} of the sensor workload, seen by replica A: 1,000 keys "sensor-0" to
     * "sensor-999", written in turn, one dot each, so that key k holds the dot of round - 1.
     */
    static CausalState<ORMap> sensorState(int round, List<Integer> keys) {
        CausalState<ORMap> state = emptyMap();
        for (int key : keys) {
            long counter = (long) (round - 2) * 1000 + key + 1;
            CausalContext context = CausalContext.ofCanonical(new TreeMap<>(Map.of(A, counter - 1)), new TreeSet<>());
            state = state.join(state.store().update(Value.of("sensor-" + key), CrdtType.LWW_REGISTER,
                    (LWWRegister r) -> r.write(context, A, Value.of(20.0 + key / 10.0), T0 - (60_000L << 16) + key)));
        }
        long last = (long) (round - 1) * 1000;
        return new CausalState<>(state.store(), CausalContext.ofCanonical(new TreeMap<>(Map.of(A, last)), new TreeSet<>()));
    }

    /**
     * The delta of the writes of round {@code round} to {@code keys}, made one after another by replica A, a
     * millisecond apart; "sensor-123" reads 21.5, and each key a quarter more than the key before it.
     */
    static CausalState<ORMap> sensorDelta(int round, List<Integer> keys) {
        CausalState<ORMap> state = sensorState(round, keys);
        CausalState<ORMap> delta = null;
        for (int key : keys) {
            long counter = (long) (round - 1) * 1000 + key + 1;
            CausalContext context = CausalContext.ofCanonical(new TreeMap<>(Map.of(A, counter - 1)), new TreeSet<>());
            CausalState<ORMap> write = state.store().update(Value.of("sensor-" + key), CrdtType.LWW_REGISTER,
                    (LWWRegister r) -> r.write(context, A, Value.of(21.5 + (key - 123) / 4.0), T0 + ((long) key << 16)));
            delta = delta == null ? write : delta.join(write);
        }
        return delta;
    }

    private void validCases() throws ProtocolException {
        valid("compact_sensor_write", "The delta of one write of the sensor workload: 21.5 under \"sensor-123\", "
                + "with the dot (A, 5124), overwriting the dot (A, 4124).", sensorDelta(6, List.of(123)), TABLE,
                "HY-ENC-060", "HY-VEC-011");
        List<Integer> ten = new ArrayList<>();
        for (int k = 120; k < 130; k++) {
            ten.add(k);
        }
        valid("compact_ten_sensor_writes", "Ten writes of the sensor workload in one delta: consecutive dots, close "
                + "timestamps, front-coded keys, one context run.", sensorDelta(6, ten), TABLE,
                "HY-ENC-060", "HY-ENC-068", "HY-ENC-072");

        CausalState<GCounter> g = start(GCounter.EMPTY);
        g = g.join(g.store().increment(g.context(), A, 10));
        g = g.join(g.store().increment(g.context(), B, 4));
        valid("compact_gcounter", "A GCounter with entries of two replicas, 10 and 4.", g, TABLE, "HY-ENC-060", "HY-ENC-061");

        CausalState<PNCounter> p = start(PNCounter.EMPTY);
        p = p.join(p.store().increment(p.context(), A, 3));
        p = p.join(p.store().decrement(p.context(), C, 5));
        valid("compact_pncounter", "A PNCounter whose decrements exceed its increments: value -2.", p, TABLE, "HY-ENC-060");

        CausalState<MVRegister> mv = start(MVRegister.EMPTY);
        mv = mv.join(mv.store().write(CausalContext.EMPTY, A, Value.of("1.4.2"))).join(mv.store().write(CausalContext.EMPTY, B, Value.of("1.4.1")));
        valid("compact_mvregister", "Two concurrent writes of an MVRegister; register values are not front-coded.", mv, TABLE,
                "HY-ENC-060", "HY-ENC-071");

        CausalState<EWFlag> f = start(EWFlag.EMPTY);
        f = f.join(f.store().enable(f.context(), A));
        f = f.join(f.store().enable(f.context(), B));
        valid("compact_ewflag", "An EWFlag enabled by two replicas.", f, TABLE, "HY-ENC-060");

        CausalState<AWSet> s = start(AWSet.EMPTY);
        for (Value e : List.of(Value.ofNull(), Value.of(false), Value.of(true), Value.of(-7L), Value.of(2.5), Value.of("sensor"),
                Value.of("sensors"), Value.of(new byte[] {1, 2}), Value.of(new byte[] {1, 3}))) {
            s = s.join(s.store().add(s.context(), A, e));
        }
        valid("compact_awset_every_value_kind", "An AWSet with elements of every value kind; strings and bytes front-coded "
                + "within their kind.", s, TABLE, "HY-ENC-060", "HY-ENC-071");

        CausalState<ORMap> m = emptyMap();
        m = put(m, Value.of("kwh"), CrdtType.GCOUNTER, (GCounter c, CausalContext ctx) -> c.increment(ctx, A, 5));
        m = put(m, Value.of(42L), CrdtType.EW_FLAG, (EWFlag c, CausalContext ctx) -> c.enable(ctx, C));
        m = put(m, Value.of("config"), CrdtType.OR_MAP, (ORMap inner, CausalContext ctx) -> inner.update(Value.of("rate"),
                CrdtType.LWW_REGISTER, (LWWRegister r) -> r.write(ctx, B, Value.of(10L), T0)));
        valid("compact_ormap_nested", "An ORMap with an int64 key, a counter and a nested map, depth first.", m, TABLE,
                "HY-ENC-060", "HY-ENC-068", "HY-ENC-075");

        CausalState<ORMap> removed = new CausalState<>(ORMap.EMPTY, CausalContext.of(List.of(new Dot(A, 3), new Dot(A, 4), new Dot(B, 9))));
        valid("compact_remove", "The delta of a remove: no entry, only context runs, one of two dots and one of one.",
                removed, TABLE, "HY-ENC-060", "HY-ENC-072");

        valid("compact_empty_delta", "The empty delta of an ORMap: three bytes.", emptyMap(), TABLE, "HY-ENC-060");

        TreeMap<Dot, LWWRegister.Write> corners = new TreeMap<>();
        corners.put(new Dot(A, -1L), new LWWRegister.Write(-1L, Value.of(true)));
        corners.put(new Dot(B, 1L << 63), new LWWRegister.Write(0, Value.ofNull()));
        TreeMap<ReplicaId, Long> vector = new TreeMap<>(Map.of(A, -1L, B, 1L << 63));
        valid("compact_counters_at_the_end_of_their_range", "Dots (A, 2^64-1) and (B, 2^63) with the timestamps 2^64-1 "
                + "and 0: the differences wrap around, the context runs of length 2^64-2 and 2^63-1 stay runs.",
                new CausalState<>(LWWRegister.of(corners), CausalContext.ofCanonical(vector, new TreeSet<>())), TABLE,
                "HY-ENC-070", "HY-ENC-072");
    }

    private void invalidCases() {
        long lww = CrdtType.LWW_REGISTER.id();
        long map = CrdtType.OR_MAP.id();
        long flag = CrdtType.EW_FLAG.id();
        invalid("compact_replica_index_past_the_table", "An EWFlag dot names replica index 3 of a table of 3.",
                bytes(flag, 1, 3, 1, 0), "HY-ENC-061");
        invalid("compact_unknown_crdt_type", "The CRDT type id 8, which version 1 does not define, has no compact form.",
                bytes(8, 0, 0), "HY-ENC-064");
        invalid("compact_unknown_crdt_type_of_an_entry", "An ORMap entry of type 8.", bytes(map, 1, 3, 0, 8, 1, 0, 1, 0), "HY-ENC-064");
        invalid("compact_trailing_byte", "The empty delta of an EWFlag followed by one more byte.", bytes(flag, 0, 0, 0), "HY-ENC-066");
        invalid("compact_truncated", "The delta of one sensor write cut short inside its float64.",
                java.util.Arrays.copyOf(payloads.get("compact_sensor_write"), 28), "HY-ENC-066");
        invalid("compact_varint_not_minimal", "The Count 0 written in two bytes.", new byte[] {(byte) flag, (byte) 0x80, 0, 0},
                "HY-ENC-065");
        invalid("compact_count_beyond_max_elements", "A root store that announces MAX_ELEMENTS + 1 entries.",
                bytes(flag, Limits.MAX_ELEMENTS + 1), "HY-ENC-065", "HY-ENC-067");
        invalid("compact_empty_store_under_a_key", "An ORMap entry whose EWFlag store has no dots.",
                bytes(map, 1, 3, 0, flag, 0, 0), "HY-ENC-067");
        invalid("compact_entries_out_of_order", "An EWFlag with the dots (A, 2) then (A, 1).",
                bytes(flag, 2, 1, 2, 1, 1, 0), "HY-ENC-068");
        invalid("compact_entry_keys_out_of_order", "An ORMap with the keys \"b\" then \"a\".",
                bytes(map, 2, 5 + 8, "b", flag, 1, 1, 1, 5 + 8, 0, "a", flag, 1, 1, 2, 0), "HY-ENC-068", "HY-ENC-071");
        invalid("compact_dot_under_two_map_keys", "An ORMap whose keys \"a\" and \"b\" each hold an EWFlag with the dot "
                        + "(1, 1), the second written as the difference 0 from the first: in order, each store valid, one write in two "
                        + "places.",
                bytes(map, 2, 5 + 8, "a", flag, 1, 1, 1, 5 + 8, 0, "b", flag, 1, 1, 0, 0), "HY-DATA-055");
        invalid("compact_dot_counter_zero", "An EWFlag dot whose Counter is 0.", bytes(flag, 1, 1, 0, 0), "HY-ENC-069");
        invalid("compact_milliseconds_beyond_48_bits", "An LWWRegister timestamp whose millisecond part is 2^48.",
                bytes(lww, 1, 1, 1, 1L << 48, 0, 0, 0), "HY-ENC-070");
        invalid("compact_logical_part_beyond_16_bits", "An LWWRegister timestamp whose logical part is 65536.",
                bytes(lww, 1, 1, 1, 1, 65536, 0, 0), "HY-ENC-065", "HY-ENC-070");
        invalid("compact_value_kind_7", "A register value whose Head has the kind 7.", bytes(lww, 1, 1, 1, 1, 0, 7, 0), "HY-ENC-071");
        invalid("compact_null_with_a_length", "A null register value whose Head carries a length.",
                bytes(lww, 1, 1, 1, 1, 0, 8, 0), "HY-ENC-071");
        invalid("compact_float_as_map_key", "An ORMap key of kind float64.",
                bytes(map, 1, 4, new byte[8], flag, 1, 1, 1, 0), "HY-ENC-071");
        invalid("compact_shared_length_not_the_longest", "The key \"ab\" after \"aa\" written with a Shared Length of 0.",
                bytes(map, 2, 5 + 16, "aa", flag, 1, 1, 1, 5 + 16, 0, "ab", flag, 1, 1, 2, 0), "HY-ENC-071");
        invalid("compact_string_not_utf8", "A string key whose single byte is 0xff.",
                bytes(map, 1, 5 + 8, new byte[] {(byte) 0xff}, flag, 1, 1, 1, 0), "HY-ENC-071");
        invalid("compact_string_beyond_its_limit", "A string key announced with MAX_STRING_LENGTH + 1 bytes.",
                bytes(map, 1, 5 + 8L * (Limits.MAX_STRING_LENGTH + 1)), "HY-ENC-071");
        invalid("compact_run_of_length_one_with_a_length", "A context run that writes its Length of 1.",
                bytes(flag, 0, 1, 3, 5, 1), "HY-ENC-072");
        invalid("compact_runs_adjacent", "Two context runs of one replica that are one run: (A, 5) and (A, 6).",
                bytes(flag, 0, 2, 4, 5, 0, 2), "HY-ENC-072");
        invalid("compact_runs_out_of_order", "Context runs of replica C, then A, whose id is smaller: not ascending dot order.",
                bytes(flag, 0, 2, 2, 5, 4, 0), "HY-ENC-072");
        invalid("compact_run_holds_a_dot_of_the_store", "The store holds (A, 5) and a context run lists it again.",
                bytes(flag, 1, 1, 5, 1, 0, 0), "HY-ENC-072");
        invalid("compact_run_of_the_replica_before_it_without_one", "A context run that names the replica of the dot or run "
                + "before it, in a payload with neither.", bytes(flag, 0, 1, 0, 5), "HY-ENC-072");
        invalid("compact_run_names_the_replica_before_it_by_index", "A context run of replica A, whose dot comes just before "
                + "it, named by its index instead of by 0.", bytes(flag, 1, 1, 5, 1, 4, 2), "HY-ENC-072");
        invalid("compact_run_past_the_last_counter", "A context run from 2^64-1 of Length 2.",
                bytes(flag, 0, 1, 3, -1L, 2), "HY-ENC-072");
        invalid("compact_cloud_beyond_max_cloud_dots", "A context run of 65,537 dots from counter 2: a cloud one dot too large.",
                bytes(flag, 0, 1, 3, 2, Limits.MAX_CLOUD_DOTS + 1), "HY-ENC-073");
        List<Object> nested = new ArrayList<>(List.of(map));
        for (int depth = 1; depth <= Limits.MAX_NESTING_DEPTH; depth++) {
            nested.addAll(List.of(1, 3, 0, map));
        }
        nested.addAll(List.of(0, 0));
        invalid("compact_maps_nested_too_deep", "ORMaps nested one level deeper than MAX_NESTING_DEPTH.",
                bytes(nested.toArray()), "HY-ENC-075");
    }

    /** Varints for numbers (a negative long as its unsigned value), UTF-8 for strings, raw bytes for byte arrays. */
    private static byte[] bytes(Object... items) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object item : items) {
            if (item instanceof byte[] raw) {
                out.writeBytes(raw);
            } else if (item instanceof String text) {
                out.writeBytes(text.getBytes(StandardCharsets.UTF_8));
            } else {
                long v = ((Number) item).longValue();
                while ((v & ~0x7FL) != 0) {
                    out.write((int) (v & 0x7F) | 0x80);
                    v >>>= 7;
                }
                out.write((int) v);
            }
        }
        return out.toByteArray();
    }

    private static List<String> hex(List<ReplicaId> table) {
        return table.stream().map(ReplicaId::toHex).toList();
    }

    private void valid(String id, String description, CausalState<? extends Crdt> state, List<ReplicaId> table,
                       String... requirements) throws ProtocolException {
        Optional<byte[]> encoded = Codec.encodeCompact(state, table);
        byte[] bytes = encoded.orElseThrow(() -> new IllegalStateException(id + " has no compact form"));
        if (!Codec.decodeCompact(bytes, table).equals(state)) {
            throw new IllegalStateException(id + " does not decode to the state it encodes");
        }
        payloads.put(id, bytes);
        descriptions.put(id, description);
        Map<String, Object> v = out.header("payload", id, "valid", description, List.of(requirements));
        v.put("form", "compact");
        v.put("replicas", hex(table));
        v.put("input", HEX.formatHex(bytes));
        v.put("expected", JsonView.of(state));
        out.write("payload", "valid", id, v);
    }

    private void invalid(String id, String description, byte[] input, String... requirements) {
        String phase = "decode";
        try {
            Codec.decodeCompact(input, TABLE);
            throw new IllegalStateException("invalid case " + id + " was accepted");
        } catch (ProtocolException e) {
            if (e.code() != ErrorCode.MALFORMED_DELTA || !e.phase().equals(Optional.of(ProtocolException.Phase.of(phase)))) {
                throw new IllegalStateException("invalid case " + id + " was refused otherwise than stated: " + e.getMessage());
            }
        }
        Map<String, Object> v = out.header("payload", id, "invalid", description, List.of(requirements));
        v.put("form", "compact");
        v.put("replicas", hex(TABLE));
        v.put("input", HEX.formatHex(input));
        v.put("error", Map.of("code", ErrorCode.MALFORMED_DELTA.value(), "name", ErrorCode.MALFORMED_DELTA.name()));
        v.put("phase", phase);
        out.write("payload", "invalid", id, v);
    }
}
