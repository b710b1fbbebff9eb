package dev.hyphae.handshake;

import dev.hyphae.ErrorCode;
import dev.hyphae.ProtocolException;
import dev.hyphae.framing.FramingLimits;
import dev.hyphae.noise.CipherState;
import dev.hyphae.noise.HandshakeState;
import dev.hyphae.noise.KeyPair;
import dev.hyphae.noise.NoiseException;
import dev.hyphae.noise.NoiseSuite;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Collection;
import java.util.Set;
import java.util.SortedSet;

/**
 * The Hyphae handshake: Noise {@code Noise_XX_25519_ChaChaPoly_SHA256} with the prologue {@link #PROLOGUE}, whose
 * three messages carry the offer, the selection and the confirmation of {@code spec/schema/handshake.fbs}.
 *
 * <pre>
 *   initiator                                   responder
 *   -&gt; e                    + Offer (cleartext, hashed)
 *                           &lt;- e, ee, s, es + Selection (encrypted)
 *   -&gt; s, se               + Confirmation (encrypted)
 * </pre>
 *
 * Because Noise hashes every payload into the transcript, an offer changed in transit makes the second
 * message fail to decrypt at the initiator: a downgrade is detected, not negotiated. Every failure zeroes the
 * handshake's keys and ends it.
 */
public final class HyphaeHandshake {

    /** The Noise prologue: the protocol and the handshake format, bound into the transcript. */
    public static final byte[] PROLOGUE = "hyphae/handshake/1".getBytes(StandardCharsets.US_ASCII);

    private static final NoiseSuite SUITE = NoiseSuite.parse(NoiseSuite.MANDATORY);

    /**
     * A completed handshake.
     *
     * @param version         the negotiated version
     * @param capabilities    the capabilities in force
     * @param remoteStaticKey the peer's Noise static public key: its identity
     * @param sender          the cipher state for what this side sends
     * @param receiver        the cipher state for what this side receives
     * @param handshakeHash   the Noise handshake hash, for channel binding
     * @param identity        the peer as the trust store recognised it
     * @param sendFrameSize    the largest frame the peer accepts: the most this side may send
     * @param receiveFrameSize the largest frame this side announced it accepts
     */
    public record Result(ProtocolVersion version, SortedSet<Integer> capabilities, byte[] remoteStaticKey,
                         CipherState sender, CipherState receiver, byte[] handshakeHash, TrustStore.Identity identity,
                         int sendFrameSize, int receiveFrameSize) {
    }

    /**
     * This side's identity and trust.
     *
     * @param staticKey   this side's Noise static key pair
     * @param certificate a certificate of its public key, sent to the peer, or null
     * @param trust       whom this side trusts
     * @param clock       the current time in milliseconds since the Unix epoch, for certificate validity
     */
    public record Credentials(KeyPair staticKey, Certificate certificate, TrustStore trust, java.util.function.LongSupplier clock) {
    }

    private HyphaeHandshake() {
    }

    /**
     * HY-HS-007: the error a peer reported in its handshake payload, with that code if it is a session error
     * this side knows, and as {@code HANDSHAKE_FAILED} otherwise.
     */
    private static ProtocolException peerError(int value, String peer) {
        ErrorCode code = ErrorCode.of(value);
        return ProtocolException.sessionError(code != null && code.scope() == ErrorCode.Scope.SESSION ? code : ErrorCode.HANDSHAKE_FAILED,
                "the %s ended the handshake with error %d", peer, value);
    }

    /** ReadMessage of the Noise layer, whose every failure ends the handshake with {@code HANDSHAKE_FAILED} (HY-HS-009). */
    private static byte[] read(HandshakeState noise, byte[] message) throws ProtocolException {
        try {
            return noise.readMessage(message);
        } catch (NoiseException e) {
            throw failed(e);
        }
    }

    /** WriteMessage of the Noise layer: its DH fails, as {@code HANDSHAKE_FAILED}, on a low-order key from the peer. */
    private static byte[] write(HandshakeState noise, byte[] payload) throws ProtocolException {
        try {
            return noise.writeMessage(payload);
        } catch (NoiseException e) {
            throw failed(e);
        }
    }

    private static ProtocolException failed(NoiseException e) {
        return ProtocolException.sessionError(ErrorCode.HANDSHAKE_FAILED, e, "%s", e.getMessage());
    }

    /** The initiator's side. */
    public static final class Initiator {
        private final HandshakeState noise;
        private final Negotiation.Offer offer;
        private final Credentials credentials;
        private Negotiation.Selection selection;
        private Result result;

        public Initiator(Credentials credentials, Negotiation.Offer offer, SecureRandom random) {
            this(credentials, offer, null, random);
        }

        /**
         * An initiator with a given ephemeral key pair, so that its messages are reproducible: for test vectors
         * only, never for a real session, whose security rests on a fresh ephemeral key.
         */
        public Initiator(Credentials credentials, Negotiation.Offer offer, KeyPair ephemeral, SecureRandom random) {
            this.noise = new HandshakeState(SUITE, true, PROLOGUE, credentials.staticKey(), ephemeral, random);
            this.offer = offer;
            this.credentials = credentials;
        }

        /** Message 1: the offer. */
        public byte[] start() throws ProtocolException {
            return write(noise, HandshakeCodec.offer(offer));
        }

