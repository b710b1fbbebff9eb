package dev.hyphae.model;

/**
 * A mutation that the data model requires a replica to refuse: by a rule of its type, by the range of counters
 * (HY-DATA-007) or by a limit (HY-DATA-044). A refused mutation changes nothing and issues no dot.
 */
public final class MutationRefused extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public MutationRefused(String why) {
        super(why);
    }
}
