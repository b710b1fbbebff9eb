package dev.hyphae.data;

import dev.hyphae.spec.Requirement;
import org.junit.jupiter.api.Test;

import java.security.SecureRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A replica writes only with a {@link ReplicaId}, the mutators of every type take one, and no {@code ReplicaId} holds the
 * all-zero id: the reference cannot write with it (HY-DATA-001). A random source that yields zeros first is asked again.
 */
class ReplicaIdTest {

    @Test
    @Requirement("HY-DATA-001")
    void theAllZeroIdCannotBeMadeSoNoWriteCarriesIt() {
        assertThrows(IllegalArgumentException.class, () -> ReplicaId.of(new byte[ReplicaId.LENGTH]));
        assertThrows(IllegalArgumentException.class, () -> ReplicaId.fromHex("00".repeat(ReplicaId.LENGTH)));
        // A source whose first 16 bytes are zero, as a broken or exhausted generator might give.
        SecureRandom zerosFirst = new SecureRandom() {
            private int calls;

            @Override
            public void nextBytes(byte[] bytes) {
                java.util.Arrays.fill(bytes, (byte) (calls++ == 0 ? 0 : 7));
            }
        };
        ReplicaId id = ReplicaId.random(zerosFirst);
        assertFalse(ReplicaId.isZero(id.toBytes(), 0));
        assertEquals("07".repeat(ReplicaId.LENGTH), id.toHex());
    }
}
