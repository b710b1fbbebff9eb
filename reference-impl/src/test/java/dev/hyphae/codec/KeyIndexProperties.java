package dev.hyphae.codec;

import dev.hyphae.ErrorCode;
import dev.hyphae.ProtocolException;
import dev.hyphae.crdt.CausalState;
import dev.hyphae.crdt.Crdt;
import dev.hyphae.crdt.CrdtArbitraries;
import dev.hyphae.crdt.ORMap;
import dev.hyphae.data.Value;
import dev.hyphae.spec.Requirement;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Payloads in session form whose ORMap batches name their keys by index in an external key table (specification,
 * "Encoding", section "Key indexes"). The laws hold for any key table that holds the keys a state names, in any
 * order and with keys it does not name; a table that lacks some keys leaves the batches that name them with their
 * keys in {@code values}.
 */
class KeyIndexProperties {

    /** Maps of every type; a value of unknown type travels only in the payload that carried it (HY-ENC-053). */
    @Provide
    Arbitrary<CausalState<Crdt>> maps() {
        return CrdtArbitraries.states(dev.hyphae.crdt.CrdtType.OR_MAP).filter(s -> !PayloadDecoding.holdsUnknownType(s.store()));
    }

    @Provide
    Arbitrary<Integer> extras() {
        return Arbitraries.integers().between(0, 4);
    }

    /** Every key of the maps of {@code store}, at any depth, each once. */
    static List<Value> keys(Crdt store) {
        Set<Value> keys = new LinkedHashSet<>();
        collect(store, keys);
        return new ArrayList<>(keys);
    }

    private static void collect(Crdt store, Set<Value> into) {
        if (store instanceof ORMap map) {
            map.entries().forEach((key, value) -> {
                into.add(key.key());
                collect(value, into);
            });
        }
    }

    /** The keys that {@code state} names and {@code extra} others, shuffled by {@code seed}. */
    private static List<Value> keyTable(CausalState<Crdt> state, int extra, long seed) {
        List<Value> table = keys(state.store());
        for (int i = 0; i < extra; i++) {
            Value other = Value.of("not named " + i);
            if (!table.contains(other)) {
                table.add(other);
            }
        }
        Collections.shuffle(table, new Random(seed));
        return table;
    }

    private static ExternalTables tables(CausalState<Crdt> state, List<Value> keys) {
        return new ExternalTables(new ArrayList<>(Codec.replicas(state)), keys);
    }

    private static boolean rootHasKeyIndexes(byte[] bytes) {
        return hyphae.v1.Payload.getRootAsPayload(ByteBuffer.wrap(bytes)).root().keyIndexesAsByteBuffer() != null;
    }

    @Property(tries = 500)
    @Requirement({"HY-ENC-102", "HY-ENC-104", "HY-ENC-105", "HY-ENC-106"})
    void decodeAgainstTheKeyTableInvertsEncodeAgainstIt(@ForAll("maps") CausalState<Crdt> state, @ForAll("extras") int extra,
            @ForAll long seed, @ForAll boolean lackOne) throws ProtocolException {
        List<Value> keys = keyTable(state, extra, seed);
        List<Value> named = keys(state.store());
        if (lackOne && !named.isEmpty()) {
            // A table that lacks a key: the batches that name it carry their keys, the others still name them by index.
            keys.remove(named.get(new Random(seed).nextInt(named.size())));
        }
        ExternalTables tables = tables(state, keys);
        byte[] bytes = Codec.encode(state, tables);
        assertEquals(state, PayloadDecoder.decode(bytes, tables).state());
        boolean rootEntries = !((ORMap) state.store()).entries().isEmpty();
        boolean rootKeysHeld = ((ORMap) state.store()).entries().keySet().stream().allMatch(k -> keys.contains(k.key()));
        assertEquals(rootEntries && rootKeysHeld, rootHasKeyIndexes(bytes), "key indexes exactly where the table holds every key");
    }

    @Property(tries = 300)
    @Requirement({"HY-ENC-103", "HY-SESS-100"})
    void aKeyIndexPastTheKeyTableIsRefused(@ForAll("maps") CausalState<Crdt> state, @ForAll("extras") int extra,
            @ForAll long seed) {
        List<Value> named = keys(state.store());
        Assume.that(!named.isEmpty());
        List<Value> keys = keyTable(state, extra, seed);
        ExternalTables tables = tables(state, keys);
        byte[] bytes = Codec.encode(state, tables);
        // The receiver's key table stops before the last key that the payload names: that index is past it.
        int last = named.stream().mapToInt(keys::indexOf).max().orElseThrow();
        ExternalTables shorter = new ExternalTables(tables.replicas(), keys.subList(0, last));
        ProtocolException refused = assertThrows(ProtocolException.class, () -> PayloadDecoder.decode(bytes, shorter));
        assertEquals(ErrorCode.MALFORMED_DELTA, refused.code());
        assertEquals(ProtocolException.Phase.DECODE, refused.phase().orElseThrow());
    }

