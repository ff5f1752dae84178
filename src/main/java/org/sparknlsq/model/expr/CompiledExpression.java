package org.sparknlsq.model.expr;

/**
 * Implemented by the class generated for one expression. It is public only because that class
 * lives in its own class loader and so cannot see package-private types; callers use {@link
 * ExpressionModel}, whose {@code value} has the same contract.
 */
public interface CompiledExpression {

    /** Same contract as {@link org.sparknlsq.model.CurveModel#value}. */
    double value(double[] p, double[] x, int xOff, double[] jac, int jacOff);
}
