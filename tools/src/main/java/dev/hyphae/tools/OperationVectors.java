package dev.hyphae.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hyphae.ProtocolException;
import dev.hyphae.codec.Codec;
import dev.hyphae.codec.JsonView;
import dev.hyphae.codec.PayloadNotEncodableException;
import dev.hyphae.codec.SeveralOpaqueVersionsException;
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
import dev.hyphae.data.Value;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import static dev.hyphae.tools.VectorStates.*;
import static dev.hyphae.tools.RawPayload.bytes;

/**
 * The vectors of the area {@code operations}: joins of encoded states, each with the state the join must give, and
 * queries of one encoded state, each with what the query must report. Each input is checked, as it is written, to
 * decode to the state it encodes.
 */
final class OperationVectors {

    private static final HexFormat HEX = HexFormat.of();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final VectorWriter out;

    OperationVectors(VectorWriter out) {
        this.out = out;
    }

    /** Writes the vectors of this area. */
    void write() throws ProtocolException {
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
                List.of("HY-DATA-020"), tagsShared, tagsShared.store().remove(Value.of("tags")),
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

        // The same join at the root: what the adapter's join computes for payloads of a type it does not know.
        CausalState<UnknownCrdt> rootVersion = new CausalState<>(UnknownCrdt.of(0x4001, new TreeSet<>(List.of(x, y)), bytes(9)),
                CausalContext.of(List.of(x, y)));
        CausalState<UnknownCrdt> rootOther = new CausalState<>(UnknownCrdt.of(0x4001, new TreeSet<>(List.of(z)), bytes(7)),
                CausalContext.of(List.of(z)));
        CausalState<UnknownCrdt> rootSeen = new CausalState<>(UnknownCrdt.of(0x4001, new TreeSet<>(List.of(new Dot(B, 2))), bytes(5)),
                CausalContext.of(List.of(x, new Dot(B, 2))));
        operation("unknown_root_versions_joined", "Three payloads of the unknown root type 0x4001: the join of opaque "
                        + "versions, as under a map key. The version with the dots (A,1), (A,2) is dropped by the third "
                        + "payload, whose context saw (A,1); the versions (B,1) and (B,2) are both kept.",
                List.of("HY-DATA-056", "HY-VER-022"), rootVersion, rootOther, rootSeen);

        // HY-DATA-037: what is kept byte for byte is the entry's opaque version, not the payload that carried it. Joined
        // (HY-DATA-038) with a write of another key, and the join encoded again (HY-ENC-052, HY-VEC-049), the version comes
        // out unchanged. The only join of the Replica semantics profile whose payload must carry an opaque version: four ids.
        Dot w = new Dot(B, 1);
        CausalState<ORMap> otherKey = new CausalState<>(ORMap.of(new TreeMap<>(Map.of(new EntryKey(Value.of("kwh"), CrdtType.GCOUNTER.id()),
                GCounter.EMPTY.increment(CausalContext.EMPTY, B, 4).store()))), CausalContext.of(List.of(w)));
        operation("unknown_entry_joined_with_another_write", "An entry of the unknown type 0x4001 joined with a write of another "
                        + "key: the opaque version, its type id, dots and data 09, is kept byte for byte in the result, and in the "
                        + "payload that encodes the result, though not the payload that carried it.",
                List.of("HY-DATA-037", "HY-DATA-038", "HY-ENC-052", "HY-VEC-049"), version, otherKey);

        // The join of a difference (HY-SYNC-073) of a state that has seen (A,1) to (A,5) and holds element 3 alone, sent to a
        // neighbour that has seen them all and holds every element: its context leaves out the dot (A,3) only, so that
        // the neighbour removes the elements 1, 2, 4 and 5 and keeps 3. The vector joins a given difference; it cannot check
        // how a peer computes one, so it cites the join alone.
        CausalState<ORMap> five = emptyMap();
        for (long i = 1; i <= 5; i++) {
            Value element = Value.of(i);
            five = put(five, Value.of("set"), CrdtType.AW_SET, (AWSet set, CausalContext ctx) -> set.add(ctx, A, element));
        }
        CausalState<ORMap> difference = new CausalState<>(ORMap.EMPTY,
                CausalContext.of(List.of(new Dot(A, 1), new Dot(A, 2), new Dot(A, 4), new Dot(A, 5))));
        operation("difference_context_removes_what_the_sender_removed", "A neighbour holding the elements 1 to 5 of an AWSet, "
                        + "with the dots (A,1) to (A,5), joins the difference of a state that has seen those dots and holds "
                        + "element 3 alone: no entry, and the context A:2 with the cloud (A,4), (A,5). Element 3 alone stays; a "
                        + "context that kept (A,3) would remove it, one without (A,4) and (A,5) would keep 4 and 5.",
                List.of("HY-DATA-020"), five, difference);

        // HY-VER-023: the query of a value of a type that the implementation does not know (HY-VEC-050).
        CausalState<ORMap> mixed = put(emptyMap(), Value.of("known"), CrdtType.EW_FLAG, (EWFlag fl, CausalContext ctx) -> fl.enable(ctx, A));
        Dot p1 = mixed.context().nextDot(B);
        Dot p2 = new Dot(C, 1);
        TreeMap<EntryKey, Crdt> entries = new TreeMap<>(mixed.store().entries());
        entries.put(new EntryKey(Value.of("future"), 0x4001), UnknownCrdt.of(0x4001, new TreeSet<>(List.of(p1)), bytes(0x01)));
        entries.put(new EntryKey(Value.of("private"), 0x8001), UnknownCrdt.of(0x8001, new TreeSet<>(List.of(p2)), bytes(0x01)));
        query("query_unknown_entries_of_a_map", "An ORMap holding an enabled EWFlag and entries of the types 0x4001 and 0x8001 "
                        + "(Private Use), which version 1 does not define: the query reports each with its type id and the value "
                        + "null, never as a value of a known type, whose query the data 01 would resemble.",
                List.of("HY-VER-023", "HY-VEC-050"), new CausalState<>(ORMap.of(entries), mixed.context().with(List.of(p1, p2))));
        // The query of an unknown root is null alone, as the query of an unset LWWRegister is: the case pins the row of
        // the query table, and cannot tell that the value is reported as unknown, so it does not cite HY-VER-023.
        query("query_unknown_root", "A state whose root is of the type 0x4001, which version 1 does not define: its query is null.",
                List.of("HY-VEC-050"), rootVersion);
        CausalState<ORMap> nestedUnknown = put(emptyMap(), Value.of("outer"), CrdtType.OR_MAP, (ORMap inner, CausalContext ctx) ->
                inner.update(Value.of("count"), CrdtType.GCOUNTER, (GCounter c) -> c.increment(ctx, A, 7)));
        Dot deep = nestedUnknown.context().nextDot(B);
        ORMap outer = nestedUnknown.store().get(Value.of("outer"), CrdtType.OR_MAP);
        TreeMap<EntryKey, Crdt> inner = new TreeMap<>(outer.entries());
        inner.put(new EntryKey(Value.of("future"), 0x4001), UnknownCrdt.of(0x4001, new TreeSet<>(List.of(deep)), bytes(0x07)));
        query("query_unknown_entry_of_a_nested_map", "A map under the key outer holds a GCounter of value 7 and an entry of the "
                        + "unknown type 0x4001: the query reports the nested entry as of unknown type, with its type id, beside "
                        + "the counter's value.", List.of("HY-VER-023", "HY-VEC-050"),
                new CausalState<>(ORMap.of(new TreeMap<>(Map.of(new EntryKey(Value.of("outer"), CrdtType.OR_MAP.id()), ORMap.of(inner)))),
                        nestedUnknown.context().with(List.of(deep))));
    }

