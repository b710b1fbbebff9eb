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
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.SecureRandom;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Frames on a real stream: fragmentation at every boundary, rekeying in step, tampering, and TCP on loopback. */
class FramedChannelTest {

    private static final SecureRandom RANDOM = new SecureRandom();

    private static HyphaeHandshake.Credentials credentials(KeyPair me, KeyPair peer) {
        return new HyphaeHandshake.Credentials(me, null, TrustStore.of(List.of(peer.publicKey()), List.of()), System::currentTimeMillis);
    }

    /** Two handshaken ends whose frames go through a byte array, so a test can look at and damage the bytes. */
    private static final class Pair {
        final HyphaeHandshake.Result a;
        final HyphaeHandshake.Result b;

        Pair() throws ProtocolException {
            KeyPair alice = KeyPair.generate(RANDOM);
            KeyPair bob = KeyPair.generate(RANDOM);
            HyphaeHandshake.Initiator i = new HyphaeHandshake.Initiator(credentials(alice, bob),
                    new Negotiation.Offer(List.of(ProtocolVersion.V1_0), new TreeSet<>()), RANDOM);
            HyphaeHandshake.Responder r = new HyphaeHandshake.Responder(credentials(bob, alice), List.of(ProtocolVersion.V1_0), Set.of(), RANDOM);
            r.onConfirmation(i.onSelection(r.onOffer(i.start())));
            a = i.result();
            b = r.result();
        }

        byte[] wire(int frameSize, byte[]... messages) throws IOException, ProtocolException {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            FramedChannel sender = new FramedChannel(new ByteArrayInputStream(new byte[0]), bytes, a.sender(), a.receiver(), frameSize, frameSize);
            for (byte[] m : messages) {
                sender.send(m);
            }
            return bytes.toByteArray();
        }

        FramedChannel receiver(byte[] wire, int frameSize) {
            return new FramedChannel(new ByteArrayInputStream(wire), new ByteArrayOutputStream(), b.sender(), b.receiver(), frameSize, frameSize);
        }
    }

    @Test
    @Requirement({"HY-FRAME-002", "HY-FRAME-012", "HY-FRAME-013", "HY-FRAME-015"})
    void messagesRoundTripAtEveryFragmentBoundary() throws Exception {
        int room = FramingLimits.MIN_FRAME_SIZE - FramingLimits.FRAME_OVERHEAD;
        for (int size : new int[] {0, 1, room - 1, room, room + 1, 2 * room - 1, 2 * room, 2 * room + 1, 100_000}) {
            Pair pair = new Pair();
            byte[] message = new byte[size];
            RANDOM.nextBytes(message);
            byte[] wire = pair.wire(FramingLimits.MIN_FRAME_SIZE, message);
            int frames = Math.max(1, (size + room - 1) / room);
            assertEquals(size + frames * (2 + FramingLimits.FRAME_OVERHEAD), wire.length, "frames for " + size + " bytes");
            assertArrayEquals(message, pair.receiver(wire, FramingLimits.MIN_FRAME_SIZE).receive(), "size " + size);
        }
    }

    /**
     * The Length of each frame, an integer outside any FlatBuffers buffer, is big-endian (HY-CONV-001): walking the
     * stream by big-endian lengths lands exactly on its end, with each frame as long as the framing makes it, where
     * little-endian lengths of frames of 1 to 255 bytes past a multiple of 256 would not.
     */
    @Test
    @Requirement("HY-FRAME-006")
    void aStreamThatEndsInsideAHandshakeMessageEndsTheHandshake() throws Exception {
        byte[] whole = {0, 3, 7, 8, 9};
        assertEquals(3, FramedChannel.receiveHandshakeMessage(new ByteArrayInputStream(whole)).length);
        // Every cut short of the whole: in the Length, or inside the bytes that it announces.
        for (int cut = 0; cut < whole.length; cut++) {
            ByteArrayInputStream truncated = new ByteArrayInputStream(java.util.Arrays.copyOf(whole, cut));
            ProtocolException e = assertThrows(ProtocolException.class,
                    () -> FramedChannel.receiveHandshakeMessage(truncated), "a stream cut after " + cut + " bytes");
            assertEquals(ErrorCode.HANDSHAKE_FAILED, e.code());
        }
    }

    @Test
    @Requirement("HY-CONV-001")
    void theLengthOfAFrameIsBigEndian() throws Exception {
        int room = FramingLimits.MIN_FRAME_SIZE - FramingLimits.FRAME_OVERHEAD;
        byte[] message = new byte[room + 300]; // a full frame, then one of 300 bytes of plaintext: Lengths 0x0400 and 0x013D
        RANDOM.nextBytes(message);
        byte[] wire = new Pair().wire(FramingLimits.MIN_FRAME_SIZE, message);
        int[] expected = {FramingLimits.MIN_FRAME_SIZE, 300 + FramingLimits.FRAME_OVERHEAD};
        int at = 0;
        for (int length : expected) {
            assertEquals(length >>> 8, wire[at] & 0xff, "the Length's first byte is its high byte");
            assertEquals(length & 0xff, wire[at + 1] & 0xff, "the Length's second byte is its low byte");
            at += 2 + length;
        }
        assertEquals(wire.length, at);
    }

