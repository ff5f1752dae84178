package org.sparknlsq.optim.streaming;

import java.util.List;
import java.util.Locale;
import org.sparknlsq.optim.FitResult;

/**
 * The result of a STREAMING fit: the final {@link FitResult} of the exact phase, plus what the
 * streaming phase did.
 *
 * <p>Conventions a caller may rely on:
 *
 * <ul>
 *   <li>{@code fit} is the exact phase's result with two fields describing the whole fit:
 *       {@code initialCost} is the full cost at the problem's start parameters, and {@code
 *       fitSeconds} the wall time of both phases. Its {@code dataPasses} is the source's counter
 *       (full-data equivalents of both phases, rounded up as {@link BatchedSource} specifies),
 *       its {@code history} holds the exact phase's iterations, and its strategy is STREAMING.
 *   <li>{@code fit.parameters()} is never worse, on the full objective, than the best epoch-end
 *       point or the start, beyond the rounding noise {@link FitResult} allows its polish.
 *   <li>{@code streamingPasses} counts full-data equivalents exactly: the start pass, each batch
 *       evaluation as its share of the points, and each epoch-end judgement. {@code exactPasses}
 *       counts the exact phase's passes (its evaluations, polish and covariance pass). The
 *       judging pass of an epoch accumulates the normal equations, so it counts as a full pass
 *       like any other.
 * </ul>
 *
 * @param fit the final result (after the exact phase, or the summary at the best point if the
 *     fit was cancelled during the streaming phase)
 * @param stop why the streaming phase ended
 * @param epochs epochs started (an epoch cancelled midway counts)
 * @param batchesProcessed batch evaluations
 * @param stepsTaken steps applied: each epoch's opening full-data step and its batch steps
 * @param stepsRejected steps undone because the next batch was not finite at the point they led to
 * @param epochsRejected epochs whose end point did not lower the best full cost, or that were
 *     abandoned after a rejected step; each sent the iterate back to the best point
 * @param epochHistory one record per finished epoch
 * @param startCost full cost at the (strictly feasible) start
 * @param bestEpochCost lowest full cost at an accepted epoch end, or the start cost if none was
 *     accepted
 * @param streamingPasses full-data-equivalent passes of the streaming phase
 * @param exactPasses passes of the exact phase
 */
public record StreamingResult(
        FitResult fit,
        Stop stop,
        int epochs,
        long batchesProcessed,
        long stepsTaken,
        long stepsRejected,
        int epochsRejected,
        List<EpochRecord> epochHistory,
        double startCost,
        double bestEpochCost,
        double streamingPasses,
        long exactPasses) {

    /** Why the streaming phase ended. */
    public enum Stop {
        /**
         * An epoch changed the full cost by less than {@code costTolerance} relative, or the full
         * Gauss–Newton step from the best point predicted less than that.
         */
        COST_TOLERANCE,
        /** {@code maxEpochs} epochs ran. */
        MAX_EPOCHS,
        /** The monitor cancelled the fit, or the source cancelled a pass; no exact phase ran. */
        USER_ABORT
    }

    public StreamingResult {
        epochHistory = List.copyOf(epochHistory);
    }

    /** Full-data-equivalent passes of both phases. */
    public double totalPasses() {
        return streamingPasses + exactPasses;
    }

    /** The exact phase's report, preceded by one line on the streaming phase. */
    public String briefReport() {
        return String.format(
                        Locale.ROOT,
                        "streaming: %s after %d epoch(s), %d batches, %d steps (%d rejected), %d epoch(s) rejected,"
                                + " cost %.6e -> %.6e, passes %.2f streaming + %d exact%n",
                        stop,
                        epochs,
                        batchesProcessed,
                        stepsTaken,
                        stepsRejected,
                        epochsRejected,
                        startCost,
                        bestEpochCost,
                        streamingPasses,
                        exactPasses)
                + fit.briefReport();
    }
}
