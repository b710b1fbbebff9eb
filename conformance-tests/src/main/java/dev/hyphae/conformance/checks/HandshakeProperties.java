package dev.hyphae.conformance.checks;

import dev.hyphae.ErrorCode;
import dev.hyphae.ProtocolException;
import dev.hyphae.conformance.Checks;
import dev.hyphae.conformance.Profile;
import dev.hyphae.conformance.SuiteSettingsHook;
import dev.hyphae.conformance.Sut;
import dev.hyphae.conformance.model.HandshakeSide;
import dev.hyphae.framing.FramedChannel;
import dev.hyphae.framing.FramingLimits;
import dev.hyphae.handshake.HyphaeHandshake;
import dev.hyphae.handshake.ProtocolVersion;
import dev.hyphae.model.handshake.Negotiation;
import dev.hyphae.model.handshake.Outcome;
import dev.hyphae.spec.Requirement;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AddLifecycleHook;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Generated properties of the Handshake profile: the adapter negotiates, in either role, as the negotiation model
 * ({@code dev.hyphae.model.handshake}) says (the version, the capabilities, the failures and who reports them),
 * both sides end with the same handshake hash, and the framed channel after the handshake delivers what the model
 * sends and refuses what an attacker changed.
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

    @Provide
    Arbitrary<Setup> setups() {
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

    /** Where a handshake between two sides that the reference implementation plays stops, or null when it completes. */
    record Stop(String side, int at, ErrorCode code) {
    }

    private static Stop modelRun(HandshakeSide i, HandshakeSide r, HyphaeHandshake.Result[] results) {
        HyphaeHandshake.Initiator initiator = i.initiator();
        HyphaeHandshake.Responder responder = r.responder();
        byte[] third;
        try {
            byte[] second = responder.onOffer(initiator.start());
            try {
                third = initiator.onSelection(second);
            } catch (ProtocolException e) {
                return new Stop("initiator", 2, e.code());
            }
        } catch (ProtocolException e) {
            return new Stop("responder", 1, e.code());
        }
        try {
            responder.onConfirmation(third);
        } catch (ProtocolException e) {
            return new Stop("responder", 3, e.code());
        }
        results[0] = initiator.result();
        results[1] = responder.result();
        return null;
    }

    /**
     * The adapter, in either role, ends the handshake as the negotiation model says (version, capabilities, or the
     * side, message and code of the refusal) and as the trust of each side says (HY-AUTH-005, HY-AUTH-006): the
     * initiator decides the responder's identity on reading message 2, the responder the initiator's on reading
     * message 3. The suite's own side of the exchange only plays the handshake; the expected outcome is the model's.
     */
    @Property
    @Requirement({"HY-HS-001", "HY-HS-005", "HY-HS-006", "HY-HS-007", "HY-HS-008", "HY-HS-010", "HY-VER-002", "HY-VER-003", "HY-VER-025",
            "HY-VER-026", "HY-AUTH-001", "HY-AUTH-005", "HY-AUTH-006"})
    void negotiationAgreesWithTheModel(@ForAll("setups") Setup setup) {
        HandshakeSide[] sides = sides(setup);
        Outcome negotiated = Negotiation.respond(sides[0].negotiationOffer(), sides[1].negotiationResponder());
        Exchange x = setup.adapterInitiates()
                ? Exchange.adapterInitiates(sides[0], sides[1], Exchange.FAITHFUL, Exchange.FAITHFUL)
                : Exchange.adapterResponds(sides[0], sides[1], Exchange.FAITHFUL);
        String context = "the adapter as " + (setup.adapterInitiates() ? "initiator" : "responder") + ", " + setup
                + "\nthe model: " + negotiated + "\n" + x.describe();
        if (negotiated instanceof Outcome.Refused refused) {
            expectNegotiationRefused(setup.adapterInitiates(), refused, x, context);
            return;
        }
        Outcome.Agreed agreed = (Outcome.Agreed) negotiated;
        if (setup.trust() == 0) {
            // The initiator does not trust the responder: it ends on reading message 2 and sends no message 3.
            expectRefusal(setup.adapterInitiates(), 2, ErrorCode.UNKNOWN_PEER.value(), x, context, "HY-AUTH-005, HY-AUTH-006");
        } else if (setup.trust() == 1) {
            // The responder does not trust the initiator: it ends on reading message 3.
            expectRefusal(!setup.adapterInitiates(), 3, ErrorCode.UNKNOWN_PEER.value(), x, context, "HY-AUTH-005, HY-AUTH-006");
        } else {
            expectAgreed(agreed, setup.adapterInitiates() ? sides[1] : sides[0], setup.adapterInitiates(), x, context);
        }
    }

    /**
     * The responder refuses the offer on reading message 1, with a code the model admits, and reports it in message 2
     * (HY-HS-006); the initiator ends on reading message 2 with the code that HY-HS-007 makes of the reported one.
     */
    private static void expectNegotiationRefused(boolean adapterInitiates, Outcome.Refused refused, Exchange x, String context) {
        if (adapterInitiates) {
            if (x.modelError == null || x.modelFailedAt != 1 || !refused.admits(x.modelError.code().value())) {
                throw new IllegalStateException("the suite's responder did not refuse the offer as the model does\n" + context);
            }
            expectRefusal(true, 2, Negotiation.initiatorEndsWith(x.modelError.code().value()), x, context, "HY-HS-007");
            return;
        }
        if (x.adapterError == null || x.adapterFailedAt != 1 || !refused.admits(x.adapterError.code())) {
            throw new AssertionError("expected the adapter to refuse message 1 with " + codes(refused) + " (" + refusalIds(refused) + ")\n"
                    + context);
        }
        int reported = Negotiation.initiatorEndsWith(x.adapterError.code());
        if (x.modelError == null || x.modelFailedAt != 2 || x.modelError.code().value() != reported) {
            throw new AssertionError("the adapter refused message 1 with " + x.adapterError.code() + ", so its message 2 must report "
                    + "that code and make the initiator end with " + reported + " (HY-HS-006)\n" + context);
        }
    }

    /**
     * The side that is {@code theAdapter} or not ends the handshake on reading message {@code at} with {@code code}, as
     * the requirements {@code ids} say; a failure names them, so that it points at the rule broken, not at all of this
     * property's.
     */
    private static void expectRefusal(boolean theAdapter, int at, int code, Exchange x, String context, String ids) {
        if (theAdapter) {
            if (x.adapterError == null || x.adapterFailedAt != at || x.adapterError.code() != code) {
                throw new AssertionError("expected the adapter to refuse message " + at + " with " + code + " (" + ids + ")\n" + context);
            }
        } else if (x.adapterError != null || x.modelError == null || x.modelFailedAt != at || x.modelError.code().value() != code) {
            throw new AssertionError("expected the adapter to carry on, and its peer to refuse message " + at + " with " + code + " ("
                    + ids + ")\n" + context);
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

    /**
     * Both sides complete with the model's version and capabilities, the same handshake hash and each other's static key.
     * A failure names the rules of the adapter's side: a responder's selection (HY-HS-005, HY-VER-002, HY-VER-025,
     * HY-VER-026) or, when {@code adapterInitiates}, an initiator's reading of a selection that the model made (HY-HS-008).
     */
    private static void expectAgreed(Outcome.Agreed agreed, HandshakeSide peer, boolean adapterInitiates, Exchange x, String context) {
        if (x.adapterError != null || x.modelError != null || x.adapterOutcome == null) {
            throw new AssertionError("the model agrees on " + agreed + "; the handshake with the adapter did not complete ("
                    + (adapterInitiates ? "HY-HS-008" : "HY-HS-005") + ")\n" + context);
        }
        HyphaeHandshake.Result other = x.modelResult;
        JsonNode got = x.adapterOutcome;
        List<String> caps = agreed.capabilities().stream().map(String::valueOf).toList();
        List<String> gotCaps = new ArrayList<>();
        got.path("capabilities").forEach(c -> gotCaps.add(c.asText()));
        if (!got.path("version").asText().equals(agreed.version().toString()) || !gotCaps.equals(caps)
                || !got.path("handshakeHash").asText().equals(HEX.formatHex(other.handshakeHash()))
                || !got.path("remoteStaticKey").asText().equals(HEX.formatHex(peer.publicKey()))
                || !other.version().toString().equals(agreed.version().toString())
                || !other.capabilities().equals(agreed.capabilities())) {
            // The ids of what differs: the version, the capabilities, the hash (the Noise protocol run) or the identity.
            List<String> ids = new ArrayList<>();
            if (!got.path("version").asText().equals(agreed.version().toString()) || !other.version().toString().equals(agreed.version().toString())) {
                ids.add(adapterInitiates ? "HY-HS-008" : "HY-VER-002");
            }
            if (!gotCaps.equals(caps) || !other.capabilities().equals(agreed.capabilities())) {
                ids.addAll(adapterInitiates ? List.of("HY-HS-008") : List.of("HY-VER-025", "HY-VER-026"));
            }
            if (!got.path("handshakeHash").asText().equals(HEX.formatHex(other.handshakeHash()))) {
                ids.add("HY-HS-001");
            }
            if (!got.path("remoteStaticKey").asText().equals(HEX.formatHex(peer.publicKey()))) {
                ids.add("HY-AUTH-001");
            }
            throw new AssertionError("expected version " + agreed.version() + ", capabilities " + caps + ", the handshake hash "
                    + HEX.formatHex(other.handshakeHash()) + " of the other side and its static key as the peer's; the other side "
                    + "agreed on version " + other.version() + " and capabilities " + other.capabilities() + " ("
                    + String.join(", ", ids.stream().distinct().toList()) + ")\n" + context);
        }
    }

    private static String codes(Outcome.Refused refused) {
        return refused.codes().size() == 1 ? refused.codes().first().toString() : "one of " + refused.codes();
    }

    @Provide
    Arbitrary<List<byte[]>> messages() {
        return Arbitraries.integers().between(0, 3000).flatMap(n -> Arbitraries.bytes().array(byte[].class).ofSize(n))
                .list().ofMinSize(1).ofMaxSize(4);
    }

    /**
     * After a handshake, the adapter's channel delivers exactly what the model's channel delivers from the same
     * stream: every message the model sent, in frames no larger than the adapter announced; and with one bit of
     * the stream flipped, only the messages before the damage, then a refusal with the model's code.
     */
    @Property
    @Requirement({"HY-FRAME-002", "HY-FRAME-003", "HY-FRAME-012", "HY-FRAME-015", "HY-FRAME-016", "HY-FRAME-019", "HY-FRAME-020"})
    void framedChannelDeliversWhatWasSentAndNothingTampered(@ForAll("messages") List<byte[]> messages,
                                                              @ForAll @IntRange(min = 1024, max = 4096) int frameSize,
                                                              @ForAll @IntRange(min = -1, max = 1 << 20) int flipAt) throws Exception {
        Sut.requireProfile(Profile.HANDSHAKE);
        HandshakeSide[] sides = HandshakeSide.pair();
        Exchange x = Exchange.adapterResponds(sides[0], sides[1], Exchange.FAITHFUL);
        if (x.adapterOutcome == null) {
            throw new AssertionError("the handshake did not complete:\n" + x.describe());
        }
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        FramedChannel sender = new FramedChannel(new ByteArrayInputStream(new byte[0]), stream, x.modelResult.sender(),
                x.modelResult.receiver(), frameSize, frameSize);
        for (byte[] m : messages) {
            sender.send(m);
        }
        byte[] bytes = stream.toByteArray();
        int flipped = flipAt < 0 ? -1 : flipAt % bytes.length;
        if (flipped >= 0) {
            bytes[flipped] ^= 0x01;
        }
        // The model's responder, from a handshake of the same fixed keys, has the adapter's keys if the adapter conforms.
        HyphaeHandshake.Result[] model = new HyphaeHandshake.Result[2];
        if (modelRun(sides[0], sides[1], model) != null) {
            throw new IllegalStateException("the model's own handshake failed");
        }
        FramedChannel receiver = new FramedChannel(new ByteArrayInputStream(bytes), new ByteArrayOutputStream(), model[1].sender(),
                model[1].receiver(), FramingLimits.MAX_FRAME_SIZE, frameSize);
        List<String> want = new ArrayList<>();
        ErrorCode wantError = null;
        while (true) {
            try {
                want.add(HEX.formatHex(receiver.receive()));
            } catch (java.io.EOFException end) {
                break;
            } catch (ProtocolException e) {
                wantError = e.code();
                break;
            }
        }
        JsonNode r = Sut.result(Sut.channelReceive(x.handle, frameSize, bytes), "channelReceive");
        List<String> got = new ArrayList<>();
        r.path("messages").forEach(m -> got.add(m.asText()));
        String context = "frame size " + frameSize + (flipped < 0 ? "" : ", bit 0x01 of byte " + flipped + " flipped") + ", stream "
                + HEX.formatHex(bytes);
        if (!got.equals(want)) {
            throw new AssertionError("delivered " + got.size() + " messages " + abbreviate(got) + ", expected " + want.size() + " "
                    + abbreviate(want) + "\n" + context);
        }
        JsonNode error = r.path("error");
        if (wantError == null ? error.isObject() : !error.isObject() || error.path("code").asInt() != wantError.value()) {
            throw new AssertionError("expected " + (wantError == null ? "no refusal" : "a refusal with " + wantError.value() + " " + wantError)
                    + ", got " + error + "\n" + context);
        }
    }

    private static String abbreviate(List<String> hex) {
        return hex.stream().map(h -> h.length() > 40 ? h.substring(0, 40) + "...(" + h.length() / 2 + " bytes)" : h).toList().toString();
    }
}
