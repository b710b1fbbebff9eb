package dev.hyphae.codec;

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
import dev.hyphae.data.Value;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON view of a decoded state (specification, chapter "Test vectors", section "JSON view"): a tree of
 * maps, lists, strings and booleans that says everything the state holds and nothing about the bytes that
 * encoded it. Two implementations agree on a payload when their views are equal as JSON values.
 *
 * <p>Every 64-bit integer is a decimal string, so no JSON parser rounds it; every float64 is its bit pattern
 * in hex, so NaN payloads and -0.0 survive; replica ids and bytes are lowercase hex. Entries appear in the
 * data model's order: dots by replica id then counter, elements and keys by value order.
 */
public final class JsonView {

    private static final HexFormat HEX = HexFormat.of();

    private JsonView() {
    }

    /** The view of a state or delta: its context and its store. */
    public static Map<String, Object> of(CausalState<? extends Crdt> state) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("context", context(state.context()));
        view.put("store", store(state.store()));
        return view;
    }

    static Map<String, Object> context(CausalContext context) {
        List<Object> vector = new ArrayList<>();
        context.versionVector().forEach((replica, counter) -> vector.add(Map.of(
                "replica", replica.toHex(), "counter", Long.toUnsignedString(counter))));
        List<Object> cloud = new ArrayList<>();
        context.cloud().forEach(d -> cloud.add(dot(d)));
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("versionVector", vector);
        view.put("cloud", cloud);
        return view;
    }

    static Map<String, Object> dot(Dot dot) {
        return Map.of("replica", dot.replica().toHex(), "counter", Long.toUnsignedString(dot.counter()));
    }

    /** The view of a value: its kind, and its content in a form every JSON parser keeps exactly. */
    public static Map<String, Object> value(Value value) {
        Map<String, Object> view = new LinkedHashMap<>();
        switch (value.kind()) {
            case NULL -> view.put("kind", "null");
            case BOOL -> {
                view.put("kind", "bool");
                view.put("value", ((Value.Bool) value).value());
            }
            case INT64 -> {
                view.put("kind", "int64");
                view.put("value", Long.toString(((Value.Int64) value).value()));
            }
            case FLOAT64 -> {
                view.put("kind", "float64");
                view.put("bits", String.format("%016x", ((Value.Float64) value).bits()));
            }
            case STRING -> {
                view.put("kind", "string");
                view.put("value", ((Value.Str) value).value());
            }
            case BYTES -> {
                view.put("kind", "bytes");
                view.put("hex", HEX.formatHex(((Value.Bytes) value).value()));
            }
        }
        return view;
    }

    static Map<String, Object> store(Crdt store) {
        Map<String, Object> view = new LinkedHashMap<>();
        CrdtType type = CrdtType.of(store.typeId());
        view.put("type", type == null ? "unknown" : type.specName());
        view.put("typeId", Integer.toString(store.typeId()));
        List<Object> entries = new ArrayList<>();
        if (store instanceof GCounter g) {
            g.counts().forEach((d, count) -> entries.add(Map.of("dot", dot(d), "count", Long.toUnsignedString(count))));
            view.put("entries", entries);
            view.put("value", g.value().toString());
        } else if (store instanceof PNCounter p) {
            p.totals().forEach((d, t) -> entries.add(Map.of("dot", dot(d),
                    "increments", Long.toUnsignedString(t.increments()), "decrements", Long.toUnsignedString(t.decrements()))));
            view.put("entries", entries);
            view.put("value", p.value().toString());
        } else if (store instanceof LWWRegister r) {
            r.writes().forEach((d, w) -> entries.add(Map.of("dot", dot(d),
                    "timestamp", Long.toUnsignedString(w.timestamp()), "value", value(w.value()))));
            view.put("entries", entries);
            view.put("value", r.value().map(JsonView::value).orElse(null));
        } else if (store instanceof MVRegister r) {
            r.entries().forEach((d, v) -> entries.add(Map.of("dot", dot(d), "value", value(v))));
            view.put("entries", entries);
            view.put("values", r.values().stream().map(JsonView::value).toList());
        } else if (store instanceof EWFlag f) {
            f.dots().forEach(d -> entries.add(dot(d)));
            view.put("dots", entries);
            view.put("value", f.value());
        } else if (store instanceof AWSet s) {
            s.entries().forEach((e, dots) -> entries.add(Map.of("element", value(e),
                    "dots", dots.stream().map(JsonView::dot).toList())));
            view.put("entries", entries);
            view.put("elements", s.elements().stream().map(JsonView::value).toList());
        } else if (store instanceof ORMap m) {
            m.entries().forEach((k, v) -> entries.add(Map.of("key", value(k.key()), "value", store(v))));
            view.put("entries", entries);
        } else if (store instanceof UnknownCrdt u) {
            u.versions().forEach(v -> entries.add(Map.of(
                    "dots", v.dots().stream().map(JsonView::dot).toList(), "data", HEX.formatHex(v.data()))));
            view.put("versions", entries);
        }
        return view;
    }
}
