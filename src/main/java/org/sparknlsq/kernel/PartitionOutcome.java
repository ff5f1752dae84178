package org.sparknlsq.kernel;

import java.io.Serializable;

/**
 * What one partition (a batch, in the fault-tolerance vocabulary) gave in one pass: its sums, or
 * the reason it gave none. A failure is caught inside the task, so one bad partition never fails
 * the pass; the driver decides what to do with it.
 *
 * @param partition the partition index
 * @param sums the partition's accumulator; null when the partition failed
 * @param errorType null on success; otherwise the thrown exception's simple class name, or {@link
 *     #NON_FINITE} when the model gave non-finite values
 * @param category which recovery strategies apply; null on success
 * @param message a one-line reason, naming the first bad data row where there is one
 * @param firstInvalidIndex the global data row of the first non-finite point, or -1
 * @param invalidPoints how many points were not finite (0 unless the error type is {@link
 *     #NON_FINITE})
 * @param nanos wall time the partition took inside the task
 */
public record PartitionOutcome(
        int partition,
        Accumulator sums,
        String errorType,
        Category category,
        String message,
        long firstInvalidIndex,
        long invalidPoints,
        long nanos)
        implements Serializable {

    /** The error type of a partition whose model values, derivatives or cost were not finite. */
    public static final String NON_FINITE = "NonFiniteValue";

    /** The kind of failure, which decides the recovery strategies the driver tries. */
    public enum Category {
        /** non-finite values, or an {@link ArithmeticException} or {@code NumericalException} */
        NUMERICAL,
        /** a {@code ConvergenceException} (for example an inner iteration in the model) */
        CONVERGENCE,
        /** any other exception thrown by the model or the loss */
        OTHER
    }

    public boolean ok() {
        return sums != null;
    }
}
