package dev.hyphae.tools;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hyphae.ErrorCode;
import dev.hyphae.ProtocolException;
import dev.hyphae.codec.Codec;
import dev.hyphae.crdt.CausalState;
import dev.hyphae.crdt.CrdtType;
import dev.hyphae.crdt.LWWRegister;
import dev.hyphae.crdt.ORMap;
import dev.hyphae.data.CausalContext;
import dev.hyphae.data.Limits;
import dev.hyphae.data.ReplicaId;
import dev.hyphae.data.Value;
import dev.hyphae.session.CompressionLimits;
import dev.hyphae.session.DeltaCompression;
import dev.hyphae.session.SessionMessage;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.Deflater;

/**
 * The compression vectors (area {@code compression}, operation {@code inflate}): what a receiver takes from the
 * Delta messages of one session, given whether compression is in force ({@code negotiated}) and, for each Delta,
 * its channel, its {@code compression} field and its payload bytes ({@code deltas}). A valid case gives the
 * payload that each inflates to ({@code expected}); an invalid one gives those of the Deltas before the last, and
 * the code and phase with which the last is refused. The payloads are deltas of a sensor map, as a peer sends
 * them; every case is replayed against the reference implementation before it is written.
 */
final class CompressionVectors {

    private static final HexFormat HEX = HexFormat.of();
    private static final String AREA = "compression";

    /** One Delta of a case, as the receiver gets it. */
    record Entry(long channel, int compression, byte[] payload) {
    }

    private final VectorWriter out;

    CompressionVectors(VectorWriter out) {
        this.out = out;
    }

    void write() throws ProtocolException {
        List<byte[]> deltas = sensorDeltas(4);

        List<Entry> stream = compress(1, deltas.subList(0, 3));
        write("compression_stream_of_three_deltas", "Three deltas of one document on one channel: the first starts a stream (2), "
                + "the others continue it (1) and refer back to the deltas before them.", true, stream, deltas.subList(0, 3), null,
                "HY-COMP-003", "HY-COMP-004", "HY-COMP-005");

        List<Entry> mixed = new ArrayList<>(compress(1, deltas.subList(0, 2)));
        mixed.add(new Entry(1, DeltaCompression.NONE, deltas.get(2)));
        mixed.addAll(compress(1, deltas.subList(3, 4)));
        write("compression_uncompressed_delta_ends_the_stream", "A stream of two deltas, a delta sent uncompressed (0), which ends "
                + "the stream, and a delta that starts a new one (2).", true, mixed, deltas, null, "HY-COMP-005");

        List<Entry> twoChannels = new ArrayList<>();
        List<Entry> first = compress(1, deltas.subList(0, 2));
        List<Entry> second = compress(2, deltas.subList(2, 4));
        twoChannels.add(first.get(0));
        twoChannels.add(second.get(0));
        twoChannels.add(first.get(1));
        twoChannels.add(second.get(1));
        write("compression_two_channels_two_streams", "Two documents on channels 1 and 2, their deltas interleaved: each channel has "
                + "a stream of its own.", true, twoChannels, List.of(deltas.get(0), deltas.get(2), deltas.get(1), deltas.get(3)), null,
                "HY-COMP-003", "HY-COMP-005");

        List<Entry> restarted = new ArrayList<>(compress(1, deltas.subList(0, 2)));
        restarted.addAll(compress(1, deltas.subList(2, 4)));
        write("compression_restart_discards_the_stream", "A stream of two deltas, then a new stream (2) on the same channel: the "
                + "receiver discards the first stream before it inflates.", true, restarted, deltas, null, "HY-COMP-005");

        byte[] zeros = new byte[1024 * 1024];
        write("compression_inflates_past_the_ratio", "A payload of 1 MiB of zeros, compressed to about 1 KiB: more than "
                        + "MAX_COMPRESSION_RATIO times its size and COMPRESSION_ALLOWANCE.", true,
                List.of(new Entry(1, DeltaCompression.RESTART, syncFlush(zeros))), List.of(), ErrorCode.COMPRESSION_LIMIT_EXCEEDED,
                "HY-COMP-008");

        byte[] large = syncFlush(pastMaxPayloadSize());
        if ((long) CompressionLimits.MAX_COMPRESSION_RATIO * large.length + CompressionLimits.COMPRESSION_ALLOWANCE <= Limits.MAX_PAYLOAD_SIZE) {
            throw new IllegalStateException("the payload past MAX_PAYLOAD_SIZE would pass the ratio first");
        }
        write("compression_inflates_past_max_payload_size", "A payload that inflates to one byte more than MAX_PAYLOAD_SIZE, "
                        + "within the ratio.", true, List.of(new Entry(1, DeltaCompression.RESTART, large)),
                List.of(), ErrorCode.COMPRESSION_LIMIT_EXCEEDED, "HY-COMP-008");

        List<Entry> truncated = new ArrayList<>(stream.subList(0, 1));
        byte[] whole = stream.get(1).payload();
        truncated.add(new Entry(1, DeltaCompression.CONTINUE, Arrays.copyOf(whole, whole.length / 2)));
        write("compression_truncated_stream", "The second payload of a stream, cut in half: the four bytes that the receiver "
                + "appends do not end a block.", true, truncated, deltas.subList(0, 1), ErrorCode.MALFORMED_COMPRESSION, "HY-COMP-005",
                "HY-COMP-007");

        List<Entry> corrupt = new ArrayList<>(stream.subList(0, 1));
        byte[] damaged = stream.get(1).payload().clone();
        damaged[0] |= 0x06; // the first block's BTYPE becomes 11, which RFC 1951 reserves
        corrupt.add(new Entry(1, DeltaCompression.CONTINUE, damaged));
        write("compression_corrupt_stream", "The second payload of a stream with a block of the reserved type 3.", true, corrupt,
                deltas.subList(0, 1), ErrorCode.MALFORMED_COMPRESSION, "HY-COMP-007");

        write("compression_final_block", "A payload that ends the DEFLATE stream: its block has BFINAL set.", true,
                List.of(new Entry(1, DeltaCompression.RESTART, finished(deltas.get(0)))), List.of(), ErrorCode.MALFORMED_COMPRESSION,
                "HY-COMP-004", "HY-COMP-007");

        write("compression_continuation_without_stream", "The first compressed payload of a channel continues a stream (1) that "
                + "the channel does not have.", true, List.of(new Entry(1, DeltaCompression.CONTINUE, stream.get(0).payload())),
                List.of(), ErrorCode.MALFORMED_COMPRESSION, "HY-COMP-006");

        List<Entry> afterNone = new ArrayList<>(stream.subList(0, 1));
        afterNone.add(new Entry(1, DeltaCompression.NONE, deltas.get(1)));
        afterNone.add(new Entry(1, DeltaCompression.CONTINUE, stream.get(1).payload()));
        write("compression_continuation_after_uncompressed", "A stream, an uncompressed delta that ends it, then a payload that "
                        + "continues the ended stream.", true, afterNone, deltas.subList(0, 2), ErrorCode.MALFORMED_COMPRESSION,
                "HY-COMP-005", "HY-COMP-006");

        write("compression_not_negotiated", "A compressed payload on a session that did not select deflate.", false,
                stream.subList(0, 1), List.of(), ErrorCode.MALFORMED_COMPRESSION, "HY-COMP-001", "HY-COMP-006");

        write("compression_unknown_value", "A Delta whose compression is 3, which no revision defines.", true,
                List.of(new Entry(1, 3, stream.get(0).payload())), List.of(), ErrorCode.MALFORMED_COMPRESSION, "HY-COMP-006");

        List<Entry> many = new ArrayList<>();
        List<byte[]> inflated = new ArrayList<>();
        for (long channel = 1; channel <= CompressionLimits.MAX_COMPRESSED_CHANNELS + 1; channel++) {
            many.add(compress(channel, deltas.subList(0, 1)).get(0));
            inflated.add(deltas.get(0));
        }
        write("compression_too_many_streams", "Seventeen channels each start a stream: one more than MAX_COMPRESSED_CHANNELS.", true,
                many, inflated.subList(0, CompressionLimits.MAX_COMPRESSED_CHANNELS), ErrorCode.COMPRESSION_LIMIT_EXCEEDED, "HY-COMP-010");
    }

