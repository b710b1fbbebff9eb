package dev.hyphae.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.HexFormat;
import java.util.List;

/**
 * The implementation under test, as the checks see it: one method per request of the adapter protocol
 * (specification, chapter "Conformance"), each returning the adapter's {@link Response} as it came. Byte
 * strings travel as lower-case hexadecimal (HY-CONV-003).
 */
public final class Sut {

    private static final HexFormat HEX = HexFormat.of();

    private Sut() {
    }

    /**
     * Sends {@code request}. An answer {@code unsupported} to a request that the adapter's claims oblige it to carry
     * out ends the check as failed, not as unsupported (HY-CONF-020), whatever the check would have made of it.
     */
    private static Response send(ObjectNode request) {
        Response response = Suite.current().adapter().send(request, Suite::requestBelongsToCheckInProgress);
        if (response.kind() == Response.Kind.UNSUPPORTED) {
            Claims.covering(Suite.current().hello(), request).ifPresent(why -> {
                throw new BrokenClaim("the adapter answered unsupported (\"" + response.text() + "\") to " + request.path("op").asText()
                        + ", which it must carry out: " + why + " (" + BrokenClaim.REQUIREMENT + ")");
            });
        }
        return response;
    }

    /** {@code decode}: the JSON view of the state that {@code payload} holds, or a refusal. */
    public static Response decode(byte[] payload) {
        return send(Adapter.request("decode").put("payload", HEX.formatHex(payload)));
    }

    /**
     * {@code decode} of a payload as a session's Delta carries it: read against the session replica table
     * {@code replicas} (32 hex digits each, in the table's order) when it has no replica table of its own.
     */
    public static Response decode(byte[] payload, List<String> replicas) {
        ObjectNode request = Adapter.request("decode").put("payload", HEX.formatHex(payload));
        replicas.forEach(request.putArray("replicas")::add);
        return send(request);
    }

    /**
     * {@code decode} of a payload as a session's Delta carries it, against both session tables: the replica table
     * {@code replicas} and the key table {@code keys}, map keys in the vectors' value notation, in the table's order,
     * which the {@code key_indexes} of a payload in session form name (chapter "Encoding", section "Key indexes").
     */
    public static Response decode(byte[] payload, List<String> replicas, JsonNode keys) {
        ObjectNode request = Adapter.request("decode").put("payload", HEX.formatHex(payload));
        replicas.forEach(request.putArray("replicas")::add);
        request.set("keys", keys);
        return send(request);
    }

    /** {@code encode} in session form against both session tables, {@code replicas} and the key table {@code keys}. */
    public static Response encode(JsonNode view, List<String> replicas, JsonNode keys) {
        ObjectNode request = Adapter.request("encode");
        request.set("view", view);
        replicas.forEach(request.putArray("replicas")::add);
        request.set("keys", keys);
        return send(request);
    }

    /** {@code encode}: a payload of the state whose JSON view is {@code view}. */
    public static Response encode(JsonNode view) {
        ObjectNode request = Adapter.request("encode");
        request.set("view", view);
        return send(request);
    }

    /** {@code encode} in session form: a payload of the state without a replica table, against {@code replicas}. */
    public static Response encode(JsonNode view, List<String> replicas) {
        ObjectNode request = Adapter.request("encode");
        request.set("view", view);
        replicas.forEach(request.putArray("replicas")::add);
        return send(request);
    }

    /**
     * {@code decode} of a payload in the compact form, whose replica indexes refer to {@code replicas} (32 hex digits
     * each, index 0 first).
     */
    public static Response decodeCompact(byte[] payload, List<String> replicas) {
        ObjectNode request = Adapter.request("decode").put("payload", HEX.formatHex(payload)).put("form", "compact");
        replicas.forEach(request.putArray("replicas")::add);
        return send(request);
    }

    /** {@code encode} in the compact form under {@code replicas}: a payload, or {@code null} if the form cannot hold the state. */
    public static Response encodeCompact(JsonNode view, List<String> replicas) {
        ObjectNode request = Adapter.request("encode").put("form", "compact");
        request.set("view", view);
        replicas.forEach(request.putArray("replicas")::add);
        return send(request);
    }

    /** {@code join}: the payloads decoded and joined left to right; the result has {@code payload} and {@code view}. */
    public static Response join(List<byte[]> payloads) {
        ObjectNode request = Adapter.request("join");
        ArrayNode list = request.putArray("payloads");
        payloads.forEach(p -> list.add(HEX.formatHex(p)));
        return send(request);
    }

    /**
     * {@code mutate}: runs a delta-mutator on a state; the result has {@code delta} and {@code state}, two
     * payloads, or {@code refused} when the mutation is refused.
     *
     * @param state     the state's payload, or null for the empty state of {@code typeId}
     * @param typeId    the CRDT type id of the state's root
     * @param replica   the replica that mutates, 32 hex digits
     * @param timestamp the timestamp of a register write, or null
     * @param mutation  the mutation: {@code op} and its arguments
     */
    public static Response mutate(byte[] state, int typeId, String replica, Long timestamp, JsonNode mutation) {
        ObjectNode request = Adapter.request("mutate");
        if (state != null) {
            request.put("state", HEX.formatHex(state));
        }
        request.put("type", Integer.toString(typeId));
        request.put("replica", replica);
        if (timestamp != null) {
            request.put("timestamp", Long.toUnsignedString(timestamp));
        }
        request.set("mutation", mutation);
        return send(request);
    }

