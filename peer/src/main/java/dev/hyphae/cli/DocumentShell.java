package dev.hyphae.cli;

import dev.hyphae.crdt.AWSet;
import dev.hyphae.crdt.Crdt;
import dev.hyphae.crdt.EWFlag;
import dev.hyphae.crdt.EntryKey;
import dev.hyphae.crdt.GCounter;
import dev.hyphae.crdt.LWWRegister;
import dev.hyphae.crdt.MVRegister;
import dev.hyphae.crdt.ORMap;
import dev.hyphae.crdt.PNCounter;
import dev.hyphae.data.Value;
import dev.hyphae.peer.MapHandle;
import dev.hyphae.peer.Peer;
import dev.hyphae.peer.WriteFailedException;
import dev.hyphae.store.StorageException;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The document commands shared by {@code hyphae doc} and the standard input of {@code hyphae peer}: one command
 * per line, so that a script can drive a running peer.
 *
 * <pre>
 * set DOC KEY VALUE       write a register (VALUE: an integer, a decimal, true, false, or else a string)
 * inc DOC KEY [N]         add N (default 1) to a counter; dec subtracts
 * add DOC KEY ELEMENT     add to a set; rm removes
 * del DOC KEY             remove a key, with everything under it
 * get DOC                 print the document as JSON, one line
 * docs                    print the names of the documents, one line, space-separated
 * </pre>
 *
 * A key may be a path through nested maps, with dots: {@code line-2.running}.
 */
final class DocumentShell {

    static final String USAGE = "commands: set DOC KEY VALUE | inc DOC KEY [N] | dec DOC KEY [N] | add DOC KEY ELEMENT"
            + " | rm DOC KEY ELEMENT | del DOC KEY | get DOC | docs";

    private DocumentShell() {
    }

    /** The command worked. */
    static final int OK = 0;
    /** A write could not be made durable (a full disk, a failing device, a folder opened read-only). */
    static final int FAILED = 1;
    /** The command was not understood. */
    static final int USAGE_ERROR = 2;

    /** Whether {@code words} only read, so that a folder opened read-only serves them. */
    static boolean readsOnly(List<String> words) {
        return words.isEmpty() || words.get(0).equals("get") || words.get(0).equals("docs");
    }

    /**
     * Runs one command line and returns {@link #OK}, or {@link #FAILED} or {@link #USAGE_ERROR} after an error line
     * on {@code err}. A write that storage refuses is reported, never thrown: a peer that reads commands keeps
     * serving.
     */
    static int run(Peer peer, List<String> words, PrintWriter out, PrintWriter err) {
        if (words.isEmpty()) {
            return OK;
        }
        try {
            String verb = words.get(0);
            switch (verb) {
                case "docs" -> out.println(String.join(" ", peer.documents()));
                case "get" -> {
                    need(words, 2);
                    out.println(json(peer.document(words.get(1)).state().store()));
                }
                case "set" -> {
                    need(words, 4);
                    parent(peer, words).register(leaf(words)).set(parse(String.join(" ", words.subList(3, words.size()))));
                    out.println("ok");
                }
                case "inc", "dec" -> {
                    need(words, 3);
                    long n = words.size() > 3 ? Long.parseLong(words.get(3)) : 1;
                    MapHandle.Counter counter = parent(peer, words).counter(leaf(words));
                    if (verb.equals("inc")) {
                        counter.increment(n);
                    } else {
                        counter.decrement(n);
                    }
                    out.println("ok");
                }
                case "add", "rm" -> {
                    need(words, 4);
                    MapHandle.SetHandle set = parent(peer, words).set(leaf(words));
                    Value element = parse(String.join(" ", words.subList(3, words.size())));
                    if (verb.equals("add")) {
                        set.add(element);
                    } else {
                        set.remove(element);
                    }
                    out.println("ok");
                }
                case "del" -> {
                    need(words, 3);
                    parent(peer, words).remove(leaf(words));
                    out.println("ok");
                }
                default -> throw new IllegalArgumentException("unknown command \"" + verb + "\"; " + USAGE);
            }
            out.flush();
            return OK;
        } catch (WriteFailedException e) {
            err.println("hyphae: error: " + e.getMessage() + (e.code() == StorageException.Code.IN_DOUBT
                    ? " (in doubt: applied here, durable only once storage recovers; not retried)"
                    : " (nothing written)"));
            err.flush();
            return FAILED;
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            err.println("hyphae: " + e.getMessage());
            err.flush();
            return USAGE_ERROR;
        }
    }

