package dev.trainingrun.api;

import java.time.Duration;
import java.util.regex.Matcher;

/**
 * The durations the API takes ({@code spec.checkpoints.interval}): hours, minutes and seconds in that order, each
 * optional but one present, as Kubernetes writes durations ({@code 90s}, {@code 10m}, {@code 1h30m}). The schema
 * holds each such field to {@link #PATTERN}, so the API server refuses any other spelling at admission.
 */
public final class Durations {
    /** What the schema admits: e.g. {@code 45s}, {@code 10m}, {@code 2h}, {@code 1h30m}, {@code 0s}. */
    public static final String PATTERN = "^([0-9]+h([0-9]+m)?([0-9]+s)?|[0-9]+m([0-9]+s)?|[0-9]+s)$";
    private static final java.util.regex.Pattern COMPILED = java.util.regex.Pattern.compile(
            "^(?:([0-9]+)h)?(?:([0-9]+)m)?(?:([0-9]+)s)?$");

    private Durations() {}

    /**
     * Reads a duration in the schema's spelling.
     *
     * @throws IllegalArgumentException when {@code text} does not match {@link #PATTERN}
     */
    public static Duration parse(String text) {
        Matcher parts = COMPILED.matcher(text == null ? "" : text);
        if (text == null || text.isEmpty() || !text.matches(PATTERN) || !parts.matches()) {
            throw new IllegalArgumentException("expected a duration such as 90s, 10m or 1h30m, got \"" + text + "\"");
        }
        return Duration.ofHours(number(parts.group(1))).plusMinutes(number(parts.group(2)))
                .plusSeconds(number(parts.group(3)));
    }

    private static long number(String digits) {
        return digits == null ? 0 : Long.parseLong(digits);
    }
}
