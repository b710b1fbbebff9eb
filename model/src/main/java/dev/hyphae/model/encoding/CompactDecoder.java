package dev.hyphae.model.encoding;

import dev.hyphae.model.AWSet;
import dev.hyphae.model.CausalContext;
import dev.hyphae.model.CrdtType;
import dev.hyphae.model.Dot;
import dev.hyphae.model.EWFlag;
import dev.hyphae.model.EntryKey;
import dev.hyphae.model.GCounter;
import dev.hyphae.model.LWWRegister;
import dev.hyphae.model.Limits;
import dev.hyphae.model.MVRegister;
import dev.hyphae.model.ORMap;
import dev.hyphae.model.PNCounter;
import dev.hyphae.model.ReplicaId;
import dev.hyphae.model.State;
import dev.hyphae.model.Store;
import dev.hyphae.model.Value;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Decodes the compact form (section "Compact form") and checks each rule of the section as it reads, in the order
 * of the grammar: the size first (HY-ENC-076), then every item, each count and length checked against its limit and
 * against the bytes left before it is used (HY-DATA-042). Every refusal is of the decode phase except the size's.
 */
public final class CompactDecoder {

    private final ColumnReader in;
    private final List<ReplicaId> table;
    private final TreeSet<Dot> held = new TreeSet<>();
    /** The cursors: the last counter and the last timestamp read, null before the first. */
    private Long counter;
    private Long timestamp;
    /** The replica of the last dot or run read, null before the first. */
    private ReplicaId cursorReplica;
    private long elements;
    private long decodedBytes;

    private CompactDecoder(byte[] bytes, List<ReplicaId> table) {
        this.in = ColumnReader.compact(bytes);
        this.table = table;
    }

    /**
     * The state that {@code bytes} holds in the compact form, its replica indexes naming entries of {@code table}.
     *
     * @throws Malformed when the section requires the payload to be refused
     */
    public static State decode(byte[] bytes, List<ReplicaId> table) throws Malformed {
        if (bytes.length > Limits.MAX_PAYLOAD_SIZE) {
            throw new Malformed(Malformed.Phase.FRAME, "a compact payload longer than MAX_PAYLOAD_SIZE", "HY-ENC-076");
        }
        CompactDecoder d = new CompactDecoder(bytes, table);
        int type = d.typeId();
        Store root = d.store(type, 1);
        CausalContext context = d.context();
        d.in.requireEnd();
        PayloadDecoder.requireDotsOnce(root);
        return new State(root, context);
    }

    /** HY-ENC-064: a Type Id of version 1. */
    private int typeId() throws Malformed {
        long id = in.varint(0xFFFF, "a CRDT type id");
        if (CrdtType.of((int) id) == null) {
            throw Malformed.decode("CRDT type id " + id + " has no compact form", "HY-ENC-064");
        }
        return (int) id;
    }

    /** HY-ENC-067, HY-DATA-040: elements counted as they are announced. */
    private void count(long n) throws Malformed {
        elements += n;
        if (elements > Limits.MAX_ELEMENTS) {
            throw Malformed.decode("more than MAX_ELEMENTS elements", "HY-ENC-067");
        }
    }

