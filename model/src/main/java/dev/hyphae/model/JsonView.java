package dev.hyphae.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The JSON view of chapter "Test vectors", section "JSON view", both ways: {@link #of} renders a state, and
 * {@link #read} reads one back. Every integer is a decimal string, every float64 its bit pattern in hex, every byte
 * string lower-case hex; arrays are in the orders that the section gives, which are the orders of the model's
 * sorted collections. The query members ({@code value}, {@code values}, {@code elements}) are derived, and
 * {@link #read} ignores them.
 */
public final class JsonView {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private JsonView() {
    }

    /** The view of a state: {@code context} and {@code store}. */
    public static ObjectNode of(State state) {
        ObjectNode view = JSON.objectNode();
        view.set("context", context(state.context()));
        view.set("store", store(state.store()));
        return view;
    }

    static ObjectNode context(CausalContext c) {
        ObjectNode view = JSON.objectNode();
        ArrayNode vv = view.putArray("versionVector");
        c.versionVector().forEach((r, n) -> vv.addObject().put("replica", r.hex()).put("counter", Long.toUnsignedString(n)));
        ArrayNode cloud = view.putArray("cloud");
        c.cloud().forEach(d -> cloud.add(dot(d)));
        return view;
    }

    static ObjectNode dot(Dot d) {
        return JSON.objectNode().put("replica", d.replica().hex()).put("counter", Long.toUnsignedString(d.counter()));
    }

    /** The view of a value: {@code kind} and its content. */
    public static ObjectNode value(Value v) {
        ObjectNode view = JSON.objectNode();
        if (v instanceof Value.Null) {
            view.put("kind", "null");
        } else if (v instanceof Value.Bool b) {
            view.put("kind", "bool").put("value", b.value());
        } else if (v instanceof Value.Int64 i) {
            view.put("kind", "int64").put("value", Long.toString(i.value()));
        } else if (v instanceof Value.Float64 f) {
            view.put("kind", "float64").put("bits", String.format("%016x", f.bits()));
        } else if (v instanceof Value.Str s) {
            view.put("kind", "string").put("value", s.value());
        } else if (v instanceof Value.Bytes b) {
            view.put("kind", "bytes").put("hex", b.hex());
        }
        return view;
    }

    /** The view of a store: {@code type}, {@code typeId} and the members of its type. */
    public static ObjectNode store(Store s) {
        ObjectNode view = JSON.objectNode();
        CrdtType type = CrdtType.of(s.typeId());
        view.put("type", type == null ? "unknown" : type.specName());
        view.put("typeId", Integer.toString(s.typeId()));
        if (s instanceof GCounter g) {
            ArrayNode entries = view.putArray("entries");
            g.counts().forEach((d, n) -> entries.addObject().<ObjectNode>set("dot", dot(d)).put("count", Long.toUnsignedString(n)));
        } else if (s instanceof PNCounter p) {
            ArrayNode entries = view.putArray("entries");
            p.totals().forEach((d, t) -> entries.addObject().<ObjectNode>set("dot", dot(d))
                    .put("increments", Long.toUnsignedString(t.increments())).put("decrements", Long.toUnsignedString(t.decrements())));
        } else if (s instanceof LWWRegister l) {
            ArrayNode entries = view.putArray("entries");
            l.writes().forEach((d, w) -> entries.addObject().<ObjectNode>set("dot", dot(d))
                    .put("timestamp", Long.toUnsignedString(w.timestamp())).set("value", value(w.value())));
        } else if (s instanceof MVRegister m) {
            ArrayNode entries = view.putArray("entries");
            m.entries().forEach((d, v) -> entries.addObject().<ObjectNode>set("dot", dot(d)).set("value", value(v)));
        } else if (s instanceof EWFlag f) {
            ArrayNode dots = view.putArray("dots");
            f.dotSet().forEach(d -> dots.add(dot(d)));
        } else if (s instanceof AWSet set) {
            ArrayNode entries = view.putArray("entries");
            set.entries().forEach((e, dots) -> {
                ObjectNode entry = entries.addObject();
                entry.set("element", value(e));
                ArrayNode list = entry.putArray("dots");
                dots.forEach(d -> list.add(dot(d)));
            });
        } else if (s instanceof ORMap map) {
            ArrayNode entries = view.putArray("entries");
            map.entries().forEach((k, nested) -> entries.addObject().<ObjectNode>set("key", value(k.key())).set("value", store(nested)));
        } else if (s instanceof Unknown u) {
            ArrayNode versions = view.putArray("versions");
            u.versions().forEach(v -> {
                ObjectNode version = versions.addObject();
                ArrayNode dots = version.putArray("dots");
                v.dots().forEach(d -> dots.add(dot(d)));
                version.put("data", v.data());
            });
        }
        JsonNode query = Query.of(s);
        if (s instanceof MVRegister) {
            view.set("values", query);
        } else if (s instanceof AWSet) {
            view.set("elements", query);
        } else if (!(s instanceof ORMap) && !(s instanceof Unknown)) {
            view.set("value", query);
        }
        return view;
    }

    /**
     * The state whose view is {@code view}.
     *
     * @throws IllegalArgumentException if {@code view} is not the view of a state
     */
    public static State read(JsonNode view) {
        return new State(readStore(required(view, "store")), readContext(required(view, "context")));
    }

    static CausalContext readContext(JsonNode view) {
        Map<ReplicaId, Long> vv = new TreeMap<>();
        for (JsonNode e : required(view, "versionVector")) {
            vv.put(new ReplicaId(text(e, "replica")), unsigned(text(e, "counter")));
        }
        CausalContext c = CausalContext.of(vv, readDots(required(view, "cloud")));
        if (!c.versionVector().equals(vv) || c.cloud().size() != required(view, "cloud").size()) {
            throw new IllegalArgumentException("the causal context is not in canonical form: " + view);
        }
        return c;
    }

    static Dot readDot(JsonNode view) {
        return new Dot(new ReplicaId(text(view, "replica")), unsigned(text(view, "counter")));
    }

    static List<Dot> readDots(JsonNode array) {
        List<Dot> dots = new ArrayList<>();
        array.forEach(d -> dots.add(readDot(d)));
        return dots;
    }

    /** The value whose view is {@code view}. */
    public static Value readValue(JsonNode view) {
        return switch (text(view, "kind")) {
            case "null" -> Value.NULL;
            case "bool" -> Value.of(required(view, "value").booleanValue());
            case "int64" -> Value.of(Long.parseLong(text(view, "value")));
            case "float64" -> Value.ofBits(Long.parseUnsignedLong(text(view, "bits"), 16));
            case "string" -> Value.of(text(view, "value"));
            case "bytes" -> new Value.Bytes(text(view, "hex"));
            default -> throw new IllegalArgumentException("no value kind " + view.path("kind"));
        };
    }

    static Store readStore(JsonNode view) {
        int typeId = Integer.parseInt(text(view, "typeId"));
        CrdtType type = CrdtType.of(typeId);
        if (type == null) {
            TreeSet<Unknown.Version> versions = new TreeSet<>();
            for (JsonNode v : required(view, "versions")) {
                versions.add(new Unknown.Version(readDots(required(v, "dots")), text(v, "data")));
            }
            return new Unknown(typeId, versions);
        }
        switch (type) {
            case GCOUNTER -> {
                TreeMap<Dot, Long> counts = new TreeMap<>();
                required(view, "entries").forEach(e -> counts.put(readDot(required(e, "dot")), unsigned(text(e, "count"))));
                return GCounter.of(counts);
            }
            case PNCOUNTER -> {
                TreeMap<Dot, PNCounter.Totals> totals = new TreeMap<>();
                required(view, "entries").forEach(e -> totals.put(readDot(required(e, "dot")),
                        new PNCounter.Totals(unsigned(text(e, "increments")), unsigned(text(e, "decrements")))));
                return PNCounter.of(totals);
            }
            case LWW_REGISTER -> {
                TreeMap<Dot, LWWRegister.Write> writes = new TreeMap<>();
                required(view, "entries").forEach(e -> writes.put(readDot(required(e, "dot")),
                        new LWWRegister.Write(unsigned(text(e, "timestamp")), readValue(required(e, "value")))));
                return LWWRegister.of(writes);
            }
            case MV_REGISTER -> {
                TreeMap<Dot, Value> entries = new TreeMap<>();
                required(view, "entries").forEach(e -> entries.put(readDot(required(e, "dot")), readValue(required(e, "value"))));
                return MVRegister.of(entries);
            }
            case EW_FLAG -> {
                return EWFlag.of(readDots(required(view, "dots")));
            }
            case AW_SET -> {
                TreeMap<Value, TreeSet<Dot>> entries = new TreeMap<>();
                required(view, "entries").forEach(e -> entries.put(readValue(required(e, "element")),
                        new TreeSet<>(readDots(required(e, "dots")))));
                return AWSet.of(entries);
            }
            default -> {
                TreeMap<EntryKey, Store> entries = new TreeMap<>();
                for (JsonNode e : required(view, "entries")) {
                    Store nested = readStore(required(e, "value"));
                    entries.put(new EntryKey(readValue(required(e, "key")), nested.typeId()), nested);
                }
                return ORMap.of(entries);
            }
        }
    }

    /** The {@code mutation} object of the adapter protocol's {@code mutate} request (table "Mutations"). */
    public static ObjectNode mutation(Mutation m) {
        ObjectNode view = JSON.objectNode();
        if (m instanceof Mutation.Increment i) {
            view.put("op", "increment").put("amount", Long.toUnsignedString(i.amount()));
        } else if (m instanceof Mutation.Decrement d) {
            view.put("op", "decrement").put("amount", Long.toUnsignedString(d.amount()));
        } else if (m instanceof Mutation.Write w) {
            view.put("op", "write").set("value", value(w.value()));
        } else if (m instanceof Mutation.Enable) {
            view.put("op", "enable");
        } else if (m instanceof Mutation.Disable) {
            view.put("op", "disable");
        } else if (m instanceof Mutation.Add a) {
            view.put("op", "add").set("element", value(a.element()));
        } else if (m instanceof Mutation.Remove r) {
            view.put("op", "remove").set("element", value(r.element()));
        } else if (m instanceof Mutation.RemoveKey r) {
            view.put("op", "remove").set("key", value(r.key()));
        } else if (m instanceof Mutation.Clear) {
            view.put("op", "clear");
        } else if (m instanceof Mutation.Update u) {
            view.put("op", "update").<ObjectNode>set("key", value(u.key())).put("type", Integer.toString(u.typeId()));
            view.set("mutation", mutation(u.mutation()));
        }
        return view;
    }

    /** The request's {@code timestamp}: that of the LWWRegister write of {@code m}, at any depth, or null. */
    public static Long timestamp(Mutation m) {
        if (m instanceof Mutation.Write w) {
            return w.timestamp();
        }
        return m instanceof Mutation.Update u ? timestamp(u.mutation()) : null;
    }

    private static JsonNode required(JsonNode node, String member) {
        JsonNode value = node.get(member);
        if (value == null) {
            throw new IllegalArgumentException("no member " + member + " in " + node);
        }
        return value;
    }

    private static String text(JsonNode node, String member) {
        JsonNode value = required(node, member);
        if (!value.isTextual()) {
            throw new IllegalArgumentException("member " + member + " is not a string in " + node);
        }
        return value.asText();
    }

    private static long unsigned(String decimal) {
        return Long.parseUnsignedLong(decimal);
    }
}
