package dev.hyphae.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hyphae.ErrorCode;
import dev.hyphae.ProtocolException;
import dev.hyphae.codec.Codec;
import dev.hyphae.codec.ExternalTables;
import dev.hyphae.codec.JsonView;
import dev.hyphae.codec.Payload;
import dev.hyphae.codec.PayloadNotEncodableException;
import dev.hyphae.codec.PayloadTooLargeException;
import dev.hyphae.crdt.AWSet;
import dev.hyphae.crdt.CausalState;
import dev.hyphae.crdt.Crdt;
import dev.hyphae.crdt.CrdtType;
import dev.hyphae.crdt.EWFlag;
import dev.hyphae.crdt.GCounter;
import dev.hyphae.crdt.LWWRegister;
import dev.hyphae.crdt.MVRegister;
import dev.hyphae.crdt.ORMap;
import dev.hyphae.crdt.PNCounter;
import dev.hyphae.crdt.UnknownCrdt;
import dev.hyphae.data.CausalContext;
import dev.hyphae.data.Dot;
import dev.hyphae.data.MutationRefusedException;
import dev.hyphae.data.ReplicaId;
import dev.hyphae.data.Value;
import dev.hyphae.framing.FramedChannel;
import dev.hyphae.framing.FramingLimits;
import dev.hyphae.handshake.HyphaeHandshake;
import dev.hyphae.handshake.ProtocolVersion;
import dev.hyphae.session.DeltaCompression;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The reference adapter: the reference implementation behind the adapter protocol of the specification's chapter
 * "Conformance", one JSON request per line on standard input, one JSON response per line on standard output. It
 * is what {@code hyphae conformance} drives by default, and the example of an adapter for implementers.
 *
 * <p>With a {@link Defect}, it carries one deliberate bug, so that a test can show that the suite catches it.
 *
 * <p>This class is longer than most because it is the example an implementer copies: one method per request of
 * the adapter protocol, in the order of the chapter's table, each mapping the request onto the reference
 * implementation and its answer back, and the seeded defects beside the code they break.
 */
final class ReferenceAdapter {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HexFormat HEX = HexFormat.of();

    /** The profiles of the adapter protocol, by their names in it. */
    static final String[] PROFILES = {"codec", "replica-semantics", "handshake"};

    /** The seeded defects that an initiator of its own plays, {@link LenientInitiator}. */
    private static final Set<Defect> LENIENT_INITIATOR = EnumSet.of(Defect.ACCEPT_DOWNGRADE, Defect.HS_ERROR_SCOPE_IGNORED,
            Defect.HS_INITIATOR_SKIPS_LOW_ORDER);
    /** The seeded defects that a responder of its own plays, {@link LenientResponder}. */
    private static final Set<Defect> LENIENT_RESPONDER = EnumSet.of(Defect.HS_IGNORE_CRITICAL,
            Defect.HS_FIRST_COMMON_VERSION, Defect.HS_ACCEPT_SMALL_FRAMES, Defect.HS_REPORT_MALFORMED, Defect.HS_ERROR_SELECTION_WITH_FIELDS);

    private final Defect defect;
    private final String version;
    private final List<String> profiles;
    /** Handshakes in progress or complete, by the handle given out in answer to handshakeStart. */
    private final Map<String, Handshake> handshakes = new HashMap<>();
    private int nextHandle = 1;

    /** One side of a handshake: exactly one of the two is set. */
    private static final class Handshake {
        HyphaeHandshake.Initiator initiator;
        LenientInitiator lenient;
        HyphaeHandshake.Responder responder;
        LenientResponder lenientResponder;
        HyphaeHandshake.Result result;
        int read;
    }

    ReferenceAdapter(Defect defect, String version, List<String> profiles) {
        this.defect = defect;
        this.version = version;
        this.profiles = List.copyOf(profiles);
    }

