package org.sparknlsq.robust;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * What fault tolerance saw during one fit: batch counts and success rate, failed and excluded
 * partitions, retries, error types, the recovery actions applied, recent batch records, and
 * infrastructure events reported by Spark. Immutable.
 *
 * @param enabled always true for a report of a fit (fast mode reports nothing)
 * @param partitions the partitions (batches per pass) of the data
 * @param failedBatches partitions that failed at least once, ascending
 * @param retryCounts retries per partition (only partitions retried at least once)
 * @param errorTypes failures per error type (exception class name or {@code NonFiniteValue})
 * @param excludedPartitions partitions left out of the objective, in order of exclusion
 * @param recoveryActions every recovery action applied, in order
 * @param infrastructure Spark-side events (task failures, executor losses, ...), kept apart from
 *     the numerical failures above; empty for a fit without Spark
 */
public record FaultReport(
        boolean enabled,
        int partitions,
        double minSuccessRate,
        double batchSuccessRate,
        long batchesAttempted,
        long batchesSucceeded,
        long batchesFailed,
        long batchesSkipped,
        long totalRetries,
        List<Integer> failedBatches,
        SortedMap<Integer, Integer> retryCounts,
        Map<String, Long> errorTypes,
        List<Excluded> excludedPartitions,
        long excludedPoints,
        double excludedFraction,
        List<Recovery> recoveryActions,
        List<BatchStatistics.Batch> recentBatches,
        Map<String, Double> aggregates,
        Map<String, Long> infrastructure) {

    /** A partition left out of the objective after its retries failed. */
    public record Excluded(int partition, long points, String errorType, String message, int afterPass) {}

    /**
     * One applied recovery action.
     *
     * @param iteration the optimizer iteration it was applied in
     * @param partitions the failing partitions that triggered it
     * @param detail what it changed, for example {@code radius 2.0e+00 -> 1.0e+00}
     */
    public record Recovery(int iteration, String action, List<Integer> partitions, String errorType, String detail) {}

    /** True when the success rate reaches {@link #minSuccessRate} (always, in fast mode). */
    public boolean successRateMet() {
        return !enabled || batchSuccessRate >= minSuccessRate;
    }

    public FaultReport withInfrastructure(Map<String, Long> events) {
        return new FaultReport(
                enabled,
                partitions,
                minSuccessRate,
                batchSuccessRate,
                batchesAttempted,
                batchesSucceeded,
                batchesFailed,
                batchesSkipped,
                totalRetries,
                failedBatches,
                retryCounts,
                errorTypes,
                excludedPartitions,
                excludedPoints,
                excludedFraction,
                recoveryActions,
                recentBatches,
                aggregates,
                Collections.unmodifiableMap(new LinkedHashMap<>(events)));
    }

    /**
     * The {@code diagnostics} fields of the result JSON, snake_case as in the seed.
     *
     * @param converged whether the optimizer met a convergence test
     * @param finalEpoch the last epoch (STREAMING) or 0
     * @param elapsedSeconds the fit's wall time
     * @param checkpointInfo what the checkpoint manager did (empty when checkpoints are off)
     */
    public Map<String, Object> toMap(
            boolean converged, int finalEpoch, double elapsedSeconds, Map<String, Object> checkpointInfo) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("fault_tolerance", enabled ? "enabled" : "fast");
        m.put("partitions_total", partitions);
        m.put("failed_batches", failedBatches);
        Map<String, Object> retries = new LinkedHashMap<>();
        retryCounts.forEach((k, v) -> retries.put(Integer.toString(k), v));
        m.put("retry_counts", retries);
        m.put("error_types", errorTypes);
        m.put("batch_success_rate", batchSuccessRate);
        m.put("min_success_rate", minSuccessRate);
        m.put("total_batches_attempted", batchesAttempted);
        m.put("total_batches_succeeded", batchesSucceeded);
        m.put("total_batches_failed", batchesFailed);
        m.put("total_batches_skipped", batchesSkipped);
        m.put("total_retries", totalRetries);
        m.put("convergence_achieved", converged);
        m.put("final_epoch", finalEpoch);
        m.put("elapsed_time", elapsedSeconds);
        m.put("checkpoint_info", checkpointInfo);
        List<Object> recent = new ArrayList<>();
        for (BatchStatistics.Batch b : recentBatches) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("batch_index", b.batchIndex());
            r.put("pass", b.pass());
            r.put("loss", b.loss());
            r.put("gradient_norm", b.gradientNorm());
            r.put("time", b.seconds());
            r.put("success", b.success());
            r.put("retries", b.retries());
            r.put("error_type", b.errorType());
            recent.add(r);
        }
        m.put("recent_batch_stats", recent);
        m.put("aggregate_stats", aggregates);
        List<Object> excluded = new ArrayList<>();
        for (Excluded e : excludedPartitions) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("partition", e.partition());
            r.put("points", e.points());
            r.put("error_type", e.errorType());
            r.put("message", e.message());
            r.put("after_pass", e.afterPass());
            excluded.add(r);
        }
        m.put("excluded_partitions", excluded);
        m.put("excluded_points", excludedPoints);
        m.put("excluded_fraction", excludedFraction);
        List<Object> actions = new ArrayList<>();
        for (Recovery r : recoveryActions) {
            Map<String, Object> a = new LinkedHashMap<>();
            a.put("iteration", r.iteration());
            a.put("action", r.action());
            a.put("partitions", r.partitions());
            a.put("error_type", r.errorType());
            a.put("detail", r.detail());
            actions.add(a);
        }
        m.put("recovery_actions", actions);
        m.put("infrastructure", infrastructure);
        return m;
    }
}
