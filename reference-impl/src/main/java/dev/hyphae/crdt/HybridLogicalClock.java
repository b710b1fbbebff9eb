package dev.hyphae.crdt;

import java.util.function.LongSupplier;

/**
 * A hybrid logical clock for {@link LWWRegister} timestamps (specification, "LWWRegister"; Kulkarni et al.,
 * "Logical Physical Clocks", 2014). A reading is an unsigned 64-bit integer:
 *
 * <pre>
 *  63                                              16 15             0
 * +--------------------------------------------------+----------------+
 * |  milliseconds since 1970-01-01T00:00:00Z (48)    |  logical (16)  |
 * +--------------------------------------------------+----------------+
 * </pre>
 *
 * Each reading exceeds every earlier reading and every timestamp the clock has {@link #observe observed},
 * so a write follows, in timestamp order, everything its writer had seen, even when wall clocks disagree.
 * Not thread-safe: one clock per replica, used under the replica's lock.
 */
public final class HybridLogicalClock {

    private final LongSupplier wallClockMillis;
    private long last;

    /** A clock reading the given wall clock, in milliseconds since the Unix epoch. */
    public HybridLogicalClock(LongSupplier wallClockMillis) {
        this.wallClockMillis = wallClockMillis;
    }

    /** A clock on the system's wall clock. */
    public static HybridLogicalClock system() {
        return new HybridLogicalClock(System::currentTimeMillis);
    }

    /** Makes every later reading exceed {@code timestamp}, one seen in a register or a delta. */
    public void observe(long timestamp) {
        if (Long.compareUnsigned(timestamp, last) > 0) {
            last = timestamp;
        }
    }

    /**
     * The next reading: greater than every earlier reading, every observed timestamp and {@code floor}, and
     * at least the wall clock shifted into the high 48 bits.
     */
    public long next(long floor) {
        observe(floor);
        long physical = wallClockMillis.getAsLong() << 16;
        long next = Long.compareUnsigned(physical, last) > 0 ? physical : last + 1;
        if (next == 0) {
            throw new dev.hyphae.data.MutationRefusedException("the hybrid logical clock has run out of values");
        }
        last = next;
        return next;
    }
}
