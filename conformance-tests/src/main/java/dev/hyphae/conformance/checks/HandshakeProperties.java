package dev.hyphae.conformance.checks;

import dev.hyphae.ErrorCode;
import dev.hyphae.conformance.Checks;
import dev.hyphae.conformance.Profile;
import dev.hyphae.conformance.ShareOfTries;
import dev.hyphae.conformance.SuiteSettingsHook;
import dev.hyphae.conformance.Sut;
import dev.hyphae.conformance.model.HandshakeSide;
import dev.hyphae.handshake.ProtocolVersion;
import dev.hyphae.model.handshake.Negotiation;
import dev.hyphae.model.handshake.Outcome;
import dev.hyphae.spec.Requirement;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AddLifecycleHook;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Generated properties of the Handshake profile: the adapter negotiates, in either role, as the negotiation model
 * ({@code dev.hyphae.model.handshake}) says (the version, the capabilities, the failures and who reports them), and
 * both sides end with the same handshake hash and each other's key. The framed channel after the handshake is
 * {@link FramedChannelProperties}'.
 */
@Checks(Profile.HANDSHAKE)
@AddLifecycleHook(SuiteSettingsHook.class)
class HandshakeProperties {

    private static final HexFormat HEX = HexFormat.of();
    private static final List<ProtocolVersion> VERSIONS = List.of(ProtocolVersion.V1_0, new ProtocolVersion(1, 1),
            new ProtocolVersion(1, 2), new ProtocolVersion(2, 0));
    private static final List<Integer> CAPABILITIES = List.of(1, 2, 3, 0x8001);

    /** What two sides are set up with, generated. */
    record Setup(boolean adapterInitiates, Set<ProtocolVersion> offered, Set<ProtocolVersion> supported, Set<Integer> offeredCapabilities,
                 Set<Integer> critical, Set<Integer> known, int trust, long keys) {
    }

    private static HandshakeSide[] sides(Setup s) {
        HandshakeSide initiator = HandshakeSide.named("initiator " + s.keys());
        HandshakeSide responder = HandshakeSide.named("responder " + s.keys());
        initiator.versions = new ArrayList<>(s.offered());
        responder.versions = new ArrayList<>(s.supported());
        initiator.capabilities = new TreeSet<>(s.offeredCapabilities());
        initiator.critical = new TreeSet<>(s.critical());
        responder.capabilities = new TreeSet<>(s.known());
        // Trust: mostly mutual; now and then one side trusts nobody (HY-AUTH-005).
        if (s.trust() != 0) {
            initiator.trustedPeers.add(responder.publicKey());
        }
        if (s.trust() != 1) {
            responder.trustedPeers.add(initiator.publicKey());
        }
        return new HandshakeSide[] {initiator, responder};
    }

    /** Every setup, in either role and with any trust, before it is narrowed to what one check speaks of. */
    private static Arbitrary<Setup> anySetup() {
        Sut.requireProfile(Profile.HANDSHAKE);
        Arbitrary<Set<ProtocolVersion>> versions = Arbitraries.of(VERSIONS).set().ofMinSize(1).ofMaxSize(4);
        Arbitrary<Set<Integer>> capabilities = Arbitraries.of(CAPABILITIES).set().ofMaxSize(4);
        return net.jqwik.api.Combinators.combine(Arbitraries.of(true, false), versions, versions, capabilities,
                        Arbitraries.integers().between(0, 9), capabilities, Arbitraries.integers().between(0, 9),
                        Arbitraries.longs().between(0, 1 << 20))
                .as((initiates, offered, supported, caps, critical, known, trust, keys) -> new Setup(initiates, offered, supported, caps,
                        // A critical capability now and then: the first offered one.
                        critical == 0 && !caps.isEmpty() ? Set.of(caps.iterator().next()) : Set.of(), known, trust, keys));
    }

    /** Whether the model agrees on a version and capabilities for {@code s}. */
    private static boolean agreed(Setup s) {
        HandshakeSide[] sides = sides(s);
        return Negotiation.respond(sides[0].negotiationOffer(), sides[1].negotiationResponder()) instanceof Outcome.Agreed;
    }

    /** Whether each side of {@code s} trusts the other's static key. */
    private static boolean mutualTrust(Setup s) {
        return s.trust() >= 2;
    }

    @Provide
    Arbitrary<Setup> adapterRespondsAndAgrees() {
        return anySetup().filter(s -> !s.adapterInitiates() && mutualTrust(s) && agreed(s));
    }

