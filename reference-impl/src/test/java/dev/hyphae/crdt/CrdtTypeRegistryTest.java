package dev.hyphae.crdt;

import dev.hyphae.RegistryTables;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@link CrdtType} is the specification's CRDT type registry, row for row. */
class CrdtTypeRegistryTest {

    @Test
    void enumListsExactlyTheRegistry() throws IOException {
        List<String> expected = new ArrayList<>();
        for (String[] row : RegistryTables.rows("crdt-type-table")) {
            expected.add(row[0] + " " + row[1]);
        }
        List<String> actual = new ArrayList<>();
        for (CrdtType type : CrdtType.values()) {
            actual.add(type.id() + " " + type.specName());
        }
        assertEquals(expected, actual);
    }
}
