package dev.hyphae.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hyphae.model.CrdtType;
import dev.hyphae.model.JsonView;
import dev.hyphae.model.ReplicaId;
import dev.hyphae.model.State;
import dev.hyphae.model.encoding.CompactDecoder;
import dev.hyphae.model.encoding.Malformed;
import dev.hyphae.model.encoding.PayloadDecoder;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which requests an adapter's {@code hello} obliges it to carry out (specification, chapter "Conformance",
 * HY-CONF-007 and HY-CONF-020): a request of a profile that it claims, whose inputs hold only CRDT types of version 1
 * that it claims, other than a request for an optional capability. To such a request the adapter may not answer
 * {@code unsupported} (HY-CONF-012); to any other it may, and the check is then reported as unsupported.
 *
 * <p>The suite reads the types of a request's inputs with the model: the views it sends, and the payloads it sends
 * as the model decodes them. A payload that the model refuses holds no type: the implementation must refuse it
 * with its code, which needs no CRDT type, so the request is covered whenever its profile is claimed. Type ids that
 * version 1 does not define are not claimed by anyone and need not be: an implementation keeps them opaque. It has
 * no mutators for them, though: a {@code mutate} that reaches one is not covered (HY-CONF-015).
 */
final class Claims {

    private Claims() {
    }

    /**
     * Why {@code hello} obliges the adapter to carry out {@code request}, for the failure message; empty when the
     * adapter may answer it {@code unsupported}.
     */
    static Optional<String> covering(Hello hello, JsonNode request) {
        String op = request.path("op").asText();
        Profile profile = profileOf(op);
        if (profile == null || !hello.profiles().contains(profile)) {
            return Optional.empty();
        }
        if (mutatedTypes(request).stream().anyMatch(t -> CrdtType.of(t) == null)) {
            // HY-CONF-015: a mutation of a type that version 1 does not define has no mutator anywhere; unsupported.
            return Optional.empty();
        }
        Set<Integer> unclaimed = new TreeSet<>(typesOf(request));
        unclaimed.removeIf(t -> CrdtType.of(t) == null || hello.crdtTypes().contains(t));
        if (!unclaimed.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of("the adapter claims the profile " + profile.title() + ", which needs '" + op
                + "', and every CRDT type of this request's inputs");
    }

    /**
     * The profile whose claim obliges an adapter to answer {@code op}; null for requests that no claim obliges:
     * {@code inflate} belongs to the capability {@code deflate}, which an implementation need not have.
     */
    private static Profile profileOf(String op) {
        return switch (op) {
            case "decode", "encode", "receiveDeltas" -> Profile.CODEC;
            case "join", "mutate", "query" -> Profile.REPLICA_SEMANTICS;
            case "handshakeStart", "handshakeRead", "channelReceive" -> Profile.HANDSHAKE;
            default -> null;
        };
    }

    /** The CRDT type ids of the stores that the inputs of {@code request} hold, at every depth. */
    private static Set<Integer> typesOf(JsonNode request) {
        Set<Integer> types = new TreeSet<>();
        List<JsonNode> views = new ArrayList<>();
        if (request.has("view")) {
            views.add(request.path("view"));
        }
        List<String> payloads = new ArrayList<>();
        for (String member : List.of("payload", "state")) {
            if (request.path(member).isTextual()) {
                payloads.add(request.path(member).asText());
            }
        }
        request.path("payloads").forEach(p -> payloads.add(p.asText()));
        types.addAll(mutatedTypes(request));
        for (String hex : payloads) {
            State state = decoded(hex, request);
            if (state != null) {
                views.add(JsonView.of(state));
            }
        }
        views.forEach(view -> collectTypeIds(view, types));
        return types;
    }

    /** For {@code mutate}: the root's type, and the type of each map entry that an update reaches, at any depth. */
    private static Set<Integer> mutatedTypes(JsonNode request) {
        Set<Integer> types = new TreeSet<>();
        for (JsonNode m = request; m.isObject(); m = m.path("mutation")) {
            if (m.path("type").isTextual() && m.path("type").asText().matches("[0-9]{1,5}")) {
                types.add(Integer.parseInt(m.path("type").asText()));
            }
        }
        return types;
    }

    /** The model's reading of one payload of {@code request}, in the form the request names; null if it refuses it. */
    private static State decoded(String hex, JsonNode request) {
        try {
            byte[] bytes = java.util.HexFormat.of().parseHex(hex);
            List<ReplicaId> table = null;
            if (request.has("replicas")) {
                table = new ArrayList<>();
                for (JsonNode r : request.path("replicas")) {
                    table.add(new ReplicaId(r.asText()));
                }
            }
            if (request.path("form").asText().equals("compact")) {
                return CompactDecoder.decode(bytes, table == null ? List.of() : table);
            }
            if (request.has("keys")) {
                List<dev.hyphae.model.Value> keys = new ArrayList<>();
                for (JsonNode k : request.path("keys")) {
                    keys.add(JsonView.readValue(k));
                }
                return PayloadDecoder.decode(bytes, table == null ? List.of() : table, keys);
            }
            return PayloadDecoder.decode(bytes, table);
        } catch (Malformed | RuntimeException e) {
            return null;
        }
    }

    /**
     * The CRDT type ids of version 1 that the stores of {@code view}, a JSON view, hold at every depth: what an adapter
     * must claim for a request whose inputs the suite cannot decode itself (the payloads inside the session messages
     * of {@code receiveDeltas}), read from the views that the case expects.
     */
    static Set<Integer> versionOneTypes(JsonNode view) {
        Set<Integer> types = new TreeSet<>();
        collectTypeIds(view, types);
        types.removeIf(t -> CrdtType.of(t) == null);
        return types;
    }

    private static void collectTypeIds(JsonNode node, Set<Integer> types) {
        if (node.isObject()) {
            JsonNode id = node.path("typeId");
            if (id.isTextual() && id.asText().matches("[0-9]{1,5}")) {
                types.add(Integer.parseInt(id.asText()));
            }
            node.elements().forEachRemaining(child -> collectTypeIds(child, types));
        } else if (node.isArray()) {
            node.elements().forEachRemaining(child -> collectTypeIds(child, types));
        }
    }
}
