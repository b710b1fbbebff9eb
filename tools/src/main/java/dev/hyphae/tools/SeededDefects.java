package dev.hyphae.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hyphae.ErrorCode;
import dev.hyphae.ProtocolException;
import dev.hyphae.crdt.AWSet;
import dev.hyphae.crdt.CausalState;
import dev.hyphae.crdt.Crdt;
import dev.hyphae.crdt.EWFlag;
import dev.hyphae.crdt.GCounter;
import dev.hyphae.crdt.LWWRegister;
import dev.hyphae.crdt.MVRegister;
import dev.hyphae.crdt.ORMap;
import dev.hyphae.crdt.PNCounter;
import dev.hyphae.data.CausalContext;
import dev.hyphae.data.Dot;
import dev.hyphae.data.Limits;
import dev.hyphae.data.ReplicaId;
import dev.hyphae.data.Value;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The code of the seeded defects of the Codec and Replica semantics profiles ({@link Defect}): what the reference
 * adapter does instead of the reference implementation's answer when it carries one of them. Each method leaves the
 * answer alone unless its defect is seeded. The defects of join work on the reference's states; those of a query or
 * an order, and those that lose part of a decoded state, on the JSON view the adapter answers with, as an
 * implementation with that bug would show it.
 */
final class SeededDefects {

    private SeededDefects() {
    }

    // ---- decoding --------------------------------------------------------------------------------------------

    /**
     * Whether the decoder with {@code defect} lacks the check that made the reference refuse with {@code refusal}, and
     * so accepts the input. Refusals are told apart by their detail, which names the rule.
     */
    static boolean accepts(Defect defect, ProtocolException refusal) {
        if (defect == null) {
            return false;
        }
        String detail = refusal.getMessage();
        return switch (defect) {
            case ACCEPT_NON_MINIMAL_VARINT -> detail.contains("varint that is not minimal");
            case ACCEPT_INVALID_UTF8 -> detail.contains("not valid UTF-8") || detail.contains("not well-formed UTF-8");
            case ACCEPT_UNORDERED_VERSION_VECTOR -> detail.contains("version_vector is not in ascending order");
            case ACCEPT_DOT_OUTSIDE_CONTEXT -> detail.contains("is not in the causal context");
            case ACCEPT_DOT_TWICE -> detail.matches("(?s).*holds dot .* twice.*");
            case ACCEPT_BEYOND_MAX_ELEMENTS -> detail.contains("more than MAX_ELEMENTS") || detail.endsWith(" exceeds " + Limits.MAX_ELEMENTS);
            case ACCEPT_FLOAT_MAP_KEY -> detail.contains("a map key of kind " + FLOAT64_KIND + ";");
            default -> false;
        };
    }

    /** The value kind of float64 in the {@code kinds} column ("Encoding", table "Value kinds"). */
    private static final int FLOAT64_KIND = 4;

    /**
     * What a decoder that accepts a payload it must refuse answers: the state it read is beside the point, since
     * the suite judges only that it was not refused; the defects answer with the empty GCounter.
     */
    static CausalState<Crdt> accepted() {
        return new CausalState<>(GCounter.EMPTY, CausalContext.EMPTY);
    }

    /** The code of a refusal with {@code defect}: a limit refused as a session's limit, not as a malformed delta. */
    static ErrorCode code(Defect defect, ProtocolException refusal, ErrorCode code) {
        String detail = refusal.getMessage();
        if (defect == Defect.LIMIT_AS_SESSION_ERROR && code == ErrorCode.MALFORMED_DELTA
                && (detail.contains("MAX_") || detail.endsWith(" exceeds " + Limits.MAX_ELEMENTS))) {
            return ErrorCode.LIMIT_EXCEEDED;
        }
        return code;
    }

