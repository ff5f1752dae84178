package org.sparknlsq.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.sparknlsq.model.CurveModel;
import org.sparknlsq.model.builtin.BuiltinModels;
import org.sparknlsq.model.expr.ExpressionModel;

/**
 * The model selected by {@code --model}, with the start values of {@code --params} in the model's
 * parameter order.
 *
 * <p>{@code builtin:NAME} selects a built-in model: its parameter names are fixed, so {@code
 * --params} may list them in any order but must give each one, and the {@code --x} columns feed
 * the model's variables by position. Anything else is an expression whose variables are the
 * {@code --x} column names and whose parameters are the {@code --params} names, in that order.
 *
 * @param spec the {@code --model} text as given
 */
record ModelChoice(CurveModel model, double[] start, String spec) {
    /** The prefix that selects a built-in model. */
    static final String BUILTIN = "builtin:";

    /** Builds the model; every problem is a {@link CliException} with exit 2. */
    static ModelChoice of(String spec, List<String> xColumns, ParameterArgs.Starts starts) {
        String s = spec.strip();
        if (s.isEmpty()) {
            throw CliException.config("--model: expected an expression or builtin:NAME, got an empty value");
        }
        return s.startsWith(BUILTIN) ? builtin(s, xColumns, starts) : expression(s, xColumns, starts);
    }

    private static ModelChoice builtin(String spec, List<String> xColumns, ParameterArgs.Starts starts) {
        CurveModel model;
        try {
            model = BuiltinModels.byName(spec.substring(BUILTIN.length()));
        } catch (IllegalArgumentException e) {
            throw CliException.config("--model: " + e.getMessage());
        }
        List<String> variables = model.variableNames();
        if (variables.size() != xColumns.size()) {
            throw CliException.config("--x: " + spec + " has " + variables.size() + " variable(s) ("
                    + String.join(", ", variables) + "), got " + xColumns.size() + " column(s) ("
                    + String.join(", ", xColumns) + ")");
        }
        List<String> names = model.parameterNames();
        Map<String, Double> given = starts.asMap();
        for (String name : given.keySet()) {
            if (!names.contains(name)) {
                throw CliException.config("--params: '" + name + "' is not a parameter of " + spec + " (parameters: "
                        + String.join(", ", names) + ")");
            }
        }
        List<String> missing = new ArrayList<>();
        double[] start = new double[names.size()];
        for (int i = 0; i < start.length; i++) {
            Double v = given.get(names.get(i));
            if (v == null) {
                missing.add(names.get(i));
            } else {
                start[i] = v;
            }
        }
        if (!missing.isEmpty()) {
            throw CliException.config("--params: no start value for " + String.join(", ", missing) + "; " + spec + " = "
                    + model.describe() + " needs " + String.join(", ", names));
        }
        return new ModelChoice(model, start, spec);
    }

    private static ModelChoice expression(String spec, List<String> xColumns, ParameterArgs.Starts starts) {
        for (String name : starts.names()) {
            if (xColumns.contains(name)) {
                throw CliException.config(
                        "--params: '" + name + "' is both a parameter and a variable (a column in --x)");
            }
        }
        try {
            return new ModelChoice(
                    ExpressionModel.compile(spec, xColumns, starts.names()),
                    starts.values().clone(),
                    spec);
        } catch (IllegalArgumentException e) {
            // ExpressionException's message already says "model expression: ... at column n".
            throw CliException.config(e.getMessage());
        }
    }
}
