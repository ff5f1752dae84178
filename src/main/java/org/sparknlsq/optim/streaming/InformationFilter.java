package org.sparknlsq.optim.streaming;

import java.util.Map;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.LinearSolverFactory_DDRM;
import org.ejml.interfaces.linsol.LinearSolverDense;
import org.sparknlsq.robust.ConvergenceException;

/**
 * The information form of one epoch of the incremental Gauss–Newton method (the extended Kalman
 * filter of Bertsekas 1996, "Incremental least squares methods and the extended Kalman filter"):
 * the accumulated information H, and the damped, bounded steps taken from it.
 *
 * <p>An epoch starts at the best point with the full sums N = JᵀWJ and g = JᵀWr of the pass that
 * judged it. Its first step is the damped Gauss–Newton step of the full data, {@code −(N +
 * μ·D²)⁻¹g} with D² = diag(N). From there the prior is {@code H₀ = ν·N}, one average batch's
 * worth of the full information (ν = 1/batchCount), centred at the current point. Each batch b
 * then adds {@code H ← λ·H + J_bᵀWJ_b} and steps {@code δ = −(H + μ·D²)⁻¹ g_b}, with g_b =
 * J_bᵀWr_b at the current point. Because the current point minimizes the linearized terms of the
 * batches before it, their gradient there is zero and only g_b drives the step; the earlier
 * batches enter through H alone (recursive least squares).
 *
 * <p>Why the prior and the full diagonal: on data sorted by x the first batches of an epoch see a
 * slice of the curve and leave directions unconstrained; the prior bounds the step there. Damping
 * relative to diag(N) rather than to the accumulated diagonal keeps the epoch's sum of steps, as μ
 * grows, a scaled full-gradient step: early batches are not favoured over late ones, so a large
 * enough μ always lowers the full cost (the Levenberg–Marquardt argument, at the level of epochs).
 * Measured on the test problems, a prior of ν = 1/4 or 1 cost more passes than 1/B, and damping
 * relative to the accumulated diagonal let large μ favour the early batches and stall.
 *
 * <p>Bounds: a step that leaves the box fixes the coordinates it leaves by at the bound they
 * cross and re-solves for the rest on that face (an active-set step on the quadratic model, in
 * the spirit of Bertsekas' 1982 projected Newton methods); the result is moved strictly inside the
 * box as the TRF solver moves its start, so the exact phase starts from the same point.
 *
 * <p>Not thread-safe; one instance per fit.
 */
final class InformationFilter {
    /** Cholesky failures raise the damping tenfold at most this many times. */
    private static final int MAX_DAMPING_RAISES = 40;

    private final int p;
    private final double[] info;
    private final double[] scale2;
    private double[] full;

    InformationFilter(int p) {
        this.p = p;
        this.info = new double[p * p];
        this.scale2 = new double[p];
    }

    /**
     * Starts an epoch.
     *
     * @param normal the full JᵀWJ at the epoch's start, row-major p×p (Not modified; kept until
     *     the next epoch)
     * @param priorWeight ν, the weight of {@code normal} in the prior
     */
    void startEpoch(double[] normal, double priorWeight) {
        full = normal;
        for (int i = 0; i < p * p; i++) {
            info[i] = priorWeight * normal[i];
        }
        diagonalScale(normal, scale2);
    }

    /** The epoch's first step: the damped Gauss–Newton step of the full data, {@code g} its gradient. */
    double[] fullStep(double[] x, double[] g, double mu, double[] lower, double[] upper) {
        return boundedStep(full, scale2, x, g, mu, lower, upper);
    }

    /** {@code H ← λ·H + batchNormal} (Not modified). */
    void add(double[] batchNormal, double lambda) {
        for (int i = 0; i < p * p; i++) {
            info[i] = lambda * info[i] + batchNormal[i];
        }
    }

    /** The batch step from {@code x} for the batch gradient {@code g}, kept inside [lower, upper]. */
    double[] batchStep(double[] x, double[] g, double mu, double[] lower, double[] upper) {
        return boundedStep(info, scale2, x, g, mu, lower, upper);
    }

    /** ‖D⁻¹g‖∞, the largest column-scaled gradient component. */
    double scaledGradientNorm(double[] g) {
        double m = 0;
        for (int i = 0; i < p; i++) {
            m = Math.max(m, Math.abs(g[i]) / Math.sqrt(scale2[i]));
        }
        return m;
    }

    /** ‖D·δ‖₂, the length of a step in column-scaled variables. */
    double scaledNorm(double[] delta) {
        double s = 0;
        for (int i = 0; i < p; i++) {
            s += scale2[i] * delta[i] * delta[i];
        }
        return Math.sqrt(s);
    }

    /**
     * The reduction {@code −(gᵀδ + ½δᵀNδ)} that the quadratic model of the full data at x
     * predicts for its undamped, bounded Gauss–Newton step δ: how much a full iteration could still
     * gain there.
     *
     * @param normal the full JᵀWJ at x, row-major p×p (Not modified)
     * @param g the full gradient JᵀWr at x (Not modified)
     */
    static double gaussNewtonGain(double[] normal, double[] g, double[] x, double[] lower, double[] upper) {
        double[] scale = new double[g.length];
        diagonalScale(normal, scale);
        return predictedReduction(normal, g, boundedStep(normal, scale, x, g, 0.0, lower, upper));
    }