    /** The query of {@code state} (table "The result of query"), as the reference adapter answers it. */
    static JsonNode queryOf(CausalState<? extends Crdt> state) {
        return ReferenceAdapter.queryOf(JSON.valueToTree(JsonView.of(state)).path("store"));
    }

    /** A query case: one input, and the query of the state that it decodes to, as the reference adapter answers it. */
    private void query(String id, String description, List<String> requirements, CausalState<? extends Crdt> input)
            throws ProtocolException {
        byte[] bytes = Codec.encode(input);
        CausalState<Crdt> built = general(input);
        if (!Codec.decode(bytes).state().equals(built)) {
            throw new IllegalStateException(id + ": the input does not decode to the state it encodes");
        }
        Map<String, Object> v = out.header("operations", id, "valid", description, requirements);
        v.put("operation", "query");
        v.put("inputs", List.of(HEX.formatHex(bytes)));
        v.put("expected", Map.of("value", queryOf(built)));
        out.write("operations", "valid", id, v);
    }

    @SafeVarargs
    private void operation(String id, String description, List<String> requirements, CausalState<? extends Crdt>... inputs)
            throws ProtocolException {
        List<Object> hex = new ArrayList<>();
        CausalState<Crdt> result = null;
        for (CausalState<? extends Crdt> input : inputs) {
            byte[] bytes = Codec.encode(input);
            hex.add(HEX.formatHex(bytes));
            CausalState<Crdt> built = general(input);
            if (!Codec.decode(bytes).state().equals(built)) {
                throw new IllegalStateException(id + ": an input does not decode to the state it encodes");
            }
            result = result == null ? built : result.join(built);
        }
        try {
            Codec.encode(result);
        } catch (SeveralOpaqueVersionsException forwardedAsCarried) {
            // HY-ENC-051: the one kind of join that a runner accepts no payload for (HY-VEC-049)
        } catch (PayloadNotEncodableException notEncodable) {
            throw new IllegalStateException(id + ": a join that one payload may not carry, which a runner could not judge "
                    + "(HY-VEC-049)", notEncodable);
        }
        Map<String, Object> v = out.header("operations", id, "valid", description, requirements);
        v.put("operation", "join");
        v.put("inputs", hex);
        v.put("expected", JsonView.of(result));
        out.write("operations", "valid", id, v);
    }
}
