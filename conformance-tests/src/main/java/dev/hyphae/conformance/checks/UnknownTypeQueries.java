package dev.hyphae.conformance.checks;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hyphae.conformance.Checks;
import dev.hyphae.conformance.Profile;
import dev.hyphae.conformance.Sut;
import dev.hyphae.conformance.model.Model;
import dev.hyphae.model.CausalContext;
import dev.hyphae.model.CrdtType;
import dev.hyphae.model.Dot;
import dev.hyphae.model.EntryKey;
import dev.hyphae.model.ORMap;
import dev.hyphae.model.Query;
import dev.hyphae.model.ReplicaId;
import dev.hyphae.model.State;
import dev.hyphae.model.Store;
import dev.hyphae.model.Unknown;
import dev.hyphae.model.Value;
import dev.hyphae.spec.Requirement;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The query of a value whose CRDT type the implementation does not know (HY-VER-023): reported as of unknown type,
 * with its type id, never as a value of a known type. Version 1 defines neither type 8, which is unassigned, nor
 * 0x8000, which is of the Private Use range: both stay opaque to an implementation of version 1.
 */
@Checks(Profile.REPLICA_SEMANTICS)
class UnknownTypeQueries {

    private static final ReplicaId REPLICA = new ReplicaId("0123456789abcdef0123456789abcdef");

    private static Unknown unknown(int typeId, long counter) {
        return new Unknown(typeId, new TreeSet<>(List.of(new Unknown.Version(List.of(new Dot(REPLICA, counter)), "0102"))));
    }

    private static State state(Store store) {
        return new State(store, CausalContext.of(store.dots()));
    }

    /**
     * An ORMap whose entries "opaque" and "zeros" hold values of the unknown types 8 and 0x8000: the query reports each
     * with its type id and the value null.
     */
    @Test
    @Requirement({"HY-VER-023", "HY-DATA-035"})
    void anEntryOfUnknownTypeIsQueriedAsUnknown() {
        Sut.requireProfile(Profile.REPLICA_SEMANTICS);
        Sut.requireType(CrdtType.OR_MAP.id());
        TreeMap<EntryKey, Store> entries = new TreeMap<>();
        entries.put(new EntryKey(new Value.Str("opaque"), 8), unknown(8, 1));
        entries.put(new EntryKey(new Value.Str("zeros"), 0x8000), unknown(0x8000, 2));
        State state = state(ORMap.of(entries));
        JsonNode expected = Query.of(state);
        JsonNode value = Sut.result(Sut.query(Model.encode(state)), "query").path("value");
        if (!expected.equals(value)) {
            throw new AssertionError("the query of an ORMap whose entries are of the unknown types 8 and 0x8000 reports each with its "
                    + "type id and the value null, never as a value of a known type: expected " + expected + ", the adapter's query "
                    + value + "\nstate: " + Model.view(state).path("store"));
        }
    }

    /** A state whose root is of the unknown type 8: its query is null. */
    @Test
    @Requirement("HY-VER-023")
    void aRootOfUnknownTypeIsQueriedAsUnknown() {
        Sut.requireProfile(Profile.REPLICA_SEMANTICS);
        State state = state(unknown(8, 1));
        JsonNode value = Sut.result(Sut.query(Model.encode(state)), "query").path("value");
        if (!value.isNull() || !Query.of(state).isNull()) {
            throw new AssertionError("the query of a state whose root is of the unknown type 8 is null, for a value of unknown type; "
                    + "the adapter's query " + value + "\nstate: " + Model.view(state).path("store"));
        }
    }
}
