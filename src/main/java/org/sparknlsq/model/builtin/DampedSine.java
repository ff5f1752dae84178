package org.sparknlsq.model.builtin;

import java.util.List;

/**
 * Damped sinusoid {@code a*exp(-gamma*x)*sin(omega*x + phi) + c}; parameters (a, gamma, omega,
 * phi, c), variable x. Defined for every real x. Note that (a, phi) and (-a, phi + pi) give the
 * same curve, so the fitted sign of a depends on the starting point.
 */
final class DampedSine extends BuiltinModel {

    private static final long serialVersionUID = 1L;
    private static final List<String> PARAMETERS = List.of("a", "gamma", "omega", "phi", "c");

    @Override
    public List<String> parameterNames() {
        return PARAMETERS;
    }

    @Override
    public double value(double[] p, double[] x, int xOff, double[] jac, int jacOff) {
        double xv = x[xOff];
        double e = Math.exp(-p[1] * xv);
        double phase = p[2] * xv + p[3];
        double sin = Math.sin(phase);
        double ae = p[0] * e;
        if (jac != null) {
            double aeCos = ae * Math.cos(phase);
            jac[jacOff] = e * sin;
            jac[jacOff + 1] = -xv * ae * sin;
            jac[jacOff + 2] = xv * aeCos;
            jac[jacOff + 3] = aeCos;
            jac[jacOff + 4] = 1.0;
        }
        return ae * sin + p[4];
    }

    @Override
    public String describe() {
        return "a*exp(-gamma*x)*sin(omega*x + phi) + c";
    }
}
