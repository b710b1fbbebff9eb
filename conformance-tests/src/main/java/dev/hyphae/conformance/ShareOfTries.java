package dev.hyphae.conformance;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a property that is one of several checks split from one property that checked several requirements at once:
 * it runs {@link #parts()}/{@link #value()} of the run's tries ({@code --tries}), rounded up, so that checking each
 * requirement on its own costs the run about what checking them together did. A check that another of its split
 * subsumes (it fails on every input on which the other fails) takes a small share, the other the rest.
 *
 * <p>Checks of a split often draw from one generator; so that they do not all try the same first inputs, each draws
 * from a seed of its own: the run's seed plus the {@link String#hashCode()} of the check's name (its method's name),
 * which keeps a run repeatable with {@code --seed}. Some splits also narrow the generator of each check to the inputs
 * that its law speaks of; others share one generator.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface ShareOfTries {

    /** Into how many parts the tries of the property that was split are divided; at least 1. */
    int value();

    /** How many of those parts this check runs; at least 1. */
    int parts() default 1;
}
