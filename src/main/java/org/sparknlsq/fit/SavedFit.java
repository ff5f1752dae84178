package org.sparknlsq.fit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.sparknlsq.optim.FitResult;
import org.sparknlsq.optim.IterationRecord;
import org.sparknlsq.optim.Method;
import org.sparknlsq.optim.Termination;

/**
 * A fit read back from its result document (the JSON of {@code --output} and of a saved {@link
 * org.sparknlsq.ml.CurveFitModel}): everything a prediction needs, and the statistics a caller
 * most often wants. A non-finite number, written as null (or as {@code "inf"}, {@code "-inf"} or
 * {@code "nan"}), is read back as NaN (or the infinity named).
 *
 * @param json the document as read
 * @param model the model as the user gave it: an expression or {@code builtin:NAME}
 * @param variables the model's variable names
 * @param xColumns the data columns that fed them
 * @param parameterNames the parameter names, in model order
 * @param parameters the fitted values
 * @param uncertainties their standard errors (0 for a fixed parameter)
 * @param covariance their covariance
 * @param fixedParameters the parameters that were held fixed
 * @param success whether the fit converged (and enough partitions succeeded)
 * @param status the termination, in lower case
 * @param points the points fitted
 * @param chiSquared χ² at the solution
 * @param reducedChiSquared χ²/(n − p)
 */
public record SavedFit(
        String json,
        String model,
        List<String> variables,
        List<String> xColumns,
        List<String> parameterNames,
        double[] parameters,
        double[] uncertainties,
        double[][] covariance,
        List<String> fixedParameters,
        boolean success,
        String status,
        long points,
        double chiSquared,
        double reducedChiSquared) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The document of a fit that just ran. */
    public static SavedFit of(FitOutcome o) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try {
            o.writeJson(b);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return parse(b.toString(StandardCharsets.UTF_8));
    }

    /**
     * Reads a result document.
     *
     * @throws IllegalArgumentException naming the first missing or malformed field
     */
    public static SavedFit parse(String json) {
        JsonNode root = tree(json);
        List<String> names = strings(root, "parameter_names");
        return new SavedFit(
                json,
                text(root, "model"),
                strings(root, "variables"),
                strings(field(field(root, "columns"), "x")),
                names,
                named(root, "parameters", names),
                named(root, "uncertainties", names),
                matrix(root, "covariance", names.size()),
                root.has("fixed_parameters") ? strings(root, "fixed_parameters") : List.of(),
                field(root, "success").asBoolean(),
                text(root, "status"),
                field(root, "n_points").asLong(),
                number(present(root, "chi_squared")),
                number(present(root, "reduced_chi_squared")));
    }

    /**
     * The document as the optimizer's result record. The fault report is not rebuilt (null); its
     * fields stay in {@code diagnostics} of {@link #json()}.
     */
    public FitResult toFitResult() {
        JsonNode root = tree(json);
        List<IterationRecord> history = new ArrayList<>();
        for (JsonNode h : field(root, "history")) {
            history.add(new IterationRecord(
                    h.get("iteration").asInt(),
                    h.get("evaluations").asInt(),
                    number(h.get("cost")),
                    number(h.get("gradient_norm")),
                    number(h.get("step_norm")),
                    number(h.get("radius")),
                    h.get("accepted").asBoolean()));
        }
        return new FitResult(
                parameterNames,
                parameters.clone(),
                uncertainties.clone(),
                matrix(root, "covariance", parameterNames.size()),
                matrix(root, "correlation", parameterNames.size()),
                chiSquared,
                reducedChiSquared,
                number(present(root, "initial_cost")),
                number(present(root, "cost")),
                points,
                field(root, "invalid_points").asLong(),
                field(root, "iterations").asInt(),
                field(root, "evaluations").asInt(),
                field(root, "data_passes").asLong(),
                field(root, "polish_passes").asInt(),
                number(present(root, "scaled_condition")),
                Termination.valueOf(status.toUpperCase(Locale.ROOT)),
                text(root, "message"),
                Method.valueOf(text(root, "method").toUpperCase(Locale.ROOT)),
                text(root, "strategy"),
                number(present(field(root, "timing"), "fit_seconds")),
                List.copyOf(history),
                null);
    }

    /** A predictor for new points. */
    public Predictor predictor() {
        return new Predictor(model, variables, parameterNames, parameters, covariance);
    }

    private static JsonNode tree(String json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("not a result document: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("not a result document: expected a JSON object");
        }
        return root;
    }

    private static JsonNode field(JsonNode n, String name) {
        JsonNode v = n.get(name);
        if (v == null || v.isNull()) {
            throw new IllegalArgumentException("not a result document: no '" + name + "' field");
        }
        return v;
    }

    /** A field that must exist; its value may be null (a non-finite number). */
    private static JsonNode present(JsonNode n, String name) {
        JsonNode v = n.get(name);
        if (v == null) {
            throw new IllegalArgumentException("not a result document: no '" + name + "' field");
        }
        return v;
    }

    private static String text(JsonNode n, String name) {
        JsonNode v = field(n, name);
        if (!v.isTextual()) {
            throw new IllegalArgumentException("result document: '" + name + "' is not a string");
        }
        return v.asText();
    }

    private static List<String> strings(JsonNode n, String name) {
        return strings(field(n, name));
    }

    private static List<String> strings(JsonNode v) {
        List<String> out = new ArrayList<>();
        if (v.isTextual()) {
            return List.of(v.asText());
        }
        for (JsonNode e : v) {
            out.add(e.asText());
        }
        return List.copyOf(out);
    }

    private static double[] named(JsonNode root, String name, List<String> names) {
        JsonNode obj = field(root, name);
        double[] out = new double[names.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = number(present(obj, names.get(i)));
        }
        return out;
    }

    private static double[][] matrix(JsonNode root, String name, int p) {
        JsonNode m = field(root, name);
        if (!m.isArray() || m.size() != p) {
            throw new IllegalArgumentException("result document: '" + name + "' is not a " + p + "x" + p + " matrix");
        }
        double[][] out = new double[p][p];
        for (int i = 0; i < p; i++) {
            if (m.get(i).size() != p) {
                throw new IllegalArgumentException(
                        "result document: '" + name + "' is not a " + p + "x" + p + " matrix");
            }
            for (int k = 0; k < p; k++) {
                out[i][k] = number(m.get(i).get(k));
            }
        }
        return out;
    }

    private static double number(JsonNode v) {
        if (v == null || v.isNull()) {
            return Double.NaN;
        }
        if (v.isNumber()) {
            return v.asDouble();
        }
        return switch (v.asText()) {
            case "inf" -> Double.POSITIVE_INFINITY;
            case "-inf" -> Double.NEGATIVE_INFINITY;
            case "nan" -> Double.NaN;
            default -> throw new IllegalArgumentException("result document: '" + v + "' is not a number");
        };
    }
}
