package dev.hyphae.codec;

import dev.hyphae.ErrorCode;
import dev.hyphae.ProtocolException;
import dev.hyphae.crdt.CausalState;
import dev.hyphae.crdt.Crdt;
import dev.hyphae.crdt.CrdtArbitraries;
import dev.hyphae.crdt.ORMap;
import dev.hyphae.crdt.UnknownCrdt;
import dev.hyphae.data.ReplicaId;
import dev.hyphae.model.State;
import dev.hyphae.model.encoding.Malformed;
import dev.hyphae.model.testkit.States;
import dev.hyphae.spec.Requirement;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The compact form's laws: decode inverts encode for every state the form can represent, under any order of the
 * replica table; the form is canonical, so every input that a decoder accepts is the encoding of what it decodes
 * to; damage is refused with {@code MALFORMED_DELTA} in a decoding phase or leaves another canonical encoding; and
 * the reference and the model, which share no code, write the same bytes and reach the same verdicts.
 *
 * <p>These call {@link CompactDecoder} directly, not {@link Codec#decodeCompact}, whose safety net would turn an
 * unexpected runtime exception into a refusal: here such an exception fails the property.
 */
class CompactFormProperties {

    /** The replica table of the generated states, in an order that is not that of replica ids. */
    static final List<ReplicaId> TABLE = List.of(CrdtArbitraries.REPLICAS.get(2), CrdtArbitraries.REPLICAS.get(0),
            CrdtArbitraries.REPLICAS.get(1));
    private static final List<dev.hyphae.model.ReplicaId> MODEL_TABLE = TABLE.stream()
            .map(r -> new dev.hyphae.model.ReplicaId(r.toHex())).toList();

    @Provide
    Arbitrary<CausalState<Crdt>> anyState() {
        return CrdtArbitraries.types().flatMap(CrdtArbitraries::states);
    }

    @Provide
    Arbitrary<State> modelStates() {
        return States.states();
    }

    @Property(tries = 1000)
    @Requirement({"HY-ENC-060", "HY-ENC-062", "HY-ENC-065", "HY-ENC-068", "HY-ENC-069", "HY-ENC-070", "HY-ENC-071",
        "HY-ENC-072", "HY-ENC-073"})
    void decodeInvertsEncodeForEveryRepresentableState(@ForAll("anyState") CausalState<Crdt> state) throws ProtocolException {
        Optional<byte[]> bytes = Codec.encodeCompact(state, TABLE);
        assertEquals(!holdsUnknownType(state.store()), bytes.isPresent(), "only values of unknown types have no compact form");
        if (bytes.isPresent()) {
            assertEquals(state, CompactDecoder.decode(bytes.get(), TABLE));
        }
    }

    @Property(tries = 200)
    @Requirement("HY-ENC-062")
    void aStateThatNamesAReplicaOutsideTheTableHasNoCompactForm(@ForAll("anyState") CausalState<Crdt> state) {
        List<ReplicaId> named = new ArrayList<>(state.context().versionVector().keySet());
        state.context().cloud().forEach(d -> named.add(d.replica()));
        List<ReplicaId> table = new ArrayList<>(TABLE);
        named.stream().findFirst().ifPresent(table::remove);
        assertEquals(!named.isEmpty() || holdsUnknownType(state.store()), Codec.encodeCompact(state, table).isEmpty());
    }

    /** Both implementations write the same bytes, and each decodes the other's bytes to the state it was given. */
    @Property(tries = 1000)
    @Requirement({"HY-ENC-060", "HY-ENC-061"})
    void referenceAndModelWriteTheSameBytes(@ForAll("modelStates") State state) throws ProtocolException, Malformed {
        byte[] model = dev.hyphae.model.encoding.CompactEncoder.encode(state, MODEL_TABLE).orElseThrow();
        CausalState<Crdt> decoded = CompactDecoder.decode(model, TABLE);
        assertArrayEquals(model, Codec.encodeCompact(decoded, TABLE).orElseThrow(), () -> HexFormat.of().formatHex(model));
        assertEquals(state, dev.hyphae.model.encoding.CompactDecoder.decode(model, MODEL_TABLE));
    }

    @Provide
    Arbitrary<byte[]> anyEncoding() {
        return anyState().map(s -> Codec.encodeCompact(s, TABLE)).filter(Optional::isPresent).map(Optional::get);
    }

    /**
     * Any damage, anywhere: the reference refuses with {@code MALFORMED_DELTA} in a decoding phase, or accepts the
     * canonical encoding of what it decoded; and the model reaches the same verdict, with the same state.
     */
    @Property(tries = 3000)
    @Requirement({"HY-ENC-060", "HY-ENC-065", "HY-ENC-066", "HY-ENC-067", "HY-ENC-072", "HY-ENC-077", "HY-ENC-078"})
    void everyDamagedInputIsRefusedOrCanonical(@ForAll("anyEncoding") byte[] encoding, @ForAll Random random,
                                               @ForAll @IntRange(min = 1, max = 4) int mutations) throws ProtocolException {
        byte[] input = mutate(encoding, random, mutations);
        CausalState<Crdt> reference;
        try {
            reference = CompactDecoder.decode(input, TABLE);
        } catch (ProtocolException e) {
            assertEquals(ErrorCode.MALFORMED_DELTA, e.code(), e.getMessage());
            assertEquals(Optional.of(ProtocolException.Phase.DECODE), e.phase(), e.getMessage());
            assertModelRefuses(input);
            return;
        }
        assertArrayEquals(input, Codec.encodeCompact(reference, TABLE).orElseThrow(), "an accepted input is canonical");
        try {
            State model = dev.hyphae.model.encoding.CompactDecoder.decode(input, MODEL_TABLE);
            assertArrayEquals(input, dev.hyphae.model.encoding.CompactEncoder.encode(model, MODEL_TABLE).orElseThrow());
        } catch (Malformed e) {
            throw new AssertionError("the model refuses what the reference accepts: " + e.getMessage() + " "
                    + HexFormat.of().formatHex(input), e);
        }
    }

    private static void assertModelRefuses(byte[] input) {
        try {
            State accepted = dev.hyphae.model.encoding.CompactDecoder.decode(input, MODEL_TABLE);
            throw new AssertionError("the model accepts what the reference refuses: " + HexFormat.of().formatHex(input)
                    + " as " + accepted);
        } catch (Malformed expected) {
            assertEquals(Malformed.Phase.DECODE, expected.phase());
        }
    }

    private static boolean holdsUnknownType(Crdt store) {
        return store instanceof UnknownCrdt
                || store instanceof ORMap map && map.entries().values().stream().anyMatch(CompactFormProperties::holdsUnknownType);
    }

    /** Random damage: bit flips, byte overwrites, truncation, insertion, deletion, a large varint written in. */
    static byte[] mutate(byte[] original, Random random, int mutations) {
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
                    // A varint of 2^62 or so in place of a count, a length or a difference.
                    byte[] large = {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff,
                        (byte) 0xff, (byte) 0xff, 0x3f};
                    byte[] longer = new byte[bytes.length + large.length];
                    System.arraycopy(bytes, 0, longer, 0, at);
                    System.arraycopy(large, 0, longer, at, large.length);
                    System.arraycopy(bytes, at, longer, at + large.length, bytes.length - at);
                    bytes = longer;
                }
            }
        }
        return bytes;
    }
}
