package dev.hyphae.sync;

import dev.hyphae.crdt.CausalState;
import dev.hyphae.crdt.Crdt;
import dev.hyphae.crdt.CrdtType;
import dev.hyphae.crdt.EntryKey;
import dev.hyphae.crdt.GCounter;
import dev.hyphae.crdt.LWWRegister;
import dev.hyphae.crdt.ORMap;
import dev.hyphae.codec.Codec;
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
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A write of a batch reads the entries under its key as the batch's earlier writes leave them, whichever way
 * {@link WriteBatch#entriesUnder} finds them (without a join for a key no earlier write touched): after every write,
 * the view under each key equals the batch's whole state ({@link WriteBatch#state}, the document's state joined with
 * the batch's writes) restricted to the entries under that key, with its whole context.
 *
 * <p>That shortcut holds only because a write to one key is refused when its delta touches another key, in the batch
 * or in the document: so the writes include such refused writes (caught by the batch's function, which goes on), the
 * document holds entries received from a second replica as well as its own, the kinds include a nested map, and the
 * views are first read either before the batch's first write or only after some writes (the context is then found
 * from the batch's writes so far, not kept from the start).
 */
class WriteBatchViewProperties {

    private static final Value[] KEYS = {Value.of("a"), Value.of("b"), Value.of("c")};
    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * A write: to one of the keys (or, as {@code key} -1, a write that sees the whole state), of one kind; in a batch,
     * kind {@link #STRAY} is a write to the key whose delta removes the entries under the next key, which the batch
     * must refuse.
     */
    record Write(int key, int kind, int amount) {
    }

    private static final int STRAY = 4;

    @Provide
    Arbitrary<List<Write>> writes() {
        return Combinators.combine(Arbitraries.integers().between(-1, KEYS.length - 1),
                        Arbitraries.integers().between(0, STRAY), Arbitraries.integers().between(1, 9))
                .as(Write::new).list().ofMaxSize(12);
    }

    @Property(tries = 80)
    void theViewUnderAKeyIsTheWholeViewRestrictedToIt(@ForAll("writes") List<Write> before,
                                                      @ForAll("writes") List<Write> fromOther,
                                                      @ForAll("writes") List<Write> inBatch,
                                                      @ForAll boolean viewsBeforeFirstWrite) throws Exception {
        Path dir = Files.createTempDirectory("hyphae-batch-view");
        Path otherDir = Files.createTempDirectory("hyphae-batch-view-other");
        try (Replica replica = Replica.open(dir, RANDOM); Replica other = Replica.open(otherDir, RANDOM)) {
            for (Write write : before) {
                replica.write("d", write.key() < 0 ? null : KEYS[write.key()], mutator(replica, write));
            }
            // Entries of a second replica, received as a neighbour's delta is.
            for (Write write : fromOther) {
                other.write("d", write.key() < 0 ? null : KEYS[write.key()], mutator(other, write));
            }
            if (!fromOther.isEmpty()) {
                CausalState<ORMap> received = other.state("d");
                replica.document("d").receive(received, Codec.encode(received), other.replicaId(), other.seq("d"));
            }
            replica.batch("d", batch -> {
                if (viewsBeforeFirstWrite) {
                    checkViews(batch);
                }
                for (Write write : inBatch) {
                    if (write.kind() == STRAY && write.key() >= 0) {
                        strayWrite(batch, replica, write);
                    } else {
                        batch.write(write.key() < 0 ? null : KEYS[write.key()], mutator(replica, write));
                    }
                    checkViews(batch);
                }
            }).get();
        } finally {
            delete(dir);
            delete(otherDir);
        }
    }

    /**
     * A write to {@code key} whose delta touches the next key, refused and caught: it removes what the batch's view
     * holds there (dots the context has already), or writes a register there (a new dot, which must not enter the
     * batch's context either).
     */
    private static void strayWrite(WriteBatch batch, Replica replica, Write write) {
        Value other = KEYS[(write.key() + 1) % KEYS.length];
        CausalState<ORMap> whole = batch.state();
        CausalState<ORMap> stray = write.amount() % 2 == 0 ? write(replica, whole, other, new Write(0, 0, write.amount()))
                : whole.store().remove(other);
        if (stray.isEmptyDelta()) {
            return;
        }
        assertThrows(IllegalArgumentException.class, () -> batch.write(KEYS[write.key()], view -> stray),
                "a write to " + KEYS[write.key()] + " whose delta touches " + other);
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
     * A register write, a counter increment (a second type under the same key), a register write in a map nested under
     * the key, or a removal of the key; a write that sees the whole state writes under the first key and removes the
     * others.
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
            case 2 -> state.store().update(key, CrdtType.OR_MAP, (ORMap nested) -> nested.update(
                    Value.of(write.amount() % 2), CrdtType.LWW_REGISTER, (LWWRegister r) -> r.write(state.context(),
                            replica.replicaId(), Value.of(write.amount()), r.greatestTimestamp() + 1 + write.amount())));
            default -> state.store().remove(key);
        };
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
