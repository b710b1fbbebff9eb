package dev.hyphae.handshake;

import dev.hyphae.ErrorCode;
import dev.hyphae.ProtocolException;
import dev.hyphae.spec.Requirement;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Negotiation picks the highest common version and the common known capabilities, and refuses what it must. */
class NegotiationProperties {

    @Provide
    Arbitrary<List<ProtocolVersion>> versions() {
        return Combinators.combine(Arbitraries.integers().between(0, 3), Arbitraries.integers().between(0, 3))
                .as(ProtocolVersion::new).list().ofMaxSize(5);
    }

    @Provide
    Arbitrary<Set<Integer>> capabilities() {
        return Arbitraries.integers().between(1, 8).set().ofMaxSize(5);
    }

    @Property(tries = 1000)
    @Requirement({"HY-VER-002", "HY-VER-003", "HY-VER-025", "HY-VER-026"})
    void theResponderSelectsTheHighestCommonVersionAndTheCommonKnownCapabilities(
            @ForAll("versions") List<ProtocolVersion> offered, @ForAll("versions") List<ProtocolVersion> supported,
            @ForAll("capabilities") Set<Integer> offeredCapabilities, @ForAll("capabilities") Set<Integer> known)
            throws ProtocolException {
        Negotiation.Offer offer = new Negotiation.Offer(offered, new TreeSet<>(offeredCapabilities));
        TreeSet<ProtocolVersion> common = new TreeSet<>(offered);
        common.retainAll(supported);
        if (common.isEmpty()) {
            ProtocolException e = assertThrows(ProtocolException.class, () -> Negotiation.select(offer, supported, known));
            assertEquals(ErrorCode.UNSUPPORTED_VERSION, e.code());
            return;
        }
        Negotiation.Selection selection = Negotiation.select(offer, supported, known);
        assertEquals(common.last(), selection.version());
        TreeSet<Integer> expected = new TreeSet<>(offeredCapabilities);
        expected.retainAll(known);
        assertEquals(expected, selection.capabilities());
        Negotiation.check(offer, selection); // what an honest responder selects always passes the initiator's check
    }

    @Property(tries = 500)
    @Requirement({"HY-VER-004", "HY-VER-027"})
    void theInitiatorRefusesAVersionOrCapabilityItDidNotOffer(
            @ForAll("versions") List<ProtocolVersion> offered, @ForAll("capabilities") Set<Integer> offeredCapabilities,
            @ForAll("versions") List<ProtocolVersion> others, @ForAll("capabilities") Set<Integer> selected)
            throws ProtocolException {
        Negotiation.Offer offer = new Negotiation.Offer(offered, new TreeSet<>(offeredCapabilities));
        for (ProtocolVersion v : others) {
            Negotiation.Selection selection = new Negotiation.Selection(v, new TreeSet<>(selected));
            boolean honest = offered.contains(v) && offeredCapabilities.containsAll(selected);
            if (honest) {
                Negotiation.check(offer, selection); // a selection within the offer passes
                continue;
            }
            ProtocolException e = assertThrows(ProtocolException.class, () -> Negotiation.check(offer, selection));
            assertEquals(ErrorCode.PROTOCOL_VIOLATION, e.code());
        }
    }

    @Property(tries = 100)
    @Requirement("HY-VER-028")
    void capabilityZeroIsRefusedInAnOfferAndInASelection(@ForAll("capabilities") Set<Integer> capabilities) {
        TreeSet<Integer> withZero = new TreeSet<>(capabilities);
        withZero.add(0);
        List<ProtocolVersion> v = List.of(ProtocolVersion.V1_0);
        assertEquals(ErrorCode.PROTOCOL_VIOLATION, assertThrows(ProtocolException.class,
                () -> Negotiation.select(new Negotiation.Offer(v, withZero), v, Set.of())).code());
        assertEquals(ErrorCode.PROTOCOL_VIOLATION, assertThrows(ProtocolException.class,
                () -> Negotiation.check(new Negotiation.Offer(v, withZero), new Negotiation.Selection(ProtocolVersion.V1_0, withZero))).code());
    }
}