    /** Runs commands from {@code in}, one per line, until it ends; returns how many lines it read. */
    static int runLines(Peer peer, BufferedReader in, PrintWriter out, PrintWriter err) throws IOException {
        int lines = 0;
        String line;
        while ((line = in.readLine()) != null) {
            lines++;
            List<String> words = new ArrayList<>(Arrays.asList(line.trim().split("\\s+")));
            words.removeIf(String::isEmpty);
            run(peer, words, out, err);
        }
        return lines;
    }

    private static void need(List<String> words, int count) {
        if (words.size() < count) {
            throw new IllegalArgumentException("\"" + words.get(0) + "\" needs more arguments; " + USAGE);
        }
    }

    private static MapHandle parent(Peer peer, List<String> words) {
        MapHandle map = peer.document(words.get(1)).map();
        String[] path = words.get(2).split("\\.");
        for (int i = 0; i < path.length - 1; i++) {
            map = map.map(path[i]);
        }
        return map;
    }

    private static String leaf(List<String> words) {
        String[] path = words.get(2).split("\\.");
        return path[path.length - 1];
    }

    /** A value typed the way a shell user means it: integers, decimals and booleans as such, else a string. */
    static Value parse(String text) {
        if (text.matches("-?\\d{1,18}")) {
            return Value.of(Long.parseLong(text));
        }
        if (text.matches("-?\\d+\\.\\d+([eE][-+]?\\d+)?")) {
            return Value.of(Double.parseDouble(text));
        }
        if (text.equals("true") || text.equals("false")) {
            return Value.of(Boolean.parseBoolean(text));
        }
        return Value.of(text);
    }

    /**
     * A document as plain JSON: counters as numbers, registers as their value, sets as arrays, flags as booleans,
     * maps as objects. Keys are sorted; a key holding values of two types (after concurrent writes) shows both, as
     * {@code key#TypeName}.
     */
    static String json(ORMap map) {
        StringBuilder out = new StringBuilder("{");
        boolean first = true;
        for (Map.Entry<EntryKey, Crdt> e : map.entries().entrySet()) {
            Value key = e.getKey().key();
            String name = key instanceof Value.Str s ? s.value() : key.toString();
            if (map.get(key).size() > 1) {
                name = name + "#" + dev.hyphae.crdt.CrdtType.of(e.getKey().typeId()).specName();
            }
            if (!first) {
                out.append(',');
            }
            first = false;
            out.append(quote(name)).append(':').append(json(e.getValue()));
        }
        return out.append('}').toString();
    }

    private static String json(Crdt store) {
        if (store instanceof ORMap m) {
            return json(m);
        } else if (store instanceof PNCounter c) {
            return c.value().toString();
        } else if (store instanceof GCounter c) {
            return c.value().toString();
        } else if (store instanceof LWWRegister r) {
            return r.value().map(DocumentShell::json).orElse("null");
        } else if (store instanceof MVRegister r) {
            return array(r.values());
        } else if (store instanceof AWSet s) {
            return array(s.elements());
        } else if (store instanceof EWFlag f) {
            return Boolean.toString(f.value());
        }
        return "\"(a value of unknown type " + store.typeId() + ")\"";
    }

    private static String array(List<Value> values) {
        List<String> items = new ArrayList<>();
        values.forEach(v -> items.add(json(v)));
        return "[" + String.join(",", items) + "]";
    }

    private static String json(Value value) {
        if (value instanceof Value.Str s) {
            return quote(s.value());
        } else if (value instanceof Value.Bytes b) {
            return quote(java.util.HexFormat.of().formatHex(b.value()));
        } else if (value instanceof Value.Float64 f) {
            double d = f.value();
            return Double.isFinite(d) ? Double.toString(d) : quote(Double.toString(d));
        }
        return value.toString();
    }

    private static String quote(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
