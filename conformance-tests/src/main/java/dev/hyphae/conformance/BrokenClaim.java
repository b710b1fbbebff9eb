package dev.hyphae.conformance;

/**
 * Ends a check as failed because the adapter answered {@code unsupported} to a request that its {@code hello}
 * obliges it to carry out ({@link Claims}): an implementation cannot pass a check by declining it (HY-CONF-012,
 * HY-CONF-020). The check's verdict cites HY-CONF-012 beside its own requirement ids.
 */
public final class BrokenClaim extends AssertionError {
    private static final long serialVersionUID = 1L;

    /** The requirement that every failure of this kind breaks. */
    public static final String REQUIREMENT = "HY-CONF-012";

    BrokenClaim(String message) {
        super(message);
    }
}
