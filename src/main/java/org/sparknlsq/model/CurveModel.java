package org.sparknlsq.model;

import java.io.Serializable;
import java.util.List;

/**
 * A model {@code y = f(x; p)} evaluated one point at a time into caller-owned arrays.
 *
 * <p>Callers may rely on:
 *
 * <ul>
 *   <li>{@link #value} reads the point's independent variables from {@code x[xOff ..
 *       xOff + variableCount())} (variables of one point are contiguous, so a block of points is
 *       stored row-major, {@code n * variableCount()} doubles) and parameters from {@code p[0 ..
 *       parameterCount())}. Neither array is modified.
 *   <li>When {@code jac} is not null, the partial derivatives {@code ∂f/∂p_j} are written to
 *       {@code jac[jacOff + j]} for every j (Modified). A null {@code jac} means "value only", as
 *       in Ceres' {@code CostFunction::Evaluate}.
 *   <li>Implementations are stateless and thread-safe: several threads evaluate one instance at
 *       once, and no call allocates.
 *   <li>Implementations are {@link Serializable} so Spark can ship them to executors.
 * </ul>
 */
public interface CurveModel extends Serializable {

    /** Parameter names in the order of the parameter vector. */
    List<String> parameterNames();

    /** Independent-variable names in the order they are stored for a point. */
    List<String> variableNames();

    default int parameterCount() {
        return parameterNames().size();
    }

    default int variableCount() {
        return variableNames().size();
    }

    /**
     * Evaluates the model at one point.
     *
     * @param p parameters. Not modified.
     * @param x independent variables; this point's are at {@code x[xOff ..]}. Not modified.
     * @param xOff offset of this point's first variable in {@code x}
     * @param jac output for the Jacobian row, or null for value only. Modified.
     * @param jacOff offset of the first derivative in {@code jac}
     * @return the model value f(x; p)
     */
    double value(double[] p, double[] x, int xOff, double[] jac, int jacOff);

    /** A short human-readable description (the expression, or the built-in's formula). */
    default String describe() {
        return getClass().getSimpleName();
    }
}
