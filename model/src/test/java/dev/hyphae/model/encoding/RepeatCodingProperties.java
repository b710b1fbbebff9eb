package dev.hyphae.model.encoding;

import dev.hyphae.spec.Requirement;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * The model's pair for repeat-coded columns (section "Repeat coding"), {@link ColumnWriter#repeatCoded} and
 * {@link ColumnReader#repeatCoded}: reading inverts writing, and a column that is read is the one form of its values.
 */
class RepeatCodingProperties {

    @Provide
    Arbitrary<long[]> values() {
        return Arbitraries.of(0L, 2L, 300L, -1L).array(long[].class).ofMaxSize(40);
    }

    @Property(tries = 1000)
    @Requirement({"HY-ENC-081", "HY-ENC-084"})
    void readingInvertsWriting(@ForAll("values") long[] values) {
        byte[] column = new ColumnWriter().repeatCoded(values).bytes();
        assertArrayEquals(values, read(column, values.length).orElseThrow(), HexFormat.of().formatHex(column));
    }

    @Property(tries = 3000)
    @Requirement({"HY-ENC-082", "HY-ENC-083"})
    void aColumnThatIsReadIsTheOneFormOfItsValues(@ForAll @Size(max = 8) List<@IntRange(min = 0, max = 3) Integer> bytes,
                                                  @ForAll @IntRange(min = 0, max = 8) int n) {
        byte[] column = new byte[bytes.size()];
        for (int i = 0; i < column.length; i++) {
            column[i] = bytes.get(i).byteValue();
        }
        read(column, n).ifPresent(values -> assertArrayEquals(column, new ColumnWriter().repeatCoded(values).bytes()));
    }

    private static Optional<long[]> read(byte[] column, int n) {
        ColumnReader reader = new ColumnReader(column, "column", 0, column.length);
        try {
            long[] values = reader.repeatCoded(n);
            reader.requireEnd();
            return Optional.of(values);
        } catch (Malformed refused) {
            return Optional.empty();
        }
    }
}
