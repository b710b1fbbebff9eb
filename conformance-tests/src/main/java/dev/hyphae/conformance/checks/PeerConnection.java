package dev.hyphae.conformance.checks;

import dev.hyphae.ErrorCode;
import dev.hyphae.ProtocolException;
import dev.hyphae.conformance.PeerTarget;
import dev.hyphae.data.ReplicaId;
import dev.hyphae.framing.FramedChannel;
import dev.hyphae.handshake.Certificate;
import dev.hyphae.handshake.HyphaeHandshake;
import dev.hyphae.handshake.Negotiation;
import dev.hyphae.handshake.ProtocolVersion;
import dev.hyphae.handshake.TrustStore;
import dev.hyphae.model.Value;
import dev.hyphae.noise.KeyPair;
import dev.hyphae.session.SessionCodec;
import dev.hyphae.session.SessionMessage;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static dev.hyphae.conformance.checks.PeerChecks.CLOSE_INTERVAL_MILLIS;
import static dev.hyphae.conformance.checks.PeerChecks.DURABLE_ACKS;
import static dev.hyphae.conformance.checks.PeerChecks.RANDOM;
import static dev.hyphae.conformance.checks.PeerChecks.READ_TIMEOUT_MILLIS;
import static dev.hyphae.conformance.checks.PeerChecks.standardOffer;
import static dev.hyphae.conformance.checks.PeerChecks.target;

/**
 * The suite's side of a session with the peer under test, after a handshake that the suite runs as initiator: the client
 * that every class of the Peer profile drives, a small one that speaks just enough of the handshake and the session to
 * be a neighbour, and a hostile one where a check says so. It keeps what the peer has sent, answers its Pings, and reads
 * its declarations into the tables of the peer's direction, failing the check when the peer breaks their rules.
 */
final class PeerConnection implements AutoCloseable {

