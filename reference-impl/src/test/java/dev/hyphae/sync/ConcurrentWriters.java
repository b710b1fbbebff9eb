package dev.hyphae.sync;

import dev.hyphae.crdt.CrdtType;
import dev.hyphae.crdt.GCounter;
import dev.hyphae.data.Value;

import java.io.PrintStream;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;

/**
 * The process that {@link GroupCommitKillTest} kills: a replica written by {@link #THREADS} threads at once, until it
 * is killed. Thread t increments the counter "c-t" once per write: threads 0, 1 and 4 write the document "shared"
 * (their writes share syncs), threads 2 and 3 documents of their own; the odd threads write asynchronously, with up
 * to 64 writes in flight, the even ones block, and thread 4 writes batches of {@link #BATCH} increments
 * ({@link Replica#batch}), with up to 8 batches in flight. Before a write (or a batch) is made it prints "start t i",
 * i counting writes; once it has returned or its future has completed, "done t i". Both lines are flushed before
 * anything else happens, so what the killing test read is a lower bound of what was done and an upper bound of what
 * was started.
 */
final class ConcurrentWriters {

    static final int THREADS = 5;
    /** The thread that writes batches, and the writes in each of its batches. */
    static final int BATCHING = 4;
    static final int BATCH = 10;

    private ConcurrentWriters() {
    }

    static String document(int thread) {
        return thread < 2 || thread == BATCHING ? "shared" : "own-" + thread;
    }

    public static void main(String[] args) throws Exception {
        Replica replica = Replica.open(Path.of(args[0]), new SecureRandom());
        PrintStream out = System.out;
        for (int t = 0; t < THREADS; t++) {
            int thread = t;
            Thread writer = new Thread(() -> write(replica, thread, out), "writer-" + t);
            writer.start();
        }
        Thread.sleep(Long.MAX_VALUE);   // until killed
    }

    private static void write(Replica replica, int thread, PrintStream out) {
        Value key = Value.of("c-" + thread);
        Semaphore inFlight = new Semaphore(64);
        try {
            for (long i = 1; ; i++) {
                if (thread != BATCHING) {
                    print(out, "start " + thread + " " + i);
                }
                var increment = (java.util.function.UnaryOperator<dev.hyphae.crdt.CausalState<dev.hyphae.crdt.ORMap>>) state ->
                        state.store().update(key, CrdtType.GCOUNTER, (GCounter c) -> c.increment(state.context(), replica.replicaId(), 1));
                if (thread == BATCHING) {
                    inFlight.acquire(8);
                    long n = i * BATCH;
                    print(out, "start " + thread + " " + n);
                    replica.batch(document(thread), batch -> {
                        for (int w = 0; w < BATCH; w++) {
                            batch.write(key, increment);
                        }
                    }).whenComplete((joined, failure) -> {
                        if (failure == null) {
                            print(out, "done " + thread + " " + n);
                        }
                        inFlight.release(8);
                    });
                } else if (thread % 2 == 0) {
                    replica.write(document(thread), key, increment);
                    print(out, "done " + thread + " " + i);
                } else {
                    inFlight.acquire();
                    long n = i;
                    CompletableFuture<?> write = replica.writeAsync(document(thread), key, increment);
                    write.whenComplete((delta, failure) -> {
                        if (failure == null) {
                            print(out, "done " + thread + " " + n);
                        }
                        inFlight.release();
                    });
                }
            }
        } catch (Exception e) {
            print(out, "failed " + thread + " " + e);
        }
    }

    private static void print(PrintStream out, String line) {
        synchronized (out) {
            out.println(line);
            out.flush();
        }
    }
}
