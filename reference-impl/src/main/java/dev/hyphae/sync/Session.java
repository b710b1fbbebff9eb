package dev.hyphae.sync;

import dev.hyphae.ErrorCode;
import dev.hyphae.ProtocolException;
import dev.hyphae.codec.Codec;
import dev.hyphae.crdt.CausalState;
import dev.hyphae.crdt.ORMap;
import dev.hyphae.data.ReplicaId;
import dev.hyphae.data.Seq;
import dev.hyphae.handshake.AccessPolicy;
import dev.hyphae.handshake.TrustStore;
import dev.hyphae.handshake.AccessPolicy.Right;
import dev.hyphae.session.SessionCodec;
import dev.hyphae.session.SessionLimits;
import dev.hyphae.session.SessionMessage;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * One session with one neighbour, as a state machine without threads or clocks of its own (specification,
 * chapters "Session" and "Sync"): the caller hands it each message received, the time, and a
 * moment to flush; it hands the caller the messages to send through its {@link Outbox}. The same class runs
 * over TCP in the reference peer and over the simulated network of the tests.
 *
 * <p>Errors have three scopes. A delta that cannot be applied (malformed, or a write without the right) is
 * refused with an Error naming it, and nothing else changes. A document that cannot be opened is refused with an
 * Error naming its channel. Anything that breaks the session's rules ends the session with an Error of channel 0.
 * In every case the other sessions and documents carry on.
 */
public final class Session {

    /** Where a session's messages go. */
    public interface Outbox {
        /** Sends one message, in order. */
        void send(SessionMessage message);

        /** Ends the session's transport, after the messages sent so far. Called once. */
        void end();

        /**
         * Whether the transport has enough waiting to be sent: deltas are held back until it calls
         * {@link Session#resume()}. Control messages (acknowledgements, errors, pongs) are always sent.
         */
        default boolean congested() {
            return false;
        }
    }

    /**
     * How this side runs the session.
     *
     * @param window            how many unacknowledged deltas this side accepts per document
     * @param maxEntries        how many log entries one interval delta joins at most
     * @param keepaliveMillis   a Ping is sent after this long without sending anything
     * @param idleTimeoutMillis the session ends after this long without receiving anything
     * @param maxDocuments      how many documents may be open on the session
     */
    public record Options(int window, int maxEntries, long keepaliveMillis, long idleTimeoutMillis, int maxDocuments) {
        /** The defaults of the specification. */
        public static final Options DEFAULT = new Options(32, 256, SessionLimits.KEEPALIVE_INTERVAL.toMillis(),
                SessionLimits.IDLE_INTERVAL.toMillis(), SessionLimits.MAX_DOCUMENTS);

        public Options {
            if (window < 1 || window > SessionLimits.MAX_WINDOW || maxEntries < 1 || keepaliveMillis < 1
                    || idleTimeoutMillis <= keepaliveMillis || maxDocuments < 1) {
                throw new IllegalArgumentException("bad session options");
            }
        }
    }

    /** The state of one document on this session. */
    private static final class Channel {
        final String document;
        final long local;                       // the number chosen by this side: the peer writes it
        boolean openSent;
        SessionMessage.Open remote;             // the peer's Open, once received
        Right grant = Right.NONE;             // what this side grants the peer
        boolean closed;
        long sent;                              // the last entry of this side's log sent on this channel
        long echoes;                            // entries after sent up to here all came from the peer
        boolean needsDifference;
        final ArrayDeque<Long> inFlight = new ArrayDeque<>();
        long ackDue;                            // the peer's log position to acknowledge at the next flush
        int unacknowledged;                     // deltas received and not yet acknowledged

        Channel(String document, long local) {
            this.document = document;
            this.local = local;
        }
    }

