package dev.hyphae.codec;

import dev.hyphae.ErrorCode;
import dev.hyphae.ProtocolException;
import dev.hyphae.crdt.CausalState;
import dev.hyphae.crdt.Crdt;
import dev.hyphae.crdt.CrdtArbitraries;
import dev.hyphae.crdt.CrdtType;
import dev.hyphae.crdt.ORMap;
import dev.hyphae.crdt.UnknownCrdt;
import dev.hyphae.spec.Requirement;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Decode inverts encode, for every type; and no input, however mangled, makes the decoder do anything but
 * return a payload or refuse it with {@code MALFORMED_DELTA}.
 *
 * <p>These call {@link PayloadDecoder} directly, not {@link Codec#decode}, whose safety net turns an
 * unexpected runtime exception into a refusal: here such an exception must fail the property.
 */
class CodecProperties {

    @Provide
    Arbitrary<CausalState<Crdt>> anyState() {
        return CrdtArbitraries.types().flatMap(CrdtArbitraries::states);
    }

    @Provide
    Arbitrary<byte[]> anyEncoding() {
        return anyState().map(Codec::encode);
    }

    @Property(tries = 1000)
    @Requirement({"HY-DATA-009", "HY-DATA-011", "HY-DATA-013", "HY-ENC-020", "HY-ENC-030", "HY-ENC-047", "HY-ENC-048",
        "HY-ENC-049", "HY-ENC-050"})
    void decodeInvertsEncode(@ForAll("anyState") CausalState<Crdt> state) throws ProtocolException {
        byte[] bytes = Codec.encode(state);
        Payload decoded = PayloadDecoder.decode(bytes);
        assertEquals(state, decoded.state());
        // Encoding what was decoded, with its replica table, gives the same bytes: nothing is lost or reordered.
        assertArrayEquals(bytes, Codec.encode(decoded));
    }

    @Provide
    Arbitrary<CausalState<Crdt>> mapStates() {
        return CrdtArbitraries.states(CrdtType.OR_MAP);
    }

    @Property(tries = 300)
    @Requirement({"HY-VER-017", "HY-VER-020", "HY-VER-022", "HY-DATA-037", "HY-ENC-039", "HY-ENC-052", "HY-ENC-053"})
    void aValueOfUnknownTypeSurvivesDecodeAndEncodeByteForByte(
            @ForAll("mapStates") CausalState<Crdt> state, @ForAll @Size(max = 40) byte[] data) throws ProtocolException {
        // An entry of type 0x4001, which this version does not define, under a new key, with a fresh dot.
        var dot = state.context().nextDot(CrdtArbitraries.REPLICAS.get(2));
        var entries = new java.util.TreeMap<>(state.store() instanceof ORMap m ? m.entries() : java.util.Map.of());
        entries.put(new dev.hyphae.crdt.EntryKey(dev.hyphae.data.Value.of("future"), 0x4001),
                UnknownCrdt.of(0x4001, new java.util.TreeSet<>(java.util.List.of(dot)), data));
        CausalState<Crdt> withUnknown = new CausalState<>(ORMap.of(entries), state.context().with(java.util.List.of(dot)));

        byte[] bytes = Codec.encode(withUnknown);
        Payload decoded = PayloadDecoder.decode(bytes);
        UnknownCrdt unknown = (UnknownCrdt) ((ORMap) decoded.state().store()).get(dev.hyphae.data.Value.of("future")).get(0x4001);
        assertArrayEquals(data, unknown.versions().first().data());
        assertArrayEquals(bytes, Codec.encode(decoded));
    }

    /** Applies {@code mutations} random damages: bit flips, byte overwrites, truncation, insertion, deletion. */
    private static byte[] mutate(byte[] original, Random random, int mutations) {
        byte[] bytes = original.clone();
        for (int m = 0; m < mutations && bytes.length > 0; m++) {
            int at = random.nextInt(bytes.length);
            switch (random.nextInt(6)) {
                case 0 -> bytes[at] ^= (byte) (1 << random.nextInt(8));
                case 1 -> bytes[at] = (byte) random.nextInt(256);
                case 2 -> bytes = Arrays.copyOf(bytes, at);
                case 3 -> {
                    byte[] longer = new byte[bytes.length + 1];
                    System.arraycopy(bytes, 0, longer, 0, at);
                    longer[at] = (byte) random.nextInt(256);
                    System.arraycopy(bytes, at, longer, at + 1, bytes.length - at);
                    bytes = longer;
                }
                case 4 -> {
                    byte[] shorter = new byte[bytes.length - 1];
                    System.arraycopy(bytes, 0, shorter, 0, at);
                    System.arraycopy(bytes, at + 1, shorter, at, bytes.length - at - 1);
                    bytes = shorter;
                }
                default -> {
                    // A large little-endian length or offset, the classic way to make a reader allocate or run away.
                    if (at + 4 <= bytes.length) {
                        int value = random.nextBoolean() ? 0x7fffffff : random.nextInt();
                        bytes[at] = (byte) value;
                        bytes[at + 1] = (byte) (value >> 8);
                        bytes[at + 2] = (byte) (value >> 16);
                        bytes[at + 3] = (byte) (value >> 24);
                    }
                }
            }
        }
        return bytes;
    }

    private static void assertRefusedWithACodeOrConsistent(byte[] input) {
        Payload decoded;
        try {
            decoded = PayloadDecoder.decode(input);
        } catch (ProtocolException e) {
            assertEquals(ErrorCode.MALFORMED_DELTA, e.code(), e.getMessage());
            // A payload by itself is refused before it is applied: in framing, verification or decoding.
            assertTrue(e.phase().filter(phase -> phase != ProtocolException.Phase.APPLY).isPresent(),
                    "the refusal names a decoding phase: " + e.getMessage());
            return;
        }
        // Some damage leaves a valid payload (a flipped bit of a float, say). Then it must be a payload that
        // re-encodes and decodes to itself, like any other.
        try {
            assertEquals(decoded.state(), PayloadDecoder.decode(Codec.encode(decoded)).state());
        } catch (ProtocolException e) {
            throw new AssertionError("an accepted payload re-encoded to a refused one: " + e.getMessage(), e);
        }
    }

    @Property(tries = 3000)
    @Requirement({"HY-DATA-040", "HY-DATA-042", "HY-ENC-005", "HY-ENC-007", "HY-ENC-009", "HY-ENC-010", "HY-ENC-011", "HY-ENC-013", "HY-ENC-019", "HY-ENC-024"})
    void everyMutatedInputIsRejectedWithACodeOrIsStillValid(
            @ForAll("anyEncoding") byte[] encoding, @ForAll Random random, @ForAll @IntRange(min = 1, max = 4) int mutations) {
        assertRefusedWithACodeOrConsistent(mutate(encoding, random, mutations));
    }

    @Property(tries = 1000)
    @Requirement({"HY-DATA-040", "HY-DATA-042", "HY-ENC-007", "HY-ENC-013"})
    void aTruncatedPayloadIsRejectedWithACodeUnlessOnlyUnusedBytesWereCut(
            @ForAll("anyEncoding") byte[] encoding, @ForAll Random random) throws ProtocolException {
        byte[] truncated = Arrays.copyOf(encoding, random.nextInt(encoding.length));
        Payload whole = PayloadDecoder.decode(encoding);
        try {
            // FlatBuffers may end a buffer with alignment padding that nothing points to: cutting only that
            // leaves the same payload. Cutting anything else must be refused.
            assertEquals(whole, PayloadDecoder.decode(truncated), "a truncation that was accepted changed the payload");
        } catch (ProtocolException e) {
            assertEquals(ErrorCode.MALFORMED_DELTA, e.code());
        }
    }

    @Provide
    Arbitrary<byte[]> randomBuffers() {
        // Random bytes, with the right header half of the time so that the verifier's later checks are reached.
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(300).flatMap(bytes -> Arbitraries.of(false, true).map(header -> {
            if (header && bytes.length >= 8) {
                bytes[4] = 'H';
                bytes[5] = 'Y';
                bytes[6] = 'P';
                bytes[7] = '1';
            }
            return bytes;
        }));
    }

    @Property(tries = 3000)
    @Requirement({"HY-DATA-040", "HY-DATA-042", "HY-ENC-007", "HY-ENC-008"})
    void randomBytesAreRejectedWithACodeOrAreValid(@ForAll("randomBuffers") byte[] bytes) {
        assertRefusedWithACodeOrConsistent(bytes);
    }

    @Property(tries = 500)
    @Requirement({"HY-DATA-009", "HY-CONV-002", "HY-ENC-027", "HY-ENC-028", "HY-ENC-029"})
    void contextsWithCountersAcrossTheWholeUnsignedRangeRoundTrip(
            @ForAll("bigCounters") java.util.List<Long> counters) throws ProtocolException {
        java.util.List<dev.hyphae.data.Dot> dots = new java.util.ArrayList<>();
        for (int i = 0; i < counters.size(); i++) {
            dots.add(new dev.hyphae.data.Dot(CrdtArbitraries.REPLICAS.get(i % 3), counters.get(i)));
        }
        CausalState<Crdt> state = new CausalState<>(ORMap.EMPTY, dev.hyphae.data.CausalContext.of(dots));
        assertEquals(state, PayloadDecoder.decode(Codec.encode(state)).state());
    }

    @Provide
    Arbitrary<java.util.List<Long>> bigCounters() {
        Arbitrary<Long> counter = Arbitraries.oneOf(
                Arbitraries.longs().between(1, 40),
                Arbitraries.longs().between(Long.MIN_VALUE, Long.MIN_VALUE + 40),
                Arbitraries.longs().between(-40, -1),
                Arbitraries.longs().between(Long.MAX_VALUE - 40, Long.MAX_VALUE));
        return counter.list().ofMaxSize(20);
    }

    @Property(tries = 200)
    void emptyStatesOfEveryTypeRoundTrip(@ForAll("types") CrdtType type) throws ProtocolException {
        CausalState<Crdt> empty = new CausalState<>(type.empty(), dev.hyphae.data.CausalContext.EMPTY);
        assertEquals(empty, PayloadDecoder.decode(Codec.encode(empty)).state());
    }

    @Provide
    Arbitrary<CrdtType> types() {
        return Arbitraries.of(CrdtType.values());
    }
}
