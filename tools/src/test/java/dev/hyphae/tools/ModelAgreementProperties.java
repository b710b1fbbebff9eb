package dev.hyphae.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hyphae.ProtocolException;
import dev.hyphae.codec.Codec;
import dev.hyphae.codec.ExternalTables;
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
import dev.hyphae.data.MutationRefusedException;
import dev.hyphae.data.ReplicaId;
import dev.hyphae.model.JsonView;
import dev.hyphae.model.Mutation;
import dev.hyphae.model.MutationRefused;
import dev.hyphae.model.Mutators;
import dev.hyphae.model.State;
import dev.hyphae.model.encoding.Malformed;
import dev.hyphae.model.encoding.PayloadDecoder;
import dev.hyphae.model.encoding.PayloadEncoder;
import dev.hyphae.model.testkit.Mutations;
import dev.hyphae.model.testkit.States;
import dev.hyphae.spec.Requirement;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The reference implementation and the executable model, which share no code, agree on generated states: on
 * joins (and so on the queries that the views hold), on delta mutators and their refusals, and on payloads, each
 * decoding what the other encodes. A bug that one of them has shows here as a disagreement, which the
 * specification settles. States cross over through the JSON view (model to reference by {@link ViewReader}) and
 * through payloads.
 */
class ModelAgreementProperties {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNode REFUSED = JSON.getNodeFactory().textNode("refused");

    @Provide
    Arbitrary<List<State>> twoStatesOfOneType() {
        return Arbitraries.of(dev.hyphae.model.CrdtType.values()).flatMap(t -> States.states(t, true).list().ofSize(2));
    }

    @Provide
    Arbitrary<State> states() {
        return States.states();
    }

    @Provide
    Arbitrary<Mutations.Plan> plans() {
        return Mutations.plans(2);
    }

    @Provide
    Arbitrary<dev.hyphae.model.ReplicaId> replicas() {
        return Arbitraries.of(States.REPLICAS);
    }

    @Property(tries = 500)
    @Requirement({"HY-DATA-020", "HY-DATA-026", "HY-DATA-028", "HY-DATA-032", "HY-DATA-033", "HY-DATA-034", "HY-DATA-038"})
    void joinsAgree(@ForAll("twoStatesOfOneType") List<State> states) {
        CausalState<Crdt> a = reference(states.get(0));
        CausalState<Crdt> b = reference(states.get(1));
        assertEquals(JsonView.of(states.get(0).join(states.get(1))), view(a.join(b)));
    }

    @Property(tries = 500)
    @Requirement({"HY-ENC-002", "HY-ENC-047"})
    void eachDecodesWhatTheOtherEncodes(@ForAll("twoStatesOfOneType") List<State> states) throws ProtocolException, Malformed {
        State state = states.get(0);
        assertEquals(JsonView.of(state), view(Codec.decode(PayloadEncoder.encode(state)).state()));
        assertEquals(JsonView.of(state), JsonView.of(PayloadDecoder.decode(Codec.encode(reference(state)))));
    }

    /**
     * On payloads cut short or with bytes flipped, both decoders reach the same verdict: both refuse, or both accept
     * and decode to the same view.
     */
    @Property(tries = 3000)
    @Requirement({"HY-ENC-002", "HY-ENC-005", "HY-ENC-007", "HY-VEC-014"})
    void decodersAgreeOnDamagedPayloads(@ForAll("twoStatesOfOneType") List<State> states,
                                        @ForAll @IntRange(min = 0, max = 1 << 16) int position,
                                        @ForAll("flips") int flip, @ForAll @IntRange(min = 0, max = 3) int cut) {
        byte[] payload = PayloadEncoder.encode(states.get(0));
        payload[position % payload.length] ^= (byte) flip;
        byte[] input = Arrays.copyOf(payload, payload.length - cut);
        JsonNode model;
        try {
            model = JsonView.of(PayloadDecoder.decode(input));
        } catch (Malformed refused) {
            model = REFUSED;
        }
        JsonNode reference;
        try {
            reference = view(Codec.decode(input).state());
        } catch (ProtocolException refused) {
            reference = REFUSED;
        }
        assertEquals(model, reference, () -> HexFormat.of().formatHex(input));
    }

    @Provide
    Arbitrary<State> maps() {
        return States.states(dev.hyphae.model.CrdtType.OR_MAP, false);
    }

    /** Every key of the maps of {@code store}, at any depth, each once, in an order that {@code seed} gives. */
    private static List<dev.hyphae.model.Value> keyTable(dev.hyphae.model.Store store, long seed) {
        java.util.Set<dev.hyphae.model.Value> keys = new java.util.LinkedHashSet<>();
        collectKeys(store, keys);
        List<dev.hyphae.model.Value> table = new java.util.ArrayList<>(keys);
        java.util.Collections.shuffle(table, new java.util.Random(seed));
        return table;
    }

    private static void collectKeys(dev.hyphae.model.Store store, java.util.Set<dev.hyphae.model.Value> into) {
        if (store instanceof dev.hyphae.model.ORMap map) {
            map.entries().forEach((key, value) -> {
                into.add(key.key());
                collectKeys(value, into);
            });
        }
    }

