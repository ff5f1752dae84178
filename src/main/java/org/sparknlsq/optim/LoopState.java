package org.sparknlsq.optim;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.sparknlsq.kernel.Accumulator;
import org.sparknlsq.kernel.NormalEquationsSource;
import org.sparknlsq.kernel.PartitionOutcome;
import org.sparknlsq.problem.FitProblem;
import org.sparknlsq.robust.BatchFailureException;
import org.sparknlsq.robust.NumericalException;
import org.sparknlsq.robust.NumericalException.DetectionPoint;
import org.sparknlsq.robust.RecoveryAction;

/**
 * The state one trust-region run shares with its strategy: the current (always the best) point
 * and its sums, the counters, the history and the termination. Only accepted steps with a lower
 * cost replace the current point, so "current" and "best" are the same point.
 */
final class LoopState {
    final FitProblem problem;
    final NormalEquationsSource source;
    /** The options; recovery actions may relax the tolerances or raise the limits. */
    FitOptions options;

    final FitMonitor monitor;
    final int p;
    int maxEvaluations;
    /** The failed-partition ledger, or null without fault tolerance. */
    final FaultTolerantSource ft;
    /** Trial evaluations in a row in which a partition failed (reset by a clean trial). */
    private int trialRetries;
    /** Perturbations so far: each one draws a new direction. */
    private int perturbations;
    /**
     * Set when a partition was excluded after the current sums were formed: the objective
     * changed, and the solver must rebuild its model at the current point.
     */
    boolean objectiveChanged;

    /** Where snapshots go; {@link Snapshot.Sink#NONE} unless the fit checkpoints. */
    Snapshot.Sink sink = Snapshot.Sink.NONE;

