package dev.hyphae.conformance.checks;

import dev.hyphae.ErrorCode;
import dev.hyphae.ProtocolException;
import dev.hyphae.conformance.Checks;
import dev.hyphae.conformance.PeerTarget;
import dev.hyphae.conformance.Profile;
import dev.hyphae.conformance.Suite;
import dev.hyphae.data.ReplicaId;
import dev.hyphae.framing.FramingLimits;
import dev.hyphae.handshake.AccessPolicy.Right;
import dev.hyphae.handshake.Certificate;
import dev.hyphae.handshake.Negotiation;
import dev.hyphae.handshake.ProtocolVersion;
import dev.hyphae.model.CrdtType;
import dev.hyphae.model.Mutation;
import dev.hyphae.model.Mutators;
import dev.hyphae.model.ORMap;
import dev.hyphae.model.PNCounter;
import dev.hyphae.model.State;
import dev.hyphae.model.Value;
import dev.hyphae.model.encoding.PayloadEncoder;
import dev.hyphae.noise.KeyPair;
import dev.hyphae.session.SessionCodec;
import dev.hyphae.session.SessionMessage;
import dev.hyphae.spec.Requirement;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.EOFException;
import java.io.IOException;
import java.math.BigInteger;
import java.net.SocketTimeoutException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The Peer profile: the suite connects to a running peer over TCP, as a neighbour would, and as a hostile one
 * might. It runs the handshake as initiator (with offers the peer must refuse, an identity it must not admit, a
 * forged certificate), then speaks the session: frames that are garbage or too large, messages that are malformed
 * or of unknown type, a document opened and written, a bad delta among good ones, positions that skip or claim too
 * much. Every outcome is what the peer sends back, or that it closes the connection and sends nothing more.
 *
 * <p>The peer must trust the suite's key with the right to write every document whose name starts with
 * {@link PeerTarget#DOCUMENT_PREFIX}; the suite writes only to fresh documents of such names.
 *
 * <p>The suite is a well-behaved neighbour (HY-CONF-048): it sends deltas only where the peer granted it write, and
 * announces {@code durable-acks} only on connections where it acknowledges nothing. A check in which it breaks a
 * requirement on purpose, to see what the peer does with it, says so in its description. Every time it waits is a
 * constant of the specification (chapter "Conformance", table "The times of peer mode").
 *
 * <p>Each check judges one requirement, or a small group that one verdict cannot tell apart, and its verdict fails with
 * the rule, what the suite sent, what the rule expects and what the peer sent ({@link #broken}). So does a failure met on
 * the way to the verdict (the peer refusing a document it must grant, closing or falling silent while the suite waits,
 * sending what does not decode): where no rule of its own applies, its rule is that of the check, whose requirement ids
 * it names ({@link #theChecksRequirements}), and its input is what the suite had sent on the connection
 * ({@link PeerConnection#input}). Where one exchange shows several rules, several checks run it, each judging its own.
 * The peer may hold the documents of earlier checks, and open up to half a session of them at the start of every session
 * (HY-SESS-155): no check counts on what it opens, or on its opening nothing.
 *
 * <p>This class holds the checks of admission, of a document opened and written, and of the positions of a sync, with
 * the helpers that every class of the profile shares. The client that they all drive is {@link PeerConnection}, and
 * what the suite believes the peer holds is {@link DocumentsModel}. The other chapters' checks have classes of their
 * own, named Peer*Checks.
 */
@ExtendWith(PeerCheckLifecycle.class)
@Checks(Profile.PEER)
class PeerChecks {

    static final SecureRandom RANDOM = new SecureRandom();
    /**
     * {@code PEER_ANSWER_TIMEOUT} (chapter "Conformance", table "The times of peer mode"): how long the suite waits for
     * each message that it expects.
     */
    static final int READ_TIMEOUT_MILLIS = 10_000;
    /** {@code CLOSE_INTERVAL} (HY-SESS-143): how long the suite waits for the close after a session has ended. */
    static final int CLOSE_INTERVAL_MILLIS = (int) dev.hyphae.session.SessionLimits.CLOSE_INTERVAL.toMillis();
    /** The default {@code KEEPALIVE_INTERVAL}, which a peer under test runs with (HY-CONF-046). */
    private static final int KEEPALIVE_INTERVAL_MILLIS = (int) dev.hyphae.session.SessionLimits.KEEPALIVE_INTERVAL.toMillis();

    /** The requirement ids that the running check cites, for the failures that its helpers meet on the way to its verdict. */
    private static final ThreadLocal<List<String>> JUDGED = ThreadLocal.withInitial(List::of);

    /** Notes the requirement ids of the check about to run, on its own thread ({@link PeerCheckLifecycle}). */
    static void judging(List<String> requirements) {
        JUDGED.set(requirements);
    }

    /**
     * Notes that the check that ran has ended ({@link PeerCheckLifecycle}), so that nothing run after it cites its
     * requirements.
     */
    static void judged() {
        JUDGED.remove();
    }

    /**
     * The requirement ids of the running check, comma-separated: the rule of a failure met on its way to the verdict, where
     * the peer did not do what the check needs of a peer that meets them.
     */
    static String theChecksRequirements() {
        List<String> ids = JUDGED.get();
        return ids.isEmpty() ? "the requirements of this check" : String.join(", ", ids);
    }

    static PeerTarget target() {
        return Suite.current().peer();
    }

    static String freshDocument() {
        byte[] random = new byte[6];
        RANDOM.nextBytes(random);
        return PeerTarget.DOCUMENT_PREFIX + HexFormat.of().formatHex(random);
    }

    /** A fresh document that the suite's reader may read (HY-CONF-049), and its writer write. */
    static String freshReaderDocument() {
        byte[] random = new byte[6];
        RANDOM.nextBytes(random);
        return PeerTarget.READER_PREFIX + HexFormat.of().formatHex(random);
    }

    static Negotiation.Offer standardOffer() {
        return new Negotiation.Offer(List.of(ProtocolVersion.V1_0), new TreeSet<>());
    }

    static SessionMessage.Open openOf(long channel, String document, ReplicaId replica) {
        return new SessionMessage.Open(channel, document, Right.WRITE, Right.WRITE, replica, new TreeMap<>(), null, 0, 16);
    }

    /** The model's delta of an increment by {@code replica} of the PNCounter under "kwh" of an empty ORMap. */
    static byte[] increment(ReplicaId replica, long amount) {
        State delta = Mutators.delta(State.empty(CrdtType.OR_MAP.id()), new dev.hyphae.model.ReplicaId(replica.toHex()),
                new Mutation.Update(Value.of("kwh"), CrdtType.PNCOUNTER.id(), new Mutation.Increment(amount)));
        return PayloadEncoder.encode(delta);
    }

    /** {@link #increment(ReplicaId, long)} in session form, against the suite's session replica table {@code table}. */
    static byte[] increment(ReplicaId replica, long amount, List<ReplicaId> table) {
        State delta = Mutators.delta(State.empty(CrdtType.OR_MAP.id()), new dev.hyphae.model.ReplicaId(replica.toHex()),
                new Mutation.Update(Value.of("kwh"), CrdtType.PNCOUNTER.id(), new Mutation.Increment(amount)));
        return PayloadEncoder.encode(delta, table.stream().map(id -> new dev.hyphae.model.ReplicaId(id.toHex())).toList());
    }

    /**
     * The set-up that every check which writes needs (HY-CONF-045): a refusal of the suite's Open, or a grant of less than
     * write, fails on it whatever the check judges.
     */
    static final String GRANTS_WRITE = "a peer checked in peer mode trusts the suite's key and grants it write on every document"
            + " whose name starts with " + PeerTarget.DOCUMENT_PREFIX + " (HY-CONF-045)";

    /** Opens a fresh document and returns the peer's answering Open. */
    static SessionMessage.Open openDocument(PeerConnection c, String document, ReplicaId replica) throws IOException, ProtocolException {
        return openDocument(c, 7, document, replica);
    }

    /**
     * Opens a fresh document on the suite's channel {@code channel} and returns the peer's answering Open, which must grant
     * the suite write (HY-CONF-045): the suite sends deltas only when it may (HY-SESS-035, HY-CONF-048).
     */
    static SessionMessage.Open openDocument(PeerConnection c, long channel, String document, ReplicaId replica)
            throws IOException, ProtocolException {
        c.send(openOf(channel, document, replica));
        SessionMessage answer = c.next(m -> m instanceof SessionMessage.Open o && answersOpen(o, channel, document)
                || m instanceof SessionMessage.SessionError e && e.channel() == channel, "answer to its Open of " + document);
        if (!(answer instanceof SessionMessage.Open open) || open.granted() != Right.WRITE) {
            throw c.broken(GRANTS_WRITE, "an Open of " + document + " with granted 2 (write)", answer);
        }
        return open;
    }

    /**
     * Whether {@code o} is the peer's Open of {@code document}, in answer to the suite's Open on {@code channel}: it
     * names the document, or the Open it answers, or both (HY-SESS-090).
     */
    static boolean answersOpen(SessionMessage.Open o, long channel, String document) {
        return o.answers() == channel ? o.document() == null || o.document().equals(document) : document.equals(o.document());
    }

    /**
     * Whether {@code m} acknowledges entry {@code seq} of the suite's log on {@code channel}: an Ack, or an
     * acknowledgement riding on a Delta (HY-SESS-083), which a peer may send instead when it has a delta to send.
     */
    static boolean acknowledges(SessionMessage m, long channel, long seq) {
        return m instanceof SessionMessage.Ack a && a.channel() == channel && a.seq() == seq
                || m instanceof SessionMessage.Delta d && d.channel() == channel && d.ack() == seq;
    }

    /**
     * Expects the session to end with a SessionError of channel 0 and {@code code}, then the close (HY-SESS-140,
     * HY-SESS-143). A Close of the session in its place fails: a fault ends a session with an error. {@code rule} is the
     * rule, with its id, that calls for {@code code}: a wrong code fails on it.
     */
    static void expectSessionError(PeerConnection c, ErrorCode code, String rule, String after) throws IOException, ProtocolException {
        SessionMessage m = c.poll(x -> x instanceof SessionMessage.SessionError e && e.channel() == 0
                || x instanceof SessionMessage.Close close && close.channel() == 0, "session error after " + after);
        String expected = "a SessionError with channel 0, seq 0 and code " + code.value() + " " + code + ", then the close";
        if (m == null) {
            throw broken(rule, after, expected, "no SessionError or Close of the session within " + READ_TIMEOUT_MILLIS
                    + " ms (PEER_ANSWER_TIMEOUT, HY-CONF-047); the peer sent " + (c.received.isEmpty() ? "nothing" : c.received));
        }
        if (m instanceof SessionMessage.Close close) {
            throw broken("a peer that ends a session because of a fault ends it with a SessionError of channel 0 and the fault's code, not"
                    + " a Close (HY-SESS-140)", after, expected, close);
        }
        SessionMessage.SessionError e = (SessionMessage.SessionError) m;
        if (e.code() != code.value()) {
            throw broken(rule, after, expected, e);
        }
        c.expectClosed("its session error", "a peer that sends a SessionError of session scope closes the framed channel within"
                + " CLOSE_INTERVAL of sending it (HY-SESS-143)");
    }

    /**
     * A failure in the form of the other profiles' checks: the rule that the peer broke, what the suite sent, what the rule
     * expects, and what the peer sent.
     */
    static AssertionError broken(String rule, String input, String expected, Object actual) {
        return new AssertionError(rule + "\ninput: " + input + "\nexpected: " + expected + "\nactual: " + actual);
    }

    /**
     * The suite connects with its trusted key: the peer, which accepted the connection, answers the handshake as its
     * responder, and then speaks in frames that authenticate, as the suite's Ping and the peer's answer show.
     */
    @Test
    @Requirement({"HY-TRANS-002", "HY-TRANS-003"})
    void aTrustedNeighbourIsAdmittedByThePeerAsResponder() throws Exception {
        String rule = "the peer that accepts the transport connection is the responder of the handshake (HY-TRANS-002), and sends on"
                + " the stream only the handshake messages and then frames (HY-TRANS-003)";
        String input = "a connection from the suite's trusted key, the first handshake message of an initiator that offers version 1.0,"
                + " then, once the handshake is complete, a Ping";
        String expected = "the responder's handshake message, then frames that authenticate";
        PeerConnection c;
        try {
            c = PeerConnection.open();
        } catch (IOException | ProtocolException e) {
            throw broken(rule, input, expected, "a handshake that failed: " + e);
        }
        try (c) {
            c.send(new SessionMessage.Ping(0x7a5));
            try {
                c.receiveRaw();
            } catch (SocketTimeoutException e) {
                throw broken(rule, input, expected, "no frame within " + READ_TIMEOUT_MILLIS + " ms of the Ping");
            } catch (IOException | ProtocolException e) {
                throw broken(rule, input, expected, "bytes that are no frame of the session's keys: " + e);
            }
        }
    }

    /** A Ping is answered with a Pong that carries its nonce, a session message of its own in a message of the channel. */
    @Test
    @Requirement({"HY-SESS-049", "HY-SESS-001"})
    void aPingIsAnsweredWithAPongOfItsNonce() throws Exception {
        long nonce = 0x0123456789abcdefL;
        String input = "after the handshake, a Ping with nonce " + Long.toHexString(nonce);
        try (PeerConnection c = PeerConnection.open()) {
            c.send(new SessionMessage.Ping(nonce));
            while (true) {
                byte[] bytes;
                try {
                    bytes = c.receiveRaw();
                } catch (SocketTimeoutException e) {
                    throw broken("a peer answers every Ping with a Pong that carries the Ping's nonce (HY-SESS-049)", input,
                            "a Pong with nonce " + Long.toHexString(nonce), "nothing within " + READ_TIMEOUT_MILLIS + " ms; before, " + c.received);
                }
                if (bytes.length < 8 || bytes[4] != 'H' || bytes[5] != 'Y' || bytes[6] != 'S' || bytes[7] != '1') {
                    throw broken("a peer sends each session message as a FlatBuffers buffer of session.fbs with the file identifier HYS1 at"
                            + " positions 4 to 7, as one message of the framed channel (HY-SESS-001)", input,
                            "a message whose bytes 4 to 7 are 48 59 53 31", HexFormat.of().formatHex(bytes));
                }
                SessionMessage m = c.decodeOrFail(bytes);
                c.received.add(m);
                if (m instanceof SessionMessage.Pong pong) {
                    if (pong.nonce() != nonce) {
                        throw broken("a peer answers every Ping with a Pong that carries the Ping's nonce (HY-SESS-049)", input,
                                "a Pong with nonce " + Long.toHexString(nonce), pong);
                    }
                    return;
                }
                if (m instanceof SessionMessage.Ping p) {
                    c.send(new SessionMessage.Pong(p.nonce()));
                }
            }
        }
    }

    @Test
    @Requirement({"HY-VER-003", "HY-HS-005"})
    void anOfferWithNoCommonVersionIsRefused() throws Exception {
        Negotiation.Offer offer = new Negotiation.Offer(List.of(new ProtocolVersion(9, 0)), new TreeSet<>());
        String rule = "a responder fails the handshake with UNSUPPORTED_VERSION (code 3) when no version is both offered and"
                + " supported (HY-VER-003), reported in the Selection of message 2 (HY-HS-005)";
        String input = "a handshake as initiator whose offer holds version 9.0 alone";
        String expected = "a refusal with 3 UNSUPPORTED_VERSION";
        try (PeerConnection c = PeerConnection.open(target().suiteKey(), null, offer)) {
            throw broken(rule, input, expected, "a handshake that completed, with version " + c.result.version());
        } catch (ProtocolException e) {
            if (e.code() != ErrorCode.UNSUPPORTED_VERSION) {
                throw broken(rule, input, expected, "a refusal with " + e.code().value() + " " + e.code() + ": " + e.getMessage());
            }
        }
    }

    @Test
    @Requirement("HY-HS-010")
    void anUnknownCriticalCapabilityIsRefused() throws Exception {
        Negotiation.Offer offer = new Negotiation.Offer(List.of(ProtocolVersion.V1_0), new TreeSet<>(Set.of(59_999)),
                new TreeSet<>(Set.of(59_999)));
        String rule = "a responder ends the handshake with UNSUPPORTED_CAPABILITY (code 203) when the Offer marks critical a"
                + " capability that it does not implement (HY-HS-010)";
        String input = "a handshake as initiator whose offer holds version 1.0 and the capability 59999, which no peer implements,"
                + " marked critical";
        String expected = "a refusal with 203 UNSUPPORTED_CAPABILITY";
        try (PeerConnection c = PeerConnection.open(target().suiteKey(), null, offer)) {
            throw broken(rule, input, expected, "a handshake that completed, with the capabilities " + c.result.capabilities());
        } catch (ProtocolException e) {
            if (e.code() != ErrorCode.UNSUPPORTED_CAPABILITY) {
                throw broken(rule, input, expected, "a refusal with " + e.code().value() + " " + e.code() + ": " + e.getMessage());
            }
        }
    }

    /** A key the peer has never heard of: it learns it from message 3, and must then close without a word. */
    @Test
    @Requirement({"HY-AUTH-005", "HY-AUTH-008"})
    void anUntrustedNeighbourIsRefusedAndReceivesNothing() throws Exception {
        String rule = "a peer ends the handshake with UNKNOWN_PEER unless it trusts the other peer's static key (HY-AUTH-005), which"
                + " a responder learns from message 3, and so closes the connection; it sends no part of a document to a peer that"
                + " holds no right on it (HY-AUTH-008)";
        try (PeerConnection c = PeerConnection.open(KeyPair.generate(RANDOM), null, standardOffer())) {
            c.expectClosed("a handshake from an untrusted key", rule);
            if (!c.received.isEmpty()) {
                throw broken(rule, "a handshake as initiator from a key that the peer does not trust, then nothing",
                        "the close of the connection, and no session message", c.received);
            }
        }
    }

    /** The suite's trusted key, but with a certificate whose signature is forged: the certificate is checked first. */
    @Test
    @Requirement({"HY-AUTH-003", "HY-AUTH-008"})
    void aForgedCertificateIsRefusedEvenForATrustedKey() throws Exception {
        Ed25519PrivateKeyParameters organisation = new Ed25519PrivateKeyParameters(RANDOM);
        Certificate genuine = Certificate.issue(organisation, "conformance", target().suiteKey().publicKey(),
                System.currentTimeMillis() - 60_000, System.currentTimeMillis() + 3_600_000);
        byte[] signature = genuine.signature();
        signature[0] ^= 0x01;
        Certificate forged = new Certificate(genuine.organisationKey(), genuine.subjectKey(), genuine.organisation(),
                genuine.notBefore(), genuine.notAfter(), signature);
        String rule = "a peer ends the handshake with BAD_CERTIFICATE when a certificate's signature does not verify (HY-AUTH-003),"
                + " whatever it thinks of the key, and so closes the connection; it sends no part of a document to a peer that holds"
                + " no right on it (HY-AUTH-008)";
        try (PeerConnection c = PeerConnection.open(target().suiteKey(), forged, standardOffer())) {
            c.expectClosed("a handshake with a forged certificate", rule);
            if (!c.received.isEmpty()) {
                throw broken(rule, "a handshake as initiator from the suite's trusted key, with a certificate of that key whose signature"
                        + " is forged (one bit flipped), then nothing", "a refusal, or the close of the connection, and no session message",
                        c.received);
            }
        } catch (ProtocolException e) {
            // Also acceptable: refused as early as the handshake allows.
        }
    }

    /**
     * Nothing answers a frame that does not authenticate: no error, no close, not even with the sending key (HY-FRAME-024).
     * The suite plays an attacker on purpose (HY-CONF-048): it writes 200 random bytes where a frame belongs.
     */
    @Test
    @Requirement({"HY-FRAME-019", "HY-FRAME-020", "HY-FRAME-024"})
    void garbageAfterTheHandshakeEndsTheSession() throws Exception {
        try (PeerConnection c = PeerConnection.open()) {
            byte[] garbage = new byte[200];
            RANDOM.nextBytes(garbage);
            garbage[0] = 0;
            garbage[1] = (byte) 150;
            c.writeAsAttacker(garbage);
            c.expectClosed("a frame that does not authenticate", REFUSED_FRAME);
            expectNoAnswer(c, "a frame that does not authenticate");
        }
    }

    /**
     * Fragments without FIN beyond MAX_MESSAGE_SIZE: the peer must stop reassembling and close. The suite plays an attacker
     * on purpose (HY-CONF-048): it sends a message longer than a sender may (HY-FRAME-014).
     */
    @Test
    @Requirement({"HY-FRAME-019", "HY-FRAME-020", "HY-FRAME-024"})
    void aMessageBeyondTheReassemblyLimitEndsTheSession() throws Exception {
        try (PeerConnection c = PeerConnection.open()) {
            byte[] fragment = new byte[c.result.sendFrameSize() - FramingLimits.FRAME_OVERHEAD];
            long sent = 0;
            try {
                while (sent <= FramingLimits.MAX_MESSAGE_SIZE + fragment.length) {
                    byte[] plaintext = new byte[1 + fragment.length];   // flags 0: not the last fragment
                    System.arraycopy(fragment, 0, plaintext, 1, fragment.length);
                    byte[] ciphertext = c.result.sender().encryptWithAd(new byte[0], plaintext);
                    byte[] frame = new byte[2 + ciphertext.length];
                    frame[0] = (byte) (ciphertext.length >>> 8);
                    frame[1] = (byte) ciphertext.length;
                    System.arraycopy(ciphertext, 0, frame, 2, ciphertext.length);
                    c.writeAsAttacker(frame);
                    sent += fragment.length;
                }
            } catch (IOException closedWhileSending) {
                if (c.closedBySuite()) {
                    // The suite's watchdog closed the socket: the peer stopped reading and never closed.
                    AssertionError failure = c.broken(REFUSED_FRAME, "the close of the connection within CLOSE_INTERVAL of"
                            + " fragments beyond MAX_MESSAGE_SIZE", "no close within PEER_CONNECTION_LIMIT: the peer stopped reading"
                            + " the fragments, and kept the connection open until the suite closed it");
                    failure.initCause(closedWhileSending);
                    throw failure;
                }
                return;   // the peer closed as soon as the limit was passed
            }
            c.expectClosed("fragments beyond MAX_MESSAGE_SIZE", REFUSED_FRAME);
            expectNoAnswer(c, "fragments beyond MAX_MESSAGE_SIZE");
        }
    }

    /**
     * A message of a type that the session does not define ends the session with UNKNOWN_MESSAGE_TYPE. The suite plays an
     * attacker on purpose (HY-CONF-048): its message is a Ping whose message_type is 200, which a sender never sends
     * (HY-VER-018).
     */
    @Test
    @Requirement("HY-SESS-004")
    void aMessageOfUnknownTypeEndsTheSessionWithItsCode() throws Exception {
        byte[] ping = SessionCodec.encode(new SessionMessage.Ping(5));
        byte[] unknown = null;
        // The union's type byte: the byte holding 5 (Ping) that, set to 200, makes the reference decoder say so.
        for (int i = 8; i < ping.length && unknown == null; i++) {
            if (ping[i] == 5) {
                byte[] mutated = ping.clone();
                mutated[i] = (byte) 200;
                try {
                    SessionCodec.decode(mutated);
                } catch (ProtocolException e) {
                    if (e.code() == ErrorCode.UNKNOWN_MESSAGE_TYPE) {
                        unknown = mutated;
                    }
                }
            }
        }
        try (PeerConnection c = PeerConnection.open()) {
            c.sendAsAttacker(unknown);
            expectSessionError(c, ErrorCode.UNKNOWN_MESSAGE_TYPE, "a receiver ends the session with UNKNOWN_MESSAGE_TYPE when message_type is a value that the session does not define (HY-SESS-004)", "a message of type 200");
        }
    }

    @Test
    @Requirement({"HY-SESS-025"})
    void aMessageOnAChannelNeverOpenedEndsTheSession() throws Exception {
        try (PeerConnection c = PeerConnection.open()) {
            c.send(new SessionMessage.Ack(4_000_000_000L, 1));
            expectSessionError(c, ErrorCode.PROTOCOL_VIOLATION, "a receiver ends the session with PROTOCOL_VIOLATION when an Ack names a channel number that it has not chosen in an Open of the session (HY-SESS-025)", "an Ack on a channel never opened");
        }
    }

    /** A fresh document is opened: the peer answers the Open with its own, which states the right that the suite holds. */
    @Test
    @Requirement({"HY-SESS-028", "HY-SESS-034"})
    void anOpenOfAFreshDocumentIsAnsweredWithAnOpenThatStatesTheGrant() throws Exception {
        String document = freshDocument();
        String input = "an Open on channel 7 of " + document + ", a fresh document on which the peer grants the suite's key write"
                + " (HY-CONF-045)";
        try (PeerConnection c = PeerConnection.open()) {
            c.send(openOf(7, document, ReplicaId.random(RANDOM)));
            SessionMessage answer = c.poll(m -> m instanceof SessionMessage.Open o && answersOpen(o, 7, document)
                    || m instanceof SessionMessage.SessionError e && (e.channel() == 7 || e.channel() == 0), "answer to its Open");
            if (answer instanceof SessionMessage.SessionError e && e.channel() == 7) {
                // A refusal is allowed by HY-SESS-028; what it breaks is the set-up that the suite's key is granted write.
                throw broken(GRANTS_WRITE, input, "an Open of " + document + " with granted 2 (write)", e);
            }
            if (!(answer instanceof SessionMessage.Open open)) {
                throw broken("a peer answers an Open of a document that is not on the session with an Open of the same document, unless"
                        + " it refuses it (HY-SESS-028)", input, "an Open of " + document, answer == null ? "nothing within "
                        + READ_TIMEOUT_MILLIS + " ms" : answer);
            }
            if (open.granted() != Right.WRITE) {
                throw broken("a peer sets the granted of its Open to the right that the receiver holds: 2 for write (HY-SESS-034)", input,
                        "an Open with granted 2 (write)", open);
            }
        }
    }

    /**
     * A write is acknowledged with the seq that its Delta brought: a state to seq 1, then an interval from 1 to 3, which
     * moves the suite's held position to 3. The suite sends nothing else meanwhile, so the acknowledgement may wait no
     * longer than ACK_DELAY (the suite waits PEER_ANSWER_TIMEOUT: a bound of 25 ms is not judged on a loaded machine);
     * and no acknowledgement of the peer goes past the entries that the suite has sent (HY-SESS-041).
     * The suite announces durable-acks, and acknowledges nothing (HY-CONF-048).
     */
    @Test
    @Requirement({"HY-SYNC-021", "HY-SYNC-022", "HY-SYNC-023", "HY-SESS-041"})
    void aWriteIsAcknowledgedWithTheSeqItsDeltaBrought() throws Exception {
        String document = freshDocument();
        ReplicaId me = ReplicaId.random(RANDOM);
        String rule = "a receiver sets held(r) to the to_seq of each Delta that it accepts (HY-SYNC-021) and acknowledges it with an Ack"
                + " on the same document whose seq is held(r) (HY-SYNC-022), within ACK_DELAY once no message of the session is"
                + " waiting (HY-SYNC-023; the suite waits PEER_ANSWER_TIMEOUT)";
        try (PeerConnection c = PeerConnection.openWriting()) {
            SessionMessage.Open answer = openDocument(c, document, me);
            c.send(new SessionMessage.Delta(answer.channel(), SessionMessage.Kind.STATE, 0, 1, increment(me, 5)));
            expectAcknowledgedAlone(c, 1, rule, "on " + document + ", a STATE to seq 1 of one increment");
            State first = Mutators.delta(DocumentsModel.empty(), new dev.hyphae.model.ReplicaId(me.toHex()),
                    new Mutation.Update(Value.of("kwh"), CrdtType.PNCOUNTER.id(), new Mutation.Increment(5)));
            State second = Mutators.delta(first, new dev.hyphae.model.ReplicaId(me.toHex()),
                    new Mutation.Update(Value.of("kwh"), CrdtType.PNCOUNTER.id(), new Mutation.Increment(7)));
            c.send(new SessionMessage.Delta(answer.channel(), SessionMessage.Kind.INTERVAL, 1, 3, PayloadEncoder.encode(second)));
            expectAcknowledgedAlone(c, 3, rule, "on " + document + ", a STATE to seq 1, then an INTERVAL from 1 to 3 of a second increment");
        }
    }

    /**
     * Waits for the acknowledgement of the suite's channel 7 up to {@code seq}, the last entry that the suite has sent: one
     * of a greater seq fails on HY-SESS-041, one of a smaller seq, or a SessionError that refuses the delta, on
     * {@code rule}.
     */
    private static void expectAcknowledgedAlone(PeerConnection c, long seq, String rule, String input) throws IOException, ProtocolException {
        SessionMessage m = c.poll(x -> x instanceof SessionMessage.Ack a && a.channel() == 7
                || x instanceof SessionMessage.Delta d && d.channel() == 7 && d.ack() != 0
                || x instanceof SessionMessage.SessionError e && (e.channel() == 7 || e.channel() == 0), "acknowledgement of entry " + seq);
        long acknowledged = m instanceof SessionMessage.Ack a ? a.seq() : m instanceof SessionMessage.Delta d ? d.ack() : 0;
        if (acknowledged > seq) {
            throw broken(m instanceof SessionMessage.Ack
                            ? "a peer sends no Ack whose seq is greater than the number of entries of the receiver's delta log that its"
                                    + " state holds without a gap (HY-SESS-041): the suite has sent entries 1 to " + seq
                            : "a peer sets the ack of a Delta to no value that it could not send as the seq of an Ack (HY-SESS-084), which"
                                    + " is at most the number of entries of the receiver's delta log that its state holds without a gap"
                                    + " (HY-SESS-041): the suite has sent entries 1 to " + seq,
                    input, "an Ack of channel 7 with seq " + seq, m);
        }
        if (!acknowledges(m, 7, seq)) {
            throw broken(rule, input, "an Ack of channel 7 with seq " + seq, m == null ? "nothing within " + READ_TIMEOUT_MILLIS + " ms" : m);
        }
    }

    /**
     * What one session wrote, a later session is given back, in deltas of the document that hold it. The peer's answer
     * states in its summary, if it states one, no dot beyond the one write (HY-SYNC-017); the suite's Open names no
     * position, so the peer's first delta is a DIFFERENCE or a STATE, or an INTERVAL from 0 (HY-SYNC-011, HY-SYNC-029),
     * and each later INTERVAL starts at most at the greatest to_seq sent before it (HY-SYNC-007).
     */
    @Test
    @Requirement({"HY-SYNC-004", "HY-SYNC-017", "HY-SYNC-011", "HY-SYNC-007"})
    void aWriteIsGivenBackToTheNextSession() throws Exception {
        String document = freshDocument();
        ReplicaId me = ReplicaId.random(RANDOM);
        writeInASessionOfItsOwn(document, me, 41);
        // A new replica of the suite, which holds nothing: the peer must send what it has.
        ReplicaId fresh = ReplicaId.random(RANDOM);
        try (PeerConnection c = PeerConnection.open()) {
            SessionMessage.Open answer = openDocument(c, document, fresh);
            String input = "in an earlier session, a write of 41 to the counter \"kwh\" of " + document + " by replica " + me
                    + ", acknowledged; in this one, an Open of it by a fresh replica, with an empty summary and no held position";
            if (answer.summary() != null) {
                for (var entry : answer.summary().entrySet()) {
                    if (entry.getValue() > (entry.getKey().equals(me) ? 1 : 0)) {
                        throw broken("the summary of an Open contains no dot that the causal context of the sender's state does not"
                                        + " contain (HY-SYNC-017): the peer's state of " + document + " holds the one dot of " + me, input,
                                "an Open whose summary counts at most 1 for " + me + " and 0 for any other replica", answer);
                    }
                }
            }
            long sentTo = -1;   // the greatest to_seq that the peer has sent on the channel; -1 before its first delta
            State state = DocumentsModel.empty();
            while (!value(state).equals(BigInteger.valueOf(41))) {
                SessionMessage m = c.poll(x -> x instanceof SessionMessage.Delta d && d.channel() == 7, "delta of " + document);
                if (m == null) {
                    throw broken("a peer that may send deltas of a document sends the receiver deltas that together cover every entry of its"
                                    + " log after the position from which it resumed (HY-SYNC-004)",
                            "in an earlier session, a write of 41 to the counter \"kwh\" of " + document + ", acknowledged; in this one, an Open"
                                    + " of it by a fresh replica that holds nothing", "deltas of " + document + " that bring the counter to 41",
                            "deltas that bring it to " + value(state) + ", then nothing within " + READ_TIMEOUT_MILLIS + " ms");
                }
                SessionMessage.Delta delta = (SessionMessage.Delta) m;
                if (delta.kind() == SessionMessage.Kind.INTERVAL && sentTo < 0 && delta.fromSeq() != 0) {
                    throw broken("a peer sends no Delta of kind INTERVAL on a channel before a DIFFERENCE or a STATE, unless the"
                                    + " receiver's Open named the peer's replica id in held_replica (HY-SYNC-011), or from position 0 when it"
                                    + " named no prefix of the peer's log (HY-SYNC-029); the suite's Open named none", input,
                            "a first Delta of kind DIFFERENCE or STATE, or an INTERVAL whose from_seq is 0", delta);
                }
                if (delta.kind() == SessionMessage.Kind.INTERVAL && sentTo >= 0 && delta.fromSeq() > sentTo) {
                    throw broken("a peer sends no Delta of kind INTERVAL whose from_seq is greater than the greatest to_seq that it has"
                                    + " sent on the channel (HY-SYNC-007)", input, "an INTERVAL whose from_seq is at most " + sentTo,
                            delta + ", after deltas up to " + sentTo);
                }
                sentTo = Math.max(sentTo, delta.toSeq());
                state = DocumentsModel.join(state, delta, c);
                c.send(new SessionMessage.Ack(answer.channel(), delta.toSeq()));
            }
        }
    }

    /**
     * One session of the suite that opens {@code document} as {@code writer}, sends the state of one increment of
     * {@code amount}, waits for its acknowledgement and closes: a write the peer holds when a later session begins.
     */
    static void writeInASessionOfItsOwn(String document, ReplicaId writer, long amount) throws Exception {
        try (PeerConnection c = PeerConnection.openWriting()) {
            SessionMessage.Open answer = openDocument(c, document, writer);
            c.send(new SessionMessage.Delta(answer.channel(), SessionMessage.Kind.STATE, 0, 1, increment(writer, amount)));
            c.next(m -> acknowledges(m, 7, 1), "acknowledgement of entry 1");
            c.send(new SessionMessage.Close(0, ErrorCode.NO_ERROR.value(), "done"));
        }
    }

    /** The capability deflate (registry, capabilities). */
    static final int DEFLATE = 2;
    /** The capability durable-acks (registry, capabilities). */
    static final int DURABLE_ACKS = 1;

    static BigInteger value(State state) {
        return ((PNCounter) ((ORMap) state.store()).get(Value.of("kwh"), CrdtType.PNCOUNTER.id())).value();
    }

    @Test
    @Requirement({"HY-SESS-022", "HY-SESS-047", "HY-SYNC-025", "HY-SESS-045"})
    void aMalformedDeltaIsRefusedAloneAndTheSessionCarriesOn() throws Exception {
        String document = freshDocument();
        ReplicaId me = ReplicaId.random(RANDOM);
        try (PeerConnection c = PeerConnection.open()) {
            SessionMessage.Open answer = openDocument(c, document, me);
            c.send(new SessionMessage.Delta(answer.channel(), SessionMessage.Kind.INTERVAL, 0, 1, new byte[] {1, 2, 3, 4, 5, 6, 7, 8}));
            // Also a refusal of a delta on another channel: one that names the delta there, or with another seq, breaks
            // HY-SESS-045.
            SessionMessage refusal = c.next(m -> m instanceof SessionMessage.SessionError x && (x.channel() == 7
                    || x.code() == ErrorCode.MALFORMED_DELTA.value()), "refusal of the malformed delta");
            SessionMessage.SessionError e = (SessionMessage.SessionError) refusal;
            if (e.channel() != 0 && e.code() == ErrorCode.MALFORMED_DELTA.value() && (e.channel() != 7 || e.seq() != 1)) {
                throw c.broken("a peer sends an error that refuses a delta with the receiver's channel number of the document and the"
                        + " to_seq of that delta (HY-SESS-045): the suite opened " + document + " on channel 7, and the delta's to_seq"
                        + " is 1", "a SessionError of channel 7, seq 1, code 101", e);
            }
            if (e.channel() != 7 || e.seq() != 1 || e.code() != ErrorCode.MALFORMED_DELTA.value()) {
                throw c.broken("a receiver refuses a Delta whose payload fails a check alone, with MALFORMED_DELTA (code 101) in a"
                        + " SessionError that names it (HY-SESS-022)", "a SessionError of channel 7, seq 1, code 101", e);
            }
            // The next interval follows on from the consumed one, and is applied.
            c.send(new SessionMessage.Delta(answer.channel(), SessionMessage.Kind.INTERVAL, 1, 2, increment(me, 3)));
            c.next(m -> acknowledges(m, 7, 2), "acknowledgement of entry 2 after the refused entry 1");
        }
    }

    @Test
    @Requirement("HY-SYNC-008")
    void anIntervalThatSkipsEntriesEndsTheSession() throws Exception {
        String document = freshDocument();
        ReplicaId me = ReplicaId.random(RANDOM);
        try (PeerConnection c = PeerConnection.open()) {
            SessionMessage.Open answer = openDocument(c, document, me);
            c.send(new SessionMessage.Delta(answer.channel(), SessionMessage.Kind.INTERVAL, 5, 6, increment(me, 1)));
            expectSessionError(c, ErrorCode.PROTOCOL_VIOLATION, "a receiver ends the session with PROTOCOL_VIOLATION when a Delta of kind INTERVAL has a from_seq greater than what it holds of the sender's log (HY-SYNC-008)", "an interval from entry 5 of a log it holds nothing of");
        }
    }

    /**
     * An acknowledgement riding on a delta counts as an Ack would, and is checked as one: one of an entry that
     * exists is accepted with its delta, one beyond the peer's log ends the session.
     */
    @Test
    @Requirement({"HY-SESS-083", "HY-SESS-042"})
    void anAckRidingOnADeltaIsAcceptedAndOnePastTheLogEndsTheSession() throws Exception {
        String document = freshDocument();
        ReplicaId me = ReplicaId.random(RANDOM);
        try (PeerConnection c = PeerConnection.open()) {
            SessionMessage.Open answer = openDocument(c, document, me);
            c.send(new SessionMessage.Delta(answer.channel(), SessionMessage.Kind.STATE, 0, 1, increment(me, 5)));
            c.next(m -> acknowledges(m, 7, 1), "acknowledgement of entry 1");
            // The write changed the peer's state, so its log now has an entry 1 (HY-SYNC-020), which came from the
            // suite: the suite's state holds it, and may acknowledge it on its next delta. (The payloads repeat the
            // first write's dot: what matters here is the acknowledgement, not the state.)
            c.send(new SessionMessage.Delta(answer.channel(), SessionMessage.Kind.INTERVAL, 1, 2, increment(me, 3)).withAck(1));
            c.next(m -> acknowledges(m, 7, 2), "acknowledgement of entry 2, which carried an acknowledgement of the peer's entry 1");
            c.send(new SessionMessage.Delta(answer.channel(), SessionMessage.Kind.INTERVAL, 2, 3, increment(me, 4)).withAck(1_000_000));
            expectSessionError(c, ErrorCode.PROTOCOL_VIOLATION, "a receiver treats the ack of a Delta as an Ack (HY-SESS-083), and ends the session with PROTOCOL_VIOLATION when an Ack claims entries past the end of its log (HY-SESS-042)", "a Delta acknowledging entry 1,000,000 of a log of a few entries");
        }
    }

    /**
     * A summary that the peer's Open left out is given on request, once; one that its Open stated may not be asked
     * for. Which of the two applies is the peer's choice (HY-SYNC-030 is advisory); the suite meets the peer twice
     * under one replica id, so that a peer that follows it leaves the summary out the second time. The peer's answer
     * resumes the suite's replica no further than its one write (HY-SYNC-010).
     */
    @Test
    @Requirement({"HY-SESS-082", "HY-SESS-087", "HY-SYNC-010"})
    void aSummaryRequestIsAnsweredOnlyWhereTheOpenLeftTheSummaryOut() throws Exception {
        String document = freshDocument();
        ReplicaId me = ReplicaId.random(RANDOM);
        writeInASessionOfItsOwn(document, me, 5);
        try (PeerConnection c = PeerConnection.open()) {
            SessionMessage.Open answer = openDocument(c, document, me);
            // HY-SYNC-010: the peer's answer resumes the suite's replica, whose log has one entry. An answer names it as
            // held_replica, or leaves held_replica absent with a held_seq, which then names the receiver's own (HY-SESS-091).
            boolean namesTheSuite = answer.heldReplica() == null ? answer.heldSeq() != 0 : answer.heldReplica().equals(me);
            if (namesTheSuite && answer.heldSeq() > 1) {
                throw c.broken("the held_seq of an Open is not greater than the number of entries of the log of held_replica that the"
                                + " sender's state holds without a gap (HY-SYNC-010): the suite's replica " + me + " wrote one entry of "
                                + document + ", in an earlier session", "an Open of " + document + " whose held_seq, where it names " + me
                                + ", is at most 1", answer);
            }
            c.send(new SessionMessage.SummaryRequest(answer.channel()));
            if (answer.summary() != null) {
                expectSessionError(c, ErrorCode.PROTOCOL_VIOLATION, "a receiver ends the session with PROTOCOL_VIOLATION on a SummaryRequest of a document whose Open by the receiver stated a summary (HY-SESS-087)", "a SummaryRequest of a summary that the peer's Open stated");
                return;
            }
            SessionMessage.Summary summary = (SessionMessage.Summary) c.next(m -> m instanceof SessionMessage.Summary s && s.channel() == 7,
                    "Summary in answer to the SummaryRequest");
            // HY-SYNC-017: the peer holds the suite's write, and nothing of the suite's beyond it.
            if (!Long.valueOf(1).equals(summary.summary().get(me))) {
                throw c.broken("a peer answers a SummaryRequest with a Summary whose summary obeys what HY-SYNC-017 requires of the"
                        + " summary of an Open (HY-SESS-082): the peer holds the one write of replica " + me + " that it acknowledged in an"
                        + " earlier session, and no later one", "a Summary that counts 1 for " + me, summary);
            }
            c.send(new SessionMessage.SummaryRequest(answer.channel()));
            expectSessionError(c, ErrorCode.PROTOCOL_VIOLATION, "a receiver ends the session with PROTOCOL_VIOLATION on a second SummaryRequest of a document on the session (HY-SESS-087)", "a second SummaryRequest of one document");
        }
    }

    /**
     * A neighbour that holds nothing of the peer's log and states no summary gets the peer's writes all the same:
     * by a difference computed from a summary that the peer asked for, or by the state, never by a difference
     * from a summary it was not given: a peer that took the absent summary for an empty one (HY-SESS-080) would send
     * the difference from it without asking.
     */
    @Test
    @Requirement({"HY-SYNC-031", "HY-SESS-081", "HY-SESS-080"})
    void aPeerThatNeedsTheSummaryAsksForItOrSendsTheState() throws Exception {
        String document = freshDocument();
        ReplicaId writer = ReplicaId.random(RANDOM);
        writeInASessionOfItsOwn(document, writer, 41);
        ReplicaId fresh = ReplicaId.random(RANDOM);
        try (PeerConnection c = PeerConnection.open()) {
            c.send(new SessionMessage.Open(7, document, Right.WRITE, Right.WRITE, fresh, null, null, 0, 16));
            SessionMessage.Open answer = (SessionMessage.Open) c.next(m -> m instanceof SessionMessage.Open o && answersOpen(o, 7, document),
                    "answer to its Open of " + document);
            boolean asked = false;
            State state = DocumentsModel.empty();
            while (!value(state).equals(BigInteger.valueOf(41))) {
                SessionMessage m = c.next(x -> x instanceof SessionMessage.SummaryRequest r && r.channel() == 7
                        || x instanceof SessionMessage.Delta d && d.channel() == 7, "a SummaryRequest or a delta holding the earlier write");
                if (m instanceof SessionMessage.SummaryRequest) {
                    if (asked) {
                        throw c.broken("a peer sends no more than one SummaryRequest on a document of a session (HY-SESS-081)",
                                "one SummaryRequest of channel 7, then deltas of " + document, m);
                    }
                    asked = true;
                    c.send(new SessionMessage.Summary(answer.channel(), new TreeMap<>()));
                    continue;
                }
                SessionMessage.Delta delta = (SessionMessage.Delta) m;
                if (delta.kind() == SessionMessage.Kind.DIFFERENCE && !asked) {
                    throw c.broken("a peer computes a DIFFERENCE from a summary that the receiver stated on the session; one whose"
                                    + " receiver's Open stated none asks for it with a SummaryRequest or sends a STATE instead (HY-SYNC-031),"
                                    + " and takes no absent summary for an empty one (HY-SESS-080)",
                            "a SummaryRequest of channel 7 before any DIFFERENCE, or deltas of kind STATE or INTERVAL", delta);
                }
                state = DocumentsModel.join(state, delta, c);
                c.send(new SessionMessage.Ack(answer.channel(), delta.toSeq()));
            }
        }
    }

    @Test
    @Requirement("HY-SESS-042")
    void anAckOfEntriesThatDoNotExistEndsTheSession() throws Exception {
        String document = freshDocument();
        try (PeerConnection c = PeerConnection.open()) {
            SessionMessage.Open answer = openDocument(c, document, ReplicaId.random(RANDOM));
            c.send(new SessionMessage.Ack(answer.channel(), 1_000_000));
            expectSessionError(c, ErrorCode.PROTOCOL_VIOLATION, "a receiver ends the session with PROTOCOL_VIOLATION when an Ack has a seq greater than the last entry of its log of the document (HY-SESS-042)", "an Ack of entry 1,000,000 of a fresh document");
        }
    }

    /**
     * What a peer does with a frame that it refuses: it processes the frame in the steps of HY-FRAME-019, ends the session
     * (HY-FRAME-020), which closes the connection, and sends nothing after it (HY-FRAME-024).
     */
    private static final String REFUSED_FRAME = "a receiver refuses a frame that does not authenticate, or a message past"
            + " MAX_MESSAGE_SIZE, as HY-FRAME-019 orders its steps, and then ends the session (HY-FRAME-020), closing the connection"
            + " within CLOSE_INTERVAL, without sending any frame after it (HY-FRAME-024)";

    /** Fails if the peer sent an error or a close of the session on {@code c}: after {@code after} it must send nothing. */
    static void expectNoAnswer(PeerConnection c, String after) {
        for (SessionMessage m : c.received) {
            if (m instanceof SessionMessage.SessionError || m instanceof SessionMessage.Close) {
                throw c.broken("a peer that refuses a frame sends no frame after it, not even with its sending key: no error message,"
                        + " no close message, nothing (HY-FRAME-024)", "nothing after " + after + ", then the close of the connection",
                        c.received);
            }
        }
    }

    // The decisions of the network chapters (issue of the second reading): each check fails a peer that takes the other
    // reading.

    /**
     * A peer whose state of a document was empty at the Open resumes from 0 (HY-SYNC-070): what the suite then writes
     * is all that the peer holds, and comes from the suite, so nothing goes back, neither a difference or a state that
     * echoes it (HY-SYNC-070) nor an interval whose payload is empty because it covers only the suite's entries
     * (HY-SYNC-028). The suite's Ping, sent after the peer's acknowledgement, is answered once the peer has acted on the
     * write.
     */
    @Test
    @Requirement({"HY-SYNC-070", "HY-SYNC-028"})
    void aPeerWhoseStateWasEmptyEchoesNothingBack() throws Exception {
        String document = freshDocument();
        ReplicaId me = ReplicaId.random(RANDOM);
        try (PeerConnection c = PeerConnection.openWriting()) {
            SessionMessage.Open answer = openDocument(c, document, me);
            c.send(new SessionMessage.Delta(answer.channel(), SessionMessage.Kind.STATE, 0, 1, increment(me, 5)));
            c.next(m -> acknowledges(m, 7, 1), "acknowledgement of entry 1");
            c.send(new SessionMessage.Delta(answer.channel(), SessionMessage.Kind.INTERVAL, 1, 2, increment(me, 6)));
            c.next(m -> acknowledges(m, 7, 2), "acknowledgement of entry 2");
            c.send(new SessionMessage.Ping(0x5eed));
            c.next(m -> m.equals(new SessionMessage.Pong(0x5eed)), "Pong after the acknowledgement of both writes");
            for (SessionMessage m : c.received) {
                if (m instanceof SessionMessage.Delta d && d.channel() == 7) {
                    throw broken(d.kind() == SessionMessage.Kind.INTERVAL
                                    ? "a peer sends no Delta whose payload is empty because every entry that it covers came from the receiver"
                                            + " (HY-SYNC-028)"
                                    : "a peer resumes from position 0, sending no DIFFERENCE or STATE first, when every entry of its log"
                                            + " counts as held by the receiver, as when its state was empty at the Open (HY-SYNC-070)",
                            "an Open of the fresh document " + document + ", then two writes of the suite, a STATE 0..1 and an INTERVAL 1..2,"
                                    + " each acknowledged, then a Ping",
                            "no Delta of " + document + ": the peer holds only the suite's own writes", d);
                }
            }
        }
    }

    /**
     * A delta refused for its payload, in order, gets two answers in a fixed order: the SessionError that names it, then
     * an acknowledgement that covers it, with nothing else sent by the suite in between.
     */
    @Test
    @Requirement("HY-SYNC-071")
    void aDeltaRefusedForItsPayloadGetsItsErrorThenItsAcknowledgement() throws Exception {
        List<SessionMessage> answers = answersToARefusedDelta();
        if (answers.size() < 2 || !(answers.get(0) instanceof SessionMessage.SessionError e) || e.seq() != 1
                || e.code() != ErrorCode.MALFORMED_DELTA.value() || !acknowledges(answers.get(1), 7, 1)) {
            throw broken("a receiver that consumes a refused Delta sends the SessionError that refuses it before any acknowledgement"
                            + " that covers it, and then acknowledges it (HY-SYNC-071)", REFUSED_DELTA,
                    "a SessionError of channel 7, seq 1, MALFORMED_DELTA (101), then an acknowledgement of channel 7 with seq 1", answers);
        }
    }

    /**
     * A delta refused for its payload, in order, is consumed: the receiver moves the sender's held position to its
     * to_seq and acknowledges it, as if it had accepted it.
     */
    @Test
    @Requirement("HY-SYNC-025")
    void aDeltaRefusedForItsPayloadInOrderIsAcknowledged() throws Exception {
        List<SessionMessage> answers = answersToARefusedDelta();
        if (answers.stream().noneMatch(m -> acknowledges(m, 7, 1))) {
            throw broken("a receiver that refuses an in-order Delta for its payload sets held(r) to its to_seq and acknowledges it"
                    + " (HY-SYNC-025)", REFUSED_DELTA, "an acknowledgement of channel 7 with seq 1", answers);
        }
    }

    private static final String REFUSED_DELTA = "an Open of a fresh document, then an INTERVAL 0..1 whose payload is the 8 bytes"
            + " 0102030405060708, which no decoder accepts";

    /**
     * Sends {@link #REFUSED_DELTA} and returns the peer's refusals and acknowledgements of the suite's channel 7 in their
     * order, until it has sent one of each or nothing more within the read timeout.
     */
    private static List<SessionMessage> answersToARefusedDelta() throws IOException, ProtocolException {
        try (PeerConnection c = PeerConnection.openWriting()) {
            SessionMessage.Open answer = openDocument(c, freshDocument(), ReplicaId.random(RANDOM));
            c.send(new SessionMessage.Delta(answer.channel(), SessionMessage.Kind.INTERVAL, 0, 1, new byte[] {1, 2, 3, 4, 5, 6, 7, 8}));
            List<SessionMessage> answers = new ArrayList<>();
            while (answers.stream().noneMatch(m -> m instanceof SessionMessage.SessionError)
                    || answers.stream().noneMatch(m -> acknowledges(m, 7, 1))) {
                SessionMessage m = c.poll(x -> x instanceof SessionMessage.SessionError e && (e.channel() == 7 || e.channel() == 0)
                        || x instanceof SessionMessage.Ack a && a.channel() == 7
                        || x instanceof SessionMessage.Delta d && d.channel() == 7 && d.ack() != 0, "the refusal and the acknowledgement");
                if (m == null) {
                    break;
                }
                answers.add(m);
            }
            return answers;
        }
    }

    /**
     * A delta that only adds a dot to the context changes the state (HY-SYNC-072): a removal of an entry that the peer
     * never held travels on to another neighbour, which may hold the entry. The reader opens the document first, while
     * it is empty; the writer then sends the removal.
     */
    @Test
    @Requirement({"HY-SYNC-072", "HY-SYNC-020", "HY-SYNC-004"})
    void aRemovalThatChangesOnlyTheContextTravelsOn() throws Exception {
        String document = freshDocument();
        ReplicaId writer = ReplicaId.random(RANDOM);
        ReplicaId reader = ReplicaId.random(RANDOM);
        dev.hyphae.model.ReplicaId elsewhere = new dev.hyphae.model.ReplicaId(ReplicaId.random(RANDOM).toHex());
        State held = Mutators.delta(DocumentsModel.empty(), elsewhere,
                new Mutation.Update(Value.of("kwh"), CrdtType.PNCOUNTER.id(), new Mutation.Increment(1)));
        // The writer's state: it saw the entry written elsewhere and removed it. Its store is empty, its context the dot.
        State removal = Mutators.delta(held, new dev.hyphae.model.ReplicaId(writer.toHex()), new Mutation.RemoveKey(Value.of("kwh")));
        dev.hyphae.model.Dot dot = new dev.hyphae.model.Dot(elsewhere, 1);
        try (PeerConnection r = PeerConnection.open(); PeerConnection w = PeerConnection.openWriting()) {
            SessionMessage.Open read = openDocument(r, document, reader);
            SessionMessage.Open write = openDocument(w, document, writer);
            w.send(new SessionMessage.Delta(write.channel(), SessionMessage.Kind.STATE, 0, 1, PayloadEncoder.encode(removal)));
            w.next(m -> acknowledges(m, 7, 1), "acknowledgement of the removal");
            State state = DocumentsModel.empty();
            while (!state.context().contains(dot)) {
                SessionMessage.Delta delta = (SessionMessage.Delta) r.next(m -> m instanceof SessionMessage.Delta d && d.channel() == 7,
                        "a delta of " + document + " carrying the removal, whose context holds " + dot + " (HY-SYNC-072)");
                state = DocumentsModel.join(state, delta, r);
                r.send(new SessionMessage.Ack(read.channel(), delta.toSeq()));
            }
        }
    }

    /**
     * A peer that has sent nothing since the handshake sends a Ping within KEEPALIVE_INTERVAL of the start of the session,
     * or of its last message (HY-SESS-152), whether or not it has received anything: the suite sends nothing at all. A
     * Ping later than KEEPALIVE_INTERVAL + PEER_ANSWER_TIMEOUT after the peer's last message is judged as not sent
     * (HY-CONF-047): the read's timeout is that bound.
     */
    @Test
    @Requirement({"HY-SESS-048", "HY-SESS-152", "HY-CONF-046", "HY-CONF-047"})
    void aSilentSessionGetsAPingAfterTheKeepaliveInterval() throws Exception {
        try (PeerConnection c = PeerConnection.open()) {
            int wait = KEEPALIVE_INTERVAL_MILLIS + READ_TIMEOUT_MILLIS;
            c.setReadTimeout(wait);
            String rule = "a peer sends a Ping when it has sent no message on the session for KEEPALIVE_INTERVAL (HY-SESS-048), an"
                    + " interval that starts with the session, whether or not anything is received (HY-SESS-152); a peer under test runs"
                    + " with its default, " + KEEPALIVE_INTERVAL_MILLIS + " ms (HY-CONF-046); a Ping later than the bound below counts as"
                    + " not sent (HY-CONF-047)";
            String expected = "a Ping within " + wait + " ms (KEEPALIVE_INTERVAL + PEER_ANSWER_TIMEOUT) of the session's start or of"
                    + " the peer's last message";
            while (true) {
                byte[] bytes;
                try {
                    bytes = c.receiveRaw();
                } catch (SocketTimeoutException e) {
                    throw broken(rule, "nothing after the handshake", expected, c.received.isEmpty() ? "nothing"
                            : c.received + ", then nothing for " + wait + " ms");
                } catch (EOFException | java.net.SocketException e) {
                    // The suite sends nothing, but the wait is shorter than IDLE_INTERVAL (HY-SESS-050): no end is due yet.
                    AssertionError failure = broken(rule, "nothing after the handshake", expected, (c.received.isEmpty() ? "nothing"
                            : c.received.toString()) + ", then the close of the connection, before IDLE_INTERVAL had passed");
                    failure.initCause(e);
                    throw failure;
                }
                SessionMessage m = c.decodeOrFail(bytes);
                c.received.add(m);
                if (m instanceof SessionMessage.Ping) {
                    return;
                }
            }
        }
    }

    /**
     * The answer to an Open that grants the peer read only states mode read (HY-SESS-147), and an answer that holds none
     * of the opener's log names no prefix: no held_replica, held_seq 0 (HY-SESS-146).
     */
    @Test
    @Requirement({"HY-SESS-146", "HY-SESS-147", "HY-SESS-034"})
    void anAnswerStatesItsModeAndNamesNoPrefixItDoesNotHold() throws Exception {
        String document = freshDocument();
        ReplicaId me = ReplicaId.random(RANDOM);
        try (PeerConnection c = PeerConnection.open()) {
            c.send(new SessionMessage.Open(7, document, Right.WRITE, Right.READ, me, new TreeMap<>(), null, 0, 16));
            SessionMessage.Open answer = (SessionMessage.Open) c.next(m -> m instanceof SessionMessage.Open o && answersOpen(o, 7, document),
                    "answer to an Open that grants the peer read only");
            if (answer.mode() != Right.READ) {
                throw c.broken("a peer that answers an Open whose granted is less than 2 sets the mode of its answer to 1, read"
                        + " (HY-SESS-147)", "an Open of " + document + " with mode 1 (read)", answer);
            }
            if (answer.heldReplica() != null || answer.heldSeq() != 0) {
                throw c.broken("a peer leaves held_replica absent and sets held_seq to 0 in an Open that names no prefix of the"
                                + " receiver's log, as when it holds no entry of it (HY-SESS-146); the suite's replica " + me + " is fresh",
                        "an Open of " + document + " with no held_replica and held_seq 0", answer);
            }
            // The other side of HY-SESS-146: an Open that names the peer's replica id with held_seq 0 names no prefix, and is
            // answered as any other.
            String second = freshDocument();
            c.send(new SessionMessage.Open(8, second, Right.WRITE, Right.WRITE, me, new TreeMap<>(), answer.replica(), 0, 16));
            SessionMessage reply = c.next(m -> m instanceof SessionMessage.Open o && answersOpen(o, 8, second) || m instanceof SessionMessage.SessionError,
                    "answer to an Open whose held_replica is the peer's and whose held_seq is 0");
            if (reply instanceof SessionMessage.SessionError e) {
                throw c.broken("a receiver reads an Open whose held_replica is present and whose held_seq is 0 as naming no prefix"
                        + " (HY-SESS-146), and answers it as any other Open", "an Open of " + second + " that answers the suite's Open", e);
            }
        }
    }
}
