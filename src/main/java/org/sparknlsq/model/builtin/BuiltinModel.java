package org.sparknlsq.model.builtin;

import java.util.List;
import org.sparknlsq.model.CurveModel;

/**
 * Common behaviour of the built-in models: value-based equality (same class and same parameter
 * names, so two {@code polynomial(3)} instances are equal, also after a serialization round
 * trip), and {@link #toString()} returning {@link #describe()}.
 *
 * <p>Numerical conventions shared by every built-in: exponentials and other transcendental
 * factors are evaluated once per call and reused by the derivatives; where a decaying factor
 * underflows to exactly zero, derivatives that multiply it by a diverging factor are set to their
 * mathematical limit, zero, instead of {@code 0 * inf = NaN}. Outside a model's documented domain
 * the value and derivatives are NaN, which the fit's input validation reports.
 */
abstract class BuiltinModel implements CurveModel {

    private static final long serialVersionUID = 1L;

    /** The single independent variable of most built-ins. */
    static final List<String> X = List.of("x");

    @Override
    public List<String> variableNames() {
        return X;
    }

    @Override
    public final boolean equals(Object o) {
        return o != null
                && o.getClass() == getClass()
                && ((CurveModel) o).parameterNames().equals(parameterNames())
                && ((CurveModel) o).variableNames().equals(variableNames());
    }

    @Override
    public final int hashCode() {
        return 31 * getClass().getName().hashCode() + parameterNames().hashCode();
    }

    @Override
    public final String toString() {
        return describe();
    }
}
