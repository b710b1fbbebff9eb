package dev.hyphae.peer;

import dev.hyphae.ErrorCode;
import dev.hyphae.ProtocolException;
import dev.hyphae.framing.FramedChannel;
import dev.hyphae.handshake.Capabilities;
import dev.hyphae.handshake.HyphaeHandshake;
import dev.hyphae.handshake.Negotiation;
import dev.hyphae.handshake.ProtocolVersion;
import dev.hyphae.session.Session;
import dev.hyphae.session.SessionCodec;
import dev.hyphae.session.SessionMessage;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One TCP connection to a neighbour, on the {@link Engine}: the handshake, the framed channel, and a {@link Session}
 * over it. The selector thread hands it what it reads ({@link #received}) and writes what it queued
 * ({@link #writeTo}); everything else runs as this link's tasks on the engine's workers, one at a time and in order.
 *
 * <p>The stages: the handshake, whose messages the tasks answer, until it completes, which is the commit point of
 * admission ({@code admitted}: a connection dropped to admit a newcomer before then starts no session); then the
 * session, fed one record (frame) at a time and flushed once per burst, its messages encoded and encrypted by the
 * link's task, outside the session's lock; then the end, when the socket is closed, the session forgotten and the keys
 * erased.
 *
 * <p><b>What one link may hold</b> (the bound per session, beside its {@link Session}'s tables and the compression
 * streams of {@code DeltaCompression}): records read and not yet handled, up to {@link #MAX_INBOUND_BYTES} plus one
 * read of the selector (then it stops reading the connection until they are handled); the record being read, up to
 * one frame ({@code MAX_FRAME_SIZE}); the message being reassembled, up to {@code MAX_MESSAGE_SIZE}; and bytes
 * waiting to be sent: past {@link #CONGESTED_BYTES} the session holds its deltas back, and past
 * {@link #MAX_QUEUED_BYTES} the neighbour, which does not read, is dropped. An idle link holds none of these buffers.
 *
 * <p>Why this class is some 800 lines: it is the whole life of one connection (cutting records for the selector,
 * the handshake's steps and the commit point of admission, feeding and flushing the session, the queue of what is
 * sent with its backpressure, and the end), and all of it shares the link's state and the rule that its tasks run
 * one at a time; split, each part would have to know the others' locks. The sections follow that life in order.
 */
final class Link implements Connection {

    /** The capability durable-acks (registry id 1): this peer acknowledges only what is on stable storage. */
    public static final int DURABLE_ACKS = Capabilities.DURABLE_ACKS;

    /** Past this many bytes waiting to be sent, the session holds its deltas back (backpressure). */
    static final long CONGESTED_BYTES = 16L * 1024 * 1024;
    /** Below this, a congested session is told to send again. */
    static final long RELIEVED_BYTES = 4L * 1024 * 1024;
    /**
     * Most bytes waiting to be sent. With backpressure only control messages can pass the congestion mark; a peer
     * that makes them pile up this high without reading is dropped.
     */
    static final long MAX_QUEUED_BYTES = 256L * 1024 * 1024;
    /** After the session ends, how long what is queued may take to be sent before the socket is closed. */
    static final long CLOSE_GRACE_MILLIS = 5_000;
    /** Past this many bytes of records read and not yet handled, the connection is not read until they are. */
    static final int MAX_INBOUND_BYTES = 256 * 1024;
    /** The most records handled before a flush, so that a neighbour that never pauses is still acknowledged. */
    private static final int RECORDS_PER_FLUSH = 256;

    private enum Stage { HANDSHAKE, SESSION, ENDED }

    private final Peer peer;
    private final Engine engine;
    private final boolean initiator;
    private final Collection<String> documents;
    private final long started = System.nanoTime();

    // The selector thread's: the socket, and the record being read.
    SocketChannel channel;
    SelectionKey key;
    boolean socketClosed;
    volatile boolean inputEnded;
    private int lengthBytes;
    private int length;
    private byte[] record;
    private int recordRead;

    // Records read, waiting for this link's tasks.
    private final ArrayDeque<byte[]> inbound = new ArrayDeque<>();
    /**
     * Whether the selector stopped reading the socket until the records waiting go down. Guarded by the lock of
     * {@link #inbound}: set by {@link #received}, cleared by the {@link #drain} that asks the selector to read again,
     * so that each pause is answered by exactly one request.
     */
    private boolean readPaused;
    private long inboundBytes;
    private final AtomicBoolean draining = new AtomicBoolean();
    /** Whether a flush is due to run after the ack delay ({@link #flushOrDefer}). */
    private final AtomicBoolean flushDeferred = new AtomicBoolean();

    // Bytes to send, and the state of sending.
    private final Object sending = new Object();
    private final ArrayDeque<ByteBuffer> outgoing = new ArrayDeque<>();
    private long queuedBytes;
    private boolean writeRequested;
    private volatile boolean congested;
    volatile boolean endRequested;
    private volatile long endDeadline;
    private final Sink sink = new Sink();
    /**
     * Messages the session has sent and this link has not yet encoded, with an estimate of their bytes: encoding and
     * encryption run as this link's task, outside whatever lock the session holds when it sends. A write fanned out
     * to many sessions thus costs the thread that holds the replica one queue append per session; the encoding and
     * encryption of each copy run on the workers, in parallel.
     */
    private final ArrayDeque<SessionMessage> unencoded = new ArrayDeque<>();
    private long unencodedBytes;
    private boolean endWhenEncoded;
    private final AtomicBoolean encoding = new AtomicBoolean();

    // This link's tasks, run one at a time on the engine's workers.
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicBoolean tickDue = new AtomicBoolean();

    // The tasks' own, but read by other threads for the state.
    private volatile Stage stage = Stage.HANDSHAKE;
    private HyphaeHandshake.Initiator initiatorHandshake;
    private HyphaeHandshake.Responder responderHandshake;
    private FramedChannel framed;
    private volatile Session session;
    private volatile String failure;
    /** The session ended by a Close or a SessionError, of either side: its end is not a failure of the link. */
    private volatile boolean orderlyEnd;
    /** The link is being dropped: nothing more is sent, and a handshake that completes starts no session. */
    private volatile boolean closing;
    private Exception handshakeFailure;
    private boolean countedSession;
    private boolean handshakeDone;
    private final CompletableFuture<Void> established = new CompletableFuture<>();
    private final CountDownLatch finished = new CountDownLatch(1);

    private Link(Peer peer, Engine engine, boolean initiator, Collection<String> documents) {
        this.peer = peer;
        this.engine = engine;
        this.initiator = initiator;
        this.documents = List.copyOf(documents);
    }

    /** A link that connects to a neighbour and runs the handshake as initiator once connected. */
    static Link initiator(Peer peer, Engine engine, Collection<String> documents) {
        return new Link(peer, engine, true, documents);
    }

    /**
     * A link for a connection accepted, which runs the handshake as responder. It tells the peer's admission when the
     * initiator's first message has been accepted ({@link Peer#progressed}: progress), and asks it as soon as the
     * handshake has completed, before the session touches any document ({@link Peer#committed}): the commit point;
     * if it says no (the connection was dropped to admit a newcomer), no session starts.
     */
    static Link responder(Peer peer, Engine engine) {
        return new Link(peer, engine, false, List.of());
    }

    /** Waits until the handshake has completed and the session started: what {@link Peer#connect} returns after. */
    void awaitEstablished() throws IOException, ProtocolException {
        try {
            established.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            engine.close(this, "interrupted");
            throw new IOException("interrupted while connecting", e);
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof ProtocolException p) {
                throw p;
            }
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            throw new IOException(cause);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Called by the selector thread.

    /** The connection is made: the initiator's handshake starts. */
    void connected() {
        submit(this::startHandshake);
    }

    /**
     * Bytes read: cut into records (a 16-bit big-endian length, then as many bytes) and queued for the tasks.
     *
     * @return whether the records waiting have passed {@link #MAX_INBOUND_BYTES}: the link is then paused
     *         ({@code readPaused}), and the selector stops reading until a worker asks again
     */
    boolean received(ByteBuffer bytes) {
        while (bytes.hasRemaining()) {
            if (record == null) {
                length = length << 8 | (bytes.get() & 0xff);
                if (++lengthBytes == 2) {
                    record = new byte[length];
                    recordRead = 0;
                    lengthBytes = 0;
                    length = 0;
                }
            } else {
                int n = Math.min(bytes.remaining(), record.length - recordRead);
                bytes.get(record, recordRead, n);
                recordRead += n;
            }
            if (record != null && recordRead == record.length) {
                if (!initiator && responderHandshake == null && stage == Stage.HANDSHAKE && !running.get() && tasks.isEmpty()) {
                    // A responder's first message is answered here, on the selector thread, not queued for a worker:
                    // it counts as progress for admission only once accepted (HY-SEC-014), and newcomers arriving in a
                    // burst would otherwise displace an honest handshake whose first message waits for a worker. It
                    // costs the selector one handshake step, as it would cost a worker: an attacker buys it with a
                    // valid first message either way. No task of the link runs yet, so the order of its work holds.
                    handshakeStep(record);
                } else {
                    queue(record);
                }
                record = null;
            }
        }
        synchronized (inbound) {
            // Decided and set under the lock that drain reads it under, in one step with the count. Set by the selector
            // after this returned, a worker's drain could empty the queue in between, find the link not paused, and
            // not ask to read again: the socket would then stay unread until the idle timeout. Set here, records past
            // the limit are waiting, so a drain polls after this and sees the pause.
            if (inboundBytes > MAX_INBOUND_BYTES) {
                readPaused = true;
                return true;
            }
            return false;
        }
    }

    private void queue(byte[] next) {
        synchronized (inbound) {
            inbound.add(next);
            inboundBytes += next.length;
        }
        if (draining.compareAndSet(false, true)) {
            submit(this::drain);
        }
    }

    /** The neighbour ended its side of the stream: after the records before it are handled, the link ends. */
    void endOfInput() {
        boolean inside = record != null || lengthBytes > 0;
        submit(() -> {
            drain();
            if (stage == Stage.HANDSHAKE) {
                failHandshake(ProtocolException.sessionError(ErrorCode.HANDSHAKE_FAILED, "the stream ended before a handshake message"));
                return;
            }
            Session s = session;
            if (s != null && !s.ended()) {
                failure = inside || (framed != null && framed.insideMessage())
                        ? ErrorCode.BAD_FRAME + ": the stream ended inside a frame or a message"
                        : "connection lost: the stream ended";
                s.abandon();
            }
            requestEnd();
        });
    }

    /** Writes what is queued, as much as the socket takes; returns whether nothing is left. */
    boolean writeTo(SocketChannel out) throws IOException {
        boolean relieved = false;
        synchronized (sending) {
            while (!outgoing.isEmpty()) {
                ByteBuffer[] batch = outgoing.toArray(new ByteBuffer[Math.min(outgoing.size(), 64)]);
                if (batch.length > 64) {
                    batch = java.util.Arrays.copyOf(batch, 64);
                }
                long written = out.write(batch);
                queuedBytes -= written;
                while (!outgoing.isEmpty() && !outgoing.peek().hasRemaining()) {
                    outgoing.poll();
                }
                if (written == 0) {
                    break;
                }
            }
            if (congested && queuedBytes < RELIEVED_BYTES) {
                congested = false;
                relieved = true;
            }
            writeRequested = !outgoing.isEmpty();
        }
        if (relieved) {
            submit(() -> {
                Session s = session;
                if (s != null) {
                    s.resume();
                }
            });
        }
        return !writeRequested;
    }

    /** Whether the link must be closed now, at {@code now} ({@link System#nanoTime}): a deadline has passed. */
    boolean overdue(long now) {
        if (stage == Stage.HANDSHAKE && now - started > TimeUnit.MILLISECONDS.toNanos(peer.handshakeDeadlineMillis())) {
            // HY-SEC-008: the bound covers the whole handshake, so that a peer trickling bytes cannot extend it.
            noteFailure("the handshake took longer than " + peer.handshakeDeadlineMillis() + " ms");
            return true;
        }
        // After the end of the session: the neighbour did not take what was queued within the grace; closed anyway.
        return endRequested && now - endDeadline > 0;
    }

    /** Records why the link failed, unless it has a reason already or its session ended in order. */
    void noteFailure(String why) {
        if (why != null && failure == null && !orderlyEnd) {
            failure = why;
        }
    }

    /** The session's second: keepalive, idle timeout, retries of storage. */
    void tick() {
        if (stage == Stage.SESSION && tickDue.compareAndSet(false, true)) {
            submit(() -> {
                tickDue.set(false);
                Session s = session;
                if (s != null) {
                    s.tick(peer.now());
                }
            });
        }
    }

    /** The socket is closed: the link ends once its tasks so far have run. */
    void closed(String why) {
        noteFailure(why);
        submit(this::end);
    }

    // ---------------------------------------------------------------------------------------------------------
    // The link's tasks.

    private void submit(Runnable task) {
        tasks.add(task);
        if (running.compareAndSet(false, true)) {
            engine.work(this::runTasks);
        }
    }

    private void runTasks() {
        for (int done = 0; done < 64; done++) {
            Runnable task = tasks.poll();
            if (task == null) {
                running.set(false);
                // A task added after the poll and before the flag went down is picked up here, or by its submitter.
                if (tasks.isEmpty() || !running.compareAndSet(false, true)) {
                    return;
                }
                continue;
            }
            try {
                task.run();
            } catch (RuntimeException e) {
                noteFailure("internal error: " + e);
                engine.close(this, null);
            }
        }
        engine.work(this::runTasks);   // others get a turn
    }

    /** Handles the records read so far, then flushes the session: one sync and one round of acks per burst. */
    private void drain() {
        draining.set(false);
        int handled = 0;
        while (true) {
            byte[] next;
            boolean resume;
            synchronized (inbound) {
                next = inbound.poll();
                if (next != null) {
                    inboundBytes -= next.length;
                }
                resume = readPaused && inboundBytes <= MAX_INBOUND_BYTES / 2;
                if (resume) {
                    readPaused = false;   // one request per pause
                }
            }
            if (resume) {
                engine.wantsToRead(this);
            }
            if (next == null) {
                break;
            }
            handle(next);
            if (++handled % RECORDS_PER_FLUSH == 0) {
                flush();
            }
        }
        flushOrDefer();
    }

    private void flush() {
        Session s = session;
        if (stage == Stage.SESSION && s != null) {
            s.flush();
        }
    }

    /**
     * The flush after a burst, now or a little later. A neighbour that writes one small delta at a time would
     * otherwise cost a sync of storage per delta here, on top of its own: the flush waits up to the session's ack
     * delay (HY-SYNC-023) for more deltas to share its sync, unless the neighbour is about to run out of window
     * (HY-SYNC-081). A flush already waiting covers whatever arrives meanwhile.
     */
    private void flushOrDefer() {
        Session s = session;
        if (stage != Stage.SESSION || s == null) {
            return;
        }
        long delay = s.options().ackDelayMillis();
        if (delay == 0 || s.acknowledgementPressing()) {
            s.flush();
        } else if (flushDeferred.compareAndSet(false, true)) {
            engine.later(delay, () -> submit(() -> {
                flushDeferred.set(false);
                flush();
            }));
        }
    }

    private void handle(byte[] next) {
        switch (stage) {
            case HANDSHAKE -> handshakeStep(next);
            case SESSION -> {
                try {
                    byte[] message = framed.receiveFrame(next);
                    if (message != null) {
                        session.receive(message, peer.now());
                    }
                } catch (ProtocolException e) {
                    // The framed channel failed (a frame that does not authenticate, or too large): no plaintext is used.
                    failure = e.code() + ": " + e.getMessage();
                    session.abandon();
                    engine.close(this, null);
                    stage = Stage.ENDED;
                } catch (IllegalStateException e) {
                    stage = Stage.ENDED;   // the channel was closed under it: the link is ending
                }
            }
            case ENDED -> { }
        }
    }

    private void startHandshake() {
        if (stage != Stage.HANDSHAKE) {
            return;
        }
        try {
            initiatorHandshake = new HyphaeHandshake.Initiator(peer.credentials(),
                    new Negotiation.Offer(List.of(ProtocolVersion.V1_0), new TreeSet<>(capabilities())), peer.random());
            sendHandshake(initiatorHandshake.start());
        } catch (ProtocolException | RuntimeException e) {
            failHandshake(e);
        }
    }

    private void handshakeStep(byte[] message) {
        try {
            HyphaeHandshake.Result result = null;
            if (initiator) {
                if (initiatorHandshake == null) {
                    throw ProtocolException.sessionError(ErrorCode.HANDSHAKE_FAILED, "a message before the handshake started");
                }
                sendHandshake(initiatorHandshake.onSelection(message));
                result = initiatorHandshake.result();
            } else if (responderHandshake == null) {
                responderHandshake = new HyphaeHandshake.Responder(peer.credentials(), List.of(ProtocolVersion.V1_0), capabilities(), peer.random());
                sendHandshake(responderHandshake.onOffer(message));
                if (responderHandshake.failure() != null) {
                    throw responderHandshake.failure();   // sent in message 2; the link ends once it is out
                }
                peer.progressed(this);   // a first message that the handshake accepted: progress, for admission
            } else {
                responderHandshake.onConfirmation(message);
                result = responderHandshake.result();
            }
            if (result != null) {
                establish(result);
            }
        } catch (ProtocolException | RuntimeException e) {
            failHandshake(e);
        }
    }

    private void sendHandshake(byte[] message) {
        synchronized (sending) {
            try {
                FramedChannel.sendHandshakeMessage(sink, message);
            } catch (IOException impossible) {
                throw new java.io.UncheckedIOException(impossible);
            }
        }
    }

    private void failHandshake(Exception e) {
        if (stage != Stage.HANDSHAKE) {
            return;
        }
        stage = Stage.ENDED;
        handshakeFailure = e;
        abortHandshake();
        requestEnd();   // a refusal in message 2 goes out first
        handshakeEnded();
    }

    private void abortHandshake() {
        if (initiatorHandshake != null) {
            initiatorHandshake.abort();
        }
        if (responderHandshake != null) {
            responderHandshake.abort();
        }
    }

    /** The handshake completed: the commit point of admission, then the session. */
    private void establish(HyphaeHandshake.Result result) {
        if ((!initiator && !peer.committed(this)) || closing) {
            stage = Stage.ENDED;
            handshakeFailure = new IOException(failure != null ? failure
                    : "the connection was dropped, as the stalest handshake, to admit a newcomer");
            engine.close(this, null);
            handshakeEnded();
            return;
        }
        handshakeDone = true;
        framed = new FramedChannel(null, sink, result.sender(), result.receiver(), result.sendFrameSize(), result.receiveFrameSize());
        stage = Stage.SESSION;
        if (!peer.takeSessionSlot()) {
            // HY-SEC-016: at its cap, the peer says so and ends the session before any document work.
            send(SessionCodec.encode(new SessionMessage.SessionError(0, 0, ErrorCode.LIMIT_EXCEEDED.value(),
                    "this peer serves at most " + peer.maxSessions() + " sessions")));
            failure = initiator ? "this peer is at its cap of " + peer.maxSessions() + " sessions" : null;
            handshakeFailure = new IOException("this peer is at its cap of " + peer.maxSessions() + " sessions");
            stage = Stage.ENDED;
            requestEnd();
            handshakeEnded();
            return;
        }
        countedSession = true;
        Session s;
        try {
            // HY-COMP-001: compression is in force when the responder selected it.
            Session.Options options = peer.options().withDeflate(result.capabilities().contains(Capabilities.DEFLATE));
            s = peer.replica().newSession(result.identity(), peer.policy(), options, new Outbox());
        } catch (IllegalStateException closed) {
            // The peer closed while this handshake ran.
            handshakeFailure = new IOException("the peer is closed", closed);
            stage = Stage.ENDED;
            engine.close(this, null);
            handshakeEnded();
            return;
        }
        session = s;
        try {
            s.start(peer.now(), documents);
        } catch (IOException | RuntimeException e) {
            s.abandon();
            handshakeFailure = e;
            failure = "the session could not start: " + e.getMessage();
            stage = Stage.ENDED;
            requestEnd();
            handshakeEnded();
            return;
        }
        if (!initiator) {
            peer.sessionStarted(this);
        }
        established.complete(null);
        handshakeEnded();
    }


    /** The responder's handshake work is over, one way or another: for the tests' probe. */
    private void handshakeEnded() {
        if (!initiator && !probedEnd) {
            probedEnd = true;
            peer.handshakeEnded(this);
        }
    }

    private boolean probedEnd;

    /** The last task: the session is forgotten, the keys erased, and whoever waits is told. */
    private void end() {
        Session s = session;
        if (s != null) {
            s.abandon();
        }
        if (stage == Stage.HANDSHAKE) {
            abortHandshake();
            handshakeEnded();
        }
        stage = Stage.ENDED;
        synchronized (sending) {
            if (framed != null) {
                framed.close();
            }
            outgoing.clear();
            queuedBytes = 0;
            unencoded.clear();
            unencodedBytes = 0;
        }
        peer.linkEnded(this, countedSession);
        countedSession = false;
        if (!established.isDone()) {
            Exception why = handshakeFailure != null ? handshakeFailure
                    : new IOException(failure != null ? failure : "the connection closed during the handshake");
            established.completeExceptionally(why);
        }
        finished.countDown();
    }

    // ---------------------------------------------------------------------------------------------------------
    // Sending.

    /**
     * What the session sends: queued as it is, then encoded and encrypted by this link's task ({@link #encodeQueued})
     * and queued for the selector thread, in the order sent.
     */
    private final class Outbox implements Session.Outbox {
        @Override
        public void send(SessionMessage message) {
            synchronized (sending) {
                if (closing) {
                    return;
                }
                long size = estimate(message);
                if (queuedBytes + unencodedBytes + size > MAX_QUEUED_BYTES) {
                    failure = "the peer does not read what is sent to it";
                    closing = true;
                    engine.close(Link.this, null);
                    return;
                }
                unencoded.add(message);
                unencodedBytes += size;
            }
            if (encoding.compareAndSet(false, true)) {
                submit(Link.this::encodeQueued);
            }
        }

        @Override
        public boolean congested() {
            synchronized (sending) {
                if (queuedBytes + unencodedBytes > CONGESTED_BYTES) {
                    congested = true;
                }
                return congested;
            }
        }

        /** The session's news of a document is handled as this link's task, on a worker, not by whoever told it. */
        @Override
        public void schedule(Runnable work) {
            submit(work);
        }

        @Override
        public void end() {
            orderlyEnd = true;
            synchronized (sending) {
                endWhenEncoded = true;
            }
            if (encoding.compareAndSet(false, true)) {
                submit(Link.this::encodeQueued);
            }
        }
    }

    /** About how many bytes {@code message} encodes to: its payload and a little for the rest, for backpressure. */
    private static long estimate(SessionMessage message) {
        if (message instanceof SessionMessage.Delta delta) {
            return 64L + delta.payload().length + 40L * (delta.keys().size() + delta.replicas().size());
        }
        return 64;
    }

    /** Encodes and encrypts what the session sent, in order; then ends the link if the session has ended. */
    private void encodeQueued() {
        encoding.set(false);
        while (true) {
            SessionMessage next;
            synchronized (sending) {
                next = unencoded.poll();
                if (next == null) {
                    break;
                }
                unencodedBytes -= estimate(next);
            }
            send(SessionCodec.encode(next));
        }
        boolean end;
        synchronized (sending) {
            end = endWhenEncoded && unencoded.isEmpty();
        }
        if (end) {
            requestEnd();
        }
    }

    private void send(byte[] message) {
        synchronized (sending) {
            if (closing || framed == null) {
                return;
            }
            if (queuedBytes + message.length > MAX_QUEUED_BYTES) {
                failure = "the peer does not read what is sent to it";
                closing = true;
                engine.close(this, null);
                return;
            }
            try {
                framed.send(message);
            } catch (IOException | ProtocolException | IllegalStateException e) {
                // IllegalStateException: the channel failed (a bad frame), which erased its keys.
                noteFailure("connection lost: " + e.getMessage());
                closing = true;
                engine.close(this, null);
            }
        }
    }

    /** Closes the socket once what is queued has been written, or after the grace. */
    private void requestEnd() {
        if (!endRequested) {
            endDeadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CLOSE_GRACE_MILLIS);
            endRequested = true;
        }
        engine.wantsToWrite(this);
    }

    /** Collects what the framed channel writes for one message, and queues it whole when the channel flushes. */
    private final class Sink extends OutputStream {
        private ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);

        @Override
        public void write(int b) {
            bytes.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            bytes.write(b, off, len);
        }

        @Override
        public void flush() {
            // Called with the lock of sending held.
            if (bytes.size() == 0) {
                return;
            }
            ByteBuffer buffer = ByteBuffer.wrap(bytes.toByteArray());
            if (bytes.size() > 4096) {
                bytes = new ByteArrayOutputStream(256);   // an idle link keeps no large buffer
            } else {
                bytes.reset();
            }
            outgoing.add(buffer);
            queuedBytes += buffer.remaining();
            if (!writeRequested) {
                writeRequested = true;
                engine.wantsToWrite(Link.this);
            }
        }
    }

    /** What this peer offers as initiator and knows as responder: deflate only if its configuration allows it (HY-COMP-016). */
    private Set<Integer> capabilities() {
        return peer.deflate() ? Set.of(DURABLE_ACKS, Capabilities.DEFLATE) : Set.of(DURABLE_ACKS);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Connection.

    /** Whether the session has started: the link is one of the peer's connections. */
    boolean hasSession() {
        return session != null;
    }

    @Override
    public State state() {
        Session current = session;   // null while the handshake runs
        if (!ended() && (current == null || !current.ended()) && !closing) {
            return State.OPEN;   // a session that ended is not open while its frames drain
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

    /** Whether the link has ended: its socket is closed and its session forgotten. */
    boolean ended() {
        return finished.getCount() == 0;
    }

    @Override
    public List<String> events() {
        Session s = session;
        return s == null ? List.of() : s.events();
    }

    @Override
    public boolean idle() {
        Session s = session;
        if (s == null) {
            return false;
        }
        for (String document : peer.documents()) {
            if (!s.idle(document)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean endedInOrder() {
        Session s = session;
        return s != null && failure == null && s.endedInOrder();
    }

    @Override
    public boolean brought() {
        Session s = session;
        return s != null && s.brought();
    }

    @Override
    public long lastReceivedMillis() {
        Session s = session;
        return s == null ? 0 : s.lastReceived();
    }

    @Override
    public long acknowledged(String document) {
        Session s = session;
        return s == null ? 0 : peer.replica().acknowledged(document, s.remoteReplica());
    }

    /** Drops the connection at once, whatever is still queued: to admit a newcomer, or at the deadline of a close. */
    void forceClose() {
        closing = true;
        engine.close(this, null);
    }

    @Override
    public void close() {
        Session s = session;
        if (s != null) {
            s.close("closing");
        } else {
            forceClose();
        }
    }
}
