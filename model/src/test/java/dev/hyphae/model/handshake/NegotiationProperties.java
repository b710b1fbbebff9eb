package dev.hyphae.model.handshake;

import dev.hyphae.model.testkit.Negotiations;
import dev.hyphae.spec.Requirement;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

import static dev.hyphae.model.handshake.ErrorRegistry.HANDSHAKE_FAILED;
import static dev.hyphae.model.handshake.ErrorRegistry.MALFORMED_MESSAGE;
import static dev.hyphae.model.handshake.ErrorRegistry.PROTOCOL_VIOLATION;
import static dev.hyphae.model.handshake.ErrorRegistry.UNSUPPORTED_CAPABILITY;
import static dev.hyphae.model.handshake.ErrorRegistry.UNSUPPORTED_VERSION;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The laws of negotiation that the specification states, checked on the model over generated offers and
 * responders: each is a sentence of chapter "Handshake" or "Versioning and Extensibility", read a second time, so
 * that the model's code and its reading of the chapter check each other.
 */
class NegotiationProperties {

    @Provide
    Arbitrary<Offer> offers() {
        return Negotiations.offers();
    }

    @Provide
    Arbitrary<Offer> wellFormedOffers() {
        return Negotiations.wellFormedOffers();
    }

    @Provide
    Arbitrary<Responder> responders() {
        return Negotiations.responders();
    }

    private static List<Integer> ids(Offer offer) {
        return offer.capabilities().stream().map(Capability::id).toList();
    }

    private static boolean wellFormed(Offer offer) {
        return Set.copyOf(ids(offer)).size() == ids(offer).size() && !ids(offer).contains(0)
                && (offer.maxFrameSize() == 0 || offer.maxFrameSize() >= 1024);
    }

    @Property(tries = 1000)
    @Requirement({"HY-VER-002", "HY-HS-005"})
    void theChosenVersionIsTheHighestCommonOne(@ForAll("offers") Offer offer, @ForAll("responders") Responder responder) {
        if (Negotiation.respond(offer, responder) instanceof Outcome.Agreed agreed) {
            assertTrue(offer.versions().contains(agreed.version()) && responder.supported().contains(agreed.version()));
            for (ProtocolVersion v : offer.versions()) {
                assertTrue(!responder.supported().contains(v) || v.compareTo(agreed.version()) <= 0, v + " is common and higher");
            }
        }
    }

    @Property(tries = 1000)
    @Requirement("HY-VER-003")
    void withoutACommonVersionTheResponderRefusesWithUnsupportedVersion(@ForAll("offers") Offer offer,
                                                                         @ForAll("responders") Responder responder) {
        // HY-HS-012: a malformed offer, or one holding capability 0, is refused for that first.
        if (wellFormed(offer) && offer.versions().stream().noneMatch(responder.supported()::contains)) {
            Outcome.Refused refused = assertInstanceOf(Outcome.Refused.class, Negotiation.respond(offer, responder));
            assertEquals(Outcome.Side.RESPONDER, refused.side());
            assertEquals(1, refused.message());
            assertTrue(refused.admits(UNSUPPORTED_VERSION), refused.toString());
        }
    }

    @Property(tries = 1000)
    @Requirement("HY-HS-010")
    void aCriticalCapabilityThatTheResponderDoesNotKnowRefusesWithUnsupportedCapability(@ForAll("offers") Offer offer,
                                                                                       @ForAll("responders") Responder responder) {
        boolean unknownCritical = offer.capabilities().stream().anyMatch(c -> c.critical() && !responder.known().contains(c.id()));
        Outcome outcome = Negotiation.respond(offer, responder);
        // HY-HS-012: the critical capabilities are the last check; an offer refused earlier is refused for that.
        boolean earlier = !wellFormed(offer) || offer.versions().stream().noneMatch(responder.supported()::contains);
        if (unknownCritical && !earlier) {
            Outcome.Refused refused = assertInstanceOf(Outcome.Refused.class, outcome);
            assertTrue(refused.admits(UNSUPPORTED_CAPABILITY), refused.toString());
        } else if (outcome instanceof Outcome.Refused refused) {
            assertTrue(!refused.admits(UNSUPPORTED_CAPABILITY), refused.toString());
        }
    }

    @Property(tries = 1000)
    @Requirement({"HY-VER-025", "HY-VER-026"})
    void theCapabilitiesInForceAreTheOfferedOnesThatTheResponderKnows(@ForAll("offers") Offer offer,
                                                                      @ForAll("responders") Responder responder) {
        if (Negotiation.respond(offer, responder) instanceof Outcome.Agreed agreed) {
            TreeSet<Integer> expected = new TreeSet<>(ids(offer));
            expected.retainAll(responder.known());
            assertEquals(expected, agreed.capabilities());
        }
    }

