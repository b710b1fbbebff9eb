package dev.hyphae.noise;

import java.io.ByteArrayOutputStream;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;

/**
 * A Noise HandshakeState (Noise specification, section 5.3) for the patterns of {@link HandshakePattern},
 * without pre-messages or PSKs. Call {@link #writeMessage} and {@link #readMessage} in the pattern's order;
 * after the last message, {@link #split()} gives the transport cipher states.
 *
 * <p>Any failure while reading (a short message, a failed authentication, a low-order public key) zeroes the
 * handshake's key material and leaves the state unusable: a failed handshake is not resumed.
 */
public final class HandshakeState {

    /** The largest Noise message, in bytes. */
    public static final int MAX_MESSAGE_LENGTH = 65535;

    private final NoiseSuite suite;
    private final boolean initiator;
    private final SymmetricState symmetric;
    private final KeyPair s;
    private final SecureRandom random;
    private KeyPair e;
    private byte[] rs;
    private byte[] re;
    private int message;
    private boolean failed;

    /**
     * Initialize(handshake_pattern, initiator, prologue, s, e, rs, re).
     *
     * @param s         the local static key pair, required when the pattern sends s
     * @param ephemeral a preset ephemeral key pair (test vectors), or null to generate one from {@code random}
     */
    public HandshakeState(NoiseSuite suite, boolean initiator, byte[] prologue, KeyPair s, KeyPair ephemeral, SecureRandom random) {
        this.suite = suite;
        this.initiator = initiator;
        this.symmetric = new SymmetricState(suite);
        this.s = s;
        this.e = ephemeral;
        this.random = random;
        symmetric.mixHash(prologue);
    }

    /** Whether it is this side's turn to write. */
    public boolean isMyTurn() {
        return (message % 2 == 0) == initiator;
    }

    /** Whether every message of the pattern has been written or read. */
    public boolean isComplete() {
        return message == suite.pattern().messages.size();
    }

    /** The remote static public key, once received. */
    public byte[] remoteStaticKey() {
        return rs == null ? null : rs.clone();
    }

    /** The handshake hash h, which binds everything the handshake exchanged (channel binding). */
    public byte[] handshakeHash() {
        return symmetric.handshakeHash();
    }

    /** WriteMessage(payload, message_buffer). */
    public byte[] writeMessage(byte[] payload) throws NoiseException {
        checkTurn(true);
        try {
            return write(payload);
        } catch (NoiseException failure) {
            destroy();
            failed = true;
            throw failure;
        }
    }

    private byte[] write(byte[] payload) throws NoiseException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (HandshakePattern.Token token : tokens()) {
            switch (token) {
                case E -> {
                    if (e == null) {
                        e = KeyPair.generate(random);
                    }
                    byte[] publicKey = e.publicKey();
                    out.writeBytes(publicKey);
                    symmetric.mixHash(publicKey);
                }
                case S -> out.writeBytes(symmetric.encryptAndHash(s.publicKey()));
                default -> mixDh(token);
            }
        }
        out.writeBytes(symmetric.encryptAndHash(payload));
        message++;
        if (out.size() > MAX_MESSAGE_LENGTH) {
            throw new IllegalArgumentException("a handshake message longer than " + MAX_MESSAGE_LENGTH + " bytes");
        }
        return out.toByteArray();
    }

    /** ReadMessage(message, payload_buffer): the payload, or the reason the message is refused. */
    public byte[] readMessage(byte[] received) throws NoiseException {
        checkTurn(false);
        try {
            if (received.length > MAX_MESSAGE_LENGTH) {
                throw new NoiseException(NoiseException.Reason.BAD_MESSAGE_LENGTH,
                        "a handshake message longer than " + MAX_MESSAGE_LENGTH + " bytes");
            }
            int at = 0;
            for (HandshakePattern.Token token : tokens()) {
                switch (token) {
                    case E -> {
                        re = take(received, at, KeyPair.LENGTH);
                        at += KeyPair.LENGTH;
                        symmetric.mixHash(re);
                    }
                    case S -> {
                        int length = KeyPair.LENGTH + (symmetric.hasKey() ? CipherState.TAG_LENGTH : 0);
                        rs = symmetric.decryptAndHash(take(received, at, length));
                        at += length;
                    }
                    default -> mixDh(token);
                }
            }
            byte[] payload = symmetric.decryptAndHash(Arrays.copyOfRange(received, at, received.length));
            message++;
            return payload;
        } catch (NoiseException failure) {
            destroy();
            failed = true;
            throw failure;
        }
    }

    /** Split(): {c1, c2}, c1 for initiator-to-responder, c2 for responder-to-initiator. */
    public CipherState[] split() {
        if (!isComplete() || failed) {
            throw new IllegalStateException("the handshake is not complete");
        }
        CipherState[] pair = symmetric.split();
        destroy();
        return pair;
    }

    /** Zeroes the ephemeral private key and the symmetric state's keys. The static key is the caller's. */
    public void destroy() {
        if (e != null) {
            e.destroy();
        }
        symmetric.destroy();
    }

    private List<HandshakePattern.Token> tokens() {
        return suite.pattern().messages.get(message);
    }

    private void checkTurn(boolean writing) {
        if (failed) {
            throw new IllegalStateException("the handshake failed");
        }
        if (isComplete()) {
            throw new IllegalStateException("the handshake is complete");
        }
        if (isMyTurn() != writing) {
            throw new IllegalStateException(writing ? "not this side's turn to write" : "not this side's turn to read");
        }
    }

    private void mixDh(HandshakePattern.Token token) throws NoiseException {
        byte[] shared = switch (token) {
            case EE -> e.dh(re);
            case ES -> initiator ? e.dh(rs) : s.dh(re);
            case SE -> initiator ? s.dh(re) : e.dh(rs);
            case SS -> s.dh(rs);
            default -> throw new IllegalStateException(token.name());
        };
        if (shared == null) {
            throw new NoiseException(NoiseException.Reason.LOW_ORDER_KEY, "a DH with a low-order public key");
        }
        symmetric.mixKey(shared);
        Arrays.fill(shared, (byte) 0);
    }

    private static byte[] take(byte[] message, int at, int length) throws NoiseException {
        if (message.length - at < length) {
            throw new NoiseException(NoiseException.Reason.BAD_MESSAGE_LENGTH, "a handshake message too short for its pattern");
        }
        return Arrays.copyOfRange(message, at, at + length);
    }
}
