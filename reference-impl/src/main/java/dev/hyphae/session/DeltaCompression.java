package dev.hyphae.session;

import dev.hyphae.ErrorCode;
import dev.hyphae.ProtocolException;
import dev.hyphae.data.Limits;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.function.LongPredicate;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

import static dev.hyphae.session.CompressionLimits.COMPRESSION_ALLOWANCE;
import static dev.hyphae.session.CompressionLimits.MAX_COMPRESSED_CHANNELS;
import static dev.hyphae.session.CompressionLimits.MAX_COMPRESSION_RATIO;

/**
 * The compressed payloads of one session (specification, chapter "Encoding", section "Compression"): for each
 * channel and direction at most one raw DEFLATE stream (RFC 1951), kept across the channel's deltas so that a delta
 * can refer back to the ones before it. Each compressed payload is what a sync flush writes for the payload, without
 * the empty stored block {@code 00 00 FF FF} that ends it (as RFC 7692 does); the receiver appends those four bytes
 * back before it inflates.
 *
 * <p>The Delta's {@code compression} field says what its payload is:
 * <pre>
 *   0 NONE      the payload as it is; ends the channel's stream in that direction, if it has one
 *   1 CONTINUE  DEFLATE, continuing the channel's stream
 *   2 RESTART   DEFLATE, starting a new stream (the receiver starts a new inflater first)
 * </pre>
 *
 * <p>A session calls {@link #compress} for every Delta it sends and {@link #inflate} for every Delta it takes on an
 * open channel, in order, before anything else looks at it, so that both ends of a stream stay in step; the inflated
 * Delta then goes on as an uncompressed one. Streams are keyed by channel number, which a session never reuses
 * (a document opened again gets new numbers, and so new streams); the caller says which numbers are still open, so
 * that the streams of closed channels are released before a new one would pass {@code MAX_COMPRESSED_CHANNELS}.
 *
 * <p>Hostile input: every refusal ends the session, because the receiver's stream is lost once a payload does not
 * inflate as the sender's compressor wrote it ({@code MALFORMED_COMPRESSION}, or {@code COMPRESSION_LIMIT_EXCEEDED}
 * for a bound). Inflated bytes are counted as they come, in bounded chunks, never past the bound of the payload.
 */
public final class DeltaCompression implements AutoCloseable {

    /** The payload is not compressed. */
    public static final int NONE = 0;
    /** The payload is DEFLATE data continuing the channel's stream. */
    public static final int CONTINUE = 1;
    /** The payload is DEFLATE data starting a new stream of the channel. */
    public static final int RESTART = 2;

    /** The LEN and NLEN of the empty stored block that ends a sync flush: removed by the sender, appended by the receiver. */
    private static final byte[] SYNC_TAIL = {0, 0, (byte) 0xFF, (byte) 0xFF};
    private static final int CHUNK = 16 * 1024;

    private final boolean inForce;
    /** The streams this side inflates, by the channel number this side chose. */
    private final Map<Long, Inflater> receiving = new HashMap<>();
    /**
     * The streams this side deflates, by the channel number the peer chose: each a name under which it borrows a
     * compressor from {@code deflaters} for each payload.
     */
    private final Map<Long, Object> sending = new HashMap<>();
    private final DeflaterPool deflaters;
    /** Whether {@code deflaters} is this object's own, ended with it. */
    private final boolean ownPool;

    /**
     * The compression of a session on which it is in force, or not (HY-COMP-001): the handshake's responder selected
     * the capability {@code deflate}. Its streams have compressors of their own, one for each, as many as
     * {@code MAX_COMPRESSED_CHANNELS}.
     */
    public DeltaCompression(boolean inForce) {
        this(inForce, new DeflaterPool(MAX_COMPRESSED_CHANNELS), true);
    }

    /**
     * The compression of a session whose streams borrow their compressors from {@code deflaters}, which other
     * sessions share: a stream whose compressor another took starts again (HY-COMP-019).
     */
    public DeltaCompression(boolean inForce, DeflaterPool deflaters) {
        this(inForce, deflaters, false);
    }

    private DeltaCompression(boolean inForce, DeflaterPool deflaters, boolean ownPool) {
        this.inForce = inForce;
        this.deflaters = java.util.Objects.requireNonNull(deflaters);
        this.ownPool = ownPool;
    }

    /** Whether compression is in force on the session. */
    public boolean inForce() {
        return inForce;
    }

