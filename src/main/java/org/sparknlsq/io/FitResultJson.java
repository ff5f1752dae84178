package org.sparknlsq.io;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.sparknlsq.optim.FitOptions;
import org.sparknlsq.optim.FitResult;
import org.sparknlsq.optim.IterationRecord;
import org.sparknlsq.problem.FitProblem;

/**
 * Writes a fit result, with what is needed to reproduce it, as one JSON object (snake_case keys,
 * parameters in model order).
 *
 * <p>Non-finite numbers: JSON has no literal for them, so infinity, −infinity and NaN (for
 * example the covariance when n = p) are written as the strings {@code "inf"}, {@code "-inf"}
 * and {@code "nan"}. That keeps the file valid JSON for every parser and loses nothing: Python's
 * {@code float()} and numpy read those strings back, unlike {@code null}, which cannot tell an
 * infinite variance from an undefined one.
 *
 * <p>Written with the streaming generator rather than an object mapper: it needs no reflection
 * and loads a fraction of the classes, which matters for a command that runs in about a second.
 */
public final class FitResultJson {
    /** The JSON format version; incremented when a key is renamed or removed. */
    public static final int FORMAT = 1;

    private static final JsonFactory FACTORY = new JsonFactory();

    private FitResultJson() {}

    /**
     * Where the data came from and how long each phase took: what the result and the problem do
     * not know.
     *
     * @param version the spark-nlsq version
     * @param model the model as the user gave it, e.g. {@code a*exp(-b*x)} or {@code
     *     builtin:gaussian}
     * @param data the data file as the user named it
     * @param xColumns the columns read for the independent variables, in model order
     * @param sigmaColumn the sigma column, or null
     * @param droppedRecords records skipped by the bad-record policy
     * @param readSeconds wall time to read the data
     * @param fitSeconds wall time of the whole fit, including the covariance pass
     * @param totalSeconds wall time of the command up to writing the result
     */
    public record Provenance(
            String version,
            String model,
            String data,
            List<String> xColumns,
            String yColumn,
            String sigmaColumn,
            BadRecordPolicy badRecords,
            long droppedRecords,
            double readSeconds,
            double fitSeconds,
            double totalSeconds) {}

    /** Writes the JSON document to {@code out} (not closed), with empty diagnostics. */
    public static void write(OutputStream out, FitResult r, FitProblem problem, FitOptions options, Provenance src)
            throws IOException {
        write(out, r, problem, options, src, Map.of());
    }

    /**
     * Writes the JSON document to {@code out} (not closed).
     *
     * @param diagnostics how the fit ran (strategy and why, partitions, Spark jobs, ...), written
     *     as the {@code diagnostics} object; values may be numbers, strings, booleans, lists and
     *     maps, in insertion order
     */
    public static void write(
            OutputStream out,
            FitResult r,
            FitProblem problem,
            FitOptions options,
            Provenance src,
            Map<String, ?> diagnostics)
            throws IOException {
        write(out, r, problem, options, src, diagnostics, List.of(), Double.NaN);
    }

