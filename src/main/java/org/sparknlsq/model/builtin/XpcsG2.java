package org.sparknlsq.model.builtin;

import java.util.List;

/**
 * Homodyne XPCS intensity autocorrelation for a single exponential decay, {@code g2(tau) =
 * baseline + beta*exp(-2*Gamma*tau)}; parameters (baseline, beta, Gamma), variable tau (the lag
 * time). beta is the speckle contrast and Gamma the relaxation rate of the field correlation
 * {@code g1 = exp(-Gamma*tau)} (Siegert relation {@code g2 = baseline + beta*g1^2}).
 */
final class XpcsG2 extends BuiltinModel {

    private static final long serialVersionUID = 1L;
    private static final List<String> PARAMETERS = List.of("baseline", "beta", "Gamma");
    private static final List<String> VARIABLES = List.of("tau");

    @Override
    public List<String> parameterNames() {
        return PARAMETERS;
    }

    @Override
    public List<String> variableNames() {
        return VARIABLES;
    }

    @Override
    public double value(double[] p, double[] x, int xOff, double[] jac, int jacOff) {
        double tau = x[xOff];
        double e = Math.exp(-2.0 * p[2] * tau);
        double betaE = p[1] * e;
        if (jac != null) {
            jac[jacOff] = 1.0;
            jac[jacOff + 1] = e;
            jac[jacOff + 2] = -2.0 * tau * betaE;
        }
        return p[0] + betaE;
    }

    @Override
    public String describe() {
        return "baseline + beta*exp(-2*Gamma*tau)";
    }
}
