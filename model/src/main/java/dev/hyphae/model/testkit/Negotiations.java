package dev.hyphae.model.testkit;

import dev.hyphae.model.handshake.Capability;
import dev.hyphae.model.handshake.Offer;
import dev.hyphae.model.handshake.ProtocolVersion;
import dev.hyphae.model.handshake.Responder;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Arbitraries of what the two sides of a handshake announce. Versions and capabilities come from small pools so
 * that offers and responders often overlap, and often just miss: versions of two majors with neighbouring minors,
 * capabilities of each range of the registry (Standard, Specification Required, Private Use) and, in offers as
 * received, the reserved 0, duplicates and frame sizes on either side of 1024.
 */
public final class Negotiations {

    /** The pool of versions. */
    public static final List<ProtocolVersion> VERSIONS = List.of(new ProtocolVersion(0, 9), ProtocolVersion.V1_0,
            new ProtocolVersion(1, 1), new ProtocolVersion(1, 2), new ProtocolVersion(2, 0), new ProtocolVersion(255, 255));
    /** The pool of capabilities a responder can know: never 0. */
    public static final List<Integer> CAPABILITIES = List.of(1, 2, 3, 0x4000, 0x8001, 0xFFFF);

    private Negotiations() {
    }

    /** Offers a conforming initiator could send: no capability twice or 0, a frame size that HY-HS-011 allows. */
    public static Arbitrary<Offer> wellFormedOffers() {
        return Combinators.combine(Arbitraries.of(VERSIONS).list().ofMaxSize(5),
                        Arbitraries.of(CAPABILITIES).set().ofMaxSize(4), Arbitraries.integers().between(0, 15),
                        wellFormedFrameSizes())
                .as((versions, ids, criticalMask, frameSize) -> {
                    List<Capability> capabilities = new ArrayList<>();
                    int bit = 0;
                    for (int id : new TreeSet<>(ids)) {
                        capabilities.add(new Capability(id, (criticalMask >> bit++ & 1) == 1));
                    }
                    return new Offer(versions, capabilities, frameSize);
                });
    }

    /** Offers as a responder may receive them: now and then with capability 0, a capability twice or a bad frame size. */
    public static Arbitrary<Offer> offers() {
        Arbitrary<Capability> capability = Combinators.combine(Arbitraries.frequencyOf(
                        Tuple.of(9, Arbitraries.of(CAPABILITIES)), Tuple.of(1, Arbitraries.just(0))),
                Arbitraries.of(false, false, true)).as(Capability::new);
        return Arbitraries.frequencyOf(Tuple.of(3, wellFormedOffers()),
                Tuple.of(1, Combinators.combine(Arbitraries.of(VERSIONS).list().ofMaxSize(5), capability.list().ofMaxSize(5),
                        Arbitraries.frequencyOf(Tuple.of(3, wellFormedFrameSizes()),
                                Tuple.of(1, Arbitraries.of(1, 512, 1023))))
                        .as(Offer::new)));
    }

    /** Responders: any versions of the pool (perhaps none), any capabilities, a frame size from 1024 to 65535. */
    public static Arbitrary<Responder> responders() {
        return Combinators.combine(Arbitraries.of(VERSIONS).set().ofMaxSize(4), Arbitraries.of(CAPABILITIES).set().ofMaxSize(4),
                        Arbitraries.of(1024, 1025, 4096, 65_535))
                .as((versions, known, frameSize) -> new Responder(new TreeSet<>(versions), new TreeSet<>(known), frameSize));
    }

    /** {@code max_frame_size} values as a conforming side sends them: 0 (meaning 65535), or 1024 to 65535. */
    public static Arbitrary<Integer> wellFormedFrameSizes() {
        return Arbitraries.of(0, 1024, 1025, 16_384, 65_535);
    }
}