    @Test
    @Requirement({"HY-FRAME-017", "HY-FRAME-018"})
    void bothSidesRekeyInStep() throws Exception {
        Pair pair = new Pair();
        int n = FramingLimits.REKEY_INTERVAL + 3;
        byte[][] messages = new byte[n][];
        for (int i = 0; i < n; i++) {
            messages[i] = new byte[] {(byte) i, (byte) (i >> 8), (byte) (i >> 16)};
        }
        FramedChannel receiver = pair.receiver(pair.wire(FramingLimits.MIN_FRAME_SIZE, messages), FramingLimits.MIN_FRAME_SIZE);
        for (int i = 0; i < n; i++) {
            assertArrayEquals(messages[i], receiver.receive());
        }
    }

    @Property(tries = 300)
    @Requirement({"HY-FRAME-016", "HY-FRAME-019", "HY-FRAME-020", "HY-FRAME-023"})
    void flippingAnyBitOfTheStreamIsRefusedWithACodeAndReleasesNoPlaintext(
            @ForAll @IntRange(min = 0, max = 5000) int size, @ForAll("bits") int seed) throws Exception {
        Pair pair = new Pair();
        byte[] message = new byte[size];
        RANDOM.nextBytes(message);
        byte[] wire = pair.wire(FramingLimits.MIN_FRAME_SIZE, message);
        int bit = Math.floorMod(seed, wire.length * 8);
        ErrorCode expected = codeForFlipped(wire, bit, FramingLimits.MIN_FRAME_SIZE);
        wire[bit / 8] ^= (byte) (1 << (bit % 8));
        try {
            byte[] released = pair.receiver(wire, FramingLimits.MIN_FRAME_SIZE).receive();
            fail("a damaged stream released " + released.length + " bytes");
        } catch (ProtocolException e) {
            assertEquals(expected, e.code(), e.getMessage());
        }
    }

    /**
     * The code that HY-FRAME-019 gives for {@code wire} with {@code bit} flipped. Outside a Length field the bit
     * lies in a Ciphertext, which then fails to authenticate (step 5; HY-FRAME-023). Inside one, the frame takes
     * the new size: too large (step 2), too small (step 3), longer than what is left of the stream (step 4), or
     * of the wrong bytes, which fail to authenticate.
     */
    private static ErrorCode codeForFlipped(byte[] wire, int bit, int receiveFrameSize) {
        int at = 0;
        while (at < wire.length) {
            int length = (wire[at] & 0xff) << 8 | (wire[at + 1] & 0xff);
            if (bit / 8 == at || bit / 8 == at + 1) {
                int flipped = length ^ (1 << (bit % 8 + (bit / 8 == at ? 8 : 0)));
                if (flipped > receiveFrameSize) {
                    return ErrorCode.FRAME_TOO_LARGE;
                }
                if (flipped < FramingLimits.FRAME_OVERHEAD || flipped > wire.length - at - 2) {
                    return ErrorCode.BAD_FRAME;
                }
                return ErrorCode.FRAME_AUTHENTICATION_FAILED;
            }
            at += 2 + length;
        }
        return ErrorCode.FRAME_AUTHENTICATION_FAILED;
    }

    @net.jqwik.api.Provide
    net.jqwik.api.Arbitrary<Integer> bits() {
        return net.jqwik.api.Arbitraries.integers();
    }

    @Test
    @Requirement({"HY-FRAME-019"})
    void aFrameLongerThanAnnouncedIsRefused() throws Exception {
        Pair pair = new Pair();
        byte[] wire = pair.wire(FramingLimits.MAX_FRAME_SIZE, new byte[5000]);
        ProtocolException e = assertThrows(ProtocolException.class, () -> pair.receiver(wire, FramingLimits.MIN_FRAME_SIZE).receive());
        assertEquals(ErrorCode.FRAME_TOO_LARGE, e.code());
    }

    @Test
    @Requirement({"HY-FRAME-010", "HY-FRAME-019", "HY-FRAME-023"})
    void aReplayedFrameIsRefused() throws Exception {
        Pair pair = new Pair();
        byte[] one = pair.wire(FramingLimits.MIN_FRAME_SIZE, new byte[] {1});
        byte[] replayed = new byte[one.length * 2];
        System.arraycopy(one, 0, replayed, 0, one.length);
        System.arraycopy(one, 0, replayed, one.length, one.length);
        FramedChannel receiver = pair.receiver(replayed, FramingLimits.MIN_FRAME_SIZE);
        assertArrayEquals(new byte[] {1}, receiver.receive());
        assertEquals(ErrorCode.FRAME_AUTHENTICATION_FAILED, assertThrows(ProtocolException.class, receiver::receive).code());
    }

