package dev.hyphae.peer;

import dev.hyphae.ProtocolException;
import dev.hyphae.framing.FramedChannel;
import dev.hyphae.handshake.Capabilities;
import dev.hyphae.handshake.HyphaeHandshake;
import dev.hyphae.handshake.Negotiation;
import dev.hyphae.handshake.ProtocolVersion;
import dev.hyphae.session.SessionCodec;
import dev.hyphae.session.SessionMessage;
import dev.hyphae.session.Session;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.security.SecureRandom;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * One TCP connection to a neighbour: the handshake, the framed channel, and a {@link Session} over it. A reader
 * thread feeds the session what arrives and flushes it (syncing storage, then acknowledging) whenever no more
 * input is waiting; a writer thread sends what the session puts in its outbox, so that the session never blocks
 * on a slow neighbour while it holds its replica.
 */
final class Link implements Connection {

    /** The capability durable-acks (registry id 1): this peer acknowledges only what is on stable storage. */
    public static final int DURABLE_ACKS = Capabilities.DURABLE_ACKS;

    private static final byte[] END = new byte[0];

    private final Socket socket;
    private final Peer peer;
    /** Past this many bytes waiting to be sent, the session holds its deltas back (backpressure). */
    static final long CONGESTED_BYTES = 16L * 1024 * 1024;
    /** Below this, a congested session is told to send again. */
    static final long RELIEVED_BYTES = 4L * 1024 * 1024;
    /**
     * Most bytes waiting to be sent. With backpressure only control messages can pass the congestion mark; a peer
     * that makes them pile up this high without reading is dropped.
     */
    static final long MAX_QUEUED_BYTES = 256L * 1024 * 1024;
    /** After the session ends, how long the writer may take to send what is queued before the socket is closed. */
    static final long CLOSE_GRACE_MILLIS = 5_000;

    private final LinkedBlockingQueue<byte[]> outgoing = new LinkedBlockingQueue<>();
    private final java.util.concurrent.atomic.AtomicLong queuedBytes = new java.util.concurrent.atomic.AtomicLong();
    private volatile java.util.concurrent.ScheduledFuture<?> ticker;
    private volatile boolean congested;
    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile Session session;
    private volatile String failure;

    private Link(Socket socket, Peer peer) {
        this.socket = socket;
        this.peer = peer;
    }

    /** Runs the handshake as initiator on {@code socket}, then the session on its own threads. */
    static Link initiate(Socket socket, Peer peer, Collection<String> documents) throws IOException, ProtocolException {
        Link link = new Link(socket, peer);
        link.handshakeAndRun(true, documents, () -> { }, () -> true);
        return link;
    }

    /**
     * Runs the handshake as responder on {@code socket}, then the session on its own threads. {@code offered} runs
     * once the initiator's first handshake message has been accepted (admission counts that as progress). {@code admitted} is
     * asked as soon as the handshake has completed, before the session touches any document: it is the commit point
     * of admission, and if it says no (the connection was dropped to admit a newcomer), no session starts.
     */
    static Link respond(Socket socket, Peer peer, Runnable offered, BooleanSupplier admitted) throws IOException, ProtocolException {
        Link link = new Link(socket, peer);
        link.handshakeAndRun(false, List.of(), offered, admitted);
        return link;
    }

