package dev.hyphae.conformance;

import net.jqwik.api.lifecycle.AroundPropertyHook;
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
        return property.execute();
    }

    @Override
    public int aroundPropertyProximity() {
        // Outermost: the attributes must be set before jqwik reads them.
        return -100;
    }
}
