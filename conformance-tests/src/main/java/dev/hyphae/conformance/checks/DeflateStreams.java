package dev.hyphae.conformance.checks;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * The suite's own side of the compression of chapter "Encoding", section "Compression", written with java.util.zip
 * alone and sharing no code with any implementation: a {@link Sender} writes one channel's stream of compressed
 * payloads, a {@link Receiver} inflates one. Enough to play a peer, not a bounded receiver for hostile input: the
 * suite only inflates what a peer under test sends it, and stops at the chapter's largest payload.
 */
final class DeflateStreams {

    /** The four bytes that end a sync flush, which a payload leaves off (HY-COMP-004). */
    private static final byte[] TAIL = {0, 0, (byte) 0xFF, (byte) 0xFF};
    /** MAX_PAYLOAD_SIZE. */
    private static final int MAX_PAYLOAD_SIZE = 4 * 1024 * 1024;

    private DeflateStreams() {
    }

    /** One channel's stream, as its sender writes it: raw DEFLATE, each payload a sync flush without its tail. */
    static final class Sender implements AutoCloseable {
        private final Deflater deflater;

        Sender(int level) {
            deflater = new Deflater(level, true);
        }

        byte[] compress(byte[] payload) {
            deflater.setInput(payload);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] chunk = new byte[8192];
            int n;
            do {
                n = deflater.deflate(chunk, 0, chunk.length, Deflater.SYNC_FLUSH);
                out.write(chunk, 0, n);
            } while (n == chunk.length);
            byte[] all = out.toByteArray();
            return Arrays.copyOf(all, all.length - TAIL.length);
        }

        @Override
        public void close() {
            deflater.end();
        }
    }

    /** One channel's stream, as its receiver inflates it. */
    static final class Receiver implements AutoCloseable {
        private final Inflater inflater = new Inflater(true);

        /** Starts a new stream: what a payload with compression 2 asks. */
        void restart() {
            inflater.reset();
        }

        byte[] inflate(byte[] compressed) throws DataFormatException {
            byte[] input = Arrays.copyOf(compressed, compressed.length + TAIL.length);
            System.arraycopy(TAIL, 0, input, compressed.length, TAIL.length);
            inflater.setInput(input);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] chunk = new byte[8192];
            while (true) {
                int n = inflater.inflate(chunk);
                out.write(chunk, 0, n);
                if (out.size() > MAX_PAYLOAD_SIZE) {
                    throw new DataFormatException("a payload that inflates past MAX_PAYLOAD_SIZE");
                }
                if (n == 0) {
                    if (inflater.needsInput() && !inflater.finished()) {
                        return out.toByteArray();
                    }
                    throw new DataFormatException("the stream stopped inflating, or ended");
                }
            }
        }

        @Override
        public void close() {
            inflater.end();
        }
    }
}
