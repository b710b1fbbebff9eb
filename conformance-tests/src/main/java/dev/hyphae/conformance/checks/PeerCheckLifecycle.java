package dev.hyphae.conformance.checks;

import dev.hyphae.conformance.Profile;
import dev.hyphae.conformance.Sut;
import dev.hyphae.spec.Requirement;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.List;

/**
 * What every check of the Peer profile does before and after it runs, registered on each class of the profile with
 * {@code @ExtendWith}: it runs only where the Peer profile is claimed, and the requirement ids of the running check are
 * noted for the failures that its helpers meet on the way to its verdict ({@link PeerChecks#theChecksRequirements}),
 * then forgotten, so that no check cites the requirements of the one before it.
 */
final class PeerCheckLifecycle implements BeforeEachCallback, AfterEachCallback {

    @Override
    public void beforeEach(ExtensionContext check) {
        Sut.requireProfile(Profile.PEER);
        PeerChecks.judging(check.getTestMethod().map(m -> m.getAnnotation(Requirement.class))
                .map(r -> List.of(r.value())).orElse(List.of()));
    }

    @Override
    public void afterEach(ExtensionContext check) {
        PeerChecks.judged();
    }
}
