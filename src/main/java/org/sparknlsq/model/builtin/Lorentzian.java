package org.sparknlsq.model.builtin;

import java.util.List;

/**
 * Lorentzian (Cauchy) peak {@code a*gamma^2/((x-x0)^2+gamma^2) + c}; parameters (a, x0, gamma,
 * c), variable x. {@code a} is the peak height above c and gamma the half width at half maximum.
 * The model is even in gamma; a zero gamma gives NaN at {@code x = x0}.
 *
 * <p>Evaluated as {@code a/(1+t^2) + c} with {@code t = (x-x0)/gamma}, so that tiny widths do not
 * underflow {@code gamma^2} into {@code 0/0}.
 */
final class Lorentzian extends BuiltinModel {

    private static final long serialVersionUID = 1L;
    private static final List<String> PARAMETERS = List.of("a", "x0", "gamma", "c");

    @Override
    public List<String> parameterNames() {
        return PARAMETERS;
    }

    @Override
    public double value(double[] p, double[] x, int xOff, double[] jac, int jacOff) {
        double a = p[0];
        double gamma = p[2];
        double t = (x[xOff] - p[1]) / gamma;
        double l = 1.0 / (1.0 + t * t);
        if (jac != null) {
            jac[jacOff] = l;
            if (l == 0) {
                // Far tail (t^2 overflowed): the limits are 0, but l*t could be 0*inf.
                jac[jacOff + 1] = 0.0;
                jac[jacOff + 2] = 0.0;
            } else {
                // (l*t) first: l*l alone underflows long before l*l*t does.
                double dX0 = 2.0 * a * (l * t) * l / gamma;
                jac[jacOff + 1] = dX0;
                jac[jacOff + 2] = dX0 * t;
            }
            jac[jacOff + 3] = 1.0;
        }
        return a * l + p[3];
    }

    @Override
    public String describe() {
        return "a*gamma^2/((x-x0)^2+gamma^2) + c";
    }
}