    /** {@code −(gᵀδ + ½δᵀNδ)}, the reduction the quadratic model (N, g) predicts for step δ. */
    static double predictedReduction(double[] normal, double[] g, double[] delta) {
        int n = g.length;
        double r = 0;
        for (int i = 0; i < n; i++) {
            double nd = 0;
            for (int j = 0; j < n; j++) {
                nd += normal[i * n + j] * delta[j];
            }
            r -= g[i] * delta[i] + 0.5 * delta[i] * nd;
        }
        return r;
    }

    /** diag(N), with a parameter the model does not depend on given unit scale (as LoopState does). */
    private static void diagonalScale(double[] normal, double[] scale2) {
        int n = scale2.length;
        for (int j = 0; j < n; j++) {
            double d = normal[j * n + j];
            scale2[j] = d > 0 ? d : 1.0;
        }
    }

    /** scipy {@code make_strictly_feasible} with rstep = 0, as the TRF solver's start. */
    static double strictlyInside(double v, double lo, double hi) {
        double r = v;
        if (r <= lo) {
            r = Math.nextAfter(lo, hi);
        } else if (r >= hi) {
            r = Math.nextAfter(hi, lo);
        }
        if (r < lo || r > hi) {
            r = 0.5 * (lo + hi);
        }
        return r;
    }

    /**
     * Solves {@code (M + μ·diag(scale2)) δ = −g} with the coordinates that would leave the box
     * fixed at the bound they cross (each round fixes at least one more, so at most p + 1
     * rounds), then moves x + δ strictly inside the box.
     */
    private static double[] boundedStep(
            double[] matrix, double[] scale2, double[] x, double[] g, double mu, double[] lower, double[] upper) {
        int n = g.length;
        boolean[] fixed = new boolean[n];
        double[] delta = new double[n];
        for (int round = 0; round <= n; round++) {
            solveFree(matrix, scale2, g, mu, fixed, delta);
            boolean changed = false;
            for (int i = 0; i < n; i++) {
                if (fixed[i]) {
                    continue;
                }
                double t = x[i] + delta[i];
                if (t < lower[i]) {
                    fixed[i] = true;
                    delta[i] = lower[i] - x[i];
                    changed = true;
                } else if (t > upper[i]) {
                    fixed[i] = true;
                    delta[i] = upper[i] - x[i];
                    changed = true;
                }
            }
            if (!changed) {
                break;
            }
        }
        for (int i = 0; i < n; i++) {
            delta[i] = strictlyInside(x[i] + delta[i], lower[i], upper[i]) - x[i];
        }
        return delta;
    }

    /**
     * Solves {@code (M + τ·D²)_FF δ_F = −g_F − M_FA δ_A} for the free coordinates F, with the
     * fixed ones A held at their {@code delta} values (Modified: the free entries of delta). The
     * system is Jacobi-scaled before the Cholesky factorization; if that fails, τ is raised
     * tenfold until it succeeds (the remedy the project's NIST measurements found sufficient).
     */
    private static void solveFree(
            double[] matrix, double[] scale2, double[] g, double mu, boolean[] fixed, double[] delta) {
        int p = g.length;
        int[] free = new int[p];
        int n = 0;
        for (int i = 0; i < p; i++) {
            if (!fixed[i]) {
                free[n++] = i;
            }
        }
        if (n == 0) {
            return;
        }
        double[] rhs = new double[n];
        for (int a = 0; a < n; a++) {
            int i = free[a];
            double r = -g[i];
            for (int j = 0; j < p; j++) {
                if (fixed[j]) {
                    r -= matrix[i * p + j] * delta[j];
                }
            }
            rhs[a] = r;
        }
        double tau = mu;
        for (int attempt = 0; attempt <= MAX_DAMPING_RAISES; attempt++) {
            double[] s = new double[n];
            for (int a = 0; a < n; a++) {
                int i = free[a];
                s[a] = 1.0 / Math.sqrt(matrix[i * p + i] + tau * scale2[i]);
            }
            DMatrixRMaj m = new DMatrixRMaj(n, n);
            DMatrixRMaj b = new DMatrixRMaj(n, 1);
            for (int a = 0; a < n; a++) {
                int i = free[a];
                for (int c = 0; c < n; c++) {
                    int j = free[c];
                    double v = matrix[i * p + j] + (a == c ? tau * scale2[i] : 0.0);
                    m.data[a * n + c] = s[a] * v * s[c];
                }
                b.data[a] = s[a] * rhs[a];
            }
            LinearSolverDense<DMatrixRMaj> chol = LinearSolverFactory_DDRM.chol(n);
            if (chol.setA(m)) {
                DMatrixRMaj z = new DMatrixRMaj(n, 1);
                chol.solve(b, z);
                boolean finite = true;
                for (int a = 0; a < n; a++) {
                    finite &= Double.isFinite(z.data[a]);
                }
                if (finite) {
                    for (int a = 0; a < n; a++) {
                        delta[free[a]] = s[a] * z.data[a];
                    }
                    return;
                }
            }
            tau = Math.max(10 * tau, Math.ulp(1.0));
        }
        throw new ConvergenceException(
                "the damped information matrix could not be factored even with damping " + tau,
                Map.of("parameters", p, "free", n));
    }
}
