package dev.hyphae.conformance.checks;

import dev.hyphae.conformance.Checks;
import dev.hyphae.conformance.Profile;
import dev.hyphae.conformance.Suite;
import dev.hyphae.conformance.Sut;
import dev.hyphae.spec.Requirement;
import org.junit.jupiter.api.Test;

/** What the adapter's {@code hello} claims, read against the rules of the chapter "Conformance" on claims. */
@Checks(Profile.REPLICA_SEMANTICS)
class ClaimChecks {

    /** HY-CONF-002: the checks of replica semantics exchange states as payloads, so a claim of it rests on the codec. */
    @Test
    @Requirement("HY-CONF-002")
    void replicaSemanticsIsClaimedWithTheCodec() {
        Sut.requireProfile(Profile.REPLICA_SEMANTICS);
        if (!Suite.current().hello().profiles().contains(Profile.CODEC)) {
            throw new AssertionError("hello claims the profile " + Profile.REPLICA_SEMANTICS.title() + " without the profile "
                    + Profile.CODEC.title() + ", which it rests on: it claims " + Suite.current().hello().profiles());
        }
    }
}
