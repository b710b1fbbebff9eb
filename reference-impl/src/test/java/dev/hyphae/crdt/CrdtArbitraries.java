package dev.hyphae.crdt;

import dev.hyphae.ProtocolException;
import dev.hyphae.codec.Codec;
import dev.hyphae.data.ReplicaId;
import dev.hyphae.data.Value;
import dev.hyphae.model.CausalContext;
import dev.hyphae.model.Dot;
import dev.hyphae.model.State;
import dev.hyphae.model.encoding.PayloadEncoder;
import dev.hyphae.model.testkit.States;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;

import java.util.List;
import java.util.Map;

/**
 * The states of the property tests: those of the shared test kit ({@code dev.hyphae.model.testkit}), the same that
 * the conformance suite generates, as states of this implementation. Each crosses over as a payload, which the
 * model's encoder writes and this implementation's decoder reads; so the generators are written once, apart from
 * the code they test.
 *
 * <p>The kit draws from small pools (three replicas, counters 1 to 6, a handful of values and keys), so that two
 * generated states often share dots, keys and elements: that is where joins go wrong.
 */
public final class CrdtArbitraries {

    public static final List<ReplicaId> REPLICAS = States.REPLICAS.stream().map(r -> ReplicaId.fromHex(r.hex())).toList();

    private CrdtArbitraries() {
    }

    /** Valid states: no dot occurs twice in the store, and the context covers the store; ORMaps may hold values of unknown types. */
    public static Arbitrary<CausalState<Crdt>> validStates(CrdtType type) {
        return States.states(modelType(type), true).map(CrdtArbitraries::fromModel);
    }

    /**
     * States that a decoder accepts, which are the valid states: a payload that holds one dot under two keys or two
     * elements, as only a faulty replica writes it, is refused (HY-DATA-055), so such states cannot cross over as
     * payloads. The model's own join laws are checked on those states too ({@code States.anyStates}).
     */
    public static Arbitrary<CausalState<Crdt>> states(CrdtType type) {
        return validStates(type);
    }

    /** Values of every kind, including the float64 corners: -0.0, 0.0, NaN, infinities. */
    public static Arbitrary<Value> values() {
        return States.values().map(CrdtArbitraries::fromModel);
    }

    /** Map keys: strings, bytes and int64s. */
    static Arbitrary<Value> keys() {
        return States.keys().map(CrdtArbitraries::fromModel);
    }

    /** Every type, ORMaps included. */
    public static Arbitrary<CrdtType> types() {
        return Arbitraries.of(CrdtType.values());
    }

    private static dev.hyphae.model.CrdtType modelType(CrdtType type) {
        return dev.hyphae.model.CrdtType.of(type.id());
    }

    /** The state of this implementation that the model's payload of {@code state} decodes to. */
    static CausalState<Crdt> fromModel(State state) {
        try {
            return Codec.decode(PayloadEncoder.encode(state)).state();
        } catch (ProtocolException e) {
            throw new AssertionError("the decoder refuses the model's payload of " + state, e);
        }
    }

    /** A value of this implementation: the one value of an MVRegister that the model writes with it. */
    static Value fromModel(dev.hyphae.model.Value value) {
        Dot dot = new Dot(States.REPLICAS.get(0), 1);
        State holder = new State(dev.hyphae.model.MVRegister.of(Map.of(dot, value)), CausalContext.of(List.of(dot)));
        return ((MVRegister) fromModel(holder).store()).entries().values().iterator().next();
    }
}
