package dev.hyphae.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.flatbuffers.FlatBufferBuilder;
import dev.hyphae.ErrorCode;
import dev.hyphae.ProtocolException;
import dev.hyphae.codec.Codec;
import dev.hyphae.codec.ExternalTables;
import dev.hyphae.codec.JsonView;
import dev.hyphae.crdt.CausalState;
import dev.hyphae.crdt.Crdt;
import dev.hyphae.crdt.CrdtType;
import dev.hyphae.crdt.LWWRegister;
import dev.hyphae.crdt.ORMap;
import dev.hyphae.data.CausalContext;
import dev.hyphae.data.ReplicaId;
import dev.hyphae.data.Value;
import dev.hyphae.session.DeltaCompression;
import dev.hyphae.session.SessionCodec;
import dev.hyphae.session.SessionLimits;
import dev.hyphae.session.SessionMessage;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The session vectors (area {@code session}, operation {@code receiveDeltas}): what one side of a session takes from
 * the Delta messages that its peer sends, given the replica id of the peer's first Open ({@code opener}) and the bytes
 * of each Delta ({@code messages}). They show the session tables at work (specification, chapter "Session", sections
 * "Session replica tables" and "Session key tables"): declarations that later payloads name by index, declarations
 * that survive a refused payload, and each way in which a declaration ends the session. For each Delta taken, a case
 * gives the JSON view of its payload or the refusal of that payload ({@code expected}); an invalid case gives the
 * refusal with which the last Delta ends the session. The expected views are rendered from the states as built, and
 * every case is replayed against the reference implementation ({@link DeltaReceiver}) before it is written.
 */
final class SessionVectors {

    static final String AREA = "session";
    static final String OPERATION = "receiveDeltas";

    private static final HexFormat HEX = HexFormat.of();
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The peer: the replica id of its first Open, entry 0 of the table of its direction (HY-SESS-110). */
    private static final ReplicaId A = ReplicaId.fromHex("a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1");
    private static final ReplicaId B = ReplicaId.fromHex("b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2");
    private static final ReplicaId C = ReplicaId.fromHex("c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3");
    private static final long T0 = 1_767_225_600_000L;

    /** What a case expects of one Delta that the receiver takes: the state of its payload, or the code refusing it. */
    private record Expect(CausalState<? extends Crdt> state, ErrorCode refused, ProtocolException.Phase phase) {
        static Expect view(CausalState<? extends Crdt> state) {
            return new Expect(state, null, null);
        }

        static Expect refused(ErrorCode code, ProtocolException.Phase phase) {
            return new Expect(null, code, phase);
        }
    }

    private final VectorWriter out;
    /** The document of the peer, which every write of a case extends; reset at the start of each case. */
    private CausalState<ORMap> document;
    private long clock;

    SessionVectors(VectorWriter out) {
        this.out = out;
    }

    void write() throws ProtocolException {
        declarationsThenIndexes();
        refusedPayloadsKeepTheirDeclarations();
        otherForms();
        declaredTwice();
        tablesThatOverflow();
        malformedDeclarations();
    }

    private void declarationsThenIndexes() throws ProtocolException {
        start();
        CausalState<ORMap> first = write(A, "sensor-0", 21.5).join(write(B, "sensor-1", 19.25));
        CausalState<ORMap> second = write(B, "sensor-0", 21.75).join(write(A, "sensor-1", 19.5));
        List<Value> keys = keys("sensor-0", "sensor-1");
        write("session_declarations_then_indexes", "The first Delta declares replica B and two keys, and its payload names A "
                        + "(entry 0, from the Open), B and both keys by index; the second declares nothing and names them again.",
                List.of(delta(1, List.of(B), keys, sessionForm(first, List.of(A, B), keys)),
                        delta(2, List.of(), List.of(), sessionForm(second, List.of(A, B), keys))),
                List.of(Expect.view(first), Expect.view(second)), null,
                "HY-SESS-069", "HY-SESS-099", "HY-SESS-110");

        start();
        CausalState<ORMap> typed = write(A, "7", 1.0);
        List<Value> mixed = List.of(Value.of(7L), Value.of("7"), Value.of(new byte[] {'7'}));
        write("session_keys_of_three_kinds", "A Delta declares the int64 key 7, the string key \"7\" and the bytes key 37: "
                        + "three different keys (HY-DATA-016); its payload names the string key by index 1.",
                List.of(delta(1, List.of(), mixed, sessionForm(typed, List.of(A), mixed))),
                List.of(Expect.view(typed)), null, "HY-SESS-094", "HY-SESS-096", "HY-SESS-099");
    }

