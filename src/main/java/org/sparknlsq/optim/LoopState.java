package org.sparknlsq.optim;

import java.util.ArrayList;
import java.util.List;
import org.sparknlsq.kernel.Accumulator;
import org.sparknlsq.kernel.NormalEquationsSource;
import org.sparknlsq.problem.FitProblem;
import org.sparknlsq.robust.NumericalException;
import org.sparknlsq.robust.NumericalException.DetectionPoint;

/**
 * The state one trust-region run shares with its strategy: the current (always the best) point
 * and its sums, the counters, the history and the termination. Only accepted steps with a lower
 * cost replace the current point, so "current" and "best" are the same point.
 */
final class LoopState {
    final FitProblem problem;
    final NormalEquationsSource source;
    final FitOptions options;
    final FitMonitor monitor;
    final int p;
    final int maxEvaluations;
    final List<IterationRecord> history = new ArrayList<>();

    double[] x;
    Accumulator acc;
    double cost;
    double initialCost;
    double[] g;
    double[] normal;
    int evaluations;
    int iterations;
    Termination termination;
    /** NORMAL while well conditioned, QR from the first badly conditioned point on. */
    Accumulator.Kind kind = Accumulator.Kind.NORMAL;

    /** Scaled condition number of J above which iterations use the QR accumulator. */
    static final double QR_SWITCH_CONDITION = 1e6;

    /** Relative cost change below which a predicted reduction is rounding noise. */
    static final double NOISE_RTOL = 16 * Math.ulp(1.0);

    LoopState(FitProblem problem, NormalEquationsSource source, FitOptions options, FitMonitor monitor) {
        this.problem = problem;
        this.source = source;
        this.options = options;
        this.monitor = monitor;
        this.p = problem.parameterCount();
        this.maxEvaluations = options.evaluationLimit(p);
    }

    /** Evaluates the start point; a non-finite start is an error, not a recoverable event. */
    void start(double[] x0) {
        Accumulator a = evaluate(x0);
        if (!valid(a)) {
            throw new NumericalException(
                    a.invalidCount() > 0
                            ? "the model is not finite at the start parameters for "
                                    + a.invalidCount() + " point(s), first at data row "
                                    + a.firstInvalidIndex()
                            : "the cost is not finite at the start parameters",
                    DetectionPoint.LOSS,
                    new long[] {a.firstInvalidIndex()},
                    new double[] {a.cost()});
        }
        moveTo(x0, a);
        initialCost = cost;
    }

    Accumulator evaluate(double[] xs) {
        evaluations++;
        return source.evaluate(xs, kind);
    }

    /**
     * The subproblem at the current point. While the column-scaled Jacobian's condition number is
     * below {@link #QR_SWITCH_CONDITION} the normal equations are accurate enough; above it their
     * eigenvalues drown in rounding (the normal matrix squares the condition), so the current
     * point is re-evaluated with the TSQR accumulator and every later evaluation uses it too. The
     * threshold is the one measured on the NIST problems, where normal equations matched TSQR up
     * to a condition of about 2.5e6.
     */
    Subproblem subproblem(double[] d, double[] aug) {
        Subproblem sub = Subproblem.of(acc, d, aug);
        if (kind == Accumulator.Kind.NORMAL && sub.conditionSquared() > QR_SWITCH_CONDITION * QR_SWITCH_CONDITION) {
            kind = Accumulator.Kind.QR;
            Accumulator a = evaluate(x);
            if (valid(a)) {
                moveTo(x, a);
                sub = Subproblem.of(acc, d, aug);
            }
        }
        return sub;
    }

    static boolean valid(Accumulator a) {
        return a.invalidCount() == 0 && Double.isFinite(a.cost()) && a.count() > 0;
    }

    /** Makes {@code xs} the current point, validating the reduced sums (gradient check point). */
    void moveTo(double[] xs, Accumulator a) {
        double[] gNew = a.gradient();
        double[] nNew = a.normalMatrix();
        NumericalException.requireFinite(gNew, DetectionPoint.GRADIENT, "the gradient JᵀWr");
        NumericalException.requireFinite(nNew, DetectionPoint.GRADIENT, "the normal matrix JᵀWJ");
        NumericalException.requireFinite(xs, DetectionPoint.PARAMETER, "the parameters");
        x = xs;
        acc = a;
        cost = a.cost();
        g = gNew;
        normal = nNew;
    }

    /** Column norms of the weighted Jacobian, √diag(JᵀWJ); zero columns count as 1. */
    double[] columnNorms() {
        double[] c = new double[p];
        for (int j = 0; j < p; j++) {
            double v = Math.sqrt(normal[j * p + j]);
            c[j] = v > 0 ? v : 1.0;
        }
        return c;
    }

    /**
     * True when even the full Gauss–Newton step is predicted to lower the cost by no more than
     * its rounding noise ({@link #NOISE_RTOL}·cost). Trial steps could then only be rejected one
     * after another while the radius collapses, each costing a pass over the data; the polish
     * takes over instead. A bounded step can only gain less, so the test holds with bounds too.
     */
    boolean atRoundingFloor(Subproblem sub) {
        double gain = sub.gaussNewtonGain();
        if (gain <= NOISE_RTOL * cost) {
            termination = Termination.PRECISION_LIMIT;
            return true;
        }
        return false;
    }

    boolean evaluationsLeft() {
        return evaluations < maxEvaluations;
    }

    /** Records an iteration and asks the monitor whether to go on. */
    boolean record(double gNorm, double stepNorm, double radius, boolean accepted) {
        IterationRecord r = new IterationRecord(iterations, evaluations, cost, gNorm, stepNorm, radius, accepted);
        history.add(r);
        if (!monitor.onIteration(r)) {
            termination = Termination.USER_ABORT;
            return false;
        }
        return true;
    }
}
