package org.sparknlsq.problem;

import java.util.Locale;

/**
 * Robust loss functions with scipy {@code least_squares} semantics.
 *
 * <p>For a weighted residual {@code f} and scale {@code C = fScale}, let {@code z = (f/C)²}. The
 * cost of a point is {@code ½·C²·ρ(z)}, so {@link #LINEAR} gives the ordinary {@code ½·f²}. The
 * optimizer uses the first two derivatives of ρ to rescale the Jacobian row and residual
 * (Triggs et al., "Bundle Adjustment — A Modern Synthesis", §4.3; scipy
 * {@code scale_for_robust_loss_function}), which keeps the per-point contribution additive.
 */
public enum Loss {
    /** ρ(z) = z. */
    LINEAR,
    /** ρ(z) = 2(√(1+z) − 1). */
    SOFT_L1,
    /** ρ(z) = z for z ≤ 1, else 2√z − 1. */
    HUBER,
    /** ρ(z) = ln(1+z). */
    CAUCHY,
    /** ρ(z) = arctan(z). */
    ARCTAN;

    /**
     * Writes ρ(z), ρ'(z) and ρ''(z) into {@code out[0..2]} (Modified).
     *
     * @param z the squared scaled residual, non-negative
     */
    public void evaluate(double z, double[] out) {
        switch (this) {
            case LINEAR -> {
                out[0] = z;
                out[1] = 1.0;
                out[2] = 0.0;
            }
            case SOFT_L1 -> {
                double t = 1.0 + z;
                double st = Math.sqrt(t);
                out[0] = 2.0 * (st - 1.0);
                out[1] = 1.0 / st;
                out[2] = -0.5 / (t * st);
            }
            case HUBER -> {
                if (z <= 1.0) {
                    out[0] = z;
                    out[1] = 1.0;
                    out[2] = 0.0;
                } else {
                    double sz = Math.sqrt(z);
                    out[0] = 2.0 * sz - 1.0;
                    out[1] = 1.0 / sz;
                    out[2] = -0.5 / (z * sz);
                }
            }
            case CAUCHY -> {
                double t = 1.0 + z;
                out[0] = Math.log1p(z);
                out[1] = 1.0 / t;
                out[2] = -1.0 / (t * t);
            }
            case ARCTAN -> {
                double t = 1.0 + z * z;
                out[0] = Math.atan(z);
                out[1] = 1.0 / t;
                out[2] = -2.0 * z / (t * t);
            }
        }
    }

    /** The scipy name: {@code linear}, {@code soft_l1}, {@code huber}, {@code cauchy}, {@code arctan}. */
    public String scipyName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a scipy-style name, case-insensitive. */
    public static Loss parse(String name) {
        for (Loss l : values()) {
            if (l.scipyName().equalsIgnoreCase(name.trim())) {
                return l;
            }
        }
        throw new IllegalArgumentException(
                "unknown loss '" + name + "' (expected linear, soft_l1, huber, cauchy or arctan)");
    }
}
