package dev.hyphae.tools;

import com.fasterxml.jackson.databind.ObjectMapper;
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
import dev.hyphae.data.CausalContext;
import dev.hyphae.data.Dot;
import dev.hyphae.data.MutationRefusedException;
import dev.hyphae.data.ReplicaId;
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
import static dev.hyphae.tools.VectorStates.T0;

/**
 * The {@code mutate} cases of the area {@code operations} (chapter "Test vectors", HY-VEC-052 to HY-VEC-054): a state, the
 * replica that mutates it and the mutation, in the notation of the adapter's {@code mutate} request, with the delta that
 * the mutator must return and the state after it; and, as invalid cases, mutations that must be refused (HY-VEC-056,
 * HY-VEC-057). Each state is one that generated inputs seldom reach and on which a
 * mutator was once found wrong: the first is the shrunk counterexample of a counter increment that added to the largest
 * of the replica's own entries instead of to their sum.
 *
 * <p>The expected delta is the reference adapter's answer to the same {@code mutate} request, so the notation of the
 * case and the mutation that the reference makes cannot drift apart; the model's mutators check every case on their
 * own (the model's {@code PayloadVectorsTest}).
 */
final class MutationVectors {

    private static final HexFormat HEX = HexFormat.of();
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A fourth and a fifth replica, for states of more concurrent writes than three replicas make. */
    private static final ReplicaId D = ReplicaId.fromHex("d0000000000000000000000000000004");
    private static final ReplicaId E = ReplicaId.fromHex("e0000000000000000000000000000005");

    private final VectorWriter out;

    MutationVectors(VectorWriter out) {
        this.out = out;
    }

