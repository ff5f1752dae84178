package org.sparknlsq.model.builtin;

import java.util.List;

/**
 * Power law {@code a*x^b + c}; parameters (a, b, c), variable x.
 *
 * <p>Domain: {@code x > 0}. At {@code x = 0} the value is {@code a*0^b + c} and, where
 * {@code 0^b = 0}, the derivative with respect to b is its limit 0. For {@code x < 0} the value
 * and every derivative are NaN (also for integer b, so that the behaviour does not depend on the
 * current parameter value); the fit's input validation reports such points.
 */
final class PowerLaw extends BuiltinModel {

    private static final long serialVersionUID = 1L;
    private static final List<String> PARAMETERS = List.of("a", "b", "c");

    @Override
    public List<String> parameterNames() {
        return PARAMETERS;
    }

    @Override
    public double value(double[] p, double[] x, int xOff, double[] jac, int jacOff) {
        double xv = x[xOff];
        if (!(xv >= 0)) {
            if (jac != null) {
                jac[jacOff] = Double.NaN;
                jac[jacOff + 1] = Double.NaN;
                jac[jacOff + 2] = Double.NaN;
            }
            return Double.NaN;
        }
        double a = p[0];
        double xb = Math.pow(xv, p[1]);
        if (jac != null) {
            jac[jacOff] = xb;
            // x^b*log(x) -> 0 as x -> 0 for b > 0; the product would be 0*(-inf) = NaN.
            jac[jacOff + 1] = xb == 0 ? 0.0 : a * xb * Math.log(xv);
            jac[jacOff + 2] = 1.0;
        }
        return a * xb + p[2];
    }

    @Override
    public String describe() {
        return "a*x^b + c";
    }
}
