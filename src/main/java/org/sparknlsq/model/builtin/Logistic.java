package org.sparknlsq.model.builtin;

import java.util.List;

/**
 * Logistic sigmoid {@code L/(1+exp(-k*(x-x0))) + c}; parameters (L, k, x0, c), variable x. L is
 * the step height, k the steepness and x0 the midpoint. Defined for every real x.
 *
 * <p>Evaluated through {@code exp(-|k*(x-x0)|)}, which never overflows, and with {@code s*(1-s)}
 * formed as {@code e/(1+e)^2} rather than by subtraction, so the derivatives keep full relative
 * accuracy far out on both plateaus.
 */
final class Logistic extends BuiltinModel {

    private static final long serialVersionUID = 1L;
    private static final List<String> PARAMETERS = List.of("L", "k", "x0", "c");

    @Override
    public List<String> parameterNames() {
        return PARAMETERS;
    }

    @Override
    public double value(double[] p, double[] x, int xOff, double[] jac, int jacOff) {
        double height = p[0];
        double k = p[1];
        double dx = x[xOff] - p[2];
        double z = k * dx;
        double e = Math.exp(-Math.abs(z));
        double inv = 1.0 / (1.0 + e);
        double s = z >= 0 ? inv : e * inv;
        if (jac != null) {
            double slope = height * (e * inv * inv);
            jac[jacOff] = s;
            jac[jacOff + 1] = slope * dx;
            jac[jacOff + 2] = -slope * k;
            jac[jacOff + 3] = 1.0;
        }
        return height * s + p[3];
    }

    @Override
    public String describe() {
        return "L/(1+exp(-k*(x-x0))) + c";
    }
}