    /**
     * Writes the JSON document to {@code out} (not closed), with the parameters held fixed and
     * the coefficient of determination.
     */
    public static void write(
            OutputStream out,
            FitResult r,
            FitProblem problem,
            FitOptions options,
            Provenance src,
            Map<String, ?> diagnostics,
            List<String> fixedParameters,
            double rSquared)
            throws IOException {
        try (JsonGenerator g = FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
            g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            g.writeNumberField("format", FORMAT);
            g.writeStringField("version", src.version());
            g.writeBooleanField("success", r.success());
            g.writeStringField("status", r.termination().name().toLowerCase(Locale.ROOT));
            g.writeStringField("message", r.message());
            g.writeStringField("strategy", r.strategy());
            g.writeStringField("method", r.method().name().toLowerCase(Locale.ROOT));
            g.writeStringField("loss", problem.loss().scipyName());
            number(g, "f_scale", problem.fScale());
            g.writeBooleanField("absolute_sigma", problem.absoluteSigma());
            g.writeStringField("model", src.model());
            g.writeStringField("model_formula", problem.model().describe());
            strings(g, "variables", problem.model().variableNames());
            g.writeStringField("data", src.data());
            g.writeObjectFieldStart("columns");
            strings(g, "x", src.xColumns());
            g.writeStringField("y", src.yColumn());
            g.writeStringField("sigma", src.sigmaColumn());
            g.writeEndObject();
            g.writeStringField("bad_records", src.badRecords().cliName());
            g.writeNumberField("n_points", r.points());
            g.writeNumberField("invalid_points", r.invalidPoints());
            g.writeNumberField("dropped_records", src.droppedRecords());

            List<String> names = r.parameterNames();
            strings(g, "parameter_names", names);
            named(g, "parameters", names, r.parameters());
            named(g, "uncertainties", names, r.uncertainties());
            named(g, "initial_parameters", names, problem.start());
            strings(g, "fixed_parameters", fixedParameters);
            bounds(g, problem, names);
            matrix(g, "covariance", r.covariance());
            matrix(g, "correlation", r.correlation());
            number(g, "chi_squared", r.chiSquared());
            number(g, "reduced_chi_squared", r.reducedChiSquared());
            number(g, "r_squared", rSquared);
            number(g, "cost", r.cost());
            number(g, "initial_cost", r.initialCost());
            g.writeNumberField("iterations", r.iterations());
            g.writeNumberField("evaluations", r.evaluations());
            g.writeNumberField("data_passes", r.dataPasses());
            g.writeNumberField("polish_passes", r.polishPassesAccepted());
            number(g, "scaled_condition", r.scaledCondition());
            options(g, options, names.size());

            g.writeObjectFieldStart("timing");
            number(g, "total_seconds", src.totalSeconds());
            number(g, "read_seconds", src.readSeconds());
            number(g, "fit_seconds", src.fitSeconds());
            g.writeEndObject();

            g.writeFieldName("diagnostics");
            // the caller's diagnostics first, then the fault report's fields; the caller's values
            // win where both have one (final_epoch of a STREAMING fit, for example)
            Map<String, Object> all = new LinkedHashMap<>(diagnostics);
            if (r.faults() != null) {
                r.faults()
                        .toMap(r.termination().converged(), 0, r.fitSeconds(), Map.of("enabled", false))
                        .forEach(all::putIfAbsent);
            }
            any(g, all);

            g.writeArrayFieldStart("history");
            for (IterationRecord h : r.history()) {
                g.writeStartObject();
                g.writeNumberField("iteration", h.iteration());
                g.writeNumberField("evaluations", h.evaluations());
                number(g, "cost", h.cost());
                number(g, "gradient_norm", h.gradientNorm());
                number(g, "step_norm", h.stepNorm());
                number(g, "radius", h.radius());
                g.writeBooleanField("accepted", h.accepted());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        out.write('\n');
    }

    /**
     * {@code value} (numbers, strings, booleans, lists and maps, nested) as one line of JSON;
     * non-finite numbers become null, as in the result document.
     */
    public static String line(Object value) {
        java.io.StringWriter w = new java.io.StringWriter();
        try (JsonGenerator g = FACTORY.createGenerator(w)) {
            any(g, value);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return w.toString();
    }

    private static void any(JsonGenerator g, Object v) throws IOException {
        if (v == null) {
            g.writeNull();
        } else if (v instanceof Double || v instanceof Float) {
            value(g, ((Number) v).doubleValue());
        } else if (v instanceof Number n) {
            g.writeNumber(n.longValue());
        } else if (v instanceof Boolean b) {
            g.writeBoolean(b);
        } else if (v instanceof Map<?, ?> m) {
            g.writeStartObject();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                g.writeFieldName(String.valueOf(e.getKey()));
                any(g, e.getValue());
            }
            g.writeEndObject();
        } else if (v instanceof Iterable<?> list) {
            g.writeStartArray();
            for (Object o : list) {
                any(g, o);
            }
            g.writeEndArray();
        } else {
            g.writeString(String.valueOf(v));
        }
    }

    private static void options(JsonGenerator g, FitOptions o, int p) throws IOException {
        g.writeObjectFieldStart("options");
        number(g, "ftol", o.ftol());
        number(g, "xtol", o.xtol());
        number(g, "gtol", o.gtol());
        g.writeNumberField("max_iterations", o.maxIterations());
        g.writeNumberField("max_evaluations", o.evaluationLimit(p));
        if (o.xScale() == null) {
            g.writeStringField("x_scale", "jac");
        } else {
            g.writeFieldName("x_scale");
            array(g, o.xScale());
        }
        g.writeNumberField("polish_passes", o.polishPasses());
        g.writeEndObject();
    }

    /** {@code "bounds": {"a": [lo, hi], ...}} for every parameter, or null when unbounded. */
    private static void bounds(JsonGenerator g, FitProblem problem, List<String> names) throws IOException {
        if (!problem.bounded()) {
            g.writeNullField("bounds");
            return;
        }
        g.writeObjectFieldStart("bounds");
        for (int i = 0; i < names.size(); i++) {
            g.writeFieldName(names.get(i));
            array(g, new double[] {problem.lower(i), problem.upper(i)});
        }
        g.writeEndObject();
    }

    private static void named(JsonGenerator g, String field, List<String> names, double[] values) throws IOException {
        g.writeObjectFieldStart(field);
        for (int i = 0; i < values.length; i++) {
            number(g, names.get(i), values[i]);
        }
        g.writeEndObject();
    }

    private static void matrix(JsonGenerator g, String field, double[][] m) throws IOException {
        g.writeArrayFieldStart(field);
        for (double[] row : m) {
            array(g, row);
        }
        g.writeEndArray();
    }

    private static void array(JsonGenerator g, double[] values) throws IOException {
        g.writeStartArray();
        for (double v : values) {
            value(g, v);
        }
        g.writeEndArray();
    }

    private static void strings(JsonGenerator g, String field, List<String> values) throws IOException {
        g.writeArrayFieldStart(field);
        for (String v : values) {
            g.writeString(v);
        }
        g.writeEndArray();
    }

    private static void number(JsonGenerator g, String field, double v) throws IOException {
        g.writeFieldName(field);
        value(g, v);
    }

    private static void value(JsonGenerator g, double v) throws IOException {
        if (Double.isFinite(v)) {
            g.writeNumber(v);
        } else {
            g.writeString(Double.isNaN(v) ? "nan" : v > 0 ? "inf" : "-inf");
        }
    }
}
