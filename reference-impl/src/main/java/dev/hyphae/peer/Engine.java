package dev.hyphae.peer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The network engine of the reference peer: one selector thread moves bytes for every connection of every peer of
 * the process, and a small pool of workers runs what the bytes mean (handshakes, sessions), one task at a time for
 * each connection.
 *
 * <p><b>Why plain {@code java.nio} and not Netty.</b> Netty is what most JVM protocol servers run on, and its event
 * loops, idle handlers and pipelines would serve here. The reference peer uses {@code java.nio} for two reasons. Its
 * run-time class path is meant to be the reference implementation, Bouncy Castle and flatbuffers-java only, small
 * enough for an edge box; Netty would add some 4 MiB of jars and its own buffer pools and threading rules to what an
 * implementer must read. And the peer needs little of Netty: frames are one 16-bit length prefix, with no codec
 * pipeline to compose; TLS is not used (Noise runs in {@link dev.hyphae.framing.FramedChannel}); the handshake's
 * deadline, keepalive and the close grace are three timers, swept here every {@link #SWEEP_MILLIS}, and the ack delay a
 * fourth, too short for the sweep, on a timer thread of its own. What is left is
 * this class and {@link Link}, which an implementer can read as a second specification of what a peer does with a
 * socket.
 *
 * <p>Why this class is over 400 lines: it is the selector loop whole (accepting, connecting, reading, writing, the
 * sweep of timers, and the chores other threads hand it), which shares one selector and one set of connections and
 * reads best in the order a round runs; what a connection does with its bytes is in {@link Link}.
 *
 * <p><b>Threads.</b> The selector thread accepts, connects, reads, writes and keeps the timers; it never decrypts,
 * decodes, touches a replica or waits on a lock held across storage. What it reads it cuts into length-prefixed
 * records (handshake messages, then frames) and queues on the connection. The workers ({@link #WORKERS} of them)
 * run each connection's tasks in order, never two at once for one connection: the handshake's steps, then
 * decrypting frames and handing messages to the {@link dev.hyphae.session.Session}, then one
 * {@link dev.hyphae.session.Session#flush()} per burst (which syncs storage, so it may block: the reason they are
 * not the selector). What a session sends is queued on its connection as it is, then encoded and encrypted by a task
 * of that connection, and written by the selector thread. So fan-out to many neighbours costs the thread that holds
 * the replica a queue append for each, never an encryption or a wait on a slow socket; and the session and sync
 * state machines stay without threads or clocks: time comes to them as an argument, from the sweep.
 *
 * <p>One engine serves the whole process: peers take it when they first listen or connect and give it back when
 * they close; the last one out stops it. A process that runs many peers (a load benchmark, a test) thus holds one
 * selector thread and one pool, not one per peer.
 */
final class Engine implements Runnable {

    /** How often the selector thread looks at handshake deadlines and close graces. */
    static final long SWEEP_MILLIS = 100;
    /** How often each session is given the time (keepalive, idle timeout, retries of storage). */
    static final long TICK_MILLIS = 1_000;
    /**
     * How many workers run the connections' tasks: enough that a few connections waiting on storage (a sync takes
     * milliseconds) leave others running, few enough to stay small. {@code -Dhyphae.peer.workers=N} sets it.
     */
    static final int WORKERS = Integer.getInteger("hyphae.peer.workers",
            Math.max(4, 2 * Runtime.getRuntime().availableProcessors()));
    /** The most bytes read from one connection in one round, so that a fast sender does not starve the others. */
    private static final int READ_CHUNK = 64 * 1024;
    /**
     * The most connections accepted on one listener in one round: well under the admission budget, so that a burst of
     * newcomers cannot displace a handshake accepted in the same round before its first message has been read.
     */
    private static final int ACCEPTS_PER_ROUND = 4;

    private static Engine shared;
    private static int users;

    private final Selector selector;
    private final Thread thread;
    private final ExecutorService workers;
    /** Delays shorter than the sweep's period; its thread, too, ends when idle. */
    private final ScheduledExecutorService timers;
    /** What other threads ask the selector thread to do. */
    private final ConcurrentLinkedQueue<Runnable> chores = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean woken = new AtomicBoolean();
    /** Every connection registered, for the sweep; the selector thread's alone. */
    private final Set<Link> links = new HashSet<>();
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(READ_CHUNK);
    private final AtomicInteger threadIds = new AtomicInteger();
    private volatile boolean stopping;

    private Engine() throws IOException {
        selector = Selector.open();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(WORKERS, WORKERS, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "hyphae-worker-" + threadIds.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        pool.allowCoreThreadTimeOut(true);   // an idle peer holds no workers
        workers = pool;
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "hyphae-timer");
            t.setDaemon(true);
            return t;
        });
        timer.setKeepAliveTime(30, TimeUnit.SECONDS);
        timer.allowCoreThreadTimeOut(true);   // nor a timer thread
        timers = timer;
        thread = new Thread(this, "hyphae-io");
        thread.setDaemon(true);
        thread.start();
    }

    /** The process's engine, started if no peer holds it; give it back with {@link #release()}. */
    static synchronized Engine acquire() throws IOException {
        if (shared == null) {
            shared = new Engine();
        }
        users++;
        return shared;
    }

    /** Gives the engine back; the last user stops it. */
    void release() {
        synchronized (Engine.class) {
            if (--users > 0 || shared != this) {
                return;
            }
            shared = null;
        }
        stopping = true;
        selector.wakeup();
        if (Thread.currentThread() != thread) {
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        workers.shutdown();
        timers.shutdown();
    }

    /** Runs {@code task} on a worker. */
    void work(Runnable task) {
        try {
            workers.execute(task);
        } catch (java.util.concurrent.RejectedExecutionException stopped) {
            task.run();   // the engine has stopped: the link's last tasks run here, so that it still ends
        }
    }

    /**
     * Hands {@code task} to a worker after {@code millis}: for delays shorter than the sweep's period (the ack
     * delay), which the selector thread's sweep would round up to {@link #SWEEP_MILLIS}. The task must be short.
     */
    void later(long millis, Runnable task) {
        try {
            timers.schedule(() -> work(task), millis, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException stopped) {
            work(task);   // the engine has stopped: run it now, so that nothing waits for it
        }
    }

    /** Runs {@code chore} on the selector thread, soon. */
    void execute(Runnable chore) {
        chores.add(chore);
        if (Thread.currentThread() != thread && woken.compareAndSet(false, true)) {
            selector.wakeup();
        }
    }

    /** Listens on {@code address}, handing each connection accepted to {@code accepted}; returns the listener. */
    ServerSocketChannel listen(InetSocketAddress address, Acceptor accepted) throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open();
        try {
            server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            server.bind(address, 1024);
            server.configureBlocking(false);
        } catch (IOException e) {
            server.close();
            throw e;
        }
        onSelectorThread(() -> server.register(selector, SelectionKey.OP_ACCEPT, accepted));
        return server;
    }

    /** Stops listening on {@code server} and closes it; returns once the port is free. */
    void stopListening(ServerSocketChannel server) {
        try {
            onSelectorThread(() -> {
                SelectionKey key = server.keyFor(selector);
                if (key != null) {
                    key.cancel();
                }
                server.close();
                selector.selectNow();   // deregisters the key, which frees the port
                return null;
            });
        } catch (IOException e) {
            // Closed either way.
        }
    }

    /**
     * Connects {@code link} to {@code address}, from the local address {@code from} if not null: its handshake starts
     * once the connection is made.
     */
    void connect(Link link, InetSocketAddress address, java.net.InetAddress from) {
        execute(() -> {
            SocketChannel channel = null;
            try {
                channel = SocketChannel.open();
                if (from != null) {
                    channel.bind(new InetSocketAddress(from, 0));
                }
                configure(channel);
                boolean connected = channel.connect(address);
                register(link, channel, connected ? SelectionKey.OP_READ : SelectionKey.OP_CONNECT);
                if (connected) {
                    link.connected();
                }
            } catch (IOException e) {
                if (channel != null && link.channel == null) {
                    try {
                        channel.close();
                    } catch (IOException ignored) {
                        // Failed either way.
                    }
                }
                closeNow(link, "connection failed: " + e.getMessage());
            }
        });
    }

    /** Asks the selector thread to write what {@code link} has queued. */
    void wantsToWrite(Link link) {
        execute(() -> write(link));
    }

    /** Asks the selector thread to read {@code link} again, after its queue of records went down. */
    void wantsToRead(Link link) {
        execute(() -> {
            SelectionKey key = link.key;
            if (key != null && key.isValid() && !link.inputEnded) {
                key.interestOps(key.interestOps() | SelectionKey.OP_READ);
            }
        });
    }

    /** Closes {@code link}'s connection at once; {@code failure} says why, or null for an orderly end. */
    void close(Link link, String failure) {
        execute(() -> closeNow(link, failure));
    }

    /** Accepts connections of a listener. */
    interface Acceptor {
        /** A connection was accepted: the link that runs it, or null to close it. */
        Link accepted(SocketChannel channel) throws IOException;
    }

    private interface Chore<T> {
        T run() throws IOException;
    }

    private <T> T onSelectorThread(Chore<T> chore) throws IOException {
        if (Thread.currentThread() == thread) {
            return chore.run();
        }
        CompletableFuture<T> done = new CompletableFuture<>();
        execute(() -> {
            try {
                done.complete(chore.run());
            } catch (IOException | RuntimeException e) {
                done.completeExceptionally(e);
            }
        });
        try {
            return done.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException(e.getCause());
        }
    }

    private static void configure(SocketChannel channel) throws IOException {
        channel.configureBlocking(false);
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
    }

    private void register(Link link, SocketChannel channel, int ops) throws IOException {
        link.channel = channel;
        link.key = channel.register(selector, ops, link);
        links.add(link);
    }

    @Override
    public void run() {
        long nextSweep = System.nanoTime();
        long nextTick = System.nanoTime();
        while (!stopping) {
            try {
                long wait = Math.max(1, TimeUnit.NANOSECONDS.toMillis(nextSweep - System.nanoTime()));
                selector.select(wait);
                woken.set(false);
                for (Runnable chore; (chore = chores.poll()) != null; ) {
                    chore.run();
                }
                // Connections first, listeners last: a handshake's first message is read, and accepted, before the
                // newcomers of this round are admitted and may displace it (HY-SEC-014).
                List<SelectionKey> listeners = new ArrayList<>(1);
                for (SelectionKey key : selector.selectedKeys()) {
                    if (key.attachment() instanceof Acceptor) {
                        listeners.add(key);
                    } else {
                        handle(key);
                    }
                }
                selector.selectedKeys().clear();
                for (SelectionKey key : listeners) {
                    handle(key);
                }
                for (Runnable chore; (chore = chores.poll()) != null; ) {
                    chore.run();   // what handling the keys asked for, such as dropping a handshake for a newcomer
                }
                long now = System.nanoTime();
                if (now - nextSweep >= 0) {
                    boolean tick = now - nextTick >= 0;
                    sweep(now, tick);
                    nextSweep = now + TimeUnit.MILLISECONDS.toNanos(SWEEP_MILLIS);
                    if (tick) {
                        nextTick = now + TimeUnit.MILLISECONDS.toNanos(TICK_MILLIS);
                    }
                }
            } catch (IOException | RuntimeException e) {
                // A failure of one connection is handled where it happens; this keeps the loop alive whatever it is.
            }
        }
        for (Link link : new ArrayList<>(links)) {
            closeNow(link, "the peer's network engine stopped");
        }
        try {
            selector.close();
        } catch (IOException ignored) {
            // Stopping.
        }
    }

    private void handle(SelectionKey key) {
        Object attachment = key.attachment();
        try {
            if (attachment instanceof Acceptor acceptor) {
                accept(key, acceptor);
                return;
            }
            Link link = (Link) attachment;
            if (key.isConnectable()) {
                finishConnect(key, link);
                return;
            }
            if (key.isReadable()) {
                read(key, link);
            }
            if (key.isValid() && key.isWritable()) {
                write(link);
            }
        } catch (CancelledKeyException closed) {
            // Closed while its events were handled.
        }
    }

    private void accept(SelectionKey key, Acceptor acceptor) {
        ServerSocketChannel server = (ServerSocketChannel) key.channel();
        for (int i = 0; i < ACCEPTS_PER_ROUND; i++) {
            SocketChannel channel;
            try {
                channel = server.accept();
            } catch (IOException e) {
                return;   // out of descriptors, say: tried again on the next round
            }
            if (channel == null) {
                return;
            }
            try {
                configure(channel);
                Link link = acceptor.accepted(channel);
                if (link == null) {
                    channel.close();
                } else {
                    register(link, channel, SelectionKey.OP_READ);
                    read(link.key, link);   // the first message has often arrived with the connection
                }
            } catch (IOException e) {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // Refused either way.
                }
            }
        }
    }

    private void finishConnect(SelectionKey key, Link link) {
        try {
            if (link.channel.finishConnect()) {
                key.interestOps(SelectionKey.OP_READ);
                link.connected();
            }
        } catch (IOException e) {
            closeNow(link, "connection failed: " + e.getMessage());
        }
    }

    private void read(SelectionKey key, Link link) {
        readBuffer.clear();
        int n;
        try {
            n = link.channel.read(readBuffer);
        } catch (IOException e) {
            closeNow(link, "connection lost: " + e.getMessage());
            return;
        }
        if (n < 0) {
            // The neighbour sent all it will: what it sent is handled first, then the link ends (Link.inputEnded).
            link.inputEnded = true;
            key.interestOps(key.interestOps() & ~SelectionKey.OP_READ);
            link.endOfInput();
            return;
        }
        readBuffer.flip();
        if (link.received(readBuffer)) {
            // Its records wait for a worker: stop reading until they have been taken. The link is paused already
            // (Link.received decides it under the lock that its drain reads it under); the worker asks again, once
            // per pause, and its request, a chore of this thread, runs after this.
            key.interestOps(key.interestOps() & ~SelectionKey.OP_READ);
        }
    }

    private void write(Link link) {
        SelectionKey key = link.key;
        if (key == null || !key.isValid()) {
            return;
        }
        try {
            // Read before writing: a link requests its end only after it has queued its last message (a
            // SessionError, say), so an end requested before writeTo has everything it wants sent queued. Read
            // after, it could be an end requested while writeTo ran, whose last message writeTo never saw; the
            // socket would then close with that message unsent. A request made meanwhile asks for another write.
            boolean endRequested = link.endRequested;
            boolean drained = link.writeTo(link.channel);
            key.interestOps(drained ? key.interestOps() & ~SelectionKey.OP_WRITE : key.interestOps() | SelectionKey.OP_WRITE);
            if (drained && endRequested) {
                closeNow(link, null);
            }
        } catch (IOException e) {
            closeNow(link, "connection lost: " + e.getMessage());
        }
    }

    private void closeNow(Link link, String failure) {
        if (link.socketClosed) {
            return;
        }
        link.socketClosed = true;
        links.remove(link);
        if (link.key != null) {
            link.key.cancel();
        }
        if (link.channel != null) {
            try {
                link.channel.close();
            } catch (IOException ignored) {
                // Closed either way.
            }
        }
        link.closed(failure);
    }

    private void sweep(long now, boolean tick) {
        List<Link> late = new ArrayList<>();
        for (Link link : links) {
            if (link.overdue(now)) {
                late.add(link);
            } else if (tick) {
                link.tick();
            }
        }
        for (Link link : late) {
            closeNow(link, null);
        }
    }
}
