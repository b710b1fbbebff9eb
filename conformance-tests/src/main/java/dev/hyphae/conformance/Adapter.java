package dev.hyphae.conformance;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.BufferedWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The client side of the adapter protocol (specification, chapter "Conformance", section "The adapter
 * protocol"): one adapter process, one JSON request per line on its standard input, one JSON response per
 * line on its standard output. Each request has a timeout; an adapter that exits, writes something that is
 * not a response, or does not answer in time is counted as crashed, stopped, and started again for the next
 * request, so that one crash fails one check and not the rest of the suite. A line longer than
 * {@link #MAX_RESPONSE_LINE} is such a crash too, read no further than that (HY-CONF-060).
 *
 * <p>The adapter's standard error is passed through to the suite's, so that its diagnostics stay visible.
 */
public final class Adapter implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Marks the end of the adapter's output in the queue of lines. */
    private static final String END = new String("end of output");
    /** Stands in the queue of lines for a line longer than the limit, whose bytes are not kept. */
    private static final String TOO_LONG = new String("line too long");

    /**
     * The most bytes of one response line that the suite reads, 64 MiB (HY-CONF-060): room for the JSON view of any
     * payload that the suite's checks make, and a bound on what a broken adapter can make the suite hold.
     */
    public static final int MAX_RESPONSE_LINE = 64 * 1024 * 1024;

    /**
     * The least time that the first request after the adapter process starts may take, 30 seconds, whatever the run's
     * timeout (HY-CONF-061): that request's answer waits on the process's start as well, and a start slowed by a busy
     * machine must not fail the next check, which would spill one crash into another.
     */
    public static final Duration START_ALLOWANCE = Duration.ofSeconds(30);

    private final List<String> command;
    private final Duration timeout;
    private Process process;
    private BufferedWriter stdin;
    /**
     * The adapter's output lines, read ahead of the request that waits for them by {@link #reader}. The protocol is one
     * request, one response, so the queue holds two lines (a response, and the end of the output after it): what a
     * broken adapter writes beyond them waits in the pipe, and the suite holds at most three lines of
     * {@link #MAX_RESPONSE_LINE} bytes, counting the one that the reader is reading.
     */
    private BlockingQueue<String> lines;
    /** The thread that reads the running process's output into {@link #lines}. */
    private Thread reader;
    private long nextId = 1;
    private int crashes;
    private int starts;
    private String lastCrash;

    /** Where the adapter's standard error goes: appended to a file, or, when null, to the suite's own. */
    private final java.nio.file.Path stderr;
    private final int maxLine;

    /**
     * @param command the adapter's command line, as program and arguments
     * @param timeout how long one request may take
     */
    public Adapter(List<String> command, Duration timeout) {
        this(command, timeout, null);
    }

    /**
     * @param command the adapter's command line, as program and arguments
     * @param timeout how long one request may take
     * @param stderr  the file that the adapter's standard error is appended to, over every start, so that what it
     *                prints (a crash's stack trace) stays out of the suite's output; null: the suite's own
     */
    public Adapter(List<String> command, Duration timeout, java.nio.file.Path stderr) {
        this(command, timeout, stderr, MAX_RESPONSE_LINE);
    }

    /** As {@link #Adapter(List, Duration, java.nio.file.Path)}, reading at most {@code maxLine} bytes of a line. */
    Adapter(List<String> command, Duration timeout, java.nio.file.Path stderr, int maxLine) {
        this.command = List.copyOf(command);
        this.timeout = timeout;
        this.stderr = stderr;
        this.maxLine = maxLine;
    }

    /** The command line this adapter runs. */
    public List<String> command() {
        return command;
    }

    /** How many times the adapter crashed or timed out, and was restarted. */
    public synchronized int crashes() {
        return crashes;
    }

    /** How many times the adapter process was started. */
    public synchronized int starts() {
        return starts;
    }

    /** What the last crash was, or null. */
    public synchronized String lastCrash() {
        return lastCrash;
    }

    /** A new request with {@code op}, to fill in and {@link #send}. */
    public static ObjectNode request(String op) {
        ObjectNode request = JSON.createObjectNode();
        request.put("op", op);
        return request;
    }

    /**
     * Sends {@code request}, with a fresh {@code id}, and waits for its response.
     *
     * @return the response; never null (a crash or timeout is a response of kind {@link Response.Kind#CRASHED})
     */
    public synchronized Response send(ObjectNode request) {
        return send(request, () -> true);
    }

    /**
     * Sends {@code request}, as {@link #send(ObjectNode)}, if {@code mayBeSent} holds once this adapter is free: the
     * suite's check that the request still belongs to the check in progress (HY-CONF-022), made under the lock so
     * that no check can end between it and the request.
     *
     * @throws IllegalStateException if {@code mayBeSent} does not hold; nothing is sent
     */
    public synchronized Response send(ObjectNode request, java.util.function.BooleanSupplier mayBeSent) {
        if (!mayBeSent.getAsBoolean()) {
            throw new IllegalStateException("a request of a try whose check has ended (a shrinking step that the property engine "
                    + "stopped waiting for); not sent");
        }
        long id = nextId++;
        ObjectNode sent = request.deepCopy();
        sent.put("id", id);
        if (process != null && !process.isAlive()) {
            // It exited after its last answer, without being asked to: this request is the one it fails.
            return crashed("the adapter exited with status " + process.exitValue() + " before request " + id + " ("
                    + request.path("op").asText() + ")");
        }
        boolean started;
        try {
            started = ensureStarted();
        } catch (IOException e) {
            return crashed("the adapter could not be started: " + e.getMessage());
        }
        try {
            stdin.write(JSON.writeValueAsString(sent));
            stdin.write('\n');
            stdin.flush();
        } catch (IOException e) {
            return crashed("the adapter's standard input is closed (" + e.getMessage() + "); the adapter exited" + exitStatus()
                    + " before it read request " + id + " (" + request.path("op").asText() + ")");
        }
        Duration allowed = started && START_ALLOWANCE.compareTo(timeout) > 0 ? START_ALLOWANCE : timeout;
        long deadline = System.nanoTime() + allowed.toNanos();
        while (true) {
            String line;
            try {
                line = lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return crashed("interrupted while waiting for the adapter");
            }
            if (line == null) {
                return crashed("no response to request " + id + " (" + request.path("op").asText() + ") within " + spoken(allowed)
                        + (started ? " of the adapter's start" : ""));
            }
            if (line == TOO_LONG) {
                return crashed("the adapter wrote a line longer than " + maxLine + " bytes in answer to request " + id + " ("
                        + request.path("op").asText() + ") (HY-CONF-060)");
            }
            if (line == END) {
                return crashed("the adapter exited" + exitStatus() + " while request " + id + " (" + request.path("op").asText() + ") was pending");
            }
            if (line.isBlank()) {
                continue;
            }
            JsonNode response;
            try {
                response = JSON.readTree(line);
            } catch (JsonProcessingException e) {
                return crashed("the adapter wrote a line that is not JSON: " + abbreviate(line));
            }
            if (!response.isObject() || !response.path("id").canConvertToLong()) {
                return crashed("the adapter wrote a response without a numeric id: " + abbreviate(line));
            }
            if (response.path("id").asLong() != id) {
                // A late answer to a request that already timed out cannot happen (the process is restarted on a
                // timeout), so any other id is the adapter's error.
                return crashed("the adapter answered id " + response.path("id").asLong() + " to request " + id);
            }
            return Response.of(response);
        }
    }

    private String exitStatus() {
        try {
            if (process.waitFor(2, TimeUnit.SECONDS)) {
                return " with status " + process.exitValue();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return "";
    }

    /** A duration as a reader says it: whole seconds in seconds, anything else in milliseconds. */
    private static String spoken(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    private static String abbreviate(String line) {
        return line.length() > 200 ? line.substring(0, 200) + "..." : line;
    }

    private Response crashed(String why) {
        crashes++;
        lastCrash = why;
        stop();
        return Response.crashed(why);
    }

    /** Starts the adapter unless it runs; true if it was started now. */
    private boolean ensureStarted() throws IOException {
        if (process != null && process.isAlive()) {
            return false;
        }
        stop();
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(
                stderr == null ? ProcessBuilder.Redirect.INHERIT : ProcessBuilder.Redirect.appendTo(stderr.toFile()));
        process = builder.start();
        starts++;
        stdin = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
        BlockingQueue<String> queue = new ArrayBlockingQueue<>(2);
        lines = queue;
        Process started = process;
        reader = new Thread(() -> {
            try (InputStream out = started.getInputStream()) {
                readLines(out, queue, maxLine);
            } catch (IOException | InterruptedException e) {
                // The process was stopped, or this reader with it (stop); END below tells a waiting request.
            } finally {
                queue.offer(END);
            }
        }, "adapter-stdout");
        reader.setDaemon(true);
        reader.start();
        return true;
    }

    /**
     * Puts each line of {@code in} into {@code queue}, without its LF (and CR before it), decoded as UTF-8; a line of
     * more than {@code maxLine} bytes as {@link #TOO_LONG}, as soon as it passes the limit, and the rest of it skipped.
     * After a line of more than {@link #KEPT_LINE_CAPACITY} bytes the line buffer is allocated again, so that one long
     * line does not keep its memory for the rest of the run.
     */
    private static void readLines(InputStream in, BlockingQueue<String> queue, int maxLine) throws IOException, InterruptedException {
        byte[] buffer = new byte[1 << 16];
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        boolean skipping = false;
        int n;
        while ((n = in.read(buffer)) != -1) {
            int start = 0;
            for (int i = 0; i < n; i++) {
                if (buffer[i] != '\n') {
                    continue;
                }
                if (!skipping) {
                    line.write(buffer, start, i - start);
                    if (line.size() > maxLine) {
                        queue.put(TOO_LONG);
                    } else {
                        queue.put(withoutCarriageReturn(line.toString(StandardCharsets.UTF_8)));
                    }
                }
                line = emptied(line);
                skipping = false;
                start = i + 1;
            }
            if (!skipping) {
                line.write(buffer, start, n - start);
                if (line.size() > maxLine) {
                    queue.put(TOO_LONG);
                    line = emptied(line);
                    skipping = true;
                }
            }
        }
        if (!skipping && line.size() > 0) {
            queue.put(withoutCarriageReturn(line.toString(StandardCharsets.UTF_8)));
        }
    }

    /** The line buffer of the longest line that is emptied for reuse; a buffer that held more is allocated again. */
    private static final int KEPT_LINE_CAPACITY = 1 << 20;

    /** {@code line} emptied, or a new buffer where {@code line} grew past {@link #KEPT_LINE_CAPACITY}. */
    private static ByteArrayOutputStream emptied(ByteArrayOutputStream line) {
        if (line.size() > KEPT_LINE_CAPACITY) {
            return new ByteArrayOutputStream();
        }
        line.reset();
        return line;
    }

    private static String withoutCarriageReturn(String line) {
        return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
    }

    private void stop() {
        if (reader != null) {
            // A reader blocked on a full queue that no request reads any more would hold its lines for ever.
            reader.interrupt();
            reader = null;
        }
        if (lines != null) {
            lines.clear();
        }
        if (process != null) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            try {
                process.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            process = null;
        }
    }

    /** Asks the adapter to shut down, and stops it if it does not. */
    @Override
    public synchronized void close() {
        if (process != null && process.isAlive()) {
            try {
                stdin.write(JSON.writeValueAsString(request("shutdown").put("id", nextId++)));
                stdin.write('\n');
                stdin.flush();
                stdin.close();
                // A well-behaved adapter exits at once; one that does not is stopped after a short grace.
                process.waitFor(Math.min(timeout.toMillis(), 2000), TimeUnit.MILLISECONDS);
            } catch (IOException e) {
                // Already gone.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        stop();
    }
}
