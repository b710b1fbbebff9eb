package dev.hyphae.conformance;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hyphae.model.JsonView;
import dev.hyphae.model.State;
import dev.hyphae.model.encoding.PayloadEncoder;
import dev.hyphae.spec.Requirement;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which requests an adapter's claims oblige it to carry out: those it may not answer "unsupported". */
@Requirement({"HY-CONF-007", "HY-CONF-020"})
class ClaimsTest {

    private static final String GCOUNTER = HexFormat.of().formatHex(PayloadEncoder.encode(State.empty(1)));
    private static final String ORMAP = HexFormat.of().formatHex(PayloadEncoder.encode(State.empty(7)));

    private static Hello claiming(Set<Profile> profiles, Set<Integer> types) {
        return new Hello("t", "0", List.of("1.0"), profiles, types, List.of());
    }

    private static final Hello CODEC_AND_REPLICA_OF_GCOUNTER =
            claiming(EnumSet.of(Profile.CODEC, Profile.REPLICA_SEMANTICS), Set.of(1));

    private static ObjectNode join(String... payloads) {
        ObjectNode request = Adapter.request("join");
        for (String p : payloads) {
            request.withArray("payloads").add(p);
        }
        return request;
    }

    @Test
    void aRequestOfAClaimedProfileOnClaimedTypesIsCovered() {
        assertTrue(Claims.covering(CODEC_AND_REPLICA_OF_GCOUNTER, join(GCOUNTER, GCOUNTER)).isPresent());
        assertTrue(Claims.covering(CODEC_AND_REPLICA_OF_GCOUNTER, Adapter.request("decode").put("payload", GCOUNTER)).isPresent());
        ObjectNode encode = Adapter.request("encode");
        encode.set("view", JsonView.of(State.empty(1)));
        assertTrue(Claims.covering(CODEC_AND_REPLICA_OF_GCOUNTER, encode).isPresent());
    }

    @Test
    void aRequestOnATypeNotClaimedIsNotCovered() {
        assertFalse(Claims.covering(CODEC_AND_REPLICA_OF_GCOUNTER, join(GCOUNTER, ORMAP)).isPresent());
        ObjectNode encode = Adapter.request("encode");
        encode.set("view", JsonView.of(State.empty(7)));
        assertFalse(Claims.covering(CODEC_AND_REPLICA_OF_GCOUNTER, encode).isPresent());
        // A mutation that reaches a map entry of an unclaimed type, under a root of a claimed one.
        ObjectNode mutate = Adapter.request("mutate").put("type", "1");
        mutate.putObject("mutation").put("op", "update").put("type", "3");
        assertFalse(Claims.covering(CODEC_AND_REPLICA_OF_GCOUNTER, mutate).isPresent());
    }

    @Test
    void aRequestOfAProfileNotClaimedIsNotCovered() {
        Hello codecOnly = claiming(EnumSet.of(Profile.CODEC), Set.of(1, 7));
        assertFalse(Claims.covering(codecOnly, join(GCOUNTER)).isPresent());
        assertFalse(Claims.covering(codecOnly, Adapter.request("handshakeStart")).isPresent());
    }

    @Test
    void aPayloadThatMustBeRefusedIsCoveredWhateverTheTypes() {
        // A refusal needs no CRDT type: declining it is never allowed to an adapter that claims the Codec profile.
        assertTrue(Claims.covering(CODEC_AND_REPLICA_OF_GCOUNTER, Adapter.request("decode").put("payload", "00")).isPresent());
    }

    @Test
    void anOptionalCapabilityIsCoveredByNoClaim() {
        Hello everything = claiming(EnumSet.allOf(Profile.class), Set.of(1, 2, 3, 4, 5, 6, 7));
        assertFalse(Claims.covering(everything, Adapter.request("inflate")).isPresent());
    }
}
