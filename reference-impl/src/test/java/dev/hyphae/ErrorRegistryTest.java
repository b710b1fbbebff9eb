package dev.hyphae;

import dev.hyphae.spec.Requirement;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link ErrorCode} is the specification's error registry, row for row, and scopes are enforced. */
class ErrorRegistryTest {

    /** The rows of the error code table in the specification, as "value NAME scope". */
    private static List<String> registryRows() throws IOException {
        List<String> rows = new ArrayList<>();
        for (String[] row : RegistryTables.rows("error-code-table")) {
            rows.add(row[0] + " " + row[1] + " " + row[2].split("\\|")[0].strip());
        }
        return rows;
    }

    @Test
    @Requirement({"HY-REG-001", "HY-REG-002"})
    void enumListsExactlyTheRegistryWithItsScopes() throws IOException {
        List<String> expected = registryRows();
        List<String> actual = new ArrayList<>();
        for (ErrorCode code : ErrorCode.values()) {
            actual.add(code.value() + " " + code.name() + " " + code.scope().name().toLowerCase(Locale.ROOT));
        }
        assertTrue(expected.size() >= 10, "parsed the table: " + expected);
        assertEquals(expected, actual);
    }

    @Test
    void valuesAreUniqueSixteenBitAndOutsidePrivateUse() {
        for (ErrorCode code : ErrorCode.values()) {
            assertTrue(code.value() >= 0 && code.value() < ErrorCode.FIRST_PRIVATE_USE, code.toString());
            assertSame(code, ErrorCode.of(code.value()));
        }
        assertNull(ErrorCode.of(ErrorCode.FIRST_PRIVATE_USE));
        assertNull(ErrorCode.of(7));
    }

    @Test
    @Requirement("HY-REG-001")
    void aRefusalCannotBeGivenTheWrongScope() {
        ProtocolException delta = ProtocolException.deltaError(ErrorCode.MALFORMED_DELTA, "vector length %d beyond buffer", 9);
        assertEquals(ErrorCode.Scope.DELTA, delta.scope());
        assertEquals("MALFORMED_DELTA (101): vector length 9 beyond buffer", delta.getMessage());

        assertTrue(delta.phase().isEmpty());

        ProtocolException decoding = ProtocolException.deltaError(ErrorCode.MALFORMED_DELTA, ProtocolException.Phase.VERIFY,
                "vector length %d beyond buffer", 9);
        assertEquals(java.util.Optional.of(ProtocolException.Phase.VERIFY), decoding.phase());
        assertEquals("MALFORMED_DELTA (101): verify: vector length 9 beyond buffer", decoding.getMessage());

        assertThrows(IllegalArgumentException.class,
                () -> ProtocolException.sessionError(ErrorCode.MALFORMED_DELTA, "a delta error cannot end a session"));
        assertThrows(IllegalArgumentException.class,
                () -> ProtocolException.deltaError(ErrorCode.LIMIT_EXCEEDED, "a session error cannot refuse one delta"));
    }

    @Test
    void phasesAreNamedAsTheSpecificationNamesThem() {
        for (ProtocolException.Phase phase : ProtocolException.Phase.values()) {
            assertSame(phase, ProtocolException.Phase.of(phase.label()));
        }
        assertEquals(List.of("frame", "verify", "decode", "apply"),
                java.util.Arrays.stream(ProtocolException.Phase.values()).map(ProtocolException.Phase::label).toList());
    }
}
