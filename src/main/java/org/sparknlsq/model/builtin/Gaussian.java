package org.sparknlsq.model.builtin;

import java.util.List;

/**
 * Gaussian peak {@code a*exp(-(x-mu)^2/(2*sigma^2)) + c}; parameters (a, mu, sigma, c), variable
 * x. {@code a} is the peak height above the offset c. The model is even in sigma; a zero sigma
 * gives NaN at {@code x = mu}.
 *
 * <p>Evaluated through {@code z = (x-mu)/sigma}, so widths down to the smallest normal double
 * behave like unit widths on a rescaled axis.
 */
final class Gaussian extends BuiltinModel {

    private static final long serialVersionUID = 1L;
    private static final List<String> PARAMETERS = List.of("a", "mu", "sigma", "c");

    @Override
    public List<String> parameterNames() {
        return PARAMETERS;
    }

    @Override
    public double value(double[] p, double[] x, int xOff, double[] jac, int jacOff) {
        double a = p[0];
        double sigma = p[2];
        double z = (x[xOff] - p[1]) / sigma;
        double g = Math.exp(-0.5 * z * z);
        if (jac != null) {
            jac[jacOff] = g;
            if (g == 0) {
                // Far tail: the limits are 0, but z/sigma may overflow and give 0*inf.
                jac[jacOff + 1] = 0.0;
                jac[jacOff + 2] = 0.0;
            } else {
                double dMu = a * g * z / sigma;
                jac[jacOff + 1] = dMu;
                jac[jacOff + 2] = dMu * z;
            }
            jac[jacOff + 3] = 1.0;
        }
        return a * g + p[3];
    }

    @Override
    public String describe() {
        return "a*exp(-(x-mu)^2/(2*sigma^2)) + c";
    }
}