    private void refusedPayloadsKeepTheirDeclarations() throws ProtocolException {
        start();
        // Encoded against a key table one longer than the receiver's: its key index 1 is past the table.
        CausalState<ORMap> pastKeys = write(C, "sensor-3", 18.0);
        CausalState<ORMap> after = write(C, "sensor-2", 18.5);
        write("session_key_index_past_the_table_keeps_the_declarations", "The first Delta declares replica C and the key "
                        + "sensor-2, and its payload names a key by index 1, past the key table: the payload is refused and the "
                        + "session goes on with both declarations, which the second Delta's payload names.",
                List.of(delta(1, List.of(C), keys("sensor-2"), sessionForm(pastKeys, List.of(A, C), keys("sensor-2", "sensor-3"))),
                        delta(2, List.of(), List.of(), sessionForm(after, List.of(A, C), keys("sensor-2")))),
                List.of(Expect.refused(ErrorCode.MALFORMED_DELTA, ProtocolException.Phase.DECODE), Expect.view(after)), null,
                "HY-SESS-100", "HY-ENC-103", "HY-SESS-094");

        start();
        CausalState<ORMap> byB = write(B, "sensor-0", 20.0);
        write("session_replica_index_past_the_table_keeps_the_declarations", "The first Delta declares the key sensor-0 and no "
                        + "replica, and its payload names replica index 1, past the replica table: the payload is refused; the "
                        + "second declares B, and the same payload is taken.",
                List.of(delta(1, List.of(), keys("sensor-0"), sessionForm(byB, List.of(A, B), keys("sensor-0"))),
                        delta(2, List.of(B), List.of(), sessionForm(byB, List.of(A, B), keys("sensor-0")))),
                List.of(Expect.refused(ErrorCode.MALFORMED_DELTA, ProtocolException.Phase.DECODE), Expect.view(byB)), null,
                "HY-SESS-070", "HY-ENC-056", "HY-SESS-063");
    }

    private void otherForms() throws ProtocolException {
        start();
        CausalState<ORMap> compact = write(B, "sensor-4", 22.0);
        byte[] compactBytes = Codec.encodeCompact(compact, List.of(A, B))
                .orElseThrow(() -> new IllegalStateException("one write has a compact form"));
        write("session_compact_payload_against_the_table", "A Delta declares replica B and carries a payload in the compact form, "
                        + "which names B by its index 1 in the replica table.",
                List.of(encode(new SessionMessage.Delta(1, SessionMessage.Kind.INTERVAL, 0, 1, compactBytes, List.of(B), true))),
                List.of(Expect.view(compact)), null, "HY-SESS-063", "HY-SESS-076");

        start();
        CausalState<ORMap> own = write(C, "sensor-5", 17.0);
        CausalState<ORMap> byB = write(B, "sensor-6", 17.5);
        write("session_self_contained_payload_beside_declarations", "A Delta declares replica B and the key sensor-5, but its "
                        + "payload has a replica table of its own, naming C: the payload is read against that table alone, and "
                        + "the declarations still join the session's tables, as the second Delta's payload shows.",
                List.of(delta(1, List.of(B), keys("sensor-5"), Codec.encode(own)),
                        delta(2, List.of(), keys("sensor-6"), sessionForm(byB, List.of(A, B), keys("sensor-5", "sensor-6")))),
                List.of(Expect.view(own), Expect.view(byB)), null, "HY-SESS-063", "HY-SESS-069", "HY-SESS-094");
    }

