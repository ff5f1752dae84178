package org.sparknlsq.spark;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
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
 * @param infrastructure Spark's own failure events during the fit ({@link
 *     InfrastructureListener#counts()}); also in {@code fit().faults()} when fault tolerance is on
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
        Validation validation,
        Map<String, Long> infrastructure) {

    /**
     * The same fit repeated with STANDARD on the driver, over the same points, for users who
     * migrate from scipy or NLSQ and want to see that the distributed answer is the same answer.
     *
     * @param maxRelativeDifference max over the parameters of |p − p_standard| / |p_standard|
     *     (absolute difference where p_standard is 0)
     * @param standard the STANDARD fit
     */
    public record Validation(double maxRelativeDifference, FitResult standard) {}

    /**
     * This result with Spark's infrastructure events (see {@link InfrastructureListener#counts()}),
     * also added to the fit's fault report when there is one.
     */
    public SparkFitResult withInfrastructure(Map<String, Long> events) {
        FitResult f = fit.faults() == null ? fit : fit.withFaults(fit.faults().withInfrastructure(events));
        return new SparkFitResult(
                f,
                strategy,
                strategyReason,
                partitions,
                droppedRecords,
                sparkJobs,
                epochs,
                loadSeconds,
                validation,
                Collections.unmodifiableMap(new LinkedHashMap<>(events)));
    }
}
