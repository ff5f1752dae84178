package org.sparknlsq.optim.streaming;

import java.util.ArrayList;
import java.util.List;
import org.sparknlsq.kernel.Accumulator;
import org.sparknlsq.optim.FitMonitor;
import org.sparknlsq.optim.IterationRecord;
import org.sparknlsq.problem.FitProblem;
import org.sparknlsq.robust.NumericalException;
import org.sparknlsq.robust.NumericalException.DetectionPoint;

/**
 * The epochs of one STREAMING fit: batch steps from the accumulated information, each epoch judged
 * on the full objective, and the best point kept. The algorithm is described on {@link
 * StreamingFitter}; this class holds its state and counters. One instance per fit.
 */
final class StreamingPhase {
    /** Factor by which the damping falls after a good epoch and rises after a bad one. */
    static final double DAMPING_FACTOR = 10.0;

    /** Below machine epsilon relative to the diagonal the damping vanishes in the sum anyway. */
    static final double MIN_DAMPING = Math.ulp(1.0);

    private final FitProblem problem;
    private final BatchedSource source;
    private final StreamingOptions options;
    private final FitMonitor monitor;
    private final int p;
    private final double[] lower;
    private final double[] upper;
    private final InformationFilter filter;
    private final List<EpochRecord> history = new ArrayList<>();

    private double[] x;
    private double[] best;
    private double bestCost;
    private double startCost;
    private double[] full;
    private double mu;
    private int epochs;
    private int evaluations;
    private long batches;
    private long stepsTaken;
    private long stepsRejected;
    private int epochsRejected;
    private double passes;
    private StreamingResult.Stop stop;

    StreamingPhase(FitProblem problem, BatchedSource source, StreamingOptions options, FitMonitor monitor) {
        this.problem = problem;
        this.source = source;
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

    /** Runs the epochs; afterwards the getters describe them. */
    void run() {
        start();
        double priorWeight = 1.0 / source.batchCount();
        for (int e = 1; e <= options.maxEpochs(); e++) {
            epochs = e;
            if (!epoch(e, priorWeight)) {
                stop = StreamingResult.Stop.USER_ABORT;
                return;
            }
            EpochRecord last = history.get(history.size() - 1);
            if (Math.abs(last.relativeChange()) < options.costTolerance()) {
                stop = StreamingResult.Stop.COST_TOLERANCE;
                return;
            }
        }
        stop = StreamingResult.Stop.MAX_EPOCHS;
    }

    /**
     * One full pass at the start: its cost is the baseline of the best-point rule and its
     * information the first epoch's prior and damping scale. A start that is not finite is an
     * error, as in the exact strategies.
     */
    private void start() {
        double[] x0 = new double[p];
        for (int i = 0; i < p; i++) {
            x0[i] = InformationFilter.strictlyInside(problem.start()[i], lower[i], upper[i]);
        }
        Accumulator a = source.evaluate(x0, Accumulator.Kind.NORMAL);
        evaluations++;
        passes += 1.0;
        if (a.invalidCount() > 0 || !Double.isFinite(a.cost()) || a.count() == 0) {
            throw new NumericalException(
                    a.invalidCount() > 0
                            ? "the model is not finite at the start parameters for " + a.invalidCount()
                                    + " point(s), first at data row " + a.firstInvalidIndex()
                            : "the cost is not finite at the start parameters",
                    DetectionPoint.LOSS,
                    new long[] {a.firstInvalidIndex()},
                    new double[] {a.cost()});
        }
        full = a.normalMatrix();
        NumericalException.requireFinite(full, DetectionPoint.GRADIENT, "the normal matrix JᵀWJ at the start");
        x = x0;
        best = x0.clone();
        startCost = a.cost();
        bestCost = startCost;
        mu = options.initialDamping();
    }

    /**
     * One epoch: a step after every batch, then the judgement on the full objective.
     *
     * @return false if the monitor cancelled the fit
     */
    private boolean epoch(int e, double priorWeight) {
        double epochDamping = mu;
        filter.startEpoch(full, priorWeight);
        int steps = 0;
        for (int b = 0; b < source.batchCount(); b++) {
            Accumulator acc = source.evaluateBatch(b, x, Accumulator.Kind.NORMAL);
            batches++;
            evaluations++;
            passes += (double) source.batchPointCount(b) / source.pointCount();
            double[] normal = acc.normalMatrix();
            double[] g = acc.gradient();
            if (!finite(acc, normal, g)) {
                // the step that led here is undone, and with it the epoch: back to the best point
                stepsRejected++;
                x = best.clone();
                mu *= DAMPING_FACTOR;
                epochsRejected++;
                history.add(new EpochRecord(e, Double.NaN, Double.NaN, false, epochDamping, steps));
                return record(acc.cost(), 0.0, 0.0, false);
            }
            if (acc.count() == 0) {
                continue;
            }
            filter.add(normal, options.forgettingFactor());
            double[] delta = filter.step(x, g, mu, lower, upper);
            double[] next = new double[p];
            for (int i = 0; i < p; i++) {
                next[i] = x[i] + delta[i];
            }
            x = next;
            stepsTaken++;
            steps++;
            if (!record(acc.cost(), filter.scaledGradientNorm(g), filter.scaledNorm(delta), true)) {
                return false;
            }
        }
        Accumulator c = source.evaluate(x, Accumulator.Kind.COST);
        evaluations++;
        passes += 1.0;
        double cost = c.invalidCount() == 0 && c.count() > 0 ? c.cost() : Double.NaN;
        double rel = relativeChange(bestCost, cost);
        boolean accepted = cost < bestCost;
        if (accepted) {
            best = x.clone();
            bestCost = cost;
            full = filter.epochInformation();
            mu = Math.max(mu / DAMPING_FACTOR, MIN_DAMPING);
        } else {
            x = best.clone();
            mu *= DAMPING_FACTOR;
            epochsRejected++;
        }
        history.add(new EpochRecord(e, cost, rel, accepted, epochDamping, steps));
        return true;
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
     * Reports a batch step to the monitor. The record's fields, for a streaming step: iteration =
     * steps taken so far, evaluations = full and batch evaluations so far, cost = the cost of the
     * batch just evaluated (not of the full data), gradientNorm = ‖D⁻¹g_b‖∞, stepNorm = ‖D·δ‖₂,
     * radius = the Marquardt damping μ.
     */
    private boolean record(double batchCost, double gNorm, double stepNorm, boolean accepted) {
        IterationRecord r =
                new IterationRecord((int) stepsTaken, evaluations, batchCost, gNorm, stepNorm, mu, accepted);
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

    StreamingResult.Stop stop() {
        return stop;
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
