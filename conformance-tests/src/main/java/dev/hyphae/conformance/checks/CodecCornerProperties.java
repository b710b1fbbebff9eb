package dev.hyphae.conformance.checks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hyphae.conformance.Checks;
import dev.hyphae.conformance.Counterexamples;
import dev.hyphae.conformance.Profile;
import dev.hyphae.conformance.Response;
import dev.hyphae.conformance.SuiteSettingsHook;
import dev.hyphae.conformance.Sut;
import dev.hyphae.conformance.Unsupported;
import dev.hyphae.conformance.model.Model;
import dev.hyphae.model.CrdtType;
import dev.hyphae.model.Limits;
import dev.hyphae.model.ReplicaId;
import dev.hyphae.model.State;
import dev.hyphae.model.encoding.Malformed;
import dev.hyphae.model.testkit.Corners;
import dev.hyphae.model.testkit.States;
import dev.hyphae.spec.Requirement;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AddLifecycleHook;

import java.util.ArrayList;
import java.util.List;

/**
 * Generated properties of the Codec profile at the corners of the data model, each citing the requirement that its
 * corner tests: float64 values and strings kept bit for bit, entries of unknown CRDT type kept at every depth, and
 * maps nested as deep as a payload may hold them. Each decodes the model's payload and compares the view with the
 * model's, then has the adapter encode that view and the model decode the result. Past the corner, maps nested one
 * level deeper than a payload may hold are a state that the adapter's {@code encode} answers with {@code null}.
 */
@Checks(Profile.CODEC)
@AddLifecycleHook(SuiteSettingsHook.class)
class CodecCornerProperties {

    @Provide
    Arbitrary<State> valueCorners() {
        Sut.requireProfile(Profile.CODEC);
        List<Arbitrary<State>> of = new ArrayList<>();
        if (Types.claimed().contains(CrdtType.AW_SET)) {
            of.add(Corners.sets());
        }
        if (Types.claimed().contains(CrdtType.MV_REGISTER)) {
            of.add(Corners.mvSiblings());
        }
        if (Types.claimed().contains(CrdtType.LWW_REGISTER)) {
            of.add(Corners.lwwTies());
        }
        if (of.isEmpty()) {
            Sut.requireType(CrdtType.AW_SET.id());
        }
        return Arbitraries.oneOf(of);
    }

    @Provide
    Arbitrary<State> unknownAtEveryDepth() {
        Sut.requireProfile(Profile.CODEC);
        Sut.requireType(CrdtType.OR_MAP.id());
        List<CrdtType> leaves = leaves();
        return Arbitraries.integers().between(1, 5).flatMap(depth -> Corners.deepMaps(depth, true, leaves));
    }

    /**
     * The types of the leaves of nested maps: those that the adapter claims but ORMap, so that no check of nesting goes
     * unsupported for want of a type at its bottom.
     */
    private static List<CrdtType> leaves() {
        List<CrdtType> leaves = Types.claimed().stream().filter(t -> t != CrdtType.OR_MAP).toList();
        if (leaves.isEmpty()) {
            throw new Unsupported("the adapter claims no CRDT type but ORMap to put at the bottom of nested maps");
        }
        return leaves;
    }

    @Provide
    Arbitrary<State> deepMaps() {
        Sut.requireProfile(Profile.CODEC);
        Sut.requireType(CrdtType.OR_MAP.id());
        return Corners.deepMaps(false, leaves());
    }

    @Property
    @Requirement({"HY-DATA-011", "HY-DATA-013", "HY-VEC-021"})
    void floatsAndStringsAreKeptBitForBit(@ForAll("valueCorners") State state) {
        expectTheSameState("floatsAndStringsAreKeptBitForBit", state, "every bit of a float64 value is kept, the sign of a zero and the "
                + "sign and payload bits of a NaN included, and written in a view as its 64-bit pattern; and a string is kept as its UTF-8 "
                + "bytes, never normalised");
    }

    @Property
    @Requirement({"HY-VER-020", "HY-DATA-037"})
    void entriesOfUnknownTypeAreKeptAtEveryDepth(@ForAll("unknownAtEveryDepth") State state) {
        expectTheSameState("entriesOfUnknownTypeAreKeptAtEveryDepth", state, "an ORMap entry of a CRDT type unknown to the decoder is "
                + "neither refused nor dropped, at any depth: it is kept, with its type id and its opaque data byte for byte");
    }

