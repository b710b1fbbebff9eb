package dev.hyphae.conformance;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a property that is one of {@link #value()} checks split from one property that checked several requirements
 * at once: it runs that share of the run's tries ({@code --tries}), rounded up, so that checking each requirement on
 * its own costs the run about what checking them together did. The checks of a split draw their inputs from
 * generators narrowed to what each checks, so that every try they share out is one that their law speaks of.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface ShareOfTries {

    /** How many checks share the tries of the property they were split from. */
    int value();
}
