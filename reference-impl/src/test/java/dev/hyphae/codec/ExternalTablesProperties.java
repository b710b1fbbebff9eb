package dev.hyphae.codec;

import dev.hyphae.crdt.CausalState;
import dev.hyphae.crdt.Crdt;
import dev.hyphae.crdt.CrdtArbitraries;
import dev.hyphae.data.ReplicaId;
import dev.hyphae.data.Value;
import dev.hyphae.spec.Requirement;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * {@link ExternalTables} indexes its entries once, on the encoder's first call, and the encoder reads those indexes: an
 * index is the entry's position in its table, a table that holds an entry twice is refused, and every payload encoded
 * against one value of the tables that serves many payloads decodes, against the same value, to the state encoded.
 */
class ExternalTablesProperties {

    @Provide
    Arbitrary<List<CausalState<Crdt>>> maps() {
        return CrdtArbitraries.states(dev.hyphae.crdt.CrdtType.OR_MAP)
                .filter(s -> !PayloadDecoding.holdsUnknownType(s.store())).list().ofMinSize(1).ofMaxSize(6);
    }

    @Provide
    Arbitrary<Random> randoms() {
        return Arbitraries.randoms();
    }

    @Property(tries = 200)
    @Requirement("HY-ENC-059")
    void aSharedValueOfTheTablesCarriesEveryPayloadThere(@ForAll("maps") List<CausalState<Crdt>> states,
                                                         @ForAll("randoms") Random random) throws Exception {
        List<ReplicaId> replicas = new ArrayList<>(CrdtArbitraries.REPLICAS);
        Collections.shuffle(replicas, random);
        List<Value> keys = new ArrayList<>();
        states.forEach(s -> KeyIndexProperties.keys(s.store()).forEach(k -> {
            if (!keys.contains(k)) {
                keys.add(k);
            }
        }));
        Collections.shuffle(keys, random);
        ExternalTables shared = new ExternalTables(replicas, keys);
        for (int i = 0; i < replicas.size(); i++) {
            assertEquals(i, shared.replicaIndexes().get(replicas.get(i)), "the index of a replica is its position");
        }
        for (int i = 0; i < keys.size(); i++) {
            assertEquals(i, shared.keyIndexes().get(keys.get(i)), "the index of a key is its position");
        }
        for (CausalState<Crdt> state : states) {
            byte[] encoded = Codec.encode(state, shared);
            assertEquals(state, Codec.decode(encoded, shared).state(),
                    "a payload encoded against the shared tables decodes against them to the state encoded");
        }
        assertEquals(new ExternalTables(replicas, keys), shared);
        assertEquals(new ExternalTables(replicas, keys).hashCode(), shared.hashCode());
    }

    @Property(tries = 100)
    void tablesThatHoldAnEntryTwiceAreRefused(@ForAll("randoms") Random random) {
        List<ReplicaId> replicas = new ArrayList<>(CrdtArbitraries.REPLICAS);
        replicas.add(replicas.get(random.nextInt(replicas.size())));
        Collections.shuffle(replicas, random);
        assertThrows(IllegalArgumentException.class, () -> ExternalTables.ofReplicas(replicas));
        List<Value> keys = new ArrayList<>(List.of(Value.of("a"), Value.of("b"), Value.of(3L)));
        keys.add(keys.get(random.nextInt(keys.size())));
        Collections.shuffle(keys, random);
        assertThrows(IllegalArgumentException.class, () -> new ExternalTables(List.of(), keys));
    }
}
