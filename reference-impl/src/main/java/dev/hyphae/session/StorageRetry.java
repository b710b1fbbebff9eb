package dev.hyphae.session;

import java.util.HashMap;
import java.util.Map;

/**
 * When a session tries again a document that it closed because this side's storage failed for it (HY-SESS-130):
 * first after {@link #FIRST_PAUSE_MILLIS}, then after pauses that double up to {@link #MAX_PAUSE_MILLIS}, so that a
 * disk that stays full costs an attempt every few seconds and no more, and one that recovers is served again within
 * {@link #MAX_PAUSE_MILLIS} (plus the tick that notices). A document that was opened again and then stayed open
 * for {@link #MAX_PAUSE_MILLIS} past its last attempt starts the schedule again from the first pause.
 *
 * <p>Times are the session's ({@link Session#tick}), in milliseconds, compared by difference; no clock of its own.
 * Not thread-safe: the session calls it under its lock.
 */
final class StorageRetry {

    /** The pause before the first attempt. */
    static final long FIRST_PAUSE_MILLIS = 1_000;
    /** The longest pause between two attempts. */
    static final long MAX_PAUSE_MILLIS = 8_000;

    private static final class Schedule {
        long pause = FIRST_PAUSE_MILLIS;
        long next;
    }

    private final Map<String, Schedule> schedules = new HashMap<>();

    /**
     * Whether an attempt at {@code document} is due at {@code now}; {@code closedForStorage} says whether its channel
     * is closed for storage now. A document first seen closed is scheduled, not tried at once.
     */
    boolean due(String document, boolean closedForStorage, long now) {
        Schedule s = schedules.get(document);
        if (!closedForStorage) {
            if (s != null && now - s.next >= MAX_PAUSE_MILLIS) {
                schedules.remove(document);   // served well since its last attempt
            }
            return false;
        }
        if (s == null) {
            s = new Schedule();
            s.next = now + s.pause;
            schedules.put(document, s);
            return false;
        }
        return now - s.next >= 0;
    }

    /** An attempt at {@code document} was made at {@code now}: the next one waits twice as long, up to the cap. */
    void tried(String document, long now) {
        Schedule s = schedules.computeIfAbsent(document, d -> new Schedule());
        s.pause = Math.min(MAX_PAUSE_MILLIS, s.pause * 2);
        s.next = now + s.pause;
    }
}
