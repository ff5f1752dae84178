package org.sparknlsq.optim.streaming;

import java.util.Map;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.LinearSolverFactory_DDRM;
import org.ejml.interfaces.linsol.LinearSolverDense;
import org.sparknlsq.robust.ConvergenceException;

/**
 * The information form of one epoch of the incremental Gauss–Newton method (the extended Kalman
 * filter of Bertsekas 1996, "Incremental least squares methods and the extended Kalman filter"):
 * the accumulated information H, and the damped step that batch b's gradient gives.
 *
 * <p>An epoch starts from a prior {@code H₀ = ν·H_full}, the information of the last full pass
 * scaled to one average batch (ν = 1/batchCount), centred at the current point. Each batch then
 * adds {@code H ← λ·H + J_bᵀWJ_b} and steps {@code δ = −(H + μ·D²)⁻¹ g_b}, with g_b = J_bᵀWr_b at
 * the current point and D² = diag(H_full). Because the current point minimizes the linearized
 * terms of the batches before it, their gradient there is zero and only g_b drives the step; the
 * earlier batches enter through H alone (recursive least squares).
 *
 * <p>Why the prior and the full-pass diagonal: on data sorted by x the first batches of an epoch
 * see a slice of the curve and leave directions unconstrained; the prior bounds the step there.
 * Damping relative to diag(H_full) rather than to the accumulated diagonal keeps the epoch's sum
 * of steps, as μ grows, a scaled full-gradient step: early batches are not favoured over late
 * ones, so a large enough μ always lowers the full cost (the epoch-level Levenberg–Marquardt
 * argument).
 *
 * <p>Bounds: a step that leaves the box fixes the coordinates it leaves by at the bound they
 * cross and re-solves for the rest on that face (an active-set step on the quadratic model, as in
 * projected Newton methods, Bertsekas 1982); the result is moved strictly inside the box as the
 * TRF solver does, so the exact phase starts from the same point.
 *
 * <p>Not thread-safe; one instance per fit.
 */
final class InformationFilter {
    /** Cholesky failures raise the damping tenfold at most this many times. */
    private static final int MAX_DAMPING_RAISES = 40;

    private final int p;
    private final double[] info;
    private final double[] epochSum;
    private final double[] scale2;

    InformationFilter(int p) {
        this.p = p;
        this.info = new double[p * p];
        this.epochSum = new double[p * p];
        this.scale2 = new double[p];
    }

    /**
     * Starts an epoch.
     *
     * @param full JᵀWJ of the last full pass, row-major p×p (Not modified)
     * @param priorWeight ν, the weight of {@code full} in the prior
     */
    void startEpoch(double[] full, double priorWeight) {
        for (int i = 0; i < p * p; i++) {
            info[i] = priorWeight * full[i];
            epochSum[i] = 0.0;
        }
        for (int j = 0; j < p; j++) {
            double d = full[j * p + j];
            // a parameter the model does not depend on gets unit scale, as in LoopState.columnNorms
            scale2[j] = d > 0 ? d : 1.0;
        }
    }

    /** {@code H ← λ·H + batchNormal} (Not modified), and adds it to the epoch's undecayed sum. */
    void add(double[] batchNormal, double lambda) {
        for (int i = 0; i < p * p; i++) {
            info[i] = lambda * info[i] + batchNormal[i];
            epochSum[i] += batchNormal[i];
        }
    }

    /** Σ J_bᵀWJ_b over the batches of this epoch: the full information along the epoch's path. */
    double[] epochInformation() {
        return epochSum.clone();
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
     * The damped step from {@code x} for gradient {@code g}, kept inside [lower, upper].
     *
     * @return the step δ (x + δ is strictly inside the box where the box is finite)
     */
    double[] step(double[] x, double[] g, double mu, double[] lower, double[] upper) {
        boolean[] fixed = new boolean[p];
        double[] delta = new double[p];
        // each round fixes at least one more coordinate, so at most p + 1 rounds
        for (int round = 0; round <= p; round++) {
            solveFree(g, mu, fixed, delta);
            boolean changed = false;
            for (int i = 0; i < p; i++) {
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
        for (int i = 0; i < p; i++) {
            delta[i] = strictlyInside(x[i] + delta[i], lower[i], upper[i]) - x[i];
        }
        return delta;
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
     * Solves {@code (H + τ·D²)_FF δ_F = −g_F − H_FA δ_A} for the free coordinates F, with the
     * fixed ones A held at their {@code delta} values (Modified: the free entries of delta). The
     * system is Jacobi-scaled before the Cholesky factorization; if that fails, τ is raised
     * tenfold until it succeeds (the remedy the project's NIST measurements found sufficient).
     */
    private void solveFree(double[] g, double mu, boolean[] fixed, double[] delta) {
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
                    r -= info[i * p + j] * delta[j];
                }
            }
            rhs[a] = r;
        }
        double tau = mu;
        for (int attempt = 0; attempt <= MAX_DAMPING_RAISES; attempt++) {
            double[] s = new double[n];
            DMatrixRMaj m = new DMatrixRMaj(n, n);
            for (int a = 0; a < n; a++) {
                int i = free[a];
                s[a] = 1.0 / Math.sqrt(info[i * p + i] + tau * scale2[i]);
            }
            for (int a = 0; a < n; a++) {
                int i = free[a];
                for (int b = 0; b < n; b++) {
                    int j = free[b];
                    double v = info[i * p + j] + (a == b ? tau * scale2[i] : 0.0);
                    m.data[a * n + b] = s[a] * v * s[b];
                }
            }
            DMatrixRMaj rs = new DMatrixRMaj(n, 1);
            for (int a = 0; a < n; a++) {
                rs.data[a] = s[a] * rhs[a];
            }
            LinearSolverDense<DMatrixRMaj> chol = LinearSolverFactory_DDRM.chol(n);
            if (chol.setA(m)) {
                DMatrixRMaj z = new DMatrixRMaj(n, 1);
                chol.solve(rs, z);
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