    private final Replica replica;
    private final TrustStore.Identity remoteIdentity;
    private final AccessPolicy policy;
    private final Options options;
    private final Outbox outbox;
    private final Map<String, Channel> byDocument = new TreeMap<>();
    private final Map<Long, Channel> byLocal = new HashMap<>();
    private final Set<Long> closedChannels = new HashSet<>();
    private final List<String> events = new ArrayList<>();
    private ReplicaId remoteReplica;
    private long nextChannel = 1;
    private long lastReceived = Long.MIN_VALUE;
    private long lastSent = Long.MIN_VALUE;
    private long pingNonce;
    private boolean sentSinceTick;
    private boolean ended;

    Session(Replica replica, TrustStore.Identity remoteIdentity, AccessPolicy policy, Options options, Outbox outbox) {
        this.replica = replica;
        this.remoteIdentity = remoteIdentity;
        this.policy = policy;
        this.options = options;
        this.outbox = outbox;
    }

    /**
     * Starts the session at time {@code now}: opens every document this replica holds that the peer may read,
     * and the documents in {@code also}.
     */
    public void start(long now, Collection<String> also) throws IOException {
        synchronized (replica) {
            lastReceived = now;
            lastSent = now;
            Set<String> names = new java.util.TreeSet<>(also);
            for (String name : replica.documents()) {
                if (grantFor(name) != Right.NONE) {
                    names.add(name);
                }
            }
            for (String name : names) {
                open(name);
            }
        }
    }

    /** Opens {@code document} on the session, unless it is open already. */
    public void open(String document) throws IOException {
        synchronized (replica) {
            if (ended || byDocument.containsKey(document)) {
                return;
            }
            if (byDocument.size() >= options.maxDocuments()) {
                event("not opening \"" + document + "\": the session has " + options.maxDocuments() + " documents open");
                return;
            }
            Channel channel = newChannel(document);
            sendOpen(channel);
        }
    }

    /** Whether the session has ended. */
    public boolean ended() {
        synchronized (replica) {
            return ended;
        }
    }

    /** What happened on the session that the application may want to know: refusals, in order. */
    public List<String> events() {
        synchronized (replica) {
            return List.copyOf(events);
        }
    }

    /** When this session last received a message, in the time of the calls that delivered it. */
    public long lastReceived() {
        synchronized (replica) {
            return lastReceived;
        }
    }

    /** The peer's replica id, once its first Open has arrived. */
    public ReplicaId remoteReplica() {
        synchronized (replica) {
            return remoteReplica;
        }
    }

    /** How much of this replica's log of {@code document} the peer has acknowledged on this or earlier sessions. */
    public long acknowledged(String document) {
        synchronized (replica) {
            if (remoteReplica == null || !replica.holds(document)) {
                return 0;
            }
            try {
                return replica.document(document).acknowledgedBy(remoteReplica);
            } catch (IOException e) {
                return 0;
            }
        }
    }

    /** The transport has room again: every document sends what it held back. */
    public void resume() {
        synchronized (replica) {
            if (ended) {
                return;
            }
            for (Channel c : List.copyOf(byDocument.values())) {
                try {
                    pump(c);
                } catch (IOException e) {
                    closeChannel(c, ErrorCode.INTERNAL_ERROR, "the document's storage failed");
                }
            }
        }
    }

    /**
     * Whether this session has nothing left to do for {@code document}: it is open both ways with nothing in
     * flight, to send or to acknowledge; or it was refused or closed; or it is not open here at all, which happens
     * only when the peer may not read it or it has nothing to send yet (any change opens it).
     */
    public boolean idle(String document) {
        synchronized (replica) {
            Channel c = byDocument.get(document);
            if (c == null || c.closed) {
                return true;
            }
            if (c.remote == null) {
                return false;
            }
            return c.inFlight.isEmpty() && !c.needsDifference && !hasMore(c) && c.ackDue == 0;
        }
    }