    /**
     * @param offered  runs once the initiator's first handshake message has been accepted (the responder only)
     * @param admitted asked once the handshake completed: whether the connection may go on to its session
     */
    private void handshakeAndRun(boolean initiator, Collection<String> documents, Runnable offered, BooleanSupplier admitted)
            throws IOException, ProtocolException {
        long deadline = peer.handshakeDeadlineMillis();
        socket.setTcpNoDelay(true);
        socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, deadline));
        // HY-SEC-008: the bound covers the whole handshake, so that a peer trickling bytes cannot extend it.
        java.util.concurrent.ScheduledFuture<?> watchdog = peer.timer().schedule(() -> {
            try {
                socket.close();
            } catch (IOException ignored) {
                // Closed already.
            }
        }, deadline, TimeUnit.MILLISECONDS);
        InputStream in = new BufferedInputStream(socket.getInputStream(), 1 << 16);
        OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 1 << 16);
        HyphaeHandshake.Result result;
        SecureRandom random = peer.random();
        try {
            if (initiator) {
                var handshake = new HyphaeHandshake.Initiator(peer.credentials(),
                        new Negotiation.Offer(List.of(ProtocolVersion.V1_0), new TreeSet<>(capabilities())), random);
                FramedChannel.sendHandshakeMessage(out, handshake.start());
                out.flush();
                byte[] third = handshake.onSelection(FramedChannel.receiveHandshakeMessage(in));
                FramedChannel.sendHandshakeMessage(out, third);
                out.flush();
                result = handshake.result();
            } else {
                var handshake = new HyphaeHandshake.Responder(peer.credentials(), List.of(ProtocolVersion.V1_0), capabilities(), random);
                byte[] second = handshake.onOffer(FramedChannel.receiveHandshakeMessage(in));
                FramedChannel.sendHandshakeMessage(out, second);
                out.flush();
                if (handshake.failure() != null) {
                    throw handshake.failure();
                }
                offered.run();   // a first message that the handshake accepted: progress, for admission
                handshake.onConfirmation(FramedChannel.receiveHandshakeMessage(in));
                result = handshake.result();
            }
        } catch (IOException | ProtocolException | RuntimeException e) {
            socket.close();
            throw e;
        } finally {
            watchdog.cancel(false);
        }
        if (socket.isClosed()) {
            throw new IOException("the handshake took longer than " + deadline + " ms");
        }
        if (!admitted.getAsBoolean()) {
            socket.close();
            throw new IOException("the connection was dropped, as the stalest handshake, to admit a newcomer");
        }
        socket.setSoTimeout(0);
        FramedChannel channel = new FramedChannel(in, out, result.sender(), result.receiver(), result.sendFrameSize(), result.receiveFrameSize());
        try {
            // HY-COMP-001: compression is in force when the responder selected it.
            Session.Options options = peer.options().withDeflate(result.capabilities().contains(Capabilities.DEFLATE));
            session = peer.replica().newSession(result.identity(), peer.policy(), options, new Session.Outbox() {
                @Override
                public void send(SessionMessage message) {
                    byte[] bytes = SessionCodec.encode(message);
                    if (queuedBytes.addAndGet(bytes.length) > MAX_QUEUED_BYTES) {
                        failure = "the peer does not read what is sent to it";
                        closeSocket();
                        return;
                    }
                    outgoing.add(bytes);
                }

                @Override
                public boolean congested() {
                    if (queuedBytes.get() > CONGESTED_BYTES) {
                        congested = true;
                    }
                    return congested;
                }

                @Override
                public void end() {
                    outgoing.add(END);
                    // If the writer is stuck on a peer that does not read, the socket goes anyway.
                    peer.timer().schedule(Link.this::closeSocket, CLOSE_GRACE_MILLIS, TimeUnit.MILLISECONDS);
                }
            });
        } catch (IllegalStateException closed) {
            // The peer closed while this handshake ran.
            socket.close();
            throw new IOException("the peer is closed", closed);
        }
        // Keepalive and idle timeout once a second, on the timer: a writer blocked on a full socket cannot stop them.
        ticker = peer.timer().scheduleAtFixedRate(() -> session.tick(peer.now()), 1, 1, TimeUnit.SECONDS);
        Thread writer = new Thread(() -> write(channel, out), "hyphae-link-writer");
        Thread reader = new Thread(() -> read(channel, in), "hyphae-link-reader");
        writer.setDaemon(true);
        reader.setDaemon(true);
        writer.start();
        try {
            session.start(peer.now(), documents);
        } catch (IOException | RuntimeException e) {
            session.abandon();
            outgoing.add(END);
            closeSocket();
            throw e;
        }
        reader.start();
    }

    /** What this peer offers as initiator and knows as responder: deflate only if its configuration allows it (HY-COMP-016). */
    private Set<Integer> capabilities() {
        return peer.deflate() ? Set.of(DURABLE_ACKS, Capabilities.DEFLATE) : Set.of(DURABLE_ACKS);
    }

    private void read(FramedChannel channel, InputStream in) {
        try {
            while (!session.ended()) {
                byte[] message = channel.receive();
                session.receive(message, peer.now());
                // Group commit: sync and acknowledge once per burst, when nothing more is waiting.
                if (in.available() == 0) {
                    session.flush();
                }
            }
        } catch (ProtocolException e) {
            // The framed channel failed (a frame that does not authenticate, or too large): no plaintext is used.
            failure = e.code() + ": " + e.getMessage();
            session.abandon();
            outgoing.add(END);
        } catch (IOException | RuntimeException e) {
            // Also what the reader sees when this side closed the connection (then the session has ended already).
            if (!session.ended()) {
                failure = "connection lost: " + e.getMessage();
            }
            session.abandon();
            outgoing.add(END);
        }
    }

    private void write(FramedChannel channel, OutputStream out) {
        try {
            while (true) {
                byte[] message = outgoing.take();
                if (message == END) {
                    break;
                }
                long left = queuedBytes.addAndGet(-message.length);
                channel.send(message);
                if (congested && left < RELIEVED_BYTES) {
                    congested = false;
                    out.flush();
                    session.resume();
                }
                if (outgoing.isEmpty()) {
                    out.flush();
                }
            }
            out.flush();
        } catch (IOException | ProtocolException | InterruptedException | IllegalStateException e) {
            // IllegalStateException: the reader failed the channel (a bad frame), which erased its keys.
            if (failure == null) {
                failure = "connection lost: " + e.getMessage();
            }
            if (session != null) {
                session.abandon();
            }
        } finally {
            closeSocket();
            if (ticker != null) {
                ticker.cancel(false);
            }
            channel.close();
            finished.countDown();
        }
    }

    private void closeSocket() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // Closing is all that is left to do.
        }
    }

    @Override
    public State state() {
        Session current = session;   // null while the handshake runs
        if (!ended() && (current == null || !current.ended())) {   // a session that ended is not open while its frames drain
            return State.OPEN;
        }
        return failure == null ? State.CLOSED : State.FAILED;
    }

    @Override
    public String failure() {
        return failure;
    }

    @Override
    public boolean awaitEnd(long millis) throws InterruptedException {
        return finished.await(millis, TimeUnit.MILLISECONDS);
    }

    /** Whether the link has ended: its writer has finished and the socket is closed. */
    boolean ended() {
        return finished.getCount() == 0;
    }

    @Override
    public List<String> events() {
        return session.events();
    }

    @Override
    public boolean idle() {
        for (String document : peer.documents()) {
            if (!session.idle(document)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public long lastReceivedMillis() {
        return session.lastReceived();
    }

    @Override
    public long acknowledged(String document) {
        return peer.replica().acknowledged(document, session.remoteReplica());
    }

    /** Closes the connection at once, whatever is still queued. */
    void forceClose() {
        closeSocket();
        if (session != null) {
            session.abandon();
        }
        outgoing.add(END);
    }

    @Override
    public void close() {
        if (session != null) {
            session.close("closing");
        } else {
            try {
                socket.close();
            } catch (IOException ignored) {
                // Nothing else to release.
            }
        }
    }

}
