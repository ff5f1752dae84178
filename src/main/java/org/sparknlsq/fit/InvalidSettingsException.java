package org.sparknlsq.fit;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Settings of a fit that cannot be used, every one reported at once. Each problem carries the
 * key of the setting it concerns: the name of the {@link org.sparknlsq.ml.CurveFit} Param (for
 * example {@code maxIterations}, {@code initialValues}, {@code xCols}), so each client can name it
 * in its own words (the command line maps keys to option names with a table).
 */
public final class InvalidSettingsException extends IllegalArgumentException {
    /** One problem: the setting's key and what is wrong with it, without the key. */
    public record Problem(String key, String message) {
        @Override
        public String toString() {
            return key + ": " + message;
        }
    }

    private final transient List<Problem> problems;

    public InvalidSettingsException(List<Problem> problems) {
        super(problems.stream().map(Problem::toString).collect(Collectors.joining("; ")));
        this.problems = List.copyOf(problems);
    }

    public InvalidSettingsException(String key, String message) {
        this(List.of(new Problem(key, message)));
    }

    /** Every problem, in the order found. */
    public List<Problem> problems() {
        return problems;
    }
}
