package dev.hyphae.peer;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Admission of connections whose handshake has not completed (specification, chapter "Security considerations",
 * section "Handshake floods and half-open handshakes", HY-SEC-009 to HY-SEC-012): a budget for all of them and one
 * for each source address, and, when a budget is full, the stalest of them is dropped to admit the newcomer rather
 * than the newcomer refused.
 *
 * <p>Refusing newcomers at the limit would let an attacker who holds every slot with silent connections lock every
 * honest peer out for as long as it keeps them. Dropping the stalest one instead means an honest handshake, which
 * completes in a few round trips, is dropped only if as many newcomers as the budget arrive while it runs: an
 * attacker must then open connections faster than honest handshakes complete, from as many addresses as the
 * budget for all sources divided by the budget for one, rather than just hold them.
 *
 * <p>Which connection to drop: a newcomer whose source already holds its budget displaces that source's stalest
 * connection, so a source competes only with itself; otherwise, when the budget for all sources is full, the stalest
 * connection of the source that holds the most goes, so that one flooding source is the first to lose.
 *
 * <p>This class decides and does nothing else: it sees a connection as an opaque handle {@code C} with a source
 * address and a start time, in any monotonic unit (compared by difference, as {@link System#nanoTime} asks). The I/O engine closes the connections it is told to drop,
 * calls {@link #release} the moment a handshake completes (before any document work, so that a slow replica does
 * not hold the budget) or fails, and ends each handshake at its deadline ({@link Limits#handshakeDeadlineMillis}).
 * Thread-safe.
 *
 * @param <C> the engine's handle of a connection (a socket, a channel), compared by identity or {@code equals}
 */
public final class Admission<C> {

    /** Most connections whose handshake is in progress, from all sources together. */
    public static final int MAX_UNAUTHENTICATED = 64;
    /** Most connections whose handshake is in progress from one source address. */
    public static final int MAX_UNAUTHENTICATED_PER_SOURCE = 8;
    /** How long a whole handshake may take, from the connection, before the connection is dropped (HY-SEC-008). */
    public static final long HANDSHAKE_DEADLINE_MILLIS = 10_000;

    /**
     * The budgets and the deadline.
     *
     * @param unauthenticated         most handshakes in progress from all sources, at least 1
     * @param perSource               most from one source address, 1 to {@code unauthenticated}
     * @param handshakeDeadlineMillis how long a whole handshake may take, from the connection, at least 1
     */
    public record Limits(int unauthenticated, int perSource, long handshakeDeadlineMillis) {
        /** The limits named by this class's constants. */
        public static final Limits DEFAULT = new Limits(MAX_UNAUTHENTICATED, MAX_UNAUTHENTICATED_PER_SOURCE, HANDSHAKE_DEADLINE_MILLIS);

        public Limits {
            if (unauthenticated < 1 || perSource < 1 || perSource > unauthenticated || handshakeDeadlineMillis < 1) {
                throw new IllegalArgumentException("limits out of range: " + unauthenticated + " in all, " + perSource
                        + " per source, a deadline of " + handshakeDeadlineMillis + " ms");
            }
        }
    }

    private record Pending(InetAddress source, long since) {
    }

    private final Limits limits;
    /** The connections admitted and not released, in the order they were admitted. */
    private final Map<C, Pending> pending = new LinkedHashMap<>();
    private final Map<InetAddress, Integer> perSource = new HashMap<>();

    public Admission(Limits limits) {
        this.limits = Objects.requireNonNull(limits);
    }

    /** The budgets and the deadline. */
    public Limits limits() {
        return limits;
    }

    /**
     * Admits {@code connection} from {@code source}, which started at {@code now}; a newcomer is always admitted.
     *
     * @return the connections to drop to make room for it, stalest first: none, or one; they are no longer counted
     */
    public synchronized List<C> admit(C connection, InetAddress source, long now) {
        List<C> dropped = new ArrayList<>(1);
        if (perSource.getOrDefault(source, 0) >= limits.perSource()) {
            dropped.add(stalest(source));
        } else if (pending.size() >= limits.unauthenticated()) {
            dropped.add(stalest(busiestSource()));
        }
        dropped.forEach(this::release);
        pending.put(connection, new Pending(source, now));
        perSource.merge(source, 1, Integer::sum);
        return dropped;
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
        perSource.computeIfPresent(p.source(), (s, n) -> n == 1 ? null : n - 1);
        return true;
    }

    /** How many connections are counted now. */
    public synchronized int pending() {
        return pending.size();
    }

    /** The source that holds the most connections; of several, the one whose stalest connection is the stalest. */
    private InetAddress busiestSource() {
        int most = 0;
        for (int n : perSource.values()) {
            most = Math.max(most, n);
        }
        InetAddress busiest = null;
        long since = 0;
        for (Pending p : pending.values()) {
            if (perSource.get(p.source()) == most && (busiest == null || p.since() - since < 0)) {
                busiest = p.source();
                since = p.since();
            }
        }
        return busiest;
    }

    /** The connection of {@code source} that started first; of several, the one admitted first. */
    private C stalest(InetAddress source) {
        C stalest = null;
        long since = 0;
        for (Map.Entry<C, Pending> e : pending.entrySet()) {
            Pending p = e.getValue();
            if (p.source().equals(source) && (stalest == null || p.since() - since < 0)) {
                stalest = e.getKey();
                since = p.since();
            }
        }
        return stalest;
    }
}
