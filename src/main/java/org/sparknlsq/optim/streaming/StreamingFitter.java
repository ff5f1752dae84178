package org.sparknlsq.optim.streaming;

import org.sparknlsq.optim.CurveFitter;
import org.sparknlsq.optim.FitMonitor;
import org.sparknlsq.optim.FitOptions;
import org.sparknlsq.optim.FitResult;
import org.sparknlsq.optim.Method;
import org.sparknlsq.optim.Termination;
import org.sparknlsq.problem.FitProblem;

/**
 * The STREAMING strategy: for data too large for a full pass per trust-region iteration, the
 * parameters move after every batch, and an exact fit on the full objective finishes the job.
 * Stateless; safe to share.
 *
 * <p><b>Streaming phase</b> (incremental Gauss–Newton in information form; Bertsekas 1996,
 * "Incremental least squares methods and the extended Kalman filter", SIAM J. Optim. 6(3)):
 *
 * <ol>
 *   <li>One full pass at the start gives the start cost and the information {@code H_full =
 *       JᵀWJ}.
 *   <li>An epoch visits the batches in their fixed order. It starts from the prior {@code H =
 *       H_full / B} (B batches: one average batch's worth of the last full information, centred
 *       at the current point). After batch b, evaluated at the current point x, {@code H ← λ·H +
 *       J_bᵀWJ_b} and {@code x ← x − (H + μ·diag(H_full))⁻¹ J_bᵀWr_b}, kept inside the bounds by
 *       an active-set step. The earlier batches enter only through H: x minimizes their
 *       linearized terms, so their gradient at x is zero (recursive least squares). With λ = 1
 *       and a model linear in its parameters an epoch ends at the least-squares solution up to
 *       the prior and damping terms.
 *   <li>At the epoch's end the full cost judges the end point. A lower full cost makes it the
 *       best point and divides μ by 10; otherwise the iterate returns to the best point and μ is
 *       multiplied by 10, which, because μ scales diag(H_full), turns the next epoch towards a
 *       short scaled full-gradient step (the Levenberg–Marquardt argument at the level of
 *       epochs). The information gathered along an accepted epoch becomes the next H_full.
 *   <li>A batch whose sums are not finite at the current point rejects the step that led there
 *       and abandons the epoch, back at the best point with μ raised.
 *   <li>The phase ends when an epoch changes the full cost by less than {@code costTolerance}
 *       relative, after {@code maxEpochs}, or when the monitor cancels.
 * </ol>
 *
 * <p>Why the information restarts each epoch rather than accumulating over epochs (Bertsekas' EKF
 * with λ = 1 over many cycles): accumulated over k epochs, H grows k-fold and the steps shrink
 * like 1/k, and the linearizations of the first, far-off epoch keep pulling the iterate; on the
 * test problems that left the parameters 1e-3 off after 10 epochs where the restarted form
 * reached 1e-7 in 3–5. The best point is judged on the full objective only, never on one batch.
 *
 * <p><b>Exact phase</b>: {@link CurveFitter#fit} on the full objective from the best streaming
 * point, with the caller's {@link FitOptions}. Every pass streams over the source, so memory does
 * not grow with the data; the polish and the QR covariance are those of the exact strategies, and
 * so is the optimum: STREAMING ends where STANDARD, LARGE and CHUNKED end.
 *
 * <p><b>Monitor</b>: after every batch step the monitor gets an {@link
 * org.sparknlsq.optim.IterationRecord} whose cost is the batch's cost (not the full cost),
 * gradientNorm the column-scaled batch gradient ‖D⁻¹g_b‖∞, stepNorm ‖D·δ‖₂ and radius the damping
 * μ; during the exact phase it gets that phase's records, numbered from 1 again. Returning false
 * during the streaming phase ends the fit with {@link Termination#USER_ABORT} at the best point
 * judged so far, summarized (covariance included) with one normal-equations and one QR pass, as
 * a cancelled exact fit is.
 */
public final class StreamingFitter {
    /** The strategy name reported in the result. */
    public static final String STRATEGY = "STREAMING";

    private StreamingFitter() {}

    /**
     * Fits the data behind {@code source}.
     *
     * @param exactOptions options of the exact phase (method, tolerances, polish)
     * @param options options of the streaming phase
     * @throws IllegalArgumentException for invalid options or a source that does not fit the
     *     problem, before any data pass
     * @throws org.sparknlsq.robust.NumericalException if the model is not finite at the start
     */
    public static StreamingResult fit(
            FitProblem problem,
            BatchedSource source,
            FitOptions exactOptions,
            StreamingOptions options,
            FitMonitor monitor) {
        long t0 = System.nanoTime();
        options.requireValid();
        exactOptions.requireValid();
        int p = problem.parameterCount();
        if (source.parameterCount() != p) {
            throw new IllegalArgumentException(
                    "the data source was built for " + source.parameterCount() + " parameters, the problem has " + p);
        }
        if (exactOptions.method() == Method.LM && problem.bounded()) {
            throw new IllegalArgumentException(
                    "method lm does not support bounds; use method trf (the default) for bounded problems");
        }
        if (source.pointCount() < p) {
            throw new IllegalArgumentException("fewer points (" + source.pointCount() + ") than parameters (" + p
                    + "): the fit is underdetermined");
        }
        StreamingPhase phase = new StreamingPhase(problem, source, options, monitor);
        phase.run();
        boolean aborted = phase.stop() == StreamingResult.Stop.USER_ABORT;
        FitProblem fromBest = problem.withStart(phase.best());
        long before = source.dataPasses();
        FitResult exact = aborted
                // one evaluation and no polish: the summary at the best point, which stays put
                ? CurveFitter.fit(
                        fromBest,
                        source,
                        exactOptions.withMaxEvaluations(1).withPolishPasses(0),
                        FitMonitor.NONE,
                        STRATEGY)
                : CurveFitter.fit(fromBest, source, exactOptions, monitor, STRATEGY);
        long exactPasses = source.dataPasses() - before;
        double seconds = (System.nanoTime() - t0) / 1e9;
        FitResult whole = aborted
                ? wholeFit(
                        exact,
                        phase.startCost(),
                        seconds,
                        Termination.USER_ABORT,
                        "the fit was cancelled in streaming epoch " + phase.epochs()
                                + "; the parameters are the best point judged on the full objective")
                : wholeFit(exact, phase.startCost(), seconds, exact.termination(), exact.message());
        return new StreamingResult(
                whole,
                phase.stop(),
                phase.epochs(),
                phase.batches(),
                phase.stepsTaken(),
                phase.stepsRejected(),
                phase.epochsRejected(),
                phase.history(),
                phase.startCost(),
                phase.bestCost(),
                phase.passes(),
                exactPasses);
    }

    /** The exact phase's result, restated for the whole fit. */
    private static FitResult wholeFit(
            FitResult r, double initialCost, double seconds, Termination termination, String message) {
        return new FitResult(
                r.parameterNames(),
                r.parameters(),
                r.uncertainties(),
                r.covariance(),
                r.correlation(),
                r.chiSquared(),
                r.reducedChiSquared(),
                initialCost,
                r.cost(),
                r.points(),
                r.invalidPoints(),
                r.iterations(),
                r.evaluations(),
                r.dataPasses(),
                r.polishPassesAccepted(),
                r.scaledCondition(),
                termination,
                message,
                r.method(),
                r.strategy(),
                seconds,
                r.history());
    }
}
