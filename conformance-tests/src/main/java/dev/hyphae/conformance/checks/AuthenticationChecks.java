package dev.hyphae.conformance.checks;

import dev.hyphae.ErrorCode;
import dev.hyphae.conformance.Checks;
import dev.hyphae.conformance.Profile;
import dev.hyphae.conformance.Sut;
import dev.hyphae.conformance.model.HandshakeSide;
import dev.hyphae.handshake.Certificate;
import dev.hyphae.spec.Requirement;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.hyphae.conformance.checks.HandshakeChecks.expectNothingSent;
import static dev.hyphae.conformance.checks.HandshakeChecks.expectRefusal;

/**
 * Who the adapter admits in a handshake, with the suite as its peer (chapter "Authorisation"): a peer certified by a
 * trusted organisation, not one whose certificate is forged, of another key or expired, and not a peer that it does not
 * trust.
 */
@Checks(Profile.HANDSHAKE)
class AuthenticationChecks {

    private static final Ed25519PrivateKeyParameters ACME = HandshakeSide.organisation("acme");

    @BeforeEach
    void claimed() {
        Sut.requireProfile(Profile.HANDSHAKE);
    }

    /**
     * Two sides, initiator and responder; side {@code subject} holds a certificate from the organisation "Acme",
     * and the other side trusts it only through Acme.
     */
    private static HandshakeSide[] certified(int subject) {
        HandshakeSide[] p = HandshakeSide.pair();
        HandshakeSide certifiedSide = p[subject];
        HandshakeSide verifier = p[1 - subject];
        verifier.trustedPeers.clear();
        verifier.trustedOrganisations.add(ACME.generatePublicKey().getEncoded());
        certifiedSide.certificate = Certificate.issue(ACME, "Acme", certifiedSide.publicKey(), HandshakeSide.NOW - HandshakeSide.DAY,
                HandshakeSide.NOW + 30 * HandshakeSide.DAY);
        return p;
    }

    @Test
    @Requirement({"HY-AUTH-001", "HY-AUTH-002"})
    void anOrganisationCertificateIdentifiesThePeer() {
        for (boolean adapterInitiates : List.of(true, false)) {
            // The model presents the certificate; the adapter trusts its organisation alone.
            HandshakeSide[] p = certified(adapterInitiates ? 1 : 0);
            Exchange x = adapterInitiates ? Exchange.adapterInitiates(p[0], p[1], Exchange.FAITHFUL, Exchange.FAITHFUL)
                    : Exchange.adapterResponds(p[0], p[1], Exchange.FAITHFUL);
            HandshakeSide model = p[adapterInitiates ? 1 : 0];
            if (x.adapterOutcome == null || !"Acme".equals(x.adapterOutcome.path("remoteOrganisation").asText())
                    || !Sut.hex(model.publicKey()).equals(x.adapterOutcome.path("remoteStaticKey").asText())) {
                throw new AssertionError("a peer that trusts an organisation admits a peer whose valid certificate that organisation "
                        + "signed, identified by its static key and the organisation\ninput: the adapter, as "
                        + (adapterInitiates ? "initiator" : "responder") + ", trusts the organisation Acme alone; the suite presents a "
                        + "certificate from Acme\nexpected: the handshake completes, with remoteOrganisation Acme and remoteStaticKey "
                        + Sut.hex(model.publicKey()) + "\nactual: " + (x.adapterOutcome != null ? "it completed with " + x.adapterOutcome
                        : x.adapterError != null ? "it refused message " + x.adapterFailedAt + " with " + x.adapterError.describe()
                        : "it did not complete") + "\nthe exchange:\n" + x.describe());
            }
        }
    }