    private void declaredTwice() throws ProtocolException {
        start();
        CausalState<ORMap> first = write(B, "sensor-0", 20.0);
        CausalState<ORMap> second = write(B, "sensor-0", 20.5);
        write("session_replica_declared_again", "The second Delta declares replica B, which the first declared.",
                List.of(delta(1, List.of(B), List.of(), sessionForm(first, List.of(A, B), List.of())),
                        delta(2, List.of(B), List.of(), sessionForm(second, List.of(A, B), List.of()))),
                List.of(Expect.view(first)), ErrorCode.PROTOCOL_VIOLATION, "HY-SESS-067");

        start();
        CausalState<ORMap> mine = write(A, "sensor-0", 20.0);
        write("session_opener_declared", "The first Delta declares replica A, which the peer's first Open put in the table as "
                        + "entry 0.",
                List.of(delta(1, List.of(A), List.of(), sessionForm(mine, List.of(A), List.of()))),
                List.of(), ErrorCode.PROTOCOL_VIOLATION, "HY-SESS-067", "HY-SESS-110");

        start();
        mine = write(A, "sensor-0", 20.0);
        write("session_key_declared_twice_in_one_delta", "A Delta declares the key sensor-0 twice.",
                List.of(delta(1, List.of(), keys("sensor-0", "sensor-1", "sensor-0"), sessionForm(mine, List.of(A), List.of()))),
                List.of(), ErrorCode.PROTOCOL_VIOLATION, "HY-SESS-096");

        start();
        first = write(A, "sensor-0", 20.0);
        second = write(A, "sensor-0", 20.5);
        List<Value> declared = List.of(Value.of("sensor-0"), Value.of(7L));
        write("session_key_declared_again", "The first Delta declares the keys sensor-0 and 7; the second declares sensor-0 again.",
                List.of(delta(1, List.of(), declared, sessionForm(first, List.of(A), declared)),
                        delta(2, List.of(), keys("sensor-0"), sessionForm(second, List.of(A), declared))),
                List.of(Expect.view(first)), ErrorCode.PROTOCOL_VIOLATION, "HY-SESS-096");
    }

    private void tablesThatOverflow() throws ProtocolException {
        start();
        CausalState<ORMap> first = write(A, "sensor-0", 20.0);
        List<ReplicaId> many = new ArrayList<>();
        for (int i = 1; i < SessionLimits.MAX_SESSION_REPLICAS; i++) {
            byte[] id = new byte[16];
            id[0] = (byte) 0xd4;
            id[14] = (byte) (i >>> 8);
            id[15] = (byte) i;
            many.add(ReplicaId.of(id));
        }
        CausalState<ORMap> second = write(A, "sensor-0", 20.5);
        write("session_replica_table_overflows", "The first Delta declares 4,095 replica ids, which with the opener's fill the "
                        + "table to MAX_SESSION_REPLICAS; the second declares one more.",
                List.of(delta(1, many, List.of(), sessionForm(first, List.of(A), List.of())),
                        delta(2, List.of(C), List.of(), sessionForm(second, List.of(A), List.of()))),
                List.of(Expect.view(first)), ErrorCode.LIMIT_EXCEEDED, "HY-SESS-068");

        start();
        first = write(A, "sensor-0", 20.0);
        second = write(A, "sensor-0", 20.5);
        List<Value> ints = new ArrayList<>();
        for (long i = 0; i < SessionLimits.MAX_SESSION_KEYS; i++) {
            ints.add(Value.of(i));
        }
        write("session_key_table_overflows_its_count", "The first Delta declares the int64 keys 0 to 16,383, which fill the key "
                        + "table to MAX_SESSION_KEYS; the second declares one more key.",
                List.of(delta(1, List.of(), ints, sessionForm(first, List.of(A), List.of())),
                        delta(2, List.of(), keys("sensor-0"), sessionForm(second, List.of(A), List.of()))),
                List.of(Expect.view(first)), ErrorCode.LIMIT_EXCEEDED, "HY-SESS-097");

        start();
        first = write(A, "sensor-0", 20.0);
        second = write(A, "sensor-0", 20.5);
        int length = 4096;
        List<Value> long64 = new ArrayList<>();
        for (int i = 0; i < SessionLimits.MAX_SESSION_KEY_BYTES / length; i++) {
            long64.add(Value.of("k".repeat(length - 4) + String.format("%04d", i)));
        }
        write("session_key_table_overflows_its_bytes", "The first Delta declares 64 string keys of 4,096 bytes each, front-coded "
                        + "to a few bytes each after the first, which fill the key table to MAX_SESSION_KEY_BYTES; the second "
                        + "declares a key of one byte.",
                List.of(delta(1, List.of(), long64, sessionForm(first, List.of(A), List.of())),
                        delta(2, List.of(), keys("z"), sessionForm(second, List.of(A), List.of()))),
                List.of(Expect.view(first)), ErrorCode.LIMIT_EXCEEDED, "HY-SESS-097");
    }

