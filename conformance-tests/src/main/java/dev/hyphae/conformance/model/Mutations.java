package dev.hyphae.conformance.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import dev.hyphae.data.ReplicaId;
import dev.hyphae.data.Value;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

import java.util.List;

/**
 * Mutations: generated as {@link Plan}s, which say what to do in terms that do not depend on the state
 * ("write a value with the next timestamp"), then resolved against the state they apply to into the
 * {@code mutation} object of the adapter's {@code mutate} request and its timestamp; and applied to the model.
 */
public final class Mutations {

    private Mutations() {
    }

    /**
     * A generated mutation, before it meets a state.
     *
     * @param op         which of the type's mutators, modulo their number
     * @param amount     a counter's amount (unsigned), 0 and 2^64-1 included, so that refusals happen
     * @param value      a register's value or a set's element
     * @param stale      for an LWWRegister write: reuse the greatest timestamp of the store, which must be refused
     * @param key        an ORMap key
     * @param nestedType an ORMap update's type
     * @param nested     an ORMap update's mutation of the entry, or null at the deepest level
     */
    public record Plan(int op, long amount, Value value, boolean stale, Value key, CrdtType nestedType, Plan nested) {
    }

    /**
     * A plan resolved against a state.
     *
     * @param mutation  the {@code mutation} member of the request
     * @param timestamp the {@code timestamp} member, or null when no register is written
     */
    public record Resolved(ObjectNode mutation, Long timestamp) {
    }

    /** Plans that nest ORMap updates up to {@code depth} levels. */
    public static Arbitrary<Plan> plans(int depth) {
        Arbitrary<Plan> nested = depth == 0 ? Arbitraries.just(null) : plans(depth - 1);
        List<CrdtType> types = depth == 0 ? List.of(CrdtType.GCOUNTER) : List.of(CrdtType.values());
        return Combinators.combine(
                Arbitraries.integers().between(0, 11),
                Arbitraries.of(1L, 2L, 7L, 0L, -1L),
                States.values(),
                Arbitraries.of(false, false, false, true),
                States.keys(),
                Arbitraries.of(types),
                nested).as(Plan::new);
    }

    /** The mutation that {@code plan} makes of {@code store} (the root of a state, or an ORMap's entry). */
    public static Resolved resolve(Plan plan, Crdt store) {
        ObjectNode m = Model.JSON.createObjectNode();
        Long timestamp = null;
        if (store instanceof GCounter) {
            m.put("op", "increment").put("amount", Long.toUnsignedString(plan.amount()));
        } else if (store instanceof PNCounter) {
            m.put("op", plan.op() % 2 == 0 ? "increment" : "decrement").put("amount", Long.toUnsignedString(plan.amount()));
        } else if (store instanceof LWWRegister r) {
            m.put("op", "write");
            m.set("value", value(plan.value()));
            // HY-DATA-029: a write's timestamp exceeds every timestamp of the store; a stale one is refused, and
            // so is a write to a store that holds 2^64-1 (HY-DATA-031), where the next timestamp wraps to 0.
            timestamp = r.isEmpty() ? 1L : plan.stale() ? r.greatestTimestamp() : r.greatestTimestamp() + 1;
        } else if (store instanceof MVRegister) {
            m.put("op", "write");
            m.set("value", value(plan.value()));
        } else if (store instanceof EWFlag) {
            m.put("op", plan.op() % 3 == 2 ? "disable" : "enable");
        } else if (store instanceof AWSet) {
            switch (plan.op() % 5) {
                case 0, 1, 2 -> m.put("op", "add").set("element", value(plan.value()));
                case 3 -> m.put("op", "remove").set("element", value(plan.value()));
                default -> m.put("op", "clear");
            }
        } else if (store instanceof ORMap map) {
            int choice = plan.op() % 6;
            if (choice < 4 && plan.nested() != null) {
                m.put("op", "update");
                m.set("key", value(plan.key()));
                m.put("type", Integer.toString(plan.nestedType().id()));
                Crdt entry = map.get(plan.key(), plan.nestedType());
                Resolved inner = resolve(plan.nested(), entry);
                m.set("mutation", inner.mutation());
                timestamp = inner.timestamp();
            } else if (choice < 5 || plan.nested() == null) {
                m.put("op", "remove").set("key", value(plan.key()));
            } else {
                m.put("op", "clear");
            }
        } else {
            throw new IllegalArgumentException("no mutators for " + store);
        }
        return new Resolved(m, timestamp);
    }

    private static JsonNode value(Value v) {
        return Model.JSON.valueToTree(JsonView.value(v));
    }

    /**
     * The model's delta of {@code mutation} on {@code store}, in the document's context {@code context}.
     *
     * @throws dev.hyphae.data.MutationRefusedException when the model refuses the mutation
     */
    public static CausalState<Crdt> delta(Crdt store, CausalContext context, ReplicaId replica, Long timestamp, JsonNode mutation) {
        return general(apply(store, context, replica, timestamp, mutation));
    }

    @SuppressWarnings("unchecked")
    private static CausalState<Crdt> general(CausalState<? extends Crdt> state) {
        return (CausalState<Crdt>) state;
    }

    private static CausalState<? extends Crdt> apply(Crdt store, CausalContext context, ReplicaId replica, Long timestamp, JsonNode m) {
        String op = m.path("op").asText();
        if (store instanceof GCounter c) {
            return c.increment(context, replica, Long.parseUnsignedLong(m.path("amount").asText()));
        } else if (store instanceof PNCounter c) {
            long amount = Long.parseUnsignedLong(m.path("amount").asText());
            return op.equals("increment") ? c.increment(context, replica, amount) : c.decrement(context, replica, amount);
        } else if (store instanceof LWWRegister r) {
            return r.write(context, replica, Values.of(m.path("value")), timestamp);
        } else if (store instanceof MVRegister r) {
            return r.write(context, replica, Values.of(m.path("value")));
        } else if (store instanceof EWFlag f) {
            return op.equals("enable") ? f.enable(context, replica) : f.disable();
        } else if (store instanceof AWSet s) {
            return switch (op) {
                case "add" -> s.add(context, replica, Values.of(m.path("element")));
                case "remove" -> s.remove(Values.of(m.path("element")));
                default -> s.clear();
            };
        } else if (store instanceof ORMap map) {
            return switch (op) {
                case "update" -> map.update(Values.of(m.path("key")), CrdtType.of(Integer.parseInt(m.path("type").asText())),
                        (Crdt entry) -> general(apply(entry, context, replica, timestamp, m.path("mutation"))));
                case "remove" -> map.remove(Values.of(m.path("key")));
                default -> map.clear();
            };
        }
        throw new IllegalArgumentException("no mutators for " + store);
    }
}
