package org.sparknlsq.optim;

import java.util.Map;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;
import org.sparknlsq.kernel.Accumulator;
import org.sparknlsq.linalg.SymmetricEigen;
import org.sparknlsq.robust.ConvergenceException;

/**
 * The local quadratic model in scaled ("hat") variables {@code x = x₀ + D·h}:
 * {@code q(h) = ½·hᵀMh + ghᵀh} with {@code M = D·JᵀWJ·D + diag(aug)} and {@code gh = D·JᵀWr}.
 * Its eigen-decomposition plays the role of the SVD of the scaled Jacobian (λ = s²,
 * {@code Vᵀgh = s·Uᵀf}), so the trust-region step is Moré's (1983) Newton iteration on the secular
 * equation, as in scipy's {@code solve_lsq_trust_region}.
 */
final class Subproblem {
    /** Normal-matrix eigenvalues at or below this fraction of the largest, times p, count as zero. */
    private static final double RANK_RTOL = 10 * Math.ulp(1.0);

    private final int n;
    private final double[] m;
    private final double[] gh;
    private final double[] vectors;
    private final double[] lambda;
    private final double[] suf;
    private final boolean fullRank;

    /** Result of a trust-region solve: the step in hat space and the Levenberg parameter. */
    record Step(double[] h, double alpha) {}

    /**
     * Builds the subproblem from the sums at the current point: from the normal matrix by a
     * symmetric eigen-decomposition, or, for a QR accumulator, from an SVD of the scaled R
     * (stacked on √aug), which never squares the condition number.
     *
     * @param d the column scale D (Not modified)
     * @param aug diagonal added to M, or null
     */
    static Subproblem of(Accumulator acc, double[] d, double[] aug) {
        return acc.kind() == Accumulator.Kind.QR
                ? fromR(acc.rFactor(), acc.gradient(), d, aug)
                : fromNormal(acc.normalMatrix(), acc.gradient(), d, aug);
    }

