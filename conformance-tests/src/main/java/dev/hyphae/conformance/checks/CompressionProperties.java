package dev.hyphae.conformance.checks;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hyphae.conformance.Checks;
import dev.hyphae.conformance.Profile;
import dev.hyphae.conformance.SuiteSettingsHook;
import dev.hyphae.conformance.Sut;
import dev.hyphae.conformance.model.Model;
import dev.hyphae.model.testkit.States;
import dev.hyphae.spec.Requirement;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.Deflater;

/**
 * Generated properties of negotiated compression (chapter "Encoding", section "Compression"), for an adapter whose
 * implementation implements the capability {@code deflate}; one that does not answers {@code inflate} with
 * "unsupported", and these checks are reported as unsupported. The suite compresses streams of payloads with its
 * own java.util.zip sender ({@link DeflateStreams}); the adapter must inflate each to the payload sent, and must
 * refuse a damaged stream with a code of compression, or give bytes that a verifying decoder then judges.
 */
@Checks(Profile.CODEC)
@AddLifecycleHook(SuiteSettingsHook.class)
class CompressionProperties {

    private static final int MALFORMED_COMPRESSION = 102;
    private static final int COMPRESSION_LIMIT_EXCEEDED = 103;

    /** Streams of one to eight payloads of the model, as the deltas of one document follow each other. */
    @Provide
    Arbitrary<List<byte[]>> streams() {
        Sut.requireProfile(Profile.CODEC);
        return States.states(Types.claimed(), true).map(Model::encode).list().ofMinSize(1).ofMaxSize(8);
    }

    @Provide
    Arbitrary<Integer> levels() {
        return Arbitraries.of(Deflater.BEST_SPEED, Deflater.DEFAULT_COMPRESSION, Deflater.BEST_COMPRESSION);
    }

    @Property
    // The suite compresses, the adapter inflates: the sender's rules (HY-COMP-003, HY-COMP-004) are the suite's here,
    // and the vectors' and the Peer profile's to check.
    @Requirement({"HY-COMP-005", "HY-COMP-018"})
    void aStreamInflatesToThePayloadsSent(@ForAll("streams") List<byte[]> payloads, @ForAll("levels") int level) {
        List<Sut.CompressedDelta> deltas = compress(payloads, level);
        JsonNode r = Sut.result(Sut.inflate(true, deltas), "inflate");
        List<String> expected = payloads.stream().map(HexFormat.of()::formatHex).toList();
        List<String> got = new ArrayList<>();
        r.path("payloads").forEach(p -> got.add(p.asText()));
        if (!r.path("error").isNull() || !expected.equals(got)) {
            throw new AssertionError("a receiver inflates each compressed payload, with 00 00 FF FF appended, on its channel's stream, and "
                    + "the adapter answers inflate with the payloads so taken\ninput: a stream of " + payloads.size() + " payloads at level "
                    + level + ": " + describe(deltas) + "\nexpected: " + expected + "\nactual: " + got
                    + (r.path("error").isNull() ? "" : ", then " + r.path("error")));
        }
    }

    @Property
    @Requirement({"HY-COMP-007", "HY-COMP-008", "HY-COMP-012"})
    void aDamagedStreamIsRefusedWithItsCodeOrJudgedAsAPayload(@ForAll("streams") List<byte[]> payloads, @ForAll int which,
                                                              @ForAll int where, @ForAll byte xor, @ForAll boolean truncate) {
        List<Sut.CompressedDelta> deltas = new ArrayList<>(compress(payloads, Deflater.DEFAULT_COMPRESSION));
        int k = Math.floorMod(which, deltas.size());
        byte[] bytes = deltas.get(k).payload();
        int at = Math.floorMod(where, bytes.length);
        byte[] damaged = truncate ? Arrays.copyOf(bytes, Math.max(1, at)) : bytes.clone();
        if (!truncate) {
            damaged[at] ^= xor == 0 ? 1 : xor;
        }
        deltas.set(k, new Sut.CompressedDelta(1, deltas.get(k).compression(), damaged));
        JsonNode r = Sut.result(Sut.inflate(true, deltas), "inflate");
        JsonNode error = r.path("error");
        if (!error.isNull() && error.path("code").asInt() != MALFORMED_COMPRESSION && error.path("code").asInt() != COMPRESSION_LIMIT_EXCEEDED) {
            throw new AssertionError("a damaged stream was refused with " + error + ", not 102 or 103; sent " + describe(deltas));
        }
        if (error.isNull() && r.path("payloads").size() != deltas.size()) {
            throw new AssertionError("no refusal, but " + r.path("payloads").size() + " payloads for " + deltas.size() + " deltas");
        }
        // Bytes that still inflate are a payload like any other: the decoder must accept or refuse them with a code.
        for (JsonNode p : r.path("payloads")) {
            var decoded = Sut.decode(Sut.bytes(p));
            if (!decoded.isResult() && !decoded.isError()) {
                throw new AssertionError("decoding what a damaged stream inflated to gave " + decoded.describe());
            }
        }
    }

    @Test
    @Requirement("HY-COMP-008")
    void aBombIsRefusedWithItsCode() {
        byte[] bomb;
        try (DeflateStreams.Sender sender = new DeflateStreams.Sender(Deflater.BEST_COMPRESSION)) {
            bomb = sender.compress(new byte[1024 * 1024]);
        }
        JsonNode r = Sut.result(Sut.inflate(true, List.of(new Sut.CompressedDelta(1, 2, bomb))), "inflate");
        if (r.path("error").path("code").asInt() != COMPRESSION_LIMIT_EXCEEDED) {
            throw new AssertionError("1 MiB of zeros in " + bomb.length + " compressed bytes gave " + r + ", not a refusal with 103");
        }
    }

    @Test
    @Requirement({"HY-COMP-001", "HY-COMP-006"})
    void compressionThatWasNotNegotiatedIsRefused() {
        byte[] payload;
        try (DeflateStreams.Sender sender = new DeflateStreams.Sender(Deflater.DEFAULT_COMPRESSION)) {
            payload = sender.compress("a payload".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        JsonNode r = Sut.result(Sut.inflate(false, List.of(new Sut.CompressedDelta(1, 2, payload))), "inflate");
        if (r.path("error").path("code").asInt() != MALFORMED_COMPRESSION) {
            throw new AssertionError("a compressed payload on a session without deflate gave " + r + ", not a refusal with 102");
        }
    }

    /** The deltas that a sender writes for {@code payloads} on one fresh stream of channel 1. */
    private static List<Sut.CompressedDelta> compress(List<byte[]> payloads, int level) {
        List<Sut.CompressedDelta> deltas = new ArrayList<>();
        try (DeflateStreams.Sender sender = new DeflateStreams.Sender(level)) {
            for (byte[] payload : payloads) {
                deltas.add(new Sut.CompressedDelta(1, deltas.isEmpty() ? 2 : 1, sender.compress(payload)));
            }
        }
        return deltas;
    }

    private static String describe(List<Sut.CompressedDelta> deltas) {
        StringBuilder b = new StringBuilder("[");
        for (Sut.CompressedDelta d : deltas) {
            b.append(b.length() > 1 ? ", " : "").append(d.compression()).append(':').append(HexFormat.of().formatHex(d.payload()));
        }
        return b.append(']').toString();
    }
}
