package org.sparknlsq.optim;

import java.util.List;
import java.util.Locale;
import org.sparknlsq.kernel.Accumulator;
import org.sparknlsq.kernel.BlockKernel;
import org.sparknlsq.kernel.DataBlock;
import org.sparknlsq.kernel.LocalSource;
import org.sparknlsq.kernel.NormalEquationsSource;
import org.sparknlsq.kernel.PartitionedSource;
import org.sparknlsq.kernel.SourceCancelledException;
import org.sparknlsq.linalg.Covariance;
import org.sparknlsq.problem.FitProblem;
import org.sparknlsq.robust.FaultReport;

/**
 * The entry point: runs the chosen trust-region method against a {@link NormalEquationsSource},
 * polishes the solution, and computes the covariance. Stateless; safe to share.
 */
public final class CurveFitter {
    private CurveFitter() {}

    /** Fits in-memory data with the local source (all cores, fixed-order reduction). */
    public static FitResult fit(FitProblem problem, DataBlock data, FitOptions options) {
        BlockKernel kernel = new BlockKernel(problem.model(), problem.loss(), problem.fScale());
        return fit(problem, new LocalSource(kernel, data), options, FitMonitor.NONE, "STANDARD");
    }

    /**
     * Fits the data behind {@code source}.
     *
     * @param strategy the name reported in the result (STANDARD, LARGE, ...)
     */
    public static FitResult fit(
            FitProblem problem, NormalEquationsSource source, FitOptions options, FitMonitor monitor, String strategy) {
        return fit(problem, source, options, monitor, strategy, Snapshot.Sink.NONE);
    }

    /**
     * As {@link #fit(FitProblem, NormalEquationsSource, FitOptions, FitMonitor, String)}, sending
     * a {@link Snapshot} to {@code checkpoints} after every iteration and resuming from {@code
     * checkpoints.resume()} when it gives one of the same method (a resumed fit takes the same steps
     * as the interrupted one, to the bit, and its history starts at the resumed iteration).
     */
    public static FitResult fit(
            FitProblem problem,
            NormalEquationsSource source,
            FitOptions options,
            FitMonitor monitor,
            String strategy,
            Snapshot.Sink checkpoints) {
        long t0 = System.nanoTime();
        options.requireValid();
        int p = problem.parameterCount();
        if (source.parameterCount() != p) {
            throw new IllegalArgumentException(
                    "the data source was built for " + source.parameterCount() + " parameters, the problem has " + p);
        }
        if (options.xScale() != null && options.xScale().length != p) {
            throw new IllegalArgumentException("xScale has " + options.xScale().length + " values, expected " + p);
        }
        if (options.method() == Method.LM && problem.bounded()) {
            throw new IllegalArgumentException(
                    "method lm does not support bounds; use method trf (the default) for bounded problems");
        }
        if (source.pointCount() < p) {
            throw new IllegalArgumentException("fewer points (" + source.pointCount() + ") than parameters (" + p
                    + "): the fit is underdetermined");
        }
        FaultTolerantSource ft = source instanceof FaultTolerantSource given
                ? given
                : options.faultTolerance().enabled() && source instanceof PartitionedSource ps
                        ? new FaultTolerantSource(ps, options.faultTolerance())
                        : null;
        LoopState s = new LoopState(problem, ft != null ? ft : source, options, monitor);
        s.checkpointing(checkpoints);
        int polished = 0;
        Covariance.Result covariance = null;
        long rows = 0;
        try {
            double[] from = problem.start();
            double initialCost = Double.NaN;
            while (true) {
                s.termination = null;
                if (options.method() == Method.LM) {
                    LmSolver.run(s, from);
                } else {
                    TrfSolver.run(s, from);
                }
                initialCost = Double.isNaN(initialCost) ? s.initialCost : initialCost;
                polished += s.termination.converged() ? Polish.run(s) : 0;
                if (s.termination == Termination.USER_ABORT) {
                    break; // a cancelled fit keeps its best point and has no covariance
                }
                rows = s.acc.count();
                covariance = atSolution(s);
                if (covariance != null) {
                    break;
                }
                int exclusions = ft == null ? 0 : ft.exclusionCount();
                Accumulator qr = s.source.evaluate(s.x, Accumulator.Kind.QR);
                rows = qr.count();
                covariance = Covariance.fromR(qr.rFactor(), s.p, rows);
                if (ft == null || ft.exclusionCount() == exclusions) {
                    break;
                }
                // a partition failed for good in the covariance pass: the objective changed, so
                // the fit goes on from here without it (at most once per partition)
                from = s.x.clone();
            }
            s.initialCost = initialCost;
        } catch (SourceCancelledException e) {
            if (s.x == null) {
                throw e;
            }
            // the best point stands; the interrupted pass gave nothing, so no covariance
            s.termination = Termination.USER_ABORT;
            covariance = null;
        }
        return summarize(
                s,
                covariance,
                covariance != null ? rows : s.acc.count(),
                polished,
                strategy,
                t0,
                ft == null ? null : ft.report());
    }