    /** Answers requests until {@code shutdown} or the end of the input. */
    void serve(BufferedReader in, PrintStream out) throws IOException {
        String line;
        while ((line = in.readLine()) != null) {
            if (line.isBlank()) {
                continue;
            }
            ObjectNode response = JSON.createObjectNode();
            JsonNode request;
            try {
                request = JSON.readTree(line);
            } catch (IOException e) {
                response.putNull("id");
                response.put("failure", "a request that is not JSON: " + e.getMessage());
                out.println(JSON.writeValueAsString(response));
                out.flush();
                continue;
            }
            response.set("id", request.path("id"));
            String op = request.path("op").asText();
            if (op.equals("query") && defect == Defect.STALL_ON_QUERY) {
                stall();
            }
            try {
                JsonNode result = handle(op, request);
                response.set("result", result);
            } catch (ProtocolException e) {
                error(response, e);
            } catch (Refusal r) {
                error(response, r.cause);
                response.put("message", HEX.formatHex(r.message));
            } catch (UnsupportedOperationException e) {
                response.put("unsupported", e.getMessage());
            } catch (RuntimeException e) {
                response.put("failure", e.getClass().getSimpleName() + ": " + e.getMessage());
            }
            out.println(JSON.writeValueAsString(response));
            out.flush();
            if (op.equals("shutdown")) {
                return;
            }
            if (op.equals("query") && defect == Defect.EXIT_AFTER_QUERY) {
                System.exit(3);
            }
        }
    }

    /** STALL_ON_QUERY: waits until the suite stops the process, which it does when the request's timeout passes. */
    private static void stall() {
        while (true) {
            try {
                Thread.sleep(Long.MAX_VALUE);
            } catch (InterruptedException e) {
                // Nothing interrupts this thread; keep waiting.
            }
        }
    }

    /** A refusal that sends a message all the same: the responder's report of a failed negotiation. */
    private static final class Refusal extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final transient ProtocolException cause;
        final transient byte[] message;