    @Property(tries = 300)
    @Requirement({"HY-ENC-100", "HY-ENC-107", "HY-SESS-104"})
    void keyIndexesExistOnlyInsideTheSessionAndAreStoredAsKeys(@ForAll("maps") CausalState<Crdt> state,
            @ForAll("extras") int extra, @ForAll long seed) throws ProtocolException {
        List<Value> keys = keyTable(state, extra, seed);
        ExternalTables tables = tables(state, keys);
        byte[] bytes = Codec.encode(state, tables);
        Assume.that(rootHasKeyIndexes(bytes));
        // Outside a session, the same bytes have no key table.
        ProtocolException outside = assertThrows(ProtocolException.class, () -> PayloadDecoder.decode(bytes));
        assertEquals(ErrorCode.MALFORMED_DELTA, outside.code());
        // Stored or forwarded, the payload carries its keys and its replica table, and reads back alone.
        byte[] stored = Codec.selfContained(bytes, PayloadDecoder.decode(bytes, tables));
        assertNull(hyphae.v1.Payload.getRootAsPayload(ByteBuffer.wrap(stored)).root().keyIndexesAsByteBuffer());
        assertEquals(state, PayloadDecoder.decode(stored).state());
    }

    @Property(tries = 1000)
    @Requirement({"HY-ENC-007", "HY-ENC-103"})
    void damagedPayloadsWithKeyIndexesAreRefusedWithACodeOrDecode(@ForAll("maps") CausalState<Crdt> state,
            @ForAll("extras") int extra, @ForAll long seed) {
        List<Value> keys = keyTable(state, extra, seed);
        ExternalTables tables = tables(state, keys);
        byte[] bytes = Codec.encode(state, tables);
        Random random = new Random(seed);
        for (int m = 0; m < 1 + random.nextInt(3) && bytes.length > 0; m++) {
            int at = random.nextInt(bytes.length);
            bytes[at] = random.nextBoolean() ? (byte) (bytes[at] ^ (1 << random.nextInt(8))) : (byte) random.nextInt(256);
        }
        ExternalTables against = random.nextBoolean() ? tables
                : new ExternalTables(tables.replicas(), keys.subList(0, random.nextInt(keys.size() + 1)));
        try {
            Payload decoded = PayloadDecoder.decode(bytes, against);
            assertEquals(decoded.state(), PayloadDecoder.decode(Codec.selfContained(bytes, decoded)).state());
        } catch (ProtocolException e) {
            assertEquals(ErrorCode.MALFORMED_DELTA, e.code(), e.getMessage());
        } catch (PayloadNotEncodableException e) {
            // Damage can leave a payload that decodes but is too large with its own tables: refused then.
        }
    }

    @Property(tries = 200)
    @Requirement({"HY-ENC-104", "HY-ENC-108"})
    void theEntriesOfAStoreFollowTheirKeyIndexes(@ForAll("maps") CausalState<Crdt> state, @ForAll long seed)
            throws ProtocolException {
        ORMap root = (ORMap) state.store();
        Assume.that(root.entries().size() >= 2);
        List<Value> keys = keyTable(state, 0, seed);
        byte[] bytes = Codec.encode(state, tables(state, keys));
        // The root store's items: its first entry's index, then non-negative steps, in the order of the key table.
        Packed.Reader column = Packed.Reader.of(hyphae.v1.Payload.getRootAsPayload(ByteBuffer.wrap(bytes)).root()
                .keyIndexesAsByteBuffer(), "key_indexes");
        long index = 0;
        List<Long> indexes = new ArrayList<>();
        for (long item : column.repeatCoded(root.entries().size())) {  // HY-ENC-108
            index += item;
            indexes.add(index);
        }
        // They are the key indexes of the root's entries, each as often as its key has entries, in ascending order.
        List<Long> expected = new ArrayList<>();
        root.entries().keySet().forEach(e -> expected.add((long) keys.indexOf(e.key())));
        Collections.sort(expected);
        assertEquals(expected, indexes);
        assertTrue(column.atEnd());
    }
}
