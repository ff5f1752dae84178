package org.sparknlsq.model.builtin;

import java.util.ArrayList;
import java.util.List;

/**
 * Polynomial {@code c0 + c1*x + ... + cn*x^n} in the monomial basis; parameters (c0, ..., cn),
 * variable x. Defined for every real x.
 *
 * <p>The value is evaluated by Horner's rule; the derivative with respect to {@code c_j} is
 * {@code x^j}, built by repeated multiplication so that it is exact for small integer x.
 */
final class Polynomial extends BuiltinModel {

    private static final long serialVersionUID = 1L;

    /**
     * Largest accepted degree. The monomial basis is so ill-conditioned beyond this that a fit is
     * meaningless in double precision, and the cap keeps a mistyped spec from allocating huge name
     * lists.
     */
    public static final int MAX_DEGREE = 64;

    private final int degree;
    private final List<String> names;

    /**
     * @param degree the degree n, in {@code [0, MAX_DEGREE]}
     * @throws IllegalArgumentException if the degree is out of range
     */
    public Polynomial(int degree) {
        if (degree < 0 || degree > MAX_DEGREE) {
            throw new IllegalArgumentException("polynomial degree must be in [0, " + MAX_DEGREE + "], got " + degree);
        }
        this.degree = degree;
        List<String> n = new ArrayList<>(degree + 1);
        for (int j = 0; j <= degree; j++) {
            n.add("c" + j);
        }
        this.names = List.copyOf(n);
    }

    /** The degree n; the model has n + 1 parameters. */
    public int degree() {
        return degree;
    }

    @Override
    public List<String> parameterNames() {
        return names;
    }

    @Override
    public double value(double[] p, double[] x, int xOff, double[] jac, int jacOff) {
        double xv = x[xOff];
        double y = p[degree];
        for (int j = degree - 1; j >= 0; j--) {
            y = y * xv + p[j];
        }
        if (jac != null) {
            double power = 1.0;
            for (int j = 0; j <= degree; j++) {
                jac[jacOff + j] = power;
                power *= xv;
            }
        }
        return y;
    }

    /** Rebuilds from the degree, so that a deserialized instance is validated and self-consistent. */
    private Object readResolve() {
        return new Polynomial(degree);
    }

    @Override
    public String describe() {
        StringBuilder sb = new StringBuilder("c0");
        for (int j = 1; j <= degree; j++) {
            sb.append(" + c").append(j).append("*x");
            if (j > 1) {
                sb.append('^').append(j);
            }
        }
        return sb.toString();
    }
}
