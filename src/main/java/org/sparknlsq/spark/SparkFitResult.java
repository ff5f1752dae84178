package org.sparknlsq.spark;

import org.sparknlsq.optim.FitResult;
import org.sparknlsq.strategy.Strategy;

/**
 * A fit on Spark: the optimizer's result plus how the data were held.
 *
 * @param fit parameters, covariance, termination and counters (strategy name included)
 * @param strategy the strategy used
 * @param strategyReason why it was chosen, in words
 * @param partitions partitions the data were cut into
 * @param droppedRecords records skipped by the bad-record policy
 * @param sparkJobs Spark jobs run for the passes (0 for STANDARD after loading)
 * @param epochs STREAMING epochs run, 0 for the other strategies
 * @param loadSeconds wall time to read, order and cache the data
 * @param validation the side-by-side check against STANDARD, or null when not asked for
 */
public record SparkFitResult(
        FitResult fit,
        Strategy strategy,
        String strategyReason,
        int partitions,
        long droppedRecords,
        long sparkJobs,
        int epochs,
        double loadSeconds,
        Validation validation) {

    /**
     * The same fit repeated with STANDARD on the driver, over the same points, for users who
     * migrate from scipy or NLSQ and want to see that the distributed answer is the same answer.
     *
     * @param maxRelativeDifference max over the parameters of |p − p_standard| / |p_standard|
     *     (absolute difference where p_standard is 0)
     * @param standard the STANDARD fit
     */
    public record Validation(double maxRelativeDifference, FitResult standard) {}
}
