package org.sparknlsq.cli;

/**
 * The process exit codes of {@code spark-nlsq}. Stable: scripts and schedulers branch on them, and
 * the README lists them. Every non-zero code comes with one line on stderr starting with {@code
 * spark-nlsq: error: }.
 */
public enum ExitCode {
    /** The command succeeded; for {@code fit}, a convergence test was met. */
    SUCCESS(0),
    /**
     * An unexpected internal error (a bug, or the JVM ran out of memory). The message ends with a
     * hint to rerun with {@code --debug}, which prints the stack trace.
     */
    INTERNAL_ERROR(1),
    /**
     * Bad arguments or configuration: unknown or malformed options, a model that does not
     * compile, bad {@code --params}/{@code --bounds} syntax, a start value outside its bounds,
     * {@code lm} with bounds, or an output path that cannot be written.
     */
    CONFIG_ERROR(2),
    /**
     * A data error: the file is missing or unreadable, a line is malformed, a column is missing,
     * a value is bad under {@code --bad-records failfast}, or there are fewer points than
     * parameters.
     */
    DATA_ERROR(3),
    /**
     * The fit stopped without meeting a convergence test (iteration or evaluation limit, no
     * acceptable step, cancelled). The report and the JSON are still written, with {@code
     * success: false} and the best parameters found.
     */
    NOT_CONVERGED(4),
    /** A checkpoint could not be written, read or validated. */
    CHECKPOINT_ERROR(5),
    /** A numerical error: the model or its derivatives are not finite at the start parameters. */
    NUMERICAL_ERROR(6),
    /**
     * Too few batches succeeded: the batch success rate is below {@code --min-success-rate}
     * (whether or not the rest of the data converged), or every partition failed. The report and
     * the JSON are still written, with {@code success: false}, the best parameters, and the
     * failed and excluded partitions in {@code diagnostics}.
     */
    BATCH_FAILURE(7);

    private final int code;

    ExitCode(int code) {
        this.code = code;
    }

    /** The process exit status. */
    public int code() {
        return code;
    }
}
