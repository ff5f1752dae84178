package org.sparknlsq.optim.streaming;

import java.util.Arrays;
import java.util.List;
import org.sparknlsq.kernel.PartitionedSource;
import org.sparknlsq.kernel.SourceCancelledException;
import org.sparknlsq.optim.CurveFitter;
import org.sparknlsq.optim.FaultTolerantSource;
import org.sparknlsq.optim.FitMonitor;
import org.sparknlsq.optim.FitOptions;
import org.sparknlsq.optim.FitResult;
import org.sparknlsq.optim.Method;
import org.sparknlsq.optim.Snapshot;
import org.sparknlsq.optim.Termination;
import org.sparknlsq.problem.FitProblem;

/**
 * The STREAMING strategy: for data too large for a full pass per trust-region iteration, the
 * parameters move after every batch, and an exact fit on the full objective finishes the job.
 * Stateless; safe to share.
 *
 * <p><b>Streaming phase</b>: an incremental Gauss–Newton method in information form (the extended
 * Kalman filter of Bertsekas 1996, "Incremental least squares methods and the extended Kalman
 * filter", SIAM J. Optim. 6(3)), restarted at every epoch from the best point and judged on the
 * full objective:
 *
 * <ol>
 *   <li>One full pass at the start gives the start cost and the full sums N = JᵀWJ, g = JᵀWr.
 *   <li>An epoch opens with the damped Gauss–Newton step of the full data from the best point,
 *       {@code −(N + μ·diag(N))⁻¹g}, computed from the sums of the pass that judged that point (no
 *       extra pass). It then visits the batches in their fixed order, starting from the prior
 *       {@code H = N/B} (B batches: one average batch's worth of the full information, centred at
 *       the current point). After batch b, evaluated at the current point x, {@code H ← λ·H +
 *       J_bᵀWJ_b} and {@code x ← x − (H + μ·diag(N))⁻¹ J_bᵀWr_b}. The earlier batches enter only
 *       through H: x minimizes their linearized terms, so their gradient at x is zero (recursive
 *       least squares). Steps stay inside the bounds by an active-set step on the quadratic model.
 *   <li>At the epoch's end one full pass (normal equations, not only the cost) judges the end
 *       point. A lower full cost makes it the best point; otherwise the iterate returns to the best
 *       point. μ follows Nielsen's rule on the epoch's gain ratio against the full quadratic model
 *       (falls by up to 3 after a good epoch, doubles its growth with every failed one). Because μ
 *       scales diag(N), a large μ turns an epoch into a short scaled full-gradient step, which
 *       lowers the full cost: the Levenberg–Marquardt argument at the level of epochs. The best
 *       point is judged on the full objective only, never on one batch.
 *   <li>A batch whose sums are not finite at the current point rejects the step that led there
 *       and abandons the epoch, back at the best point with μ raised.
 *   <li>The phase ends when an epoch changes the full cost by less than {@code costTolerance}
 *       relative, when the full Gauss–Newton step from the best point predicts less than that
 *       (checked at the start too, so a start at the optimum costs one pass), after {@code
 *       maxEpochs}, or when the monitor cancels.
 * </ol>
 *
 * <p>Why the information restarts each epoch rather than accumulating over epochs (the EKF with λ
 * = 1 over many cycles): accumulated over k epochs, H grows k-fold, the steps shrink like 1/k, and
 * the linearizations of the first, far-off epoch keep pulling the iterate; in a prototype on the
 * test problems that left the parameters 3e-4 to 3e-3 off after 10 epochs, where restarting
 * reached 2e-7 to 3e-5 in 3–5. Why the opening full step: the judging pass has the full sums
 * anyway, and over 96 test fits the step cut the total passes by 12%.
 *
 * <p><b>Exact phase</b>: {@link CurveFitter#fit} on the full objective from the best streaming
 * point, with the caller's {@link FitOptions}. Every pass streams over the source, so memory does
 * not grow with the data; the polish and the QR covariance are those of the exact strategies, and
 * so is the optimum: STREAMING ends where STANDARD, LARGE and CHUNKED end.
 *
 * <p><b>Monitor</b>: after every streaming step the monitor gets an {@link
 * org.sparknlsq.optim.IterationRecord} whose cost is the cost of the batch just evaluated (for an
 * epoch's opening step, the full cost at the best point), gradientNorm the column-scaled gradient
 * ‖D⁻¹g‖∞ of that batch, stepNorm ‖D·δ‖₂ and radius the damping μ; during the exact phase it gets
 * that phase's records, numbered from 1 again. Returning false during the streaming phase ends the
 * fit with {@link Termination#USER_ABORT} at the best point judged so far, summarized (covariance
 * included) with one normal-equations and one QR pass, as a cancelled exact fit is. A source that
 * cancels its pass ({@link SourceCancelledException}) ends the fit the same way, without further
 * passes and with a NaN covariance.
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
        return fit(problem, source, exactOptions, options, monitor, Snapshot.Sink.NONE);
    }

    /**
     * As {@link #fit(FitProblem, BatchedSource, FitOptions, StreamingOptions, FitMonitor)}, with
     * snapshots sent to {@code checkpoints} after every streaming epoch and every iteration of the
     * exact phase, and a resume from whichever phase {@code checkpoints.resume()} belongs to (a
     * resumed exact phase runs the deterministic streaming epochs again first).
     */
    public static StreamingResult fit(
            FitProblem problem,
            BatchedSource source,
            FitOptions exactOptions,
            StreamingOptions options,
            FitMonitor monitor,
            Snapshot.Sink checkpoints) {
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
        // one ledger for both phases, so the report covers the whole fit
        FaultTolerantSource ft = exactOptions.faultTolerance().enabled() && source instanceof PartitionedSource ps
                ? new FaultTolerantSource(ps, exactOptions.faultTolerance())
                : null;
        StreamingPhase phase = new StreamingPhase(problem, source, ft, options, monitor, checkpoints);
        phase.run();
        boolean aborted = phase.stop() == StreamingResult.Stop.USER_ABORT;
        FitProblem fromBest = problem.withStart(phase.best());
        long before = source.dataPasses();
        FitResult exact = null;
        if (!phase.sourceCancelled()) {
            try {
                exact = aborted
                        // TRF stops before its first trial point when one evaluation is allowed,
                        // so this is the summary at the best point, which stays put
                        ? CurveFitter.fit(
                                fromBest,
                                ft != null ? ft : source,
                                exactOptions
                                        .withMethod(Method.TRF)
                                        .withMaxEvaluations(1)
                                        .withPolishPasses(0),
                                FitMonitor.NONE,
                                STRATEGY)
                        : CurveFitter.fit(
                                fromBest, ft != null ? ft : source, exactOptions, monitor, STRATEGY, checkpoints);
            } catch (SourceCancelledException e) {
                // cancelled in the exact phase's first pass: the streaming best point stands
                aborted = true;
            }
        }
        long exactPasses = source.dataPasses() - before;
        double seconds = (System.nanoTime() - t0) / 1e9;
        String cancelled = "the fit was cancelled after " + phase.epochs()
                + " streaming epoch(s) had started; the parameters are the best point judged on the full objective";
        FitResult whole;
        if (exact == null) {
            whole = withoutPasses(problem, source, exactOptions, phase, seconds, cancelled);
            if (ft != null) {
                whole = whole.withFaults(ft.report());
            }
        } else if (aborted) {
            whole = wholeFit(
                    exact, phase.startCost(), seconds, Termination.USER_ABORT, cancelled, exactOptions.method());
        } else {
            whole = wholeFit(exact, phase.startCost(), seconds, exact.termination(), exact.message(), exact.method());
        }
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

    /**
     * The best streaming point when the source can make no further pass: its cost is known from
     * the judging pass, its covariance is not (NaN), as in a cancelled exact fit.
     */
    private static FitResult withoutPasses(
            FitProblem problem,
            BatchedSource source,
            FitOptions exactOptions,
            StreamingPhase phase,
            double seconds,
            String message) {
        int p = problem.parameterCount();
        long n = phase.bestCount();
        double chi2 = 2 * phase.bestCost();
        double[] uncertainties = new double[p];
        Arrays.fill(uncertainties, Double.NaN);
        return new FitResult(
                List.copyOf(problem.model().parameterNames()),
                phase.best(),
                uncertainties,
                nanMatrix(p),
                nanMatrix(p),
                chi2,
                n > p ? chi2 / (n - p) : Double.NaN,
                phase.startCost(),
                phase.bestCost(),
                n,
                source.pointCount() - n,
                0,
                0,
                source.dataPasses(),
                0,
                Double.NaN,
                Termination.USER_ABORT,
                message,
                exactOptions.method(),
                STRATEGY,
                seconds,
                List.of(),
                null);
    }

    private static double[][] nanMatrix(int p) {
        double[][] m = new double[p][p];
        for (double[] row : m) {
            Arrays.fill(row, Double.NaN);
        }
        return m;
    }

    /** The exact phase's result, restated for the whole fit. */
    private static FitResult wholeFit(
            FitResult r, double initialCost, double seconds, Termination termination, String message, Method method) {
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
                method,
                r.strategy(),
                seconds,
                r.history(),
                r.faults());
    }
}