    private Store store(int type, int depth) throws Malformed {
        if (type == CrdtType.OR_MAP.id() && depth > Limits.MAX_NESTING_DEPTH) {
            throw Malformed.decode("an ORMap deeper than MAX_NESTING_DEPTH", "HY-ENC-075");
        }
        long n = in.varint(Limits.MAX_ELEMENTS, "a Count", "HY-ENC-067");
        if (n == 0 && depth > 1) {
            throw Malformed.decode("an empty store under a map entry", "HY-ENC-067");
        }
        count(n);
        switch (CrdtType.of(type)) {
            case GCOUNTER -> {
                TreeMap<Dot, Long> m = new TreeMap<>();
                for (long i = 0; i < n; i++) {
                    Dot d = dot(m.isEmpty() ? null : m.lastKey());
                    m.put(d, in.varint());
                }
                return new GCounter(m);
            }
            case PNCOUNTER -> {
                TreeMap<Dot, PNCounter.Totals> m = new TreeMap<>();
                for (long i = 0; i < n; i++) {
                    Dot d = dot(m.isEmpty() ? null : m.lastKey());
                    long p = in.varint();
                    m.put(d, new PNCounter.Totals(p, in.varint()));
                }
                return new PNCounter(m);
            }
            case LWW_REGISTER -> {
                TreeMap<Dot, LWWRegister.Write> m = new TreeMap<>();
                for (long i = 0; i < n; i++) {
                    Dot d = dot(m.isEmpty() ? null : m.lastKey());
                    long t;
                    if (timestamp == null) {
                        long ms = in.varint();
                        if (Long.compareUnsigned(ms, (1L << 48) - 1) > 0) {
                            throw Malformed.decode("a millisecond part beyond 48 bits", "HY-ENC-070");
                        }
                        t = ms << 16 | in.varint(0xFFFF, "a logical part", "HY-ENC-070");
                    } else {
                        t = timestamp + in.zigzag();
                    }
                    timestamp = t;
                    m.put(d, new LWWRegister.Write(t, value(null, false)));
                }
                return new LWWRegister(m);
            }
            case MV_REGISTER -> {
                TreeMap<Dot, Value> m = new TreeMap<>();
                for (long i = 0; i < n; i++) {
                    Dot d = dot(m.isEmpty() ? null : m.lastKey());
                    m.put(d, value(null, false));
                }
                return new MVRegister(m);
            }
            case EW_FLAG -> {
                TreeSet<Dot> s = new TreeSet<>();
                for (long i = 0; i < n; i++) {
                    s.add(dot(s.isEmpty() ? null : s.last()));
                }
                return new EWFlag(s);
            }
            case AW_SET -> {
                TreeMap<Value, SortedSet<Dot>> m = new TreeMap<>();
                for (long i = 0; i < n; i++) {
                    Value previous = m.isEmpty() ? null : m.lastKey();
                    Value element = value(previous, false);
                    if (previous != null && element.compareTo(previous) <= 0) {
                        throw Malformed.decode("AWSet elements out of order", "HY-ENC-068");
                    }
                    long dots = in.varint(Limits.MAX_ELEMENTS, "a Dot Count");
                    if (dots == 0) {
                        throw Malformed.decode("an AWSet element with no dots", "HY-ENC-067");
                    }
                    count(dots);
                    TreeSet<Dot> s = new TreeSet<>();
                    for (long j = 0; j < dots; j++) {
                        s.add(dot(s.isEmpty() ? null : s.last()));
                    }
                    m.put(element, s);
                }
                return new AWSet(m);
            }
            case OR_MAP -> {
                TreeMap<EntryKey, Store> m = new TreeMap<>();
                for (long i = 0; i < n; i++) {
                    EntryKey previous = m.isEmpty() ? null : m.lastKey();
                    Value key = value(previous == null ? null : previous.key(), true);
                    EntryKey entry = new EntryKey(key, typeId());
                    if (previous != null && entry.compareTo(previous) <= 0) {
                        throw Malformed.decode("ORMap entries out of order", "HY-ENC-068");
                    }
                    m.put(entry, store(entry.typeId(), depth + 1));
                }
                return new ORMap(m);
            }
            default -> throw new AssertionError("every type of version 1 is above");
        }
    }

    /** A replica index (HY-ENC-061): less than the number of entries of the table. */
    private ReplicaId replica(long index) throws Malformed {
        if (Long.compareUnsigned(index, table.size()) >= 0) {
            throw Malformed.decode("replica index " + Long.toUnsignedString(index) + " past the replica table", "HY-ENC-061");
        }
        return table.get((int) index);
    }

    /** A Dot (HY-ENC-069), after {@code previous} in its store (HY-ENC-068). */
    private Dot dot(Dot previous) throws Malformed {
        ReplicaId r = replica(in.varint());
        long k = counter == null ? in.varint() : counter + in.zigzag();
        if (k == 0) {
            throw Malformed.decode("a dot with counter 0", "HY-ENC-069");
        }
        counter = k;
        cursorReplica = r;
        Dot d = new Dot(r, k);
        if (previous != null && d.compareTo(previous) <= 0) {
            throw Malformed.decode("dots of a store out of order", "HY-ENC-068");
        }
        held.add(d);
        return d;
    }

    /** A Value (HY-ENC-071); {@code previous} is the value before it in its front-coded sequence. */
    private Value value(Value previous, boolean key) throws Malformed {
        long head = in.varint();
        long kind = head & 7;
        long suffix = head >>> 3;
        if (kind == 7 || (kind < 5 && suffix != 0) || (key && kind != 3 && kind != 5 && kind != 6)) {
            throw Malformed.decode("a value head " + Long.toUnsignedString(head), "HY-ENC-071");
        }
        if (kind == 0) {
            return Value.NULL;
        } else if (kind == 1 || kind == 2) {
            return Value.of(kind == 2);
        } else if (kind == 3) {
            return Value.of(in.zigzag());
        } else if (kind == 4) {
            long bits = 0;
            for (int i = 0; i < 8; i++) {
                bits |= (long) in.readByte() << (8 * i);
            }
            return Value.ofBits(bits);
        }
        int limit = kind == 5 ? Limits.MAX_STRING_LENGTH : Limits.MAX_BYTES_LENGTH;
        byte[] before = previous != null && previous.rank() == (kind == 5 ? 4 : 5) ? CompactEncoder.content(previous) : null;
        long shared = before == null ? 0 : in.varint(before.length, "a Shared Length");
        if (shared + suffix > limit) {
            throw Malformed.decode("a string or bytes value longer than its limit", "HY-ENC-071");
        }
        decodedBytes += shared + suffix;
        if (decodedBytes > Layout.MAX_DECODED_BYTES) {
            throw Malformed.decode("more than MAX_DECODED_BYTES of strings and bytes", "HY-ENC-073");
        }
        byte[] bytes = new byte[(int) (shared + suffix)];
        if (before != null) {
            System.arraycopy(before, 0, bytes, 0, (int) shared);
        }
        for (int i = (int) shared; i < bytes.length; i++) {
            bytes[i] = (byte) in.readByte();
        }
        // The Shared Length is the longest common prefix: the suffix starts where the previous value differs.
        if (before != null && shared < before.length && shared < bytes.length && before[(int) shared] == bytes[(int) shared]) {
            throw Malformed.decode("a Shared Length shorter than the common prefix", "HY-ENC-071");
        }
        if (kind == 6) {
            return Value.Bytes.of(bytes);
        }
        try {
            return Value.of(StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString());
        } catch (CharacterCodingException e) {
            throw Malformed.decode("a string that is not well-formed UTF-8", "HY-ENC-071", "HY-DATA-012");
        }
    }