    private void malformedDeclarations() throws ProtocolException {
        start();
        byte[] payload = sessionForm(write(A, "sensor-0", 20.0), List.of(A), List.of());
        // Kind 3 (int64) and Length 16,385 as a varint (81 80 01): refused as the Length is read, though no key follows.
        write("session_key_run_announces_too_many_keys", "A Delta whose keys is one key run announcing 16,385 int64 keys, one "
                        + "more than MAX_SESSION_KEYS, and holding none.",
                List.of(rawDelta(payload, new byte[0], new byte[] {3, (byte) 0x81, (byte) 0x80, 0x01})),
                List.of(), ErrorCode.LIMIT_EXCEEDED, "HY-SESS-097", "HY-SESS-105");
        write("session_key_run_of_a_kind_no_key_has", "A Delta whose keys is a key run of Kind 4 (float64), which no map key has.",
                List.of(rawDelta(payload, new byte[0], new byte[] {4, 1, 0})),
                List.of(), ErrorCode.MALFORMED_MESSAGE, "HY-SESS-093");
        write("session_key_run_cut_short", "A Delta whose keys is a key run of two string keys that ends after the first.",
                List.of(rawDelta(payload, new byte[0], new byte[] {5, 2, 0, 1, 'a'})),
                List.of(), ErrorCode.MALFORMED_MESSAGE, "HY-SESS-093");
        byte[] seventeen = new byte[17];
        seventeen[0] = 1;
        write("session_replicas_not_whole_ids", "A Delta whose replicas field is 17 bytes long, not a multiple of 16.",
                List.of(rawDelta(payload, seventeen, new byte[0])),
                List.of(), ErrorCode.MALFORMED_MESSAGE, "HY-SESS-066");
    }

    // ---- building a case ------------------------------------------------------------------------------------------

    private void start() {
        document = new CausalState<>(ORMap.EMPTY, CausalContext.EMPTY);
        clock = T0;
    }

    /** The delta of a write of {@code reading} by {@code replica} to the LWW register under {@code key}; the document takes it. */
    private CausalState<ORMap> write(ReplicaId replica, String key, double reading) {
        CausalContext context = document.context();
        long timestamp = ++clock;
        CausalState<ORMap> delta = document.store().update(Value.of(key), CrdtType.LWW_REGISTER,
                (LWWRegister r) -> r.write(context, replica, Value.of(reading), timestamp));
        document = document.join(delta);
        return delta;
    }

    private static List<Value> keys(String... keys) {
        return java.util.Arrays.stream(keys).map(Value::of).toList();
    }

    /** {@code state} in session form against the tables {@code replicas} and {@code keys}. */
    private static byte[] sessionForm(CausalState<? extends Crdt> state, List<ReplicaId> replicas, List<Value> keys)
            throws ProtocolException {
        ExternalTables tables = new ExternalTables(replicas, keys);
        byte[] bytes = Codec.encode(state, tables);
        if (!Codec.decode(bytes, tables).state().equals(state)) {
            throw new IllegalStateException("a session-form payload that does not decode to its state");
        }
        return bytes;
    }

    /** A Delta of channel 1, the interval of entry {@code seq}, uncompressed, with its declarations and payload. */
    private static byte[] delta(long seq, List<ReplicaId> replicas, List<Value> keys, byte[] payload) {
        return encode(new SessionMessage.Delta(1, SessionMessage.Kind.INTERVAL, seq - 1, seq, payload, replicas, false,
                DeltaCompression.NONE, 0, keys));
    }

    private static byte[] encode(SessionMessage.Delta delta) {
        return SessionCodec.encode(delta);
    }

    /** A Delta whose {@code replicas} and {@code keys} are given as bytes (empty: absent), which the encoder would not write. */
    private static byte[] rawDelta(byte[] payload, byte[] replicas, byte[] keys) {
        FlatBufferBuilder b = new FlatBufferBuilder(128);
        int payloadAt = hyphae.v1.Delta.createPayloadVector(b, payload);
        int replicasAt = replicas.length == 0 ? 0 : hyphae.v1.Delta.createReplicasVector(b, replicas);
        int keysAt = keys.length == 0 ? 0 : hyphae.v1.Delta.createKeysVector(b, keys);
        int delta = hyphae.v1.Delta.createDelta(b, 1, 1, 0, 1, payloadAt, 0, replicasAt, 0, 0, keysAt);
        b.finish(hyphae.v1.SessionMessage.createSessionMessage(b, hyphae.v1.Message.Delta, delta), SessionCodec.FILE_IDENTIFIER);
        return b.sizedByteArray();
    }

