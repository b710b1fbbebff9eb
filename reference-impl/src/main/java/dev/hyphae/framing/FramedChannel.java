package dev.hyphae.framing;

import dev.hyphae.ErrorCode;
import dev.hyphae.ProtocolException;
import dev.hyphae.noise.CipherState;
import dev.hyphae.noise.NoiseException;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;

import static dev.hyphae.framing.FramingLimits.FRAME_OVERHEAD;
import static dev.hyphae.framing.FramingLimits.MAX_FRAME_SIZE;
import static dev.hyphae.framing.FramingLimits.MAX_MESSAGE_SIZE;
import static dev.hyphae.framing.FramingLimits.MIN_FRAME_SIZE;
import static dev.hyphae.framing.FramingLimits.REKEY_INTERVAL;

/**
 * The framed, encrypted channel that follows the handshake (specification, chapter "Framing").
 *
 * <pre>
 * Frame {
 *   Length (16),              // of the ciphertext that follows, big-endian
 *   Ciphertext (..),          // a Noise transport message: ChaChaPoly of the plaintext below, 16-byte tag
 * }
 * Plaintext {
 *   Flags (8),                // 0x01 FIN: the last fragment of its message; other bits 0
 *   Fragment (..),
 * }
 * </pre>
 *
 * A message longer than one frame is cut into fragments, in order; the receiver reassembles them. Each
 * direction has its own cipher state; both sides rekey it after every {@link FramingLimits#REKEY_INTERVAL} frames, in step,
 * without any signal. A frame that fails to authenticate, or breaks a limit, ends the channel with a code, and
 * releases no plaintext.
 *
 * <p>One thread may send while another receives; each direction is for one thread at a time. A failure on
 * either side ends both: its cipher states are destroyed, and a send in progress stops before its next frame.
 */
public final class FramedChannel {

    static final int FIN = 0x01;

    private final InputStream in;
    private final OutputStream out;
    private final CipherState sender;
    private final CipherState receiver;
    private final int sendFrameSize;
    private final int receiveFrameSize;
    private long sent;
    private long received;
    /** The message being reassembled, its length so far, and how many fragments it has had. */
    private byte[] message = new byte[0];
    private int size;
    private int reassembled;
    private volatile boolean failed;

    /**
     * A channel over {@code in} and {@code out}.
     *
     * @param in               where frames are read by {@link #receive()}; null for a caller that hands each frame
     *                         to {@link #receiveFrame} itself
     * @param sendFrameSize    the largest ciphertext to send: the peer's announced maximum
     * @param receiveFrameSize the largest ciphertext to accept: this side's announced maximum
     */
    public FramedChannel(InputStream in, OutputStream out, CipherState sender, CipherState receiver,
                         int sendFrameSize, int receiveFrameSize) {
        for (int size : new int[] {sendFrameSize, receiveFrameSize}) {
            if (size < MIN_FRAME_SIZE || size > MAX_FRAME_SIZE) {
                throw new IllegalArgumentException("a frame size is " + MIN_FRAME_SIZE + " to " + MAX_FRAME_SIZE + ": " + size);
            }
        }
        this.in = in;
        this.out = out;
        this.sender = sender;
        this.receiver = receiver;
        this.sendFrameSize = sendFrameSize;
        this.receiveFrameSize = receiveFrameSize;
    }

    /**
     * Sends {@code message} in as many frames as it needs (at least one, even when it is empty). A failure
     * part way through leaves a partial message on the wire, so it ends the channel and erases its keys.
     *
     * @throws IllegalStateException after the channel has failed or was closed: nothing is ever sent
     *                               without its key
     */
    public void send(byte[] message) throws IOException, ProtocolException {
        if (failed) {
            throw new IllegalStateException("the channel has failed or was closed");
        }
        if (message.length > MAX_MESSAGE_SIZE) {
            throw new IllegalArgumentException("a message of " + message.length + " bytes exceeds MAX_MESSAGE_SIZE");
        }
        try {
            sendFrames(message);
        } catch (IOException | ProtocolException | RuntimeException e) {
            close();
            throw e;
        }
    }

