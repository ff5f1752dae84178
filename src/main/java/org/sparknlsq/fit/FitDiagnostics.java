package org.sparknlsq.fit;

import java.util.List;
import java.util.Map;
import org.sparknlsq.checkpoint.CheckpointInfo;

/**
 * How a fit ran: where, how the data were held, what it cost, and what went wrong on the way.
 *
 * @param strategyReason why the strategy was chosen, in words
 * @param master the Spark master, or null for a fit on this JVM without Spark
 * @param partitions partitions the data were cut into (1 without Spark)
 * @param sparkJobs Spark jobs run for the passes (0 for STANDARD)
 * @param epochs STREAMING epochs run, else 0
 * @param readSeconds wall time to read, order and cache the data
 * @param fitSeconds wall time of the fit, the covariance pass included
 * @param droppedRecords records skipped by the bad-record policy
 * @param firstDropped where the first dropped record was (file and line), or null
 * @param infrastructure Spark's own failure events during the fit (executor losses, task
 *     failures, ...), empty without Spark
 * @param checkpoints what the checkpoints did, or null without checkpoints
 * @param validation the side-by-side check against STANDARD, or null when not asked for
 */
public record FitDiagnostics(
        String strategyReason,
        String master,
        int partitions,
        long sparkJobs,
        int epochs,
        double readSeconds,
        double fitSeconds,
        long droppedRecords,
        String firstDropped,
        Map<String, Long> infrastructure,
        CheckpointInfo checkpoints,
        Validation validation) {

    public FitDiagnostics {
        infrastructure = Map.copyOf(infrastructure);
    }

    /**
     * The same points fitted with STANDARD on the driver.
     *
     * @param maxRelativeDifference max over the parameters of |p − p_standard| / |p_standard|
     *     (absolute where p_standard is 0)
     * @param parameterNames the parameters, in model order
     * @param parameters the STANDARD fit's parameters
     */
    public record Validation(double maxRelativeDifference, List<String> parameterNames, double[] parameters) {}
}
