package dev.hyphae.conformance;

import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.PropagationMode;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;

/**
 * Gives every property of the suite the run's seed and number of tries, so that a run is repeatable with
 * {@code --seed} and as thorough as {@code --tries} asks. Each property class registers it with
 * {@code @AddLifecycleHook(SuiteSettingsHook.class)}.
 */
public final class SuiteSettingsHook implements AroundPropertyHook {

    @Override
    public PropertyExecutionResult aroundProperty(PropertyLifecycleContext context, PropertyExecutor property) {
        Settings settings = Suite.current().settings();
        context.attributes().setSeed(Long.toString(settings.seed()));
        context.attributes().setTries(settings.tries());
        // The generators already draw from pools full of corner values; jqwik's own edge cases of these nested
        // generators number in the thousands and cost more time to build than the tries themselves.
        context.attributes().setEdgeCases(EdgeCasesMode.NONE);
        return property.execute();
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