    /**
     * The Delta to send for {@code delta}: its payload compressed on the stream of its channel when compression is in
     * force, or the delta itself (with compression 0) when it is not, when {@code MAX_COMPRESSED_CHANNELS} channels
     * have a stream already, when every compressor of the pool is in use at this instant, or when compressing would
     * not make it smaller or would pass the bounds a receiver checks. A stream whose compressor the pool lent to
     * another stream since its last payload starts again, with compression 2.
     *
     * @param open whether a channel number of the peer (that is, of a sent Delta) is still open
     */
    public SessionMessage.Delta compress(SessionMessage.Delta delta, LongPredicate open) {
        if (!inForce || delta.compression() != NONE) {
            return delta;
        }
        long channel = delta.channel();
        Object stream = sending.get(channel);
        if (stream == null) {
            releaseSending(open);
            if (sending.size() >= MAX_COMPRESSED_CHANNELS) {
                // HY-COMP-010: no new stream beyond the limit; this channel's deltas go as they are.
                return delta;
            }
            stream = new Object();
        }
        DeflaterPool.Lease lease = deflaters.borrow(stream);
        if (lease == null) {
            // Every compressor of the pool is in use this instant: sent as it is, which ends the stream (HY-COMP-019).
            sending.remove(channel);
            return delta;
        }
        // A stream whose compressor another stream took, or a new one, starts (again) with compression 2.
        int compression = lease.continues() ? CONTINUE : RESTART;
        byte[] payload = delta.payload();
        boolean kept = false;
        try {
            byte[] compressed = deflate(lease.deflater(), payload);
            if (compressed.length >= payload.length || payload.length > bound(compressed.length)) {
                // HY-COMP-009: sent as it is, which ends the stream at both ends; the next delta starts a new one.
                return delta;
            }
            sending.put(channel, stream);
            deflaters.giveBack(stream, lease.deflater());
            kept = true;
            return delta.withPayload(compressed, compression);
        } finally {
            if (!kept) {
                // Sent uncompressed, or deflating failed: the stream ends, and the compressor goes back to the pool
                // holding no stream's state (reset when next lent), so that the pool never loses a place.
                sending.remove(channel);
                deflaters.discard(lease.deflater());
            }
        }
    }

    /**
     * The uncompressed form of a Delta received on an open channel (HY-COMP-005, HY-COMP-013).
     *
     * @param open whether a channel number of this side is still open
     * @throws ProtocolException {@code MALFORMED_COMPRESSION} or {@code COMPRESSION_LIMIT_EXCEEDED}, of session scope
     */
    public SessionMessage.Delta inflate(SessionMessage.Delta delta, LongPredicate open) throws ProtocolException {
        byte[] payload = inflate(delta.channel(), delta.compression(), delta.payload(), open);
        return delta.compression() == NONE ? delta
                : delta.withPayload(payload, NONE);
    }

    /**
     * The payload bytes of a Delta received on {@code channel} with the given {@code compression} field, inflated on
     * the channel's stream. The refusals are those of the chapter, in its order: the field's value (HY-COMP-006), the
     * number of streams (HY-COMP-010), the DEFLATE data (HY-COMP-007), the bounds while inflating (HY-COMP-008).
     *
     * @param open whether a channel number of this side is still open
     * @throws ProtocolException {@code MALFORMED_COMPRESSION} or {@code COMPRESSION_LIMIT_EXCEEDED}, of session scope
     */
    public byte[] inflate(long channel, int compression, byte[] payload, LongPredicate open) throws ProtocolException {
        if (compression == NONE) {
            // HY-COMP-005: an uncompressed payload ends the channel's stream in this direction.
            Inflater ended = receiving.remove(channel);
            if (ended != null) {
                ended.end();
            }
            return payload;
        }
        if (compression != CONTINUE && compression != RESTART) {
            throw malformed("compression %d is not defined", compression);
        }
        if (!inForce) {
            throw malformed("a payload with compression %d on a session that did not select deflate", compression);
        }
        Inflater inflater = receiving.get(channel);
        if (inflater == null) {
            if (compression == CONTINUE) {
                throw malformed("a payload continues a stream that channel %d does not have", channel);
            }
            releaseReceiving(open);
            if (receiving.size() >= MAX_COMPRESSED_CHANNELS) {
                throw ProtocolException.sessionError(ErrorCode.COMPRESSION_LIMIT_EXCEEDED, ProtocolException.Phase.FRAME,
                        "a stream on channel %d beside %d others, more than MAX_COMPRESSED_CHANNELS", channel, receiving.size());
            }
            inflater = new Inflater(true);
            receiving.put(channel, inflater);
        } else if (compression == RESTART) {
            inflater.reset();
        }
        try {
            return inflate(inflater, payload);
        } catch (ProtocolException e) {
            // The stream is lost; the session ends with the refusal, and this stream with it.
            receiving.remove(channel).end();
            throw e;
        }
    }