    /** The deltas of {@code rounds} rounds of 24 sensor writes each, as payloads: what a sensor's peer sends. */
    static List<byte[]> sensorDeltas(int rounds) {
        ReplicaId replica = ReplicaId.fromHex("5e4503000000000000000000000000a1");
        Random readings = new Random(42);
        long time = 1_767_225_600_000L;
        CausalState<ORMap> state = new CausalState<>(ORMap.EMPTY, CausalContext.EMPTY);
        List<byte[]> deltas = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            CausalState<ORMap> roundDelta = new CausalState<>(ORMap.EMPTY, CausalContext.EMPTY);
            for (int k = 0; k < 24; k++) {
                double reading = Math.round((15 + readings.nextDouble() * 15) * 10) / 10.0;
                CausalContext context = state.context();
                long timestamp = time + round * 1000L + k;
                CausalState<ORMap> delta = state.store().update(Value.of("sensor-" + k), CrdtType.LWW_REGISTER,
                        (LWWRegister r) -> r.write(context, replica, Value.of(reading), timestamp));
                state = state.join(delta);
                roundDelta = roundDelta.join(delta);
            }
            deltas.add(Codec.encode(roundDelta));
        }
        return deltas;
    }

    /** The Deltas that the reference implementation sends for {@code payloads} on a fresh stream of {@code channel}. */
    private static List<Entry> compress(long channel, List<byte[]> payloads) {
        List<Entry> entries = new ArrayList<>();
        try (DeltaCompression sender = new DeltaCompression(true)) {
            long seq = 0;
            for (byte[] payload : payloads) {
                SessionMessage.Delta d = sender.compress(new SessionMessage.Delta(channel, SessionMessage.Kind.INTERVAL, seq, ++seq, payload),
                        c -> true);
                if (d.compression() == DeltaCompression.NONE) {
                    throw new IllegalStateException("a vector's delta was not compressed");
                }
                entries.add(new Entry(channel, d.compression(), d.payload()));
            }
        }
        return entries;
    }

    /** Bytes that compress by less than MAX_COMPRESSION_RATIO, one more than MAX_PAYLOAD_SIZE of them. */
    private static byte[] pastMaxPayloadSize() {
        byte[] bytes = new byte[Limits.MAX_PAYLOAD_SIZE + 1];
        Random random = new Random(7);
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = random.nextInt(100) == 0 ? (byte) random.nextInt() : 0;
        }
        return bytes;
    }

    /** A sync flush of {@code data} as the first payload of a stream, without its last four bytes, at the best level. */
    private static byte[] syncFlush(byte[] data) {
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
        deflater.setInput(data);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        byte[] chunk = new byte[65536];
        int n;
        do {
            n = deflater.deflate(chunk, 0, chunk.length, Deflater.SYNC_FLUSH);
            bytes.write(chunk, 0, n);
        } while (n == chunk.length);
        deflater.end();
        byte[] all = bytes.toByteArray();
        return Arrays.copyOf(all, all.length - 4);
    }

    /** {@code data} deflated as a whole stream, ending with a final block. */
    private static byte[] finished(byte[] data) {
        Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        deflater.setInput(data);
        deflater.finish();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        byte[] chunk = new byte[4096];
        while (!deflater.finished()) {
            bytes.write(chunk, 0, deflater.deflate(chunk));
        }
        deflater.end();
        return bytes.toByteArray();
    }

    private void write(String id, String description, boolean negotiated, List<Entry> entries, List<byte[]> expected, ErrorCode error,
                       String... requirements) throws ProtocolException {
        String problem = replay(negotiated, entries, expected, error);
        if (problem != null) {
            throw new IllegalStateException(id + ": " + problem);
        }
        String result = error == null ? "valid" : "invalid";
        Map<String, Object> v = out.header(AREA, id, result, description, List.of(requirements));
        v.put("operation", "inflate");
        v.put("negotiated", negotiated);
        List<Map<String, Object>> list = new ArrayList<>();
        for (Entry e : entries) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("channel", e.channel());
            m.put("compression", e.compression());
            m.put("payload", HEX.formatHex(e.payload()));
            list.add(m);
        }
        v.put("deltas", list);
        v.put("expected", expected.stream().map(HEX::formatHex).toList());
        if (error != null) {
            v.put("error", Map.of("code", error.value(), "name", error.name()));
            v.put("phase", ProtocolException.Phase.FRAME.label());
        }
        out.write(AREA, result, id, v);
    }

    /**
     * Replays a case on a receiver: null when every Delta before the last inflates to its expected payload and the
     * last does too (valid) or is refused with {@code error} in the phase frame (invalid); else what went wrong.
     */
    static String replay(boolean negotiated, List<Entry> entries, List<byte[]> expected, ErrorCode error) {
        try (DeltaCompression receiver = new DeltaCompression(negotiated)) {
            for (int i = 0; i < entries.size(); i++) {
                Entry e = entries.get(i);
                byte[] payload;
                try {
                    payload = receiver.inflate(e.channel(), e.compression(), e.payload(), c -> true);
                } catch (ProtocolException refused) {
                    if (error == null || i != entries.size() - 1) {
                        return "delta " + (i + 1) + " refused: " + refused.getMessage();
                    }
                    if (refused.code() != error) {
                        return "refused with " + refused.code() + ", not " + error + ": " + refused.getMessage();
                    }
                    if (refused.phase().orElse(null) != ProtocolException.Phase.FRAME) {
                        return "refused in another phase than frame";
                    }
                    return null;
                }
                if (i >= expected.size() || !Arrays.equals(payload, expected.get(i))) {
                    return "delta " + (i + 1) + " inflated to other bytes than expected";
                }
            }
            return error == null ? null : "accepted, but should be refused with " + error;
        }
    }

    /** Checks a vector file of the area against the reference implementation; null when it passes. */
    static String check(JsonNode v) {
        List<Entry> entries = new ArrayList<>();
        v.path("deltas").forEach(d -> entries.add(new Entry(d.path("channel").asLong(), d.path("compression").asInt(),
                HEX.parseHex(d.path("payload").asText()))));
        List<byte[]> expected = new ArrayList<>();
        v.path("expected").forEach(p -> expected.add(HEX.parseHex(p.asText())));
        ErrorCode error = v.has("error") ? ErrorCode.of(v.path("error").path("code").asInt()) : null;
        if (v.has("error") && error == null) {
            return "an error code this implementation does not know";
        }
        if (error != null && !v.path("phase").asText().equals(ProtocolException.Phase.FRAME.label())) {
            return "a compression refusal is made in the phase frame, not " + v.path("phase").asText();
        }
        return replay(v.path("negotiated").asBoolean(), entries, expected, error);
    }
}