    /**
     * {@code PEER_CONNECTION_LIMIT}: every connection is closed after this long, so that a peer that stops reading cannot
     * block a write for ever.
     */
    private static final long CONNECTION_LIMIT_MILLIS = 60_000;
    private static final java.util.concurrent.ScheduledExecutorService WATCHDOG =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "conformance-peer-watchdog");
                t.setDaemon(true);
                return t;
            });
    private final Socket socket;
    /** Written only by {@link #transmit}, so that every message the suite sends passes the guard of HY-CONF-048. */
    private final FramedChannel channel;
    /** The handshake's outcome, or null on a connection whose handshake a check ran itself ({@link #afterHandshake}). */
    final HyphaeHandshake.Result result;
    final List<SessionMessage> received = new ArrayList<>();
    /** What the suite has sent on the session, in order, as {@link #input} states it. */
    private final List<String> sent = new ArrayList<>();
    /**
     * The session replica table of the peer's direction: the replica id of its first Open (HY-SESS-110), then what
     * its Deltas have declared (HY-SESS-063). What the payloads it sends in session form are read against.
     */
    final List<dev.hyphae.model.ReplicaId> peerTable = new ArrayList<>();
    private boolean peerOpened;
    /** The session key table of the peer's direction, as its Deltas have declared it (HY-SESS-094). */
    final List<Value> peerKeys = new ArrayList<>();

    /** Whether the suite announced {@code durable-acks} on this connection: then it acknowledges nothing on it. */
    private final boolean announcedDurableAcks;

    private PeerConnection(Socket socket, FramedChannel channel, HyphaeHandshake.Result result, boolean announcedDurableAcks) {
        this.socket = socket;
        this.channel = channel;
        this.result = result;
        this.announcedDurableAcks = announcedDurableAcks;
    }

    /**
     * Connects and runs the handshake.
     *
     * @throws ProtocolException when the peer refuses in its selection, with the code it gave
     */
    static PeerConnection open(KeyPair key, Certificate certificate, Negotiation.Offer offer) throws IOException, ProtocolException {
        PeerTarget t = target();
        Socket socket = new Socket(t.address().getAddress(), t.address().getPort());
        socket.setSoTimeout(READ_TIMEOUT_MILLIS);
        WATCHDOG.schedule(() -> {
            try {
                socket.close();
            } catch (IOException ignored) {
                // Closed already.
            }
        }, CONNECTION_LIMIT_MILLIS, java.util.concurrent.TimeUnit.MILLISECONDS);
        try {
            HyphaeHandshake.Initiator handshake = new HyphaeHandshake.Initiator(new HyphaeHandshake.Credentials(key, certificate,
                    TrustStore.of(List.of(t.peerKey()), List.of()), System::currentTimeMillis), offer, RANDOM);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            FramedChannel.sendHandshakeMessage(out, handshake.start());
            FramedChannel.sendHandshakeMessage(out, handshake.onSelection(FramedChannel.receiveHandshakeMessage(in)));
            HyphaeHandshake.Result result = handshake.result();
            FramedChannel channel = new FramedChannel(in, out, result.sender(), result.receiver(), result.sendFrameSize(),
                    result.receiveFrameSize());
            return new PeerConnection(socket, channel, result, offer.capabilities().contains(DURABLE_ACKS));
        } catch (IOException | ProtocolException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    static PeerConnection open() throws IOException, ProtocolException {
        return open(target().suiteKey(), null, standardOffer());
    }

    /**
     * A connection of the suite's reader, whom the peer trusts with read only on the documents named
     * {@link PeerTarget#READER_PREFIX}* (HY-CONF-049). A run given no reader's key is a set-up that lacks it, not a
     * failure of the peer: the checks that need it are unsupported, and say how to supply it.
     */
    static PeerConnection openAsReader() throws IOException, ProtocolException {
        KeyPair reader = target().readerKey();
        if (reader == null) {
            throw new dev.hyphae.conformance.Unsupported("this check needs the suite's reader (HY-CONF-049), and the run was given"
                    + " no reader's key: trust a second key with read only on documents named " + PeerTarget.READER_PREFIX
                    + "* and give its key file with --reader-key");
        }
        return open(reader, null, standardOffer());
    }

    /**
     * A connection on which the suite only writes: it announces {@code durable-acks}, so that the peer's
     * acknowledgements are exercised under it. The suite keeps nothing on stable storage, and may announce the
     * capability only where it sends no Ack, no Delta with an ack and no Open with a held_seq (HY-SESS-153, HY-CONF-048).
     */
    static PeerConnection openWriting() throws IOException, ProtocolException {
        return open(target().suiteKey(), null, new Negotiation.Offer(List.of(ProtocolVersion.V1_0), new TreeSet<>(Set.of(DURABLE_ACKS))));
    }

    /** Messages of the kind {@code kind} that the peer has sent so far, in order. */
    <T extends SessionMessage> List<T> receivedOf(Class<T> kind) {
        return received.stream().filter(kind::isInstance).map(kind::cast).toList();
    }

    /**
     * A connection whose handshake a check ran itself, at the level of its payloads, on {@code socket}: what it sends on
     * the session goes through {@link #send} as on any other. {@code announcedDurableAcks} is whether the suite's offer
     * held {@code durable-acks}. The check closes the socket; no watchdog is scheduled.
     */
    static PeerConnection afterHandshake(Socket socket, FramedChannel channel, boolean announcedDurableAcks) {
        return new PeerConnection(socket, channel, null, announcedDurableAcks);
    }

    /**
     * Sends {@code message}. On a connection where the suite announced {@code durable-acks}, an Ack, a Delta with an ack
     * or an Open with a held_seq is a bug of the suite, not a message to send: the suite keeps nothing on stable storage,
     * so it would claim a durability it lacks (HY-SESS-153), and HY-CONF-048 allows the capability only where it sends
     * none of them. Every run thus enforces that half of HY-CONF-048: every message that the suite sends on a session
     * passes here, or through {@link #sendEncoded} or {@link #sendAsAttacker}, which apply the same guard.
     */
    void send(SessionMessage message) throws IOException, ProtocolException {
        refuseWhatClaimsDurability(message);
        transmit(SessionCodec.encode(message), message.toString());
    }

    /**
     * Sends a valid session message that a check built field by field, to state in the model's terms what the
     * reference's encoder would write for it (the keys that a Delta declares, for instance). It must decode, and is then
     * guarded as {@link #send} guards it.
     *
     * @throws IllegalArgumentException when {@code message} does not decode: bytes that are meant to be invalid go
     *         through {@link #sendAsAttacker}
     */
    void sendEncoded(byte[] message) throws IOException, ProtocolException {
        SessionMessage decoded;
        try {
            decoded = SessionCodec.decode(message);
        } catch (ProtocolException e) {
            throw new IllegalArgumentException("the suite built a session message that does not decode (" + e.code() + "): "
                    + HexFormat.of().formatHex(message), e);
        }
        refuseWhatClaimsDurability(decoded);
        transmit(message, decoded.toString());
    }

    /**
     * Sends, as one message of the framed channel, bytes that are no valid session message on purpose: a check that plays
     * an attacker (HY-CONF-048 allows it where the check says so) sends a message of a type that the session does not
     * define, or one that fails verification, to see what the peer does with it. The guard of {@link #send} reads a
     * decoded message, which such bytes are not, so it cannot apply as it stands; the half of HY-CONF-048 that it keeps
     * is kept here by the message type instead. Bytes that decode are guarded as {@link #send} guards them. On a
     * connection where the suite announced {@code durable-acks}, bytes that do not decode are sent only when their
     * message_type can be read and is none of Open, Delta and Ack, the three types that can claim a durability: a peer
     * might read an acknowledgement or a held_seq in a message that the suite cannot tell apart from one.
     */
    void sendAsAttacker(byte[] message) throws IOException, ProtocolException {
        SessionMessage decoded = null;
        try {
            decoded = SessionCodec.decode(message);
        } catch (ProtocolException e) {
            // Invalid on purpose: judged by its message type below.
        }
        if (decoded != null) {
            refuseWhatClaimsDurability(decoded);
        } else if (announcedDurableAcks) {
            int type = messageTypeOf(message);
            if (type < 0 || type == hyphae.v1.Message.Open || type == hyphae.v1.Message.Delta || type == hyphae.v1.Message.Ack) {
                throw new IllegalStateException("the suite announced durable-acks on this connection and keeps nothing on stable"
                        + " storage: it must not send an invalid message " + (type < 0 ? "whose type it cannot read" : "of type " + type)
                        + ", which might carry an acknowledgement or a held_seq, on it (HY-SESS-153, HY-CONF-048): "
                        + HexFormat.of().formatHex(message));
            }
        }
        transmit(message, "the invalid message " + HexFormat.of().formatHex(message));
    }

    /**
     * Writes {@code bytes} to the transport as they are, outside the framed channel: a check that plays an attacker sends
     * bytes that are no frame of the session's keys, or frames that it made itself, to see what the peer does with them.
     * No guard can read a session message in them, so on a connection where the suite announced {@code durable-acks}
     * nothing is written this way at all (HY-SESS-153, HY-CONF-048).
     */
    void writeAsAttacker(byte[] bytes) throws IOException {
        if (announcedDurableAcks) {
            throw new IllegalStateException("the suite announced durable-acks on this connection: it writes nothing on it that"
                    + " no guard can read as a session message (HY-SESS-153, HY-CONF-048)");
        }
        OutputStream out = socket.getOutputStream();
        out.write(bytes);
        out.flush();
        note(bytes.length + " bytes written outside the framed channel");
    }

    /** HY-SESS-153, HY-CONF-048: on a connection that announced durable-acks, nothing that claims a durability. */
    private void refuseWhatClaimsDurability(SessionMessage message) {
        if (announcedDurableAcks && (message instanceof SessionMessage.Ack
                || message instanceof SessionMessage.Delta d && d.ack() != 0
                || message instanceof SessionMessage.Open o && o.heldSeq() != 0)) {
            throw new IllegalStateException("the suite announced durable-acks on this connection and keeps nothing on stable"
                    + " storage: it must not send " + message + " on it (HY-SESS-153, HY-CONF-048)");
        }
    }

    /**
     * The only writer of {@link #channel}: every caller has applied the guard of HY-CONF-048 first. {@code what} is the
     * message as {@link #input} states it.
     */
    private void transmit(byte[] message, String what) throws IOException, ProtocolException {
        note(what);
        try {
            channel.send(message);
        } catch (IOException e) {
            throw closedWhileSending(e);
        }
    }

    /**
     * The failure of a write that {@code e} ended, on the rule of the running check: a peer that closed the connection
     * while the suite sent (what it had sent before, as far as the suite read it, may say why), or one that stopped
     * reading and kept it open until the suite's watchdog closed it at {@code PEER_CONNECTION_LIMIT}.
     */
    private AssertionError closedWhileSending(IOException e) {
        AssertionError failure;
        if (closedBySuite()) {
            failure = broken(theChecksRule(), "the peer reading what the suite sends",
                    "no close within PEER_CONNECTION_LIMIT (" + CONNECTION_LIMIT_MILLIS + " ms), after which the suite closed the"
                            + " connection: the peer stopped reading; before, it sent " + sentByThePeer());
        } else {
            // What the peer sent before the close is what the suite had read: the framed channel reads nothing more once
            // a write on it has failed.
            failure = broken(theChecksRule(), "the connection open while the suite sends",
                    "the close of the connection while the suite sent; before it the peer sent " + sentByThePeer());
        }
        failure.initCause(e);
        return failure;
    }

    /** The number of the suite's messages that {@link #input} states in full; of more, the first and the last few. */
    private static final int INPUT_SHOWN = 12;

    private void note(String what) {
        sent.add(what);
    }

    /**
     * What the suite has sent on this connection since the handshake, in order: the input of a failure met while it
     * waits for the peer. Of a long session, the first few messages and the last few are stated, and how many between.
     */
    String input() {
        if (sent.isEmpty()) {
            return "nothing after the handshake";
        }
        if (sent.size() <= INPUT_SHOWN) {
            return "after the handshake, " + String.join(", then ", sent);
        }
        int head = INPUT_SHOWN / 3;
        int tail = INPUT_SHOWN - head;
        return "after the handshake, " + String.join(", then ", sent.subList(0, head)) + ", then " + (sent.size() - INPUT_SHOWN)
                + " more messages, then " + String.join(", then ", sent.subList(sent.size() - tail, sent.size()));
    }

    /**
     * A failure met on the way to a check's verdict, in the form of every failure ({@link PeerChecks#broken}): the rule,
     * what the suite sent on this connection, what the rule expects, and what the peer did.
     */
    AssertionError broken(String rule, String expected, Object actual) {
        return PeerChecks.broken(rule, input(), expected, actual);
    }

    /** What the peer has sent on this connection so far, as the actual answer of a failure states it. */
    private String sentByThePeer() {
        return received.isEmpty() ? "nothing" : received.toString();
    }

    /** The rule of a failure met while the suite waits: that of the running check, whose answer the peer did not give. */
    private static String theChecksRule() {
        return "a peer that meets " + PeerChecks.theChecksRequirements() + " answers what this check sends as they require";
    }

    /** The message_type of {@code message} read as a SessionMessage buffer, or -1 when it cannot be read. */
    private static int messageTypeOf(byte[] message) {
        try {
            return Byte.toUnsignedInt(hyphae.v1.SessionMessage.getRootAsSessionMessage(java.nio.ByteBuffer.wrap(message)).messageType());
        } catch (RuntimeException e) {
            return -1;
        }
    }

    /**
     * The next message the peer sends that {@code wanted} accepts; Pings are answered and others kept in
     * {@link #received}. Fails if the peer sends nothing within the read timeout.
     */
    SessionMessage next(java.util.function.Predicate<SessionMessage> wanted, String what) throws IOException, ProtocolException {
        SessionMessage m = poll(wanted, what);
        if (m == null) {
            throw broken(theChecksRule() + "; the suite waits PEER_ANSWER_TIMEOUT for each message that it expects, and judges one"
                            + " that comes later as not sent (HY-CONF-047)", what + ", within " + READ_TIMEOUT_MILLIS + " ms",
                    "nothing of the kind within " + READ_TIMEOUT_MILLIS + " ms; before, the peer sent " + sentByThePeer());
        }
        return m;
    }

    /** As {@link #next}, but null when the peer sends nothing that {@code wanted} accepts within the read timeout. */
    SessionMessage poll(java.util.function.Predicate<SessionMessage> wanted, String what) throws IOException, ProtocolException {
        while (true) {
            byte[] bytes;
            try {
                bytes = channel.receive();
            } catch (SocketTimeoutException e) {
                return null;
            } catch (EOFException | java.net.SocketException e) {
                AssertionError failure = broken(theChecksRule() + ", and keeps the session open until one of the two peers ends it",
                        what, "the close of the connection, with no SessionError or Close of the session; before, the peer sent "
                                + sentByThePeer());
                failure.initCause(e);
                throw failure;
            }
            SessionMessage m = decodeOrFail(bytes);
            received.add(m);
            declared(m, bytes);
            if (m instanceof SessionMessage.Ping p) {
                send(new SessionMessage.Pong(p.nonce()));
                continue;
            }
            if (wanted.test(m)) {
                return m;
            }
        }
    }

    /**
     * Appends the replica id of the peer's first Open, and what a Delta of the peer declares, to its tables,
     * {@code bytes} being the message: a peer never declares an id or a key twice, nor its own id (HY-SESS-072,
     * HY-SESS-102, HY-SESS-110).
     */
    private void declared(SessionMessage m, byte[] bytes) {
        if (m instanceof SessionMessage.Open o && !peerOpened) {
            peerOpened = true;
            peerTable.add(new dev.hyphae.model.ReplicaId(o.replica().toHex()));
        }
        if (m instanceof SessionMessage.Delta d) {
            if (d.kind() != SessionMessage.Kind.INTERVAL && d.toSeq() == 0) {
                throw broken("a peer sends no Delta of kind DIFFERENCE or STATE whose to_seq is 0, which could be neither acknowledged"
                        + " nor refused alone (HY-SESS-021)", "Deltas of kind DIFFERENCE or STATE whose to_seq is at least 1", d);
            }
            for (ReplicaId id : d.replicas()) {
                dev.hyphae.model.ReplicaId replica = new dev.hyphae.model.ReplicaId(id.toHex());
                if (peerTable.contains(replica)) {
                    throw broken("a sender declares no replica id that the table of its direction already holds, its own included"
                            + " (HY-SESS-072); the peer's table, from its first Open and its Deltas, is " + peerTable,
                            "a Delta that declares only replica ids new to the session", d);
                }
                peerTable.add(replica);
            }
            if (peerTable.size() > dev.hyphae.session.SessionLimits.MAX_SESSION_REPLICAS) {
                throw broken("a sender declares no replica ids that would take the table of its direction past MAX_SESSION_REPLICAS ("
                        + dev.hyphae.session.SessionLimits.MAX_SESSION_REPLICAS + ") entries (HY-SESS-072)",
                        "declarations that keep the peer's table within MAX_SESSION_REPLICAS entries", "a table of " + peerTable.size()
                                + " entries after " + d);
            }
            for (Value key : DeclaredKeys.of(bytes)) {
                if (peerKeys.contains(key)) {
                    throw broken("a sender declares no key that the key table of its direction already holds (HY-SESS-102); the"
                            + " peer's key table is " + peerKeys, "a Delta that declares only keys new to the session", d
                            + ", which declares " + key + " again");
                }
                peerKeys.add(key);
            }
            if (peerKeys.size() > dev.hyphae.session.SessionLimits.MAX_SESSION_KEYS) {
                throw broken("a sender declares no keys that would take the key table of its direction past MAX_SESSION_KEYS ("
                        + dev.hyphae.session.SessionLimits.MAX_SESSION_KEYS + ") entries (HY-SESS-102)",
                        "declarations that keep the peer's key table within MAX_SESSION_KEYS entries", "a key table of " + peerKeys.size()
                                + " entries after " + d);
            }
        }
    }

    /** A message the peer sent must be a valid session message: one that is not fails the check. */
    SessionMessage decodeOrFail(byte[] bytes) {
        try {
            return SessionCodec.decode(bytes);
        } catch (ProtocolException e) {
            String rule = e.code() == ErrorCode.UNKNOWN_MESSAGE_TYPE
                    ? "a sender sends no message whose type is unknown in the session (HY-VER-018), and never the type 0 (HY-VER-032)"
                    : "a sender sends no session message that a receiver would refuse (HY-SESS-020)";
            AssertionError failure = broken(rule, "a valid session message", "a message that the reference decoder refuses ("
                    + e.getMessage() + "): " + HexFormat.of().formatHex(bytes) + "; before it, the peer sent "
                    + sentByThePeer());
            failure.initCause(e);
            throw failure;
        }
    }

    /**
     * Reads until the peer closes the connection; fails on {@code rule}, the rule that has the peer close it, if it stays
     * open past {@code CLOSE_INTERVAL}, the time that the suite waits for a close (chapter "Conformance", table "The times of
     * peer mode").
     */
    void expectClosed(String after, String rule) throws IOException {
        if (!readUntilClosed(closeDeadline())) {
            throw broken(rule, "the close of the connection within CLOSE_INTERVAL (" + CLOSE_INTERVAL_MILLIS + " ms) of " + after,
                    "the connection still open " + CLOSE_INTERVAL_MILLIS + " ms after " + after + "; the peer sent " + sentByThePeer());
        }
    }

    /** The deadline, in {@link System#nanoTime()}, of a close due within {@code CLOSE_INTERVAL} from now. */
    static long closeDeadline() {
        return System.nanoTime() + java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(CLOSE_INTERVAL_MILLIS);
    }

    /**
     * Reads what the peer sends, keeping it in {@link #received}, until the peer closes the connection (true) or
     * {@code deadline} ({@link System#nanoTime()}) passes with the connection open (false). The deadline bounds the whole
     * wait, not each read, so that a peer that keeps sending does not hold the connection open past it. A socket that
     * the suite closed itself (its watchdog, at {@code CONNECTION_LIMIT}) is not a close by the peer: false.
     */
    boolean readUntilClosed(long deadline) throws IOException {
        try {
            while (true) {
                long left = java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    return false;
                }
                socket.setSoTimeout((int) Math.min(left, Integer.MAX_VALUE));
                receive();
            }
        } catch (SocketTimeoutException e) {
            return false;
        } catch (EOFException | ProtocolException | java.net.SocketException e) {
            // The end of the stream, or a broken one: the peer's close, unless the suite closed the socket itself.
            return !socket.isClosed();
        }
    }

    /**
     * Reads the peer's next message within the socket's timeout, keeps it in {@link #received} and reads its
     * declarations; Pings are not answered.
     */
    SessionMessage receive() throws IOException, ProtocolException {
        byte[] bytes = channel.receive();
        SessionMessage m = decodeOrFail(bytes);
        received.add(m);
        declared(m, bytes);
        return m;
    }

    /**
     * The peer's next message as it arrived, within the socket's timeout: not decoded, not kept in {@link #received}, its
     * Pings not answered. For checks that judge the bytes themselves, or that the peer sends anything at all.
     */
    byte[] receiveRaw() throws IOException, ProtocolException {
        return channel.receive();
    }

    /** Sets how long each read waits for the peer before it fails with a {@link SocketTimeoutException}. */
    void setReadTimeout(int millis) throws IOException {
        socket.setSoTimeout(millis);
    }

    /**
     * Whether the suite closed the socket itself, as its watchdog does at {@code PEER_CONNECTION_LIMIT}: a stream that
     * ended then was not closed by the peer.
     */
    boolean closedBySuite() {
        return socket.isClosed();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
