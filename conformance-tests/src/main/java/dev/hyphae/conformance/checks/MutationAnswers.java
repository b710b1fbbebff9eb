package dev.hyphae.conformance.checks;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hyphae.conformance.Checks;
import dev.hyphae.conformance.Profile;
import dev.hyphae.conformance.Response;
import dev.hyphae.conformance.Sut;
import dev.hyphae.model.CrdtType;
import dev.hyphae.model.JsonView;
import dev.hyphae.model.ReplicaId;
import dev.hyphae.model.Value;
import dev.hyphae.model.testkit.States;
import dev.hyphae.spec.Requirement;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The shape of the answers to {@code mutate} where the data model does not make the mutation: a refusal is a
 * result whose only member is {@code refused}, and an update of a type the implementation does not know is
 * {@code unsupported}, neither a refusal nor a result (the Conformance chapter's table of requests, HY-CONF-015).
 */
@Checks(Profile.REPLICA_SEMANTICS)
class MutationAnswers {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    /** A CRDT type id that no specification assigns, and so no implementation knows. */
    private static final int UNASSIGNED_TYPE = 0x4001;

    private final ReplicaId replica = States.REPLICAS.get(0);

    @BeforeEach
    void claimed() {
        Sut.requireProfile(Profile.REPLICA_SEMANTICS);
    }

    /**
     * A write to the empty LWWRegister at timestamp 5, then a second write at timestamp 5, which does not exceed the
     * register's greatest: refused (HY-DATA-029), as {"refused": "..."} in the result, with no delta and no state.
     */
    @Test
    @Requirement({"HY-DATA-029", "HY-DATA-024", "HY-CONF-015"})
    void aWriteThatDoesNotExceedTheGreatestTimestampIsRefusedAsAResult() {
        Sut.requireType(CrdtType.LWW_REGISTER.id());
        ObjectNode write = JSON.objectNode().put("op", "write");
        write.set("value", JsonView.value(new Value.Str("first")));
        Response first = Sut.mutate(null, CrdtType.LWW_REGISTER.id(), replica.hex(), 5L, write);
        byte[] state = Sut.bytes(Sut.result(first, "the first write, at timestamp 5").path("state"));
        ObjectNode again = JSON.objectNode().put("op", "write");
        again.set("value", JsonView.value(new Value.Str("second")));
        Response second = Sut.mutate(state, CrdtType.LWW_REGISTER.id(), States.REPLICAS.get(1).hex(), 5L, again);
        if (second.kind() != Response.Kind.RESULT || !second.result().path("refused").isTextual()
                || second.result().has("delta") || second.result().has("state")) {
            throw new AssertionError("a write to an LWWRegister whose timestamp is not above every timestamp of its store is refused, "
                    + "and a refusal is answered as a result whose only member is refused\ninput: replica "
                    + States.REPLICAS.get(1).hex() + " writes \"second\" at the timestamp 5 to the register " + Sut.hex(state)
                    + ", which holds a write at the timestamp 5\nexpected: a result {\"refused\": \"...\"} and nothing else\nactual: "
                    + second.describe());
        }
    }

    /**
     * An update of an ORMap entry of the type 0x4001, which no implementation knows and no claim can cover: the
     * implementation has no mutators for it, so the answer is {@code unsupported}; not {@code refused}, which is for what
     * the data model refuses, and not a delta: an implementation mutates only the types that it knows (the data model's section on unknown types).
     */
    @Test
    @Requirement({"HY-CONF-015", "HY-CONF-012"})
    void anUpdateOfAnEntryOfATypeNobodyKnowsIsUnsupported() {
        Sut.requireType(CrdtType.OR_MAP.id());
        ObjectNode update = JSON.objectNode().put("op", "update").put("type", Integer.toString(UNASSIGNED_TYPE));
        update.set("key", JsonView.value(new Value.Str("future")));
        update.set("mutation", JSON.objectNode().put("op", "enable"));
        Response r = Sut.mutate(null, CrdtType.OR_MAP.id(), replica.hex(), null, update);
        if (r.kind() != Response.Kind.UNSUPPORTED) {
            throw new AssertionError("an implementation mutates only the CRDT types that it knows, and answers a mutation of another "
                    + "type unsupported, neither refused nor made\ninput: the update " + update + " of the empty ORMap by replica "
                    + replica.hex() + ", of an entry of the unassigned CRDT type " + UNASSIGNED_TYPE + "\nexpected: unsupported\nactual: "
                    + r.describe());
        }
    }
}
