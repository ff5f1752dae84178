package org.sparknlsq.model.builtin;

import java.util.List;

/**
 * Sum of two exponential decays {@code a1*exp(-b1*x) + a2*exp(-b2*x) + c}; parameters (a1, b1,
 * a2, b2, c), variable x. The two components are interchangeable, so a fit should start them from
 * distinct rates.
 */
final class DoubleExponential extends BuiltinModel {

    private static final long serialVersionUID = 1L;
    private static final List<String> PARAMETERS = List.of("a1", "b1", "a2", "b2", "c");

    @Override
    public List<String> parameterNames() {
        return PARAMETERS;
    }

    @Override
    public double value(double[] p, double[] x, int xOff, double[] jac, int jacOff) {
        double xv = x[xOff];
        double e1 = Math.exp(-p[1] * xv);
        double e2 = Math.exp(-p[3] * xv);
        double t1 = p[0] * e1;
        double t2 = p[2] * e2;
        if (jac != null) {
            jac[jacOff] = e1;
            jac[jacOff + 1] = -xv * t1;
            jac[jacOff + 2] = e2;
            jac[jacOff + 3] = -xv * t2;
            jac[jacOff + 4] = 1.0;
        }
        return t1 + t2 + p[4];
    }

    @Override
    public String describe() {
        return "a1*exp(-b1*x) + a2*exp(-b2*x) + c";
    }
}