    @Test
    @Requirement({"HY-AUTH-003"})
    void aCertificateWithABadSignatureIsRefused() {
        for (boolean adapterInitiates : List.of(true, false)) {
            HandshakeSide[] p = certified(adapterInitiates ? 1 : 0);
            HandshakeSide model = p[adapterInitiates ? 1 : 0];
            Certificate good = model.certificate;
            byte[] signature = good.signature();
            signature[0] ^= 1;
            model.certificate = new Certificate(good.organisationKey(), good.subjectKey(), good.organisation(), good.notBefore(),
                    good.notAfter(), signature);
            Exchange x = adapterInitiates ? Exchange.adapterInitiates(p[0], p[1], Exchange.FAITHFUL, Exchange.FAITHFUL)
                    : Exchange.adapterResponds(p[0], p[1], Exchange.FAITHFUL);
            expectRefusal(x, adapterInitiates ? 2 : 3, ErrorCode.BAD_CERTIFICATE, "a certificate whose signature does not verify under "
                    + "the organisation's key is refused with BAD_CERTIFICATE", "the adapter, as " + (adapterInitiates ? "initiator"
                    : "responder") + ", trusts Acme; the suite presents a certificate from Acme with one bit of its signature flipped");
        }
    }

    @Test
    @Requirement({"HY-AUTH-003"})
    void aCertificateOfAnotherKeyIsRefused() {
        HandshakeSide[] p = certified(0);
        // The model, as initiator, presents a genuine certificate that Acme issued for somebody else's key.
        p[0].certificate = Certificate.issue(ACME, "Acme", HandshakeSide.named("somebody else").publicKey(),
                HandshakeSide.NOW - HandshakeSide.DAY, HandshakeSide.NOW + HandshakeSide.DAY);
        Exchange x = Exchange.adapterResponds(p[0], p[1], Exchange.FAITHFUL);
        expectRefusal(x, 3, ErrorCode.BAD_CERTIFICATE, "a certificate whose subject key is not the peer's static key is refused with "
                + "BAD_CERTIFICATE", "the adapter, as responder, trusts Acme; the suite, as initiator, presents a genuine certificate "
                + "that Acme issued for another key");
    }

    @Test
    @Requirement({"HY-AUTH-004"})
    void anExpiredCertificateIsRefused() {
        HandshakeSide[] p = certified(0);
        p[1].now = HandshakeSide.NOW + 31 * HandshakeSide.DAY;
        Exchange x = Exchange.adapterResponds(p[0], p[1], Exchange.FAITHFUL);
        expectRefusal(x, 3, ErrorCode.CERTIFICATE_EXPIRED, "a certificate whose validity period does not hold the verifier's time is "
                + "refused with CERTIFICATE_EXPIRED", "the adapter, as responder, trusts Acme, and its clock is a day past the Not "
                + "After of the certificate from Acme that the suite presents");
    }

    @Test
    @Requirement({"HY-AUTH-005", "HY-AUTH-006"})
    void anUntrustedResponderLearnsNothing() {
        HandshakeSide[] p = HandshakeSide.pair();
        p[0].trustedPeers.clear();
        Exchange x = Exchange.adapterInitiates(p[0], p[1], Exchange.FAITHFUL, Exchange.FAITHFUL);
        String law = "an initiator refuses a responder that it does not trust with UNKNOWN_PEER, and sends no message 3, which would "
                + "reveal its static key";
        String input = "the adapter, as initiator, trusts no peer; the suite responds";
        expectRefusal(x, 2, ErrorCode.UNKNOWN_PEER, law, input);
        expectNothingSent(x.adapterError, law, input);
    }

    @Test
    @Requirement({"HY-AUTH-005"})
    void anUntrustedInitiatorIsRefused() {
        HandshakeSide[] p = HandshakeSide.pair();
        p[1].trustedPeers.clear();
        Exchange x = Exchange.adapterResponds(p[0], p[1], Exchange.FAITHFUL);
        expectRefusal(x, 3, ErrorCode.UNKNOWN_PEER, "a responder refuses an initiator that it does not trust with UNKNOWN_PEER",
                "the adapter, as responder, trusts no peer; the suite initiates");
    }
}