    private void sendFrames(byte[] message) throws IOException, ProtocolException {
        int room = sendFrameSize - FRAME_OVERHEAD;
        int at = 0;
        do {
            if (failed) {
                // The reader failed, or someone closed the channel, while this message was going out.
                throw new IllegalStateException("the channel failed while a message was being sent");
            }
            int length = Math.min(room, message.length - at);
            byte[] plaintext = new byte[1 + length];
            plaintext[0] = (byte) (at + length == message.length ? FIN : 0);
            System.arraycopy(message, at, plaintext, 1, length);
            byte[] ciphertext;
            try {
                ciphertext = sender.encryptWithAd(new byte[0], plaintext);
            } catch (NoiseException e) {
                // The cause is this side's own state, not anything the peer sent: INTERNAL_ERROR either way.
                throw switch (e.reason()) {
                    case NONCES_EXHAUSTED -> ProtocolException.sessionError(ErrorCode.INTERNAL_ERROR, e,
                            "the sending cipher state has reached the nonce 2^64-1, which HY-FRAME-011 reserves for REKEY:"
                                    + " no frame can be sent any more, and the session ends");
                    case AUTHENTICATION_FAILED, BAD_MESSAGE_LENGTH, LOW_ORDER_KEY -> ProtocolException.sessionError(
                            ErrorCode.INTERNAL_ERROR, e, "encryption failed, which it cannot: %s", e.getMessage());
                };
            } finally {
                Arrays.fill(plaintext, (byte) 0); // the caller's message is its own; this copy of it is ours to erase
            }
            out.write(ciphertext.length >>> 8);
            out.write(ciphertext.length);
            out.write(ciphertext);
            at += length;
            if (++sent % REKEY_INTERVAL == 0) {
                sender.rekey();
            }
        } while (at < message.length);
        out.flush();
    }

    /**
     * Receives the next message, reassembled.
     *
     * @throws EOFException      when the stream ends between messages
     * @throws ProtocolException {@code FRAME_AUTHENTICATION_FAILED} when a frame fails to authenticate or arrives
     *                           when the receiving cipher state has reached the nonce 2^64-1;
     *                           {@code BAD_FRAME} when a frame is shorter than its overhead, sets unknown flags,
     *                           or the stream ends inside a frame or a message; {@code FRAME_TOO_LARGE} or
     *                           {@code MESSAGE_TOO_LARGE} for a limit broken
     */
    public byte[] receive() throws IOException, ProtocolException {
        if (failed) {
            throw new IllegalStateException("the channel has failed");
        }
        try {
            while (true) {
                byte[] whole = reassemble(readFrame(reassembled == 0));
                if (whole != null) {
                    return whole;
                }
            }
        } catch (ProtocolException | IOException e) {
            // A broken stream ends the channel as a bad frame does: its keys are erased here, not left to the caller.
            close();
            throw e;
        }
    }

    /**
     * Takes one frame's ciphertext, as read off the stream after its length prefix, for a caller that reads the
     * stream itself (a non-blocking engine); returns the message the frame completes, or null while its message
     * has more fragments to come. The same checks and failures as {@link #receive()}; the caller checks the length
     * with {@link #checkFrameLength} before it buffers the ciphertext, so that a frame's memory is bounded.
     */
    public byte[] receiveFrame(byte[] ciphertext) throws ProtocolException {
        if (failed) {
            throw new IllegalStateException("the channel has failed");
        }
        try {
            checkFrameLength(ciphertext.length);
            return reassemble(decrypt(ciphertext));
        } catch (ProtocolException e) {
            close();
            throw e;
        }
    }

    /** Whether a frame of {@code length} bytes of ciphertext may be received: {@code FRAME_TOO_LARGE} or {@code BAD_FRAME} if not. */
    public void checkFrameLength(int length) throws ProtocolException {
        if (length > receiveFrameSize) {
            throw ProtocolException.sessionError(ErrorCode.FRAME_TOO_LARGE, "a frame of %d bytes exceeds the announced %d", length, receiveFrameSize);
        }
        if (length < FRAME_OVERHEAD) {
            throw ProtocolException.sessionError(ErrorCode.BAD_FRAME, "a frame of %d bytes is shorter than its overhead", length);
        }
    }

    /** Whether part of a message has been received and its last fragment has not. */
    public boolean insideMessage() {
        return reassembled > 0;
    }

    /** Adds one frame's plaintext to the message being reassembled; returns the message once its last fragment is in. */
    private byte[] reassemble(byte[] plaintext) throws ProtocolException {
        try {
            int flags = plaintext[0] & 0xff;
            if ((flags & ~FIN) != 0) {
                throw ProtocolException.sessionError(ErrorCode.BAD_FRAME, "a frame sets unknown flags 0x%02x", flags);
            }
            // Only the last fragment may be empty: otherwise a peer could keep a receiver looping forever.
            if ((flags & FIN) == 0 && plaintext.length == 1) {
                throw ProtocolException.sessionError(ErrorCode.BAD_FRAME, "an empty fragment that is not the last");
            }
            if ((long) size + plaintext.length - 1 > MAX_MESSAGE_SIZE) {
                throw ProtocolException.sessionError(ErrorCode.MESSAGE_TOO_LARGE, "a message grows beyond MAX_MESSAGE_SIZE");
            }
            if (size + plaintext.length - 1 > message.length) {
                byte[] larger = Arrays.copyOf(message, Math.max(2 * message.length, size + plaintext.length - 1));
                Arrays.fill(message, (byte) 0);
                message = larger;
            }
            System.arraycopy(plaintext, 1, message, size, plaintext.length - 1);
            size += plaintext.length - 1;
            reassembled++;
            if ((flags & FIN) != 0) {
                byte[] whole = Arrays.copyOf(message, size);
                forgetMessage();
                return whole;
            }
            return null;
        } catch (ProtocolException e) {
            forgetMessage();
            throw e;
        } finally {
            Arrays.fill(plaintext, (byte) 0);
        }
    }

