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

import java.util.Arrays;
import java.util.EnumSet;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