    private boolean hasMore(Channel c) {
        try {
            return sends(c) && Long.compareUnsigned(c.sent, replica.document(c.document).durableSeq()) < 0;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Handles one message from the peer, received at {@code now}. Everything this side must send in reply goes
     * to the outbox, except acknowledgements, which wait for {@link #flush()}.
     */
    public void receive(SessionMessage message, long now) {
        synchronized (replica) {
            if (ended) {
                return;
            }
            lastReceived = now;
            try {
                handle(message);
            } catch (ProtocolException e) {
                fail(e.code(), e.getMessage());
            } catch (IOException e) {
                fail(ErrorCode.INTERNAL_ERROR, "storage: " + e.getMessage());
            }
        }
    }

    /** Handles the bytes of one message: a message that does not decode ends the session with its code. */
    public void receive(byte[] message, long now) {
        synchronized (replica) {
            if (ended) {
                return;
            }
            SessionMessage decoded;
            try {
                decoded = SessionCodec.decode(message);
            } catch (ProtocolException e) {
                lastReceived = now;
                fail(e.code(), e.getMessage());
                return;
            }
            receive(decoded, now);
        }
    }

    /**
     * Makes everything received durable, then acknowledges it. Acknowledging only after the sync is what makes an
     * acknowledgement a promise (durable acks); calling this once after a burst of messages syncs once for all.
     */
    public void flush() {
        synchronized (replica) {
            if (ended) {
                return;
            }
            List<String> durable = new ArrayList<>();
            for (Channel c : byDocument.values()) {
                if (c.ackDue != 0 && !c.closed) {
                    try {
                        if (replica.document(c.document).sync()) {
                            durable.add(c.document);
                        }
                    } catch (IOException e) {
                        // Nothing of it is acknowledged; that document closes, the others carry on.
                        c.ackDue = 0;
                        closeChannel(c, ErrorCode.INTERNAL_ERROR, "the document's storage failed");
                    }
                }
            }
            for (Channel c : byDocument.values()) {
                if (c.ackDue != 0 && !c.closed) {
                    send(new SessionMessage.Ack(c.remote.channel(), c.ackDue));
                    c.ackDue = 0;
                }
                c.unacknowledged = 0;
            }
            // Entries that just became durable may now travel on, to every neighbour (HY-SYNC-005).
            for (String document : durable) {
                replica.durable(document);
            }
        }
    }

    /** Keepalive and idle timeout at time {@code now}. */
    public void tick(long now) {
        synchronized (replica) {
            if (ended) {
                return;
            }
            if (now - lastReceived >= options.idleTimeoutMillis()) {
                fail(ErrorCode.IDLE_TIMEOUT, "nothing received for " + (now - lastReceived) + " ms");
                return;
            }
            // The session has no clock: a send since the last tick counts as a send at this tick.
            if (sentSinceTick) {
                lastSent = now;
            } else if (now - lastSent >= options.keepaliveMillis()) {
                send(new SessionMessage.Ping(++pingNonce));
                lastSent = now;
            }
            sentSinceTick = false;
        }
    }

    /** Ends the session in an orderly way: a Close, then the end of the transport. */
    public void close(String detail) {
        synchronized (replica) {
            if (!ended) {
                send(new SessionMessage.Close(0, ErrorCode.NO_ERROR.value(), detail));
                end();
            }
        }
    }

    /** Forgets the session without sending anything: its transport is gone. */
    public void abandon() {
        synchronized (replica) {
            if (!ended) {
                ended = true;
                replica.removeSession(this);
                syncReceived();
            }
        }
    }

    /**
     * Makes durable what this session received, without acknowledging it: a session can end between a delta and
     * its flush, and what it received must then still travel on to the other neighbours.
     */
    private void syncReceived() {
        for (Channel c : byDocument.values()) {
            if (c.ackDue != 0 && replica.holds(c.document)) {
                try {
                    if (replica.document(c.document).sync()) {
                        replica.durable(c.document);
                    }
                } catch (IOException e) {
                    event("storage: " + e.getMessage());
                }
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    private void handle(SessionMessage message) throws ProtocolException, IOException {
        if (message instanceof SessionMessage.Open open) {
            onOpen(open);
        } else if (message instanceof SessionMessage.Delta delta) {
            onDelta(delta);
        } else if (message instanceof SessionMessage.Ack ack) {
            onAck(ack);
        } else if (message instanceof SessionMessage.SessionError error) {
            onError(error);
        } else if (message instanceof SessionMessage.Ping ping) {
            send(new SessionMessage.Pong(ping.nonce()));
        } else if (message instanceof SessionMessage.Close close) {
            onClose(close);
        }
        // A Pong needs nothing more: receiving it has moved lastReceived.
    }

    private void onOpen(SessionMessage.Open open) throws ProtocolException, IOException {
        if (open.replica().equals(replica.id())) {
            throw violation("the peer's Open names this replica's own id");
        }
        if (remoteReplica != null && !remoteReplica.equals(open.replica())) {
            throw violation("the peer's Opens name two replica ids, %s and %s", remoteReplica, open.replica());
        }
        Channel c = byDocument.get(open.document());
        if (c != null && c.closed) {
            // Refused or closed before: the document may be opened again, under new channel numbers. Messages on
            // the old channel are still ignored (it stays in byLocal, closed).
            byDocument.remove(open.document());
            c = null;
        }
        if (c != null && c.remote != null) {
            throw violation("document \"%s\" is opened twice", open.document());
        }
        Right grant = grantFor(open.document());
        if (grant == Right.NONE) {
            // The peer learns nothing of the document, not even whether this replica holds it.
            send(new SessionMessage.SessionError(open.channel(), 0, ErrorCode.ACCESS_DENIED.value(), "no access to this document"));
            if (c != null) {
                c.closed = true;
            }
            event("refused to open \"" + open.document() + "\": the peer has no right on it");
            return;
        }
        if (remoteReplica == null) {
            // HY-SESS-059: a replica id belongs to the static key that first used it, so that one peer cannot move
            // this replica's positions in another peer's log. Bound only once the peer has shown a right.
            if (!replica.claimReplicaId(remoteIdentity.staticKey(), open.replica())) {
                throw violation("replica id %s belongs to another peer", open.replica());
            }
            remoteReplica = open.replica();
        }
        if (c == null && grant != Right.WRITE && !replica.holds(open.document())) {
            // HY-SESS-060: a peer that may only read gets nothing from a document this replica does not hold, and
            // must not make it create one (readers could fill its disk). The document is closed on the session
            // until this replica has content, when it opens the document itself.
            send(new SessionMessage.Close(open.channel(), ErrorCode.NO_ERROR.value(), "this peer does not hold the document"));
            return;
        }
        DocumentReplica d;
        try {
            d = replica.document(open.document());
            if (d.failed()) {
                throw new IOException("its storage failed");
            }
        } catch (IOException e) {
            // One document that storage cannot serve closes that document only, never the session.
            send(new SessionMessage.Close(open.channel(), ErrorCode.INTERNAL_ERROR.value(), "the document is not available"));
            if (c != null) {
                c.closed = true;
            }
            event("could not open \"" + open.document() + "\": " + e.getMessage());
            return;
        }
        if (c == null) {
            if (byDocument.size() >= options.maxDocuments()) {
                throw ProtocolException.sessionError(ErrorCode.LIMIT_EXCEEDED, "more than %d documents open", options.maxDocuments());
            }
            c = newChannel(open.document());
        }
        c.remote = open;
        c.grant = grant;
        if (!c.openSent) {
            sendOpen(c);
        }
        if (sends(c)) {
            // Only a neighbour this side sends to holds back garbage collection: it is the one that acknowledges.
            d.know(remoteReplica);
        }
        // Where to resume: the peer says how much of this replica's log it holds. If that is a prefix the log
        // still has, send what follows; otherwise the difference from its summary.
        if (replica.id().equals(open.heldReplica()) && Long.compareUnsigned(open.heldSeq(), d.seq()) <= 0
                && Long.compareUnsigned(open.heldSeq(), d.logStart()) >= 0) {
            c.sent = open.heldSeq();
            d.acknowledged(remoteReplica, open.heldSeq());
        } else {
            c.sent = 0;
            c.needsDifference = !d.state().isEmptyDelta();
        }
        pump(c);
    }

    /** Closes one document on this session, with the reason; the session and its other documents carry on. */
    private void closeChannel(Channel c, ErrorCode code, String detail) {
        if (!c.closed) {
            c.closed = true;
            if (c.remote != null) {
                send(new SessionMessage.Close(c.remote.channel(), code.value(), detail));
            }
            event("closed \"" + c.document + "\": " + detail);
        }
    }

    private void onDelta(SessionMessage.Delta delta) throws ProtocolException, IOException {
        Channel c = channelOf(delta.channel());
        if (c == null) {
            return;
        }
        if (++c.unacknowledged > options.window()) {
            throw ProtocolException.sessionError(ErrorCode.LIMIT_EXCEEDED, "more than %d unacknowledged deltas on \"%s\"",
                    options.window(), c.document);
        }
        DocumentReplica d = replica.document(c.document);
        long held = d.held(remoteReplica);
        boolean inOrder = delta.kind() != SessionMessage.Kind.INTERVAL || Long.compareUnsigned(delta.fromSeq(), held) <= 0;
        if (!c.grant.includes(Right.WRITE) || c.remote.mode() != Right.WRITE) {
            // Not consumed (HY-SYNC-025): a peer without the right must not move this replica's positions.
            refuse(c, d, delta, false, ErrorCode.ACCESS_DENIED, "no right to write this document");
            return;
        }
        if (!inOrder) {
            throw violation("an interval from entry %s, but this side holds the peer's log only up to %s",
                    Long.toUnsignedString(delta.fromSeq()), Long.toUnsignedString(held));
        }
        CausalState<ORMap> state;
        try {
            state = DocumentReplica.asMap(Codec.decode(delta.payload()).state());
        } catch (ProtocolException e) {
            refuse(c, d, delta, true, e.code(), e.getMessage());
            return;
        }
        try {
            d.receive(state, delta.payload(), remoteReplica, delta.toSeq());
        } catch (IOException e) {
            closeChannel(c, ErrorCode.INTERNAL_ERROR, "the document's storage failed");
            return;
        }
        c.ackDue = Seq.max(c.ackDue, d.held(remoteReplica));
    }

    /**
     * Refuses one delta: nothing in the state changes. A refused delta that is in order is consumed all the same
     * (HY-SYNC-025): the position moves past it, so the sender's next interval follows on, and nobody sends it again.
     */
    private void refuse(Channel c, DocumentReplica d, SessionMessage.Delta delta, boolean inOrder, ErrorCode code, String detail)
            throws IOException {
        c.unacknowledged--;
        send(new SessionMessage.SessionError(c.remote.channel(), delta.toSeq(), code.value(), detail));
        event("refused a delta on \"" + c.document + "\" (" + code + "): " + detail);
        if (inOrder) {
            d.consume(remoteReplica, delta.toSeq());
            c.ackDue = Seq.max(c.ackDue, d.held(remoteReplica));
        }
    }

    private void onAck(SessionMessage.Ack ack) throws ProtocolException, IOException {
        Channel c = channelOf(ack.channel());
        if (c == null) {
            return;
        }
        DocumentReplica d = replica.document(c.document);
        if (Long.compareUnsigned(ack.seq(), d.seq()) > 0) {
            throw violation("an Ack of entry %s, beyond the last entry of the log, %s", Long.toUnsignedString(ack.seq()),
                    Long.toUnsignedString(d.seq()));
        }
        // An Ack beyond what this session sent is no fault: the entries reached the peer another way (another
        // neighbour, or a second session with this one), and need not be sent here.
        if (Long.compareUnsigned(ack.seq(), c.sent) > 0) {
            c.sent = ack.seq();
        }
        while (!c.inFlight.isEmpty() && Long.compareUnsigned(c.inFlight.peekFirst(), ack.seq()) <= 0) {
            c.inFlight.pollFirst();
        }
        d.acknowledged(remoteReplica, ack.seq());
        pump(c);
    }

    private void onError(SessionMessage.SessionError error) throws IOException {
        if (error.channel() == 0) {
            event("the peer ended the session: " + codeName(error.code()) + " " + error.detail());
            end();
            return;
        }
        Channel c = byLocal.get(error.channel());
        if (c == null || c.closed) {
            return;
        }
        if (error.seq() == 0) {
            c.closed = true;
            event("the peer refused \"" + c.document + "\": " + codeName(error.code()) + " " + error.detail());
            return;
        }
        // A refused delta counts as answered: it is not sent again on this session.
        c.inFlight.remove(error.seq());
        event("the peer refused a delta of \"" + c.document + "\": " + codeName(error.code()) + " " + error.detail());
        pump(c);
    }

    private void onClose(SessionMessage.Close close) {
        if (close.channel() == 0) {
            event("the peer closed the session: " + codeName(close.code()) + " " + close.detail());
            end();
            return;
        }
        Channel c = byLocal.get(close.channel());
        if (c != null) {
            c.closed = true;
        }
    }

    /** The channel a message names, or null if it names one this side closed; a violation if it names none. */
    private Channel channelOf(long local) throws ProtocolException {
        Channel c = byLocal.get(local);
        if (c == null) {
            throw violation("channel %d was never opened", local);
        }
        if (c.closed) {
            return null;
        }
        if (c.remote == null) {
            throw violation("a message on channel %d before the peer's Open", local);
        }
        return c;
    }

    // ---------------------------------------------------------------------------------------------------------

    /**
     * Sends what the document has that the peer lacks, within the window; called after every change. A document
     * that is not open on this session yet is opened, if the peer may read it.
     */
    void pump(String document) {
        synchronized (replica) {
            if (ended) {
                return;
            }
            Channel c = byDocument.get(document);
            try {
                if (c == null) {
                    if (grantFor(document) != Right.NONE) {
                        open(document);
                    }
                } else {
                    pump(c);
                }
            } catch (IOException e) {
                fail(ErrorCode.INTERNAL_ERROR, "storage: " + e.getMessage());
            }
        }
    }

    private boolean sends(Channel c) {
        // This side shares the document only if it grants the peer read, and sends deltas only if the peer
        // accepts them: it granted this side write.
        return c.remote != null && !c.closed && c.grant.includes(Right.READ) && c.remote.granted() == Right.WRITE;
    }

    private void pump(Channel c) throws IOException {
        if (!sends(c)) {
            return;
        }
        DocumentReplica d = replica.document(c.document);
        if (d.failed()) {
            // Whether its latest writes reached the disk is known only after a restart: send nothing of it.
            closeChannel(c, ErrorCode.INTERNAL_ERROR, "the document's storage failed");
            return;
        }
        while (c.inFlight.size() < c.remote.window() && !outbox.congested()) {
            if (c.needsDifference) {
                if (d.durableSeq() == 0) {
                    return;   // nothing durable to cover yet: the flush that stores it pumps again
                }
                CausalState<ORMap> state = d.state();
                CausalState<ORMap> difference = c.remote.summary().isEmpty() ? null : Difference.of(state, c.remote.summary());
                byte[] full;
                try {
                    full = Codec.encode(state);
                } catch (IllegalArgumentException tooLarge) {
                    // This revision cannot send a state beyond MAX_PAYLOAD_SIZE in parts: close the document on this
                    // session, and only it, with the reason.
                    c.closed = true;
                    send(new SessionMessage.Close(c.remote.channel(), ErrorCode.LIMIT_EXCEEDED.value(),
                            "the document's state is larger than a payload may be"));
                    event("closed \"" + c.document + "\": its state is larger than a payload may be");
                    return;
                }
                byte[] payload = full;
                SessionMessage.Kind kind = SessionMessage.Kind.STATE;
                if (difference != null) {
                    try {
                        byte[] encoded = Codec.encode(difference);
                        if (encoded.length < full.length) {
                            payload = encoded;
                            kind = SessionMessage.Kind.DIFFERENCE;
                        }
                    } catch (IllegalArgumentException tooLarge) {
                        // Its cloud made the difference larger than a payload may be: the state it is.
                    }
                }
                c.needsDifference = false;
                c.sent = d.durableSeq();
                c.inFlight.addLast(c.sent);
                send(new SessionMessage.Delta(c.remote.channel(), kind, 0, c.sent, payload));
                continue;
            }
            if (!hasNews(c, d)) {
                // Only entries that came from the peer: no content for it, but its position in this log must move
                // on, or this log could never drop them. One such position-only interval at a time is enough.
                if (Long.compareUnsigned(c.sent, d.durableSeq()) >= 0 || !c.inFlight.isEmpty()) {
                    return;
                }
            }
            DocumentReplica.Interval interval;
            try {
                interval = d.interval(c.sent, remoteReplica, options.maxEntries());
            } catch (IllegalArgumentException tooLarge) {
                interval = null;   // one entry beyond a payload cannot be: fall back to the state, which closes if too large
            }
            if (interval == null) {
                c.needsDifference = true;
                continue;
            }
            c.sent = interval.to();
            c.inFlight.addLast(interval.to());
            send(new SessionMessage.Delta(c.remote.channel(), SessionMessage.Kind.INTERVAL, interval.from(), interval.to(), interval.payload()));
        }
    }

    /**
     * Whether the peer lacks anything of the log beyond what was sent. Entries found to have come from the peer
     * are remembered, so that a one-way stream from the peer is not scanned again at every pump.
     */
    private boolean hasNews(Channel c, DocumentReplica d) {
        long from = Long.compareUnsigned(c.echoes, c.sent) > 0 ? c.echoes : c.sent;
        if (Seq.before(c.sent, d.logStart())) {
            return true;
        }
        if (d.hasNews(from, remoteReplica)) {
            return true;
        }
        c.echoes = d.durableSeq();
        return false;
    }

    private Channel newChannel(String document) {
        Channel c = new Channel(document, nextChannel++);
        byDocument.put(document, c);
        byLocal.put(c.local, c);
        return c;
    }

    private void sendOpen(Channel c) throws IOException {
        DocumentReplica d = replica.document(c.document);
        c.grant = grantFor(c.document);
        ReplicaId known = remoteReplica != null ? remoteReplica : replica.neighbour(remoteIdentity.staticKey());
        // HY-SESS-043: only a position that is on stable storage.
        long held = known == null ? 0 : d.durableHeld(known);
        c.openSent = true;
        // HY-SESS-036: nothing of the document, not even its version vector, to a peer that may not read it.
        send(new SessionMessage.Open(c.local, c.document, Right.WRITE, c.grant, replica.id(),
                c.grant == Right.NONE ? new TreeMap<>() : d.state().context().versionVector(),
                held == 0 ? null : known, held, options.window()));
    }

    private Right grantFor(String document) {
        return policy.right(remoteIdentity, document);
    }

    private void send(SessionMessage message) {
        sentSinceTick = true;
        outbox.send(message);
    }

    private void fail(ErrorCode code, String detail) {
        if (ended) {
            return;
        }
        event("ended the session: " + code + " " + detail);
        send(new SessionMessage.SessionError(0, 0, code.value(), detail));
        end();
    }

    private void end() {
        if (!ended) {
            ended = true;
            replica.removeSession(this);
            outbox.end();
            syncReceived();
        }
    }

    private void event(String event) {
        if (events.size() < 1000) {
            events.add(event);
        }
    }

    private static String codeName(int code) {
        ErrorCode known = ErrorCode.of(code);
        return known == null ? "error " + code : known.name();
    }

    private static ProtocolException violation(String format, Object... args) {
        return ProtocolException.sessionError(ErrorCode.PROTOCOL_VIOLATION, format, args);
    }
}