    @Property(tries = 1000)
    @Requirement("HY-VER-025")
    void anUnknownCapabilityThatIsNotCriticalIsIgnored(@ForAll("offers") Offer offer, @ForAll("responders") Responder responder,
                                                       @ForAll @IntRange(min = 1, max = 0xFFFF) int id) {
        if (responder.known().contains(id) || ids(offer).contains(id)) {
            return;
        }
        List<Capability> more = new ArrayList<>(offer.capabilities());
        more.add(Capability.optional(id));
        assertEquals(Negotiation.respond(offer, responder),
                Negotiation.respond(new Offer(offer.versions(), more, offer.maxFrameSize()), responder));
    }

    @Property(tries = 500)
    void theOrderOfAnOfferHasNoMeaning(@ForAll("offers") Offer offer, @ForAll("responders") Responder responder,
                                       @ForAll long seed) {
        List<ProtocolVersion> versions = new ArrayList<>(offer.versions());
        List<Capability> capabilities = new ArrayList<>(offer.capabilities());
        Collections.shuffle(versions, new Random(seed));
        Collections.shuffle(capabilities, new Random(seed));
        assertEquals(Negotiation.respond(offer, responder),
                Negotiation.respond(new Offer(versions, capabilities, offer.maxFrameSize()), responder));
    }

    @Property(tries = 1000)
    @Requirement("HY-VER-028")
    void capabilityZeroInAnOfferIsAViolation(@ForAll("offers") Offer offer, @ForAll("responders") Responder responder) {
        Outcome outcome = Negotiation.respond(offer, responder);
        boolean malformed = Set.copyOf(ids(offer)).size() != ids(offer).size() || offer.maxFrameSize() >= 1 && offer.maxFrameSize() <= 1023;
        if (ids(offer).contains(0) && !malformed) {
            assertTrue(assertInstanceOf(Outcome.Refused.class, outcome).admits(PROTOCOL_VIOLATION), outcome.toString());
        } else if (outcome instanceof Outcome.Refused refused) {
            assertTrue(!refused.admits(PROTOCOL_VIOLATION), refused.toString());
        }
    }

    @Property(tries = 1000)
    @Requirement({"HY-HS-003", "HY-HS-011"})
    void aCapabilityListedTwiceOrAFrameSizeBelow1024IsMalformed(@ForAll("offers") Offer offer,
                                                                @ForAll("responders") Responder responder) {
        boolean malformed = Set.copyOf(ids(offer)).size() != ids(offer).size()
                || offer.maxFrameSize() >= 1 && offer.maxFrameSize() <= 1023;
        Outcome outcome = Negotiation.respond(offer, responder);
        assertEquals(malformed, outcome instanceof Outcome.Refused r && r.admits(MALFORMED_MESSAGE), outcome.toString());
    }

    /**
     * HY-HS-012: the responder refuses an offer with the code of the first check that fails, one code whatever else the
     * offer breaks; HY-HS-013: it reports the refusals of a well-formed offer, and no other, in message 2.
     */
    @Property(tries = 1000)
    @Requirement({"HY-HS-012", "HY-HS-013", "HY-HS-014"})
    void anOfferIsRefusedForTheFirstCheckThatFails(@ForAll("offers") Offer offer, @ForAll("responders") Responder responder) {
        List<Integer> broken = new ArrayList<>();
        if (Set.copyOf(ids(offer)).size() != ids(offer).size() || offer.maxFrameSize() >= 1 && offer.maxFrameSize() <= 1023) {
            broken.add(MALFORMED_MESSAGE);
        }
        if (ids(offer).contains(0)) {
            broken.add(PROTOCOL_VIOLATION);
        }
        if (offer.versions().stream().noneMatch(responder.supported()::contains)) {
            broken.add(UNSUPPORTED_VERSION);
        }
        if (offer.capabilities().stream().anyMatch(c -> c.critical() && !responder.known().contains(c.id()))) {
            broken.add(UNSUPPORTED_CAPABILITY);
        }
        Outcome outcome = Negotiation.respond(offer, responder);
        if (broken.isEmpty()) {
            assertInstanceOf(Outcome.Agreed.class, outcome);
            return;
        }
        Outcome.Refused refused = assertInstanceOf(Outcome.Refused.class, outcome);
        assertEquals(new TreeSet<>(Set.of(broken.get(0))), refused.codes(), "broken: " + broken);
        assertEquals(broken.get(0) != MALFORMED_MESSAGE, Negotiation.isReported(broken.get(0)));
    }