    /**
     * As {@link #adapterRespondsAndAgrees()}, with at least two versions both offered and supported on every try: with one,
     * the responder has no choice to get wrong, and a responder that selects a lower common version would be caught only
     * by the luck of the seed on the few tries that this check's share leaves it.
     */
    @Provide
    Arbitrary<Setup> adapterRespondsAndHasAChoiceOfVersions() {
        return adapterRespondsAndAgrees().filter(s -> s.offered().stream().filter(s.supported()::contains).count() >= 2);
    }

    @Provide
    Arbitrary<Setup> adapterInitiatesAndAgrees() {
        return anySetup().filter(s -> s.adapterInitiates() && mutualTrust(s) && agreed(s));
    }

    @Provide
    Arbitrary<Setup> bothTrustAndAgree() {
        return anySetup().filter(s -> mutualTrust(s) && agreed(s));
    }

    @Provide
    Arbitrary<Setup> adapterRespondsAndRefuses() {
        return anySetup().filter(s -> !s.adapterInitiates() && !agreed(s));
    }

    @Provide
    Arbitrary<Setup> adapterInitiatesAndIsRefused() {
        return anySetup().filter(s -> s.adapterInitiates() && !agreed(s));
    }

    @Provide
    Arbitrary<Setup> oneSideUntrusted() {
        return anySetup().filter(s -> !mutualTrust(s) && agreed(s));
    }

    /** A handshake between the adapter and the suite's side, set up as {@code setup} says, and what the model says of it. */
    private record Played(Setup setup, HandshakeSide[] sides, Outcome negotiated, Exchange x) {

        static Played of(Setup setup) {
            HandshakeSide[] sides = HandshakeProperties.sides(setup);
            Outcome negotiated = Negotiation.respond(sides[0].negotiationOffer(), sides[1].negotiationResponder());
            Exchange x = setup.adapterInitiates()
                    ? Exchange.adapterInitiates(sides[0], sides[1], Exchange.FAITHFUL, Exchange.FAITHFUL)
                    : Exchange.adapterResponds(sides[0], sides[1], Exchange.FAITHFUL);
            return new Played(setup, sides, negotiated, x);
        }

        /** The suite's side, the adapter's peer. */
        HandshakeSide peer() {
            return setup.adapterInitiates() ? sides[1] : sides[0];
        }

        /** Whether the handshake completed on both sides. */
        boolean completed() {
            return x.adapterError == null && x.modelError == null && x.adapterOutcome != null;
        }

        /**
         * The failure of {@code law}, with the input (the setup of both sides), the expected and the actual answer, and the
         * messages exchanged.
         */
        AssertionError failure(String law, String expected, String actual) {
            return new AssertionError(law + "\ninput: the adapter as " + (setup.adapterInitiates() ? "initiator" : "responder") + ", "
                    + setup + "\nexpected: " + expected + "\nactual: " + actual + "\nthe model negotiates: " + negotiated + "\n"
                    + x.describe());
        }

        /** How the adapter's side of the handshake ended. */
        String adapterEnd() {
            if (x.adapterError != null) {
                return "the adapter ended on reading message " + x.adapterFailedAt + " with " + x.adapterError.code();
            }
            if (x.modelError != null) {
                return "the adapter carried on, and the suite's side ended on reading message " + x.modelFailedAt + " with "
                        + x.modelError.code().value();
            }
            return x.adapterOutcome == null ? "the handshake did not complete" : "the adapter completed with " + x.adapterOutcome;
        }

        Outcome.Agreed agreed() {
            return (Outcome.Agreed) negotiated;
        }

        List<String> adapterCapabilities() {
            List<String> got = new ArrayList<>();
            x.adapterOutcome.path("capabilities").forEach(c -> got.add(c.asText()));
            return got;
        }

        List<String> agreedCapabilities() {
            return agreed().capabilities().stream().map(String::valueOf).toList();
        }
    }

    /*
     * The negotiation, split by rule: each check below plays handshakes whose setup its rule speaks of (the generators
     * above narrow them), compares one part of the outcome with the model's, and shares the tries of the one property
     * that once checked them all.
     */