    /** A decoded state, refused by a decoder whose nesting limit is one too low. */
    static void checkDecoded(Defect defect, CausalState<Crdt> state) throws ProtocolException {
        if (defect == Defect.NESTING_LIMIT_OFF_BY_ONE && state.store() instanceof ORMap map && map.depth() >= Limits.MAX_NESTING_DEPTH) {
            // The seeded bug: ">=" where the rule says ">": maps at the greatest depth allowed are refused.
            throw ProtocolException.deltaError(ErrorCode.MALFORMED_DELTA, ProtocolException.Phase.DECODE,
                    "maps nest deeper than MAX_NESTING_DEPTH");
        }
    }

    // ---- join ------------------------------------------------------------------------------------------------

    /** The join of {@code a} and {@code b} with {@code defect}, given the reference's join {@code joined}. */
    static CausalState<Crdt> join(Defect defect, CausalState<Crdt> a, CausalState<Crdt> b, CausalState<Crdt> joined) {
        if (defect == null) {
            return joined;
        }
        Crdt x = a.store();
        Crdt y = b.store();
        return switch (defect) {
            case REMOVE_WINS_SET -> x instanceof AWSet s && y instanceof AWSet t
                    ? new CausalState<>(removeWins(s, a.context(), t, b.context(), (AWSet) joined.store()), joined.context()) : joined;
            case PNCOUNTER_JOIN_ADDS -> x instanceof PNCounter s && y instanceof PNCounter t
                    ? new CausalState<>(addShared(s, t, (PNCounter) joined.store()), joined.context()) : joined;
            case MV_JOIN_DROPS_COMMON_SIBLINGS -> x instanceof MVRegister s && y instanceof MVRegister t
                    ? new CausalState<>(dropCommon(s, a.context(), t, b.context()), joined.context()) : joined;
            case EWFLAG_DISABLE_WINS -> x instanceof EWFlag s && y instanceof EWFlag t
                    && (disabled(s, a.context(), t) || disabled(t, b.context(), s))
                    ? new CausalState<>(EWFlag.EMPTY, joined.context()) : joined;
            case SIGNED_ZEROS_EQUAL -> joined.store() instanceof AWSet s
                    ? new CausalState<>(mergeZeros(s), joined.context()) : joined;
            default -> joined;
        };
    }

    /** The seeded bug: an element that one side removed is gone, whatever the other side added concurrently. */
    private static AWSet removeWins(AWSet a, CausalContext ca, AWSet b, CausalContext cb, AWSet joined) {
        TreeMap<Value, SortedSet<Dot>> kept = new TreeMap<>(joined.entries());
        for (Value e : joined.entries().keySet()) {
            if (removed(e, a, ca, b) || removed(e, b, cb, a)) {
                kept.remove(e);
            }
        }
        return AWSet.of(kept);
    }

    /** Whether {@code side} has seen a dot of {@code e} that {@code other} holds, and no longer holds it: a remove. */
    private static boolean removed(Value e, AWSet side, CausalContext context, AWSet other) {
        SortedSet<Dot> held = side.entries().getOrDefault(e, new TreeSet<>());
        return other.entries().getOrDefault(e, new TreeSet<>()).stream().anyMatch(d -> context.contains(d) && !held.contains(d));
    }

    /** The seeded bug: the parts of a dot that both sides hold are added, not joined. */
    private static PNCounter addShared(PNCounter a, PNCounter b, PNCounter joined) {
        TreeMap<Dot, PNCounter.Totals> totals = new TreeMap<>(joined.totals());
        a.totals().forEach((dot, t) -> {
            PNCounter.Totals u = b.totals().get(dot);
            if (u != null) {
                totals.put(dot, new PNCounter.Totals(t.increments() + u.increments(), t.decrements() + u.decrements()));
            }
        });
        return PNCounter.of(totals);
    }

    /**
     * The seeded bug: of each side, only the siblings that the other side has not seen are kept; the rule "or that
     * both hold" is forgotten, so a sibling that both sides hold is lost.
     */
    private static MVRegister dropCommon(MVRegister a, CausalContext ca, MVRegister b, CausalContext cb) {
        TreeMap<Dot, Value> kept = new TreeMap<>();
        a.entries().forEach((d, v) -> {
            if (!cb.contains(d)) {
                kept.put(d, v);
            }
        });
        b.entries().forEach((d, v) -> {
            if (!ca.contains(d)) {
                kept.put(d, v);
            }
        });
        return MVRegister.of(kept);
    }

