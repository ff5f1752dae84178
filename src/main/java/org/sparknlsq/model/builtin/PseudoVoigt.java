package org.sparknlsq.model.builtin;

import java.util.List;

/**
 * Peak-normalized pseudo-Voigt profile {@code a*(eta*L + (1-eta)*G) + c}; parameters (a, x0, w,
 * eta, c), variable x, with {@code t = (x-x0)/w} and
 *
 * <pre>
 *   L = 1/(1 + 4*t^2)            Lorentzian with full width at half maximum w
 *   G = exp(-4*ln(2)*t^2)        Gaussian with full width at half maximum w
 * </pre>
 *
 * <p>Both components equal 1 at {@code x = x0} and 1/2 at {@code x = x0 ± w/2}, so {@code a} is
 * the peak height above c and w the full width at half maximum for every eta. (They are not area
 * normalized: the area is {@code a*w*(eta*pi/2 + (1-eta)*sqrt(pi/ln 2)/2)}.) eta is not clamped
 * to [0, 1]; bound it in the fit if the mixing must stay physical. The model is even in w.
 */
final class PseudoVoigt extends BuiltinModel {

    private static final long serialVersionUID = 1L;
    private static final List<String> PARAMETERS = List.of("a", "x0", "w", "eta", "c");
    private static final double LN2 = Math.log(2.0);
    private static final double FOUR_LN2 = 4.0 * LN2;

    @Override
    public List<String> parameterNames() {
        return PARAMETERS;
    }

    @Override
    public double value(double[] p, double[] x, int xOff, double[] jac, int jacOff) {
        double a = p[0];
        double w = p[2];
        double eta = p[3];
        double t = (x[xOff] - p[1]) / w;
        double t2 = t * t;
        double l = 1.0 / (1.0 + 4.0 * t2);
        double g = Math.exp(-FOUR_LN2 * t2);
        double mix = eta * l + (1.0 - eta) * g;
        if (jac != null) {
            jac[jacOff] = mix;
            if (l == 0) {
                // Far tail (t^2 overflowed): the limits are 0, but l*t could be 0*inf.
                jac[jacOff + 1] = 0.0;
                jac[jacOff + 2] = 0.0;
            } else {
                // d(mix)/d(t^2) = -4*(eta*l^2 + (1-eta)*ln2*g); d(t^2)/dx0 = -2t/w.
                double lt = l * t;
                double dX0 = 8.0 * a * (eta * lt * l + (1.0 - eta) * LN2 * g * t) / w;
                jac[jacOff + 1] = dX0;
                jac[jacOff + 2] = dX0 * t;
            }
            jac[jacOff + 3] = a * (l - g);
            jac[jacOff + 4] = 1.0;
        }
        return a * mix + p[4];
    }

    @Override
    public String describe() {
        return "a*(eta*L + (1-eta)*G) + c, L = 1/(1+4*((x-x0)/w)^2), G = exp(-4*ln(2)*((x-x0)/w)^2)";
    }
}