        /**
         * Reads message 2 and returns message 3, after which the handshake is complete.
         *
         * @throws ProtocolException {@code HANDSHAKE_FAILED} if message 2 does not authenticate (for example
         *                           after an offer was changed in transit); the responder's error, such as
         *                           {@code UNSUPPORTED_VERSION}; {@code PROTOCOL_VIOLATION} if the selection
         *                           is not within the offer; {@code MALFORMED_MESSAGE} for a bad payload; the
         *                           trust store's refusal of the responder, {@code UNKNOWN_PEER} and the like,
         *                           in which case nothing is to be sent: close the connection
         */
        public byte[] onSelection(byte[] message) throws ProtocolException {
            try {
                HandshakeCodec.Decoded decoded = HandshakeCodec.decode(read(noise, message), 1);
                if (decoded.selectionError() != 0) {
                    throw peerError(decoded.selectionError(), "responder");
                }
                Negotiation.check(offer, decoded.selection());
                selection = decoded.selection();
                // The responder's identity is decided before this side sends anything further: message 3 carries
                // this side's static key, which an untrusted responder must not learn. A refusal sends nothing.
                TrustStore.Identity identity = credentials.trust().verify(noise.remoteStaticKey(), decoded.certificate(),
                        credentials.clock().getAsLong());
                byte[] confirmation = write(noise, HandshakeCodec.confirmation(credentials.certificate()));
                CipherState[] ciphers = noise.split();
                result = new Result(selection.version(), selection.capabilities(), noise.remoteStaticKey(), ciphers[0], ciphers[1],
                        noise.handshakeHash(), identity, selection.maxFrameSize(), offer.maxFrameSize());
                return confirmation;
            } catch (ProtocolException | RuntimeException e) {
                noise.destroy();
                throw e;
            }
        }

        /** Ends the handshake here, erasing its keys: for a stream that ended or timed out before its next message. */
        public void abort() {
            noise.destroy();
        }

        /** The result, once {@link #onSelection} returned. */
        public Result result() {
            if (result == null) {
                throw new IllegalStateException("the handshake is not complete");
            }
            return result;
        }
    }

    /** The responder's side. */
    public static final class Responder {
        private final HandshakeState noise;
        private final Collection<ProtocolVersion> supported;
        private final Set<Integer> known;
        private final Credentials credentials;
        private Negotiation.Selection selection;
        private ProtocolException failure;
        private Result result;
        private int maxFrameSize = FramingLimits.MAX_FRAME_SIZE;
        private int offerFrameSize;

        public Responder(Credentials credentials, Collection<ProtocolVersion> supported, Set<Integer> known, SecureRandom random) {
            this(credentials, supported, known, null, random);
        }

        /** A responder with a given ephemeral key pair: for test vectors only, as for the initiator. */
        public Responder(Credentials credentials, Collection<ProtocolVersion> supported, Set<Integer> known, KeyPair ephemeral,
                         SecureRandom random) {
            this.noise = new HandshakeState(SUITE, false, PROLOGUE, credentials.staticKey(), ephemeral, random);
            this.supported = supported;
            this.known = known;
            this.credentials = credentials;
        }

        /**
         * Reads message 1 and returns message 2. If negotiation fails, message 2 carries the error for the
         * initiator and {@link #failure()} holds it: send the message, then close.
         *
         * @throws ProtocolException for a message 1 that cannot be read at all ({@code HANDSHAKE_FAILED},
         *                           {@code MALFORMED_MESSAGE}), when nothing is sent back
         */
        public byte[] onOffer(byte[] message) throws ProtocolException {
            HandshakeCodec.Decoded decoded;
            try {
                decoded = HandshakeCodec.decode(read(noise, message), 0);
            } catch (ProtocolException e) {
                noise.destroy();
                throw e;
            }
            byte[] reply;
            try {
                offerFrameSize = decoded.offer().maxFrameSize();
                selection = Negotiation.select(decoded.offer(), supported, known, maxFrameSize);
                reply = HandshakeCodec.selection(selection, credentials.certificate());
            } catch (ProtocolException refused) {
                // Negotiation failed: the second message tells the initiator why, and the handshake ends.
                failure = refused;
                reply = HandshakeCodec.selectionError(refused.code());
            }
            try {
                byte[] second = write(noise, reply);
                if (failure != null) {
                    noise.destroy();
                }
                return second;
            } catch (ProtocolException e) {
                // Writing message 2 performs the ee and es DH: a low-order ephemeral key from the initiator fails here.
                noise.destroy();
                throw e;
            }
        }

        /**
         * Announces {@code size} (1024 to 65535) as the largest frame this responder accepts; call before
         * {@link #onOffer}. The default is 65535.
         */
        public Responder acceptingFramesUpTo(int size) {
            Negotiation.checkFrameSize(size);
            maxFrameSize = size;
            return this;
        }

        /** The negotiation failure that message 2 reported, or null. */
        public ProtocolException failure() {
            return failure;
        }

        /** Reads message 3; the handshake is then complete. */
        public void onConfirmation(byte[] message) throws ProtocolException {
            if (failure != null) {
                throw failure;
            }
            try {
                HandshakeCodec.Decoded decoded = HandshakeCodec.decode(read(noise, message), 2);
                if (decoded.confirmationError() != 0) {
                    throw peerError(decoded.confirmationError(), "initiator");
                }
                TrustStore.Identity identity = credentials.trust().verify(noise.remoteStaticKey(), decoded.certificate(),
                        credentials.clock().getAsLong());
                CipherState[] ciphers = noise.split();
                result = new Result(selection.version(), selection.capabilities(), noise.remoteStaticKey(), ciphers[1], ciphers[0],
                        noise.handshakeHash(), identity, offerFrameSize, selection.maxFrameSize());
            } catch (ProtocolException | RuntimeException e) {
                noise.destroy();
                throw e;
            }
        }

        /** Ends the handshake here, erasing its keys: for a stream that ended or timed out before its next message. */
        public void abort() {
            noise.destroy();
        }

        /** The result, once {@link #onConfirmation} returned. */
        public Result result() {
            if (result == null) {
                throw new IllegalStateException("the handshake is not complete");
            }
            return result;
        }
    }
}
