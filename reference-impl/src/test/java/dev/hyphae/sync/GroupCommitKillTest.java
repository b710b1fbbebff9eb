package dev.hyphae.sync;

import dev.hyphae.crdt.CrdtType;
import dev.hyphae.crdt.GCounter;
import dev.hyphae.data.Value;
import dev.hyphae.spec.Requirement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Group commit through a crash: a real process whose threads write at once, blocking, asynchronously and in batches,
 * to one document and to documents of their own, is killed with SIGKILL mid-stream, twice over the same folder. After
 * each restart every write that had returned, or whose future had completed, is there, and no write is counted twice:
 * each thread's counter lies between the writes it saw done and the writes it started. A batch is all or nothing: the
 * batching thread's counter is a whole number of batches.
 */
@Timeout(300)
class GroupCommitKillTest {

    @TempDir
    Path dir;

    @Test
    @Requirement({"HY-SYNC-005"})
    void everyWriteThatReturnedOrCompletedSurvivesSigkillNoneCountsTwiceAndNoBatchSurvivesInPart() throws Exception {
        Path folder = dir.resolve("replica");
        long[] before = new long[ConcurrentWriters.THREADS];
        for (int round = 0; round < 2; round++) {
            long[] started = new long[ConcurrentWriters.THREADS];
            long[] done = new long[ConcurrentWriters.THREADS];
            String java = ProcessHandle.current().info().command().orElse("java");
            Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                    ConcurrentWriters.class.getName(), folder.toString())
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                long total = 0;
                String line;
                // Kill it once every thread has some writes done and enough writes are done in all.
                while ((line = out.readLine()) != null) {
                    total += read(line, started, done);
                    if (total >= 4000 && min(done) >= 100) {
                        break;
                    }
                }
                // SIGKILL, through the handle: Process.destroyForcibly would also close the pipe still to be read.
                assertTrue(child.toHandle().destroyForcibly());
                assertTrue(child.waitFor(60, TimeUnit.SECONDS));
                while ((line = out.readLine()) != null) {   // what it printed before it died
                    read(line, started, done);
                }
            }
            assertTrue(min(done) >= 100, "the writers did not get going");
            try (Replica reopened = Replica.open(folder, new SecureRandom())) {
                for (int t = 0; t < ConcurrentWriters.THREADS; t++) {
                    Value key = Value.of("c-" + t);
                    long count = reopened.state(ConcurrentWriters.document(t)).store().<GCounter>get(key, CrdtType.GCOUNTER)
                            .value().longValueExact() - before[t];
                    assertTrue(count >= done[t], "thread " + t + ": " + done[t] + " writes done, " + count + " after the restart");
                    assertTrue(count <= started[t], "thread " + t + ": " + started[t] + " writes started, " + count + " after the restart");
                    if (t == ConcurrentWriters.BATCHING) {
                        assertEquals(0, count % ConcurrentWriters.BATCH, "a batch kept in part: " + count + " writes");
                    }
                    before[t] += count;
                }
                assertEquals(List.of("own-2", "own-3", "shared"), List.copyOf(reopened.documents()));
            }
        }
    }

    /** Reads one line of the writers' output; returns 1 for a write done. */
    private static int read(String line, long[] started, long[] done) {
        String[] words = line.split(" ");
        if (words[0].equals("failed")) {
            throw new AssertionError("a writer failed: " + line);
        }
        int thread = Integer.parseInt(words[1]);
        long n = Long.parseLong(words[2]);
        if (words[0].equals("start")) {
            started[thread] = Math.max(started[thread], n);
            return 0;
        }
        done[thread] = Math.max(done[thread], n);
        return 1;
    }

    private static long min(long[] values) {
        long min = Long.MAX_VALUE;
        for (long v : values) {
            min = Math.min(min, v);
        }
        return min;
    }
}
