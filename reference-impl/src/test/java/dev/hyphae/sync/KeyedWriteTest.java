package dev.hyphae.sync;

import dev.hyphae.crdt.CausalState;
import dev.hyphae.crdt.CrdtType;
import dev.hyphae.crdt.GCounter;
import dev.hyphae.crdt.ORMap;
import dev.hyphae.data.CausalContext;
import dev.hyphae.data.Value;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A write to the entries under one root key ({@link Replica#write(String, Value, java.util.function.UnaryOperator)})
 * may touch those entries only: a delta that holds an entry under another key, or whose context covers a dot of one
 * (and so would remove it), is refused whole, and the document is left as it was.
 */
class KeyedWriteTest {

    @TempDir
    Path dir;
    Replica replica;

    @BeforeEach
    void open() throws IOException {
        replica = Replica.open(dir.resolve("r"), new SecureRandom());
        increment("a");
        increment("b");
    }

    @AfterEach
    void close() throws IOException {
        replica.close();
    }

    private CausalState<ORMap> increment(String key) throws IOException {
        Value k = Value.of(key);
        return replica.write("d", k, state -> state.store().update(k, CrdtType.GCOUNTER,
                (GCounter c) -> c.increment(state.context(), replica.replicaId(), 1)));
    }

    @Test
    void aWriteToItsOwnKeyIsApplied() throws IOException {
        increment("a");
        assertEquals(java.math.BigInteger.TWO, replica.state("d").store().<GCounter>get(Value.of("a"), CrdtType.GCOUNTER).value());
        Value a = Value.of("a");
        replica.write("d", a, state -> state.store().remove(a));
        assertEquals(java.util.List.of(Value.of("b")), replica.state("d").store().keys());
    }

    @Test
    void aClearOfWhatTheMutatorSeesRemovesOnlyItsKey() throws IOException {
        replica.write("d", Value.of("a"), state -> state.store().clear());
        assertEquals(java.util.List.of(Value.of("b")), replica.state("d").store().keys());
    }

    @Test
    void aDeltaWithAnEntryUnderAnotherKeyIsRefused() throws IOException {
        CausalState<ORMap> before = replica.state("d");
        Value b = Value.of("b");
        assertThrows(IllegalArgumentException.class, () -> replica.write("d", Value.of("a"),
                state -> state.store().update(b, CrdtType.GCOUNTER,
                        (GCounter c) -> c.increment(state.context(), replica.replicaId(), 1))));
        assertEquals(before, replica.state("d"));
    }

    @Test
    void aDeltaWhoseContextCoversAnotherKeyIsRefused() throws IOException {
        // The mutator sees the whole context: an empty store with that context would remove every entry.
        CausalContext earlier = replica.context("d");
        CausalState<ORMap> before = replica.state("d");
        assertThrows(IllegalArgumentException.class,
                () -> replica.write("d", Value.of("a"), state -> new CausalState<>(ORMap.EMPTY, state.context())));
        assertEquals(before, replica.state("d"));
        // So does a context read earlier.
        assertThrows(IllegalArgumentException.class,
                () -> replica.write("d", Value.of("a"), state -> new CausalState<>(ORMap.EMPTY, earlier)));
        assertEquals(before, replica.state("d"));
        assertTrue(replica.state("d").store().keys().contains(Value.of("b")));
    }
}
