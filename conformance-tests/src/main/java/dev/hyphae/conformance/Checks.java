package dev.hyphae.conformance;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The profile whose requirements a class of checks checks. Every check also cites the requirement ids it
 * checks, with {@link dev.hyphae.spec.Requirement}; the reports are written from the two.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface Checks {
    Profile value();
}
