package dev.hyphae.peer;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Admission of connections whose handshake has not completed (specification, chapter "Security considerations",
 * section "Handshake floods and half-open handshakes", HY-SEC-009 to HY-SEC-014): a budget for all of them and one
 * for each source, and, when a budget is full, one of them is dropped to admit the newcomer rather than the newcomer
 * refused.
 *
 * <p>Refusing newcomers at the limit would let an attacker who holds every slot with silent connections lock every
 * honest peer out for as long as it keeps them. Dropping one instead keeps the door open, but which one matters,
 * since the attacker's newcomers displace honest handshakes too. The order, first to last to go:
 * <ol>
 *   <li>a connection that has not sent a complete first handshake message before one that has (and waits for its
 *       third): an honest initiator sends its first message at once, so holding a connection silent or trickling
 *       it buys nothing against one that has made progress;</li>
 *   <li>of the source that holds the most connections, so that a flood from one source displaces itself first;</li>
 *   <li>the one that started first.</li>
 * </ol>
 * A newcomer whose source already holds its budget displaces only that source's connections, so a source competes
 * with itself. A source is an address; for IPv6 its /64 prefix, which one host or site usually holds whole.
 *
 * <p>A newcomer that would displace another source's handshake, because the budget for all is full, must be within
 * its source's rate (HY-SEC-018): each source has a bucket of {@link Limits#perSource} tokens, refilled at
 * {@link Limits#perSourcePerMinute} a minute, and such a newcomer takes one. Past its rate it is refused, and the
 * handshakes in progress stay. Without this, a flood that reopens its connections as fast as they are dropped turns
 * the whole budget over in milliseconds, and an honest handshake accepted a moment before its first message arrives
 * is displaced before it can show progress; with it, the budget turns over at most at the sum of the flooding
 * sources' rates, and an honest handshake has as long as the budget takes to turn over to send its first message. A
 * newcomer whose source holds its own budget displaces that source's stalest without any token: that hurts nobody
 * else, and a rate there would let an attacker sharing an honest peer's source (a NAT, an IPv6 /64) spend the rate and
 * keep the honest peer out. A newcomer admitted while both budgets have room takes no token either. The buckets of at
 * most {@link #MAX_RATED_SOURCES} sources are kept (HY-SEC-019); when that many are, the bucket of the source seen
 * least recently is forgotten only if it has refilled completely (forgetting it changes nothing), and otherwise a
 * source not kept counts as past its rate, so that an attacker with more sources than that gains no fresh bursts.
 *
 * <p>What this bounds, and what not: silent and trickling connections, however many and from however many
 * sources, cannot displace an honest handshake that has sent its first message while any of them are held; one
 * source holds at most its budget. An attacker who completes first messages (cheap: an ephemeral key) from as
 * many sources as the budget for all divided by the budget for one, faster than honest handshakes complete, still
 * crowds honest peers out; honest clients behind one NAT share one source's budget and rate; and an attacker at an
 * honest peer's source, its own connections silent, displaces the honest handshake only by opening as many new
 * connections as the source's budget between the honest one's acceptance and its first message (the staler silent
 * ones go first, and once it has sent its first message only connections that have too can outlast it), which is a
 * race the attacker wins only with a flood fast against the honest peer's round trip. A cookie exchanged before any
 * state is kept would be the next step.
 *
 * <p>This class decides and does nothing else: it sees a connection as an opaque handle {@code C} with a source
 * address and a start time, in nanoseconds of a monotonic clock (compared by difference, as {@link System#nanoTime} asks). The
 * I/O engine closes the connections it is told to drop, calls {@link #progressed} when a connection's first
 * handshake message is complete and accepted, calls {@link #release} the moment a handshake completes (before any document work,
 * so that a slow replica does not hold the budget; the commit point: a connection that was dropped is not released)
 * or fails, and ends each handshake at its deadline ({@link Limits#handshakeDeadlineMillis}). Thread-safe.
 *
 * @param <C> the engine's handle of a connection (a socket, a channel), compared by identity or {@code equals}
 */
public final class Admission<C> {

    /** Most connections whose handshake is in progress, from all sources together. */
    public static final int MAX_UNAUTHENTICATED = 64;
    /** Most connections whose handshake is in progress from one source (an address; for IPv6 a /64 prefix). */
    public static final int MAX_UNAUTHENTICATED_PER_SOURCE = 8;
    /** How long a whole handshake may take, from the connection, before the connection is dropped (HY-SEC-008). */
    public static final long HANDSHAKE_DEADLINE_MILLIS = 10_000;
    /**
     * New connections a minute from one source that may displace another source's handshake in progress, beyond a
     * burst of {@link #MAX_UNAUTHENTICATED_PER_SOURCE} (HY-SEC-018). One every 10 seconds is what an honest device needs
     * beyond its burst: it connects once, and reconnects after pauses that grow to a few seconds; and a source past it
     * is still admitted while the budgets have room. It holds a flood from 250 addresses to 25 displacements a second:
     * the budget of 64 then turns over in more than two seconds, time enough for an honest initiator's first message
     * on a loaded machine, which then protects its handshake (HY-SEC-014).
     */
    public static final int PER_SOURCE_PER_MINUTE = 6;
    /** The most sources whose rate is remembered (HY-SEC-019): some 100 bytes each. */
    public static final int MAX_RATED_SOURCES = 16_384;

    /**
     * The budgets and the deadline.
     *
     * @param unauthenticated         most handshakes in progress from all sources, at least 1
     * @param perSource               most from one source address, 1 to {@code unauthenticated}
     * @param handshakeDeadlineMillis how long a whole handshake may take, from the connection, at least 1
     * @param perSourcePerMinute      new connections a minute from one source that may displace another source's
     *                                handshake in progress, beyond a burst of {@code perSource}; 0 for no limit of rate
     */
    public record Limits(int unauthenticated, int perSource, long handshakeDeadlineMillis, int perSourcePerMinute) {
        /** The limits named by this class's constants. */
        public static final Limits DEFAULT = new Limits(MAX_UNAUTHENTICATED, MAX_UNAUTHENTICATED_PER_SOURCE, HANDSHAKE_DEADLINE_MILLIS,
                PER_SOURCE_PER_MINUTE);

        /** The budgets and the deadline, with the default rate per source ({@link #PER_SOURCE_PER_MINUTE}). */
        public Limits(int unauthenticated, int perSource, long handshakeDeadlineMillis) {
            this(unauthenticated, perSource, handshakeDeadlineMillis, PER_SOURCE_PER_MINUTE);
        }

        public Limits {
            if (unauthenticated < 1 || perSource < 1 || perSource > unauthenticated || handshakeDeadlineMillis < 1 || perSourcePerMinute < 0) {
                throw new IllegalArgumentException("limits out of range: " + unauthenticated + " in all, " + perSource
                        + " per source, a deadline of " + handshakeDeadlineMillis + " ms, " + perSourcePerMinute + " a minute per source");
            }
        }
    }

    private static final class Pending {
        final InetAddress source;
        final long since;
        /** Whether the connection has sent a complete first handshake message. */
        boolean progressed;

        Pending(InetAddress source, long since) {
            this.source = source;
            this.since = since;
        }
    }

    private final Limits limits;
    /** The connections admitted and not released, in the order they were admitted. */
    private final Map<C, Pending> pending = new LinkedHashMap<>();
    private final Map<InetAddress, Integer> perSource = new HashMap<>();
    /** The buckets of the sources seen, the one seen least recently first; only with a limit of rate. */
    private final Map<InetAddress, Bucket> rates = new LinkedHashMap<>(16, 0.75f, true);

    /** A token bucket: {@code tokens} as of {@code at}. */
    private static final class Bucket {
        double tokens;
        long at;

        Bucket(double tokens, long at) {
            this.tokens = tokens;
            this.at = at;
        }
    }

    public Admission(Limits limits) {
        this.limits = Objects.requireNonNull(limits);
    }

    /** The budgets and the deadline. */
    public Limits limits() {
        return limits;
    }

    /**
     * Admits {@code connection} from {@code address}, which started at {@code now} (nanoseconds); a newcomer is
     * admitted unless the budget for all is full, its source is below its own budget, and its source has passed its
     * rate.
     *
     * @return the connections to drop: none; one, to make room for the newcomer, which is then counted; or the
     *         newcomer itself, refused, which is not counted
     */
    public synchronized List<C> admit(C connection, InetAddress address, long now) {
        InetAddress source = source(address);
        List<C> dropped = new ArrayList<>(1);
        if (perSource.getOrDefault(source, 0) >= limits.perSource()) {
            // Within its own budget a source displaces only its own stalest, which hurts nobody else: no rate applies,
            // so that others at the same source cannot use up a rate and lock an honest peer there out.
            dropped.add(victim(source));
        } else if (pending.size() >= limits.unauthenticated()) {
            // HY-SEC-018: displacing another source's handshake takes a token; past its rate, a source displaces
            // nobody and its newcomer is refused.
            if (!takeToken(source, now)) {
                return List.of(connection);
            }
            dropped.add(victim(null));
        }
        dropped.forEach(this::release);
        pending.put(connection, new Pending(source, now));
        perSource.merge(source, 1, Integer::sum);
        return dropped;
    }

    /** {@code connection} has sent a complete first handshake message: it goes after those that have not. */
    public synchronized void progressed(C connection) {
        Pending p = pending.get(connection);
        if (p != null) {
            p.progressed = true;
        }
    }

    /**
     * The handshake of {@code connection} completed or failed: its budget is free.
     *
     * @return whether it was still counted (false if it was dropped to admit another, or released before)
     */
    public synchronized boolean release(C connection) {
        Pending p = pending.remove(connection);
        if (p == null) {
            return false;
        }
        perSource.computeIfPresent(p.source, (s, n) -> n == 1 ? null : n - 1);
        return true;
    }

    /** How many connections are counted now. */
    public synchronized int pending() {
        return pending.size();
    }

    /**
     * Whether {@code source} is within its rate at {@code now}: takes a token of its bucket if it has one. A source
     * not tracked while {@link #MAX_RATED_SOURCES} are is past its rate, unless the bucket of the source seen least
     * recently has refilled completely: forgetting that one changes nothing (HY-SEC-019).
     */
    private boolean takeToken(InetAddress source, long now) {
        if (limits.perSourcePerMinute() == 0) {
            return true;
        }
        Bucket b = rates.get(source);
        if (b == null) {
            if (rates.size() >= MAX_RATED_SOURCES) {
                Map.Entry<InetAddress, Bucket> eldest = rates.entrySet().iterator().next();
                if (refill(eldest.getValue(), now) < limits.perSource()) {
                    return false;
                }
                rates.remove(eldest.getKey());
            }
            b = new Bucket(limits.perSource(), now);
            rates.put(source, b);
        } else {
            b.tokens = refill(b, now);
            b.at = now;
        }
        if (b.tokens >= 1) {
            b.tokens -= 1;
            return true;
        }
        return false;
    }

    /** The tokens of {@code b} at {@code now}, refilled since it was last seen, at most a full burst. */
    private double refill(Bucket b, long now) {
        double refill = (now - b.at) / 60e9 * limits.perSourcePerMinute();
        return Math.min(limits.perSource(), b.tokens + Math.max(0, refill));
    }

    /** The source that {@code address} counts against: the address, or for IPv6 its /64 prefix. */
    static InetAddress source(InetAddress address) {
        if (address instanceof Inet6Address) {
            byte[] prefix = Arrays.copyOf(address.getAddress(), 16);
            Arrays.fill(prefix, 8, 16, (byte) 0);
            try {
                return InetAddress.getByAddress(prefix);
            } catch (UnknownHostException impossible) {
                throw new AssertionError(impossible);
            }
        }
        return address;
    }

    /**
     * The connection to drop: of {@code source}'s, or of all if null; one without progress before one with, then
     * one of the source that holds the most, then the one that started first, then the one admitted first.
     */
    private C victim(InetAddress source) {
        C victim = null;
        Pending worst = null;
        for (Map.Entry<C, Pending> e : pending.entrySet()) {
            Pending p = e.getValue();
            if (source != null && !p.source.equals(source)) {
                continue;
            }
            if (worst == null || goesBefore(p, worst)) {
                victim = e.getKey();
                worst = p;
            }
        }
        return victim;
    }

    private boolean goesBefore(Pending a, Pending b) {
        if (a.progressed != b.progressed) {
            return !a.progressed;
        }
        int busier = Integer.compare(perSource.get(a.source), perSource.get(b.source));
        if (busier != 0) {
            return busier > 0;
        }
        return a.since - b.since < 0;
    }
}
