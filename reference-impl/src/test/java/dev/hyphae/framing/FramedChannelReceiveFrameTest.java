package dev.hyphae.framing;

import dev.hyphae.ErrorCode;
import dev.hyphae.ProtocolException;
import dev.hyphae.handshake.HyphaeHandshake;
import dev.hyphae.handshake.Negotiation;
import dev.hyphae.handshake.ProtocolVersion;
import dev.hyphae.handshake.TrustStore;
import dev.hyphae.noise.KeyPair;
import dev.hyphae.spec.Requirement;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link FramedChannel#receiveFrame}, the entry of a caller that cuts the stream into frames itself (the peer's
 * non-blocking engine): fed one frame at a time it gives the messages that {@link FramedChannel#receive} gives from
 * the stream, null until a message's last fragment, and it refuses what {@code receive} refuses, with the same codes,
 * after which the channel is failed and takes nothing more.
 */
class FramedChannelReceiveFrameTest {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int ROOM = FramingLimits.MIN_FRAME_SIZE - FramingLimits.FRAME_OVERHEAD;

    /** The two ends of a completed handshake. */
    private static final class Ends {
        final HyphaeHandshake.Result a;
        final HyphaeHandshake.Result b;

        Ends() throws ProtocolException {
            KeyPair alice = KeyPair.generate(RANDOM);
            KeyPair bob = KeyPair.generate(RANDOM);
            HyphaeHandshake.Initiator i = new HyphaeHandshake.Initiator(credentials(alice, bob),
                    new Negotiation.Offer(List.of(ProtocolVersion.V1_0), new TreeSet<>()), RANDOM);
            HyphaeHandshake.Responder r = new HyphaeHandshake.Responder(credentials(bob, alice), List.of(ProtocolVersion.V1_0), Set.of(), RANDOM);
            r.onConfirmation(i.onSelection(r.onOffer(i.start())));
            a = i.result();
            b = r.result();
        }

        /** The frames that a's channel writes for {@code messages}, each as its ciphertext without its length prefix. */
        List<byte[]> frames(int frameSize, byte[]... messages) throws Exception {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            FramedChannel sender = new FramedChannel(new ByteArrayInputStream(new byte[0]), bytes, a.sender(), a.receiver(), frameSize, frameSize);
            for (byte[] m : messages) {
                sender.send(m);
            }
            return cut(bytes.toByteArray());
        }

        /** b's channel, which the test feeds frame by frame. */
        FramedChannel receiver(int frameSize) {
            return new FramedChannel(null, new ByteArrayOutputStream(), b.sender(), b.receiver(), frameSize, frameSize);
        }

        /** A frame of {@code plaintext} (flags, then fragment), encrypted under a's next sending nonce. */
        byte[] forged(byte[] plaintext) throws Exception {
            return a.sender().encryptWithAd(new byte[0], plaintext);
        }
    }

    private static HyphaeHandshake.Credentials credentials(KeyPair me, KeyPair peer) {
        return new HyphaeHandshake.Credentials(me, null, TrustStore.of(List.of(peer.publicKey()), List.of()), System::currentTimeMillis);
    }

    /** Cuts a stream of frames at their 16-bit big-endian length prefixes, as the engine does. */
    private static List<byte[]> cut(byte[] stream) {
        List<byte[]> frames = new ArrayList<>();
        int at = 0;
        while (at < stream.length) {
            int length = (stream[at] & 0xff) << 8 | stream[at + 1] & 0xff;
            frames.add(Arrays.copyOfRange(stream, at + 2, at + 2 + length));
            at += 2 + length;
        }
        return frames;
    }

    @Property(tries = 50)
    @Requirement({"HY-FRAME-012", "HY-FRAME-013", "HY-FRAME-015"})
    void frameByFrameGivesTheMessagesThatWereSentAndNullBeforeEachLastFragment(
            @ForAll @Size(min = 1, max = 6) List<@IntRange(min = 0, max = 3 * ROOM + 1) Integer> sizes) throws Exception {
        Ends ends = new Ends();
        byte[][] messages = new byte[sizes.size()][];
        for (int i = 0; i < messages.length; i++) {
            messages[i] = new byte[sizes.get(i)];
            RANDOM.nextBytes(messages[i]);
        }
        FramedChannel receiver = ends.receiver(FramingLimits.MIN_FRAME_SIZE);
        List<byte[]> received = new ArrayList<>();
        for (byte[] frame : ends.frames(FramingLimits.MIN_FRAME_SIZE, messages)) {
            byte[] message = receiver.receiveFrame(frame);
            if (message == null) {
                assertTrue(receiver.insideMessage(), "null only while a message has fragments to come");
            } else {
                assertFalse(receiver.insideMessage());
                received.add(message);
            }
        }
        assertEquals(messages.length, received.size());
        for (int i = 0; i < messages.length; i++) {
            assertArrayEquals(messages[i], received.get(i));
        }
    }

    @Test
    @Requirement({"HY-FRAME-016", "HY-FRAME-019", "HY-FRAME-023"})
    void aDamagedFrameFailsToAuthenticateReleasesNothingAndFailsTheChannel() throws Exception {
        Ends ends = new Ends();
        List<byte[]> frames = ends.frames(FramingLimits.MIN_FRAME_SIZE, new byte[2 * ROOM], new byte[] {9});
        FramedChannel receiver = ends.receiver(FramingLimits.MIN_FRAME_SIZE);
        assertNull(receiver.receiveFrame(frames.get(0)), "the first fragment of two");
        byte[] damaged = frames.get(1).clone();
        damaged[damaged.length / 2] ^= 1;
        ProtocolException e = assertThrows(ProtocolException.class, () -> receiver.receiveFrame(damaged));
        assertEquals(ErrorCode.FRAME_AUTHENTICATION_FAILED, e.code());
        assertThrows(IllegalStateException.class, () -> receiver.receiveFrame(frames.get(2)),
                "a failed channel takes no more frames, not even the next valid one");
    }

    @Test
    @Requirement({"HY-FRAME-010", "HY-FRAME-019", "HY-FRAME-023"})
    void aFrameGivenTwiceIsRefusedTheSecondTime() throws Exception {
        Ends ends = new Ends();
        byte[] frame = ends.frames(FramingLimits.MIN_FRAME_SIZE, new byte[] {1, 2, 3}).get(0);
        FramedChannel receiver = ends.receiver(FramingLimits.MIN_FRAME_SIZE);
        assertArrayEquals(new byte[] {1, 2, 3}, receiver.receiveFrame(frame));
        assertEquals(ErrorCode.FRAME_AUTHENTICATION_FAILED,
                assertThrows(ProtocolException.class, () -> receiver.receiveFrame(frame)).code());
    }

    @Test
    @Requirement({"HY-FRAME-019"})
    void aFrameLongerThanAnnouncedOrShorterThanItsOverheadIsRefusedBeforeDecryption() throws Exception {
        Ends ends = new Ends();
        FramedChannel small = ends.receiver(FramingLimits.MIN_FRAME_SIZE);
        // A frame that a sender allowed 2 KiB writes, to a receiver that announced 1 KiB.
        byte[] large = ends.frames(2 * FramingLimits.MIN_FRAME_SIZE, new byte[1500]).get(0);
        assertEquals(ErrorCode.FRAME_TOO_LARGE, assertThrows(ProtocolException.class, () -> small.receiveFrame(large)).code());
        assertThrows(IllegalStateException.class, () -> small.receiveFrame(new byte[FramingLimits.FRAME_OVERHEAD]));

        FramedChannel other = new Ends().receiver(FramingLimits.MIN_FRAME_SIZE);
        assertEquals(ErrorCode.BAD_FRAME, assertThrows(ProtocolException.class,
                () -> other.receiveFrame(new byte[FramingLimits.FRAME_OVERHEAD - 1])).code());
        assertThrows(IllegalStateException.class, () -> other.receiveFrame(new byte[FramingLimits.FRAME_OVERHEAD]));
    }

    @Test
    @Requirement({"HY-FRAME-021", "HY-FRAME-023"})
    void framesThatAuthenticateButBreakTheFragmentRulesAreBadFrames() throws Exception {
        Ends empty = new Ends();
        assertEquals(ErrorCode.BAD_FRAME, assertThrows(ProtocolException.class,
                () -> empty.receiver(FramingLimits.MIN_FRAME_SIZE).receiveFrame(empty.forged(new byte[] {0}))).code(),
                "an empty fragment that is not the last");
        Ends flags = new Ends();
        assertEquals(ErrorCode.BAD_FRAME, assertThrows(ProtocolException.class,
                () -> flags.receiver(FramingLimits.MIN_FRAME_SIZE).receiveFrame(flags.forged(new byte[] {(byte) 0x81, 7}))).code(),
                "a flag that is not defined");
    }

    @Test
    @Requirement({"HY-FRAME-019"})
    void aMessageThatGrowsPastMaxMessageSizeIsRefusedAtTheFragmentThatPassesIt() throws Exception {
        Ends ends = new Ends();
        FramedChannel receiver = ends.receiver(FramingLimits.MAX_FRAME_SIZE);
        byte[] fragment = new byte[FramingLimits.MAX_FRAME_SIZE - FramingLimits.FRAME_OVERHEAD];   // flags byte and 65,517 bytes
        int fragments = 0;
        long size = 0;
        ProtocolException refused = null;
        while (refused == null) {
            byte[] frame = ends.forged(fragment);   // flags 0: more to come
            try {
                assertNull(receiver.receiveFrame(frame));
                fragments++;
                size += fragment.length - 1;
            } catch (ProtocolException e) {
                refused = e;
            }
        }
        assertEquals(ErrorCode.MESSAGE_TOO_LARGE, refused.code());
        assertTrue(size <= FramingLimits.MAX_MESSAGE_SIZE && size + fragment.length - 1 > FramingLimits.MAX_MESSAGE_SIZE,
                "refused at the first fragment past the limit, after " + fragments);
        assertFalse(receiver.insideMessage(), "what was reassembled is forgotten");
    }
}
