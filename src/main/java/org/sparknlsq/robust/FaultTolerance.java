package org.sparknlsq.robust;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * How a fit treats failing partitions ("batches": a partition's contribution within an
 * iteration, or a STREAMING batch). Defaults are the seed's.
 *
 * @param enabled full fault tolerance: failures are caught per partition, retried, recovered
 *     from and, if they persist, the partition is excluded; statistics are kept. {@code false} is
 *     the fast mode: a failing partition fails the pass as if fault tolerance did not exist (a
 *     thrown exception ends the fit, a non-finite value rejects the step), no statistics are
 *     kept; the best parameters are still tracked
 * @param validateNumerics check the reduced gradient and normal matrix, each new parameter vector
 *     (finite and inside the bounds) and each cost for non-finite values (the three detection
 *     points of {@link NumericalException.DetectionPoint})
 * @param minSuccessRate a fit succeeds only if its batch success rate is at least this (and it
 *     converged)
 * @param maxRetriesPerBatch recovery attempts for a failing partition before it is excluded
 * @param batchStatsBufferSize how many recent batch records the diagnostics keep
 * @param seed seeds the random directions of the parameter perturbation recovery
 */
public record FaultTolerance(
        boolean enabled,
        boolean validateNumerics,
        double minSuccessRate,
        int maxRetriesPerBatch,
        int batchStatsBufferSize,
        long seed)
        implements Serializable {

    public static FaultTolerance defaults() {
        return new FaultTolerance(true, true, 0.5, 2, 100, 0L);
    }

    /** The fast mode: no catching, retries or statistics (see {@link #enabled}). */
    public static FaultTolerance fast() {
        return new FaultTolerance(false, false, 0.5, 2, 100, 0L);
    }

    public FaultTolerance withEnabled(boolean on) {
        return new FaultTolerance(on, validateNumerics, minSuccessRate, maxRetriesPerBatch, batchStatsBufferSize, seed);
    }

    public FaultTolerance withValidateNumerics(boolean on) {
        return new FaultTolerance(enabled, on, minSuccessRate, maxRetriesPerBatch, batchStatsBufferSize, seed);
    }

    public FaultTolerance withMinSuccessRate(double r) {
        return new FaultTolerance(enabled, validateNumerics, r, maxRetriesPerBatch, batchStatsBufferSize, seed);
    }

    public FaultTolerance withMaxRetriesPerBatch(int n) {
        return new FaultTolerance(enabled, validateNumerics, minSuccessRate, n, batchStatsBufferSize, seed);
    }

    public FaultTolerance withBatchStatsBufferSize(int n) {
        return new FaultTolerance(enabled, validateNumerics, minSuccessRate, maxRetriesPerBatch, n, seed);
    }

    public FaultTolerance withSeed(long s) {
        return new FaultTolerance(
                enabled, validateNumerics, minSuccessRate, maxRetriesPerBatch, batchStatsBufferSize, s);
    }

    /** Every problem, one per entry; empty when valid. */
    public List<String> validate() {
        List<String> errors = new ArrayList<>();
        if (!(minSuccessRate >= 0 && minSuccessRate <= 1)) {
            errors.add("minSuccessRate must be in [0, 1], got " + minSuccessRate);
        }
        if (maxRetriesPerBatch < 0) {
            errors.add("maxRetriesPerBatch must be >= 0, got " + maxRetriesPerBatch);
        }
        if (batchStatsBufferSize < 1) {
            errors.add("batchStatsBufferSize must be >= 1, got " + batchStatsBufferSize);
        }
        return errors;
    }
}
