package org.sparknlsq.robust;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Process-wide counters of what fits did, for monitoring: the Spark metrics plugin ({@code
 * spark.MetricsPlugin}) publishes them through Spark's metrics system, so they reach any configured
 * sink (Prometheus, JMX, Graphite, ...). Counters only grow; {@code last_*} values are the most
 * recent fit's. Thread-safe; plain Java, so the optimizer and the checkpoint code update it without
 * knowing about Spark.
 */
public final class FitMetrics {
    private static final AtomicLong FITS_STARTED = new AtomicLong();
    private static final AtomicLong FITS_SUCCEEDED = new AtomicLong();
    private static final AtomicLong FITS_FAILED = new AtomicLong();
    private static final AtomicLong ITERATIONS = new AtomicLong();
    private static final AtomicLong FAILED_PARTITIONS = new AtomicLong();
    private static final AtomicLong EXCLUDED_PARTITIONS = new AtomicLong();
    private static final AtomicLong RETRIES = new AtomicLong();
    private static final AtomicLong RECOVERIES = new AtomicLong();
    private static final AtomicLong EXECUTOR_LOSSES = new AtomicLong();
    private static final AtomicLong CHECKPOINT_SAVES = new AtomicLong();
    private static final AtomicLong CHECKPOINT_FAILURES = new AtomicLong();
    private static volatile double lastFitSeconds = Double.NaN;
    private static volatile double lastCost = Double.NaN;
    private static volatile double lastCheckpointSeconds = Double.NaN;

    private FitMetrics() {}

    public static void fitStarted() {
        FITS_STARTED.incrementAndGet();
    }

    /**
     * A fit ended with a result.
     *
     * @param faults its fault report, or null (fast mode)
     * @param executorLosses executors lost while it ran
     */
    public static void fitEnded(
            boolean success, double seconds, int iterations, double cost, FaultReport faults, long executorLosses) {
        (success ? FITS_SUCCEEDED : FITS_FAILED).incrementAndGet();
        lastFitSeconds = seconds;
        lastCost = cost;
        ITERATIONS.addAndGet(iterations);
        if (faults != null) {
            FAILED_PARTITIONS.addAndGet(faults.failedBatches().size());
            EXCLUDED_PARTITIONS.addAndGet(faults.excludedPartitions().size());
            RETRIES.addAndGet(faults.totalRetries());
            RECOVERIES.addAndGet(faults.recoveryActions().size());
        }
        EXECUTOR_LOSSES.addAndGet(executorLosses);
    }

    /** A fit ended with an exception instead of a result. */
    public static void fitFailed() {
        FITS_FAILED.incrementAndGet();
    }

    public static void checkpointSaved(double seconds) {
        CHECKPOINT_SAVES.incrementAndGet();
        lastCheckpointSeconds = seconds;
    }

    public static void checkpointFailed() {
        CHECKPOINT_FAILURES.incrementAndGet();
    }

    /** Every metric by name, as a reader of the current value (for gauges). */
    public static Map<String, Supplier<Number>> readers() {
        Map<String, Supplier<Number>> m = new LinkedHashMap<>();
        m.put("fits_started", FITS_STARTED::get);
        m.put("fits_succeeded", FITS_SUCCEEDED::get);
        m.put("fits_failed", FITS_FAILED::get);
        m.put("iterations", ITERATIONS::get);
        m.put("failed_partitions", FAILED_PARTITIONS::get);
        m.put("excluded_partitions", EXCLUDED_PARTITIONS::get);
        m.put("retries", RETRIES::get);
        m.put("recoveries", RECOVERIES::get);
        m.put("executor_losses", EXECUTOR_LOSSES::get);
        m.put("checkpoint_saves", CHECKPOINT_SAVES::get);
        m.put("checkpoint_failures", CHECKPOINT_FAILURES::get);
        m.put("last_fit_seconds", () -> lastFitSeconds);
        m.put("last_cost", () -> lastCost);
        m.put("last_checkpoint_seconds", () -> lastCheckpointSeconds);
        return m;
    }
}
