package dev.hyphae.conformance;

import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.AroundTryHook;
import net.jqwik.api.lifecycle.Lifespan;
import net.jqwik.api.lifecycle.PropagationMode;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;
import net.jqwik.api.lifecycle.Store;
import net.jqwik.api.lifecycle.TryExecutionResult;
import net.jqwik.api.lifecycle.TryExecutor;
import net.jqwik.api.lifecycle.TryLifecycleContext;

import java.util.List;

/**
 * Gives every property of the suite the run's seed and number of tries, so that a run is repeatable with
 * {@code --seed} and as thorough as {@code --tries} asks (the checks of a property split into several share its tries
 * and draw from seeds of their own, {@link ShareOfTries}), and marks every try of a property, shrinking tries
 * included, with the number of the property's check, so that a try left running after its check has ended cannot
 * reach the adapter ({@link Suite#inCheck}). Each property class registers it with
 * {@code @AddLifecycleHook(SuiteSettingsHook.class)}.
 *
 * <p>A run without shrinking ({@link Settings#shrinks()} false) turns jqwik's shrinking off for every property. jqwik
 * bounds shrinking by time on a pooled thread and, when the bound runs out, stops waiting for it without stopping it:
 * the shrinking steps then run on beside the next property, in jqwik's stores (a ConcurrentModificationException) and
 * at the adapter. {@link Suite#inCheck} keeps those steps away from the adapter; only no shrinking at all keeps them
 * out of jqwik. Runs that fail by design, against a seeded defect, need no smaller counterexample, so they run
 * without; a vendor's run keeps jqwik's bounded shrinking, whose smaller counterexample is worth the rare stray step.
 */
public final class SuiteSettingsHook implements AroundPropertyHook, AroundTryHook {

    /** The property's store of the number of its check: jqwik finds it from any thread that runs one of its tries. */
    private static final String CHECK = SuiteSettingsHook.class.getName() + ".check";

    @Override
    public PropertyExecutionResult aroundProperty(PropertyLifecycleContext context, PropertyExecutor property) {
        Settings settings = Suite.current().settings();
        ShareOfTries share = context.targetMethod().getAnnotation(ShareOfTries.class);
        context.attributes().setSeed(Long.toString(seed(settings.seed(), share, context.targetMethod().getName())));
        context.attributes().setTries(tries(settings.tries(), share));
        // The generators already draw from pools full of corner values; jqwik's own edge cases of these nested
        // generators number in the thousands and cost more time to build than the tries themselves.
        context.attributes().setEdgeCases(EdgeCasesMode.NONE);
        if (!settings.shrinks()) {
            context.attributes().setShrinking(ShrinkingMode.OFF);
        }
        long check = Suite.currentCheck();
        Store.create(CHECK, Lifespan.PROPERTY, () -> check);
        return property.execute();
    }

    /** The tries of a check: all the run's, or its share of them ({@link ShareOfTries}), rounded up, at least 1. */
    static int tries(int tries, ShareOfTries share) {
        if (share == null) {
            return tries;
        }
        if (share.value() < 1 || share.parts() < 1 || share.parts() > share.value()) {
            throw new IllegalStateException("a share of tries needs 1 <= parts <= value, not " + share.parts() + "/" + share.value());
        }
        // In long: tries * parts may pass Integer.MAX_VALUE; the quotient does not.
        return (int) Math.max(1, ((long) tries * share.parts() + share.value() - 1) / share.value());
    }

    /** The seed of a check: the run's, or for a check split from another the run's plus its name's hash ({@link ShareOfTries}). */
    static long seed(long seed, ShareOfTries share, String check) {
        return share == null ? seed : seed + check.hashCode();
    }

    @Override
    public TryExecutionResult aroundTry(TryLifecycleContext context, TryExecutor aTry, List<Object> parameters) throws Throwable {
        long check = Store.<Long>get(CHECK).get();
        return Suite.inCheck(check, () -> aTry.execute(parameters));
    }

    @Override
    public PropagationMode propagateTo() {
        // Registered on a class, the hook is to reach the class's properties.
        return PropagationMode.ALL_DESCENDANTS;
    }

    @Override
    public int aroundPropertyProximity() {
        // Outermost: the attributes must be set before jqwik reads them.
        return -100;
    }
}
