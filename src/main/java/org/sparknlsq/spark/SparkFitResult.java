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
 */
public record SparkFitResult(
        FitResult fit,
        Strategy strategy,
        String strategyReason,
        int partitions,
        long droppedRecords,
        long sparkJobs,
        int epochs,
        double loadSeconds) {}
