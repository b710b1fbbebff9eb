package dev.hyphae.model;

import java.math.BigInteger;

/** Unsigned 64-bit integers, which Java holds in {@code long}s. */
final class Unsigned {

    /** 2^64 - 1. */
    static final BigInteger MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

    private Unsigned() {
    }

    static BigInteger big(long unsigned) {
        return new BigInteger(Long.toUnsignedString(unsigned));
    }
}
