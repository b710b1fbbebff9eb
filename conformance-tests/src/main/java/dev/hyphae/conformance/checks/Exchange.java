package dev.hyphae.conformance.checks;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hyphae.ProtocolException;
import dev.hyphae.conformance.Response;
import dev.hyphae.conformance.Sut;
import dev.hyphae.conformance.model.HandshakeSide;
import dev.hyphae.handshake.HyphaeHandshake;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

/**
 * A handshake between the adapter and the model: the adapter plays one role, the suite plays the other with the
 * reference implementation and relays the messages, and may change a message on its way to the adapter, as an
 * attacker on the network would. Message numbers count from 1, as in the vectors.
 */
final class Exchange {

    /** What the adapter did. */
    Response adapterError;
    int adapterFailedAt;
    JsonNode adapterOutcome;
    /** What the model, on the other side, did. */
    ProtocolException modelError;
    int modelFailedAt;
    HyphaeHandshake.Result modelResult;
    /** The adapter's handle, for channelReceive once complete. */
    String handle;
    /** Every message as the adapter wrote or received it. */
    final List<byte[]> messages = new ArrayList<>();

    /** No change on the way. */
    static final BiFunction<Integer, byte[], byte[]> FAITHFUL = (k, m) -> m;

    private Exchange() {
    }

    /** The adapter as responder, the model's {@code initiator} as the other side. */
    static Exchange adapterResponds(HandshakeSide initiator, HandshakeSide responder, BiFunction<Integer, byte[], byte[]> toAdapter) {
        Exchange x = new Exchange();
        HyphaeHandshake.Initiator model = initiator.initiator();
        byte[] first;
        try {
            first = model.start();
        } catch (ProtocolException e) {
            throw new IllegalStateException("the model cannot start: " + e.getMessage(), e);
        }
        x.handle = Sut.result(Sut.handshakeStart("responder", responder.json(false)), "handshakeStart").path("handshake").asText();
        byte[] delivered = toAdapter.apply(1, first);
        x.messages.add(delivered);
        Response r = Sut.supported(Sut.handshakeRead(x.handle, delivered), "handshakeRead of message 1");
        byte[] second;
        if (r.isError() && r.message() != null) {
            // A negotiation failure, reported to the initiator in message 2 (HY-HS-006).
            x.adapterError = r;
            x.adapterFailedAt = 1;
            second = Sut.bytes(r.message());
        } else if (!r.isResult()) {
            x.adapterError = r;
            x.adapterFailedAt = 1;
            return x;
        } else {
            second = Sut.bytes(r.result().path("message"));
        }
        x.messages.add(second);
        byte[] third;
        try {
            third = model.onSelection(second);
        } catch (ProtocolException e) {
            x.modelError = e;
            x.modelFailedAt = 2;
            return x;
        }
        x.modelResult = model.result();
        if (x.adapterError != null) {
            throw new AssertionError("the adapter refused message 1 with " + x.adapterError.describe()
                    + ", yet the message 2 it sent completes the handshake at the initiator");
        }
        byte[] delivered3 = toAdapter.apply(3, third);
        x.messages.add(delivered3);
        r = Sut.supported(Sut.handshakeRead(x.handle, delivered3), "handshakeRead of message 3");
        if (!r.isResult()) {
            x.adapterError = r;
            x.adapterFailedAt = 3;
            return x;
        }
        x.adapterOutcome = r.result().path("outcome");
        if (!r.result().path("complete").asBoolean()) {
            throw new AssertionError("the responder read message 3 and did not complete: " + r.result());
        }
        return x;
    }

    /** The adapter as initiator, the model's {@code responder} as the other side. */
    static Exchange adapterInitiates(HandshakeSide initiator, HandshakeSide responder, BiFunction<Integer, byte[], byte[]> toAdapter,
                                     BiFunction<Integer, byte[], byte[]> toModel) {
        Exchange x = new Exchange();
        JsonNode started = Sut.result(Sut.handshakeStart("initiator", initiator.json(true)), "handshakeStart");
        x.handle = started.path("handshake").asText();
        byte[] first = toModel.apply(1, Sut.bytes(started.path("message")));
        x.messages.add(first);
        HyphaeHandshake.Responder model = responder.responder();
        byte[] second;
        try {
            second = model.onOffer(first);
        } catch (ProtocolException e) {
            x.modelError = e;
            x.modelFailedAt = 1;
            return x;
        }
        if (model.failure() != null) {
            x.modelError = model.failure();
            x.modelFailedAt = 1;
        }
        byte[] delivered = toAdapter.apply(2, second);
        x.messages.add(delivered);
        Response r = Sut.supported(Sut.handshakeRead(x.handle, delivered), "handshakeRead of message 2");
        if (!r.isResult()) {
            x.adapterError = r;
            x.adapterFailedAt = 2;
            return x;
        }
        if (!r.result().path("complete").asBoolean()) {
            throw new AssertionError("the initiator read message 2 and did not complete: " + r.result());
        }
        x.adapterOutcome = r.result().path("outcome");
        if (x.modelError != null) {
            return x;
        }
        byte[] third = Sut.bytes(r.result().path("message"));
        x.messages.add(third);
        try {
            model.onConfirmation(third);
            x.modelResult = model.result();
        } catch (ProtocolException e) {
            x.modelError = e;
            x.modelFailedAt = 3;
        }
        return x;
    }

    /** For people: how the exchange went. */
    String describe() {
        StringBuilder out = new StringBuilder();
        for (int k = 0; k < messages.size(); k++) {
            out.append("message ").append(k + 1).append(": ").append(Sut.hex(messages.get(k))).append('\n');
        }
        if (adapterError != null) {
            out.append("the adapter refused message ").append(adapterFailedAt).append(": ").append(adapterError.describe()).append('\n');
        }
        if (modelError != null) {
            out.append("the model refused message ").append(modelFailedAt).append(": ").append(modelError.getMessage()).append('\n');
        }
        if (adapterOutcome != null) {
            out.append("the adapter completed: ").append(adapterOutcome).append('\n');
        }
        return out.toString();
    }
}
