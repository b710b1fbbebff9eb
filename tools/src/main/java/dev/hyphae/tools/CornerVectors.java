package dev.hyphae.tools;

import dev.hyphae.ProtocolException;
import dev.hyphae.codec.Codec;
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
import dev.hyphae.crdt.UnknownCrdt;
import dev.hyphae.data.CausalContext;
import dev.hyphae.data.Dot;
import dev.hyphae.data.Limits;
import dev.hyphae.data.Value;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

import static dev.hyphae.tools.VectorStates.A;
import static dev.hyphae.tools.VectorStates.B;
import static dev.hyphae.tools.VectorStates.C;

/**
 * Named vectors of the corners of the data model that the conformance suite's generators reach: each is the shrunk
 * input on which the suite caught a seeded defect of the reference adapter ({@link Defect}), kept as a vector so that
 * every implementation meets it, whatever its seed and number of tries.
 */
final class CornerVectors {

    private static final HexFormat HEX = HexFormat.of();

    private final VectorWriter out;

    CornerVectors(VectorWriter out) {
        this.out = out;
    }

    void write() throws ProtocolException {
        TreeMap<Dot, LWWRegister.Write> tie = new TreeMap<>();
        tie.put(new Dot(B, 1), new LWWRegister.Write(5, Value.of("first")));
        tie.put(new Dot(B, 2), new LWWRegister.Write(5, Value.of("second")));
        tie.put(new Dot(A, 1), new LWWRegister.Write(5, Value.of("smaller replica")));
        payload("lwwregister_tie_on_timestamp_and_replica", "Three entries with one timestamp, two of them of one replica (as only a "
                + "faulty replica writes them): the replica id decides, then the counter; the winner is B's second write.",
                LWWRegister.of(tie), "HY-DATA-032");

        TreeMap<Dot, LWWRegister.Write> large = new TreeMap<>();
        large.put(new Dot(C, 1), new LWWRegister.Write(5, Value.of("small")));
        large.put(new Dot(A, 1), new LWWRegister.Write(Long.MIN_VALUE, Value.of("2^63")));
        large.put(new Dot(B, 1), new LWWRegister.Write(-1L, Value.of("2^64-1")));
        payload("lwwregister_timestamps_beyond_2_63", "Timestamps 5, 2^63 and 2^64-1, compared as unsigned integers: the winner is the "
                + "write at 2^64-1, which a comparison of signed integers would rank first; the differences of the timestamps "
                + "column wrap around modulo 2^64.", LWWRegister.of(large), "HY-DATA-032", "HY-ENC-035");

        TreeMap<Value, SortedSet<Dot>> strings = new TreeMap<>();
        long counter = 1;
        for (String text : List.of("\uff5e", "\ud83c\udf44", "\ue000", "\ud800\udc00", "a")) {
            strings.put(Value.of(text), new TreeSet<>(List.of(new Dot(A, counter++))));
        }
        payload("awset_strings_in_utf8_order", "Five strings, U+FF5E and U+E000 among them, which UTF-16 code units order after "
                + "U+1F344 and U+10000, and UTF-8 bytes before: the elements are in UTF-8 order.", AWSet.of(strings),
                "HY-DATA-015", "HY-DATA-034");

        Crdt store = GCounter.of(new TreeMap<>(Map.of(new Dot(A, 1), 1L)));
        for (int level = Limits.MAX_NESTING_DEPTH; level >= 1; level--) {
            store = ORMap.of(new TreeMap<>(Map.of(new EntryKey(Value.of((long) level), store.typeId()), store)));
        }
        payload("ormap_nested_to_max_nesting_depth", "ORMaps nested to MAX_NESTING_DEPTH, 16 levels with the root, a GCounter at the "
                + "bottom: the deepest nesting a payload may hold, which a decoder accepts.", store, "HY-ENC-018", "HY-DATA-040");

        Crdt deep = GCounter.of(new TreeMap<>(Map.of(new Dot(A, 1), 3L)));
        for (int level = 3; level >= 1; level--) {
            TreeMap<EntryKey, Crdt> entries = new TreeMap<>();
            entries.put(new EntryKey(Value.of("level " + (level + 1)), deep.typeId()), deep);
            if (level == 3) {
                entries.put(new EntryKey(Value.of("opaque"), 0x4001), UnknownCrdt.of(0x4001, new TreeSet<>(List.of(new Dot(B, 1))),
                        new byte[] {1, 2, 3}));
            }
            deep = ORMap.of(entries);
        }
        payload("unknown_type_at_depth_3", "An entry of type 0x4001, which version 1 does not define, in a map at depth 3: kept, with "
                + "its data byte for byte, as at the root.", deep, "HY-VER-020", "HY-DATA-037");

        TreeMap<Value, SortedSet<Dot>> plus = new TreeMap<>();
        plus.put(Value.of(0.0), new TreeSet<>(List.of(new Dot(A, 1))));
        TreeMap<Value, SortedSet<Dot>> minus = new TreeMap<>();
        minus.put(Value.of(-0.0), new TreeSet<>(List.of(new Dot(B, 1))));
        join("awset_signed_zeros_stay_two_elements", "0.0 added at one replica and -0.0 at another: joined, two elements, -0.0 first.",
                List.of("HY-DATA-014", "HY-DATA-015"), AWSet.of(plus), AWSet.of(minus));

        // The corners of item "generators that reach the corners" that had a payload vector and no join, or no vector at
        // all: each join below is one that a seeded defect, or an implementation that compares values as numbers or
        // strings as UTF-16, gets wrong.
        TreeMap<Value, SortedSet<Dot>> quiet = new TreeMap<>();
        quiet.put(Value.of(Double.NaN), new TreeSet<>(List.of(new Dot(A, 1))));
        TreeMap<Value, SortedSet<Dot>> payload = new TreeMap<>();
        payload.put(Value.of(Double.longBitsToDouble(0x7ff8000000000001L)), new TreeSet<>(List.of(new Dot(B, 1))));
        join("awset_nans_of_two_payloads_stay_two_elements", "The NaN 7ff8000000000000 added at one replica and the NaN "
                        + "7ff8000000000001 at another: joined, two elements, compared by their bits, not as numbers, which no "
                        + "NaN equals.", List.of("HY-DATA-011", "HY-DATA-014", "HY-DATA-015"), AWSet.of(quiet), AWSet.of(payload));

        TreeMap<Dot, Value> left = new TreeMap<>();
        left.put(new Dot(A, 1), Value.of(1L));
        left.put(new Dot(B, 1), Value.of(2L));
        TreeMap<Dot, Value> right = new TreeMap<>();
        right.put(new Dot(A, 1), Value.of(1L));
        right.put(new Dot(C, 1), Value.of(3L));
        join("mvregister_join_keeps_siblings_both_hold", "Two MVRegisters that both hold the sibling (A,1), each beside one of its "
                        + "own: joined, three siblings; the one that both hold is kept, though each side's context has seen it.",
                List.of("HY-DATA-020"), MVRegister.of(left), MVRegister.of(right));

        TreeMap<EntryKey, Crdt> keys = new TreeMap<>();
        counter = 1;
        for (String text : List.of("\uff5e", "\ud83c\udf44", "\ue000", "\ud800\udc00")) {
            keys.put(new EntryKey(Value.of(text), CrdtType.EW_FLAG.id()), EWFlag.of(new TreeSet<>(List.of(new Dot(A, counter++)))));
        }
        payload("ormap_string_keys_in_utf8_order", "Four string keys, U+FF5E and U+E000 among them, which UTF-16 code units order "
                + "after U+1F344 and U+10000, and UTF-8 bytes before: the entries are in UTF-8 order of their keys.", ORMap.of(keys),
                "HY-DATA-015", "HY-VEC-022");

        Crdt deepest = null;
        for (int level = Limits.MAX_NESTING_DEPTH; level >= 1; level--) {
            TreeMap<EntryKey, Crdt> entries = new TreeMap<>();
            if (deepest == null) {
                entries.put(new EntryKey(Value.of("count"), CrdtType.GCOUNTER.id()), GCounter.of(new TreeMap<>(Map.of(new Dot(A, 1), 1L))));
                entries.put(new EntryKey(Value.of("opaque"), 0x4001), UnknownCrdt.of(0x4001, new TreeSet<>(List.of(new Dot(B, 1))),
                        new byte[] {4, 5, 6}));
            } else {
                entries.put(new EntryKey(Value.of((long) level), deepest.typeId()), deepest);
            }
            deepest = ORMap.of(entries);
        }
        payload("unknown_type_at_max_nesting_depth", "ORMaps nested to MAX_NESTING_DEPTH, whose deepest map holds a GCounter and "
                + "an entry of type 0x4001, which version 1 does not define: kept, with its data byte for byte, at the deepest "
                + "level a payload may hold, as at the root.", deepest, "HY-VER-020", "HY-DATA-037", "HY-ENC-018");
    }

