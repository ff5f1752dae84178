package org.sparknlsq.fit;

import java.io.Serializable;
import java.util.List;
import org.sparknlsq.model.CurveModel;
import org.sparknlsq.model.builtin.BuiltinModels;
import org.sparknlsq.model.expr.ExpressionModel;

/**
 * Evaluates a fitted model at new points: the prediction f(x; p̂) and its standard error by the
 * delta method, se = √(g C gᵀ) with g = ∂f/∂p at p̂ and C the parameter covariance (the error of
 * the fitted curve, not of a new observation; add σ² for a prediction interval). Fixed
 * parameters have zero rows in C and add nothing. Serializable, so Spark ships it to executors;
 * one instance serves many threads.
 */
public final class Predictor implements Serializable {
    private final CurveModel model;
    private final double[] parameters;
    private final double[][] covariance;

    /**
     * @param modelText an expression or {@code builtin:NAME}
     * @param variables the model's variable names, in the order of a point's values
     * @param parameterNames the parameter names, in the order of {@code parameters}
     * @param parameters the fitted values. Not modified.
     * @param covariance their covariance, p×p. Not modified.
     */
    public Predictor(
            String modelText,
            List<String> variables,
            List<String> parameterNames,
            double[] parameters,
            double[][] covariance) {
        this.model = compile(modelText, variables, parameterNames);
        this.parameters = parameters.clone();
        this.covariance = new double[covariance.length][];
        for (int i = 0; i < covariance.length; i++) {
            this.covariance[i] = covariance[i].clone();
        }
    }

    static CurveModel compile(String modelText, List<String> variables, List<String> parameterNames) {
        String m = modelText.strip();
        if (m.startsWith(FitRequest.BUILTIN)) {
            return BuiltinModels.byName(m.substring(FitRequest.BUILTIN.length()));
        }
        return ExpressionModel.compile(m, variables, parameterNames);
    }

    /** The model's variables: the values of one point, in this order. */
    public List<String> variables() {
        return model.variableNames();
    }

    /** f(x; p̂) at one point. */
    public double predict(double[] x) {
        return model.value(parameters, x, 0, null, 0);
    }

    /**
     * The prediction and its delta-method standard error at one point.
     *
     * @param x the point's variables. Not modified.
     * @param out {prediction, standard error}. Modified.
     */
    public void predictWithError(double[] x, double[] out) {
        int p = parameters.length;
        double[] g = new double[p];
        out[0] = model.value(parameters, x, 0, g, 0);
        double var = 0;
        for (int i = 0; i < p; i++) {
            double row = 0;
            for (int k = 0; k < p; k++) {
                row += covariance[i][k] * g[k];
            }
            var += g[i] * row;
        }
        out[1] = Math.sqrt(Math.max(var, 0));
    }
}