    /** Releases every stream: the session has ended (HY-COMP-003, HY-COMP-014). */
    @Override
    public void close() {
        receiving.values().forEach(Inflater::end);
        sending.values().forEach(deflaters::forget);
        receiving.clear();
        sending.clear();
        if (ownPool) {
            deflaters.end();
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    /** The most bytes one payload of {@code compressed} bytes may inflate to (HY-COMP-008). */
    static long bound(int compressed) {
        return Math.min(Limits.MAX_PAYLOAD_SIZE, (long) MAX_COMPRESSION_RATIO * compressed + COMPRESSION_ALLOWANCE);
    }

    /** Ends the receiving streams of channels that are no longer open: a stream ends with its channel (HY-COMP-003). */
    private void releaseReceiving(LongPredicate open) {
        for (Iterator<Map.Entry<Long, Inflater>> i = receiving.entrySet().iterator(); i.hasNext(); ) {
            Map.Entry<Long, Inflater> e = i.next();
            if (!open.test(e.getKey())) {
                e.getValue().end();
                i.remove();
            }
        }
    }

    /** Ends the sending streams of channels that are no longer open: their compressors hold their state no more. */
    private void releaseSending(LongPredicate open) {
        for (Iterator<Map.Entry<Long, Object>> i = sending.entrySet().iterator(); i.hasNext(); ) {
            Map.Entry<Long, Object> e = i.next();
            if (!open.test(e.getKey())) {
                deflaters.forget(e.getValue());
                i.remove();
            }
        }
    }

    /** A sync flush of {@code payload}, without the four bytes 00 00 FF FF that end it (HY-COMP-004). */
    private static byte[] deflate(Deflater deflater, byte[] payload) {
        deflater.setInput(payload);
        ByteArrayOutputStream out = new ByteArrayOutputStream(payload.length / 2 + 64);
        byte[] chunk = new byte[CHUNK];
        int n;
        do {
            // A full chunk means more may be waiting: call again with the same flush (Deflater's contract).
            n = deflater.deflate(chunk, 0, chunk.length, Deflater.SYNC_FLUSH);
            out.write(chunk, 0, n);
        } while (n == chunk.length);
        byte[] flushed = out.toByteArray();
        if (flushed.length < SYNC_TAIL.length
                || !Arrays.equals(flushed, flushed.length - SYNC_TAIL.length, flushed.length, SYNC_TAIL, 0, SYNC_TAIL.length)) {
            throw new IllegalStateException("a sync flush that does not end with an empty stored block");
        }
        return Arrays.copyOf(flushed, flushed.length - SYNC_TAIL.length);
    }

    /**
     * Inflates one payload on {@code inflater}'s stream: its bytes, then the four bytes of the empty stored block,
     * which must end a block and so inflate to nothing (else the payload was cut short). Output is taken in chunks
     * that never reach more than one byte past the bound.
     */
    private static byte[] inflate(Inflater inflater, byte[] compressed) throws ProtocolException {
        if (compressed.length == 0) {
            throw malformed("an empty compressed payload");
        }
        long bound = bound(compressed.length);
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(bound + 1, 4L * compressed.length + 256));
        byte[] chunk = new byte[CHUNK];
        try {
            inflater.setInput(compressed);
            drain(inflater, chunk, out, bound);
            if (inflater.finished()) {
                throw malformed("a payload ends the DEFLATE stream with a final block");
            }
            if (inflater.getRemaining() != 0) {
                throw malformed("DEFLATE data that stops inflating with %d bytes left", inflater.getRemaining());
            }
            int inflated = out.size();
            inflater.setInput(SYNC_TAIL);
            drain(inflater, chunk, out, bound);
            if (out.size() != inflated || inflater.getRemaining() != 0 || inflater.finished()) {
                throw malformed("a compressed payload that does not end with a whole block: it is truncated");
            }
        } catch (DataFormatException e) {
            throw malformed("a compressed payload that is not valid DEFLATE data: %s", e.getMessage());
        }
        return out.toByteArray();
    }

    private static void drain(Inflater inflater, byte[] chunk, ByteArrayOutputStream out, long bound)
            throws DataFormatException, ProtocolException {
        while (!inflater.finished()) {
            int room = (int) Math.min(chunk.length, bound - out.size() + 1);
            int n = inflater.inflate(chunk, 0, room);
            out.write(chunk, 0, n);
            if (out.size() > bound) {
                // HY-COMP-008: detected with at most one byte past the bound held.
                throw ProtocolException.sessionError(ErrorCode.COMPRESSION_LIMIT_EXCEEDED, ProtocolException.Phase.FRAME,
                        "a compressed payload inflates to more than its bound of %d bytes (MAX_PAYLOAD_SIZE, or MAX_COMPRESSION_RATIO "
                                + "times its size and COMPRESSION_ALLOWANCE)", bound);
            }
            if (n == 0) {
                return;
            }
        }
    }

    private static ProtocolException malformed(String format, Object... args) {
        return ProtocolException.sessionError(ErrorCode.MALFORMED_COMPRESSION, ProtocolException.Phase.FRAME, format, args);
    }
}
