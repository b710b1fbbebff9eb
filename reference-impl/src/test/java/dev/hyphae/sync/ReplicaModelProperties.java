package dev.hyphae.sync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hyphae.ProtocolException;
import dev.hyphae.codec.Codec;
import dev.hyphae.codec.JsonView;
import dev.hyphae.crdt.CausalState;
import dev.hyphae.crdt.ORMap;
import dev.hyphae.model.State;
import dev.hyphae.model.encoding.PayloadEncoder;
import dev.hyphae.model.testkit.States;
import dev.hyphae.spec.Requirement;
import dev.hyphae.store.PowerLoss;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The replica as the peer runs it (its fast state, its log, its snapshots) against the executable model: after any
 * sequence of writes, restarts, compactions and power losses after the last sync, the replica's state equals the
 * model's join of every delta written, and answers every query as the model does.
 */
class ReplicaModelProperties {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One step: a write of a delta, or something that happens to the replica's storage. */
    sealed interface Step permits Write, Restart, Compact, PowerLossAfterSync {
    }

    record Write(State delta) implements Step {
    }

    record Restart() implements Step {
    }

    record Compact() implements Step {
    }

    record PowerLossAfterSync() implements Step {
    }

    @Provide
    Arbitrary<List<Step>> steps() {
        Arbitrary<Step> write = States.states(dev.hyphae.model.CrdtType.OR_MAP, true).map(Write::new);
        Arbitrary<Step> other = Arbitraries.of(new Restart(), new Compact(), new PowerLossAfterSync());
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(3, write), net.jqwik.api.Tuple.of(1, other)).list().ofMinSize(1).ofMaxSize(12);
    }

    @SuppressWarnings("unchecked")
    private static CausalState<ORMap> fromModel(State state) {
        try {
            return (CausalState<ORMap>) (CausalState<?>) Codec.decode(PayloadEncoder.encode(state)).state();
        } catch (ProtocolException e) {
            throw new AssertionError("the decoder refuses the model's payload of " + state, e);
        }
    }

    /**
     * Whether the model's state has a payload: writes of one unknown type under one key can join to a store holding
     * two opaque versions, which no payload carries (HY-ENC-051). Such a state is compared by its view only.
     */
    private static boolean hasPayload(State state) {
        try {
            PayloadEncoder.encode(state);
            return true;
        } catch (IllegalArgumentException twoOpaqueVersions) {
            return false;
        }
    }

    @Property(tries = 150)
    @Requirement({"HY-DATA-020", "HY-SYNC-005"})
    void theReplicaEqualsTheModelAcrossRestartsCompactionsAndPowerLosses(@ForAll("steps") List<Step> steps) throws Exception {
        Path folder = Files.createTempDirectory("hyphae-replica-model");
        SecureRandom random = new SecureRandom();
        Replica replica = Replica.open(folder, random);
        try {
            State model = State.empty(dev.hyphae.model.CrdtType.OR_MAP.id());
            for (Step step : steps) {
                if (step instanceof Write write) {
                    CausalState<ORMap> delta = fromModel(write.delta());
                    replica.write("d", state -> delta);
                    model = model.join(write.delta());
                } else if (step instanceof Restart) {
                    replica.close();
                    replica = Replica.open(folder, random);
                } else if (step instanceof Compact) {
                    replica.compact("d");
                } else {
                    // Every write was synced before it returned, so a power loss now keeps them all.
                    PowerLoss.strike(replica.store(), new java.util.Random(steps.hashCode()));
                    replica.close();
                    replica = Replica.open(folder, random);
                }
                if (hasPayload(model)) {
                    assertEquals(fromModel(model), replica.state("d"), "after " + step);
                }
                assertEquals(view(dev.hyphae.model.JsonView.of(model)), view(JsonView.of(replica.state("d"))),
                        "the replica answers every query as the model does");
            }
        } finally {
            replica.close();
            deleteTree(folder);
        }
    }

    private static JsonNode view(Object view) throws Exception {
        return JSON.readTree(JSON.writeValueAsString(view));
    }

    private static void deleteTree(Path root) throws IOException {
        List<Path> paths = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(paths::add);
        }
        for (Path p : paths) {
            Files.deleteIfExists(p);
        }
    }
}