    /**
     * In session form against both session tables, each decodes what the other encodes, and both write the same
     * {@code key_indexes} column for the root batch: the entries of each store in the order of their key indexes.
     */
    @Property(tries = 500)
    @Requirement({"HY-ENC-102", "HY-ENC-104", "HY-ENC-106"})
    void eachDecodesWhatTheOtherEncodesAgainstAKeyTable(@ForAll("maps") State state, @ForAll long seed)
            throws ProtocolException, Malformed {
        List<dev.hyphae.model.ReplicaId> replicas = new java.util.ArrayList<>(States.REPLICAS);
        java.util.Collections.shuffle(replicas, new java.util.Random(seed));
        List<dev.hyphae.model.Value> keys = keyTable(state.store(), seed);
        ExternalTables tables = new ExternalTables(replicas.stream().map(r -> ReplicaId.fromHex(r.hex())).toList(),
                keys.stream().map(k -> ViewReader.value(JsonView.value(k))).toList());
        byte[] model = PayloadEncoder.encode(state, replicas, keys);
        byte[] reference = Codec.encode(reference(state), tables);
        assertEquals(JsonView.of(state), view(Codec.decode(model, tables).state()));
        assertEquals(JsonView.of(state), JsonView.of(PayloadDecoder.decode(reference, replicas, keys)));
        assertEquals(keyIndexes(reference), keyIndexes(model), "the root batch's key_indexes");
    }

    private static String keyIndexes(byte[] payload) {
        java.nio.ByteBuffer column = hyphae.v1.Payload.getRootAsPayload(java.nio.ByteBuffer.wrap(payload)).root().keyIndexesAsByteBuffer();
        if (column == null) {
            return "absent";
        }
        byte[] bytes = new byte[column.remaining()];
        column.get(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    @Provide
    Arbitrary<Integer> flips() {
        return Arbitraries.of(0x01, 0x02, 0x04, 0x10, 0x80, 0xff);
    }

    @Property(tries = 1000)
    @Requirement({"HY-DATA-021", "HY-DATA-024", "HY-DATA-025", "HY-DATA-027", "HY-DATA-029", "HY-DATA-031", "HY-DATA-044"})
    void deltaMutatorsAgree(@ForAll("states") State state, @ForAll("plans") Mutations.Plan plan,
                            @ForAll("replicas") dev.hyphae.model.ReplicaId replica) {
        Mutation m = Mutations.resolve(plan, state.store());
        JsonNode model;
        try {
            model = JsonView.of(Mutators.delta(state, replica, m));
        } catch (MutationRefused refused) {
            model = REFUSED;
        }
        JsonNode reference;
        CausalState<Crdt> s = reference(state);
        try {
            reference = view(mutate(s.store(), s.context(), ReplicaId.fromHex(replica.hex()), m));
        } catch (MutationRefusedException refused) {
            reference = REFUSED;
        }
        assertEquals(model, reference, () -> JsonView.mutation(m) + " at " + JsonView.timestamp(m) + " on " + JsonView.of(state));
    }

    private static CausalState<Crdt> reference(State state) {
        return ViewReader.state(JsonView.of(state));
    }

    private static JsonNode view(CausalState<? extends Crdt> state) {
        return JSON.valueToTree(dev.hyphae.codec.JsonView.of(state));
    }

    @SuppressWarnings("unchecked")
    private static CausalState<Crdt> general(CausalState<? extends Crdt> state) {
        return (CausalState<Crdt>) state;
    }

    /** The reference's delta of the model's mutation {@code m}. */
    private static CausalState<Crdt> mutate(Crdt store, CausalContext c, ReplicaId r, Mutation m) {
        if (store instanceof GCounter g && m instanceof Mutation.Increment i) {
            return general(g.increment(c, r, i.amount()));
        } else if (store instanceof PNCounter p && m instanceof Mutation.Increment i) {
            return general(p.increment(c, r, i.amount()));
        } else if (store instanceof PNCounter p && m instanceof Mutation.Decrement d) {
            return general(p.decrement(c, r, d.amount()));
        } else if (store instanceof LWWRegister l && m instanceof Mutation.Write w) {
            return general(l.write(c, r, value(w.value()), w.timestamp()));
        } else if (store instanceof MVRegister v && m instanceof Mutation.Write w) {
            return general(v.write(c, r, value(w.value())));
        } else if (store instanceof EWFlag f && m instanceof Mutation.Enable) {
            return general(f.enable(c, r));
        } else if (store instanceof EWFlag f && m instanceof Mutation.Disable) {
            return general(f.disable());
        } else if (store instanceof AWSet s && m instanceof Mutation.Add a) {
            return general(s.add(c, r, value(a.element())));
        } else if (store instanceof AWSet s && m instanceof Mutation.Remove x) {
            return general(s.remove(value(x.element())));
        } else if (store instanceof AWSet s && m instanceof Mutation.Clear) {
            return general(s.clear());
        } else if (store instanceof ORMap map && m instanceof Mutation.Update u) {
            return general(map.update(value(u.key()), CrdtType.of(u.typeId()), (Crdt entry) -> mutate(entry, c, r, u.mutation())));
        } else if (store instanceof ORMap map && m instanceof Mutation.RemoveKey x) {
            return general(map.remove(value(x.key())));
        } else if (store instanceof ORMap map && m instanceof Mutation.Clear) {
            return general(map.clear());
        }
        throw new IllegalArgumentException("no mutation " + m + " for " + store);
    }

    private static dev.hyphae.data.Value value(dev.hyphae.model.Value v) {
        return ViewReader.value(JsonView.value(v));
    }
}