        Refusal(ProtocolException cause, byte[] message) {
            super(cause.getMessage());
            this.cause = cause;
            this.message = message;
        }
    }

    private void error(ObjectNode response, ProtocolException e) {
        ErrorCode code = e.code();
        if (defect == Defect.WRONG_ERROR_CODE && code == ErrorCode.MALFORMED_DELTA) {
            code = ErrorCode.MALFORMED_MESSAGE;
        }
        code = SeededDefects.code(defect, e, code);
        ObjectNode error = response.putObject("error");
        error.put("code", code.value());
        error.put("name", code.name());
        error.put("message", e.getMessage());
        // The seeded defect LATE_PHASE: the phase that the refusal names is always the last one.
        e.phase().ifPresent(phase -> error.put("phase", defect == Defect.LATE_PHASE ? "apply" : phase.label()));
    }

    /** The profile whose checks use {@code op}, or null for the requests every adapter answers. */
    private static String profileOf(String op) {
        return switch (op) {
            case "decode", "encode", "inflate", "receiveDeltas" -> "codec";
            case "join", "mutate", "query" -> "replica-semantics";
            case "handshakeStart", "handshakeRead", "channelReceive" -> "handshake";
            default -> null;
        };
    }

    private JsonNode handle(String op, JsonNode request) throws ProtocolException {
        String profile = profileOf(op);
        if (profile != null && !profiles.contains(profile)) {
            // A partial implementation: what it lacks, it says it lacks.
            throw new UnsupportedOperationException("this adapter was started without the profile " + profile);
        }
        return switch (op) {
            case "hello" -> hello();
            case "decode" -> JSON.createObjectNode().set("view", view(compact(request)
                    ? Codec.decodeCompact(hex(request, "payload"), compactTable(request))
                    : decode(hex(request, "payload"), tables(request)).state()));
            case "encode" -> encode(request);
            case "join" -> join(request);
            case "mutate" -> mutate(request);
            case "query" -> query(request);
            case "handshakeStart" -> handshakeStart(request);
            case "handshakeRead" -> handshakeRead(request);
            case "channelReceive" -> channelReceive(request);
            case "inflate" -> inflate(request);
            case "receiveDeltas" -> receiveDeltas(request);
            case "shutdown" -> JSON.createObjectNode();
            default -> throw new UnsupportedOperationException("no request '" + op + "'");
        };
    }

    private JsonNode hello() {
        ObjectNode result = JSON.createObjectNode();
        result.put("name", defect == null ? "hyphae reference implementation" : "hyphae reference implementation, defect " + defect.flag());
        result.put("version", version);
        result.putArray("protocolVersions").add(ProtocolVersion.V1_0.toString());
        ArrayNode claimed = result.putArray("profiles");
        profiles.forEach(claimed::add);
        ArrayNode types = result.putArray("crdtTypes");
        for (CrdtType type : CrdtType.values()) {
            types.add(Integer.toString(type.id()));
        }
        return result;
    }

    // ---- codec --------------------------------------------------------------------------------------------

    private Payload decode(byte[] bytes) throws ProtocolException {
        return decode(bytes, null);
    }

    /** Decodes a payload as a Delta carries it, against the session tables {@code table} if not null. */
    private Payload decode(byte[] bytes, ExternalTables table) throws ProtocolException {
        try {
            Payload payload = Codec.decode(bytes, table);
            SeededDefects.checkDecoded(defect, payload.state());
            return payload;
        } catch (ProtocolException refused) {
            if (SeededDefects.accepts(defect, refused)) {
                return Payload.of(SeededDefects.accepted());
            }
            if (defect == Defect.ACCEPT_TRUNCATED) {
                // The seeded bug: what lies past the end of the input reads as zeros.
                for (int extra = 1; extra <= 16; extra++) {
                    try {
                        return Codec.decode(Arrays.copyOf(bytes, bytes.length + extra), table);
                    } catch (ProtocolException stillRefused) {
                        // Try one more byte.
                    }
                }
            }
            throw refused;
        }
    }

    private JsonNode encode(JsonNode request) {
        CausalState<Crdt> state = ViewReader.state(request.path("view"));
        ExternalTables table = tables(request);
        ObjectNode result = JSON.createObjectNode();
        // HY-CONF-067: null when one payload in the form asked for may not carry the state.
        try {
            if (compact(request)) {
                // Also null when the compact form cannot represent the state (HY-ENC-062).
                result.put("payload", Codec.encodeCompact(state, compactTable(request)).map(HEX::formatHex).orElse(null));
            } else if (defect == Defect.ENCODE_NULL_AGAINST_KEY_TABLE && request.has("keys")) {
                result.putNull("payload");
            } else if (table != null && holdsUnknownType(state.store())) {
                // Data of an unknown type may name replicas by index in the table of the payload that carried it, and
                // travels only in that payload, never against a session's table (HY-CONF-067).
                result.putNull("payload");
            } else {
                // An opaque version of the view is taken as carried by a payload with an empty replica table (HY-VEC-028).
                result.put("payload", HEX.formatHex(table == null ? Codec.encode(state) : Codec.encode(state, table)));
            }
        } catch (PayloadNotEncodableException e) {
            // Beyond a limit of one payload (HY-DATA-043, HY-ENC-050, HY-ENC-063); several versions of a store of unknown
            // type (HY-ENC-051); versions under replica tables that are not prefixes one of the other (HY-ENC-053).
            if (defect == Defect.ENCODE_FAILS_BEYOND_LIMITS && e instanceof PayloadTooLargeException) {
                throw e;
            }
            result.putNull("payload");
        }
        return result;
    }

    /** Whether {@code store} is, or holds at some depth of its maps, a store of a CRDT type that this version does not define. */
    private static boolean holdsUnknownType(Crdt store) {
        return store instanceof UnknownCrdt || (store instanceof ORMap map && map.entries().values().stream()
                .anyMatch(ReferenceAdapter::holdsUnknownType));
    }

    /** Whether the request's {@code form} is {@code compact}; absent, it is {@code columnar}. */
    private static boolean compact(JsonNode request) {
        String form = request.path("form").asText("columnar");
        if (!form.equals("columnar") && !form.equals("compact")) {
            throw new IllegalArgumentException("no payload form '" + form + "'");
        }
        return form.equals("compact");
    }

    /** The replica table of a payload in the compact form: the request's {@code replicas}, empty when absent. */
    private static List<ReplicaId> compactTable(JsonNode request) {
        List<ReplicaId> table = replicas(request);
        return table == null ? List.of() : table;
    }

    /**
     * The session tables of a request in session form: its {@code replicas}, and its optional {@code keys}, a session
     * key table supplied beside the payload as map keys in the vectors' value notation, in its order (chapter 15); null
     * when the request has no {@code replicas}.
     */
    private static ExternalTables tables(JsonNode request) {
        List<ReplicaId> replicas = replicas(request);
        if (replicas == null) {
            if (request.has("keys")) {
                throw new IllegalArgumentException("'keys' without 'replicas': a key table exists only in a session");
            }
            return null;
        }
        List<Value> keys = new ArrayList<>();
        for (JsonNode key : request.path("keys")) {
            keys.add(ViewReader.value(key));
        }
        try {
            return new ExternalTables(replicas, keys);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'keys' holds a key twice, or a value that is not a map key");
        }
    }

    /** The optional {@code replicas} of a request: a replica table supplied beside the payload, in its order (chapter 15), or null. */
    private static List<ReplicaId> replicas(JsonNode request) {
        if (!request.has("replicas")) {
            return null;
        }
        List<ReplicaId> table = new ArrayList<>();
        for (JsonNode id : request.path("replicas")) {
            if (!id.isTextual() || !id.asText().matches("[0-9a-f]{32}")) {
                throw new IllegalArgumentException("'replicas' holds " + id + ", not a replica id as 32 hex digits");
            }
            table.add(ReplicaId.fromHex(id.asText()));
        }
        // fromHex has refused the zero id; no replica table holds an id twice either.
        if (new java.util.HashSet<>(table).size() != table.size()) {
            throw new IllegalArgumentException("'replicas' holds one replica id twice");
        }
        return table;
    }

    private JsonNode join(JsonNode request) throws ProtocolException {
        CausalState<Crdt> state = null;
        for (JsonNode payload : request.path("payloads")) {
            CausalState<Crdt> next = decode(HEX.parseHex(payload.asText())).state();
            if (defect == Defect.UNSUPPORTED_CLAIMED_TYPE && next.store() instanceof ORMap) {
                throw new UnsupportedOperationException("join of ORMap states is not implemented");
            }
            state = state == null ? next : join(state, next);
        }
        if (state == null) {
            throw new IllegalArgumentException("join needs at least one payload");
        }
        ObjectNode result = JSON.createObjectNode();
        result.set("view", view(state));
        try {
            result.put("payload", HEX.formatHex(Codec.encode(state)));
        } catch (PayloadNotEncodableException e) {
            // A value of unknown type with several versions is forwarded as the payloads that carried it, and a
            // state beyond the limits of one payload is not sent as one.
            result.putNull("payload");
        }
        return result;
    }

    /** The join of two states, with the seeded defects of join. */
    private CausalState<Crdt> join(CausalState<Crdt> a, CausalState<Crdt> b) {
        CausalState<Crdt> joined = a.join(b);
        if (defect == Defect.NON_IDEMPOTENT_MERGE && a.store() instanceof GCounter x && b.store() instanceof GCounter y) {
            TreeMap<Dot, Long> counts = new TreeMap<>(((GCounter) joined.store()).counts());
            x.counts().forEach((dot, count) -> {
                Long other = y.counts().get(dot);
                if (other != null && counts.containsKey(dot)) {
                    counts.put(dot, count + other); // the seeded bug: a shared entry counted twice
                }
            });
            return new CausalState<>(GCounter.of(counts), joined.context());
        }
        if (defect == Defect.REMOVE_IGNORES_CONTEXT && a.store() instanceof AWSet x && b.store() instanceof AWSet y) {
            TreeMap<Value, SortedSet<Dot>> union = new TreeMap<>();
            for (AWSet s : List.of(x, y)) {
                s.entries().forEach((e, dots) -> union.computeIfAbsent(e, k -> new TreeSet<>()).addAll(dots));
            }
            return new CausalState<>(AWSet.of(union), joined.context()); // the seeded bug: nothing is ever removed
        }
        return SeededDefects.join(defect, a, b, joined);
    }

    // ---- replica semantics --------------------------------------------------------------------------------

    private JsonNode mutate(JsonNode request) throws ProtocolException {
        int typeId = Integer.parseInt(request.path("type").asText());
        CrdtType type = CrdtType.of(typeId);
        if (type == null) {
            throw new UnsupportedOperationException("no mutators for CRDT type " + typeId);
        }
        CausalState<Crdt> state = request.hasNonNull("state")
                ? decode(hex(request, "state")).state()
                : new CausalState<>(type.empty(), CausalContext.EMPTY);
        if (state.store().typeId() != typeId) {
            throw new IllegalArgumentException("the state is of type " + state.store().typeId() + ", not " + typeId);
        }
        ReplicaId replica = ReplicaId.fromHex(request.path("replica").asText());
        Long timestamp = request.hasNonNull("timestamp") ? Long.parseUnsignedLong(request.path("timestamp").asText()) : null;
        ObjectNode result = JSON.createObjectNode();
        CausalState<? extends Crdt> delta;
        try {
            delta = mutation(state.store(), state.context(), replica, timestamp, request.path("mutation"));
        } catch (MutationRefusedException e) {
            result.put("refused", e.getMessage());
            return result;
        }
        @SuppressWarnings("unchecked")
        CausalState<Crdt> general = (CausalState<Crdt>) delta;
        result.put("delta", HEX.formatHex(Codec.encode(general)));
        result.put("state", HEX.formatHex(Codec.encode(join(state, general))));
        return result;
    }

    /**
     * The delta of {@code mutation}, in the notation of the {@code mutate} request, of {@code state} by {@code replica}, as
     * this adapter answers it with no seeded defect: the mutation vectors are generated and verified with it.
     *
     * @throws MutationRefusedException when the data model refuses the mutation
     */
    static CausalState<Crdt> deltaOf(CausalState<Crdt> state, ReplicaId replica, Long timestamp, JsonNode mutation) {
        return castState(new ReferenceAdapter(null, "", List.of()).mutation(state.store(), state.context(), replica, timestamp, mutation));
    }

    /** The delta of one mutation of {@code store}, whose document's context is {@code context}. */
    private CausalState<? extends Crdt> mutation(Crdt store, CausalContext context, ReplicaId replica, Long timestamp, JsonNode m) {
        String op = m.path("op").asText();
        if (store instanceof GCounter c && op.equals("increment")) {
            try {
                return SeededDefects.increment(defect, c, c.increment(context, replica, amount(m)), replica, amount(m));
            } catch (MutationRefusedException refused) {
                CausalState<GCounter> made = SeededDefects.incrementPastTheRange(defect, c, context, replica, amount(m));
                if (made == null) {
                    throw refused;
                }
                return made;
            }
        } else if (store instanceof PNCounter c && op.equals("increment")) {
            return c.increment(context, replica, amount(m));
        } else if (store instanceof PNCounter c && op.equals("decrement")) {
            return c.decrement(context, replica, amount(m));
        } else if (store instanceof LWWRegister r && op.equals("write")) {
            if (timestamp == null) {
                throw new IllegalArgumentException("a write to an LWWRegister needs a timestamp");
            }
            try {
                return r.write(context, replica, ViewReader.value(m.path("value")), timestamp);
            } catch (MutationRefusedException refused) {
                CausalState<LWWRegister> made = SeededDefects.staleWrite(defect, r, context, replica, ViewReader.value(m.path("value")), timestamp);
                if (made == null) {
                    throw refused;
                }
                return made;
            }
        } else if (store instanceof MVRegister r && op.equals("write")) {
            return SeededDefects.mvWrite(defect, r, r.write(context, replica, ViewReader.value(m.path("value"))));
        } else if (store instanceof EWFlag f && op.equals("enable")) {
            return f.enable(context, replica);
        } else if (store instanceof EWFlag f && op.equals("disable")) {
            return f.disable();
        } else if (store instanceof AWSet s && op.equals("add")) {
            return s.add(context, replica, ViewReader.value(m.path("element")));
        } else if (store instanceof AWSet s && op.equals("remove")) {
            Value element = ViewReader.value(m.path("element"));
            return SeededDefects.remove(defect, s, element, s.remove(element));
        } else if (store instanceof AWSet s && op.equals("clear")) {
            return s.clear();
        } else if (store instanceof ORMap map && op.equals("update")) {
            CrdtType nested = CrdtType.of(Integer.parseInt(m.path("type").asText()));
            if (nested == null) {
                throw new UnsupportedOperationException("no mutators for CRDT type " + m.path("type").asText());
            }
            JsonNode inner = m.path("mutation");
            return map.update(ViewReader.value(m.path("key")), nested,
                    (Crdt entry) -> castState(mutation(entry, context, replica, timestamp, inner)));
        } else if (store instanceof ORMap map && op.equals("remove")) {
            return map.remove(ViewReader.value(m.path("key")));
        } else if (store instanceof ORMap map && op.equals("clear")) {
            return map.clear();
        }
        throw new IllegalArgumentException("no mutation '" + op + "' for " + CrdtType.of(store.typeId()).specName());
    }

    @SuppressWarnings("unchecked")
    private static CausalState<Crdt> castState(CausalState<? extends Crdt> state) {
        return (CausalState<Crdt>) state;
    }

    private static long amount(JsonNode m) {
        return Long.parseUnsignedLong(m.path("amount").asText());
    }

    private JsonNode query(JsonNode request) throws ProtocolException {
        JsonNode view = view(decode(hex(request, "payload")).state());
        ObjectNode result = JSON.createObjectNode();
        result.set("value", queryOf(view.path("store")));
        return result;
    }

    /** The query of a store, read from its view, where the view's query member holds it; also what the query vectors expect. */
    static JsonNode queryOf(JsonNode store) {
        return switch (store.path("type").asText()) {
            case "GCounter", "PNCounter", "LWWRegister", "EWFlag" -> store.get("value");
            case "MVRegister" -> store.get("values");
            case "AWSet" -> store.get("elements");
            case "ORMap" -> {
                ArrayNode entries = JSON.createArrayNode();
                for (JsonNode e : store.path("entries")) {
                    ObjectNode entry = entries.addObject();
                    entry.set("key", e.get("key"));
                    entry.set("typeId", e.path("value").get("typeId"));
                    entry.set("value", queryOf(e.path("value")));
                }
                yield entries;
            }
            default -> JSON.nullNode();
        };
    }

    /** The JSON view of a state, with the seeded defect of the LWW query. */
    private JsonNode view(CausalState<? extends Crdt> state) {
        JsonNode view = JSON.valueToTree(JsonView.of(state));
        if (defect == Defect.LWW_TIE_BREAK) {
            wrongTieBreak(view);
        }
        SeededDefects.view(defect, view);
        return view;
    }

    private static void wrongTieBreak(JsonNode node) {
        if (node.isObject() && "LWWRegister".equals(node.path("type").asText()) && node.path("entries").size() > 0) {
            // The seeded bug: equal timestamps go to the smaller replica id.
            Comparator<JsonNode> order = Comparator.<JsonNode, Long>comparing(e -> Long.parseUnsignedLong(e.path("timestamp").asText()) ^ Long.MIN_VALUE)
                    .thenComparing(e -> e.path("dot").path("replica").asText(), Comparator.reverseOrder());
            JsonNode winner = null;
            for (JsonNode e : node.path("entries")) {
                if (winner == null || order.compare(e, winner) > 0) {
                    winner = e;
                }
            }
            ((ObjectNode) node).set("value", winner.get("value"));
        }
        node.forEach(ReferenceAdapter::wrongTieBreak);
    }

    // ---- handshake ----------------------------------------------------------------------------------------

    private JsonNode handshakeStart(JsonNode request) throws ProtocolException {
        String role = request.path("role").asText();
        Handshake h = new Handshake();
        ObjectNode result = JSON.createObjectNode();
        switch (role) {
            case "initiator" -> {
                HandshakeVectors.Side side = HandshakeVectors.Side.fromJson(request.path("side"), true);
                if (LENIENT_INITIATOR.contains(defect)) {
                    h.lenient = new LenientInitiator(side, defect);
                    result.put("message", HEX.formatHex(h.lenient.start()));
                } else {
                    h.initiator = side.initiator();
                    result.put("message", HEX.formatHex(h.initiator.start()));
                }
            }
            case "responder" -> {
                HandshakeVectors.Side side = HandshakeVectors.Side.fromJson(request.path("side"), false);
                if (defect == Defect.DOWNGRADE) {
                    // The seeded bug: only the lowest supported version is ever selected.
                    side.versions = List.of(side.versions.stream().min(Comparator.naturalOrder()).orElseThrow());
                }
                if (LENIENT_RESPONDER.contains(defect)) {
                    h.lenientResponder = new LenientResponder(side, defect);
                } else {
                    h.responder = side.responder();
                }
            }
            default -> throw new IllegalArgumentException("role is 'initiator' or 'responder', not '" + role + "'");
        }
        String handle = Integer.toString(nextHandle++);
        handshakes.put(handle, h);
        result.put("handshake", handle);
        return result;
    }

    private JsonNode handshakeRead(JsonNode request) throws ProtocolException {
        Handshake h = handshake(request);
        byte[] message = hex(request, "message");
        ObjectNode result = JSON.createObjectNode();
        h.read++;
        if (h.initiator != null || h.lenient != null) {
            if (h.read != 1) {
                throw new IllegalArgumentException("the initiator reads one message");
            }
            byte[] third = h.initiator != null ? h.initiator.onSelection(message) : h.lenient.onSelection(message);
            h.result = h.initiator != null ? h.initiator.result() : h.lenient.result();
            result.put("message", HEX.formatHex(third));
        } else if (h.lenientResponder != null && h.read == 1) {
            Object answer = h.lenientResponder.onOffer(message);
            if (answer instanceof LenientResponder.Reported reported) {
                throw new Refusal(reported.refusal(), reported.message());
            }
            result.put("message", HEX.formatHex((byte[]) answer));
        } else if (h.lenientResponder != null && h.read == 2) {
            h.lenientResponder.onConfirmation(message);
            h.result = h.lenientResponder.result();
            result.putNull("message");
        } else if (h.read == 1) {
            if (defect == Defect.HS_OWN_LAYOUT_ONLY) {
                ownLayoutOnly(message);
            }
            byte[] second = h.responder.onOffer(message);
            if (h.responder.failure() != null) {
                throw new Refusal(h.responder.failure(), second);
            }
            result.put("message", HEX.formatHex(second));
        } else if (h.read == 2) {
            h.responder.onConfirmation(message);
            h.result = h.responder.result();
            result.putNull("message");
        } else {
            throw new IllegalArgumentException("the handshake is complete");
        }
        result.put("complete", h.result != null);
        if (h.result != null) {
            ObjectNode outcome = result.putObject("outcome");
            outcome.put("version", h.result.version().toString());
            ArrayNode capabilities = outcome.putArray("capabilities");
            h.result.capabilities().forEach(c -> capabilities.add(Integer.toString(c)));
            outcome.put("handshakeHash", HEX.formatHex(h.result.handshakeHash()));
            outcome.put("remoteStaticKey", HEX.formatHex(h.result.remoteStaticKey()));
            outcome.put("remoteOrganisation", h.result.identity().organisation());
        }
        return result;
    }

    /**
     * The seeded bug HS_OWN_LAYOUT_ONLY: message 1 is read only if its offer is laid out byte for byte as this
     * implementation's own writer lays out an offer of the same content; any other layout is refused as malformed.
     */
    private static void ownLayoutOnly(byte[] message) throws ProtocolException {
        byte[] payload = java.util.Arrays.copyOfRange(message, Math.min(message.length, dev.hyphae.noise.KeyPair.LENGTH), message.length);
        try {
            hyphae.v1.Offer offer = hyphae.v1.HandshakePayload.getRootAsHandshakePayload(
                    java.nio.ByteBuffer.wrap(payload).order(java.nio.ByteOrder.LITTLE_ENDIAN)).offer();
            List<ProtocolVersion> versions = new ArrayList<>();
            for (int i = 0; i < offer.versionsLength(); i++) {
                versions.add(new ProtocolVersion(offer.versions(i).major(), offer.versions(i).minor()));
            }
            java.util.TreeSet<Integer> ids = new java.util.TreeSet<>();
            java.util.TreeSet<Integer> critical = new java.util.TreeSet<>();
            for (int i = 0; i < offer.capabilitiesLength(); i++) {
                ids.add(offer.capabilities(i).id());
                if (offer.capabilities(i).critical()) {
                    critical.add(offer.capabilities(i).id());
                }
            }
            if (java.util.Arrays.equals(payload, LenientInitiator.offer(versions, ids, critical, offer.maxFrameSize()))) {
                return;
            }
        } catch (RuntimeException unreadable) {
            // Refused below, as any layout but its own.
        }
        throw ProtocolException.sessionError(ErrorCode.MALFORMED_MESSAGE, "the offer is not laid out as this implementation lays one out");
    }

    private JsonNode channelReceive(JsonNode request) {
        Handshake h = handshake(request);
        if (h.result == null) {
            throw new IllegalArgumentException("the handshake is not complete");
        }
        FramedChannel channel = new FramedChannel(new ByteArrayInputStream(hex(request, "stream")), new ByteArrayOutputStream(),
                h.result.sender(), h.result.receiver(), FramingLimits.MAX_FRAME_SIZE,
                defect == Defect.IGNORE_FRAME_LIMIT ? FramingLimits.MAX_FRAME_SIZE : request.path("receiveFrameSize").asInt());
        ObjectNode result = JSON.createObjectNode();
        ArrayNode messages = result.putArray("messages");
        result.putNull("error");
        List<byte[]> delivered = new ArrayList<>();
        while (true) {
            try {
                delivered.add(channel.receive());
            } catch (EOFException end) {
                break;
            } catch (ProtocolException e) {
                ObjectNode error = result.putObject("error");
                error.put("code", e.code().value());
                error.put("name", e.code().name());
                error.put("message", e.getMessage());
                break;
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        delivered.forEach(m -> messages.add(HEX.formatHex(m)));
        return result;
    }

    /** The payloads of a session's compressed deltas, as its receiver inflates them, up to the first refusal. */
    private JsonNode inflate(JsonNode request) {
        ObjectNode result = JSON.createObjectNode();
        ArrayNode payloads = result.putArray("payloads");
        result.putNull("error");
        try (DeltaCompression receiver = new DeltaCompression(request.path("negotiated").asBoolean())) {
            for (JsonNode delta : request.path("deltas")) {
                byte[] payload = HEX.parseHex(delta.path("payload").asText());
                try {
                    // The seeded bug: one stream for every channel.
                    long channel = defect == Defect.SHARED_STREAM ? 1 : delta.path("channel").asLong();
                    payloads.add(HEX.formatHex(receiver.inflate(channel, delta.path("compression").asInt(), payload, c -> true)));
                } catch (ProtocolException e) {
                    error(result, e);
                    break;
                }
            }
        }
        return result;
    }

    /**
     * What one side of a session takes from the Deltas that its peer sends after its first Open: the view of each payload
     * or its refusal, up to the refusal that ends the session.
     */
    private JsonNode receiveDeltas(JsonNode request) {
        List<byte[]> messages = new ArrayList<>();
        request.path("messages").forEach(m -> messages.add(HEX.parseHex(m.asText())));
        DeltaReceiver.Outcome outcome = DeltaReceiver.receive(ReplicaId.of(hex(request, "opener")), messages);
        ObjectNode result = JSON.createObjectNode();
        ArrayNode results = result.putArray("results");
        for (DeltaReceiver.Taken taken : outcome.taken()) {
            if (taken.refused() == null) {
                results.addObject().set("view", view(taken.state()));
            } else {
                error(results.addObject(), taken.refused());
            }
        }
        if (outcome.ended() == null) {
            result.putNull("error");
        } else {
            error(result, outcome.ended());
        }
        return result;
    }

    private Handshake handshake(JsonNode request) {
        Handshake h = handshakes.get(request.path("handshake").asText());
        if (h == null) {
            throw new IllegalArgumentException("no handshake '" + request.path("handshake").asText() + "'");
        }
        return h;
    }

    private static byte[] hex(JsonNode request, String member) {
        if (!request.path(member).isTextual()) {
            throw new IllegalArgumentException("the request lacks '" + member + "'");
        }
        return HEX.parseHex(request.path(member).asText());
    }
}
