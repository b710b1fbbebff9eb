package dev.hyphae.crdt;

import dev.hyphae.codec.Codec;
import dev.hyphae.data.CausalContext;
import dev.hyphae.data.Dot;
import dev.hyphae.data.Limits;
import dev.hyphae.data.MutationRefusedException;
import dev.hyphae.data.ReplicaId;
import dev.hyphae.data.Value;
import dev.hyphae.spec.Requirement;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertThrows;

/** A mutation whose delta would exceed a limit is refused when it is made, not when it is sent. */
class DeltaLimitsTest {

    private static final ReplicaId A = ReplicaId.fromHex("0a000000000000000000000000000001");

    /** A set whose n elements each hold one dot, counters 2, 4, 6, ...: no two are contiguous. */
    private static CausalState<AWSet> scattered(int n) {
        TreeMap<Value, TreeSet<Dot>> entries = new TreeMap<>();
        List<Dot> dots = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Dot dot = new Dot(A, 2L * (i + 1));
            entries.put(Value.of((long) i), new TreeSet<>(List.of(dot)));
            dots.add(dot);
        }
        return new CausalState<>(AWSet.of(entries), CausalContext.of(dots));
    }

    @Test
    @Requirement({"HY-DATA-044", "HY-DATA-043"})
    void aClearThatWouldScatterMoreThanTheCloudLimitIsRefusedAndOneAtTheLimitIsSent() {
        CausalState<AWSet> atLimit = scattered(Limits.MAX_CLOUD_DOTS);
        Codec.encode(atLimit.store().clear());

        CausalState<AWSet> over = scattered(Limits.MAX_CLOUD_DOTS + 1);
        assertThrows(MutationRefusedException.class, () -> over.store().clear());
    }
}
