package org.sparknlsq.problem;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.sparknlsq.model.CurveModel;

/**
 * A fit problem as data: the model, the start vector, bounds and the loss. The data themselves
 * come from a {@link org.sparknlsq.kernel.NormalEquationsSource}, so the same problem runs on
 * local arrays or on Spark partitions. Immutable; change it with the withers.
 *
 * <p>{@code absoluteSigma} has scipy {@code curve_fit} semantics: when false (the default) sigma
 * only gives relative weights and the covariance is scaled by the reduced χ²; when true sigma is
 * taken as the true standard deviation and the covariance is {@code pinv(JᵀWJ)} as is.
 */
public record FitProblem(
        CurveModel model,
        double[] start,
        double[] lower,
        double[] upper,
        Loss loss,
        double fScale,
        boolean absoluteSigma)
        implements Serializable {

    public FitProblem {
        start = start.clone();
        lower = lower == null ? null : lower.clone();
        upper = upper == null ? null : upper.clone();
        List<String> errors = validate(model, start, lower, upper, loss, fScale);
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", errors));
        }
    }

    /** An unbounded problem with linear loss. */
    public static FitProblem of(CurveModel model, double... start) {
        return new FitProblem(model, start, null, null, Loss.LINEAR, 1.0, false);
    }

    public FitProblem withBounds(double[] lo, double[] hi) {
        return new FitProblem(model, start, lo, hi, loss, fScale, absoluteSigma);
    }

    public FitProblem withLoss(Loss l, double scale) {
        return new FitProblem(model, start, lower, upper, l, scale, absoluteSigma);
    }

    public FitProblem withAbsoluteSigma(boolean absolute) {
        return new FitProblem(model, start, lower, upper, loss, fScale, absolute);
    }

    public FitProblem withStart(double[] p0) {
        return new FitProblem(model, p0, lower, upper, loss, fScale, absoluteSigma);
    }

    public int parameterCount() {
        return start.length;
    }

    /** True when any bound is finite. */
    public boolean bounded() {
        for (int i = 0; i < start.length; i++) {
            if ((lower != null && lower[i] != Double.NEGATIVE_INFINITY)
                    || (upper != null && upper[i] != Double.POSITIVE_INFINITY)) {
                return true;
            }
        }
        return false;
    }

    /** Lower bound of parameter i (−∞ when unbounded). */
    public double lower(int i) {
        return lower == null ? Double.NEGATIVE_INFINITY : lower[i];
    }

    /** Upper bound of parameter i (+∞ when unbounded). */
    public double upper(int i) {
        return upper == null ? Double.POSITIVE_INFINITY : upper[i];
    }

    /** Every problem with the arguments, each naming the parameter; empty when valid. */
    static List<String> validate(
            CurveModel model, double[] start, double[] lower, double[] upper, Loss loss, double fScale) {
        List<String> errors = new ArrayList<>();
        if (model == null) {
            errors.add("model is null");
            return errors;
        }
        List<String> names = model.parameterNames();
        Set<String> seen = new HashSet<>();
        for (String n : names) {
            if (!seen.add(n)) {
                errors.add("duplicate parameter name '" + n + "'");
            }
        }
        for (String v : model.variableNames()) {
            if (seen.contains(v)) {
                errors.add("'" + v + "' is both a parameter and a variable");
            }
        }
        if (start.length != names.size()) {
            errors.add("start has " + start.length + " values, the model has " + names.size() + " parameters " + names);
            return errors;
        }
        if (lower != null && lower.length != start.length) {
            errors.add("lower bounds have " + lower.length + " values, expected " + start.length);
            lower = null;
        }
        if (upper != null && upper.length != start.length) {
            errors.add("upper bounds have " + upper.length + " values, expected " + start.length);
            upper = null;
        }
        for (int i = 0; i < start.length; i++) {
            String name = names.get(i);
            double lo = lower == null ? Double.NEGATIVE_INFINITY : lower[i];
            double hi = upper == null ? Double.POSITIVE_INFINITY : upper[i];
            if (!Double.isFinite(start[i])) {
                errors.add("start value of " + name + " is " + start[i]);
            }
            if (Double.isNaN(lo) || Double.isNaN(hi)) {
                errors.add("bound of " + name + " is NaN");
            } else if (!(lo < hi)) {
                errors.add("lower bound of " + name + " (" + lo + ") must be below its upper bound (" + hi + ")");
            } else if (start[i] < lo || start[i] > hi) {
                errors.add("start value of " + name + " (" + start[i] + ") is outside its bounds [" + lo + ", " + hi
                        + "]");
            }
        }
        if (loss == null) {
            errors.add("loss is null");
        }
        if (!(fScale > 0) || !Double.isFinite(fScale)) {
            errors.add("fScale must be positive and finite, got " + fScale);
        }
        return errors;
    }
}