    /** Whether {@code side} has seen a dot of {@code other}'s flag that it no longer holds: a disable. */
    private static boolean disabled(EWFlag side, CausalContext context, EWFlag other) {
        return other.dots().stream().anyMatch(d -> context.contains(d) && !side.dots().contains(d));
    }

    /** The seeded bug: 0.0 and -0.0 are one element, as with a comparison of numbers rather than of bit patterns. */
    private static AWSet mergeZeros(AWSet set) {
        Value plus = Value.of(0.0);
        Value minus = Value.of(-0.0);
        if (!set.entries().containsKey(plus) || !set.entries().containsKey(minus)) {
            return set;
        }
        TreeMap<Value, SortedSet<Dot>> entries = new TreeMap<>(set.entries());
        TreeSet<Dot> dots = new TreeSet<>(entries.remove(minus));
        dots.addAll(entries.get(plus));
        entries.put(plus, dots);
        return AWSet.of(entries);
    }

    // ---- mutators --------------------------------------------------------------------------------------------

    /**
     * The delta of a GCounter increment with {@code defect}: the new entry holds the largest of the replica's entries
     * plus the amount, not their sum; null when the defect is another.
     */
    static CausalState<GCounter> increment(Defect defect, GCounter counter, CausalState<GCounter> delta, ReplicaId replica, long amount) {
        if (defect != Defect.INCREMENT_LARGEST_ENTRY) {
            return delta;
        }
        long largest = counter.counts().entrySet().stream().filter(e -> e.getKey().replica().equals(replica))
                .mapToLong(Map.Entry::getValue).reduce(0L, (p, q) -> Long.compareUnsigned(p, q) >= 0 ? p : q);
        TreeMap<Dot, Long> counts = new TreeMap<>();
        delta.store().counts().keySet().forEach(d -> counts.put(d, largest + amount));
        return new CausalState<>(GCounter.of(counts), delta.context());
    }

    /**
     * The delta of a GCounter increment that the reference refuses because the sum of the replica's entries and the amount
     * would pass 2^64-1, made all the same with {@code defect}: the range is checked on the largest entry alone, and the
     * new entry holds the sum wrapped around (HY-DATA-025); null when the defect is another or the largest entry fails too.
     */
    static CausalState<GCounter> incrementPastTheRange(Defect defect, GCounter counter, CausalContext context, ReplicaId replica,
                                                       long amount) {
        if (defect != Defect.COUNTER_RANGE_OF_LARGEST_ENTRY || amount == 0) {
            return null;
        }
        List<Dot> own = new ArrayList<>();
        long largest = 0;
        long sum = 0;
        for (Map.Entry<Dot, Long> e : counter.counts().entrySet()) {
            if (e.getKey().replica().equals(replica)) {
                own.add(e.getKey());
                largest = Long.compareUnsigned(largest, e.getValue()) >= 0 ? largest : e.getValue();
                sum += e.getValue();
            }
        }
        if (Long.compareUnsigned(largest, -1L - amount) > 0) {
            return null;
        }
        Dot dot = context.nextDot(replica);
        own.add(dot);
        return new CausalState<>(GCounter.of(new TreeMap<>(Map.of(dot, sum + amount))), CausalContext.of(own));
    }

    /** The delta of an LWW write that the reference refuses as stale, made all the same with {@code defect}; null otherwise. */
    static CausalState<LWWRegister> staleWrite(Defect defect, LWWRegister register, CausalContext context, ReplicaId replica, Value value,
                                               long timestamp) {
        if (defect != Defect.LWW_ACCEPTS_STALE_WRITE) {
            return null;
        }
        Dot dot = context.nextDot(replica);
        List<Dot> seen = new ArrayList<>(register.writes().keySet());
        seen.add(dot);
        TreeMap<Dot, LWWRegister.Write> writes = new TreeMap<>();
        writes.put(dot, new LWWRegister.Write(timestamp, value));
        return new CausalState<>(LWWRegister.of(writes), CausalContext.of(seen));
    }

