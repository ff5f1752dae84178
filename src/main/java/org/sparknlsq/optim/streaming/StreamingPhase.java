package org.sparknlsq.optim.streaming;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.sparknlsq.kernel.Accumulator;
import org.sparknlsq.kernel.SourceCancelledException;
import org.sparknlsq.optim.FaultTolerantSource;
import org.sparknlsq.optim.FitMonitor;
import org.sparknlsq.optim.IterationRecord;
import org.sparknlsq.optim.Snapshot;
import org.sparknlsq.problem.FitProblem;
import org.sparknlsq.robust.NumericalException;
import org.sparknlsq.robust.NumericalException.DetectionPoint;

/**
 * The epochs of one STREAMING fit: steps from the accumulated information, each epoch judged on
 * the full objective, and the best point kept. The algorithm is described on {@link
 * StreamingFitter}; this class holds its state and counters. One instance per fit.
 */
final class StreamingPhase {
    /** Below machine epsilon relative to the diagonal the damping vanishes in the sum anyway. */
    static final double MIN_DAMPING = Math.ulp(1.0);

    private final FitProblem problem;
    private final BatchedSource source;
    /** The failed-partition ledger, or null without fault tolerance. */
    private final FaultTolerantSource ft;

    private final Snapshot.Sink sink;

    /** The phase name of this class's snapshots. */
    static final String PHASE = "streaming";

    private final StreamingOptions options;
    private final FitMonitor monitor;
    private final int p;
    private final double[] lower;
    private final double[] upper;
    private final InformationFilter filter;
    private final List<EpochRecord> history = new ArrayList<>();

    /** The current iterate; a fresh array after every step, never aliased with {@link #best}. */
    private double[] x;

    private double[] best;
    private double bestCost;
    private long bestCount;
    private double startCost;
    /** JᵀWJ and JᵀWr of the full data at the best point. */
    private double[] full;

    private double[] fullGradient;
    private double mu;
    /** Nielsen's factor ν: doubles with every consecutive rejected epoch. */
    private double muGrowth = 2.0;

    private int epochs;
    private int evaluations;
    private long batches;
    private long stepsTaken;
    private long stepsRejected;
    private int epochsRejected;
    private double passes;
    private StreamingResult.Stop stop;
    private boolean sourceCancelled;

    /**
     * @param ft the ledger over {@code source} when fault tolerance is on, else null
     * @param sink gets a snapshot after every epoch that does not end the phase; its resume
     *     snapshot, if it is one of this phase, is where the phase goes on from
     */
    StreamingPhase(
            FitProblem problem,
            BatchedSource source,
            FaultTolerantSource ft,
            StreamingOptions options,
            FitMonitor monitor,
            Snapshot.Sink sink) {
        this.problem = problem;
        this.source = source;
        this.ft = ft;
        this.sink = sink;
        this.options = options;
        this.monitor = monitor;
        this.p = problem.parameterCount();
        this.lower = new double[p];
        this.upper = new double[p];
        for (int i = 0; i < p; i++) {
            lower[i] = problem.lower(i);
            upper[i] = problem.upper(i);
        }
        this.filter = new InformationFilter(p);
    }

    /**
     * Runs the epochs; afterwards the getters describe them. A source cancelled during the start
     * pass throws {@link SourceCancelledException} (there is no point to return yet); cancelled
     * later, it ends the phase with USER_ABORT.
     */
    void run() {
        Snapshot resume = sink.resume();
        if (resume != null && resume.phase().equals(PHASE)) {
            restore(resume);
        } else if (start()) {
            stop = StreamingResult.Stop.COST_TOLERANCE;
            return;
        }
        double priorWeight = 1.0 / source.batchCount();
        try {
            for (int e = epochs + 1; e <= options.maxEpochs(); e++) {
                epochs = e;
                Boolean converged = epoch(e, priorWeight);
                if (converged == null) {
                    stop = StreamingResult.Stop.USER_ABORT;
                    return;
                }
                if (converged) {
                    stop = StreamingResult.Stop.COST_TOLERANCE;
                    return;
                }
                snapshot();
            }
            stop = StreamingResult.Stop.MAX_EPOCHS;
        } catch (SourceCancelledException e) {
            // as in CurveFitter: the interrupted pass gave nothing, and the best point stands
            sourceCancelled = true;
            stop = StreamingResult.Stop.USER_ABORT;
        }
    }

    /**
     * The state at the end of epoch {@link #epochs}, where {@code x} is the best point: enough
     * for {@link #restore} to run the next epoch exactly as this run would (the information
     * filter restarts from {@code full} every epoch).
     */
    private void snapshot() {
        if (sink == Snapshot.Sink.NONE) {
            return;
        }
        TreeMap<String, Object> st = new TreeMap<>();
        st.put("full", full.clone());
        st.put("full_gradient", fullGradient.clone());
        st.put("damping", mu);
        st.put("damping_growth", muGrowth);
        st.put("start_cost", startCost);
        st.put("best_count", bestCount);
        st.put("evaluations", (long) evaluations);
        st.put("batches", batches);
        st.put("steps_taken", stepsTaken);
        st.put("steps_rejected", stepsRejected);
        st.put("epochs_rejected", (long) epochsRejected);
        st.put("passes", passes);
        if (ft != null) {
            ft.exportTo(st);
        }
        sink.onSnapshot(new Snapshot(
                PHASE,
                x,
                best,
                bestCost,
                epochs,
                epochs,
                st,
                ft == null ? new long[0] : ft.failedIndices(),
                ft == null ? new TreeMap<>() : ft.retryCounts(),
                ft == null ? new TreeMap<>() : ft.errorTypeCounts(),
                ft == null ? new long[0] : ft.excludedPartitions()));
    }

