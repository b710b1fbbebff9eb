package dev.hyphae.model;

/**
 * An update operation of "CRDT types", whose delta mutator {@link Mutators#delta} computes. The operations are
 * those of the adapter protocol's {@code mutate} request (chapter "Conformance", table "Mutations").
 */
public sealed interface Mutation {

    /** GCounter and PNCounter: increment(n), n unsigned. */
    record Increment(long amount) implements Mutation {
    }

    /** PNCounter: decrement(n), n unsigned. */
    record Decrement(long amount) implements Mutation {
    }

    /**
     * LWWRegister: write(v, t); MVRegister: write(v).
     *
     * @param timestamp the timestamp t of an LWWRegister write, unsigned; null for an MVRegister
     */
    record Write(Value value, Long timestamp) implements Mutation {
    }

    /** EWFlag: enable. */
    record Enable() implements Mutation {
    }

    /** EWFlag: disable. */
    record Disable() implements Mutation {
    }

    /** AWSet: add(e). */
    record Add(Value element) implements Mutation {
    }

    /** AWSet: remove(e). */
    record Remove(Value element) implements Mutation {
    }

    /** ORMap: remove(k), every entry of the key, whatever its type. */
    record RemoveKey(Value key) implements Mutation {
    }

    /** AWSet and ORMap: clear. */
    record Clear() implements Mutation {
    }

    /** ORMap: update(k, t, m), the mutation m of the store under (k, t). */
    record Update(Value key, int typeId, Mutation mutation) implements Mutation {
    }
}
