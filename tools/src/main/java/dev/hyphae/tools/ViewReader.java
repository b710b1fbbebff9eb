package dev.hyphae.tools;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hyphae.crdt.AWSet;
import dev.hyphae.crdt.CausalState;
import dev.hyphae.crdt.Crdt;
import dev.hyphae.crdt.CrdtType;
import dev.hyphae.crdt.EWFlag;
import dev.hyphae.crdt.EntryKey;
import dev.hyphae.crdt.GCounter;
import dev.hyphae.crdt.LWWRegister;
import dev.hyphae.crdt.MVRegister;
import dev.hyphae.crdt.ORMap;
import dev.hyphae.crdt.PNCounter;
import dev.hyphae.crdt.UnknownCrdt;
import dev.hyphae.data.CausalContext;
import dev.hyphae.data.Dot;
import dev.hyphae.data.ReplicaId;
import dev.hyphae.data.Value;

import java.util.HexFormat;
import java.util.Iterator;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Reads a JSON view (specification, chapter "Test vectors", section "JSON view") back into a state: the
 * inverse of {@link dev.hyphae.codec.JsonView}, for the adapter's {@code encode} request. The members that a
 * view derives from the others (the query members {@code value}, {@code values}, {@code elements}) are
 * ignored: the state is what the entries say.
 */
final class ViewReader {

    private static final HexFormat HEX = HexFormat.of();

    private ViewReader() {
    }

    /** The state whose view is {@code view}. */
    static CausalState<Crdt> state(JsonNode view) {
        return new CausalState<>(store(required(view, "store")), context(required(view, "context")));
    }

    static CausalContext context(JsonNode view) {
        TreeMap<ReplicaId, Long> vector = new TreeMap<>();
        for (JsonNode entry : required(view, "versionVector")) {
            vector.put(ReplicaId.fromHex(text(entry, "replica")), unsigned(text(entry, "counter")));
        }
        TreeSet<Dot> cloud = dots(required(view, "cloud"));
        CausalContext context = CausalContext.ofCanonical(vector, cloud);
        if (context == null) {
            throw new IllegalArgumentException("the causal context is not in canonical form: " + view);
        }
        return context;
    }

    static Dot dot(JsonNode view) {
        return new Dot(ReplicaId.fromHex(text(view, "replica")), unsigned(text(view, "counter")));
    }

    static TreeSet<Dot> dots(JsonNode array) {
        TreeSet<Dot> dots = new TreeSet<>();
        for (JsonNode d : array) {
            dots.add(dot(d));
        }
        return dots;
    }

    static Value value(JsonNode view) {
        String kind = text(view, "kind");
        return switch (kind) {
            case "null" -> Value.ofNull();
            case "bool" -> Value.of(required(view, "value").booleanValue());
            case "int64" -> Value.of(Long.parseLong(text(view, "value")));
            case "float64" -> Value.of(Double.longBitsToDouble(Long.parseUnsignedLong(text(view, "bits"), 16)));
            case "string" -> Value.of(text(view, "value"));
            case "bytes" -> Value.of(HEX.parseHex(text(view, "hex")));
            default -> throw new IllegalArgumentException("unknown value kind '" + kind + "'");
        };
    }

    static Crdt store(JsonNode view) {
        int typeId = Integer.parseInt(text(view, "typeId"));
        CrdtType type = CrdtType.of(typeId);
        if (type == null) {
            return unknown(typeId, required(view, "versions"));
        }
        return switch (type) {
            case GCOUNTER -> {
                TreeMap<Dot, Long> counts = new TreeMap<>();
                for (JsonNode e : required(view, "entries")) {
                    counts.put(dot(required(e, "dot")), unsigned(text(e, "count")));
                }
                yield GCounter.of(counts);
            }
            case PNCOUNTER -> {
                TreeMap<Dot, PNCounter.Totals> totals = new TreeMap<>();
                for (JsonNode e : required(view, "entries")) {
                    totals.put(dot(required(e, "dot")), new PNCounter.Totals(unsigned(text(e, "increments")), unsigned(text(e, "decrements"))));
                }
                yield PNCounter.of(totals);
            }
            case LWW_REGISTER -> {
                TreeMap<Dot, LWWRegister.Write> writes = new TreeMap<>();
                for (JsonNode e : required(view, "entries")) {
                    writes.put(dot(required(e, "dot")), new LWWRegister.Write(unsigned(text(e, "timestamp")), value(required(e, "value"))));
                }
                yield LWWRegister.of(writes);
            }
            case MV_REGISTER -> {
                TreeMap<Dot, Value> values = new TreeMap<>();
                for (JsonNode e : required(view, "entries")) {
                    values.put(dot(required(e, "dot")), value(required(e, "value")));
                }
                yield MVRegister.of(values);
            }
            case EW_FLAG -> EWFlag.of(dots(required(view, "dots")));
            case AW_SET -> {
                TreeMap<Value, SortedSet<Dot>> elements = new TreeMap<>();
                for (JsonNode e : required(view, "entries")) {
                    elements.put(value(required(e, "element")), dots(required(e, "dots")));
                }
                yield AWSet.of(elements);
            }
            case OR_MAP -> {
                TreeMap<EntryKey, Crdt> entries = new TreeMap<>();
                for (JsonNode e : required(view, "entries")) {
                    Crdt nested = store(required(e, "value"));
                    entries.put(new EntryKey(value(required(e, "key")), nested.typeId()), nested);
                }
                yield ORMap.of(entries);
            }
        };
    }

    /** A store of a type this implementation does not know: one opaque version at most, as a payload carries. */
    private static Crdt unknown(int typeId, JsonNode versions) {
        Iterator<JsonNode> it = versions.iterator();
        if (!it.hasNext()) {
            return UnknownCrdt.empty(typeId);
        }
        JsonNode version = it.next();
        if (it.hasNext()) {
            throw new UnsupportedOperationException("a store of unknown type " + typeId + " with several versions cannot be "
                    + "encoded as one payload: the payloads that carried its versions are forwarded instead");
        }
        return UnknownCrdt.of(typeId, dots(required(version, "dots")), HEX.parseHex(text(version, "data")));
    }

    private static JsonNode required(JsonNode node, String member) {
        JsonNode value = node.get(member);
        if (value == null || value.isNull()) {
            throw new IllegalArgumentException("the view lacks '" + member + "': " + node);
        }
        return value;
    }

    private static String text(JsonNode node, String member) {
        JsonNode value = required(node, member);
        if (!value.isTextual()) {
            throw new IllegalArgumentException("'" + member + "' is not a string: " + node);
        }
        return value.asText();
    }

    private static long unsigned(String decimal) {
        return Long.parseUnsignedLong(decimal);
    }
}