    /**
     * The delta of an MVRegister write with {@code defect}: its context covers the first four of the register's dots
     * only, so that a fifth sibling, and any after it, is not removed.
     */
    static CausalState<MVRegister> mvWrite(Defect defect, MVRegister register, CausalState<MVRegister> delta) {
        List<Dot> siblings = new ArrayList<>(register.entries().keySet());
        if (defect != Defect.MV_WRITE_FORGETS_FIFTH_SIBLING || siblings.size() <= INLINE_SIBLINGS) {
            return delta;
        }
        return new CausalState<>(delta.store(), covering(siblings.subList(0, INLINE_SIBLINGS), delta.store()));
    }

    /** How many siblings the MVRegister of its defect keeps before its overflow list. */
    private static final int INLINE_SIBLINGS = 4;

    /**
     * The delta of an AWSet remove with {@code defect}: its context covers the first three of the element's dots only, so
     * that the element, with its fourth dot and any after it, stays.
     */
    static CausalState<AWSet> remove(Defect defect, AWSet set, Value element, CausalState<AWSet> delta) {
        SortedSet<Dot> dots = set.entries().getOrDefault(element, new TreeSet<>());
        if (defect != Defect.AWSET_REMOVE_FORGETS_FOURTH_DOT || dots.size() <= INLINE_DOTS) {
            return delta;
        }
        return new CausalState<>(delta.store(), covering(new ArrayList<>(dots).subList(0, INLINE_DOTS), delta.store()));
    }

    /** How many dots of an element the AWSet of its defect keeps before its overflow list. */
    private static final int INLINE_DOTS = 3;

    /** The context of {@code seen} and of the dots of the delta's store {@code made}. */
    private static CausalContext covering(List<Dot> seen, Crdt made) {
        List<Dot> dots = new ArrayList<>(seen);
        made.forEachDot(dots::add);
        return CausalContext.of(dots);
    }

    // ---- views -----------------------------------------------------------------------------------------------

    /** Changes the JSON view of a state, in place, as an implementation with {@code defect} shows it. */
    static void view(Defect defect, JsonNode view) {
        if (defect == null) {
            return;
        }
        switch (defect) {
            case CANONICAL_NAN -> eachObject(view, SeededDefects::canonicalNan);
            case DROP_UNKNOWN_ENTRIES -> dropUnknown(view.path("store"), 1, 1);
            case DROP_DEEP_UNKNOWN_ENTRIES -> dropUnknown(view.path("store"), 1, 3);
            case LWW_SIGNED_TIMESTAMPS -> eachObject(view, SeededDefects::signedWinner);
            case UTF16_STRING_ORDER -> eachObject(view, SeededDefects::utf16Order);
            case AWSET_UNORDERED_FROM_FOUR -> eachObject(view, SeededDefects::hashOrder);
            case COUNTER_VALUE_WRAPS -> eachObject(view, SeededDefects::wrappingSum);
            default -> {
            }
        }
    }

    private static void eachObject(JsonNode node, java.util.function.Consumer<ObjectNode> action) {
        if (node instanceof ObjectNode o) {
            action.accept(o);
        }
        node.forEach(child -> eachObject(child, action));
    }

    /** The seeded bug: every NaN read becomes the canonical quiet NaN, as a language's double would make it. */
    private static void canonicalNan(ObjectNode value) {
        if ("float64".equals(value.path("kind").asText())) {
            long bits = Long.parseUnsignedLong(value.path("bits").asText(), 16);
            if (Double.isNaN(Double.longBitsToDouble(bits))) {
                value.put("bits", "7ff8000000000000");
            }
        }
    }

