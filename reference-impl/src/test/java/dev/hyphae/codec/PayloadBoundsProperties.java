package dev.hyphae.codec;

import dev.hyphae.crdt.AWSet;
import dev.hyphae.crdt.CausalState;
import dev.hyphae.crdt.Crdt;
import dev.hyphae.crdt.CrdtArbitraries;
import dev.hyphae.crdt.CrdtType;
import dev.hyphae.data.CausalContext;
import dev.hyphae.data.Dot;
import dev.hyphae.data.Limits;
import dev.hyphae.data.ReplicaId;
import dev.hyphae.data.Value;
import dev.hyphae.spec.Requirement;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * HY-DATA-043 without decoding on the hot path: a payload that {@link PayloadBounds} finds far within every limit is
 * one the decoder accepts, so the encoder need not check it; a payload it does not vouch for is checked exactly, and
 * one that breaks a limit or leaves a dot out of its context is refused, as before.
 */
class PayloadBoundsProperties {

    @Provide
    Arbitrary<CausalState<Crdt>> anyStates() {
        return CrdtArbitraries.types().flatMap(CrdtArbitraries::states);
    }

    @Property(tries = 1000)
    @Requirement("HY-DATA-043")
    void aPayloadVouchedForIsOneTheDecoderAccepts(@ForAll("anyStates") CausalState<Crdt> state) throws Exception {
        Payload payload = Payload.of(state);
        // Every state of the generators is small: each takes the path that does not decode.
        assertTrue(PayloadBounds.certainlyWithin(payload));
        assertEquals(state, PayloadDecoder.decode(PayloadEncoder.encode(payload, null), (ExternalTables) null).state());
    }

    @Property(tries = 300)
    @Requirement({"HY-DATA-043", "HY-DATA-019"})
    void aStoreWithADotOutOfItsContextIsNeverVouchedForAndIsRefused(@ForAll("anyStates") CausalState<Crdt> state) {
        List<Dot> dots = state.dots();
        // A state without a dot has none to leave out, and a value of unknown type is exempt from HY-DATA-019.
        boolean applies = !dots.isEmpty() && !PayloadDecoding.holdsUnknownType(state.store());
        Statistics.label("a dot to leave out").collect(applies);
        Statistics.label("a dot to leave out").coverage(c -> c.check(true).percentage(p -> p >= 50));
        if (!applies) {
            return;
        }
        // A context of the store's dots but its last one, which a decoder refuses (HY-DATA-019); built from the
        // store's dots, not by listing the context's ranges, so that it costs what the store holds at any counter.
        Dot left = dots.get(dots.size() - 1);
        List<Dot> covered = new ArrayList<>(dots);
        covered.removeIf(left::equals);   // a faulty state may hold it twice
        CausalState<Crdt> uncovered = new CausalState<>(state.store(), CausalContext.of(covered));
        assertFalse(PayloadBounds.certainlyWithin(Payload.of(uncovered)));
        assertFalse(PayloadBounds.coversItsDots(Payload.of(uncovered)));
        assertThrows(IllegalArgumentException.class, () -> Codec.encode(uncovered));
    }

    @Test
    @Requirement({"HY-DATA-043", "HY-DATA-040"})
    void nearTheElementLimitThePayloadIsCheckedExactly() {
        ReplicaId replica = ReplicaId.fromHex("5e4503000000000000000000000000a1");
        // Each element with its dot counts two: just past half of MAX_ELEMENTS, not vouched for, and sent.
        CausalState<Crdt> half = set(replica, Limits.MAX_ELEMENTS / 4 + 1);
        assertFalse(PayloadBounds.certainlyWithin(Payload.of(half)));
        assertDoesNotThrow(() -> Codec.encode(half));
        // Past MAX_ELEMENTS: refused.
        CausalState<Crdt> over = set(replica, Limits.MAX_ELEMENTS / 2 + 1);
        assertThrows(PayloadTooLargeException.class, () -> Codec.encode(over));
    }

    private static CausalState<Crdt> set(ReplicaId replica, int elements) {
        TreeMap<Value, SortedSet<Dot>> entries = new TreeMap<>();
        for (int i = 1; i <= elements; i++) {
            TreeSet<Dot> dots = new TreeSet<>();
            dots.add(new Dot(replica, i));
            entries.put(Value.of((long) i), dots);
        }
        TreeMap<ReplicaId, Long> vector = new TreeMap<>();
        vector.put(replica, (long) elements);
        return new CausalState<>(AWSet.of(entries), CausalContext.ofCanonical(vector, new TreeSet<>()));
    }
}