    /** No copy of a message is left behind in the reassembly buffer. */
    private void forgetMessage() {
        Arrays.fill(message, (byte) 0);
        message = new byte[0];
        size = 0;
        reassembled = 0;
    }

    private byte[] readFrame(boolean startOfMessage) throws IOException, ProtocolException {
        int high = in.read();
        if (high < 0) {
            if (startOfMessage) {
                throw new EOFException("the stream ended");
            }
            throw ProtocolException.sessionError(ErrorCode.BAD_FRAME, "the stream ended inside a message");
        }
        int low = in.read();
        if (low < 0) {
            throw ProtocolException.sessionError(ErrorCode.BAD_FRAME, "the stream ended inside a length");
        }
        int length = high << 8 | low;
        checkFrameLength(length);
        byte[] ciphertext = in.readNBytes(length);
        if (ciphertext.length < length) {
            throw ProtocolException.sessionError(ErrorCode.BAD_FRAME, "the stream ended inside a frame");
        }
        return decrypt(ciphertext);
    }

    private byte[] decrypt(byte[] ciphertext) throws ProtocolException {
        byte[] plaintext;
        try {
            plaintext = receiver.decryptWithAd(new byte[0], ciphertext);
        } catch (NoiseException e) {
            // Step 5 of HY-FRAME-019, refused with FRAME_AUTHENTICATION_FAILED and nothing else (HY-FRAME-023).
            throw switch (e.reason()) {
                case AUTHENTICATION_FAILED -> ProtocolException.sessionError(ErrorCode.FRAME_AUTHENTICATION_FAILED, e,
                        "a frame failed to authenticate under the next nonce of the receiving cipher state");
                case NONCES_EXHAUSTED -> ProtocolException.sessionError(ErrorCode.FRAME_AUTHENTICATION_FAILED, e,
                        "a frame arrived when the receiving cipher state has reached the nonce 2^64-1, which HY-FRAME-011"
                                + " reserves for REKEY: no frame can be decrypted any more");
                // Not failures of a decryption: a defect of this side, not anything the peer sent.
                case BAD_MESSAGE_LENGTH, LOW_ORDER_KEY -> ProtocolException.sessionError(ErrorCode.INTERNAL_ERROR, e,
                        "decryption failed, which it cannot in this way: %s", e.getMessage());
            };
        }
        if (++received % REKEY_INTERVAL == 0) {
            receiver.rekey();
        }
        return plaintext;
    }

    /**
     * Writes a handshake message behind the same 16-bit big-endian length prefix that frames use (the
     * handshake's messages are delimited on the stream like frames, but are not themselves encrypted frames).
     */
    public static void sendHandshakeMessage(OutputStream out, byte[] message) throws IOException {
        if (message.length > MAX_FRAME_SIZE) {
            throw new IllegalArgumentException("a handshake message longer than " + MAX_FRAME_SIZE + " bytes");
        }
        out.write(message.length >>> 8);
        out.write(message.length);
        out.write(message);
        out.flush();
    }

    /** Reads a handshake message written by {@link #sendHandshakeMessage}. */
    public static byte[] receiveHandshakeMessage(InputStream in) throws IOException, ProtocolException {
        int high = in.read();
        int low = in.read();
        if (high < 0 || low < 0) {
            throw ProtocolException.sessionError(ErrorCode.HANDSHAKE_FAILED, "the stream ended before a handshake message");
        }
        int length = high << 8 | low;
        byte[] message = in.readNBytes(length);
        if (message.length < length) {
            throw ProtocolException.sessionError(ErrorCode.HANDSHAKE_FAILED, "the stream ended inside a handshake message");
        }
        return message;
    }

    /** Zeroes both cipher states' keys; the channel is unusable afterwards. */
    public void close() {
        failed = true;
        Arrays.fill(message, (byte) 0);
        sender.destroy();
        receiver.destroy();
    }
}