    @Property(tries = 1000)
    @Requirement({"HY-HS-011", "HY-FRAME-001"})
    void eachSideAcceptsTheFramesItAnnounced(@ForAll("wellFormedOffers") Offer offer, @ForAll("responders") Responder responder) {
        if (Negotiation.respond(offer, responder) instanceof Outcome.Agreed agreed) {
            assertEquals(offer.maxFrameSize() == 0 ? 65_535 : offer.maxFrameSize(), agreed.initiatorMaxFrameSize());
            assertEquals(responder.maxFrameSize(), agreed.responderMaxFrameSize());
        }
    }

    @Property(tries = 1000)
    @Requirement({"HY-VER-002", "HY-VER-003", "HY-HS-010", "HY-VER-025", "HY-VER-026"})
    void aWellFormedOfferIsRefusedOnlyForItsVersionsOrACriticalCapability(@ForAll("wellFormedOffers") Offer offer,
                                                                          @ForAll("responders") Responder responder) {
        assertTrue(wellFormed(offer));
        if (Negotiation.respond(offer, responder) instanceof Outcome.Refused refused) {
            assertTrue(Set.of(UNSUPPORTED_VERSION, UNSUPPORTED_CAPABILITY).containsAll(refused.codes()), refused.toString());
        }
    }

    @Property(tries = 1000)
    @Requirement({"HY-HS-008", "HY-VER-004", "HY-VER-027"})
    void theInitiatorAcceptsWhatAConformingResponderSelects(@ForAll("wellFormedOffers") Offer offer,
                                                            @ForAll("responders") Responder responder) {
        Outcome outcome = Negotiation.respond(offer, responder);
        if (outcome instanceof Outcome.Agreed agreed) {
            assertEquals(agreed, Negotiation.check(offer, Selection.of(agreed)));
        } else {
            for (int code : ((Outcome.Refused) outcome).codes()) {
                assertEquals(new Outcome.Refused(Outcome.Side.INITIATOR, 2, new TreeSet<>(Set.of(code))),
                        Negotiation.check(offer, Selection.refusal(code)), "HY-HS-006, HY-HS-007: the initiator ends with " + code);
            }
        }
    }

    @Property(tries = 1000)
    @Requirement("HY-VER-004")
    void aVersionThatWasNotOfferedIsAViolation(@ForAll("wellFormedOffers") Offer offer, @ForAll("versions") ProtocolVersion version) {
        Outcome outcome = Negotiation.check(offer, new Selection(version, List.of(), 0, 0));
        assertEquals(offer.versions().contains(version), outcome instanceof Outcome.Agreed, outcome.toString());
        if (outcome instanceof Outcome.Refused refused) {
            assertEquals(new Outcome.Refused(Outcome.Side.INITIATOR, 2, new TreeSet<>(Set.of(PROTOCOL_VIOLATION))), refused);
        }
    }

    @Provide
    Arbitrary<ProtocolVersion> versions() {
        return Arbitraries.of(Negotiations.VERSIONS);
    }

    @Property(tries = 1000)
    @Requirement({"HY-VER-027", "HY-VER-028"})
    void aCapabilityThatWasNotOfferedIsAViolation(@ForAll("wellFormedOffers") Offer offer,
                                                   @ForAll @IntRange(min = 0, max = 0xFFFF) int id) {
        if (offer.versions().isEmpty()) {
            return;
        }
        Outcome outcome = Negotiation.check(offer, new Selection(offer.versions().get(0), List.of(id), 0, 0));
        assertEquals(ids(offer).contains(id), outcome instanceof Outcome.Agreed, outcome.toString());
        if (outcome instanceof Outcome.Refused refused) {
            assertEquals(Set.of(PROTOCOL_VIOLATION), refused.codes());
        }
    }

    @Property(tries = 1000)
    @Requirement("HY-HS-007")
    void theInitiatorEndsWithTheRespondersCodeIfItHasSessionScope(@ForAll("wellFormedOffers") Offer offer,
                                                                   @ForAll @IntRange(min = 1, max = 0xFFFF) int code) {
        Outcome.Refused refused = assertInstanceOf(Outcome.Refused.class, Negotiation.check(offer, Selection.refusal(code)));
        int expected = ErrorRegistry.CODES.get(code) == ErrorRegistry.Scope.SESSION ? code : HANDSHAKE_FAILED;
        assertEquals(Set.of(expected), refused.codes());
        assertEquals(Outcome.Side.INITIATOR, refused.side());
    }

    @Property(tries = 200)
    @Requirement("HY-HS-003")
    void aSelectionWithNeitherAVersionNorAnErrorIsMalformed(@ForAll("wellFormedOffers") Offer offer) {
        assertEquals(Set.of(MALFORMED_MESSAGE),
                assertInstanceOf(Outcome.Refused.class, Negotiation.check(offer, new Selection(null, List.of(), 0, 0))).codes());
    }
}
