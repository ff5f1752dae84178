package org.sparknlsq.model;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Result of {@link JacobianChecker#check}: for every parameter, how far the model's analytic
 * derivative is from a central finite difference over all checked points. Immutable.
 *
 * @param model the checked model's {@link CurveModel#describe()}
 * @param points number of points checked
 * @param parameters one entry per parameter, in parameter order
 */
public record JacobianReport(String model, int points, List<ParameterCheck> parameters) {

    public JacobianReport {
        Objects.requireNonNull(model, "model");
        parameters = List.copyOf(parameters);
    }

    /**
     * Comparison for one parameter {@code p_j}. With d the analytic and fd the finite-difference
     * derivative at a point and f the model value there, the relative error at that point is
     *
     * <pre>
     *   |d - fd| / max(D_j, |fd|, |f| / max(|p_j|, 1))
     * </pre>
     *
     * where {@code D_j} is the largest finite {@code |d|} over all points (the column's scale).
     * Measuring against the column rather than the point keeps the far tails of a peak, where the
     * derivative is tiny and the finite difference's truncation error is relatively large, from
     * hiding real mistakes behind false alarms; a least-squares step depends on each column's
     * error relative to that column anyway. The last term is a noise floor: the difference
     * quotient's rounding error is about {@code eps*|f|/h_j}, so against an offset large compared
     * with the signal no derivative can be checked more finely than about {@code cbrt(eps)^2} of
     * {@code |f|/max(|p_j|,1)}.
     *
     * <p>Points where the value, the analytic derivative, or either shifted value is NaN or
     * infinite are not compared; they are counted in {@code nonFiniteCount}.
     *
     * @param name parameter name
     * @param value parameter value at which the check was made
     * @param step finite-difference step actually used: half the represented span between the
     *     two shifted parameter values
     * @param columnScale {@code D_j}, the largest finite analytic derivative magnitude
     * @param maxAbsoluteError largest {@code |d - fd|} over compared points
     * @param maxRelativeError largest relative error over compared points
     * @param worstPoint index of the point with the largest relative error, or -1 if none was
     *     compared
     * @param nonFiniteCount number of points skipped because something was not finite
     * @param firstNonFinitePoint index of the first such point, or -1
     */
    public record ParameterCheck(
            String name,
            double value,
            double step,
            double columnScale,
            double maxAbsoluteError,
            double maxRelativeError,
            int worstPoint,
            int nonFiniteCount,
            int firstNonFinitePoint) {

        public ParameterCheck {
            Objects.requireNonNull(name, "name");
        }

        /** True if every point was finite and the largest relative error is at most relTol. */
        public boolean ok(double relTol) {
            return nonFiniteCount == 0 && maxRelativeError <= relTol;
        }
    }

    /** True if {@link ParameterCheck#ok} holds for every parameter. */
    public boolean ok(double relTol) {
        for (ParameterCheck c : parameters) {
            if (!c.ok(relTol)) {
                return false;
            }
        }
        return true;
    }

    /**
     * The largest relative error over all parameters, or {@code +Infinity} if any point was
     * non-finite, so that {@code maxRelativeError() <= tol} is a complete test on its own.
     */
    public double maxRelativeError() {
        double max = 0.0;
        for (ParameterCheck c : parameters) {
            if (c.nonFiniteCount() > 0) {
                return Double.POSITIVE_INFINITY;
            }
            max = Math.max(max, c.maxRelativeError());
        }
        return max;
    }

    /** A multi-line table, one row per parameter, for logs and assertion messages. */
    public String summary() {
        int width = "parameter".length();
        for (ParameterCheck c : parameters) {
            width = Math.max(width, c.name().length());
        }
        String name = "  %-" + width + "s";
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(
                Locale.ROOT,
                "Jacobian check of %s: %d parameter(s) at %d point(s), central differences%n",
                model,
                parameters.size(),
                points));
        sb.append(String.format(
                Locale.ROOT,
                name + " %13s %10s %11s %11s %11s %s%n",
                "parameter",
                "value",
                "scale",
                "max abs err",
                "max rel err",
                "worst point",
                "non-finite"));
        for (ParameterCheck c : parameters) {
            sb.append(String.format(
                    Locale.ROOT,
                    name + " %13.6g %10.3g %11.3g %11.3g %11d %s%n",
                    c.name(),
                    c.value(),
                    c.columnScale(),
                    c.maxAbsoluteError(),
                    c.maxRelativeError(),
                    c.worstPoint(),
                    c.nonFiniteCount() == 0 ? "0" : c.nonFiniteCount() + " (first #" + c.firstNonFinitePoint() + ")"));
        }
        sb.append(String.format(Locale.ROOT, "max relative error: %.3g", maxRelativeError()));
        return sb.toString();
    }

    @Override
    public String toString() {
        return summary();
    }
}
