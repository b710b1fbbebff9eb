package dev.hyphae.framing;

import dev.hyphae.ErrorCode;
import dev.hyphae.ProtocolException;
import dev.hyphae.noise.CipherState;
import dev.hyphae.noise.CipherStates;
import dev.hyphae.noise.NoiseException;
import dev.hyphae.spec.Requirement;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The end of a cipher state's nonces (HY-FRAME-011): the nonce 2^64-1 is reserved for REKEY, so a cipher state
 * that reaches it neither sends nor receives another frame. No session comes near it; a test seam starts the
 * cipher states at their last usable nonce.
 */
class FramedChannelNonceTest {

    private static final byte[] KEY = new byte[32];
    private static final int SIZE = FramingLimits.MIN_FRAME_SIZE;

    static {
        for (int i = 0; i < KEY.length; i++) {
            KEY[i] = (byte) (i + 1);
        }
    }

    private static FramedChannel channel(byte[] in, ByteArrayOutputStream out, CipherState sender, CipherState receiver) {
        return new FramedChannel(new ByteArrayInputStream(in), out, sender, receiver, SIZE, SIZE);
    }

    /** The frames of {@code message} as a sender whose next nonce is {@code nonce} writes them. */
    private static byte[] framesAt(long nonce, byte[] message) throws Exception {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        channel(new byte[0], wire, CipherStates.keyedAt(KEY, nonce), CipherStates.keyedAt(KEY, 0)).send(message);
        return wire.toByteArray();
    }

    @Test
    @Requirement({"HY-FRAME-011", "HY-FRAME-019", "HY-FRAME-023"})
    void aReceiverAtTheReservedNonceRefusesTheNextFrameAsUnauthenticated() throws Exception {
        byte[] last = framesAt(CipherStates.LAST_USABLE_NONCE, new byte[] {1});
        // Any frame after it: one that would authenticate under the nonce 0, say. The receiver cannot decrypt it.
        byte[] next = framesAt(0, new byte[] {2});
        byte[] wire = new byte[last.length + next.length];
        System.arraycopy(last, 0, wire, 0, last.length);
        System.arraycopy(next, 0, wire, last.length, next.length);

        FramedChannel receiver = channel(wire, new ByteArrayOutputStream(),
                CipherStates.keyedAt(KEY, 0), CipherStates.keyedAt(KEY, CipherStates.LAST_USABLE_NONCE));
        assertArrayEquals(new byte[] {1}, receiver.receive(), "the last usable nonce still decrypts");
        ProtocolException e = assertThrows(ProtocolException.class, receiver::receive);
        assertEquals(ErrorCode.FRAME_AUTHENTICATION_FAILED, e.code(), e.getMessage());
        assertEquals(NoiseException.Reason.NONCES_EXHAUSTED, ((NoiseException) e.getCause()).reason());
        assertThrows(IllegalStateException.class, receiver::receive, "the channel has ended");
    }

    @Test
    @Requirement({"HY-FRAME-010", "HY-FRAME-011"})
    void aSenderAtTheReservedNonceSendsNoFurtherFrameAndReportsItsOwnFailure() throws Exception {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        FramedChannel sender = channel(new byte[0], wire,
                CipherStates.keyedAt(KEY, CipherStates.LAST_USABLE_NONCE), CipherStates.keyedAt(KEY, 0));
        sender.send(new byte[] {1});
        int sent = wire.size();
        assertEquals(2 + FramingLimits.FRAME_OVERHEAD + 1, sent);

        // Nothing the peer did: the sender's own state is at its end, so the code is INTERNAL_ERROR, not a
        // refusal of the peer's frames.
        ProtocolException e = assertThrows(ProtocolException.class, () -> sender.send(new byte[] {2}));
        assertEquals(ErrorCode.INTERNAL_ERROR, e.code(), e.getMessage());
        assertEquals(NoiseException.Reason.NONCES_EXHAUSTED, ((NoiseException) e.getCause()).reason());
        assertEquals(sent, wire.size(), "no frame went out with the reserved nonce");
        assertThrows(IllegalStateException.class, () -> sender.send(new byte[] {3}), "the channel has ended");
    }
}
