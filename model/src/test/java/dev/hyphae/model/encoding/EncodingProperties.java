package dev.hyphae.model.encoding;

import dev.hyphae.model.CrdtType;
import dev.hyphae.model.State;
import dev.hyphae.model.testkit.States;
import dev.hyphae.spec.Requirement;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

import dev.hyphae.model.ReplicaId;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.EnumSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The model's decoder inverts its encoder, and ends every input, however cut or damaged, in a verdict. */
class EncodingProperties {

    @Provide
    Arbitrary<State> states() {
        return States.states(EnumSet.allOf(CrdtType.class), true);
    }

    @Property(tries = 1000)
    @Requirement({"HY-ENC-047", "HY-DATA-009", "HY-ENC-020", "HY-ENC-030"})
    void decodeInvertsEncode(@ForAll("states") State state) throws Malformed {
        assertEquals(state, PayloadDecoder.decode(PayloadEncoder.encode(state)));
    }

    @Property(tries = 500)
    @Requirement({"HY-ENC-055", "HY-ENC-057", "HY-ENC-059"})
    void decodeAgainstAnExternalTableInvertsEncodeAgainstIt(@ForAll("states") State state, @ForAll long seed) throws Malformed {
        // Every replica of the test kit, whether the state names it or not, in an order of the seed's choosing.
        List<ReplicaId> table = new ArrayList<>(States.REPLICAS);
        Collections.shuffle(table, new Random(seed));
        byte[] payload = PayloadEncoder.encode(state, table);
        assertEquals(state, PayloadDecoder.decode(payload, table));
        if (!state.context().replicas().isEmpty()) {
            // HY-ENC-056: without the table, or with one too short, an index is past it.
            assertThrows(Malformed.class, () -> PayloadDecoder.decode(payload));
            assertThrows(Malformed.class, () -> PayloadDecoder.decode(payload, List.of()));
        }
    }

    @Property(tries = 1000)
    @Requirement("HY-ENC-007")
    void everyDamagedInputEndsInAVerdict(@ForAll("states") State state, @ForAll @IntRange(min = 0, max = 4096) int position,
                                         @ForAll @IntRange(min = 1, max = 255) int flip, @ForAll @IntRange(min = 0, max = 24) int cut) {
        byte[] payload = PayloadEncoder.encode(state);
        payload[position % payload.length] ^= (byte) flip;
        try {
            PayloadDecoder.decode(Arrays.copyOf(payload, Math.max(0, payload.length - cut)));
        } catch (Malformed refused) {
            // a verdict
        }
    }
}
