package dev.hyphae.codec;

import dev.hyphae.ProtocolException;
import dev.hyphae.spec.Requirement;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The repeat coding of varint columns (specification, "Encoding", section "Repeat coding"), through the pair of
 * {@link Packed.Writer#repeatCoded} and {@link Packed.Reader#repeatCoded}: reading inverts writing, every column that
 * is read is the one form of its values, and the refusals of the section.
 */
class RepeatCodingProperties {

    private static final HexFormat HEX = HexFormat.of();

    /** Values from a small set, so that runs of every length occur, with the varints of one byte and of ten. */
    @Provide
    Arbitrary<long[]> values() {
        return Arbitraries.of(0L, 1L, 7L, 300L, -1L, Long.MIN_VALUE).array(long[].class).ofMaxSize(40);
    }

    @Property(tries = 1000)
    @Requirement({"HY-ENC-081", "HY-ENC-084"})
    void readingInvertsWriting(@ForAll("values") long[] values) throws ProtocolException {
        byte[] column = new Packed.Writer().repeatCoded(values, values.length).toByteArray();
        assertArrayEquals(values, read(column, values.length).orElseThrow(), HEX.formatHex(column));
    }

    /** Whatever bytes a decoder accepts as a column of n values are the encoder's form of those values. */
    @Property(tries = 3000)
    @Requirement({"HY-ENC-082", "HY-ENC-083", "HY-ENC-084"})
    void aColumnThatIsReadIsTheOneFormOfItsValues(@ForAll @Size(max = 8) List<@IntRange(min = 0, max = 3) Integer> bytes,
                                                  @ForAll @IntRange(min = 0, max = 8) int n) {
        byte[] column = new byte[bytes.size()];
        for (int i = 0; i < column.length; i++) {
            column[i] = bytes.get(i).byteValue();
        }
        read(column, n).ifPresent(values ->
                assertArrayEquals(column, new Packed.Writer().repeatCoded(values, n).toByteArray(), HEX.formatHex(column)));
    }

    @Property(tries = 200)
    @Requirement("HY-ENC-081")
    void valuesThatDoNotRepeatCostNothing(@ForAll @Size(max = 40) List<@IntRange(min = 0, max = 1000) Integer> steps) {
        long[] values = new long[steps.size()];
        Packed.Writer plain = new Packed.Writer();
        for (int i = 0; i < values.length; i++) {
            values[i] = (i == 0 ? 0 : values[i - 1]) + steps.get(i) + 1; // strictly increasing: no two neighbours equal
            plain.varint(values[i]);
        }
        assertArrayEquals(plain.toByteArray(), new Packed.Writer().repeatCoded(values, values.length).toByteArray());
    }

    @Example
    @Requirement({"HY-ENC-081", "HY-ENC-084"})
    void theSpecificationsExamples() throws ProtocolException {
        assertEquals("07", write(7));
        assertEquals("070700", write(7, 7));
        assertEquals("070703", write(7, 7, 7, 7, 7));
        assertEquals("05070701020200", write(5, 7, 7, 7, 2, 2));
        assertArrayEquals(new long[] {5, 7, 7, 7, 2, 2}, read(HEX.parseHex("05070701020200"), 6).orElseThrow());
    }

    @Example
    @Requirement({"HY-ENC-082", "HY-ENC-083", "HY-ENC-019"})
    void theSpecificationsMalformedColumnsAreRefused() {
        assertEquals(Optional.empty(), read(HEX.parseHex("07070007"), 3), "a run that goes on after its Count");
        assertEquals(Optional.empty(), read(HEX.parseHex("070705"), 3), "a Count past the column's values");
        assertEquals(Optional.empty(), read(HEX.parseHex("0707"), 3), "a column that ends where its Count should be");
        assertEquals(Optional.empty(), read(HEX.parseHex("070700"), 1), "a second item past the column's one value");
    }

    private static String write(long... values) {
        return HEX.formatHex(new Packed.Writer().repeatCoded(values, values.length).toByteArray());
    }

    /** The n values of {@code column}, or empty if a decoder refuses it, trailing bytes included. */
    private static Optional<long[]> read(byte[] column, int n) {
        Packed.Reader reader = Packed.Reader.of(ByteBuffer.wrap(column), "column");
        try {
            long[] values = reader.repeatCoded(n);
            reader.expectEnd();
            return Optional.of(values);
        } catch (ProtocolException refused) {
            return Optional.empty();
        }
    }
}