    /** A valid payload of {@code store}, with the smallest context that covers it. */
    private void payload(String id, String description, Crdt store, String... requirements) throws ProtocolException {
        CausalState<Crdt> state = covered(store);
        byte[] bytes = Codec.encode(state);
        if (!Codec.decode(bytes).state().equals(state)) {
            throw new IllegalStateException(id + " does not decode to the state it encodes");
        }
        Map<String, Object> v = out.header("payload", id, "valid", description, List.of(requirements));
        v.put("input", HEX.formatHex(bytes));
        v.put("expected", JsonView.of(state));
        out.write("payload", "valid", id, v);
    }

    /** A join of the states of {@code stores}, each with the smallest context that covers it, left to right. */
    private void join(String id, String description, List<String> requirements, Crdt... stores) throws ProtocolException {
        List<Object> inputs = new ArrayList<>();
        CausalState<Crdt> result = null;
        for (Crdt store : stores) {
            CausalState<Crdt> state = covered(store);
            byte[] bytes = Codec.encode(state);
            if (!Codec.decode(bytes).state().equals(state)) {
                throw new IllegalStateException(id + ": an input does not decode to the state it encodes");
            }
            inputs.add(HEX.formatHex(bytes));
            result = result == null ? state : result.join(state);
        }
        Map<String, Object> v = out.header("operations", id, "valid", description, requirements);
        v.put("operation", "join");
        v.put("inputs", inputs);
        v.put("expected", JsonView.of(result));
        out.write("operations", "valid", id, v);
    }

    private static CausalState<Crdt> covered(Crdt store) {
        List<Dot> dots = new ArrayList<>();
        store.forEachDot(dots::add);
        return new CausalState<>(store, CausalContext.of(dots));
    }
}
