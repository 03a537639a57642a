package dev.trainingrun.testing;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * What a test needs from the machine beyond Java (an interpreter, a Debian package): without it the test is skipped
 * with the reason on a developer's machine, but fails under {@code CI=true}, where a skip would hide a missing step.
 */
public final class Prerequisite {
    private Prerequisite() {}

    /**
     * Lets the test go on when {@code missing} is null; otherwise skips it, or fails it under {@code CI=true}.
     *
     * @param missing what is missing and how to get it, or null when nothing is
     */
    public static void require(String missing) {
        if (missing == null) {
            return;
        }
        if ("true".equals(System.getenv("CI"))) {
            Assertions.fail(missing);
        }
        Assumptions.abort(missing);
    }
}
