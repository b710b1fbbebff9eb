package dev.hyphae.sync;

import dev.hyphae.crdt.CausalState;
import dev.hyphae.crdt.Crdt;
import dev.hyphae.crdt.CrdtType;
import dev.hyphae.crdt.EntryKey;
import dev.hyphae.crdt.GCounter;
import dev.hyphae.crdt.LWWRegister;
import dev.hyphae.crdt.ORMap;
import dev.hyphae.data.Value;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Comparator;
import java.util.List;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A write of a batch reads the entries under its key as the batch's earlier writes leave them, whichever way
 * {@link WriteBatch#entriesUnder} finds them (without a join for a key no earlier write touched): after every write,
 * the view under each key equals the batch's whole state ({@link WriteBatch#state}, the document's state joined with
 * the batch's writes) restricted to the entries under that key, with its whole context.
 */
class WriteBatchViewProperties {

    private static final Value[] KEYS = {Value.of("a"), Value.of("b"), Value.of("c")};
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A write: to one of the keys (or, as {@code key} -1, a write that sees the whole state), of one kind. */
    record Write(int key, int kind, int amount) {
    }

    @Provide
    Arbitrary<List<Write>> writes() {
        return Combinators.combine(Arbitraries.integers().between(-1, KEYS.length - 1),
                        Arbitraries.integers().between(0, 2), Arbitraries.integers().between(1, 9))
                .as(Write::new).list().ofMaxSize(12);
    }

    @Property(tries = 60)
    void theViewUnderAKeyIsTheWholeViewRestrictedToIt(@ForAll("writes") List<Write> before,
                                                      @ForAll("writes") List<Write> inBatch) throws Exception {
        Path dir = Files.createTempDirectory("hyphae-batch-view");
        try (Replica replica = Replica.open(dir, RANDOM)) {
            for (Write write : before) {
                replica.write("d", write.key() < 0 ? null : KEYS[write.key()], mutator(replica, write));
            }
            replica.batch("d", batch -> {
                checkViews(batch);
                for (Write write : inBatch) {
                    batch.write(write.key() < 0 ? null : KEYS[write.key()], mutator(replica, write));
                    checkViews(batch);
                }
            }).get();
        } finally {
            delete(dir);
        }
    }

    private static void checkViews(WriteBatch batch) {
        CausalState<ORMap> whole = batch.state();
        assertEquals(whole.context(), batch.context());
        for (Value key : KEYS) {
            TreeMap<EntryKey, Crdt> under = new TreeMap<>();
            whole.store().entries().forEach((entry, store) -> {
                if (entry.key().equals(key)) {
                    under.put(entry, store);
                }
            });
            assertEquals(new CausalState<>(ORMap.of(under), whole.context()), batch.entriesUnder(key),
                    "the entries under " + key);
        }
    }

    /**
     * A register write, a counter increment (a second type under the same key), or a removal of the key; a write that
     * sees the whole state writes under the first key and removes the others.
     */
    private static UnaryOperator<CausalState<ORMap>> mutator(Replica replica, Write write) {
        return state -> {
            if (write.key() < 0) {
                CausalState<ORMap> delta = write(replica, state, KEYS[0], write);
                for (int k = 1; k < KEYS.length; k++) {
                    CausalState<ORMap> removal = state.store().remove(KEYS[k]);
                    delta = new CausalState<>(delta.store(), delta.context().union(removal.context()));
                }
                return delta;
            }
            return write(replica, state, KEYS[write.key()], write);
        };
    }

    private static CausalState<ORMap> write(Replica replica, CausalState<ORMap> state, Value key, Write write) {
        return switch (write.kind()) {
            case 0 -> state.store().update(key, CrdtType.LWW_REGISTER, (LWWRegister r) -> r.write(state.context(),
                    replica.replicaId(), Value.of(write.amount()), r.greatestTimestamp() + 1 + write.amount()));
            case 1 -> state.store().update(key, CrdtType.GCOUNTER,
                    (GCounter c) -> c.increment(state.context(), replica.replicaId(), write.amount()));
            default -> state.store().remove(key);
        };
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
