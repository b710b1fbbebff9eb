package dev.hyphae.conformance.checks;

import dev.hyphae.ErrorCode;
import dev.hyphae.ProtocolException;
import dev.hyphae.conformance.Checks;
import dev.hyphae.conformance.PeerTarget;
import dev.hyphae.conformance.Profile;
import dev.hyphae.data.ReplicaId;
import dev.hyphae.framing.FramedChannel;
import dev.hyphae.handshake.HyphaeHandshake;
import dev.hyphae.handshake.Negotiation;
import dev.hyphae.handshake.ProtocolVersion;
import dev.hyphae.handshake.TrustStore;
import dev.hyphae.model.CrdtType;
import dev.hyphae.model.Mutation;
import dev.hyphae.model.Mutators;
import dev.hyphae.model.State;
import dev.hyphae.model.Value;
import dev.hyphae.model.encoding.PayloadEncoder;
import dev.hyphae.noise.CipherState;
import dev.hyphae.noise.HandshakeState;
import dev.hyphae.noise.KeyPair;
import dev.hyphae.noise.NoiseException;
import dev.hyphae.noise.NoiseSuite;
import dev.hyphae.session.SessionCodec;
import dev.hyphae.session.SessionMessage;
import dev.hyphae.spec.Requirement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeSet;

import static dev.hyphae.conformance.checks.PeerChecks.RANDOM;
import static dev.hyphae.conformance.checks.PeerChecks.READ_TIMEOUT_MILLIS;
import static dev.hyphae.conformance.checks.PeerChecks.acknowledges;
import static dev.hyphae.conformance.checks.PeerChecks.freshDocument;
import static dev.hyphae.conformance.checks.PeerChecks.openDocument;
import static dev.hyphae.conformance.checks.PeerChecks.target;
import static dev.hyphae.framing.FramingLimits.FRAME_OVERHEAD;
import static dev.hyphae.framing.FramingLimits.MAX_FRAME_SIZE;
import static dev.hyphae.framing.FramingLimits.MIN_FRAME_SIZE;
import static dev.hyphae.framing.FramingLimits.REKEY_INTERVAL;

/**
 * The Peer profile's checks of the peer's own frames (chapter "Framing"), read at the level of the frame. Every other
 * check reads the peer through the reference's framed channel, so a frame that breaks a rule of framing surfaces there
 * as a failure to decode; here the suite reads the bytes of the stream itself and judges each rule on its own.
 *
 * <p>The exchange: in a session of its own, the suite writes a document of {@value #READINGS} counters; then it
 * connects again, announcing in its offer the smallest maximum receive frame size that the handshake allows,
 * {@code MIN_FRAME_SIZE} (1024), and opens the document as a fresh replica, so that the peer sends the whole
 * state, a message that spans several frames of that size. It runs the handshake as initiator with an ephemeral key
 * of its own drawing, so that it can compute the two cipher states of Split again, as often as it likes, from the
 * handshake's transcript (see {@link Transcript}): the judge decrypts every frame of the peer under c2 with the next
 * nonce, and explains a frame that does not authenticate by trying the other readings of it (another nonce, c1, another
 * length, bytes before it). What it accepts it hands on, as whole messages in frames of its own, to the suite's usual
 * client ({@link PeerConnection}), which answers Pings, reads the peer's declarations and decodes every message.
 *
 * <p>Each check judges one rule. A frame that breaks another rule, that the judge can read past (a frame too large,
 * reserved flags set, an empty fragment without FIN), does not fail it; one that it cannot read past (a frame that does
 * not authenticate, fragments that do not make a message) fails it on the rule that the frame breaks.
 */
@ExtendWith(PeerCheckLifecycle.class)
@Checks(Profile.PEER)
class PeerFrameChecks {

    /** Each frame is its Length and exactly that many bytes of Ciphertext, with nothing between two frames. */
    @Test
    @Requirement("HY-FRAME-002")
    void eachFrameOfThePeerIsItsLengthAndThatManyBytes() throws Exception {
        readTheDocumentInTheSmallestFrames("HY-FRAME-002");
    }

    /** No frame is larger than the maximum receive frame size that the suite announced, MIN_FRAME_SIZE. */
    @Test
    @Requirement("HY-FRAME-003")
    void noFrameOfThePeerIsLargerThanTheSuiteAnnounced() throws Exception {
        readTheDocumentInTheSmallestFrames("HY-FRAME-003");
    }

    /** Every bit of Flags other than FIN is zero. */
    @Test
    @Requirement("HY-FRAME-004")
    void thePeerSetsNoReservedFlag() throws Exception {
        readTheDocumentInTheSmallestFrames("HY-FRAME-004");
    }

