package dev.hyphae.spec;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Cites the requirements of the Hyphae specification that a test, property or vector check covers.
 *
 * <pre>{@code
 * @Property
 * @Requirement({"HY-DATA-004", "HY-DATA-005"})
 * void mergeIsCommutative(...) { ... }
 * }</pre>
 *
 * <p>The build scans test sources for this annotation (see {@link CitationScanner}): a citation of an
 * id that the specification does not define fails the build, and every MUST-level requirement that no
 * test or vector cites is listed in the coverage report. Ids are strings, never positions; they are
 * written as literals so that a plain text scan, and a reader, can see them.
 *
 * <p>Retained at run time so that a test report can name the requirements a failed test covers.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface Requirement {
    /** One or more requirement ids, each of the form {@code HY-AREA-NNN}. */
    String[] value();
}
