package dev.hyphae.sync;

import dev.hyphae.data.Value;
import dev.hyphae.store.LogFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.stream.Stream;

import static dev.hyphae.sync.Counters.count;
import static dev.hyphae.sync.Counters.increment;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A batch is all or nothing after a crash, whatever part of its record reached the disk: the log is cut at every byte
 * offset inside the batch's record, as a crash during its write may leave it, and the replica reopened from it holds
 * none of the batch (the torn tail reported) or, with the record whole, all of it.
 */
class TornBatchTest {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Value K = Value.of("k");
    private static final Value J = Value.of("j");

    @TempDir
    Path dir;

    @Test
    void aBatchCutAtAnyByteOfItsRecordIsKeptWholeOrNotAtAll() throws Exception {
        Path folder = dir.resolve("r");
        try (Replica replica = Replica.open(folder, RANDOM)) {
            replica.write("d", K, increment(replica, K));
        }
        Path log;
        try (Stream<Path> files = Files.walk(folder)) {
            log = files.filter(f -> f.getFileName().toString().equals("log")).findFirst().orElseThrow();
        }
        long before = LogFiles.recordsEnd(log);
        try (Replica replica = Replica.open(folder, RANDOM)) {
            replica.batch("d", batch -> {
                for (int i = 0; i < 20; i++) {
                    batch.write(i % 2 == 0 ? K : J, increment(replica, i % 2 == 0 ? K : J));
                }
            }).join();
        }
        byte[] whole = Arrays.copyOf(Files.readAllBytes(log), LogFiles.recordsEnd(log));
        assertTrue(whole.length > before, "the batch's record follows the first write's");
        for (int cut = (int) before; cut <= whole.length; cut++) {
            Files.write(log, Arrays.copyOf(whole, cut));
            try (Replica reopened = Replica.open(folder, RANDOM)) {
                boolean kept = cut == whole.length;
                assertEquals(kept ? 11 : 1, count(reopened, K), "cut at " + cut);
                assertEquals(kept ? 10 : 0, count(reopened, J), "cut at " + cut);
                long tornBytes = kept ? 0 : LogFiles.tornBytes(Arrays.copyOf(whole, cut), before);
                boolean torn = tornBytes > 0;
                String tornTail = "torn tail of " + tornBytes + " bytes";
                assertEquals(torn, reopened.recoveryReports().stream().anyMatch(r -> r.contains(tornTail)),
                        "cut at " + cut + ": " + reopened.recoveryReports());
            }
        }
    }
}