    /** The snapshot to resume from, until a solver has taken it. */
    private Snapshot pendingResume;

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
        this.ft = source instanceof FaultTolerantSource f ? f : null;
    }

    /** Evaluates the start point; a non-finite start is an error, not a recoverable event. */
    void start(double[] x0) {
        Accumulator a;
        try {
            a = evaluateAt(x0);
        } catch (BatchFailureException e) {
            if (!e.allNonFinite()) {
                throw e;
            }
            // every partition is non-finite here: the same error as without fault tolerance
            throw NumericalException.atStart(e.invalidPoints(), e.firstInvalidIndex(), Double.NaN);
        }
        if (!valid(a)) {
            throw NumericalException.atStart(a.invalidCount(), a.firstInvalidIndex(), a.cost());
        }
        moveTo(x0, a);
        initialCost = cost;
    }

    /** Sets where snapshots go and the snapshot to resume from (or null). */
    void checkpointing(Snapshot.Sink s) {
        sink = s;
        pendingResume = s.resume();
    }

    /**
     * The snapshot to resume {@code phase} from, once: null if there is none, or if it belongs
     * to another phase.
     */
    Snapshot takeResume(String phase) {
        Snapshot r = pendingResume;
        if (r == null || !r.phase().equals(phase)) {
            return null;
        }
        pendingResume = null;
        return r;
    }

    /**
     * Restores the loop from {@code r} and re-evaluates its point, which gives the sums the
     * interrupted fit had there (the same partitions in the same order). The re-evaluation is
     * not counted, so the evaluation limit falls where it would have.
     */
    void resumeAt(Snapshot r) {
        iterations = r.iteration();
        evaluations = (int) r.integer("evaluations");
        kind = Accumulator.Kind.valueOf(r.text("accumulator_kind"));
        options = options.withTolerances(r.number("ftol"), r.number("xtol"), r.number("gtol"))
                .withMaxIterations((int) r.integer("max_iterations"));
        maxEvaluations = (int) r.integer("max_evaluations");
        trialRetries = (int) r.integer("trial_retries");
        perturbations = (int) r.integer("perturbations");
        if (ft != null) {
            ft.restore(r);
        }
        double[] x0 = r.x();
        moveTo(x0, source.evaluate(x0, kind));
        initialCost = r.number("initial_cost");
    }

    /**
     * Sends the state at the end of an iteration to the sink: the solver's variables in {@code
     * solver}, the loop's own (counters, kind, limits, recovery state) and the fault-tolerance
     * ledger.
     */
    void snapshot(String phase, Map<String, Object> solver) {
        if (sink == Snapshot.Sink.NONE) {
            return;
        }
        TreeMap<String, Object> st = new TreeMap<>(solver);
        st.put("evaluations", (long) evaluations);
        st.put("accumulator_kind", kind.name());
        st.put("initial_cost", initialCost);
        st.put("ftol", options.ftol());
        st.put("xtol", options.xtol());
        st.put("gtol", options.gtol());
        st.put("max_iterations", (long) options.maxIterations());
        st.put("max_evaluations", (long) maxEvaluations);
        st.put("trial_retries", (long) trialRetries);
        st.put("perturbations", (long) perturbations);
        if (ft != null) {
            ft.exportTo(st);
        }
        sink.onSnapshot(new Snapshot(
                phase,
                x,
                x,
                cost,
                iterations,
                0,
                st,
                ft == null ? new long[0] : ft.failedIndices(),
                ft == null ? new TreeMap<>() : ft.retryCounts(),
                ft == null ? new TreeMap<>() : ft.errorTypeCounts(),
                ft == null ? new long[0] : ft.excludedPartitions()));
    }

    /** Evaluates a trial point; a failed partition makes the result invalid (see {@link #nextRecovery}). */
    Accumulator evaluate(double[] xs) {
        evaluations++;
        if (ft == null) {
            return source.evaluate(xs, kind);
        }
        ft.atIteration(iterations);
        Accumulator a = ft.evaluateTrial(xs, kind);
        if (ft.lastFailures().isEmpty()) {
            trialRetries = 0;
        }
        return a;
    }

    /** Evaluates a point that defines the objective: failing partitions are retried, then excluded. */
    Accumulator evaluateAt(double[] xs) {
        evaluations++;
        if (ft != null) {
            ft.atIteration(iterations);
        }
        return source.evaluate(xs, kind);
    }

    /**
     * After an invalid trial point: the recovery action the solver should apply, or null for the
     * solver's own rule (no partition failed, as without fault tolerance, or the retries are used
     * up). When the retries are used up, the failing partitions are tried at the current point;
     * those that fail there too are excluded, the current point is re-evaluated without them and
     * {@link #objectiveChanged} is set. The action is chosen by the first failing partition's
     * error category and the number of consecutive failed trials. When every active partition
     * failed at the trial point, the step went where the model is not finite for any of the data:
     * that is the step's fault, not a partition's, and the solver's own rule applies (so a fit on
     * one partition follows scipy exactly).
     *
     * @param withActions false for a solver that has no use for the actions (LM: a failed trial
     *     follows MINPACK's radius rule); the retries still count towards the check at the current
     *     point
     */
    RecoveryAction nextRecovery(boolean withActions) {
        if (ft == null || ft.lastFailures().isEmpty() || ft.lastFailures().size() == ft.activeCount()) {
            // every partition failed at once: the step's fault, handled by the solver as scipy does
            return null;
        }
        trialRetries++;
        boolean convergence = ft.lastFailures().get(0).category() == PartitionOutcome.Category.CONVERGENCE;
        if (trialRetries <= ft.config().maxRetriesPerBatch()) {
            if (!withActions) {
                ft.record(
                        "minpack_radius_rule", ft.lastFailures(), "the trust radius shrinks as after any failed step");
                return null;
            }
            RecoveryAction a = RecoveryAction.forRetry(convergence, trialRetries);
            if (a != null) {
                return a;
            }
        }
        trialRetries = 0;
        if (ft.excludeFailingAt(ft.lastFailures(), x, kind)) {
            moveTo(x, evaluateAt(x));
            objectiveChanged = true;
        }
        return null;
    }

    /** Lists an applied recovery action in the diagnostics, against the partitions that failed. */
    void recordRecovery(RecoveryAction a, String detail) {
        ft.record(a.label(), ft.lastFailures(), detail);
    }

    /**
     * The current point moved by up to 5% of each parameter's magnitude (0.05 where it is 0) in
     * a seeded random direction, new on every call, kept strictly inside {@code bounds}.
     */
    double[] perturbed(Bounds bounds) {
        Random r = new Random(ft.config().seed() * 1_000_003L + perturbations++);
        double[] xs = new double[p];
        for (int i = 0; i < p; i++) {
            double m = x[i] != 0 ? Math.abs(x[i]) : 1.0;
            xs[i] = x[i] + 0.05 * m * (2 * r.nextDouble() - 1);
        }
        return bounds.strictlyFeasible(xs);
    }

    /** INCREASE_ITERATIONS: the iteration and evaluation limits grow by half. */
    String increaseLimits() {
        int it = options.maxIterations();
        int ev = maxEvaluations;
        options = options.withMaxIterations((int) Math.min(Integer.MAX_VALUE, (long) Math.ceil(1.5 * it)));
        maxEvaluations = (int) Math.min(Integer.MAX_VALUE, (long) Math.ceil(1.5 * ev));
        return "max iterations " + it + " -> " + options.maxIterations() + ", max evaluations " + ev + " -> "
                + maxEvaluations;
    }

    /** RELAX_TOLERANCE: ftol, xtol and gtol times 10. */
    String relaxTolerances() {
        FitOptions o = options;
        options = o.withTolerances(10 * o.ftol(), 10 * o.xtol(), 10 * o.gtol());
        return String.format(
                Locale.ROOT,
                "ftol %.1e -> %.1e, xtol %.1e -> %.1e, gtol %.1e -> %.1e",
                o.ftol(),
                options.ftol(),
                o.xtol(),
                options.xtol(),
                o.gtol(),
                options.gtol());
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
            Accumulator a = evaluateAt(x);
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
        if (options.faultTolerance().validateNumerics()) {
            NumericalException.requireFinite(gNew, DetectionPoint.GRADIENT, "the gradient JᵀWr");
            NumericalException.requireFinite(nNew, DetectionPoint.GRADIENT, "the normal matrix JᵀWJ");
            NumericalException.requireFinite(xs, DetectionPoint.PARAMETER, "the parameters");
            requireInsideBounds(xs);
            NumericalException.requireFinite(new double[] {a.cost()}, DetectionPoint.LOSS, "the cost");
        }
        x = xs;
        acc = a;
        cost = a.cost();
        g = gNew;
        normal = nNew;
    }

    private void requireInsideBounds(double[] xs) {
        for (int i = 0; i < p; i++) {
            if (xs[i] < problem.lower(i) || xs[i] > problem.upper(i)) {
                throw new NumericalException(
                        "parameter " + problem.model().parameterNames().get(i) + " = " + xs[i]
                                + " is outside its bounds [" + problem.lower(i) + ", " + problem.upper(i) + "]",
                        DetectionPoint.PARAMETER,
                        new long[] {i},
                        new double[] {xs[i]});
            }
        }
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