    /** The Context Runs (HY-ENC-072) and the context they give with the dots of the store (HY-ENC-073). */
    private CausalContext context() throws Malformed {
        long n = in.varint(Limits.MAX_ELEMENTS, "a Run Count");
        List<long[]> runs = new ArrayList<>();
        List<ReplicaId> replicas = new ArrayList<>();
        for (long i = 0; i < n; i++) {
            long field = in.varint();
            ReplicaId r;
            if (field >>> 1 == 0) {
                if (cursorReplica == null) {
                    throw Malformed.decode("a context run of the replica before it, with none before it", "HY-ENC-072");
                }
                r = cursorReplica;
            } else {
                r = replica((field >>> 1) - 1);
                if (r.equals(cursorReplica)) {
                    throw Malformed.decode("a context run of the replica before it, named by index", "HY-ENC-072");
                }
            }
            long first = counter == null ? in.varint() : counter + in.zigzag();
            long length = (field & 1) == 0 ? 1 : in.varint();
            if ((field & 1) == 1 && Long.compareUnsigned(length, 2) < 0) {
                throw Malformed.decode("a context run whose Length is below 2", "HY-ENC-072");
            }
            if (first == 0 || Long.compareUnsigned(length - 1, -1L - first) > 0) {
                throw Malformed.decode("a context run from counter 0 or past 2^64-1", "HY-ENC-072");
            }
            long last = first + length - 1;
            if (!runs.isEmpty()) {
                ReplicaId pr = replicas.get(replicas.size() - 1);
                long plast = runs.get(runs.size() - 1)[1];
                int order = r.compareTo(pr);
                if (order < 0 || order == 0 && (plast == -1L || Long.compareUnsigned(first, plast + 1) <= 0)) {
                    throw Malformed.decode("context runs out of order, overlapping or adjacent", "HY-ENC-072");
                }
            }
            if (!held.subSet(new Dot(r, first), true, new Dot(r, last), true).isEmpty()) {
                throw Malformed.decode("a context run holds a dot of the store", "HY-ENC-072");
            }
            counter = last;
            cursorReplica = r;
            runs.add(new long[] {first, last});
            replicas.add(r);
        }
        // The context: for each replica, VV[r] is how far the counters from 1 are all held; the rest is the cloud.
        TreeMap<ReplicaId, List<long[]>> byReplica = new TreeMap<>();
        for (int i = 0; i < runs.size(); i++) {
            byReplica.computeIfAbsent(replicas.get(i), x -> new ArrayList<>()).add(runs.get(i));
        }
        for (Dot d : held) {
            byReplica.computeIfAbsent(d.replica(), x -> new ArrayList<>()).add(new long[] {d.counter(), d.counter()});
        }
        TreeMap<ReplicaId, Long> vv = new TreeMap<>();
        List<Dot> cloud = new ArrayList<>();
        long cloudDots = 0;
        for (Map.Entry<ReplicaId, List<long[]>> e : byReplica.entrySet()) {
            List<long[]> intervals = e.getValue();
            intervals.sort((a, b) -> Long.compareUnsigned(a[0], b[0]));
            long covered = 0;
            int i = 0;
            while (i < intervals.size() && covered != -1L && intervals.get(i)[0] == covered + 1) {
                covered = intervals.get(i++)[1];
            }
            if (covered != 0) {
                vv.put(e.getKey(), covered);
            }
            for (; i < intervals.size(); i++) {
                long[] iv = intervals.get(i);
                long length = iv[1] - iv[0] + 1;
                cloudDots += length;
                if (Long.compareUnsigned(length, Limits.MAX_CLOUD_DOTS) > 0 || cloudDots > Limits.MAX_CLOUD_DOTS) {
                    throw Malformed.decode("a context whose cloud exceeds MAX_CLOUD_DOTS", "HY-ENC-073");
                }
            }
        }
        count(vv.size() + cloudDots);
        for (Map.Entry<ReplicaId, List<long[]>> e : byReplica.entrySet()) {
            long covered = vv.getOrDefault(e.getKey(), 0L);
            for (long[] iv : e.getValue()) {
                if (Long.compareUnsigned(iv[0], covered) > 0) {
                    for (long k = iv[0]; ; k++) {
                        cloud.add(new Dot(e.getKey(), k));
                        if (k == iv[1]) {
                            break;
                        }
                    }
                }
            }
        }
        return CausalContext.of(vv, cloud);
    }
}