    /** {@code query}: the value of the state that {@code payload} holds. */
    public static Response query(byte[] payload) {
        return send(Adapter.request("query").put("payload", HEX.formatHex(payload)));
    }

    /** {@code handshakeStart}: a new handshake in {@code role}, set up as {@code side} says. */
    public static Response handshakeStart(String role, JsonNode side) {
        ObjectNode request = Adapter.request("handshakeStart").put("role", role);
        request.set("side", side);
        return send(request);
    }

    /** {@code handshakeRead}: the handshake {@code handle} reads {@code message}. */
    public static Response handshakeRead(String handle, byte[] message) {
        return send(Adapter.request("handshakeRead").put("handshake", handle).put("message", HEX.formatHex(message)));
    }

    /** {@code channelReceive}: the completed handshake {@code handle}'s framed channel receives {@code stream}. */
    public static Response channelReceive(String handle, int receiveFrameSize, byte[] stream) {
        return send(Adapter.request("channelReceive").put("handshake", handle).put("receiveFrameSize", receiveFrameSize)
                .put("stream", HEX.formatHex(stream)));
    }

    /** One {@code Delta} that a session receives, reduced to what compression concerns. */
    public record CompressedDelta(long channel, int compression, byte[] payload) {
    }

    /**
     * {@code inflate}: the payloads that a session, on which compression is in force when {@code negotiated}, takes
     * from {@code deltas}; the result has {@code payloads}, one for each delta taken, and {@code error}, null or the
     * refusal of the delta after them.
     */
    public static Response inflate(boolean negotiated, List<CompressedDelta> deltas) {
        ObjectNode request = Adapter.request("inflate").put("negotiated", negotiated);
        ArrayNode list = request.putArray("deltas");
        for (CompressedDelta d : deltas) {
            list.addObject().put("channel", d.channel()).put("compression", d.compression()).put("payload", HEX.formatHex(d.payload()));
        }
        return send(request);
    }

    /**
     * {@code receiveDeltas}: what a session takes from {@code messages}, the bytes of the Delta messages that its peer
     * sends after a first Open naming {@code opener}; the result has {@code results}, for each Delta taken the view of
     * its payload or the payload's refusal, and {@code error}, null or the refusal that ends the session after them.
     */
    public static Response receiveDeltas(String opener, List<byte[]> messages) {
        ObjectNode request = Adapter.request("receiveDeltas").put("opener", opener);
        ArrayNode list = request.putArray("messages");
        messages.forEach(m -> list.add(HEX.formatHex(m)));
        return send(request);
    }

    /**
     * The result of {@code response}, or the end of the check: unsupported when the adapter says so, failed
     * when it refused, failed or crashed.
     */
    public static JsonNode result(Response response, String doing) {
        switch (response.kind()) {
            case RESULT:
                return response.result();
            case UNSUPPORTED:
                throw new Unsupported(doing + ": " + response.text());
            default:
                throw new AssertionError(doing + ": " + response.describe());
        }
    }

    /** Ends the check as unsupported if {@code response} says "unsupported"; returns it otherwise. */
    public static Response supported(Response response, String doing) {
        if (response.kind() == Response.Kind.UNSUPPORTED) {
            throw new Unsupported(doing + ": " + response.text());
        }
        return response;
    }

    /** Ends the check as unsupported unless the adapter claims {@code profile}. */
    public static void requireProfile(Profile profile) {
        if (!Suite.current().hello().profiles().contains(profile)) {
            throw new Unsupported("the adapter does not claim the profile " + profile.title());
        }
    }

    /** Ends the check as unsupported unless the adapter implements the CRDT type {@code typeId}. */
    public static void requireType(int typeId) {
        if (!Suite.current().hello().crdtTypes().contains(typeId)) {
            throw new Unsupported("the adapter does not implement CRDT type " + typeId);
        }
    }

    /** Ends the check as unsupported unless the adapter implements every CRDT type of version 1 that {@code view} holds. */
    public static void requireTypesOf(JsonNode view) {
        Claims.versionOneTypes(view).forEach(Sut::requireType);
    }

    /**
     * The payload of an {@code encode} result, or the end of the check as failed when there is none: every state that
     * a check asks the adapter to encode can be carried by one payload in the form asked for, so {@code null} (or no
     * payload at all) breaks HY-CONF-067.
     *
     * @param result the result of the {@code encode} request
     * @param input  the request, as a failure states its input: the form asked for and the view
     */
    public static byte[] payload(JsonNode result, String input) {
        JsonNode payload = result.path("payload");
        if (payload.isTextual()) {
            try {
                return bytes(payload);
            } catch (IllegalArgumentException e) {
                // Not hexadecimal: reported below as no payload.
            }
        }
        // The rule is HY-CONF-067 whatever the check that asked: its failure names it beside the check's own ids.
        throw new Counterexamples.Failure("an adapter answers encode with a payload, not null, for every state that one payload in the "
                + "form asked for can carry (HY-CONF-067)\ninput: " + input + "\nexpected: a payload\nactual: "
                + (payload.isMissingNode() ? "no member payload" : payload), List.of("HY-CONF-067"));
    }

    /** Bytes from hex. */
    public static byte[] bytes(JsonNode hex) {
        return HEX.parseHex(hex.asText());
    }

    /** Bytes from hex. */
    public static byte[] bytes(String hex) {
        return HEX.parseHex(hex);
    }

    /** Hex from bytes. */
    public static String hex(byte[] bytes) {
        return HEX.formatHex(bytes);
    }
}