    /**
     * Maps nested up to MAX_NESTING_DEPTH: the adapter decodes the model's payload to the model's view, and, since one
     * payload can carry the state, answers its encode with a payload, not null (the second half of HY-CONF-067).
     */
    @Property
    @Requirement({"HY-ENC-018", "HY-DATA-040", "HY-CONF-067"})
    void mapsNestedToTheLimitAreDecoded(@ForAll("deepMaps") State state) {
        expectTheSameState("mapsNestedToTheLimitAreDecoded", state, "a payload may hold ORMaps nested to MAX_NESTING_DEPTH (16, the root "
                + "at depth 1); only deeper ones are refused");
    }

    @Provide
    Arbitrary<State> mapsTooDeep() {
        Sut.requireProfile(Profile.CODEC);
        Sut.requireType(CrdtType.OR_MAP.id());
        return Corners.deepMaps(Limits.MAX_NESTING_DEPTH + 1, false, leaves());
    }

    /**
     * A state whose maps are nested one level deeper than a payload may hold: the adapter writes no payload of it, in
     * either form, and says so with the answer {@code payload: null}, not with a payload, an error or a failure. The
     * columnar half is HY-DATA-043's limit, the compact half HY-ENC-063's.
     */
    @Property
    @Requirement({"HY-CONF-067", "HY-DATA-043", "HY-ENC-063"})
    void aStateBeyondTheLimitsOfOnePayloadIsEncodedAsNull(@ForAll("mapsTooDeep") State state) {
        JsonNode view = Model.view(state);
        Sut.requireTypesOf(view);
        List<String> table = States.REPLICAS.stream().map(ReplicaId::hex).toList();
        for (boolean compact : new boolean[] {false, true}) {
            Response r = Sut.supported(compact ? Sut.encodeCompact(view, table) : Sut.encode(view),
                    compact ? "encode in the compact form" : "encode");
            if (!r.isResult() || !r.result().path("payload").isNull()) {
                throw new AssertionError("an encoder produces no payload beyond a limit of one payload, and an adapter answers encode "
                        + "of a state that one payload may not carry with the payload null\ninput: encode"
                        + (compact ? " in the compact form under the replica table " + table : "") + " of a state whose maps are nested "
                        + (Limits.MAX_NESTING_DEPTH + 1) + " deep, one more than MAX_NESTING_DEPTH: " + view + "\nexpected: the payload null"
                        + "\nactual: " + (r.isResult() ? "the payload " + r.result().path("payload") : r.describe()));
            }
        }
    }

    /** Decoding the model's payload gives the model's view, and the adapter's encoding of that view holds the same state. */
    private static void expectTheSameState(String check, State state, String rule) {
        byte[] payload = Model.encode(state);
        JsonNode expected = Model.view(state);
        JsonNode view = Sut.result(Sut.decode(payload), "decode").path("view");
        if (!expected.equals(view)) {
            ObjectNode v = Counterexamples.vector("payload", "valid", check, "A payload at a corner of the data model that the adapter "
                    + "decodes to another view.", List.of("HY-VEC-012"));
            v.put("input", Sut.hex(payload));
            v.set("expected", expected);
            throw Counterexamples.failure(rule + ".\ninput: decode of the payload " + Sut.hex(payload) + "\nthe views differ "
                    + Views.firstDifference(expected, view) + "\nexpected: " + expected + "\nactual: " + view, v);
        }
        byte[] encoded = Sut.payload(Sut.result(Sut.encode(view), "encode"), "encode of the view " + view);
        JsonNode again;
        try {
            again = Model.view(Model.decode(encoded));
        } catch (Malformed e) {
            throw new AssertionError(rule + ".\nthe adapter encoded the view\n" + view + "\ninto a payload that a decoder must refuse ("
                    + e.getMessage() + "): " + Sut.hex(encoded));
        }
        if (!again.equals(expected)) {
            throw new AssertionError(rule + ".\nthe adapter encoded the view\n" + expected + "\ninto the payload " + Sut.hex(encoded)
                    + ", which holds\n" + again);
        }
    }
}
