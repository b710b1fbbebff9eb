package dev.hyphae.codec;

import dev.hyphae.ProtocolException;
import dev.hyphae.crdt.CausalState;
import dev.hyphae.crdt.Crdt;
import dev.hyphae.crdt.CrdtType;
import dev.hyphae.crdt.EntryKey;
import dev.hyphae.crdt.GCounter;
import dev.hyphae.crdt.ORMap;
import dev.hyphae.crdt.UnknownCrdt;
import dev.hyphae.data.CausalContext;
import dev.hyphae.data.Dot;
import dev.hyphae.data.ReplicaId;
import dev.hyphae.data.Value;
import dev.hyphae.spec.Requirement;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * HY-ENC-053: a payload that writes an opaque version starts its replica table with the table of the payload that
 * carried the version, even when the caller gives no table, as a join, an interval or a difference does: the data of
 * the version may name replicas by index in that table.
 */
class OpaqueVersionTableTest {

    private static final ReplicaId A = ReplicaId.fromHex("0a000000000000000000000000000001");
    private static final ReplicaId B = ReplicaId.fromHex("0b000000000000000000000000000002");
    private static final ReplicaId C = ReplicaId.fromHex("0c000000000000000000000000000003");
    private static final EntryKey FUTURE = new EntryKey(Value.of("future"), 0x4001);

    /** A payload, as a peer that knows type 0x4001 could send it, under {@code table}, which its bytes keep. */
    private static byte[] carrying(List<ReplicaId> table, Dot dot, byte[] data) throws ProtocolException {
        return carrying(table, FUTURE, dot, data);
    }

    private static byte[] carrying(List<ReplicaId> table, EntryKey key, Dot dot, byte[] data) throws ProtocolException {
        TreeMap<EntryKey, Crdt> entries = new TreeMap<>();
        entries.put(key, UnknownCrdt.of(0x4001, new TreeSet<>(List.of(dot)), data));
        CausalState<Crdt> state = new CausalState<>(ORMap.of(entries), CausalContext.of(List.of(dot)));
        byte[] bytes = Codec.encode(new Payload(table, state));
        assertEquals(table, Codec.decode(bytes).replicaTable().subList(0, table.size()));
        return bytes;
    }

    @Test
    @Requirement({"HY-ENC-053", "HY-DATA-037", "HY-SYNC-080"})
    void aJoinThatHoldsAnOpaqueVersionIsWrittenUnderItsCarryingTable() throws ProtocolException {
        // The carrying table is (C, A), not in ascending order; the data 00 01 names, by index, C and then A in it.
        byte[] data = {0, 1};
        CausalState<Crdt> received = Codec.decode(carrying(List.of(C, A), new Dot(C, 1), data)).state();
        Dot write = new Dot(B, 1);
        TreeMap<EntryKey, Crdt> other = new TreeMap<>();
        other.put(new EntryKey(Value.of("kwh"), CrdtType.GCOUNTER.id()), GCounter.EMPTY.increment(CausalContext.EMPTY, B, 4).store());
        CausalState<Crdt> joined = received.join(new CausalState<>(ORMap.of(other), CausalContext.of(List.of(write))));

        // Encoded with no table given, as every recomputed payload is: the table read from the bytes starts C, A.
        Payload sent = Codec.decode(Codec.encode(joined));
        assertEquals(List.of(C, A, B), sent.replicaTable());
        UnknownCrdt version = (UnknownCrdt) ((ORMap) sent.state().store()).entries().get(FUTURE);
        assertArrayEquals(data, version.versions().first().data());
        assertEquals(joined, sent.state());
    }

    @Test
    @Requirement({"HY-ENC-053", "HY-DATA-067"})
    void versionsUnderTablesThatAreNotPrefixesOfOneAnotherAreNotWrittenTogether() throws ProtocolException {
        CausalState<Crdt> first = Codec.decode(carrying(List.of(C, A), new Dot(C, 1), new byte[] {0})).state();
        TreeMap<EntryKey, Crdt> entries = new TreeMap<>();
        Dot dot = new Dot(A, 1);
        entries.put(new EntryKey(Value.of("past"), 0x4001), UnknownCrdt.of(0x4001, new TreeSet<>(List.of(dot)), new byte[] {0}));
        byte[] second = Codec.encode(new Payload(List.of(A, C), new CausalState<>(ORMap.of(entries), CausalContext.of(List.of(dot)))));
        CausalState<Crdt> joined = first.join(Codec.decode(second).state());
        ConflictingReplicaTablesException e = assertThrows(ConflictingReplicaTablesException.class, () -> Codec.encode(joined));
        assertEquals(0x4001, e.typeId());

        // A table that extends the carrying one is no conflict: the longer is the prefix of the new table.
        EntryKey later = new EntryKey(Value.of("later"), 0x4001);
        CausalState<Crdt> extended = first.join(Codec.decode(carrying(List.of(C, A, B), later, new Dot(B, 7), new byte[] {2})).state());
        assertEquals(List.of(C, A, B), Codec.decode(Codec.encode(extended)).replicaTable());
    }
}
