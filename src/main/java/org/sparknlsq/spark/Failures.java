package org.sparknlsq.spark;

import org.sparknlsq.robust.FitException;

/**
 * Spark wraps a task's exception in a {@code SparkException} ("Job aborted due to stage failure:
 * ... Lost task ..."), whose message is a page long. A {@link FitException} thrown inside a task
 * (a bad record, say) already says what and where in one line, so it is taken out of the wrapping.
 */
final class Failures {
    private Failures() {}

    /**
     * The first {@link FitException} in the cause chain; else {@code e} itself when unchecked,
     * or wrapped when checked ({@code SparkException} is a checked exception that Scala code
     * throws without declaring it, so callers catch {@code Exception}).
     */
    static RuntimeException unwrap(Exception e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof FitException f) {
                return f;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return e instanceof RuntimeException r ? r : new SparkJobException(e);
    }

    /** A Spark job failed for a reason that is not a fit problem (lost cluster, bad config). */
    static final class SparkJobException extends RuntimeException {
        SparkJobException(Exception cause) {
            super("Spark job failed: " + SparkInput.firstLine(cause), cause);
        }
    }
}
