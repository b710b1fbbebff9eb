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
 * <p>Run as {@code java -cp ... dev.hyphae.tools.SeededPeer DATA KEY_FILE SUITE_KEY PREFIX DEFECT}: it trusts
 * {@code SUITE_KEY} with write on the documents whose names start with {@code PREFIX}, prints {@code listening on
 * HOST:PORT}, and serves until its standard input closes.
 */
final class SeededPeer {

    private final Replica replica;
    private final HyphaeHandshake.Credentials credentials;
    private final AccessPolicy policy;
    private final Defect defect;
    private final SecureRandom random = new SecureRandom();

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
        AccessPolicy policy = new AccessPolicy().grant(suite, args[3] + "*", AccessPolicy.Right.WRITE);
        HyphaeHandshake.Credentials credentials = new HyphaeHandshake.Credentials(key, null, TrustStore.of(List.of(suite), List.of()),
                System::currentTimeMillis);
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
            var handshake = new HyphaeHandshake.Responder(credentials, List.of(ProtocolVersion.V1_0),
                    Set.of(Capabilities.DURABLE_ACKS, Capabilities.DEFLATE), random);
            FramedChannel.sendHandshakeMessage(out, handshake.onOffer(FramedChannel.receiveHandshakeMessage(in)));
            out.flush();
            if (handshake.failure() != null) {
                return;
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
                while (!session.ended() && !socket.isClosed()) {
                    byte[] bytes = channel.receive();
                    connection.receivedAny = true;
                    bytes = connection.incoming(bytes);
                    if (bytes != null) {
                        session.receive(bytes, System.currentTimeMillis());
                    }
                    if (in.available() == 0) {
                        session.flush();
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

    /** The wire of one session, where the defect is applied. */
    private final class Connection implements Session.Outbox {
        private final Socket socket;
        private final FramedChannel channel;
        Session session;
        volatile boolean receivedAny;
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

        Connection(Socket socket, FramedChannel channel) {
            this.socket = socket;
            this.channel = channel;
        }

        /** A message received: what the session gets of it, or null when the defect takes it away. */
        byte[] incoming(byte[] bytes) throws IOException, ProtocolException {
            SessionMessage m;
            try {
                m = SessionCodec.decode(bytes);
            } catch (ProtocolException e) {
                return refusedDifferently(bytes, e) ? null : bytes;
            }
            switch (defect) {
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

        /** The peer's channel number of this side's channel {@code local}, or null. */
        private Long remoteOf(long local) {
            for (Map.Entry<Long, Long> e : localByRemote.entrySet()) {
                if (e.getValue() == local) {
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
            switch (defect) {
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
            write(message);
        }

        private void write(SessionMessage message) {
            try {
                synchronized (channel) {
                    channel.send(SessionCodec.encode(message));
                }
            } catch (IOException | ProtocolException | RuntimeException e) {
                end();
            }
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
