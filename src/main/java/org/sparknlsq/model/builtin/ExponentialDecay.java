package org.sparknlsq.model.builtin;

import java.util.List;

/** Exponential decay {@code a*exp(-b*x) + c}; parameters (a, b, c), variable x. */
final class ExponentialDecay extends BuiltinModel {

    private static final long serialVersionUID = 1L;
    private static final List<String> PARAMETERS = List.of("a", "b", "c");

    @Override
    public List<String> parameterNames() {
        return PARAMETERS;
    }

    @Override
    public double value(double[] p, double[] x, int xOff, double[] jac, int jacOff) {
        double xv = x[xOff];
        double a = p[0];
        double e = Math.exp(-p[1] * xv);
        double ae = a * e;
        if (jac != null) {
            jac[jacOff] = e;
            jac[jacOff + 1] = -xv * ae;
            jac[jacOff + 2] = 1.0;
        }
        return ae + p[2];
    }

    @Override
    public String describe() {
        return "a*exp(-b*x) + c";
    }
}