    private void restore(Snapshot r) {
        x = r.x();
        best = r.best();
        bestCost = r.bestCost();
        epochs = r.epoch();
        full = r.doubles("full");
        fullGradient = r.doubles("full_gradient");
        mu = r.number("damping");
        muGrowth = r.number("damping_growth");
        startCost = r.number("start_cost");
        bestCount = r.integer("best_count");
        evaluations = (int) r.integer("evaluations");
        batches = r.integer("batches");
        stepsTaken = r.integer("steps_taken");
        stepsRejected = r.integer("steps_rejected");
        epochsRejected = (int) r.integer("epochs_rejected");
        passes = r.number("passes");
        if (ft != null) {
            ft.restore(r);
        }
    }

    /**
     * One full pass at the start: its cost is the baseline of the best-point rule, and its sums
     * give the first epoch's opening step, prior and damping scale. A start that is not finite is
     * an error, as in the exact strategies.
     *
     * @return true if the start is already converged (see {@link #nothingLeftToGain})
     */
    private boolean start() {
        double[] x0 = new double[p];
        for (int i = 0; i < p; i++) {
            x0[i] = InformationFilter.strictlyInside(problem.start()[i], lower[i], upper[i]);
        }
        // with fault tolerance, partitions failing at the start are retried, then excluded
        Accumulator a =
                ft != null ? ft.evaluate(x0, Accumulator.Kind.NORMAL) : source.evaluate(x0, Accumulator.Kind.NORMAL);
        evaluations++;
        passes += 1.0;
        if (a.invalidCount() > 0 || !Double.isFinite(a.cost()) || a.count() == 0) {
            throw NumericalException.atStart(a.invalidCount(), a.firstInvalidIndex(), a.cost());
        }
        full = a.normalMatrix();
        fullGradient = a.gradient();
        NumericalException.requireFinite(full, DetectionPoint.GRADIENT, "the normal matrix JᵀWJ at the start");
        NumericalException.requireFinite(fullGradient, DetectionPoint.GRADIENT, "the gradient JᵀWr at the start");
        x = x0;
        best = x0.clone();
        startCost = a.cost();
        bestCost = startCost;
        bestCount = a.count();
        mu = options.initialDamping();
        return nothingLeftToGain();
    }

    /**
     * True when the bounded Gauss–Newton step of the full data from the best point predicts a
     * relative cost reduction below {@code costTolerance}: another epoch could only change the
     * cost by less than the tolerance, so the exact phase takes over without spending one to
     * find out.
     */
    private boolean nothingLeftToGain() {
        double gain = InformationFilter.gaussNewtonGain(full, fullGradient, best, lower, upper);
        return !(gain >= options.costTolerance() * bestCost);
    }

    /**
     * One epoch: the full-data step from the best point, a step after every batch, then the
     * judgement on the full objective. The judging pass accumulates the normal equations, not just
     * the cost: the same pass then gives the next epoch's opening step, prior and convergence test.
     *
     * @return whether the streaming phase has converged, or null if the monitor cancelled the fit
     */
    private Boolean epoch(int e, double priorWeight) {
        double epochDamping = mu;
        filter.startEpoch(full, priorWeight);
        int steps = 0;
        double[] opening = filter.fullStep(x, fullGradient, mu, lower, upper);
        x = plus(x, opening);
        stepsTaken++;
        steps++;
        if (!record(bestCost, filter.scaledGradientNorm(fullGradient), filter.scaledNorm(opening), true)) {
            return null;
        }
        for (int b = 0; b < source.batchCount(); b++) {
            Accumulator acc = ft != null
                    ? ft.evaluateBatchTrial(b, x, Accumulator.Kind.NORMAL)
                    : source.evaluateBatch(b, x, Accumulator.Kind.NORMAL);
            batches++;
            evaluations++;
            passes += (double) source.batchPointCount(b) / source.pointCount();
            if (ft != null && ft.lastTrialFailed()) {
                // a failed partition: this batch gives no step in this epoch; the epoch goes on
                continue;
            }
            double[] normal = acc.normalMatrix();
            double[] g = acc.gradient();
            if (!finite(acc, normal, g)) {
                // the step that led here is undone, and with it the epoch: back to the best point
                stepsRejected++;
                reject();
                history.add(new EpochRecord(e, Double.NaN, Double.NaN, false, epochDamping, steps));
                return record(acc.cost(), 0.0, 0.0, false) ? Boolean.FALSE : null;
            }
            if (acc.count() == 0) {
                continue;
            }
            filter.add(normal, options.forgettingFactor());
            double[] delta = filter.batchStep(x, g, mu, lower, upper);
            x = plus(x, delta);
            stepsTaken++;
            steps++;
            if (!record(acc.cost(), filter.scaledGradientNorm(g), filter.scaledNorm(delta), true)) {
                return null;
            }
        }
        // the judgement is a trial: a failed partition rejects the epoch, it never shrinks the objective
        Accumulator c =
                ft != null ? ft.evaluateTrial(x, Accumulator.Kind.NORMAL) : source.evaluate(x, Accumulator.Kind.NORMAL);
        evaluations++;
        passes += 1.0;
        double[] cNormal = c.normalMatrix();
        double[] cGradient = c.gradient();
        double cost = finite(c, cNormal, cGradient) && c.count() > 0 ? c.cost() : Double.NaN;
        double rel = relativeChange(bestCost, cost);
        boolean accepted = cost < bestCost;
        if (accepted) {
            accept(cost);
            best = x.clone();
            bestCost = cost;
            bestCount = c.count();
            full = cNormal;
            fullGradient = cGradient;
        } else {
            reject();
        }
        history.add(new EpochRecord(e, cost, rel, accepted, epochDamping, steps));
        return Math.abs(rel) < options.costTolerance() || (accepted && nothingLeftToGain());
    }