    /** The adapter as responder selects the version that the model selects (the highest common one). */
    @Property
    @ShareOfTries(7)
    @Requirement({"HY-VER-002", "HY-HS-005"})
    void aResponderSelectsTheHighestCommonVersion(@ForAll("adapterRespondsAndHasAChoiceOfVersions") Setup setup) {
        Played p = Played.of(setup);
        String law = "a responder selects the highest version that is both offered and supported, and sends it in message 2";
        if (!p.completed()) {
            throw p.failure(law, "the handshake completes with version " + p.agreed().version(), p.adapterEnd());
        }
        String version = p.x.adapterOutcome.path("version").asText();
        if (!version.equals(p.agreed().version().toString()) || !p.x.modelResult.version().toString().equals(version)) {
            throw p.failure(law, "version " + p.agreed().version() + " on both sides",
                    "version " + version + " at the adapter, " + p.x.modelResult.version() + " in its message 2");
        }
    }

    /** The adapter as responder selects the capabilities that the model selects. */
    @Property
    @ShareOfTries(7)
    @Requirement({"HY-VER-025", "HY-VER-026"})
    void aResponderSelectsOnlyKnownOfferedCapabilities(@ForAll("adapterRespondsAndAgrees") Setup setup) {
        Played p = Played.of(setup);
        String law = "a responder selects only capabilities that it knows and that the initiator offered, and ignores unknown ones "
                + "that the offer does not mark critical";
        if (!p.completed()) {
            throw p.failure(law, "the handshake completes with capabilities " + p.agreedCapabilities(), p.adapterEnd());
        }
        if (!p.adapterCapabilities().equals(p.agreedCapabilities()) || !p.x.modelResult.capabilities().equals(p.agreed().capabilities())) {
            throw p.failure(law, "capabilities " + p.agreedCapabilities() + " on both sides", "capabilities " + p.adapterCapabilities()
                    + " at the adapter, " + p.x.modelResult.capabilities() + " in its message 2");
        }
    }

    /** The adapter as initiator completes with what the model's responder selected. */
    @Property
    @ShareOfTries(7)
    @Requirement("HY-HS-008")
    void anInitiatorTakesTheSelectionOfTheResponder(@ForAll("adapterInitiatesAndAgrees") Setup setup) {
        Played p = Played.of(setup);
        String law = "an initiator checks the Selection as version negotiation requires and, when it is valid, completes with it";
        String expected = "the handshake completes with version " + p.agreed().version() + " and capabilities " + p.agreedCapabilities();
        if (!p.completed()) {
            throw p.failure(law, expected, p.adapterEnd());
        }
        if (!p.x.adapterOutcome.path("version").asText().equals(p.agreed().version().toString())
                || !p.adapterCapabilities().equals(p.agreedCapabilities())) {
            throw p.failure(law, expected, "version " + p.x.adapterOutcome.path("version").asText() + " and capabilities "
                    + p.adapterCapabilities());
        }
    }

    /** Both sides of a completed handshake end with the same handshake hash, each with the other's static key as its identity. */
    @Property
    @ShareOfTries(7)
    @Requirement({"HY-HS-001", "HY-AUTH-001"})
    void bothSidesEndWithOneHashAndEachOthersKey(@ForAll("bothTrustAndAgree") Setup setup) {
        Played p = Played.of(setup);
        String law = "both peers run Noise_XX_25519_ChaChaPoly_SHA256 with the prologue hyphae/handshake/1, so that they end with "
                + "the same handshake hash, and each takes the static key that the handshake authenticated as the other's identity";
        String expected = "handshake hash " + (p.x.modelResult == null ? "(none: the suite's side did not complete)"
                : HEX.formatHex(p.x.modelResult.handshakeHash())) + " and remote static key " + HEX.formatHex(p.peer().publicKey());
        if (!p.completed()) {
            throw p.failure(law, expected, p.adapterEnd());
        }
        String hash = p.x.adapterOutcome.path("handshakeHash").asText();
        String key = p.x.adapterOutcome.path("remoteStaticKey").asText();
        if (!hash.equals(HEX.formatHex(p.x.modelResult.handshakeHash())) || !key.equals(HEX.formatHex(p.peer().publicKey()))) {
            throw p.failure(law, expected, "handshake hash " + hash + " and remote static key " + key);
        }
    }