    /** The seeded bug: entries of unknown CRDT type at map level {@code from} and deeper are dropped as they are read. */
    private static void dropUnknown(JsonNode store, int level, int from) {
        if (!"ORMap".equals(store.path("type").asText())) {
            return;
        }
        ArrayNode entries = (ArrayNode) store.path("entries");
        for (int i = entries.size() - 1; i >= 0; i--) {
            JsonNode nested = entries.get(i).path("value");
            if (level >= from && "unknown".equals(nested.path("type").asText())) {
                entries.remove(i);
            } else {
                dropUnknown(nested, level + 1, from);
            }
        }
    }

    /** The seeded bug: the LWW winner is found comparing timestamps as signed 64-bit integers. */
    private static void signedWinner(ObjectNode store) {
        if (!"LWWRegister".equals(store.path("type").asText()) || store.path("entries").isEmpty()) {
            return;
        }
        Comparator<JsonNode> order = Comparator.<JsonNode>comparingLong(e -> Long.parseUnsignedLong(e.path("timestamp").asText()))
                .thenComparing(e -> e.path("dot").path("replica").asText())
                .thenComparing(e -> Long.parseUnsignedLong(e.path("dot").path("counter").asText()), Long::compareUnsigned);
        JsonNode winner = null;
        for (JsonNode e : store.path("entries")) {
            if (winner == null || order.compare(e, winner) > 0) {
                winner = e;
            }
        }
        store.set("value", winner.get("value"));
    }

    /** The seeded bug: strings are ordered as Java orders them, by UTF-16 code units, not by their UTF-8 bytes. */
    private static void utf16Order(ObjectNode store) {
        switch (store.path("type").asText()) {
            case "AWSet" -> {
                sortStrings((ArrayNode) store.path("entries"), e -> e.path("element"));
                sortStrings((ArrayNode) store.path("elements"), e -> e);
            }
            case "MVRegister" -> sortStrings((ArrayNode) store.path("values"), e -> e);
            default -> {
            }
        }
    }

    /** Sorts the string values of {@code array} among themselves by UTF-16 code units; the others keep their places. */
    private static void sortStrings(ArrayNode array, java.util.function.Function<JsonNode, JsonNode> valueOf) {
        List<Integer> places = new ArrayList<>();
        List<JsonNode> strings = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            if ("string".equals(valueOf.apply(array.get(i)).path("kind").asText())) {
                places.add(i);
                strings.add(array.get(i));
            }
        }
        strings.sort(Comparator.comparing(e -> valueOf.apply(e).path("value").asText()));
        for (int k = 0; k < places.size(); k++) {
            array.set(places.get(k), strings.get(k));
        }
    }

    /** The seeded bug: a set of four elements or more moves to a hash table, and its query lists them in hash order. */
    private static void hashOrder(ObjectNode store) {
        if ("AWSet".equals(store.path("type").asText()) && store.path("elements").size() >= 4) {
            List<JsonNode> elements = new ArrayList<>();
            store.path("elements").forEach(elements::add);
            elements.sort(Comparator.comparingInt(e -> e.toString().hashCode()));
            ArrayNode hashed = store.putArray("elements");
            elements.forEach(hashed::add);
        }
    }

    /** The seeded bug: a counter's value is summed in 64-bit arithmetic, which wraps around. */
    private static void wrappingSum(ObjectNode store) {
        String type = store.path("type").asText();
        if (type.equals("GCounter")) {
            long sum = 0;
            for (JsonNode e : store.path("entries")) {
                sum += Long.parseUnsignedLong(e.path("count").asText());
            }
            store.put("value", Long.toUnsignedString(sum));
        } else if (type.equals("PNCounter")) {
            long sum = 0;
            for (JsonNode e : store.path("entries")) {
                sum += Long.parseUnsignedLong(e.path("increments").asText()) - Long.parseUnsignedLong(e.path("decrements").asText());
            }
            store.put("value", BigInteger.valueOf(sum).toString());
        }
    }
}
