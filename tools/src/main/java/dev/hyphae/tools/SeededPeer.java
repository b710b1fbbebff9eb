package dev.hyphae.tools;

import dev.hyphae.ErrorCode;
import dev.hyphae.ProtocolException;
import dev.hyphae.cli.PeerCommand;
import dev.hyphae.codec.Codec;
import dev.hyphae.crdt.ORMap;
import dev.hyphae.data.Limits;
import dev.hyphae.data.ReplicaId;
import dev.hyphae.framing.FramedChannel;
import dev.hyphae.handshake.AccessPolicy;
import dev.hyphae.handshake.Capabilities;
import dev.hyphae.handshake.HyphaeHandshake;
import dev.hyphae.handshake.ProtocolVersion;
import dev.hyphae.handshake.TrustStore;
import dev.hyphae.noise.KeyPair;
import dev.hyphae.session.Session;
import dev.hyphae.session.SessionCodec;
import dev.hyphae.session.SessionLimits;
import dev.hyphae.session.SessionMessage;
import dev.hyphae.sync.Replica;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The reference peer with one seeded peer defect ({@code PEER_...} of {@link Defect}), for the conformance suite's
 * Peer profile to catch: the reference {@link Session} over the reference {@link Replica}, on one plain thread per
 * connection, with the defect applied to the session messages as they cross the wire, in either direction, or to the
 * session's clock. None of this is how the reference peer runs ({@code hyphae peer serve}); it exists only to show that
 * each check fails a peer that takes the other reading of the decision it pins.
 *
 * <p>Run as {@code java -cp ... dev.hyphae.tools.SeededPeer DATA KEY_FILE SUITE_KEY PREFIX DEFECT READER_KEY}: it trusts
 * {@code SUITE_KEY} with write on the documents whose names start with {@code PREFIX}, and {@code READER_KEY} with read
 * on those whose names start with {@code PREFIX} and {@code reader-} (HY-CONF-049),
 * prints {@code listening on HOST:PORT}, and serves until its standard input closes.
 *
 * <p>It is longer than most classes because it is the whole catalogue of peer defects in one place: each is a few
 * lines in {@link Connection#incoming} or {@link Connection#send}, beside the others that touch the same messages, so
 * that a reader sees at once what each defect changes on the wire.
 */
final class SeededPeer {

    /** The first channel number of the Opens past the half (PEER_OPENS_PAST_HALF): far above any that the session chooses. */
    private static final long PAST_HALF_CHANNELS = 0x8000_0000L;
    /** How long every acknowledgement waits (PEER_ACK_DELAY_IGNORES_WINDOW): 40 times ACK_DELAY, whatever the window. */
    private static final long ACK_TIMER_MILLIS = 1_000;

    private final Replica replica;
    private final HyphaeHandshake.Credentials credentials;
    private final AccessPolicy policy;
    private final Defect defect;
    private final SecureRandom random = new SecureRandom();
    /**
     * The last payload received for each document that held a value of a Private Use CRDT type, as received, whichever
     * connection carried it (PEER_FORWARDS_PRIVATE_USE).
     */
    private final Map<String, byte[]> privateUsePayloads = new java.util.concurrent.ConcurrentHashMap<>();

    private SeededPeer(Replica replica, HyphaeHandshake.Credentials credentials, AccessPolicy policy, Defect defect) {
        this.replica = replica;
        this.credentials = credentials;
        this.policy = policy;
        this.defect = defect;
    }

    public static void main(String[] args) throws Exception {
        Path data = Path.of(args[0]);
        KeyPair key = PeerCommand.readKey(Path.of(args[1]));
        byte[] suite = HexFormat.of().parseHex(args[2]);
        Defect defect = Defect.of(args[4]);
        if (!defect.name().startsWith("PEER_")) {
            throw new IllegalArgumentException("not a peer defect: " + args[4]);
        }
        byte[] reader = HexFormat.of().parseHex(args[5]);
        AccessPolicy policy = new AccessPolicy().grant(suite, args[3] + "*", AccessPolicy.Right.WRITE)
                .grant(reader, args[3] + "reader-*", AccessPolicy.Right.READ);   // HY-CONF-049: PeerTarget.READER_PREFIX
        HyphaeHandshake.Credentials credentials = new HyphaeHandshake.Credentials(key, null, TrustStore.of(List.of(suite, reader),
                List.of()), System::currentTimeMillis);
        SeededPeer peer = new SeededPeer(Replica.open(data, new SecureRandom()), credentials, policy, defect);
        ServerSocket server = new ServerSocket(0, 64, InetAddress.getLoopbackAddress());
        System.out.println("listening on 127.0.0.1:" + server.getLocalPort());
        System.out.flush();
        Thread acceptor = new Thread(() -> {
            while (true) {
                try {
                    Socket socket = server.accept();
                    Thread t = new Thread(() -> peer.serve(socket), "seeded-peer-connection");
                    t.setDaemon(true);
                    t.start();
                } catch (IOException e) {
                    return;
                }
            }
        }, "seeded-peer-accept");
        acceptor.setDaemon(true);
        acceptor.start();
        while (System.in.read() != -1) {
            // Serves until the standard input closes.
        }
        server.close();
    }

    /** One connection: the handshake as responder, then the session, with the defect in between. */
    private void serve(Socket socket) {
        try (socket) {
            socket.setTcpNoDelay(true);
            InputStream in = new BufferedInputStream(socket.getInputStream(), 1 << 16);
            OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 1 << 16);
            byte[] first = FramedChannel.receiveHandshakeMessage(in);
            if (defect == Defect.PEER_REFUSES_CAPABILITY_PARAMETERS && durableAcksWithParameters(first)) {
                return;   // as a reader that takes parameters it does not expect for a malformed offer, and hangs up
            }
            // As a peer that supports only the form of durable-acks it knows, and declines one with parameters.
            boolean declines = defect == Defect.PEER_DECLINES_CAPABILITY_WITH_PARAMETERS && durableAcksWithParameters(first);
            var handshake = new HyphaeHandshake.Responder(credentials, List.of(ProtocolVersion.V1_0),
                    declines ? Set.of(Capabilities.DEFLATE) : Set.of(Capabilities.DURABLE_ACKS, Capabilities.DEFLATE), random);
            FramedChannel.sendHandshakeMessage(out, handshake.onOffer(first));
            out.flush();
            if (handshake.failure() != null) {
                return;
            }
            if (defect == Defect.PEER_FRAME_BEFORE_CONFIRMATION) {
                // What a responder that starts its session on sending message 2 sends: a frame, here of 32 bytes that no
                // key seals, since the keys of the channel exist only once message 3 is processed.
                byte[] frame = new byte[32];
                random.nextBytes(frame);
                out.write(0);
                out.write(frame.length);
                out.write(frame);
                out.flush();
            }
            handshake.onConfirmation(FramedChannel.receiveHandshakeMessage(in));
            HyphaeHandshake.Result result = handshake.result();
            FramedChannel channel = new FramedChannel(in, out, result.sender(), result.receiver(), result.sendFrameSize(),
                    result.receiveFrameSize());
            Connection connection = new Connection(socket, channel);
            Session.Options options = Session.Options.DEFAULT.withDeflate(result.capabilities().contains(Capabilities.DEFLATE));
            Session session = replica.newSession(result.identity(), policy, options, connection);
            connection.session = session;
            java.util.concurrent.ScheduledExecutorService ticker = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
            try {
                Runnable tick = () -> {
                    // PEER_KEEPALIVE_FROM_FIRST_MESSAGE: the timers run only once something has been received.
                    if (defect != Defect.PEER_KEEPALIVE_FROM_FIRST_MESSAGE || connection.receivedAny) {
                        session.tick(System.currentTimeMillis());
                    }
                };
                ticker.scheduleAtFixedRate(tick, 1, 1, java.util.concurrent.TimeUnit.SECONDS);
                session.start(System.currentTimeMillis(), List.of());
                if (defect == Defect.PEER_OPENS_PAST_HALF) {
                    connection.openPastHalf(result.identity());
                }
                while (!session.ended() && !socket.isClosed()) {
                    byte[] bytes = channel.receive();
                    connection.receivedAny = true;
                    bytes = connection.incoming(bytes);
                    connection.receivedDelta |= bytes != null && isDelta(bytes);
                    if (bytes != null) {
                        session.receive(bytes, System.currentTimeMillis());
                    }
                    if (in.available() == 0) {
                        if (defect == Defect.PEER_ACK_DELAY_IGNORES_WINDOW) {
                            // The flush, and so every acknowledgement, waits for a timer started by the first delta
                            // that it covers, however much of the window is unacknowledged.
                            if (connection.receivedDelta && connection.flushDue.compareAndSet(false, true)) {
                                ticker.schedule(() -> {
                                    connection.flushDue.set(false);
                                    session.flush();
                                }, ACK_TIMER_MILLIS, java.util.concurrent.TimeUnit.MILLISECONDS);
                            }
                            connection.receivedDelta = false;
                        } else {
                            session.flush();
                        }
                    }
                }
            } finally {
                ticker.shutdownNow();
                session.abandon();
            }
        } catch (IOException | ProtocolException | RuntimeException e) {
            // The connection ends; the suite judges what was sent before.
        }
    }

    /** Whether the session message {@code bytes} is a Delta (PEER_ACK_DELAY_IGNORES_WINDOW). */
    private static boolean isDelta(byte[] bytes) {
        try {
            return SessionCodec.decode(bytes) instanceof SessionMessage.Delta;
        } catch (ProtocolException e) {
            return false;
        }
    }

    /**
     * Whether message 1, {@code first}, offers {@code durable-acks} with parameters: its payload follows the initiator's
     * ephemeral key in the clear (Noise's first message of XX carries no key yet).
     */
    private static boolean durableAcksWithParameters(byte[] first) {
        try {
            ByteBuffer payload = ByteBuffer.wrap(first, 32, first.length - 32).slice().order(ByteOrder.LITTLE_ENDIAN);
            hyphae.v1.Offer offer = hyphae.v1.HandshakePayload.getRootAsHandshakePayload(payload).offer();
            for (int i = 0; offer != null && i < offer.capabilitiesLength(); i++) {
                if (offer.capabilities(i).id() == Capabilities.DURABLE_ACKS && offer.capabilities(i).parametersLength() > 0) {
                    return true;
                }
            }
        } catch (RuntimeException unreadable) {
            // Not an offer this defect reads.
        }
        return false;
    }

    /** The wire of one session, where the defect is applied. */
    private final class Connection implements Session.Outbox {
        private final Socket socket;
        private final FramedChannel channel;
        Session session;
        volatile boolean receivedAny;
        /** Whether a Delta arrived since the last burst ended, and whether a flush waits on its timer (PEER_ACK_DELAY_IGNORES_WINDOW). */
        boolean receivedDelta;
        final java.util.concurrent.atomic.AtomicBoolean flushDue = new java.util.concurrent.atomic.AtomicBoolean();
        /** This side's channel number of each document that a peer's Open was answered on, by the peer's number. */
        private final Map<Long, Long> localByRemote = new HashMap<>();
        /** The payload of the last delta received on each of this side's channels (PEER_ECHOES_WRITES). */
        private final Map<Long, byte[]> lastReceived = new HashMap<>();
        private final Set<Long> echoed = new HashSet<>();
        /** The deltas refused for their payload, as channel and seq (PEER_NO_ACK_AFTER_REFUSAL). */
        private final Set<List<Long>> refused = new HashSet<>();
        /** This side's channels that the peer closed (PEER_DROPS_DECLARATIONS_ON_CLOSED_CHANNEL). */
        private final Set<Long> closedByPeer = new HashSet<>();
        private int refusedOpens;
        /**
         * This side's channel of each number that a defect gave it on the wire instead (PEER_REUSES_CLOSED_CHANNEL,
         * PEER_REOPEN_REUSES_CHANNEL); the numbers freed by the peer's Close, and the document each named.
         */
        private final Map<Long, Long> localByWire = new HashMap<>();
        private final java.util.ArrayDeque<Long> freed = new java.util.ArrayDeque<>();
        private final Map<Long, String> documentByWire = new HashMap<>();
        private final Map<String, Long> closedByDocument = new HashMap<>();
        /** The document of each of the peer's Opens, by the peer's channel. */
        private final Map<Long, String> documentByRemote = new HashMap<>();
        /** The document of each of this side's Opens that answers none, by this side's channel. */
        private final Map<Long, String> documentByLocal = new HashMap<>();
        /** This side's channels whose Open the peer refused (PEER_REFUSAL_LEAVES_CHANNEL_UNKNOWN). */
        private final Set<Long> refusedOwn = new HashSet<>();
        /** The deltas received on each of this side's channels that the peer closed, and the window this side announced. */
        private final Map<Long, Integer> ignored = new HashMap<>();
        private int window = Integer.MAX_VALUE;
        /** The to_seq of the last Delta received on each of this side's channels (PEER_DROPS_REPEATED_TO_SEQ). */
        private final Map<Long, Long> lastToSeq = new HashMap<>();
        /** The peer's channels whose Open granted this side read only (PEER_DELTAS_AFTER_MODE_READ). */
        private final Set<Long> grantedReadOnly = new HashSet<>();
        /**
         * The documents whose Open, by a reader, this side answered with a Close (HY-SESS-060), with the reader's channel
         * (PEER_ANSWERS_ITS_CLOSED_OPEN, PEER_NEVER_OPENS_AFTER_CLOSE).
         */
        private final Map<String, Long> closedForReader = new HashMap<>();
        /** The documents that either side opened on the session (PEER_REFUSES_DOCUMENT_PAST_LIMIT, PEER_OPENS_PAST_HALF). */
        private final Set<String> onSession = new HashSet<>();
        /** The channels of the Opens past this side's half (PEER_OPENS_PAST_HALF), numbered from {@link #PAST_HALF_CHANNELS}. */
        private final Set<Long> pastHalf = new HashSet<>();

        Connection(Socket socket, FramedChannel channel) {
            this.socket = socket;
            this.channel = channel;
        }

        /**
         * PEER_OPENS_PAST_HALF: after the session's own Opens, which stop at half of MAX_DOCUMENTS (HY-SESS-155), an Open of
         * each other document that the peer holds and the suite may read, as far as MAX_DOCUMENTS in all. They go on
         * channels of their own, which the session does not know: what the suite says on them is taken away
         * ({@link #incoming}), so that the session carries on.
         */
        void openPastHalf(dev.hyphae.handshake.TrustStore.Identity suite) {
            for (String document : new java.util.TreeSet<>(replica.documents())) {
                AccessPolicy.Right grant = policy.right(suite, document);
                if (onSession.size() >= SessionLimits.MAX_DOCUMENTS) {
                    return;
                }
                if (grant == AccessPolicy.Right.NONE || onSession.contains(document)) {
                    continue;
                }
                long channel = PAST_HALF_CHANNELS + pastHalf.size();
                pastHalf.add(channel);
                send(new SessionMessage.Open(channel, document, AccessPolicy.Right.WRITE, grant, replica.replicaId(), null, null, 0,
                        Session.Options.DEFAULT.window()));
            }
        }

        /** A message received: what the session gets of it, or null when the defect takes it away. */
        byte[] incoming(byte[] bytes) throws IOException, ProtocolException {
            SessionMessage m;
            try {
                m = SessionCodec.decode(bytes);
            } catch (ProtocolException e) {
                return refusedDifferently(bytes, e) ? null : bytes;
            }
            if (!pastHalf.isEmpty() && (m instanceof SessionMessage.Open o && pastHalf.contains(o.answers())
                    || pastHalf.contains(SessionMessage.channelNamed(m)))) {
                return null;   // PEER_OPENS_PAST_HALF: about a channel that the session does not know
            }
            if (m instanceof SessionMessage.Open o && o.answers() == 0 && o.document() != null) {
                documentByRemote.put(o.channel(), o.document());
            }
            if (!localByWire.isEmpty()) {
                long wire = SessionMessage.channelNamed(m);
                if (m instanceof SessionMessage.Close c && wire != 0) {
                    freed.add(wire);
                    closedByDocument.put(documentByWire.get(wire), wire);
                }
                Long local = localByWire.get(wire);
                if (wire != 0 && local != null) {
                    return SessionCodec.encode(withChannel(m, local));
                }
            }
            switch (defect) {
                case PEER_CLOSE_CODE_ENDS_SESSION -> {
                    if (m instanceof SessionMessage.Close c && c.channel() != 0 && c.code() != ErrorCode.NO_ERROR.value()
                            && ErrorCode.of(c.code()) != null && ErrorCode.of(c.code()).scope() == ErrorCode.Scope.SESSION) {
                        // Read by the registry's scope, as an error of session scope: the session ends, unanswered.
                        session.abandon();
                        socket.close();
                        return null;
                    }
                }
                case PEER_REFUSES_DOCUMENT_PAST_LIMIT -> {
                    if (m instanceof SessionMessage.Open o && o.answers() == 0 && o.document() != null
                            && !onSession.contains(o.document())) {
                        if (onSession.size() >= SessionLimits.MAX_DOCUMENTS) {
                            // The one document past the limit is refused, and the session carries on.
                            send(new SessionMessage.SessionError(o.channel(), 0, ErrorCode.LIMIT_EXCEEDED.value(), "too many documents"));
                            return null;
                        }
                        onSession.add(o.document());
                    }
                }
                case PEER_REFUSAL_LEAVES_CHANNEL_UNKNOWN -> {
                    if (m instanceof SessionMessage.SessionError e && e.seq() == 0 && e.code() == ErrorCode.ACCESS_DENIED.value()) {
                        refusedOwn.add(e.channel());
                    } else if (SessionMessage.channelNamed(m) != 0 && refusedOwn.contains(SessionMessage.channelNamed(m))
                            && !(m instanceof SessionMessage.SessionError)
                            && !(m instanceof SessionMessage.Close)) {
                        endWith(ErrorCode.PROTOCOL_VIOLATION, "a message on a channel whose Open was not received");
                        return null;
                    }
                }
                case PEER_COUNTS_IGNORED_DELTAS -> {
                    if (m instanceof SessionMessage.Close c && c.channel() != 0) {
                        ignored.put(c.channel(), 0);
                    }
                    if (m instanceof SessionMessage.Delta d && ignored.containsKey(d.channel())
                            && ignored.merge(d.channel(), 1, Integer::sum) > window) {
                        endWith(ErrorCode.LIMIT_EXCEEDED, "more deltas than the window");
                        return null;
                    }
                }
                case PEER_DROPS_REPEATED_TO_SEQ -> {
                    if (m instanceof SessionMessage.Delta d) {
                        Long last = lastToSeq.get(d.channel());
                        if (last != null && !dev.hyphae.data.Seq.after(d.toSeq(), last)) {
                            return null;   // taken for a copy of the delta before it, which the session has had
                        }
                        lastToSeq.put(d.channel(), d.toSeq());
                    }
                }
                case PEER_IGNORES_DOCUMENT_CLOSE -> {
                    if (m instanceof SessionMessage.Close c && c.channel() != 0) {
                        return null;
                    }
                }
                case PEER_DELTAS_AFTER_MODE_READ -> {
                    if (m instanceof SessionMessage.Open o && o.granted() == AccessPolicy.Right.READ) {
                        grantedReadOnly.add(o.channel());
                        return SessionCodec.encode(new SessionMessage.Open(o.channel(), o.document(), o.mode(), AccessPolicy.Right.WRITE,
                                o.replica(), o.summary(), o.heldReplica(), o.heldSeq(), o.window(), o.answers()));
                    }
                }
                case PEER_ANSWERS_UNKNOWN_CODE -> {
                    if (m instanceof SessionMessage.SessionError e && ErrorCode.of(e.code()) == null) {
                        endWith(ErrorCode.PROTOCOL_VIOLATION, "unknown error code " + e.code());
                        return null;
                    }
                }
                case PEER_UNKNOWN_CODE_ENDS_SESSION -> {
                    if (m instanceof SessionMessage.SessionError e && ErrorCode.of(e.code()) == null && e.channel() != 0) {
                        return SessionCodec.encode(new SessionMessage.SessionError(0, 0, e.code(), e.detail()));
                    }
                }
                case PEER_DROPS_UNKNOWN_ENTRIES -> {
                    if (m instanceof SessionMessage.Delta d && !d.compact() && d.compression() == 0 && d.replicas().isEmpty() && d.keys().isEmpty()) {
                        byte[] kept = withoutUnknownEntries(d.payload());
                        if (kept != null) {
                            return SessionCodec.encode(d.withPayload(kept, 0));
                        }
                    }
                }
                case PEER_FORWARDS_PRIVATE_USE -> {
                    if (m instanceof SessionMessage.Delta d && !d.compact() && d.compression() == 0 && d.replicas().isEmpty()
                            && d.keys().isEmpty() && holdsPrivateUseEntry(d.payload())) {
                        Long remote = remoteOf(d.channel());
                        String document = remote == null ? null : documentByRemote.get(remote);
                        if (document != null) {
                            privateUsePayloads.put(document, d.payload());
                        }
                    }
                }
                case PEER_ERROR_SCOPE_BY_CODE -> {
                    if (m instanceof SessionMessage.SessionError e && e.channel() != 0) {
                        ErrorCode code = ErrorCode.of(e.code());
                        if (code != null && code.scope() == ErrorCode.Scope.SESSION) {
                            return SessionCodec.encode(new SessionMessage.SessionError(0, 0, e.code(), e.detail()));
                        }
                    }
                }
                case PEER_DROPS_DECLARATIONS_ON_CLOSED_CHANNEL -> {
                    if (m instanceof SessionMessage.Close c && c.channel() != 0) {
                        closedByPeer.add(c.channel());
                    }
                    if (m instanceof SessionMessage.Delta d && closedByPeer.contains(d.channel())) {
                        return null;
                    }
                }
                case PEER_ECHOES_WRITES -> {
                    if (m instanceof SessionMessage.Delta d && !d.compact() && d.replicas().isEmpty() && d.compression() == 0) {
                        lastReceived.put(d.channel(), d.payload());
                    }
                }
                case PEER_CONTEXT_ONLY_CHANGES_NOTHING -> {
                    if (m instanceof SessionMessage.Delta d && !d.compact() && d.compression() == 0 && hasNoEntries(d.payload())) {
                        // Taken as no change: acknowledged, neither joined nor logged, so it never travels on.
                        Long remote = remoteOf(d.channel());
                        if (remote != null) {
                            send(new SessionMessage.Ack(remote, d.toSeq()));
                        }
                        return null;
                    }
                }
                default -> { }
            }
            return bytes;
        }

        /** {@code m}, naming {@code channel} instead. */
        private static SessionMessage withChannel(SessionMessage m, long channel) {
            if (m instanceof SessionMessage.Delta d) {
                return new SessionMessage.Delta(channel, d.kind(), d.fromSeq(), d.toSeq(), d.payload(), d.replicas(), d.compact(),
                        d.compression(), d.ack(), d.keys());
            }
            if (m instanceof SessionMessage.Ack a) {
                return new SessionMessage.Ack(channel, a.seq());
            }
            if (m instanceof SessionMessage.SessionError e) {
                return new SessionMessage.SessionError(channel, e.seq(), e.code(), e.detail());
            }
            if (m instanceof SessionMessage.Close c) {
                return new SessionMessage.Close(channel, c.code(), c.detail());
            }
            if (m instanceof SessionMessage.Summary x) {
                return new SessionMessage.Summary(channel, x.summary());
            }
            if (m instanceof SessionMessage.SummaryRequest) {
                return new SessionMessage.SummaryRequest(channel);
            }
            return m;
        }

        /** {@code payload} without the entries of its root map of a type that version 1 does not define, or null if it has none. */
        private static byte[] withoutUnknownEntries(byte[] payload) {
            try {
                dev.hyphae.crdt.CausalState<dev.hyphae.crdt.Crdt> state = Codec.decode(payload).state();
                if (state.store() instanceof ORMap map) {
                    java.util.TreeMap<dev.hyphae.crdt.EntryKey, dev.hyphae.crdt.Crdt> known = new java.util.TreeMap<>(map.entries());
                    if (known.keySet().removeIf(k -> dev.hyphae.crdt.CrdtType.of(k.typeId()) == null)) {
                        return Codec.encode(new dev.hyphae.crdt.CausalState<>(ORMap.of(known), state.context()));
                    }
                }
            } catch (ProtocolException | RuntimeException e) {
                // Not a payload this defect reads: left as it is.
            }
            return null;
        }

        /** Whether {@code payload} holds, at any depth of its maps, an entry of a CRDT type of the Private Use range. */
        private static boolean holdsPrivateUseEntry(byte[] payload) {
            try {
                return Codec.decode(payload).state().store() instanceof ORMap map && holdsPrivateUseEntry(map);
            } catch (ProtocolException | RuntimeException e) {
                return false;
            }
        }

        private static boolean holdsPrivateUseEntry(ORMap map) {
            return map.entries().entrySet().stream().anyMatch(e -> e.getKey().typeId() >= 0x8000
                    || e.getValue() instanceof ORMap nested && holdsPrivateUseEntry(nested));
        }

        /**
         * The peer's channel number of this side's channel {@code local}, or null: from this side's answer to the peer's
         * Open, or, when the two Opens crossed and neither answers the other, from the peer's Open of the same document.
         */
        private Long remoteOf(long local) {
            for (Map.Entry<Long, Long> e : localByRemote.entrySet()) {
                if (e.getValue() == local) {
                    return e.getKey();
                }
            }
            String document = documentByLocal.get(local);
            for (Map.Entry<Long, String> e : documentByRemote.entrySet()) {
                if (e.getValue().equals(document)) {
                    return e.getKey();
                }
            }
            return null;
        }

        private static boolean hasNoEntries(byte[] payload) {
            try {
                return Codec.decode(payload).state().store() instanceof ORMap map && map.entries().isEmpty();
            } catch (ProtocolException | RuntimeException e) {
                return false;
            }
        }

        /**
         * A message that does not decode, refused by the defect with another code than the reference's: true when the
         * defect has ended the session itself.
         */
        private boolean refusedDifferently(byte[] bytes, ProtocolException refusal) throws IOException {
            ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
            try {
                hyphae.v1.SessionMessage root = hyphae.v1.SessionMessage.getRootAsSessionMessage(buffer);
                if (defect == Defect.PEER_TABLE_BEFORE_TYPE && refusal.code() == ErrorCode.UNKNOWN_MESSAGE_TYPE
                        && root.message(new hyphae.v1.Ack()) == null) {
                    endWith(ErrorCode.MALFORMED_MESSAGE, "no message");
                    return true;
                }
                if (defect == Defect.PEER_SUMMARY_LIMIT_BEFORE_BOUNDS && root.messageType() == hyphae.v1.Message.Open) {
                    hyphae.v1.Open open = (hyphae.v1.Open) root.message(new hyphae.v1.Open());
                    if (open.summary() != null && open.summary().countersLength() > Limits.MAX_REPLICAS) {
                        endWith(ErrorCode.LIMIT_EXCEEDED, "a summary of more than MAX_REPLICAS counters");
                        return true;
                    }
                }
            } catch (RuntimeException unreadable) {
                return false;
            }
            return false;
        }

        private void endWith(ErrorCode code, String detail) throws IOException {
            send(new SessionMessage.SessionError(0, 0, code.value(), detail));
            session.abandon();
            socket.close();
        }

        @Override
        public void send(SessionMessage message) {
            if (message instanceof SessionMessage.Close c && c.channel() != 0 && c.code() == ErrorCode.NO_ERROR.value()
                    && documentByRemote.containsKey(c.channel())) {
                closedForReader.put(documentByRemote.get(c.channel()), c.channel());
            }
            if (message instanceof SessionMessage.Open o && o.answers() == 0 && o.document() != null) {
                onSession.add(o.document());
            }
            switch (defect) {
                case PEER_ANSWERS_ITS_CLOSED_OPEN -> {
                    // Once it holds the document, the Open it closed is answered after all, rather than opened anew.
                    if (message instanceof SessionMessage.Open o && o.answers() == 0 && closedForReader.containsKey(o.document())) {
                        message = new SessionMessage.Open(o.channel(), o.document(), o.mode(), o.granted(), o.replica(), o.summary(),
                                o.heldReplica(), o.heldSeq(), o.window(), closedForReader.get(o.document()));
                    }
                }
                case PEER_NEVER_OPENS_AFTER_CLOSE -> {
                    if (message instanceof SessionMessage.Open o && o.answers() == 0 && closedForReader.containsKey(o.document())) {
                        return;
                    }
                }
                case PEER_REUSES_CLOSED_CHANNEL, PEER_REOPEN_REUSES_CHANNEL -> {
                    if (message instanceof SessionMessage.Open o && o.answers() != 0) {
                        String document = o.document() != null ? o.document() : documentByRemote.get(o.answers());
                        Long wire = defect == Defect.PEER_REUSES_CLOSED_CHANNEL ? freed.poll() : closedByDocument.remove(document);
                        if (wire == null) {
                            wire = o.channel();
                        }
                        documentByWire.put(wire, document);
                        localByWire.put(wire, o.channel());
                        message = new SessionMessage.Open(wire, o.document(), o.mode(), o.granted(), o.replica(), o.summary(),
                                o.heldReplica(), o.heldSeq(), o.window(), o.answers());
                    }
                }
                case PEER_FORWARDS_PRIVATE_USE -> {
                    // Where the peer closes a document because it holds such a value, the payload that carried the value
                    // goes instead, as the state of the document's one write.
                    if (message instanceof SessionMessage.Close c && c.channel() != 0 && documentByRemote.containsKey(c.channel())
                            && privateUsePayloads.containsKey(documentByRemote.get(c.channel()))) {
                        message = new SessionMessage.Delta(c.channel(), SessionMessage.Kind.STATE, 0, 1,
                                privateUsePayloads.get(documentByRemote.get(c.channel())));
                    }
                }
                case PEER_ACK_ON_OWN_CHANNEL -> {
                    if (message instanceof SessionMessage.Ack a && localByRemote.containsKey(a.channel())) {
                        message = new SessionMessage.Ack(localByRemote.get(a.channel()), a.seq());
                    }
                }
                case PEER_DELTAS_AFTER_MODE_READ -> {
                    if (message instanceof SessionMessage.Open o && grantedReadOnly.contains(o.answers())) {
                        message = new SessionMessage.Open(o.channel(), o.document(), AccessPolicy.Right.READ, o.granted(), o.replica(),
                                o.summary(), o.heldReplica(), o.heldSeq(), o.window(), o.answers());
                    }
                }
                case PEER_UNDECLARED_REPLICAS -> {
                    if (message instanceof SessionMessage.Delta d && !d.replicas().isEmpty()) {
                        message = new SessionMessage.Delta(d.channel(), d.kind(), d.fromSeq(), d.toSeq(), d.payload(), List.of(), d.compact(),
                                d.compression(), d.ack(), d.keys());
                    }
                }
                case PEER_STATE_TO_SEQ_ZERO, PEER_STATE_TO_SEQ_BEHIND -> {
                    if (message instanceof SessionMessage.Delta d && d.kind() != SessionMessage.Kind.INTERVAL) {
                        long to = defect == Defect.PEER_STATE_TO_SEQ_ZERO ? 0 : d.toSeq() - 1;
                        message = new SessionMessage.Delta(d.channel(), d.kind(), d.fromSeq(), to, d.payload(), d.replicas(), d.compact(),
                                d.compression(), d.ack(), d.keys());
                    }
                }
                case PEER_REPEATS_STATE -> {
                    if (message instanceof SessionMessage.Delta d && d.kind() != SessionMessage.Kind.INTERVAL && d.compression() == 0) {
                        write(message);
                        // The copy declares nothing: the receiver's tables hold what the first declared.
                        message = new SessionMessage.Delta(d.channel(), d.kind(), d.fromSeq(), d.toSeq(), d.payload(), List.of(), d.compact(),
                                d.compression(), d.ack(), List.of());
                    }
                }
                case PEER_EXTENSION_MESSAGE -> {
                    if (message instanceof SessionMessage.Pong) {
                        write(message);
                        writeBytes(extensionMessage());
                        return;
                    }
                }
                case PEER_CLOSE_INSTEAD_OF_ERROR -> {
                    if (message instanceof SessionMessage.SessionError e && e.channel() == 0) {
                        message = new SessionMessage.Close(0, e.code(), e.detail());
                    }
                }
                case PEER_NO_ACK_AFTER_REFUSAL -> {
                    if (message instanceof SessionMessage.SessionError e && e.seq() != 0 && e.code() == ErrorCode.MALFORMED_DELTA.value()) {
                        refused.add(List.of(e.channel(), e.seq()));
                    }
                    if (message instanceof SessionMessage.Ack a && refused.contains(List.of(a.channel(), a.seq()))) {
                        return;
                    }
                }
                case PEER_ANSWER_MODE_WRITE -> {
                    if (message instanceof SessionMessage.Open o && o.answers() != 0) {
                        message = new SessionMessage.Open(o.channel(), o.document(), AccessPolicy.Right.WRITE, o.granted(), o.replica(),
                                o.summary(), o.heldReplica(), o.heldSeq(), o.window(), o.answers());
                    }
                }
                case PEER_HELD_REPLICA_WITHOUT_PREFIX -> {
                    if (message instanceof SessionMessage.Open o && o.heldReplica() == null) {
                        message = new SessionMessage.Open(o.channel(), o.document(), o.mode(), o.granted(), o.replica(), o.summary(),
                                ReplicaId.random(random), 0, o.window(), o.answers());
                    }
                }
                case PEER_REFUSALS_COUNT_TOWARD_LIMIT -> {
                    if (message instanceof SessionMessage.SessionError e && e.seq() == 0 && e.channel() != 0
                            && e.code() == ErrorCode.ACCESS_DENIED.value() && ++refusedOpens > SessionLimits.MAX_DOCUMENTS) {
                        message = new SessionMessage.SessionError(0, 0, ErrorCode.LIMIT_EXCEEDED.value(), "more than MAX_DOCUMENTS documents");
                        write(message);
                        end();
                        return;
                    }
                }
                case PEER_ECHOES_WRITES -> {
                    if (message instanceof SessionMessage.Ack a) {
                        Long local = localByRemote.get(a.channel());
                        byte[] payload = local == null ? null : lastReceived.get(local);
                        if (payload != null && echoed.add(local)) {
                            write(new SessionMessage.Delta(a.channel(), SessionMessage.Kind.STATE, 0, 1, payload));
                        }
                    }
                }
                default -> { }
            }
            if (message instanceof SessionMessage.Open o && o.answers() != 0) {
                localByRemote.put(o.answers(), o.channel());
            }
            if (message instanceof SessionMessage.Open o && o.answers() == 0 && o.document() != null) {
                documentByLocal.put(o.channel(), o.document());
            }
            if (message instanceof SessionMessage.Open o) {
                window = o.window();
            }
            write(message);
        }

        private void write(SessionMessage message) {
            try {
                writeBytes(SessionCodec.encode(message));
            } catch (RuntimeException e) {
                end();
            }
        }

        private void writeBytes(byte[] bytes) {
            try {
                synchronized (channel) {
                    channel.send(bytes);
                }
            } catch (IOException | ProtocolException | RuntimeException e) {
                end();
            }
        }

        /** A SessionMessage of type 200, a vendor's extension that no capability of version 1 defines, without a table. */
        private static byte[] extensionMessage() {
            com.google.flatbuffers.FlatBufferBuilder b = new com.google.flatbuffers.FlatBufferBuilder(64);
            hyphae.v1.SessionMessage.startSessionMessage(b);
            hyphae.v1.SessionMessage.addMessageType(b, (byte) 200);
            b.finish(hyphae.v1.SessionMessage.endSessionMessage(b), SessionCodec.FILE_IDENTIFIER);
            return b.sizedByteArray();
        }

        @Override
        public void end() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // Closed already.
            }
        }
    }
}