    /**
     * Damping after an epoch that lowered the full cost to {@code cost}, by the gain ratio ρ of the
     * epoch's displacement, measured against the quadratic model of the full data at the epoch's
     * start: {@code μ ← μ·max(1/3, 1 − (2ρ − 1)³)} (Nielsen 1999; Madsen, Nielsen &amp; Tingleff
     * 2004, "Methods for non-linear least squares problems", §3.2). A plain ÷10/×10 rule made the
     * damping alternate between a value that fails and one that succeeds on x-sorted data.
     */
    private void accept(double cost) {
        double[] displacement = new double[p];
        for (int i = 0; i < p; i++) {
            displacement[i] = x[i] - best[i];
        }
        double predicted = InformationFilter.predictedReduction(full, fullGradient, displacement);
        double rho = predicted > 0 ? (bestCost - cost) / predicted : 1.0;
        double t = 2 * rho - 1;
        mu = Math.max(mu * Math.max(1.0 / 3, 1 - t * t * t), MIN_DAMPING);
        muGrowth = 2.0;
    }

    /** Back to the best point after a failed epoch; μ ← μ·ν, ν ← 2ν (Nielsen 1999). */
    private void reject() {
        x = best.clone();
        mu *= muGrowth;
        muGrowth *= 2;
        epochsRejected++;
    }

    private static double[] plus(double[] a, double[] b) {
        double[] r = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            r[i] = a[i] + b[i];
        }
        return r;
    }

    private static boolean finite(Accumulator acc, double[] normal, double[] g) {
        if (acc.invalidCount() > 0 || !Double.isFinite(acc.cost())) {
            return false;
        }
        for (double v : normal) {
            if (!Double.isFinite(v)) {
                return false;
            }
        }
        for (double v : g) {
            if (!Double.isFinite(v)) {
                return false;
            }
        }
        return true;
    }

    /** (F* − F)/F*; for F* = 0 it is 0 when F = 0 too, else −∞; NaN for a non-finite F. */
    static double relativeChange(double bestCost, double cost) {
        if (bestCost == 0) {
            return cost == 0 ? 0.0 : cost > 0 ? Double.NEGATIVE_INFINITY : Double.NaN;
        }
        return (bestCost - cost) / bestCost;
    }

    /**
     * Reports a step to the monitor: iteration = steps taken so far, evaluations = full and batch
     * evaluations so far, cost = the cost of the batch just evaluated (for an epoch's opening step,
     * the full cost at the best point), gradientNorm = ‖D⁻¹g‖∞ of that gradient, stepNorm =
     * ‖D·δ‖₂, radius = the damping μ.
     */
    private boolean record(double cost, double gNorm, double stepNorm, boolean accepted) {
        IterationRecord r = new IterationRecord((int) stepsTaken, evaluations, cost, gNorm, stepNorm, mu, accepted);
        return monitor.onIteration(r);
    }

    double[] best() {
        return best.clone();
    }

    double startCost() {
        return startCost;
    }

    double bestCost() {
        return bestCost;
    }

    /** Valid points in the last full evaluation at the best point. */
    long bestCount() {
        return bestCount;
    }

    StreamingResult.Stop stop() {
        return stop;
    }

    /** Whether the phase ended because the source cancelled a pass (no further pass is possible). */
    boolean sourceCancelled() {
        return sourceCancelled;
    }

    int epochs() {
        return epochs;
    }

    long batches() {
        return batches;
    }

    long stepsTaken() {
        return stepsTaken;
    }

    long stepsRejected() {
        return stepsRejected;
    }

    int epochsRejected() {
        return epochsRejected;
    }

    List<EpochRecord> history() {
        return history;
    }

    double passes() {
        return passes;
    }
}