    @Test
    @Requirement({"HY-FRAME-021", "HY-FRAME-023"})
    void anEmptyFragmentThatIsNotTheLastIsRefused() throws Exception {
        Pair pair = new Pair();
        // Forge, with the sender's own cipher state, a frame whose plaintext is only the flags byte, FIN clear. It
        // authenticates, so it is malformed, not a failure of authentication.
        byte[] wire = forged(pair, new byte[] {0});
        assertEquals(ErrorCode.BAD_FRAME, assertThrows(ProtocolException.class,
                () -> pair.receiver(wire, FramingLimits.MIN_FRAME_SIZE).receive()).code());
    }

    @Test
    @Requirement({"HY-FRAME-019", "HY-FRAME-023"})
    void aFrameThatAuthenticatesButSetsAnUnknownFlagIsBadNotUnauthenticated() throws Exception {
        Pair pair = new Pair();
        byte[] wire = forged(pair, new byte[] {(byte) 0x81, 7});
        assertEquals(ErrorCode.BAD_FRAME, assertThrows(ProtocolException.class,
                () -> pair.receiver(wire, FramingLimits.MIN_FRAME_SIZE).receive()).code());
    }

    /** One frame of {@code plaintext} (flags, then fragment), encrypted with the sending cipher state of {@code pair.a}. */
    private static byte[] forged(Pair pair, byte[] plaintext) throws Exception {
        byte[] ciphertext = pair.a.sender().encryptWithAd(new byte[0], plaintext);
        byte[] wire = new byte[2 + ciphertext.length];
        wire[0] = (byte) (ciphertext.length >>> 8);
        wire[1] = (byte) ciphertext.length;
        System.arraycopy(ciphertext, 0, wire, 2, ciphertext.length);
        return wire;
    }

    @Test
    @Requirement({"HY-FRAME-019", "HY-FRAME-020", "HY-FRAME-023"})
    void nothingIsSentAfterTheChannelFailedOrClosed() throws Exception {
        Pair pair = new Pair();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        FramedChannel channel = new FramedChannel(new ByteArrayInputStream(new byte[] {0, 1, 2}), bytes,
                pair.a.sender(), pair.a.receiver(), FramingLimits.MIN_FRAME_SIZE, FramingLimits.MIN_FRAME_SIZE);
        // The Length field says 1, less than FRAME_OVERHEAD: step 3 of HY-FRAME-019.
        assertEquals(ErrorCode.BAD_FRAME, assertThrows(ProtocolException.class, channel::receive).code());
        assertThrows(IllegalStateException.class, () -> channel.send(new byte[] {42}));
        assertEquals(0, bytes.size(), "not a byte went out, least of all in the clear");
    }

    @Test
    @Requirement("HY-FRAME-022")
    void theEndOfTheStreamBetweenMessagesClosesTheChannelAndInsideOneIsABadFrame() throws Exception {
        Pair pair = new Pair();
        byte[] wire = pair.wire(FramingLimits.MIN_FRAME_SIZE, new byte[] {5}, new byte[3000]);
        int firstFrame = 2 + FramingLimits.FRAME_OVERHEAD + 1;
        ByteArrayOutputStream sent = new ByteArrayOutputStream();
        FramedChannel closing = new FramedChannel(new ByteArrayInputStream(java.util.Arrays.copyOf(wire, firstFrame)), sent,
                pair.b.sender(), pair.b.receiver(), FramingLimits.MIN_FRAME_SIZE, FramingLimits.MIN_FRAME_SIZE);
        assertArrayEquals(new byte[] {5}, closing.receive());
        assertThrows(java.io.EOFException.class, closing::receive);
        assertThrows(IllegalStateException.class, () -> closing.send(new byte[] {1}), "a closed channel sends nothing");
        assertEquals(0, sent.size());

        Pair other = new Pair();
        byte[] cut = other.wire(FramingLimits.MIN_FRAME_SIZE, new byte[3000]);
        FramedChannel inside = other.receiver(java.util.Arrays.copyOf(cut, cut.length - 1500), FramingLimits.MIN_FRAME_SIZE);
        assertEquals(ErrorCode.BAD_FRAME, assertThrows(ProtocolException.class, inside::receive).code());
    }

