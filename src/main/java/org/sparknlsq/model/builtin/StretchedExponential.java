package org.sparknlsq.model.builtin;

import java.util.List;

/**
 * Stretched exponential (Kohlrausch) {@code a*exp(-(x/tau)^beta) + c}; parameters (a, tau, beta,
 * c), variable x.
 *
 * <p>Domain: {@code x/tau >= 0} (normally {@code x >= 0, tau > 0}) and {@code beta > 0}. For
 * {@code x/tau < 0} the power of a negative base is not real, so the value and every derivative
 * are NaN (also for integer beta, so that the behaviour does not depend on the current parameter
 * value); the fit's input validation reports such points. At {@code x = 0} the derivative with
 * respect to beta is its limit 0.
 */
final class StretchedExponential extends BuiltinModel {

    private static final long serialVersionUID = 1L;
    private static final List<String> PARAMETERS = List.of("a", "tau", "beta", "c");

    @Override
    public List<String> parameterNames() {
        return PARAMETERS;
    }

    @Override
    public double value(double[] p, double[] x, int xOff, double[] jac, int jacOff) {
        double a = p[0];
        double tau = p[1];
        double beta = p[2];
        double u = x[xOff] / tau;
        if (!(u >= 0)) {
            if (jac != null) {
                for (int j = 0; j < 4; j++) {
                    jac[jacOff + j] = Double.NaN;
                }
            }
            return Double.NaN;
        }
        double s = Math.pow(u, beta);
        double e = Math.exp(-s);
        if (jac != null) {
            // s*exp(-s) -> 0 both when s = 0 (x = 0) and when exp(-s) underflows; the explicit zero
            // avoids 0*inf and 0*log(0) = NaN at those limits.
            double es = e == 0 ? 0.0 : e * s;
            jac[jacOff] = e;
            jac[jacOff + 1] = a * beta * es / tau;
            jac[jacOff + 2] = es == 0 ? 0.0 : -a * es * Math.log(u);
            jac[jacOff + 3] = 1.0;
        }
        return a * e + p[3];
    }

    @Override
    public String describe() {
        return "a*exp(-(x/tau)^beta) + c";
    }
}
