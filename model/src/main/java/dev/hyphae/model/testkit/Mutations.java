package dev.hyphae.model.testkit;

import dev.hyphae.model.AWSet;
import dev.hyphae.model.CrdtType;
import dev.hyphae.model.EWFlag;
import dev.hyphae.model.GCounter;
import dev.hyphae.model.LWWRegister;
import dev.hyphae.model.MVRegister;
import dev.hyphae.model.Mutation;
import dev.hyphae.model.ORMap;
import dev.hyphae.model.PNCounter;
import dev.hyphae.model.Store;
import dev.hyphae.model.Value;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

import java.util.List;

/**
 * Arbitraries of mutations: generated as {@link Plan}s, which say what to do in terms that do not depend on the
 * state ("write a value with the next timestamp"), then resolved against the store they apply to.
 */
public final class Mutations {

    private Mutations() {
    }

    /**
     * A generated mutation, before it meets a store.
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
    public static Mutation resolve(Plan plan, Store store) {
        if (store instanceof GCounter) {
            return new Mutation.Increment(plan.amount());
        } else if (store instanceof PNCounter) {
            return plan.op() % 2 == 0 ? new Mutation.Increment(plan.amount()) : new Mutation.Decrement(plan.amount());
        } else if (store instanceof LWWRegister r) {
            // HY-DATA-029: a write's timestamp exceeds every timestamp of the store; a stale one is refused, and so
            // is a write to a store that holds 2^64-1 (HY-DATA-031), where the next timestamp wraps to 0.
            long greatest = r.writes().values().stream().mapToLong(LWWRegister.Write::timestamp)
                    .reduce(0L, (a, b) -> Long.compareUnsigned(a, b) >= 0 ? a : b);
            long timestamp = r.isEmpty() ? 1L : plan.stale() ? greatest : greatest + 1;
            return new Mutation.Write(plan.value(), timestamp);
        } else if (store instanceof MVRegister) {
            return new Mutation.Write(plan.value(), null);
        } else if (store instanceof EWFlag) {
            return plan.op() % 3 == 2 ? new Mutation.Disable() : new Mutation.Enable();
        } else if (store instanceof AWSet) {
            return switch (plan.op() % 5) {
                case 0, 1, 2 -> new Mutation.Add(plan.value());
                case 3 -> new Mutation.Remove(plan.value());
                default -> new Mutation.Clear();
            };
        } else if (store instanceof ORMap map) {
            int choice = plan.op() % 6;
            if (choice < 4 && plan.nested() != null) {
                Store entry = map.get(plan.key(), plan.nestedType().id());
                return new Mutation.Update(plan.key(), plan.nestedType().id(), resolve(plan.nested(), entry));
            } else if (choice < 5 || plan.nested() == null) {
                return new Mutation.RemoveKey(plan.key());
            }
            return new Mutation.Clear();
        }
        throw new IllegalArgumentException("no mutators for " + store);
    }
}