    /** From JᵀWJ (row-major p×p) and JᵀWr; both Not modified. */
    static Subproblem fromNormal(double[] normal, double[] g, double[] d, double[] aug) {
        int n = g.length;
        double[] m = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                m[i * n + j] = d[i] * normal[i * n + j] * d[j];
            }
            if (aug != null) {
                m[i * n + i] += aug[i];
            }
        }
        SymmetricEigen eig = SymmetricEigen.of(m, n);
        if (eig == null) {
            throw new ConvergenceException(
                    "eigen-decomposition of the scaled normal matrix did not converge", Map.of("parameters", n));
        }
        // eigenvalues of M carry absolute errors of about ε·λmax, so smaller ones are noise
        return new Subproblem(m, scaled(g, d), eig.vectors(), eig.values().clone(), RANK_RTOL * n);
    }

    /** From the p×p upper-triangular R (row-major) of the weighted Jacobian and JᵀWr. */
    static Subproblem fromR(double[] r, double[] g, double[] d, double[] aug) {
        int n = g.length;
        int rows = aug == null ? n : 2 * n;
        DMatrixRMaj a = new DMatrixRMaj(rows, n);
        for (int i = 0; i < n; i++) {
            for (int j = i; j < n; j++) {
                a.set(i, j, r[i * n + j] * d[j]);
            }
            if (aug != null) {
                a.set(n + i, i, Math.sqrt(aug[i]));
            }
        }
        double[] m = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double sum = 0;
                for (int k = 0; k < rows; k++) {
                    sum += a.get(k, i) * a.get(k, j);
                }
                m[i * n + j] = sum;
            }
        }
        SingularValueDecomposition_F64<DMatrixRMaj> svd = DecompositionFactory_DDRM.svd(rows, n, false, true, true);
        if (!svd.decompose(a)) {
            throw new ConvergenceException("SVD of the scaled R factor did not converge", Map.of("parameters", n));
        }
        double[] sv = svd.getSingularValues();
        DMatrixRMaj v = svd.getV(null, false);
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (x, y) -> Double.compare(sv[y], sv[x]));
        double[] lambda = new double[n];
        double[] vectors = new double[n * n];
        for (int c = 0; c < n; c++) {
            lambda[c] = sv[order[c]] * sv[order[c]];
            for (int k = 0; k < n; k++) {
                vectors[k * n + c] = v.get(k, order[c]);
            }
        }
        // singular values are accurate to ε·smax, so the threshold is on s, as in scipy: s > ε·n·smax
        double rtol = Math.ulp(1.0) * n;
        return new Subproblem(m, scaled(g, d), vectors, lambda, rtol * rtol);
    }

    private static double[] scaled(double[] g, double[] d) {
        double[] gh = new double[g.length];
        for (int i = 0; i < g.length; i++) {
            gh[i] = d[i] * g[i];
        }
        return gh;
    }

    private Subproblem(double[] m, double[] gh, double[] vectors, double[] lambda, double rankRtol) {
        this.n = gh.length;
        this.m = m;
        this.gh = gh;
        this.vectors = vectors;
        this.lambda = lambda;
        suf = new double[n];
        project(vectors, n, gh, suf, true);
        double threshold = rankRtol * Math.max(lambda[0], 0.0);
        boolean full = lambda[0] > 0;
        for (int i = 0; i < n; i++) {
            if (!(lambda[i] > threshold)) {
                lambda[i] = 0.0;
                suf[i] = 0.0;
                full = false;
            }
        }
        fullRank = full;
    }

    /** out = Vᵀx when transposed, else V·x (out Modified). */
    private static void project(double[] v, int n, double[] x, double[] out, boolean transposed) {
        for (int a = 0; a < n; a++) {
            double sum = 0;
            for (int b = 0; b < n; b++) {
                sum += (transposed ? v[b * n + a] : v[a * n + b]) * x[b];
            }
            out[a] = sum;
        }
    }

    /** λmax/λmin of M (infinite when rank deficient): the squared scaled condition number. */
    double conditionSquared() {
        return lambda[n - 1] > 0 ? lambda[0] / lambda[n - 1] : Double.POSITIVE_INFINITY;
    }

    boolean fullRank() {
        return fullRank;
    }

    /** Scaled gradient D·JᵀWr. Not a copy. */
    double[] scaledGradient() {
        return gh;
    }

    /**
     * The reduction −q(h) the quadratic model predicts for the Gauss–Newton step, ½·Σ (Vᵀgh)ᵢ²/λᵢ,
     * summed in the eigenbasis: forming hᵀMh instead would carry an error of ε·λmax·‖h‖², which
     * swamps the value when h lies along a small eigenvalue.
     */
    double gaussNewtonGain() {
        double sum = 0;
        for (int i = 0; i < n; i++) {
            if (lambda[i] > 0) {
                sum += suf[i] * suf[i] / lambda[i];
            }
        }
        return 0.5 * sum;
    }

    /** The Gauss–Newton step in hat space, minimum-norm when M is rank deficient. */
    double[] gaussNewton() {
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            y[i] = lambda[i] > 0 ? -suf[i] / lambda[i] : 0.0;
        }
        double[] h = new double[n];
        project(vectors, n, y, h, false);
        return h;
    }

    private double[] stepFor(double alpha) {
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            double den = lambda[i] + alpha;
            y[i] = den > 0 ? -suf[i] / den : 0.0;
        }
        double[] h = new double[n];
        project(vectors, n, y, h, false);
        return h;
    }

    /** ‖(M+αI)⁻¹gh‖ − Δ and its derivative in α (Moré 1983, eq. 3.3). */
    private double[] phi(double alpha, double delta) {
        double norm2 = 0;
        double deriv = 0;
        for (int i = 0; i < n; i++) {
            double den = lambda[i] + alpha;
            if (den > 0 && suf[i] != 0) {
                double t = suf[i] / den;
                norm2 += t * t;
                deriv += t * t / den;
            }
        }
        double pn = Math.sqrt(norm2);
        return new double[] {pn - delta, pn > 0 ? -deriv / pn : 0.0};
    }

    /**
     * Solves min q(h) subject to ‖h‖ ≤ Δ to 1% of Δ (scipy {@code solve_lsq_trust_region}).
     *
     * @param initialAlpha a previous Levenberg parameter to warm-start from, or a negative number
     * @param toBoundary rescale the damped step onto ‖h‖ = Δ exactly (scipy trf does)
     */
    Step solveTrustRegion(double delta, double initialAlpha, boolean toBoundary) {
        if (fullRank) {
            double[] h = gaussNewton();
            if (norm(h) <= delta) {
                return new Step(h, 0.0);
            }
        }
        double sufNorm = norm(suf);
        if (sufNorm == 0) {
            return new Step(new double[n], 0.0);
        }
        double upper = sufNorm / delta;
        double lower = 0.0;
        if (fullRank) {
            double[] f = phi(0.0, delta);
            lower = -f[0] / f[1];
        }
        double alpha = initialAlpha < 0 || (!fullRank && initialAlpha == 0)
                ? Math.max(0.001 * upper, Math.sqrt(lower * upper))
                : initialAlpha;
        for (int it = 0; it < 10; it++) {
            if (alpha < lower || alpha > upper) {
                alpha = Math.max(0.001 * upper, Math.sqrt(lower * upper));
            }
            double[] f = phi(alpha, delta);
            if (f[0] < 0) {
                upper = alpha;
            }
            double ratio = f[0] / f[1];
            lower = Math.max(lower, alpha - ratio);
            alpha -= (f[0] + delta) * ratio / delta;
            if (Math.abs(f[0]) < 0.01 * delta) {
                break;
            }
        }
        // The last Newton update can overshoot below zero; a Levenberg parameter is never negative
        // (MINPACK lmpar keeps par >= 0), and LM's predicted reduction takes its square root.
        alpha = Math.max(alpha, 0.0);
        double[] h = stepFor(alpha);
        if (toBoundary) {
            double hn = norm(h);
            if (hn > 0) {
                for (int i = 0; i < n; i++) {
                    h[i] *= delta / hn;
                }
            }
        }
        return new Step(h, alpha);
    }

    /** aᵀ·M·b. */
    double form(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            double r = 0;
            for (int j = 0; j < n; j++) {
                r += m[i * n + j] * b[j];
            }
            s += a[i] * r;
        }
        return s;
    }

    /** q(h) = ½hᵀMh + ghᵀh (scipy {@code evaluate_quadratic}). */
    double quadratic(double[] h) {
        return 0.5 * form(h, h) + dot(gh, h);
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    static double norm(double[] a) {
        double scale = 0;
        for (double v : a) {
            scale = Math.max(scale, Math.abs(v));
        }
        if (scale == 0 || !Double.isFinite(scale)) {
            return scale;
        }
        double s = 0;
        for (double v : a) {
            double t = v / scale;
            s += t * t;
        }
        return scale * Math.sqrt(s);
    }
}