    @Test
    @Requirement({"HY-HS-011", "HY-FRAME-003"})
    void aConstrainedDeviceThatAnnounces1KiBFramesHandshakesAndReceivesOnlySuchFrames() throws Exception {
        KeyPair device = KeyPair.generate(RANDOM);
        KeyPair cloud = KeyPair.generate(RANDOM);
        org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters acme = new org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters(RANDOM);
        long now = System.currentTimeMillis();
        dev.hyphae.handshake.Certificate certificate = dev.hyphae.handshake.Certificate.issue(acme, "Acme", device.publicKey(), now - 1000, now + 86_400_000L);
        HyphaeHandshake.Initiator initiator = new HyphaeHandshake.Initiator(new HyphaeHandshake.Credentials(device, certificate,
                TrustStore.of(List.of(cloud.publicKey()), List.of()), () -> now),
                new Negotiation.Offer(List.of(ProtocolVersion.V1_0), new TreeSet<>(), new TreeSet<>(), FramingLimits.MIN_FRAME_SIZE), RANDOM);
        HyphaeHandshake.Responder responder = new HyphaeHandshake.Responder(new HyphaeHandshake.Credentials(cloud, null,
                TrustStore.of(List.of(), List.of(acme.generatePublicKey().getEncoded())), () -> now), List.of(ProtocolVersion.V1_0), Set.of(), RANDOM);
        byte[] first = initiator.start();
        byte[] second = responder.onOffer(first);
        byte[] third = initiator.onSelection(second);
        responder.onConfirmation(third);
        for (byte[] message : List.of(first, second, third)) {
            assertTrue(message.length <= FramingLimits.MIN_FRAME_SIZE, "a handshake message of " + message.length + " bytes");
        }
        HyphaeHandshake.Result atCloud = responder.result();
        HyphaeHandshake.Result atDevice = initiator.result();
        assertEquals(FramingLimits.MIN_FRAME_SIZE, atCloud.sendFrameSize());

        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        byte[] reading = new byte[20_000];
        RANDOM.nextBytes(reading);
        new FramedChannel(new ByteArrayInputStream(new byte[0]), wire, atCloud.sender(), atCloud.receiver(),
                atCloud.sendFrameSize(), atCloud.receiveFrameSize()).send(reading);
        byte[] bytes = wire.toByteArray();
        for (int at = 0; at < bytes.length; ) {
            int length = (bytes[at] & 0xff) << 8 | bytes[at + 1] & 0xff;
            assertTrue(length <= FramingLimits.MIN_FRAME_SIZE, "a frame of " + length + " bytes");
            at += 2 + length;
        }
        assertArrayEquals(reading, new FramedChannel(new ByteArrayInputStream(bytes), new ByteArrayOutputStream(),
                atDevice.sender(), atDevice.receiver(), atDevice.sendFrameSize(), atDevice.receiveFrameSize()).receive());
    }

    @Test
    @Requirement({"HY-FRAME-005", "HY-FRAME-008", "HY-FRAME-009"})
    void twoPeersHandshakeAndTalkOverLoopbackTcp() throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        KeyPair alice = KeyPair.generate(RANDOM);
        KeyPair bob = KeyPair.generate(RANDOM);
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Future<byte[]> echoed = pool.submit(() -> {
                try (Socket socket = server.accept()) {
                    var in = socket.getInputStream();
                    var out = socket.getOutputStream();
                    HyphaeHandshake.Responder responder = new HyphaeHandshake.Responder(credentials(bob, alice),
                            List.of(ProtocolVersion.V1_0), Set.of(), RANDOM);
                    FramedChannel.sendHandshakeMessage(out, responder.onOffer(FramedChannel.receiveHandshakeMessage(in)));
                    responder.onConfirmation(FramedChannel.receiveHandshakeMessage(in));
                    HyphaeHandshake.Result r = responder.result();
                    FramedChannel channel = new FramedChannel(in, out, r.sender(), r.receiver(), r.sendFrameSize(), r.receiveFrameSize());
                    byte[] request = channel.receive();
                    channel.send(request);
                    return request;
                }
            });
            try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort())) {
                socket.setSoTimeout(30_000);
                var in = socket.getInputStream();
                var out = socket.getOutputStream();
                HyphaeHandshake.Initiator initiator = new HyphaeHandshake.Initiator(credentials(alice, bob),
                        new Negotiation.Offer(List.of(ProtocolVersion.V1_0), new TreeSet<>()), RANDOM);
                FramedChannel.sendHandshakeMessage(out, initiator.start());
                FramedChannel.sendHandshakeMessage(out, initiator.onSelection(FramedChannel.receiveHandshakeMessage(in)));
                HyphaeHandshake.Result i = initiator.result();
                FramedChannel channel = new FramedChannel(in, out, i.sender(), i.receiver(), i.sendFrameSize(), i.receiveFrameSize());
                byte[] message = new byte[200_000];
                RANDOM.nextBytes(message);
                channel.send(message);
                assertArrayEquals(message, channel.receive());
                assertArrayEquals(message, echoed.get(30, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
