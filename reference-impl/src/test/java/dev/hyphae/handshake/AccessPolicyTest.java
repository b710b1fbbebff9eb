package dev.hyphae.handshake;

import dev.hyphae.spec.Requirement;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

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

        assertEquals(EnumSet.of(AccessPolicy.Right.READ, AccessPolicy.Right.WRITE), policy.rights(certified, "meter-7"));
        assertEquals(EnumSet.of(AccessPolicy.Right.READ), policy.rights(certified, "tariffs"));
        assertEquals(EnumSet.of(AccessPolicy.Right.READ), policy.rights(certified, "anything-else"));
        assertEquals(Set.of(), policy.rights(bare, "tariffs"), "the organisation's grants need its certificate");
        assertEquals(Set.of(), policy.rights(stranger, "meter-7"));
    }
}
