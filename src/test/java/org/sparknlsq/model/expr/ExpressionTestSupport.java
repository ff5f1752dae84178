package org.sparknlsq.model.expr;

import java.util.Arrays;
import java.util.List;

/** Shared helpers for the expression-model tests. */
final class ExpressionTestSupport {

    private ExpressionTestSupport() {}

    /** Compiles with comma-separated variable and parameter lists ("" for none). */
    static ExpressionModel model(String expression, String variables, String parameters) {
        return ExpressionModel.compile(expression, names(variables), names(parameters));
    }

    static List<String> names(String commaSeparated) {
        return commaSeparated.isEmpty()
                ? List.of()
                : Arrays.stream(commaSeparated.split(",")).map(String::trim).toList();
    }

    /**
     * How far {@code analytic} is from a five-point central difference of the value in parameter
     * j, beyond the difference's rounding noise, relative to the difference. The stencil's truncation
     * error is O(h^4): with h = 1e-5 relative it is below 1e-15 for every test function, so the
     * result measures the analytic derivative, not the difference scheme.
     */
    static double finiteDifferenceMismatch(ExpressionModel m, double[] p, double[] x, int j, double analytic) {
        double h = 1e-5 * Math.max(Math.abs(p[j]), 1e-2);
        double[] q = p.clone();
        double[] steps = {2 * h, h, -h, -2 * h};
        double[] f = new double[4];
        double largest = 0;
        for (int k = 0; k < 4; k++) {
            q[j] = p[j] + steps[k];
            f[k] = m.value(q, x, 0, null, 0);
            largest = Math.max(largest, Math.abs(f[k]));
        }
        double fd = (-f[0] + 8 * f[1] - 8 * f[2] + f[3]) / (12 * h);
        // Each value carries a few ulps of rounding; the stencil turns that into this much slack.
        double noise = 16 * Math.ulp(largest) / h;
        double excess = Math.abs(analytic - fd) - noise;
        return excess <= 0 ? 0 : excess / Math.abs(fd);
    }

    /** |a - b| relative to the larger magnitude, or absolute when both are below {@code floor}. */
    static double relativeError(double a, double b, double floor) {
        return Math.abs(a - b) / Math.max(Math.max(Math.abs(a), Math.abs(b)), floor);
    }
}
