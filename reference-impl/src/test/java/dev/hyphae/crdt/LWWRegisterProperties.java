package dev.hyphae.crdt;

import dev.hyphae.data.CausalContext;
import dev.hyphae.data.Dot;
import dev.hyphae.data.ReplicaId;
import dev.hyphae.data.Value;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A register of one write, held as its dot and write without a map, against the same register held as a map: equal,
 * with equal hash codes and entries, however it was made; and the join of two such registers is the DotFun join.
 */
class LWWRegisterProperties {

    private static final ReplicaId A = ReplicaId.fromHex("0000000000000000000000000000000a");
    private static final ReplicaId B = ReplicaId.fromHex("ff00000000000000000000000000000b");

    /** A register of one write and a context that holds its dot and perhaps the other register's dot. */
    record Side(Dot dot, LWWRegister.Write write, boolean seesOther) {
        LWWRegister register() {
            return LWWRegister.of(dot, write);
        }

        CausalContext context(Side other) {
            List<Dot> dots = new ArrayList<>(List.of(dot));
            if (seesOther) {
                dots.add(other.dot);
            }
            return CausalContext.of(dots);
        }
    }

    @Provide
    Arbitrary<Dot> dots() {
        return Combinators.combine(Arbitraries.of(A, B), Arbitraries.of(1L, 2L, 3L, Long.MIN_VALUE, -1L)).as(Dot::new);
    }

    @Provide
    Arbitrary<LWWRegister.Write> writes() {
        Arbitrary<Value> value = Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(3).map(Value::of),
                Arbitraries.longs().between(-2, 2).map(Value::of));
        return Combinators.combine(Arbitraries.of(0L, 1L, 2L, Long.MIN_VALUE, -1L), value).as(LWWRegister.Write::new);
    }

    @Provide
    Arbitrary<Side> sides() {
        return Combinators.combine(dots(), writes(), Arbitraries.of(true, false)).as(Side::new);
    }

    @Property(tries = 500)
    void oneWriteEqualsTheMapOfOneWrite(@ForAll("dots") Dot dot, @ForAll("writes") LWWRegister.Write write) {
        LWWRegister bare = LWWRegister.of(dot, write);
        LWWRegister mapped = LWWRegister.of(new TreeMap<>(Collections.singletonMap(dot, write)));
        assertEquals(bare, mapped);
        assertEquals(mapped, bare);
        assertEquals(bare.hashCode(), mapped.hashCode());
        assertEquals(bare.writes(), mapped.writes());
        assertEquals(bare.writes().hashCode(), bare.hashCode(), "the hash of a register is the hash of its entries");
        assertEquals(1, bare.size());
    }

    @Property(tries = 1000)
    void theJoinOfTwoOneWriteRegistersIsTheDotFunJoin(@ForAll("sides") Side mine, @ForAll("sides") Side theirs) {
        CausalContext c = mine.context(theirs);
        CausalContext d = theirs.context(mine);
        LWWRegister joined = mine.register().join(theirs.register(), c, d);
        LWWRegister expected = LWWRegister.of(
                DotStores.joinDotFun(mine.register().writes(), c, theirs.register().writes(), d, LWWRegister.Write.ORDER));
        assertEquals(expected, joined);
        assertEquals(joined, expected);
        assertEquals(expected.hashCode(), joined.hashCode());
        assertEquals(expected.writes(), joined.writes());
        assertEquals(expected.value(), joined.value());
    }

    @Property(tries = 500)
    void aMapJoinLeftWithOneWriteEqualsThatWrite(@ForAll("sides") Side first, @ForAll("sides") Side second,
                                                 @ForAll("sides") Side third) {
        // Two concurrent writes make a register held as a map; a third write that saw one of them leaves one entry.
        CausalContext c = first.context(second);
        CausalContext d = second.context(first);
        LWWRegister two = first.register().join(second.register(), c, d);
        CausalContext both = c.union(d);
        CausalContext e = third.context(first);
        LWWRegister joined = two.join(third.register(), both, e);
        LWWRegister expected = LWWRegister.of(
                DotStores.joinDotFun(two.writes(), both, third.register().writes(), e, LWWRegister.Write.ORDER));
        assertEquals(expected, joined);
        assertEquals(expected.hashCode(), joined.hashCode());
        if (joined.size() == 1) {
            var only = joined.writes().firstEntry();
            assertEquals(LWWRegister.of(only.getKey(), only.getValue()), joined);
            assertEquals(LWWRegister.of(only.getKey(), only.getValue()).hashCode(), joined.hashCode());
        }
    }

    @Example
    void nullDotsAndWritesAreRefused() {
        Dot dot = new Dot(A, 1);
        LWWRegister.Write write = new LWWRegister.Write(1, Value.of("v"));
        assertThrows(NullPointerException.class, () -> LWWRegister.of(dot, null));
        assertThrows(NullPointerException.class, () -> LWWRegister.of(null, write));
        TreeMap<Dot, LWWRegister.Write> one = new TreeMap<>();
        one.put(dot, null);
        assertThrows(NullPointerException.class, () -> LWWRegister.of(one));
        TreeMap<Dot, LWWRegister.Write> two = new TreeMap<>();
        two.put(dot, write);
        two.put(new Dot(B, 1), null);
        assertThrows(NullPointerException.class, () -> LWWRegister.of(two));
    }
}
