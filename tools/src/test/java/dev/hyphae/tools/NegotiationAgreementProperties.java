package dev.hyphae.tools;

import com.google.flatbuffers.FlatBufferBuilder;
import dev.hyphae.ErrorCode;
import dev.hyphae.ProtocolException;
import dev.hyphae.handshake.HyphaeHandshake;
import dev.hyphae.handshake.Negotiation;
import dev.hyphae.handshake.ProtocolVersion;
import dev.hyphae.model.handshake.Capability;
import dev.hyphae.model.handshake.ErrorRegistry;
import dev.hyphae.model.handshake.Offer;
import dev.hyphae.model.handshake.Outcome;
import dev.hyphae.model.handshake.Responder;
import dev.hyphae.model.handshake.Selection;
import dev.hyphae.model.testkit.Negotiations;
import dev.hyphae.noise.KeyPair;
import dev.hyphae.spec.Requirement;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static java.util.stream.Collectors.toCollection;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The reference implementation's {@link Negotiation} and the negotiation model ({@code dev.hyphae.model.handshake}),
 * which share no code, agree on generated offers, responders and selections: on the version and capabilities
 * selected, the frame sizes, and the code of every refusal (one that the model admits). The reference's
 * {@link Negotiation} decides what the handshake codec has already verified, so the offers of the first property are
 * those its records can hold: no capability twice, no frame size below 1024; the reference's responder reads the
 * others, as bytes, in {@link #theRespondersAgreeOnEncodedOffers}.
 */
class NegotiationAgreementProperties {

    @Provide
    Arbitrary<Offer> offers() {
        return Negotiations.offers().filter(o -> o.capabilities().stream().map(Capability::id).distinct().count() == o.capabilities().size()
                && (o.maxFrameSize() == 0 || o.maxFrameSize() >= 1024));
    }

    @Provide
    Arbitrary<Responder> responders() {
        return Negotiations.responders();
    }

    @Provide
    Arbitrary<Selection> selections() {
        return Combinators.combine(Arbitraries.of(Negotiations.VERSIONS),
                        Arbitraries.of(0, 1, 2, 3, 0x4000, 0x8001).set().ofMaxSize(3), Negotiations.wellFormedFrameSizes())
                .as((version, capabilities, frameSize) -> new Selection(version, List.copyOf(new TreeSet<>(capabilities)), frameSize, 0));
    }

    private static ProtocolVersion reference(dev.hyphae.model.handshake.ProtocolVersion v) {
        return new ProtocolVersion(v.major(), v.minor());
    }

    private static int frameSize(int announced) {
        return announced == 0 ? 65_535 : announced;
    }

    private static Negotiation.Offer reference(Offer offer) {
        TreeSet<Integer> ids = offer.capabilities().stream().map(Capability::id).collect(toCollection(TreeSet::new));
        TreeSet<Integer> critical = offer.capabilities().stream().filter(Capability::critical).map(Capability::id)
                .collect(toCollection(TreeSet::new));
        return new Negotiation.Offer(offer.versions().stream().map(NegotiationAgreementProperties::reference).toList(), ids, critical,
                frameSize(offer.maxFrameSize()));
    }

    @Property(tries = 2000)
    @Requirement({"HY-HS-005", "HY-HS-010", "HY-HS-011", "HY-HS-012", "HY-VER-002", "HY-VER-003", "HY-VER-025", "HY-VER-026", "HY-VER-028"})
    void theRespondersAgree(@ForAll("offers") Offer offer, @ForAll("responders") Responder responder) {
        Outcome model = dev.hyphae.model.handshake.Negotiation.respond(offer, responder);
        Set<ProtocolVersion> supported = responder.supported().stream().map(NegotiationAgreementProperties::reference)
                .collect(toCollection(TreeSet::new));
        String context = offer + ", " + responder + ": the model " + model;
        try {
            Negotiation.Selection selection = Negotiation.select(reference(offer), supported, responder.known(), responder.maxFrameSize());
            Outcome.Agreed agreed = model instanceof Outcome.Agreed a ? a : null;
            assertTrue(agreed != null, "the reference selects " + selection + "; " + context);
            assertEquals(agreed.version().toString(), selection.version().toString(), context);
            assertEquals(agreed.capabilities(), selection.capabilities(), context);
            assertEquals(agreed.responderMaxFrameSize(), selection.maxFrameSize(), context);
            assertEquals(agreed.initiatorMaxFrameSize(), reference(offer).maxFrameSize(), context);
        } catch (ProtocolException e) {
            assertTrue(model instanceof Outcome.Refused r && r.side() == Outcome.Side.RESPONDER && r.admits(e.code().value()),
                    "the reference refuses with " + e.code() + "; " + context);
        }
    }

    /**
     * The reference's responder, reading message 1 as bytes, and the model agree on every offer, malformed ones
     * included, and on a low-order ephemeral key: on the code of a refusal, on whether message 2 reports it
     * (HY-HS-013), and on whether the responder selects at all. This is what pins the order of HY-HS-012 to the
     * reference's, where the payload is decoded before the negotiation and the DH comes with message 2.
     */
    @Property(tries = 1000)
    @Requirement({"HY-HS-003", "HY-HS-011", "HY-HS-012", "HY-HS-013", "HY-HS-016"})
    void theRespondersAgreeOnEncodedOffers(@ForAll("allOffers") Offer offer, @ForAll("responders") Responder responder,
                                           @ForAll("lowOrder") boolean lowOrder) throws ProtocolException {
        Outcome model = dev.hyphae.model.handshake.Negotiation.respond(offer, responder, lowOrder);
        HandshakeVectors.Side side = HandshakeVectors.pair()[1];
        side.versions = responder.supported().stream().map(NegotiationAgreementProperties::reference).toList();
        side.capabilities = new TreeSet<>(responder.known());
        HyphaeHandshake.Responder reference = side.responder().acceptingFramesUpTo(responder.maxFrameSize());
        byte[] first = firstMessage(lowOrder ? new byte[KeyPair.LENGTH] : KeyPair.fromPrivateKey(side.ephemeralPrivate).publicKey(), offer);
        String context = offer + (lowOrder ? " with a low-order ephemeral key, " : ", ") + responder + ": the model " + model;
        int code;
        boolean reported;
        try {
            reference.onOffer(first);
            if (reference.failure() == null) {
                assertTrue(model instanceof Outcome.Agreed, "the reference selects; " + context);
                return;
            }
            code = reference.failure().code().value();
            reported = true;
        } catch (ProtocolException e) {
            code = e.code().value();
            reported = false;
        }
        assertTrue(model instanceof Outcome.Refused r && r.side() == Outcome.Side.RESPONDER && r.admits(code),
                "the reference refuses with " + code + "; " + context);
        assertEquals(reported, dev.hyphae.model.handshake.Negotiation.isReported(code), "the reference "
                + (reported ? "reports " : "does not report ") + code + "; " + context);
    }

    @Provide
    Arbitrary<Offer> allOffers() {
        return Negotiations.offers();
    }

    @Provide
    Arbitrary<Boolean> lowOrder() {
        return Arbitraries.of(false, false, false, true);
    }

    /** Message 1: the ephemeral key {@code e}, then {@code offer} in clear, laid out as the schema says, whatever it holds. */
    private static byte[] firstMessage(byte[] e, Offer offer) {
        FlatBufferBuilder b = new FlatBufferBuilder(128);
        int[] tables = new int[offer.capabilities().size()];
        for (int k = 0; k < tables.length; k++) {
            Capability c = offer.capabilities().get(k);
            tables[k] = hyphae.v1.Capability.createCapability(b, c.id(), 0, c.critical());
        }
        int capabilities = hyphae.v1.Offer.createCapabilitiesVector(b, tables);
        hyphae.v1.Offer.startVersionsVector(b, offer.versions().size());
        for (int k = offer.versions().size() - 1; k >= 0; k--) {
            hyphae.v1.ProtocolVersion.createProtocolVersion(b, offer.versions().get(k).major(), offer.versions().get(k).minor());
        }
        int versions = b.endVector();
        hyphae.v1.Offer.startOffer(b);
        hyphae.v1.Offer.addVersions(b, versions);
        hyphae.v1.Offer.addCapabilities(b, capabilities);
        hyphae.v1.Offer.addMaxFrameSize(b, offer.maxFrameSize());
        int encoded = hyphae.v1.Offer.endOffer(b);
        hyphae.v1.HandshakePayload.finishHandshakePayloadBuffer(b, hyphae.v1.HandshakePayload.createHandshakePayload(b, encoded, 0, 0));
        byte[] payload = b.sizedByteArray();
        byte[] message = Arrays.copyOf(e, e.length + payload.length);
        System.arraycopy(payload, 0, message, e.length, payload.length);
        return message;
    }

    @Property(tries = 2000)
    @Requirement({"HY-HS-008", "HY-VER-004", "HY-VER-027", "HY-VER-028"})
    void theInitiatorsAgree(@ForAll("offers") Offer offer, @ForAll("selections") Selection selection) {
        Outcome model = dev.hyphae.model.handshake.Negotiation.check(offer, selection);
        Negotiation.Selection referenceSelection = new Negotiation.Selection(reference(selection.version()),
                new TreeSet<>(selection.capabilities()), frameSize(selection.maxFrameSize()));
        String context = offer + ", " + selection + ": the model " + model;
        try {
            Negotiation.check(reference(offer), referenceSelection);
            assertTrue(model instanceof Outcome.Agreed, "the reference accepts; " + context);
        } catch (ProtocolException e) {
            assertTrue(model instanceof Outcome.Refused r && r.side() == Outcome.Side.INITIATOR && r.admits(e.code().value()),
                    "the reference refuses with " + e.code() + "; " + context);
        }
    }

    /** HY-HS-007 turns on the scope of a code: the two registries give every 16-bit code the same session scope or none. */
    @Test
    @Requirement({"HY-HS-007", "HY-REG-001"})
    void theRegistriesAgreeOnWhichCodesHaveSessionScope() {
        for (int code = 0; code <= 0xFFFF; code++) {
            ErrorCode known = ErrorCode.of(code);
            assertEquals(known != null && known.scope() == ErrorCode.Scope.SESSION, ErrorRegistry.hasSessionScope(code), "code " + code);
        }
    }
}