    void write() throws ProtocolException {
        GCounter own = GCounter.of(new TreeMap<>(Map.of(new Dot(A, 1), 5L, new Dot(A, 2), 3L, new Dot(B, 1), 4L)));
        mutate("gcounter_increment_with_several_own_entries", "A GCounter in which replica A holds two entries, 5 and 3 (as "
                        + "only a faulty replica writes them), and B one of 4: A's increment by 2 replaces both of A's entries by "
                        + "one entry of a new dot, (A,3), that holds their sum plus 2, 10, not the largest plus 2; the value is 14.",
                List.of("HY-DATA-021", "HY-VEC-052", "HY-VEC-053"), covered(own), A, null, Map.of("op", "increment", "amount", "2"));

        TreeMap<Dot, PNCounter.Totals> totals = new TreeMap<>();
        totals.put(new Dot(B, 1), new PNCounter.Totals(7, 1));
        totals.put(new Dot(B, 2), new PNCounter.Totals(2, 4));
        totals.put(new Dot(C, 1), new PNCounter.Totals(3, 0));
        mutate("pncounter_decrement_with_several_own_entries", "A PNCounter in which replica B holds two entries, (7, 1) and "
                        + "(2, 4), and C one: B's decrement by 3 replaces both of B's entries by one entry of the dot (B,3) that "
                        + "holds their sums, 9 increments and 5 + 3 = 8 decrements; the value is 4.",
                List.of("HY-DATA-021", "HY-VEC-052", "HY-VEC-053"), covered(PNCounter.of(totals)), B, null,
                Map.of("op", "decrement", "amount", "3"));

        TreeMap<Dot, LWWRegister.Write> tie = new TreeMap<>();
        tie.put(new Dot(A, 1), new LWWRegister.Write(T0, Value.of("from A")));
        tie.put(new Dot(B, 1), new LWWRegister.Write(T0, Value.of("from B")));
        tie.put(new Dot(C, 1), new LWWRegister.Write(T0 - 1, Value.of("older")));
        mutate("lwwregister_write_over_a_timestamp_tie", "An LWWRegister holding an older write of C and two writes of one "
                        + "timestamp, A's and B's, whose tie B's greater replica id breaks: A's write at the next timestamp "
                        + "replaces all three, the entry that tied with the winner too, and holds alone.",
                List.of("HY-DATA-021", "HY-VEC-052", "HY-VEC-053"), covered(LWWRegister.of(tie)), A, T0 + 1,
                Map.of("op", "write", "value", JsonView.value(Value.of("from A again"))));

        TreeMap<Value, SortedSet<Dot>> elements = new TreeMap<>();
        elements.put(Value.of("x"), new TreeSet<>(List.of(new Dot(A, 1), new Dot(B, 1), new Dot(C, 1), new Dot(D, 1))));
        elements.put(Value.of("y"), new TreeSet<>(List.of(new Dot(A, 2))));
        mutate("awset_remove_of_an_element_that_four_replicas_added", "An AWSet whose element x four replicas added "
                        + "concurrently, each with a dot of its own, beside y: B's remove of x is a delta with no entry whose "
                        + "context holds every dot of x, (A,1), (B,1), (C,1) and (D,1); the set then holds y alone.",
                List.of("HY-DATA-021", "HY-VEC-052", "HY-VEC-053"), covered(AWSet.of(elements)), B, null,
                Map.of("op", "remove", "element", JsonView.value(Value.of("x"))));

        TreeMap<Dot, Value> siblings = new TreeMap<>();
        siblings.put(new Dot(A, 1), Value.of(1L));
        siblings.put(new Dot(B, 1), Value.of(2L));
        siblings.put(new Dot(C, 1), Value.of(3L));
        siblings.put(new Dot(D, 1), Value.of(3L));
        siblings.put(new Dot(E, 1), Value.of(5L));
        mutate("mvregister_write_over_five_siblings", "An MVRegister of five siblings, one from each of five replicas, two of "
                        + "them of one value: A's write replaces all five by one entry of the dot (A,2); the register then holds "
                        + "the value 4 alone.",
                List.of("HY-DATA-021", "HY-VEC-052", "HY-VEC-053"), covered(MVRegister.of(siblings)), A, null,
                Map.of("op", "write", "value", JsonView.value(Value.of(4L))));

        mutate("ewflag_disable_of_a_flag_that_two_replicas_enabled", "An EWFlag that A and B enabled: C's disable is a delta "
                        + "with no dot whose context holds both, and the flag is then off.",
                List.of("HY-DATA-021", "HY-VEC-052", "HY-VEC-053"),
                covered(EWFlag.of(new TreeSet<>(List.of(new Dot(A, 1), new Dot(B, 1))))),
                C, null, Map.of("op", "disable"));

        // An update is made in the causal context of the whole map (update(k, t, m) in the ORMap section of the data model
        // chapter): A's next dot is (A,4), after the dot (A,3) of another key, not (A,3), the next dot of the entry alone.
        TreeMap<EntryKey, Crdt> entries = new TreeMap<>();
        entries.put(new EntryKey(Value.of("kwh"), CrdtType.GCOUNTER.id()),
                GCounter.of(new TreeMap<>(Map.of(new Dot(A, 1), 5L, new Dot(A, 2), 3L))));
        entries.put(new EntryKey(Value.of("on"), CrdtType.EW_FLAG.id()), EWFlag.of(new TreeSet<>(List.of(new Dot(A, 3)))));
        mutate("ormap_update_of_a_counter_with_several_own_entries", "An ORMap whose key kwh holds a GCounter with two entries "
                        + "of replica A, 5 and 3, beside a flag enabled by A with the dot (A,3): A's increment of kwh by 1 is made "
                        + "in the causal context of the whole map, with the dot (A,4), and holds 9.",
                List.of("HY-DATA-021", "HY-VEC-052", "HY-VEC-053"), covered(ORMap.of(entries)), A, null,
                Map.of("op", "update", "key", JsonView.value(Value.of("kwh")), "type", Integer.toString(CrdtType.GCOUNTER.id()),
                        "mutation", Map.of("op", "increment", "amount", "1")));

        refusals(tie);
    }

