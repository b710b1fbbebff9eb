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
 * The vectors of the area {@code operations}: joins of encoded states, each with the state the join must give.
 * Each input is checked, as it is written, to decode to the state it encodes.
 */
final class OperationVectors {

    private static final HexFormat HEX = HexFormat.of();

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
        Map<String, Object> v = out.header("operations", id, "valid", description, requirements);
        v.put("operation", "join");
        v.put("inputs", hex);
        v.put("expected", JsonView.of(result));
        out.write("operations", "valid", id, v);
    }
}
