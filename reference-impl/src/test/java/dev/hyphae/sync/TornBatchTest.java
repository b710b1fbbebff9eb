package dev.hyphae.sync;

import dev.hyphae.crdt.CausalState;
import dev.hyphae.crdt.CrdtType;
import dev.hyphae.crdt.GCounter;
import dev.hyphae.crdt.ORMap;
import dev.hyphae.data.Value;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

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

    private static UnaryOperator<CausalState<ORMap>> increment(Replica replica, Value key) {
        return state -> state.store().update(key, CrdtType.GCOUNTER,
                (GCounter c) -> c.increment(state.context(), replica.replicaId(), 1));
    }

    private static long count(Replica replica, Value key) {
        var counter = replica.state("d").store().<GCounter>get(key, CrdtType.GCOUNTER);
        return counter == null ? 0 : counter.value().longValue();
    }

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
        long before = Files.size(log);
        try (Replica replica = Replica.open(folder, RANDOM)) {
            replica.batch("d", batch -> {
                for (int i = 0; i < 20; i++) {
                    batch.write(i % 2 == 0 ? K : J, increment(replica, i % 2 == 0 ? K : J));
                }
            }).join();
        }
        byte[] whole = Files.readAllBytes(log);
        assertTrue(whole.length > before, "the batch's record follows the first write's");
        for (int cut = (int) before; cut <= whole.length; cut++) {
            Files.write(log, Arrays.copyOf(whole, cut));
            try (Replica reopened = Replica.open(folder, RANDOM)) {
                boolean kept = cut == whole.length;
                assertEquals(kept ? 11 : 1, count(reopened, K), "cut at " + cut);
                assertEquals(kept ? 10 : 0, count(reopened, J), "cut at " + cut);
                boolean torn = cut != before && !kept;
                String tornTail = "torn tail of " + (cut - before) + " bytes";
                assertEquals(torn, reopened.recoveryReports().stream().anyMatch(r -> r.contains(tornTail)),
                        "cut at " + cut + ": " + reopened.recoveryReports());
            }
        }
    }
}