    /**
     * The invalid {@code mutate} cases (HY-VEC-056, HY-VEC-057): mutations that the data model requires a replica to refuse,
     * each citing the rule that refuses it. A refusal has no code, since it is no protocol error (HY-DATA-024).
     */
    private void refusals(TreeMap<Dot, LWWRegister.Write> tie) throws ProtocolException {
        refused("lwwregister_write_at_the_timestamp_of_a_tie", "The LWWRegister of lwwregister_write_over_a_timestamp_tie, whose "
                        + "greatest timestamp two writes share: A's write at exactly that timestamp does not exceed every "
                        + "timestamp of the store, and is refused: a write must be above every timestamp of the store, even where, at a tie's "
                        + "timestamp, its new dot would be the greatest and so the winner.",
                List.of("HY-DATA-029", "HY-DATA-024", "HY-VEC-056"), covered(LWWRegister.of(tie)), A, T0,
                Map.of("op", "write", "value", JsonView.value(Value.of("from A again"))));

        // 2^63 + (2^63 - 2) = 2^64 - 2: each entry is far from the end of the range, their sum is not.
        GCounter nearTheEnd = GCounter.of(new TreeMap<>(Map.of(new Dot(A, 1), Long.MIN_VALUE, new Dot(A, 2), Long.MAX_VALUE - 1,
                new Dot(B, 1), 1L)));
        refused("gcounter_increment_past_the_range_with_several_own_entries", "A GCounter in which replica A holds two entries, "
                        + "2^63 and 2^63 - 2, and B one of 1: A's increment by 2 would make A's count, the sum of its entries, "
                        + "2^64, past 2^64 - 1, though each entry alone is far from it; it is refused.",
                List.of("HY-DATA-025", "HY-DATA-024", "HY-VEC-056"), covered(nearTheEnd), A, null,
                Map.of("op", "increment", "amount", "2"));
    }

    /**
     * A {@code mutate} case: {@code input}, mutated by {@code replica} with {@code mutation} (and {@code timestamp}, for a write
     * to an LWWRegister), with the delta that the reference adapter answers and the join of the input with it.
     */
    private void mutate(String id, String description, List<String> requirements, CausalState<Crdt> input, ReplicaId replica,
                        Long timestamp, Map<String, Object> mutation) throws ProtocolException {
        // HY-VEC-054: a refused mutation throws here, and no valid case is written.
        CausalState<Crdt> delta = ReferenceAdapter.deltaOf(input, replica, timestamp, JSON.valueToTree(mutation));
        Map<String, Object> v = request(id, "valid", description, requirements, input, replica, timestamp, mutation);
        v.put("expected", Map.of("delta", JsonView.of(delta), "state", JsonView.of(input.join(delta))));
        out.write("operations", "valid", id, v);
    }

    /**
     * An invalid {@code mutate} case: {@code input}, and a mutation of it that the reference adapter refuses; it has no
     * {@code expected} (HY-VEC-057).
     */
    private void refused(String id, String description, List<String> requirements, CausalState<Crdt> input, ReplicaId replica,
                         Long timestamp, Map<String, Object> mutation) throws ProtocolException {
        try {
            ReferenceAdapter.deltaOf(input, replica, timestamp, JSON.valueToTree(mutation));
            throw new IllegalStateException(id + ": the mutation is made, not refused");
        } catch (MutationRefusedException expected) {
            // HY-VEC-057: only a mutation that must be refused.
        }
        Map<String, Object> v = request(id, "invalid", description, requirements, input, replica, timestamp, mutation);
        out.write("operations", "invalid", id, v);
    }

    /** The members that every {@code mutate} case has: the one input, its type, the replica, the timestamp and the mutation. */
    private Map<String, Object> request(String id, String result, String description, List<String> requirements, CausalState<Crdt> input,
                                        ReplicaId replica, Long timestamp, Map<String, Object> mutation) throws ProtocolException {
        byte[] bytes = Codec.encode(input);
        if (!Codec.decode(bytes).state().equals(input)) {
            throw new IllegalStateException(id + ": the input does not decode to the state it encodes");
        }
        Map<String, Object> v = out.header("operations", id, result, description, requirements);
        v.put("operation", "mutate");
        v.put("inputs", List.of(HEX.formatHex(bytes)));
        v.put("type", Integer.toString(input.store().typeId()));
        v.put("replica", replica.toHex());
        if (timestamp != null) {
            v.put("timestamp", Long.toUnsignedString(timestamp));
        }
        v.put("mutation", mutation);
        return v;
    }

    /** {@code store}, with the smallest context that covers it. */
    private static CausalState<Crdt> covered(Crdt store) {
        List<Dot> dots = new ArrayList<>();
        store.forEachDot(dots::add);
        return new CausalState<>(store, CausalContext.of(dots));
    }
}