    /**
     * The peer's handshake message 2 is its 16-bit big-endian Length and exactly that many bytes, which the suite's
     * handshake accepts, and its first frame follows it with no byte between.
     */
    @Test
    @Requirement("HY-FRAME-005")
    void thePeersFirstFrameFollowsItsHandshakeMessage() throws Exception {
        readTheDocumentInTheSmallestFrames("HY-FRAME-005");
    }

    /** The peer, as responder, encrypts its frames with c2, not with c1. */
    @Test
    @Requirement("HY-FRAME-008")
    void theResponderEncryptsWithTheSecondCipherState() throws Exception {
        readTheDocumentInTheSmallestFrames("HY-FRAME-008");
    }

    /**
     * Each frame's Ciphertext is EncryptWithAd of the sending cipher state, with empty associated data: the k-th frame
     * decrypts under c2 with the nonce k - 1.
     */
    @Test
    @Requirement("HY-FRAME-009")
    void eachFrameIsEncryptedWithTheNextNonceAndNoAssociatedData() throws Exception {
        readTheDocumentInTheSmallestFrames("HY-FRAME-009");
    }

    /** No nonce of the sending cipher state encrypts two frames. */
    @Test
    @Requirement("HY-FRAME-010")
    void thePeerEncryptsNoTwoFramesWithOneNonce() throws Exception {
        readTheDocumentInTheSmallestFrames("HY-FRAME-010");
    }

    /**
     * Each message is one or more consecutive frames, its fragments in order, FIN set in its last frame and in no other,
     * with no frame of another message between its first and its last.
     */
    @Test
    @Requirement("HY-FRAME-012")
    void eachMessageOfThePeerIsItsFramesInOrderWithFinOnTheLast() throws Exception {
        readTheDocumentInTheSmallestFrames("HY-FRAME-012");
    }

    /** No frame without FIN carries an empty fragment. */
    @Test
    @Requirement("HY-FRAME-021")
    void noFrameOfThePeerWithoutFinIsEmpty() throws Exception {
        readTheDocumentInTheSmallestFrames("HY-FRAME-021");
    }

    /**
     * Every session message that the peer sends passes the checks of section "Verification and validity": the reference
     * decoder's checks of the message, the peer's declarations against its tables, and the payloads of its Deltas
     * against the model's decoder ({@link PeerConnection}, {@link DocumentsModel}).
     */
    @Test
    @Requirement("HY-SESS-020")
    void everyMessageOfThePeerIsValid() throws Exception {
        readTheDocumentInTheSmallestFrames("HY-SESS-020");
    }

    /**
     * How many counters the document of the exchange holds: their keys alone take some 6 kB, so that the state that the
     * peer sends spans several frames of {@code MIN_FRAME_SIZE} in whatever form it sends it (no compression is offered).
     */
    static final int READINGS = 256;