    /** The adapter as responder refuses an offer that the model refuses, with a code the model admits, reported in message 2. */
    @Property
    @ShareOfTries(7)
    @Requirement({"HY-HS-006", "HY-VER-003", "HY-HS-010"})
    void aResponderRefusesAnOfferAsTheModelDoes(@ForAll("adapterRespondsAndRefuses") Setup setup) {
        Played p = Played.of(setup);
        Outcome.Refused refused = (Outcome.Refused) p.negotiated;
        String law = "a responder refuses an offer with no version in common with UNSUPPORTED_VERSION, one that marks critical a "
                + "capability it does not implement with UNSUPPORTED_CAPABILITY, and reports the code in its message 2 (" + refusalIds(refused) + ")";
        Exchange x = p.x;
        if (x.adapterError == null || x.adapterFailedAt != 1 || !refused.admits(x.adapterError.code())) {
            throw p.failure(law, "a refusal of message 1 with " + codes(refused), p.adapterEnd());
        }
        int reported = Negotiation.initiatorEndsWith(x.adapterError.code());
        if (x.modelError == null || x.modelFailedAt != 2 || x.modelError.code().value() != reported) {
            throw p.failure(law, "a message 2 that reports " + x.adapterError.code() + ", so that the suite's initiator ends on it with "
                    + reported, x.modelError == null ? "the suite's initiator read no refusal in message 2"
                    : "the suite's initiator ended on message " + x.modelFailedAt + " with " + x.modelError.code().value());
        }
    }

    /** The adapter as initiator ends on a Selection that reports a refusal, with the code that HY-HS-007 makes of it. */
    @Property
    @ShareOfTries(7)
    @Requirement("HY-HS-007")
    void anInitiatorEndsWithTheCodeThatTheSelectionReports(@ForAll("adapterInitiatesAndIsRefused") Setup setup) {
        Played p = Played.of(setup);
        Outcome.Refused refused = (Outcome.Refused) p.negotiated;
        Exchange x = p.x;
        if (x.modelError == null || x.modelFailedAt != 1 || !refused.admits(x.modelError.code().value())) {
            throw new IllegalStateException("the suite's responder did not refuse the offer as the model does\n" + x.describe());
        }
        int code = Negotiation.initiatorEndsWith(x.modelError.code().value());
        if (x.adapterError == null || x.adapterFailedAt != 2 || x.adapterError.code() != code) {
            throw p.failure("an initiator that reads a Selection whose error is non-zero ends the handshake with that code if it has "
                    + "session scope, and with HANDSHAKE_FAILED otherwise", "the adapter ends on reading message 2 with " + code
                    + " (message 2 reports " + x.modelError.code().value() + ")", p.adapterEnd());
        }
    }

    /**
     * A side that does not trust the other's static key ends with UNKNOWN_PEER on the message that shows that key: the
     * initiator on reading message 2, sending no message 3; the responder on reading message 3.
     */
    @Property
    @ShareOfTries(7)
    @Requirement({"HY-AUTH-005", "HY-AUTH-006"})
    void anUntrustedPeerIsRefusedOnTheMessageThatShowsItsKey(@ForAll("oneSideUntrusted") Setup setup) {
        Played p = Played.of(setup);
        // trust 0: the initiator does not trust the responder; trust 1: the responder does not trust the initiator.
        boolean initiatorRefuses = setup.trust() == 0;
        int at = initiatorRefuses ? 2 : 3;
        boolean adapterRefuses = initiatorRefuses == setup.adapterInitiates();
        int code = ErrorCode.UNKNOWN_PEER.value();
        Exchange x = p.x;
        String law = "a peer that does not trust the other's static key ends the handshake with UNKNOWN_PEER: an initiator on "
                + "reading message 2, before it sends message 3; a responder on reading message 3";
        String side = (initiatorRefuses ? "initiator" : "responder") + ", which does not trust the other, ";
        if (adapterRefuses) {
            if (x.adapterError == null || x.adapterFailedAt != at || x.adapterError.code() != code) {
                throw p.failure(law, "the adapter, the " + side + "ends on reading message " + at + " with " + code, p.adapterEnd());
            }
        } else if (x.adapterError != null || x.modelError == null || x.modelFailedAt != at || x.modelError.code().value() != code) {
            throw p.failure(law, "the adapter carries on, and the suite's " + side + "ends on reading message " + at + " with " + code,
                    p.adapterEnd());
        }
    }

    /** The requirements that a responder breaks when it does not refuse an offer as {@code refused} says. */
    private static String refusalIds(Outcome.Refused refused) {
        List<String> ids = new ArrayList<>(List.of("HY-HS-006"));
        if (refused.codes().contains(ErrorCode.UNSUPPORTED_VERSION.value())) {
            ids.add("HY-VER-003");
        }
        if (refused.codes().contains(ErrorCode.UNSUPPORTED_CAPABILITY.value())) {
            ids.add("HY-HS-010");
        }
        return String.join(", ", ids);
    }

    private static String codes(Outcome.Refused refused) {
        return refused.codes().size() == 1 ? refused.codes().first().toString() : "one of " + refused.codes();
    }
}
