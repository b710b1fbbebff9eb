package dev.hyphae.conformance;

import dev.hyphae.spec.Requirement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The adapter client against real processes: small shell scripts that answer, crash, hang or write nonsense.
 * A crash or a timeout fails the request it happened in, is counted, and the next request starts the adapter
 * again.
 */
class AdapterTest {

    /** Answers every request with an empty result, echoing its id. */
    private static final String ECHO = "while read -r line; do id=$(printf '%s' \"$line\" | sed 's/.*\"id\":\\([0-9]*\\).*/\\1/');"
            + " printf '{\"id\":%s,\"result\":{}}\\n' \"$id\"; done";

    private static Adapter shell(String script, Duration timeout) {
        return new Adapter(List.of("/bin/sh", "-c", script), timeout);
    }

    @Test
    void answersAreMatchedToTheirRequests() {
        try (Adapter adapter = shell(ECHO, Duration.ofSeconds(10))) {
            for (int i = 0; i < 3; i++) {
                Response r = adapter.send(Adapter.request("hello"));
                assertEquals(Response.Kind.RESULT, r.kind(), r.describe());
            }
            assertEquals(1, adapter.starts());
            assertEquals(0, adapter.crashes());
        }
    }

    @Test
    @Requirement("HY-CONF-016")
    void anAdapterThatExitsIsCountedAndRestarted() {
        // Answers one request, then exits: every second request finds it gone.
        String once = "read -r line; id=$(printf '%s' \"$line\" | sed 's/.*\"id\":\\([0-9]*\\).*/\\1/');"
                + " printf '{\"id\":%s,\"result\":{}}\\n' \"$id\"; exit 3";
        try (Adapter adapter = shell(once, Duration.ofSeconds(10))) {
            assertEquals(Response.Kind.RESULT, adapter.send(Adapter.request("hello")).kind());
            Response crashed = adapter.send(Adapter.request("decode"));
            assertEquals(Response.Kind.CRASHED, crashed.kind(), crashed.describe());
            assertEquals(1, adapter.crashes());
            // Started again for the next request.
            assertEquals(Response.Kind.RESULT, adapter.send(Adapter.request("hello")).kind());
            assertEquals(2, adapter.starts());
        }
    }

    @Test
    @Requirement("HY-CONF-016")
    void anAdapterThatDoesNotAnswerInTimeIsCountedAndRestarted() {
        // Answers its first request, which has the start's allowance, then never again.
        String once = "read -r line; id=$(printf '%s' \"$line\" | sed 's/.*\"id\":\\([0-9]*\\).*/\\1/');"
                + " printf '{\"id\":%s,\"result\":{}}\\n' \"$id\"; read -r line; exec sleep 60";
        try (Adapter adapter = shell(once, Duration.ofMillis(300))) {
            assertEquals(Response.Kind.RESULT, adapter.send(Adapter.request("hello")).kind());
            Response r = adapter.send(Adapter.request("query"));
            assertEquals(Response.Kind.CRASHED, r.kind());
            assertTrue(r.text().contains("(query) within 300 ms"), r.text());
            assertEquals(1, adapter.crashes());
        }
    }

    /** The first request after a start waits for the start as well: a start slower than the timeout is no crash. */
    @Test
    @Requirement("HY-CONF-061")
    void theFirstRequestAfterAStartHasTheStartsAllowance() {
        try (Adapter adapter = shell("sleep 1; " + ECHO, Duration.ofMillis(300))) {
            Response r = adapter.send(Adapter.request("hello"));
            assertEquals(Response.Kind.RESULT, r.kind(), r.describe());
            assertEquals(0, adapter.crashes());
        }
    }

    @Test
    @Requirement("HY-CONF-016")
    void aLineThatIsNotAResponseIsACrash() {
        try (Adapter adapter = shell("read -r line; echo 'Starting up...'; exec sleep 60", Duration.ofSeconds(10))) {
            Response r = adapter.send(Adapter.request("hello"));
            assertEquals(Response.Kind.CRASHED, r.kind());
            assertTrue(r.text().contains("not JSON"), r.text());
        }
    }