    private void write(String id, String description, List<byte[]> messages, List<Expect> expected, ErrorCode error,
                       String... requirements) {
        String result = error == null ? "valid" : "invalid";
        Map<String, Object> v = out.header(AREA, id, result, description, List.of(requirements));
        v.put("operation", OPERATION);
        v.put("opener", A.toHex());
        v.put("messages", messages.stream().map(HEX::formatHex).toList());
        List<Map<String, Object>> taken = new ArrayList<>();
        for (Expect e : expected) {
            Map<String, Object> m = new LinkedHashMap<>();
            if (e.state() != null) {
                m.put("view", JsonView.of(e.state()));
            } else {
                m.put("error", Map.of("code", e.refused().value(), "name", e.refused().name()));
                m.put("phase", e.phase().label());
            }
            taken.add(m);
        }
        v.put("expected", taken);
        if (error != null) {
            v.put("error", Map.of("code", error.value(), "name", error.name()));
            v.put("phase", ProtocolException.Phase.FRAME.label());
        }
        String problem = check(JSON.valueToTree(v));
        if (problem != null) {
            throw new IllegalStateException(id + ": " + problem);
        }
        out.write(AREA, result, id, v);
    }

    /** Checks a vector file of the area against the reference implementation; null when it passes. */
    static String check(JsonNode v) {
        List<byte[]> messages = new ArrayList<>();
        v.path("messages").forEach(m -> messages.add(HEX.parseHex(m.asText())));
        DeltaReceiver.Outcome outcome;
        try {
            outcome = DeltaReceiver.receive(ReplicaId.fromHex(v.path("opener").asText()), messages);
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
        JsonNode expected = v.path("expected");
        if (outcome.taken().size() != expected.size()) {
            return "took " + outcome.taken().size() + " deltas, expected " + expected.size()
                    + (outcome.ended() == null ? "" : "; the session ended with " + outcome.ended().getMessage());
        }
        for (int i = 0; i < expected.size(); i++) {
            DeltaReceiver.Taken taken = outcome.taken().get(i);
            JsonNode e = expected.get(i);
            if (e.has("view")) {
                if (taken.refused() != null) {
                    return "delta " + (i + 1) + " refused: " + taken.refused().getMessage();
                }
                if (!JSON.valueToTree(JsonView.of(taken.state())).equals(e.path("view"))) {
                    return "delta " + (i + 1) + " decodes to another view than expected";
                }
            } else {
                String problem = refusal(taken.refused(), e);
                if (problem != null) {
                    return "delta " + (i + 1) + ": " + problem;
                }
            }
        }
        if (v.path("result").asText().equals("valid")) {
            return outcome.ended() == null ? null : "the session ended: " + outcome.ended().getMessage();
        }
        if (outcome.ended() == null) {
            return "the session went on, but should end with " + v.path("error").path("name").asText();
        }
        if (!v.path("phase").asText().equals(ProtocolException.Phase.FRAME.label())) {
            return "a refusal that ends the session is made in the phase frame, not " + v.path("phase").asText();
        }
        return outcome.ended().code().value() == v.path("error").path("code").asInt() ? null
                : "the session ended with " + outcome.ended().code() + ", not " + v.path("error").path("name").asText() + ": "
                + outcome.ended().getMessage();
    }

    private static String refusal(ProtocolException refused, JsonNode expected) {
        if (refused == null) {
            return "taken, but should be refused with " + expected.path("error").path("name").asText();
        }
        if (refused.code().value() != expected.path("error").path("code").asInt()) {
            return "refused with " + refused.code() + ", not " + expected.path("error").path("name").asText();
        }
        String phase = refused.phase().map(ProtocolException.Phase::label).orElse("");
        return phase.equals(expected.path("phase").asText()) ? null : "refused in the phase " + phase + ", not "
                + expected.path("phase").asText();
    }
}
