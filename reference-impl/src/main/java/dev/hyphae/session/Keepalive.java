package dev.hyphae.session;

/**
 * Keepalive and idle timeout of one session (specification, chapter "Session", section "Keepalive and idle
 * timeout"), in the time its caller passes: it has no clock of its own.
 */
final class Keepalive {

    /** What the session does at a tick. */
    enum Action { NOTHING, PING, TIME_OUT }

    private final long keepaliveMillis;
    private final long idleMillis;
    private long lastReceived = Long.MIN_VALUE;
    private long lastSent = Long.MIN_VALUE;
    private boolean sentSinceTick;

    Keepalive(long keepaliveMillis, long idleMillis) {
        this.keepaliveMillis = keepaliveMillis;
        this.idleMillis = idleMillis;
    }

    void start(long now) {
        lastReceived = now;
        lastSent = now;
    }

    void received(long now) {
        lastReceived = now;
    }

    void sent() {
        sentSinceTick = true;
    }

    long lastReceived() {
        return lastReceived;
    }

    /** What to do at time {@code now}: end the session (HY-SESS-050), send a Ping (HY-SESS-048), or nothing. */
    Action tick(long now) {
        if (now - lastReceived >= idleMillis) {
            return Action.TIME_OUT;
        }
        Action action = Action.NOTHING;
        // No clock: a send since the last tick counts as a send at this tick.
        if (sentSinceTick) {
            lastSent = now;
        } else if (now - lastSent >= keepaliveMillis) {
            action = Action.PING;
            lastSent = now;
        }
        sentSinceTick = false;
        return action;
    }
}
