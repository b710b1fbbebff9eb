package dev.hyphae.sync;

import dev.hyphae.codec.Codec;
import dev.hyphae.crdt.AWSet;
import dev.hyphae.crdt.CausalState;
import dev.hyphae.crdt.CrdtType;
import dev.hyphae.crdt.ORMap;
import dev.hyphae.data.CausalContext;
import dev.hyphae.data.Dot;
import dev.hyphae.data.ReplicaId;
import dev.hyphae.data.Value;
import dev.hyphae.spec.Requirement;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The context of a difference is computed on the dots that contexts denote and encoded as any other (HY-SYNC-073): a
 * dot taken out of the range that a version vector entry covers shortens the entry to the dots below it and puts the
 * dots above it in the cloud.
 */
class DifferenceContextTest {

    private static final ReplicaId R = ReplicaId.fromHex("00000000000000000000000000000001");

    /**
     * X has seen the dots 1 to 5 of R and still holds element 3 under its dot 3, the others removed; the neighbour has
     * seen 1 to 5. The difference sends no entry, and its context is X's without the dot 3, which the neighbour keeps:
     * R covered up to 2 and the dots 4 and 5 in the cloud, so that the neighbour removes the elements 4 and 5 too, and
     * the encoded payload carries exactly that context.
     */
    @Test
    @Requirement({"HY-SYNC-073", "HY-SYNC-016"})
    void aDotTakenOutOfAVectorEntrySplitsItIntoAShorterEntryAndACloud() throws Exception {
        CausalState<ORMap> x = DocumentReplica.empty();
        for (long i = 1; i <= 5; i++) {
            CausalContext c = x.context();
            Value element = Value.of(i);
            x = x.join(x.store().update(Value.of("set"), CrdtType.AW_SET, (AWSet s) -> s.add(c, R, element)));
        }
        for (long i : new long[] {1, 2, 4, 5}) {
            Value element = Value.of(i);
            x = x.join(x.store().update(Value.of("set"), CrdtType.AW_SET, (AWSet s) -> s.remove(element)));
        }
        assertEquals(Map.of(R, 5L), x.context().versionVector());
        assertEquals(List.of(Value.of(3L)), x.store().<AWSet>get(Value.of("set"), CrdtType.AW_SET).elements());

        CausalState<ORMap> difference = Difference.of(x, new TreeMap<>(Map.of(R, 5L)));
        assertEquals(true, difference.store().isEmpty(), difference.store().toString());
        CausalContext expected = CausalContext.ofCanonical(new TreeMap<>(Map.of(R, 2L)), new TreeSet<>(List.of(new Dot(R, 4), new Dot(R, 5))));
        assertEquals(expected, difference.context());
        assertEquals(expected, Codec.decode(Codec.encode(difference)).state().context());
    }
}
