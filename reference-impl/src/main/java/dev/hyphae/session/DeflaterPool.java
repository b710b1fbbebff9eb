package dev.hyphae.session;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.Deflater;

/**
 * Compressors lent to the sending streams of many sessions, at most {@link #capacity()} of them alive at once.
 *
 * <p>A zlib compressor holds some 260 KiB outside the heap (its window, hash chains and pending output), against some
 * 40 KiB for an inflater; a peer with 2,000 compressing sessions would hold half a gigabyte for them alone. The
 * specification lets a sender drop its compressor's state whenever it wants: it starts the stream again with
 * {@code compression} 2, or sends a payload uncompressed (HY-COMP-019). So a stream does not own a compressor; it
 * borrows one for each payload and gives it back, and finds its own again on the next payload if no other stream took
 * it meanwhile. When more streams send than there are compressors, the one idle longest loses its compressor to the
 * newcomer, and its next payload starts a new stream. A stream keeps its context only while fewer other streams than
 * the pool's capacity send between two of its payloads: a write fanned out to 2,000 sessions that take turns through
 * 64 compressors finds none of them still holding its stream, so every such delta starts again (compression 2) and
 * is compressed against itself alone, without the window of the deltas before it. The pool bounds memory; it
 * does not keep the context that a compressor for each stream would. What the receiver holds does not change: it
 * still inflates each stream on its own inflater (HY-COMP-005).
 *
 * <p>A compressor is used by one thread at a time, between {@link #borrow} and {@link #giveBack} (or
 * {@link #discard}); the pool's own bookkeeping is synchronised. A stream is named by any object, compared by
 * identity; {@link DeltaCompression} makes one for each channel's stream.
 */
public final class DeflaterPool {

    /**
     * Compressors of the process's shared pool, unless {@code -Dhyphae.deflaters=N} says otherwise: 64 hold some
     * 16 MiB, and keep the context of up to 64 streams that take turns; beyond that, streams start again.
     */
    public static final int DEFAULT_CAPACITY = 64;

    private static final DeflaterPool SHARED = new DeflaterPool(Integer.getInteger("hyphae.deflaters", DEFAULT_CAPACITY));

    /** A compressor lent to a stream; {@code continues} when it still holds that stream's state. */
    public record Lease(Deflater deflater, boolean continues) {
    }

    private final int capacity;
    /** Compressors made and not ended: lent, idle or free. */
    private int alive;
    /** Compressors that hold a stream's state and are not lent, by stream, the one idle longest first. */
    private final LinkedHashMap<Object, Deflater> idle = new LinkedHashMap<>();
    /** Compressors that hold the state of no live stream: reset when lent, not before, so that each is reset once. */
    private final ArrayDeque<Deflater> free = new ArrayDeque<>();

    /** A pool of at most {@code capacity} compressors, at least 1. */
    public DeflaterPool(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("a pool of " + capacity + " compressors");
        }
        this.capacity = capacity;
    }

    /** The pool that the sessions of this process share. */
    public static DeflaterPool shared() {
        return SHARED;
    }

    /** The most compressors alive at once. */
    public int capacity() {
        return capacity;
    }

    /** How many compressors are alive now (lent, idle or free). */
    public synchronized int alive() {
        return alive;
    }

    /**
     * A compressor for the next payload of {@code stream}: its own, still holding its state, if no other stream took it;
     * else a fresh one, or the one idle longest, reset. Null when every compressor is lent out at this moment: the
     * payload then goes uncompressed.
     */
    public synchronized Lease borrow(Object stream) {
        Deflater own = idle.remove(stream);
        if (own != null) {
            return new Lease(own, true);
        }
        Deflater d = free.poll();
        if (d != null) {
            d.reset();
        }
        if (d == null && alive < capacity) {
            // Raw DEFLATE (nowrap): no zlib header or checksum, and a 32 KiB window (HY-COMP-004).
            d = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
            alive++;
        }
        if (d == null && !idle.isEmpty()) {
            Iterator<Map.Entry<Object, Deflater>> eldest = idle.entrySet().iterator();
            d = eldest.next().getValue();
            eldest.remove();
            d.reset();   // its stream's next payload starts a new stream (compression 2)
        }
        return d == null ? null : new Lease(d, false);
    }

    /** {@code stream} is done with {@code deflater} for now, which keeps its state for the stream's next payload. */
    public synchronized void giveBack(Object stream, Deflater deflater) {
        idle.put(stream, deflater);
    }

    /** {@code deflater}, lent to a stream that has ended, holds no stream's state any more. */
    public synchronized void discard(Deflater deflater) {
        free.push(deflater);
    }

    /** {@code stream} has ended: the compressor that holds its state, if any, holds none any more. */
    public synchronized void forget(Object stream) {
        Deflater d = idle.remove(stream);
        if (d != null) {
            free.push(d);
        }
    }

    /** Ends every compressor that is not lent out now: for a pool that one owner has finished with. */
    synchronized void end() {
        idle.values().forEach(Deflater::end);
        free.forEach(Deflater::end);
        alive -= idle.size() + free.size();
        idle.clear();
        free.clear();
    }
}