    /**
     * A line past the limit is a crash as soon as the limit is passed, without waiting for its end, which here never
     * comes; the adapter started again answers the next request, and a line just within the limit is read.
     */
    @Test
    @Requirement({"HY-CONF-016", "HY-CONF-060"})
    void aLineLongerThanTheLimitIsACrashReadNoFurther(@TempDir Path dir) {
        // The first start writes an endless line; the second, which finds the marker that the first left, answers.
        String marker = dir.resolve("started").toString();
        String endless = "read -r line; if [ -e '" + marker + "' ]; then printf '{\"id\":2,\"result\":{\"again\":true}}\\n'; exec sleep 60; fi;"
                + " touch '" + marker + "'; printf '{\"id\":1,\"result\":{\"x\":\"'; exec yes 0123456789abcdef | tr -d '\\n'";
        try (Adapter adapter = new Adapter(List.of("/bin/sh", "-c", endless), Duration.ofSeconds(10), null, 1024)) {
            Response r = adapter.send(Adapter.request("hello"));
            assertEquals(Response.Kind.CRASHED, r.kind(), r.describe());
            assertTrue(r.text().contains("longer than 1024 bytes"), r.text());
            assertEquals(1, adapter.crashes());
            Response next = adapter.send(Adapter.request("hello"));
            assertEquals(Response.Kind.RESULT, next.kind(), next.describe());
            assertTrue(next.result().path("again").asBoolean(), next.describe());
            assertEquals(2, adapter.starts());
            assertEquals(1, adapter.crashes());
        }
        // {"id":1,"result":{"x":"..."}} of exactly 1024 bytes: 26 bytes around a string of 998.
        String exact = "read -r line; printf '{\"id\":1,\"result\":{\"x\":\"%s\"}}\\n' \"$(head -c 998 /dev/zero | tr '\\0' a)\"; exec sleep 60";
        try (Adapter adapter = new Adapter(List.of("/bin/sh", "-c", exact), Duration.ofSeconds(10), null, 1024)) {
            Response r = adapter.send(Adapter.request("hello"));
            assertEquals(Response.Kind.RESULT, r.kind(), r.describe());
        }
    }

    @Test
    void errorsAndUnsupportedAreReadAsSuch() {
        String script = "read -r a; printf '{\"id\":1,\"error\":{\"code\":101,\"name\":\"MALFORMED_DELTA\"}}\\n';"
                + " read -r b; printf '{\"id\":2,\"unsupported\":\"no handshake here\"}\\n'; exec sleep 60";
        try (Adapter adapter = shell(script, Duration.ofSeconds(10))) {
            Response error = adapter.send(Adapter.request("decode"));
            assertEquals(Response.Kind.ERROR, error.kind());
            assertEquals(101, error.code());
            Response unsupported = adapter.send(Adapter.request("handshakeStart"));
            assertEquals(Response.Kind.UNSUPPORTED, unsupported.kind());
            assertEquals("no handshake here", unsupported.text());
        }
    }
    /** What the adapter writes to its standard error lands in the file given, over every start, and nowhere else. */
    @Test
    void theAdaptersStandardErrorGoesToItsLog(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path log = dir.resolve("adapter.log");
        String script = "echo started >&2; " + ECHO;
        try (Adapter adapter = new Adapter(List.of("/bin/sh", "-c", "echo started >&2; exit 1"), Duration.ofSeconds(10), log)) {
            assertEquals(Response.Kind.CRASHED, adapter.send(Adapter.request("hello")).kind());
        }
        try (Adapter adapter = new Adapter(List.of("/bin/sh", "-c", script), Duration.ofSeconds(10), log)) {
            assertEquals(Response.Kind.RESULT, adapter.send(Adapter.request("hello")).kind());
        }
        assertEquals(List.of("started", "started"), java.nio.file.Files.readAllLines(log));
    }
}
