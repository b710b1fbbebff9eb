package dev.hyphae.conformance.model;

import com.google.flatbuffers.FlatBufferBuilder;
import dev.hyphae.spec.Requirement;
import hyphae.v1.HandshakePayload;
import hyphae.v1.Selection;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.function.BiConsumer;
import java.util.function.ToIntFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The suite's reader of message 2 judges an error {@code Selection} by what its fields read as, not by whether they are
 * written (HY-HS-017 read with HY-HS-018): a default written out holds nothing, a value other than the default does.
 */
class SelectionReaderTest {

    private static final int UNSUPPORTED_VERSION = 3;

    /**
     * A Selection with {@code error} and what {@code fields} adds (given the offset of what {@code vector} built first, or
     * 0), built with defaults written out or left out.
     */
    private static SelectionReader.Reply read(boolean forceDefaults, ToIntFunction<FlatBufferBuilder> vector,
                                              BiConsumer<FlatBufferBuilder, Integer> fields) throws Exception {
        FlatBufferBuilder b = new FlatBufferBuilder(64);
        int capabilities = vector.applyAsInt(b);
        // Only within the Selection: the root's absent offer and confirmation must stay absent, not offsets of 0.
        b.forceDefaults(forceDefaults);
        Selection.startSelection(b);
        Selection.addError(b, UNSUPPORTED_VERSION);
        fields.accept(b, capabilities);
        int selection = Selection.endSelection(b);
        b.forceDefaults(false);
        HandshakePayload.finishHandshakePayloadBuffer(b, HandshakePayload.createHandshakePayload(b, 0, selection, 0));
        return SelectionReader.selection(ByteBuffer.wrap(b.sizedByteArray()).order(ByteOrder.LITTLE_ENDIAN));
    }

    @Test
    @Requirement({"HY-HS-017", "HY-HS-018"})
    void anErrorAloneHoldsNoOtherField() throws Exception {
        assertEquals(new SelectionReader.Reply(UNSUPPORTED_VERSION, false), read(false, b -> 0, (b, c) -> { }));
    }

    @Test
    @Requirement({"HY-HS-017", "HY-HS-018"})
    void aMaxFrameSizeWrittenAsItsDefaultHoldsNothing() throws Exception {
        assertEquals(new SelectionReader.Reply(UNSUPPORTED_VERSION, false),
                read(true, b -> 0, (b, c) -> Selection.addMaxFrameSize(b, 0)));
    }

    @Test
    @Requirement({"HY-HS-017", "HY-HS-018"})
    void aMaxFrameSizeOtherThanItsDefaultIsAnotherField() throws Exception {
        assertEquals(new SelectionReader.Reply(UNSUPPORTED_VERSION, true),
                read(false, b -> 0, (b, c) -> Selection.addMaxFrameSize(b, 65535)));
    }

    @Test
    @Requirement({"HY-HS-017", "HY-HS-018"})
    void anEmptyCapabilitiesVectorHoldsNothing() throws Exception {
        assertEquals(new SelectionReader.Reply(UNSUPPORTED_VERSION, false),
                read(false, b -> Selection.createCapabilitiesVector(b, new int[0]), (b, c) -> Selection.addCapabilities(b, c)));
    }
}