    /**
     * The key of counter {@code i}: 24 hexadecimal digits of SHA-256 of its number, so that no two keys share a long
     * prefix and no encoding of the key table makes them much shorter than they are.
     */
    private static String readingKey(int i) {
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(("reading " + i).getBytes(
                    java.nio.charset.StandardCharsets.US_ASCII));
            return HexFormat.of().formatHex(digest, 0, 12);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Writes {@value #READINGS} counters, under the keys of {@link #readingKey}, to {@code document} in one STATE, in a session
     * of its own, and returns that state once the peer has acknowledged it.
     */
    private static State writeReadings(String document) throws Exception {
        ReplicaId me = ReplicaId.random(RANDOM);
        dev.hyphae.model.ReplicaId writer = new dev.hyphae.model.ReplicaId(me.toHex());
        State written = DocumentsModel.empty();
        for (int i = 0; i < READINGS; i++) {
            written = written.join(Mutators.delta(written, writer, new Mutation.Update(Value.of(readingKey(i)), CrdtType.PNCOUNTER.id(),
                    new Mutation.Increment(i + 1))));
        }
        try (PeerConnection w = PeerConnection.openWriting()) {
            SessionMessage.Open answer = openDocument(w, document, me);
            w.send(new SessionMessage.Delta(answer.channel(), SessionMessage.Kind.STATE, 0, 1, PayloadEncoder.encode(written)));
            w.next(m -> acknowledges(m, 7, 1), "acknowledgement of entry 1");
            w.send(new SessionMessage.Close(0, ErrorCode.NO_ERROR.value(), "done"));
        }
        return written;
    }

    /** How long a diagnosis waits for more of the stream, once a frame did not authenticate. */
    private static final int DIAGNOSIS_MILLIS = 1_000;
    /** How many bytes before a frame a diagnosis looks for its start: bytes sent between two frames. */
    private static final int STRAY_BYTES = 256;
    /** How many nonces past the expected one a diagnosis tries: frames encrypted but not sent, or c1 used. */
    private static final int NONCE_WINDOW = 64;
    /** The Ciphertext lengths that a diagnosis tries for a frame whose Length may be wrong. */
    private static final int LENGTH_SCAN = 4 * MIN_FRAME_SIZE;
    /** The most frames whose every order a diagnosis tries, for fragments sent out of order. */
    private static final int PERMUTED_FRAMES = 6;

    /**
     * The exchange of every check of this class; {@code judged} is the id of the rule that the check judges.
     */
    private static void readTheDocumentInTheSmallestFrames(String judged) throws Exception {
        String document = freshDocument();
        State written = writeReadings(document);
        PeerTarget t = target();
        String setUp = "in an earlier session, a write of " + READINGS + " counters to " + document
                + "; in this one, a handshake whose offer announces max_frame_size " + MIN_FRAME_SIZE + " (MIN_FRAME_SIZE), then ";
        // An ephemeral key of the suite's own drawing, fresh for the connection, given to the reference's initiator (whose
        // constructor with a preset key is otherwise for vectors, where the key is fixed): with it and the suite's static
        // key, the suite computes the cipher states of Split again from the transcript (Transcript). Message 2 is read as
        // its Length and that many bytes (HY-FRAME-005); a Length that is wrong fails the handshake there, whose error the
        // check reports as it stands.
        byte[] ephemeral = new byte[KeyPair.LENGTH];
        RANDOM.nextBytes(ephemeral);
        try (Socket socket = new Socket(t.address().getAddress(), t.address().getPort())) {
            socket.setSoTimeout(READ_TIMEOUT_MILLIS);
            OutputStream out = socket.getOutputStream();
            Stream raw = new Stream(socket);
            HyphaeHandshake.Initiator handshake = new HyphaeHandshake.Initiator(new HyphaeHandshake.Credentials(t.suiteKey(), null,
                    TrustStore.of(List.of(t.peerKey()), List.of()), System::currentTimeMillis),
                    new Negotiation.Offer(List.of(ProtocolVersion.V1_0), new TreeSet<>(), new TreeSet<>(), MIN_FRAME_SIZE),
                    KeyPair.fromPrivateKey(ephemeral), RANDOM);
            byte[] first = handshake.start();
            FramedChannel.sendHandshakeMessage(out, first);
            byte[] second = raw.handshakeMessage();
            FramedChannel.sendHandshakeMessage(out, handshake.onSelection(second));
            HyphaeHandshake.Result result = handshake.result();
            Transcript transcript = new Transcript(t.suiteKey(), ephemeral, first, second);
            Judge judge = new Judge(raw, transcript, judged, setUp);
            // The client reads what the judge hands on: whole messages, in frames of the judge's own under c2, up to
            // MAX_FRAME_SIZE each, which a receive frame size of MAX_FRAME_SIZE accepts.
            FramedChannel channel = new FramedChannel(judge, out, result.sender(), transcript.split()[1], result.sendFrameSize(),
                    MAX_FRAME_SIZE);
            PeerConnection c = PeerConnection.afterHandshake(socket, channel, false);
            judge.connection = c;
            SessionMessage.Open answer = openDocument(c, document, ReplicaId.random(RANDOM));
            State state = DocumentsModel.empty();
            while (!state.store().equals(written.store())) {
                SessionMessage.Delta delta = (SessionMessage.Delta) c.next(x -> x instanceof SessionMessage.Delta d && d.channel() == 7,
                        "delta of " + document + " holding the " + READINGS + " counters written (HY-SYNC-004)");
                state = DocumentsModel.join(state, delta, c);
                c.send(new SessionMessage.Ack(answer.channel(), delta.toSeq()));
            }
            c.send(new SessionMessage.Ping(0xf4a3e));
            c.next(m -> m.equals(new SessionMessage.Pong(0xf4a3e)), "Pong after the state of " + document);
            if (judge.mostFramesOfAMessage < 2) {
                throw new AssertionError("not judgeable: the peer sent the state of " + document + " in messages of one frame each,"
                        + " none longer than " + (MIN_FRAME_SIZE - FRAME_OVERHEAD) + " bytes, so no message of this exchange spans"
                        + " several frames\ninput: " + setUp + c.input());
            }
        }
    }

    /**
     * The handshake's transcript, from which the suite computes the cipher states of Split again, as often as a
     * diagnosis needs a fresh one: it replays the initiator's side with the same static and ephemeral keys over the same
     * message 1 and message 2. Message 3 is replayed with an empty payload: Split depends only on the chaining key,
     * which the payload of message 3 does not touch (Noise specification, section 5.2: EncryptAndHash mixes it into h
     * alone), so the keys are those of the session.
     */
    private record Transcript(KeyPair suiteKey, byte[] ephemeral, byte[] first, byte[] second) {

        private static final NoiseSuite SUITE = NoiseSuite.parse(NoiseSuite.MANDATORY);

        /** {c1, c2} at the nonce 0. */
        CipherState[] split() {
            HandshakeState noise = new HandshakeState(SUITE, true, HyphaeHandshake.PROLOGUE, suiteKey,
                    KeyPair.fromPrivateKey(ephemeral), null);
            try {
                // Message 1 is the ephemeral public key and then the offer in clear: the payload follows the key.
                noise.writeMessage(Arrays.copyOfRange(first, KeyPair.LENGTH, first.length));
                noise.readMessage(second);
                noise.writeMessage(new byte[0]);
            } catch (NoiseException e) {
                throw new IllegalStateException("the handshake that completed does not replay: " + e.getMessage(), e);
            }
            return noise.split();
        }
    }

    /** Moves {@code c} from the nonce {@code n} to the nonce {@code n + 1}, as the frame number n + 1 does, rekey included. */
    private static void advance(CipherState c, long n) {
        try {
            c.encryptWithAd(new byte[0], new byte[0]);
        } catch (NoiseException e) {
            throw new IllegalStateException(e);
        }
        if ((n + 1) % REKEY_INTERVAL == 0) {
            c.rekey();
        }
    }

    /** The plaintext of {@code ciphertext} under {@code c} at its nonce, with empty associated data, or null; null leaves c as it was. */
    private static byte[] open(CipherState c, byte[] ciphertext) {
        try {
            return c.decryptWithAd(new byte[0], ciphertext);
        } catch (NoiseException e) {
            return null;
        }
    }

    /** Whether {@code message} decodes as one session message. */
    private static boolean decodes(byte[] message) {
        try {
            SessionCodec.decode(message);
            return true;
        } catch (ProtocolException | RuntimeException e) {
            return false;
        }
    }

    /** The peer's side of the stream, buffered, so that a frame is judged whole before any of it is handed on. */
    private static final class Stream {
        private final Socket socket;
        private final InputStream in;
        private byte[] buffer = new byte[1 << 16];
        private int start;
        private int end;
        private boolean ended;

        Stream(Socket socket) throws IOException {
            this.socket = socket;
            this.in = socket.getInputStream();
        }

        int available() {
            return end - start;
        }

        boolean ended() {
            return ended;
        }

        /** Reads until {@code n} bytes are buffered (true) or the stream ends (false); a read past the socket's timeout throws. */
        boolean fill(int n) throws IOException {
            while (end - start < n && !ended) {
                if (buffer.length - start < n || end == buffer.length) {
                    byte[] larger = new byte[Math.max(buffer.length, 2 * n)];
                    System.arraycopy(buffer, start, larger, 0, end - start);
                    end -= start;
                    start = 0;
                    buffer = larger;
                }
                int read = in.read(buffer, end, buffer.length - end);
                if (read < 0) {
                    ended = true;
                } else {
                    end += read;
                }
            }
            return end - start >= n;
        }

        /** As {@link #fill}, but waiting at most {@code millis} for each read, and false when one waits longer. */
        boolean fillWithin(int n, int millis) throws IOException {
            int timeout = socket.getSoTimeout();
            socket.setSoTimeout(millis);
            try {
                return fill(n);
            } catch (SocketTimeoutException e) {
                return false;
            } catch (java.net.SocketException e) {
                ended = true;
                return false;
            } finally {
                if (!socket.isClosed()) {
                    socket.setSoTimeout(timeout);
                }
            }
        }

        int at(int i) {
            return buffer[start + i] & 0xff;
        }

        byte[] copy(int from, int to) {
            return Arrays.copyOfRange(buffer, start + from, start + to);
        }

        void consume(int n) {
            start += n;
        }

        /** The peer's handshake message 2: a 16-bit big-endian Length and that many bytes (HY-FRAME-005). */
        byte[] handshakeMessage() throws IOException, ProtocolException {
            if (!fill(2)) {
                throw ProtocolException.sessionError(ErrorCode.HANDSHAKE_FAILED, "the stream ended before the peer's handshake message");
            }
            int length = at(0) << 8 | at(1);
            if (!fill(2 + length)) {
                throw ProtocolException.sessionError(ErrorCode.HANDSHAKE_FAILED, "the stream ended inside the peer's handshake message");
            }
            byte[] message = copy(2, 2 + length);
            consume(2 + length);
            return message;
        }
    }

    /** One frame of the peer, authenticated: its size and its plaintext. */
    private record Frame(int size, byte[] plaintext) {
        int flags() {
            return plaintext[0] & 0xff;
        }

        boolean fin() {
            return (flags() & 0x01) != 0;
        }

        byte[] fragment() {
            return Arrays.copyOfRange(plaintext, 1, plaintext.length);
        }
    }

    /**
     * Reads the peer's frames off the stream, judges them, and hands each message that they make on to the suite's client
     * as an input stream of frames of its own: one encryption under c2 for each fragment of at most
     * {@code MAX_FRAME_SIZE - FRAME_OVERHEAD} bytes, in the order of the messages.
     */
    private static final class Judge extends InputStream {
        private final Stream raw;
        private final Transcript transcript;
        private final String judged;
        private final String setUp;
        /** The peer's c2, at the nonce of its next frame. */
        private final CipherState receiving;
        /** c2 again, for the frames that the judge hands on. */
        private final CipherState forwarding;
        private long frames;
        private long forwarded;
        private final List<Frame> message = new ArrayList<>();
        private byte[] handing = new byte[0];
        private int handed;
        int mostFramesOfAMessage;
        PeerConnection connection;

        Judge(Stream raw, Transcript transcript, String judged, String setUp) {
            this.raw = raw;
            this.transcript = transcript;
            this.judged = judged;
            this.setUp = setUp;
            this.receiving = transcript.split()[1];
            this.forwarding = transcript.split()[1];
        }

        @Override
        public int read() throws IOException {
            if (!ready()) {
                return -1;
            }
            return handing[handed++] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (!ready()) {
                return -1;
            }
            int n = Math.min(len, handing.length - handed);
            System.arraycopy(handing, handed, b, off, n);
            handed += n;
            return n;
        }

        /** Whether bytes are ready to hand on: false once the stream has ended. */
        private boolean ready() throws IOException {
            while (handed == handing.length) {
                if (!nextFrame()) {
                    return false;
                }
            }
            return true;
        }

        private AssertionError broken(String rule, String expected, Object actual) {
            return PeerChecks.broken(rule, setUp + (connection == null ? "nothing after the handshake" : connection.input()), expected,
                    actual);
        }

        /** The frame that comes next as the peer's k-th, counting from 1. */
        private String nth() {
            return "the peer's frame number " + (frames + 1) + " after the handshake";
        }

        /** Reads and judges one frame; false when the stream ended between frames. */
        private boolean nextFrame() throws IOException {
            boolean started;
            try {
                started = raw.fill(2);
            } catch (SocketTimeoutException e) {
                if (!message.isEmpty()) {
                    AssertionError failure = finMissing("and the peer sent nothing more within " + READ_TIMEOUT_MILLIS + " ms");
                    if (failure != null) {
                        throw failure;
                    }
                }
                throw e;
            }
            if (!started && !message.isEmpty()) {
                AssertionError failure = finMissing("and the peer closed the connection after it");
                if (failure != null) {
                    throw failure;
                }
            }
            if (!started) {
                if (raw.available() == 0) {
                    return false;
                }
                pass(raw.copy(0, raw.available()));
                raw.consume(raw.available());
                return true;
            }
            int length = raw.at(0) << 8 | raw.at(1);
            // A Length past the announced size is not waited for in full: a peer that breaks HY-FRAME-002 may never send
            // as many bytes as it says.
            boolean complete = length <= MIN_FRAME_SIZE ? raw.fill(2 + length) : raw.fillWithin(2 + length, DIAGNOSIS_MILLIS);
            byte[] plaintext = complete ? open(receiving, raw.copy(2, 2 + length)) : null;
            if (plaintext == null) {
                AssertionError failure = diagnosis(length, complete);
                if (failure != null) {
                    throw failure;
                }
                // The stream ended inside a frame, and nothing else explains it: the client's channel reports the end.
                pass(raw.copy(0, raw.available()));
                raw.consume(raw.available());
                return true;
            }
            Frame frame = new Frame(length, plaintext);
            raw.consume(2 + length);
            if (++frames % REKEY_INTERVAL == 0) {
                receiving.rekey();
            }
            if (length > MIN_FRAME_SIZE && judged.equals("HY-FRAME-003")) {
                throw broken("a sender sends no frame whose size is greater than its peer's maximum receive frame size (HY-FRAME-003),"
                                + " which the suite announced as " + MIN_FRAME_SIZE + " in its Offer",
                        "frames of at most " + MIN_FRAME_SIZE + " bytes of Ciphertext", "frame number " + frames + " of " + length + " bytes");
            }
            if ((frame.flags() & ~0x01) != 0 && judged.equals("HY-FRAME-004")) {
                throw broken("a sender sets every bit of Flags other than FIN to zero (HY-FRAME-004)", "Flags 0x00 or 0x01 in every frame",
                        "frame number " + frames + " with Flags 0x" + HexFormat.of().toHexDigits((byte) frame.flags()));
            }
            if (!frame.fin() && plaintext.length == 1 && judged.equals("HY-FRAME-021")) {
                throw broken("a sender sends no empty fragment in a frame without FIN (HY-FRAME-021)",
                        "a fragment of at least one byte in every frame without FIN", "frame number " + frames + ", without FIN, whose"
                                + " fragment is empty");
            }
            message.add(frame);
            if (frame.fin()) {
                byte[] whole = concatenation(message);
                // A session message ignores bytes past its buffer's end, so two messages, FIN missing between them, can
                // decode as the first: the frames are split where both halves decode.
                AssertionError failure = decodes(whole) ? twoMessagesInOne() : regrouping();
                if (failure != null) {
                    throw failure;
                }
                mostFramesOfAMessage = Math.max(mostFramesOfAMessage, message.size());
                message.clear();
                forward(whole);
            }
            return true;
        }

        private static byte[] concatenation(List<Frame> frames) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (Frame f : frames) {
                out.writeBytes(f.fragment());
            }
            return out.toByteArray();
        }

        private void pass(byte[] bytes) {
            handing = bytes;
            handed = 0;
        }

        /** Hands {@code whole} on as frames of the judge's own, which the client's channel reassembles. */
        private void forward(byte[] whole) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int room = MAX_FRAME_SIZE - FRAME_OVERHEAD;
            int at = 0;
            do {
                int length = Math.min(room, whole.length - at);
                byte[] plaintext = new byte[1 + length];
                plaintext[0] = (byte) (at + length == whole.length ? 0x01 : 0);
                System.arraycopy(whole, at, plaintext, 1, length);
                byte[] ciphertext;
                try {
                    ciphertext = forwarding.encryptWithAd(new byte[0], plaintext);
                } catch (NoiseException e) {
                    throw new IllegalStateException(e);
                }
                if (++forwarded % REKEY_INTERVAL == 0) {
                    forwarding.rekey();
                }
                out.write(ciphertext.length >>> 8);
                out.write(ciphertext.length);
                out.writeBytes(ciphertext);
                at += length;
            } while (at < whole.length);
            pass(out.toByteArray());
        }

        /**
         * The rule that a frame which does not authenticate under c2 with the next nonce breaks, found by the readings of
         * it that do authenticate; null when the stream ended inside the frame ({@code whole} false) and no reading
         * explains it.
         */
        private AssertionError diagnosis(int length, boolean whole) throws IOException {
            raw.fillWithin(2 + MAX_FRAME_SIZE + STRAY_BYTES, DIAGNOSIS_MILLIS);
            int available = raw.available();
            String frame = nth() + " (Length " + length + ", " + (available - 2) + " bytes after it on the stream)";
            byte[] delimited = 2 + length <= available ? raw.copy(2, 2 + length) : null;
            if (delimited != null) {
                CipherState c2 = transcript.split()[1];
                for (long n = 0; n < frames; n++) {
                    if (open(c2, delimited) != null) {
                        return broken("a peer encrypts no two frames with the same nonce of one cipher state, and never sets the nonce"
                                        + " back (HY-FRAME-010)", "frame number " + (frames + 1) + " encrypted under c2 with the nonce " + frames,
                                frame + ", which authenticates under c2 with the nonce " + n + ", which frame number " + (n + 1)
                                        + " already used");
                    }
                    advance(c2, n);
                }
                CipherState c1 = transcript.split()[0];
                for (long n = 0; n <= frames + NONCE_WINDOW; n++) {
                    if (open(c1, delimited) != null) {
                        return broken("the responder encrypts its frames with c2, and the initiator with c1 (HY-FRAME-008)",
                                "frame number " + (frames + 1) + " encrypted under c2 with the nonce " + frames,
                                frame + ", which authenticates under c1, the initiator's cipher state, with the nonce " + n);
                    }
                    advance(c1, n);
                }
                advance(c2, frames);
                for (long n = frames + 1; n <= frames + NONCE_WINDOW; n++) {
                    if (open(c2, delimited) != null) {
                        return broken("a sender computes the Ciphertext of a frame as EncryptWithAd of its sending cipher state, whose nonce"
                                        + " is k - 1 for the k-th frame after Split, with empty associated data (HY-FRAME-009)",
                                "frame number " + (frames + 1) + " encrypted under c2 with the nonce " + frames,
                                frame + ", which authenticates under c2 with the nonce " + n + ": " + (n - 1 == frames ? "the nonce "
                                        + frames : "the nonces " + frames + " to " + (n - 1)) + " encrypted no frame that the peer sent");
                    }
                    advance(c2, n);
                }
            }
            int swapped = (length & 0xff) << 8 | length >>> 8;
            for (int other = FRAME_OVERHEAD; other <= Math.min(available - 2, Math.max(LENGTH_SCAN, swapped)); other++) {
                if (other != length && (other <= LENGTH_SCAN || other == swapped) && open(receiving, raw.copy(2, 2 + other)) != null) {
                    return broken("a peer sends each frame as its Length field followed by exactly Length bytes of Ciphertext"
                                    + " (HY-FRAME-002)", "a Length of " + other + " before the " + other + " bytes of the Ciphertext of frame number "
                                    + (frames + 1), frame + ", whose Ciphertext authenticates as the " + other + " bytes after the Length field"
                                    + (other == swapped ? ", the Length read as little-endian" : ""));
                }
            }
            for (int stray = 1; stray <= STRAY_BYTES && stray + 2 + FRAME_OVERHEAD <= available; stray++) {
                int other = raw.at(stray) << 8 | raw.at(stray + 1);
                if (other >= FRAME_OVERHEAD && stray + 2 + other <= available && open(receiving, raw.copy(stray + 2, stray + 2 + other)) != null) {
                    String between = raw.copy(0, stray).length + " bytes " + HexFormat.of().formatHex(raw.copy(0, stray));
                    return frames == 0
                            ? broken("a peer sends no bytes between its last handshake message and its first frame (HY-FRAME-005)",
                                    "the first frame right after the peer's handshake message 2", between + " after handshake message 2,"
                                            + " then a frame that authenticates as the first")
                            : broken("a peer sends no bytes between two frames (HY-FRAME-002)", "frame number " + (frames + 1)
                                    + " right after frame number " + frames, between + " after frame number " + frames
                                    + ", then a frame that authenticates as number " + (frames + 1));
                }
            }
            if (delimited != null) {
                return broken("a sender computes the Ciphertext of a frame as EncryptWithAd of its sending cipher state over the plaintext"
                                + " of the frame, with empty associated data (HY-FRAME-009), the responder's sending cipher state being c2"
                                + " (HY-FRAME-008), with the nonce k - 1 for its k-th frame",
                        "frame number " + (frames + 1) + " encrypted under c2 with the nonce " + frames, frame + ", which does not"
                                + " authenticate under c2 with that nonce, nor under another reading of it that the suite tries (another"
                                + " nonce, c1, another length, bytes before it): " + HexFormat.of().formatHex(delimited, 0, Math.min(64,
                                delimited.length)) + (delimited.length > 64 ? "..." : ""));
            }
            if (length > MIN_FRAME_SIZE) {
                return broken("a sender sends no frame whose size is greater than its peer's maximum receive frame size (HY-FRAME-003),"
                                + " which the suite announced as " + MIN_FRAME_SIZE + " in its Offer",
                        "frames of at most " + MIN_FRAME_SIZE + " bytes of Ciphertext", frame + ", a Length greater than the announced "
                                + MIN_FRAME_SIZE + ", and the stream " + (raw.ended() ? "ended" : "silent") + " before that many bytes came");
            }
            return null;
        }

        private static final String FRAMES_RULE = "a sender sends each message as one or more frames, consecutively and in the order"
                + " of their fragments, with FIN set in the last of them and in no other, and sends no frame of another message between"
                + " the first and the last frame of a message (HY-FRAME-012)";
        private static final String FRAMES_EXPECTED = "frames whose fragments, from one frame with FIN to the next, make one session"
                + " message each";

        /** The frames of the message being reassembled, as a failure states them. */
        private String these() {
            return message.size() == 1 ? "frame number " + frames : "frames number " + (frames - message.size() + 1) + " to " + frames;
        }

        /**
         * HY-FRAME-012 broken when the frames received since the last FIN, none of them with FIN, make a session message
         * and no further frame came ({@code after}); null otherwise.
         */
        private AssertionError finMissing(String after) {
            if (!decodes(concatenation(message))) {
                return null;
            }
            return broken(FRAMES_RULE, FRAMES_EXPECTED, these() + ", none with FIN, whose fragments make a session message, " + after);
        }

        /**
         * HY-FRAME-012 broken when the frames up to a FIN make two session messages, the first ending in a frame without
         * FIN; null otherwise.
         */
        private AssertionError twoMessagesInOne() {
            for (int k = 1; k < message.size(); k++) {
                if (decodes(concatenation(message.subList(0, k))) && decodes(concatenation(message.subList(k, message.size())))) {
                    return broken(FRAMES_RULE, FRAMES_EXPECTED, these() + ", FIN in the last only, whose fragments make two session"
                            + " messages: the first " + k + " of them one, and the rest another; frame number " + (frames - message.size() + k)
                            + " does not set FIN");
                }
            }
            return null;
        }

        /**
         * The rule of HY-FRAME-012 that fragments which do not make a session message break, found by another grouping of
         * the frames that does make messages: FIN missing on a message's last frame, FIN on a frame that is not its last,
         * a message inside another, fragments out of order; null when no grouping does, and the message itself is at fault.
         */
        private AssertionError regrouping() throws IOException {
            long last = frames;
            String these = these();
            for (int k = 1; k < message.size(); k++) {
                if (decodes(concatenation(message.subList(0, k)))) {
                    return broken(FRAMES_RULE, FRAMES_EXPECTED, these + ", FIN in the last; the fragments of the first " + k + " of them make"
                            + " a session message, but frame number " + (last - message.size() + k) + " does not set FIN");
                }
            }
            // Frames that follow, read ahead under a copy of c2: where a message continues past a FIN, or contains another.
            List<Frame> ahead = new ArrayList<>(message);
            CipherState c2 = transcript.split()[1];
            for (long n = 0; n < frames; n++) {
                advance(c2, n);
            }
            int offset = 0;
            int fins = 0;
            while (fins < 2 && ahead.size() < 64 && raw.fillWithin(offset + 2, DIAGNOSIS_MILLIS)) {
                int length = raw.at(offset) << 8 | raw.at(offset + 1);
                if (!raw.fillWithin(offset + 2 + length, DIAGNOSIS_MILLIS)) {
                    break;
                }
                byte[] plaintext = open(c2, raw.copy(offset + 2, offset + 2 + length));
                if (plaintext == null) {
                    break;
                }
                Frame f = new Frame(length, plaintext);
                ahead.add(f);
                offset += 2 + length;
                if (f.fin()) {
                    fins++;
                    if (decodes(concatenation(ahead))) {
                        return broken(FRAMES_RULE, FRAMES_EXPECTED, these + ", FIN in the last; its fragments make a session message only"
                                + " with those of the frames up to number " + (last + ahead.size() - message.size()) + ": FIN was set on a"
                                + " frame that is not the last of its message");
                    }
                }
            }
            for (int from = 1; from < ahead.size() - 1; from++) {
                for (int to = from; to < ahead.size() - 1; to++) {
                    List<Frame> inner = ahead.subList(from, to + 1);
                    List<Frame> outer = new ArrayList<>(ahead.subList(0, from));
                    outer.addAll(ahead.subList(to + 1, ahead.size()));
                    if (inner.get(inner.size() - 1).fin() && decodes(concatenation(inner)) && decodes(concatenation(outer))) {
                        long first = last - message.size() + 1;
                        return broken(FRAMES_RULE, FRAMES_EXPECTED, "frames number " + (first + from) + " to " + (first + to) + ", a whole"
                                + " message, sent between frame number " + (first + from - 1) + " and frame number " + (first + to + 1)
                                + " of another message");
                    }
                }
            }
            // Last, as the weakest reading: a message decodes whatever bytes follow its buffer, so another order of the
            // frames can decode where the real fault is another.
            for (int i = 0; i < message.size(); i++) {
                for (int j = i + 1; j < message.size(); j++) {
                    List<Frame> swapped = new ArrayList<>(message);
                    swapped.set(i, message.get(j));
                    swapped.set(j, message.get(i));
                    if (decodes(concatenation(swapped))) {
                        long first = last - message.size() + 1;
                        return broken(FRAMES_RULE, FRAMES_EXPECTED, these + ", whose fragments make a session message only with the"
                                + " fragments of frames number " + (first + i) + " and " + (first + j) + " in each other's place");
                    }
                }
            }
            if (message.size() <= PERMUTED_FRAMES && permutationThatDecodes(new ArrayList<>(), new ArrayList<>(message)) != null) {
                return broken(FRAMES_RULE, FRAMES_EXPECTED, these + ", whose fragments make a session message only in another order");
            }
            return null;
        }

        /** An order of {@code rest} after {@code prefix} whose fragments decode, other than the order received; null if none. */
        private List<Frame> permutationThatDecodes(List<Frame> prefix, List<Frame> rest) {
            if (rest.isEmpty()) {
                return !prefix.equals(message) && decodes(concatenation(prefix)) ? prefix : null;
            }
            for (int i = 0; i < rest.size(); i++) {
                List<Frame> p = new ArrayList<>(prefix);
                p.add(rest.get(i));
                List<Frame> r = new ArrayList<>(rest);
                r.remove(i);
                List<Frame> found = permutationThatDecodes(p, r);
                if (found != null) {
                    return found;
                }
            }
            return null;
        }
    }
}