    /**
     * The covariance from the loop's own accumulator at the solution, when no pass is needed: its
     * R factor once the loop iterates with the QR accumulator (a QR pass at the same point would
     * give the same bits), or its normal matrix when the scaled condition number is at most {@link
     * Covariance#NORMAL_CONDITION_LIMIT}. Null when a QR pass must compute it.
     */
    private static Covariance.Result atSolution(LoopState s) {
        if (s.acc.kind() == Accumulator.Kind.QR) {
            return Covariance.fromR(s.acc.rFactor(), s.p, s.acc.count());
        }
        if (s.acc.kind() != Accumulator.Kind.NORMAL) {
            return null;
        }
        Covariance.Result c = Covariance.fromNormal(s.acc.normalMatrix(), s.p, s.acc.count());
        return c.scaledCondition() <= Covariance.NORMAL_CONDITION_LIMIT ? c : null;
    }

    /**
     * @param covariance at the solution, or null when the fit was cancelled before it
     * @param n the points behind it
     */
    private static FitResult summarize(
            LoopState s,
            Covariance.Result covariance,
            long n,
            int polished,
            String strategy,
            long t0,
            FaultReport faults) {
        int p = s.p;
        Covariance.Result c = covariance != null ? covariance : Covariance.undefined(p);
        double seconds = (System.nanoTime() - t0) / 1e9;
        double chi2 = 2 * s.cost;
        long dof = n - p;
        double reduced = dof > 0 ? chi2 / dof : Double.NaN;
        double factor = s.problem.absoluteSigma() ? 1.0 : dof > 0 ? reduced : Double.POSITIVE_INFINITY;
        double[][] cov = new double[p][p];
        double[] unc = new double[p];
        double[][] corr = new double[p][p];
        for (int i = 0; i < p; i++) {
            for (int j = 0; j < p; j++) {
                cov[i][j] = c.pinv()[i * p + j] * factor;
            }
        }
        for (int i = 0; i < p; i++) {
            unc[i] = Math.sqrt(cov[i][i]);
        }
        for (int i = 0; i < p; i++) {
            for (int j = 0; j < p; j++) {
                corr[i][j] = cov[i][j] / (unc[i] * unc[j]);
            }
        }
        return new FitResult(
                List.copyOf(s.problem.model().parameterNames()),
                s.x.clone(),
                unc,
                cov,
                corr,
                chi2,
                reduced,
                s.initialCost,
                s.cost,
                n,
                s.source.pointCount() - n,
                s.iterations,
                s.evaluations,
                s.source.dataPasses(),
                polished,
                c.scaledCondition(),
                s.termination,
                message(s.termination, faults),
                s.options.method(),
                strategy,
                seconds,
                List.copyOf(s.history),
                faults);
    }

    /**
     * The termination's message, preceded by the success-rate shortfall when there is one, so
     * that a fit which converged on too little of its data says why it is not a success.
     */
    static String message(Termination t, FaultReport faults) {
        if (faults == null || faults.successRateMet()) {
            return message(t);
        }
        return String.format(
                        Locale.ROOT,
                        "only %.1f%% of batches succeeded (minimum %.1f%%): %d of %d partitions excluded, %.1f%% of"
                                + " the points; ",
                        100 * faults.batchSuccessRate(),
                        100 * faults.minSuccessRate(),
                        faults.excludedPartitions().size(),
                        faults.partitions(),
                        100 * faults.excludedFraction())
                + (t.converged() ? "on the remaining data, " : "")
                + message(t);
    }

    static String message(Termination t) {
        return switch (t) {
            case GTOL -> "the gradient tolerance gtol is satisfied";
            case FTOL -> "the relative cost reduction is below ftol";
            case XTOL -> "the relative step is below xtol";
            case FTOL_XTOL -> "both ftol and xtol are satisfied";
            case PRECISION_LIMIT -> "the optimum is reached to the limit of double precision";
            case MAX_ITERATIONS -> "the maximum number of iterations was reached";
            case MAX_EVALUATIONS -> "the maximum number of evaluations was reached";
            case USER_ABORT -> "the fit was cancelled";
            case FAILURE -> "no finite trial point could be found near the current parameters";
        };
    }
}
