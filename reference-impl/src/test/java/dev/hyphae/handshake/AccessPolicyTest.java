package dev.hyphae.handshake;

import dev.hyphae.spec.Requirement;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Rights are per document, read or write, granted to a peer key or an organisation key, and add up. */
class AccessPolicyTest {

    private static final byte[] DEVICE = {1, 1, 1};
    private static final byte[] ACME = {2, 2, 2};

    @Test
    @Requirement("HY-AUTH-007")
    void aPeerHoldsTheRightsOfItsKeyAndOfItsOrganisation() {
        AccessPolicy policy = new AccessPolicy()
                .grant(DEVICE, "meter-7", AccessPolicy.Right.WRITE)
                .grant(ACME, "tariffs", AccessPolicy.Right.READ)
                .grant(ACME, AccessPolicy.EVERY_DOCUMENT, AccessPolicy.Right.READ);
        TrustStore.Identity certified = new TrustStore.Identity(DEVICE, "Acme", ACME);
        TrustStore.Identity bare = new TrustStore.Identity(DEVICE, null, null);
        TrustStore.Identity stranger = new TrustStore.Identity(new byte[] {9}, null, null);

        assertEquals(AccessPolicy.Right.WRITE, policy.right(certified, "meter-7"));
        assertEquals(AccessPolicy.Right.READ, policy.right(certified, "tariffs"));
        assertEquals(AccessPolicy.Right.READ, policy.right(certified, "anything-else"));
        assertEquals(AccessPolicy.Right.NONE, policy.right(bare, "tariffs"), "the organisation's grants need its certificate");
        assertEquals(AccessPolicy.Right.NONE, policy.right(stranger, "meter-7"));
    }

    @Test
    void writeIncludesReadAndTheWireValuesAreTheSessions() {
        assertTrue(AccessPolicy.Right.WRITE.includes(AccessPolicy.Right.READ));
        assertFalse(AccessPolicy.Right.READ.includes(AccessPolicy.Right.WRITE));
        assertTrue(AccessPolicy.Right.READ.includes(AccessPolicy.Right.NONE));
        for (AccessPolicy.Right right : AccessPolicy.Right.values()) {
            assertEquals(right, AccessPolicy.Right.of(right.value()));
        }
        assertEquals(null, AccessPolicy.Right.of(3));
        assertThrows(IllegalArgumentException.class, () -> new AccessPolicy().grant(DEVICE, "x", AccessPolicy.Right.NONE));
    }
}
