package dev.hyphae.codec;

import dev.hyphae.ErrorCode;
import dev.hyphae.ProtocolException;
import dev.hyphae.crdt.CausalState;
import dev.hyphae.crdt.Crdt;
import dev.hyphae.crdt.CrdtType;
import dev.hyphae.crdt.EntryKey;
import dev.hyphae.crdt.LWWRegister;
import dev.hyphae.crdt.ORMap;
import dev.hyphae.data.CausalContext;
import dev.hyphae.data.Dot;
import dev.hyphae.data.Limits;
import dev.hyphae.data.ReplicaId;
import dev.hyphae.data.Value;
import dev.hyphae.spec.Requirement;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The compact form on the sensor workload, at the corners of counters, and on inputs built to exhaust a reader. */
class CompactFormTest {

    /** 128 replicas, so that every index below 128 can be drawn. */
    private static final List<ReplicaId> TABLE = replicas(128);

    static List<ReplicaId> replicas(int n) {
        List<ReplicaId> table = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            byte[] id = new byte[16];
            id[0] = (byte) (0x40 + i % 7);
            id[15] = (byte) i;
            id[14] = (byte) (i >> 8);
            table.add(ReplicaId.of(id));
        }
        return table;
    }

    /**
     * The delta of the sensor workload's write of round {@code round} to "sensor-{@code key}" by replica {@code index}
     * of the table: 1,000 keys written in turn, so that the write overwrites the dot 1,000 before its own.
     */
    static CausalState<ORMap> sensorWrite(int index, int key, int round, long milliseconds, int logical, double reading) {
        ReplicaId replica = TABLE.get(index);
        long counter = (long) (round - 1) * 1000 + key + 1;
        ORMap map = ORMap.EMPTY;
        if (round > 1) {
            TreeMap<Dot, LWWRegister.Write> previous = new TreeMap<>();
            previous.put(new Dot(replica, counter - 1000), new LWWRegister.Write((milliseconds - 60_000) << 16, Value.of(reading - 1)));
            TreeMap<EntryKey, Crdt> entries = new TreeMap<>();
            entries.put(new EntryKey(Value.of("sensor-" + key), CrdtType.LWW_REGISTER.id()), LWWRegister.of(previous));
            map = ORMap.of(entries);
        }
        CausalContext context = counter == 1 ? CausalContext.EMPTY
                : CausalContext.ofCanonical(new TreeMap<>(java.util.Map.of(replica, counter - 1)), new TreeSet<>());
        return map.update(Value.of("sensor-" + key), CrdtType.LWW_REGISTER,
                (LWWRegister r) -> r.write(context, replica, Value.of(reading), milliseconds << 16 | logical));
    }

    @Property(tries = 2000)
    @Requirement({"HY-ENC-060", "HY-ENC-079"})
    void oneSensorWriteTakesAtMost40Bytes(@ForAll @IntRange(max = 127) int index, @ForAll @IntRange(max = 999) int key,
                                          @ForAll @IntRange(min = 1, max = 500) int round,
                                          @ForAll @LongRange(min = 1_577_836_800_000L, max = 4_102_444_800_000L) long milliseconds,
                                          @ForAll @IntRange(max = 16383) int logical, @ForAll double reading) throws ProtocolException {
        CausalState<ORMap> delta = sensorWrite(index, key, round, milliseconds, logical, reading);
        byte[] compact = Codec.encodeCompact(delta, TABLE).orElseThrow();
        assertTrue(compact.length <= 40, () -> compact.length + " bytes: " + HexFormat.of().formatHex(compact));
        assertEquals(delta, Codec.decodeCompact(compact, TABLE));
    }

    @Test
    @Requirement({"HY-ENC-069", "HY-ENC-072", "HY-ENC-073"})
    void countersAtTheEndOfTheirRangeRoundTrip() throws ProtocolException {
        ReplicaId a = TABLE.get(0);
        ReplicaId b = TABLE.get(1);
        TreeMap<Dot, LWWRegister.Write> writes = new TreeMap<>();
        writes.put(new Dot(a, -1L), new LWWRegister.Write(-1L, Value.of(true)));
        writes.put(new Dot(b, 1L << 63), new LWWRegister.Write(0, Value.ofNull()));
        TreeMap<ReplicaId, Long> vector = new TreeMap<>();
        vector.put(a, -1L);
        vector.put(b, 1L << 63);
        CausalState<Crdt> state = new CausalState<>(LWWRegister.of(writes), CausalContext.ofCanonical(vector, new TreeSet<>()));
        byte[] bytes = Codec.encodeCompact(state, TABLE).orElseThrow();
        assertEquals(state, Codec.decodeCompact(bytes, TABLE));
    }

    private static byte[] bytes(long... varints) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (long v : varints) {
            while ((v & ~0x7FL) != 0) {
                out.write((int) (v & 0x7F) | 0x80);
                v >>>= 7;
            }
            out.write((int) v);
        }
        return out.toByteArray();
    }

    private static ProtocolException assertRefused(byte[] input) {
        ProtocolException e = assertThrows(ProtocolException.class, () -> Codec.decodeCompact(input, TABLE));
        assertEquals(ErrorCode.MALFORMED_DELTA, e.code());
        assertEquals(Optional.of(ProtocolException.Phase.DECODE), e.phase(), e.getMessage());
        return e;
    }

    @Test
    @Requirement({"HY-ENC-066", "HY-ENC-067", "HY-ENC-073", "HY-ENC-075", "HY-ENC-077"})
    void inputsBuiltToExhaustAReaderAreRefused() {
        // MAX_ELEMENTS entries announced, none there.
        assertRefused(bytes(5, Limits.MAX_ELEMENTS));
        // One more than MAX_ELEMENTS.
        assertRefused(bytes(5, Limits.MAX_ELEMENTS + 1));
        // A context run of 2^40 dots from counter 2: a cloud far beyond MAX_CLOUD_DOTS.
        assertRefused(bytes(5, 0, 1, 3, 2, 1L << 40));
        // Maps nested one deeper than MAX_NESTING_DEPTH: each level one entry, key 0, type ORMap.
        List<Long> nested = new ArrayList<>(List.of(7L));
        for (int depth = 1; depth <= Limits.MAX_NESTING_DEPTH; depth++) {
            nested.addAll(List.of(1L, 3L, 0L, 7L));
        }
        nested.addAll(List.of(0L, 0L));
        assertRefused(bytes(nested.stream().mapToLong(Long::longValue).toArray()));
        // A string of MAX_STRING_LENGTH + 1 bytes announced under a map key.
        assertRefused(bytes(7, 1, 5 + 8L * (Limits.MAX_STRING_LENGTH + 1)));
    }

    @Test
    @Requirement({"HY-ENC-076", "HY-ENC-078"})
    void aPayloadLongerThanMaxPayloadSizeIsRefusedBeforeItIsRead() {
        ProtocolException e = assertThrows(ProtocolException.class,
                () -> Codec.decodeCompact(new byte[Limits.MAX_PAYLOAD_SIZE + 1], TABLE));
        assertEquals(ErrorCode.MALFORMED_DELTA, e.code());
        assertEquals(Optional.of(ProtocolException.Phase.FRAME), e.phase());
    }

    /**
     * Front coding lets 7 bytes stand for a value of 1 MiB: an AWSet whose elements each repeat all but the last
     * byte of the one before. The decoded bytes pass MAX_DECODED_BYTES after 16 elements, in a payload of 1 MiB.
     */
    @Test
    @Requirement({"HY-ENC-074", "HY-ENC-071"})
    void frontCodingCannotDecodeToMoreThanMaxDecodedBytes() throws Exception {
        int length = Limits.MAX_BYTES_LENGTH;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(bytes(6, 100, 6 + 8L * length));
        out.writeBytes(new byte[length]);
        out.writeBytes(bytes(1, 0, 1));
        for (int k = 1; k < 100; k++) {
            out.writeBytes(bytes(6 + 8, length - 1));
            out.write(k);
            out.writeBytes(bytes(1, 0, 2));
        }
        out.writeBytes(bytes(0));
        byte[] input = out.toByteArray();
        assertTrue(assertRefused(input).getMessage().contains("MAX_DECODED_BYTES"));
        assertThrows(dev.hyphae.model.encoding.Malformed.class, () -> dev.hyphae.model.encoding.CompactDecoder.decode(input,
                TABLE.stream().map(r -> new dev.hyphae.model.ReplicaId(r.toHex())).toList()));
    }

    @Test
    @Requirement({"HY-ENC-061", "HY-ENC-064", "HY-ENC-066", "HY-ENC-072"})
    void eachRuleRefusesItsOwnBreach() {
        // A replica index past the table.
        assertRefused(bytes(5, 1, 128, 2, 0));
        // A CRDT type outside version 1.
        assertRefused(bytes(8, 0, 0));
        // A byte after the end.
        assertRefused(bytes(5, 0, 0, 0));
        // A context run of Length 1 written with its Length.
        assertRefused(bytes(5, 0, 1, 3, 2, 1));
        // Two adjacent context runs of one replica, which are one run.
        assertRefused(bytes(5, 0, 2, 2, 2, 0, 2));
        // A context run that holds the dot of the store: (0, 2) in the flag, then the run (0, 2).
        assertRefused(bytes(5, 1, 0, 2, 1, 0, 0));
        // A context run that names the replica before it, when there is none.
        assertRefused(bytes(5, 0, 1, 0, 2));
        // A context run that names the replica of the dot before it by its index.
        assertRefused(bytes(5, 1, 0, 2, 1, 2, 5));
        // A non-minimal varint: the count 0 in two bytes.
        assertRefused(new byte[] {5, (byte) 0x80, 0, 0});
    }

    @Test
    @Requirement("HY-ENC-073")
    void aRunFromCounterOneOfMaximalLengthIsAVersionVectorEntry() throws ProtocolException {
        CausalState<Crdt> state = Codec.decodeCompact(bytes(5, 0, 1, 3, 1, -1L), TABLE);
        assertEquals(-1L, state.context().versionVector().get(TABLE.get(0)));
        assertTrue(state.context().cloud().isEmpty());
    }
}
