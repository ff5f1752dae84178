package org.sparknlsq.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Compares a model's analytic Jacobian with central finite differences, like SciPy's {@code
 * scipy.optimize.check_grad}. Use it when writing a {@link CurveModel}: a wrong derivative makes a
 * least-squares solver converge slowly or to the wrong point without any other symptom.
 *
 * <p>Callers may rely on: the model is only evaluated, never modified, and the caller's arrays are
 * not modified; non-finite values are reported in the result rather than thrown; the result does
 * not depend on thread scheduling (the check is sequential and deterministic).
 */
public final class JacobianChecker {

    /**
     * {@code cbrt(eps)}: the step that balances the central difference's O(h^2) truncation error
     * against its O(eps/h) rounding error (Nocedal &amp; Wright, Numerical Optimization, 2nd ed.,
     * §8.1 central difference step).
     */
    private static final double CBRT_EPS = Math.cbrt(Math.ulp(1.0));

    private JacobianChecker() {}

    /**
     * Checks every parameter's derivative at every point.
     *
     * <p>For parameter j the step is {@code h_j = cbrt(eps)*max(|p_j|, 1)} and the difference
     * quotient is {@code (f(p_j + h_j) - f(p_j - h_j)) / ((p_j + h_j) - (p_j - h_j))}, dividing by
     * the span between the two shifted parameters as actually represented rather than by {@code
     * 2 h_j}. See {@link JacobianReport.ParameterCheck} for the error measures.
     *
     * <p>With a correct derivative of a model that varies on a length scale ℓ in p_j comparable to
     * {@code max(|p_j|,1)}, the relative errors are about 1e-9 or below; the truncation part grows
     * like {@code (h_j/ℓ)^2}, so e.g. a unit-scale peak of width 0.02 shows about 1e-7. A wrong
     * derivative typically shows errors of order 1.
     *
     * @param model model to check
     * @param p parameter vector, of length {@code model.parameterCount()}. Not modified.
     * @param xPoints independent variables of the points, row-major {@code n *
     *     model.variableCount()}. Not modified.
     * @param n number of points
     * @return the report
     * @throws IllegalArgumentException if the array sizes do not match the model and n
     */
    public static JacobianReport check(CurveModel model, double[] p, double[] xPoints, int n) {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(p, "p");
        Objects.requireNonNull(xPoints, "xPoints");
        int m = model.parameterCount();
        int k = model.variableCount();
        if (p.length != m) {
            throw new IllegalArgumentException("model has " + m + " parameters, p has length " + p.length);
        }
        if (n < 0 || (long) n * k > xPoints.length) {
            throw new IllegalArgumentException(n + " points of " + k + " variables need " + (long) n * k
                    + " values, xPoints has " + xPoints.length);
        }
        List<String> names = model.parameterNames();
        double[] work = p.clone();
        double[] jac = new double[m];
        double[] up = new double[m];
        double[] down = new double[m];
        double[] scale = new double[m];
        Accumulator[] acc = new Accumulator[m];
        for (int j = 0; j < m; j++) {
            scale[j] = Math.max(Math.abs(p[j]), 1.0);
            double h = CBRT_EPS * scale[j];
            up[j] = p[j] + h;
            down[j] = p[j] - h;
            acc[j] = new Accumulator();
        }
        double[] columnScale = new double[m];
        for (int i = 0; i < n; i++) {
            model.value(work, xPoints, i * k, jac, 0);
            for (int j = 0; j < m; j++) {
                if (Double.isFinite(jac[j])) {
                    columnScale[j] = Math.max(columnScale[j], Math.abs(jac[j]));
                }
            }
        }
        for (int i = 0; i < n; i++) {
            int xOff = i * k;
            double f = model.value(work, xPoints, xOff, jac, 0);
            for (int j = 0; j < m; j++) {
                work[j] = up[j];
                double fUp = model.value(work, xPoints, xOff, null, 0);
                work[j] = down[j];
                double fDown = model.value(work, xPoints, xOff, null, 0);
                work[j] = p[j];
                // The represented span, not 2h: p_j ± h is rounded, a relative error of O(eps*|p_j|/h).
                double fd = (fUp - fDown) / (up[j] - down[j]);
                acc[j].add(i, f, jac[j], fd, scale[j], columnScale[j]);
            }
        }
        List<JacobianReport.ParameterCheck> checks = new ArrayList<>(m);
        for (int j = 0; j < m; j++) {
            Accumulator a = acc[j];
            checks.add(new JacobianReport.ParameterCheck(
                    names.get(j),
                    p[j],
                    (up[j] - down[j]) / 2.0,
                    columnScale[j],
                    a.maxAbs,
                    a.maxRel,
                    a.worstPoint,
                    a.nonFinite,
                    a.firstNonFinite));
        }
        return new JacobianReport(model.describe(), n, checks);
    }

    /** Running maxima for one parameter. */
    private static final class Accumulator {
        double maxAbs;
        double maxRel;
        int worstPoint = -1;
        int nonFinite;
        int firstNonFinite = -1;

        void add(int point, double f, double analytic, double fd, double paramScale, double columnScale) {
            if (!(Double.isFinite(f) && Double.isFinite(analytic) && Double.isFinite(fd))) {
                if (nonFinite++ == 0) {
                    firstNonFinite = point;
                }
                return;
            }
            double diff = Math.abs(analytic - fd);
            double denominator = Math.max(Math.max(columnScale, Math.abs(fd)), Math.abs(f) / paramScale);
            double rel = diff == 0 ? 0.0 : diff / denominator;
            maxAbs = Math.max(maxAbs, diff);
            if (worstPoint < 0 || rel > maxRel) {
                maxRel = rel;
                worstPoint = point;
            }
        }
    }
}
