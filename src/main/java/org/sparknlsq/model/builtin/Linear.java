package org.sparknlsq.model.builtin;

import java.util.List;

/** Straight line {@code a*x + b}; parameters (a, b), variable x. Defined for every real x. */
final class Linear extends BuiltinModel {

    private static final long serialVersionUID = 1L;
    private static final List<String> PARAMETERS = List.of("a", "b");

    @Override
    public List<String> parameterNames() {
        return PARAMETERS;
    }

    @Override
    public double value(double[] p, double[] x, int xOff, double[] jac, int jacOff) {
        double xv = x[xOff];
        if (jac != null) {
            jac[jacOff] = xv;
            jac[jacOff + 1] = 1.0;
        }
        return p[0] * xv + p[1];
    }

    @Override
    public String describe() {
        return "a*x + b";
    }
}
