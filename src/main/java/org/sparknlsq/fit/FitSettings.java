package org.sparknlsq.fit;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiConsumer;
import org.sparknlsq.io.DecimalParser;
import org.sparknlsq.robust.FaultTolerance;

/**
 * A whole fit described by a map of keys to plain values (strings, numbers, booleans, lists and
 * maps), as clients without Java types send it: the Python package, a JSON or YAML document. The
 * keys are the {@link org.sparknlsq.ml.CurveFit} Param names or the command line's option names,
 * in camel, snake or kebab case ({@code maxIterations}, {@code max_iterations}, {@code
 * max-iterations}); the command line's short names {@code x}, {@code y}, {@code sigma}, {@code
 * params}, {@code bounds} and {@code fix} work too. Every unknown key and unusable value is
 * reported at once, in an {@link InvalidSettingsException}.
 *
 * <p>Shapes: {@code x} a list or a comma-separated string; {@code params} a map of start values
 * (a map has no order to rely on: an expression's parameters take the order of their first
 * appearance in it, as in the Estimator);
 * {@code bounds} a map of {@code [lower, upper]} pairs ({@code null}, {@code "inf"} or {@code
 * "-inf"} for a free side); {@code fix} a list or a comma-separated string.
 *
 * @param data the input path or URI
 * @param format its format name, or null to infer it
 * @param output where the result document goes, or null
 * @param request the fit
 */
public record FitSettings(String data, String format, String output, FitRequest request) {

    /** Reads {@code options}; see the class comment. */
    public static FitSettings of(Map<String, ?> options) {
        Reader r = new Reader();
        for (Map.Entry<String, ?> e : options.entrySet()) {
            r.apply(e.getKey(), e.getValue());
        }
        if (r.data == null) {
            r.problems.add(new InvalidSettingsException.Problem("data", "no input given"));
        }
        for (String name : FitRequest.parameterOrder(r.model, r.starts.keySet())) {
            r.b.initialValue(name, r.starts.get(name));
        }
        r.b.faultTolerance(r.faultTolerance()).checkpoints(r.checkpoints);
        FitRequest request = null;
        try {
            request = r.b.build();
        } catch (InvalidSettingsException e) {
            r.problems.addAll(e.problems());
        }
        if (!r.problems.isEmpty()) {
            throw new InvalidSettingsException(r.problems);
        }
        return new FitSettings(r.data, r.format, r.output, request);
    }

    /** The normalized form of a key: lower case without {@code -} and {@code _}. */
    static String normalize(String key) {
        return key.replace("-", "").replace("_", "").toLowerCase(Locale.ROOT);
    }

    private static final class Reader {
        final FitRequest.Builder b = FitRequest.builder();
        final List<InvalidSettingsException.Problem> problems = new ArrayList<>();
        final Map<String, BiConsumer<String, Object>> setters = new LinkedHashMap<>();
        final Map<String, String> names = new LinkedHashMap<>();
        String data;
        String format;
        String output;
        String model;
        final Map<String, Double> starts = new LinkedHashMap<>();
        CheckpointSettings checkpoints = CheckpointSettings.none();
        boolean ftEnabled = FaultTolerance.defaults().enabled();
        boolean ftNumerics = FaultTolerance.defaults().validateNumerics();
        double ftRate = FaultTolerance.defaults().minSuccessRate();
        int ftRetries = FaultTolerance.defaults().maxRetriesPerBatch();
        int ftBuffer = FaultTolerance.defaults().batchStatsBufferSize();
        long ftSeed = FaultTolerance.defaults().seed();

        Reader() {
            on("data", (k, v) -> data = text(k, v));
            on("format", (k, v) -> format = text(k, v));
            on("output", (k, v) -> output = text(k, v));
            on("model", (k, v) -> b.model(model = text(k, v)));
            on("x", (k, v) -> b.xColumns(list(k, v)));
            on("xCols", (k, v) -> b.xColumns(list(k, v)));
            on("y", (k, v) -> b.yColumn(text(k, v)));
            on("yCol", (k, v) -> b.yColumn(text(k, v)));
            on("sigma", (k, v) -> b.sigmaColumn(text(k, v)));
            on("sigmaCol", (k, v) -> b.sigmaColumn(text(k, v)));
            on("params", this::starts);
            on("initialValues", this::starts);
            on("bounds", this::bounds);
            on("lowerBounds", (k, v) -> b.lowerBounds(numbers(k, v)));
            on("upperBounds", (k, v) -> b.upperBounds(numbers(k, v)));
            on("fix", (k, v) -> b.fixedParameters(list(k, v)));
            on("fixedParameters", (k, v) -> b.fixedParameters(list(k, v)));
            on("method", (k, v) -> b.method(text(k, v)));
            on("loss", (k, v) -> b.loss(text(k, v)));
            on("fScale", (k, v) -> b.fScale(number(k, v)));
            on("absoluteSigma", (k, v) -> b.absoluteSigma(bool(k, v)));
            on("ftol", (k, v) -> b.ftol(number(k, v)));
            on("xtol", (k, v) -> b.xtol(number(k, v)));
            on("gtol", (k, v) -> b.gtol(number(k, v)));
            on("maxIterations", (k, v) -> b.maxIterations((int) integer(k, v)));
            on("maxEvaluations", (k, v) -> b.maxEvaluations((int) integer(k, v)));
            on("xScale", (k, v) -> b.xScale(v instanceof List<?> l ? join(l) : text(k, v)));
            on("badRecords", (k, v) -> b.badRecords(text(k, v)));
            on("master", (k, v) -> b.master(text(k, v)));
            on("strategy", (k, v) -> b.strategy(text(k, v)));
            on("partitions", (k, v) -> b.partitions((int) integer(k, v)));
            on("batchPoints", (k, v) -> b.batchPoints(integer(k, v)));
            on("maxEpochs", (k, v) -> b.maxEpochs((int) integer(k, v)));
            on("forgettingFactor", (k, v) -> b.forgettingFactor(number(k, v)));
            on("validate", (k, v) -> b.validate(bool(k, v)));
            on("enableFaultTolerance", (k, v) -> ftEnabled = bool(k, v));
            on("validateNumerics", (k, v) -> ftNumerics = bool(k, v));
            on("minSuccessRate", (k, v) -> ftRate = number(k, v));
            on("maxRetriesPerBatch", (k, v) -> ftRetries = (int) integer(k, v));
            on("batchStatsBufferSize", (k, v) -> ftBuffer = (int) integer(k, v));
            on("recoverySeed", (k, v) -> ftSeed = integer(k, v));
            on(
                    "checkpointDir",
                    (k, v) -> checkpoints = new CheckpointSettings(
                            text(k, v),
                            checkpoints.every(),
                            checkpoints.keep(),
                            checkpoints.resume(),
                            checkpoints.force()));
            on("checkpointEvery", (k, v) -> checkpoints = checkpoints.withEvery((int) integer(k, v)));
            on("keepCheckpoints", (k, v) -> checkpoints = checkpoints.withKeep((int) integer(k, v)));
            on("resume", (k, v) -> checkpoints = checkpoints.withResume(text(k, v)));
            on("resumeForce", (k, v) -> checkpoints = checkpoints.withForce(bool(k, v)));
        }

        private void on(String key, BiConsumer<String, Object> setter) {
            setters.put(normalize(key), setter);
            names.put(normalize(key), key);
        }

        FaultTolerance faultTolerance() {
            return new FaultTolerance(ftEnabled, ftEnabled && ftNumerics, ftRate, ftRetries, ftBuffer, ftSeed);
        }

        void apply(String key, Object value) {
            BiConsumer<String, Object> setter = setters.get(normalize(key));
            if (setter == null) {
                problems.add(new InvalidSettingsException.Problem(key, "unknown setting" + suggestion(key)));
                return;
            }
            if (value == null) {
                return;
            }
            try {
                setter.accept(key, value);
            } catch (IllegalArgumentException e) {
                problems.add(new InvalidSettingsException.Problem(key, e.getMessage()));
            }
        }

        private String suggestion(String key) {
            List<String> near = NearestNames.nearest(normalize(key), setters.keySet());
            return near.isEmpty() ? "" : " (did you mean " + names.get(near.get(0)) + "?)";
        }

        private void starts(String key, Object v) {
            if (!(v instanceof Map<?, ?> m)) {
                throw new IllegalArgumentException("expected a map of start values, got " + v);
            }
            m.forEach((name, value) -> starts.put(String.valueOf(name), number(key + "." + name, value)));
        }

        private void bounds(String key, Object v) {
            if (!(v instanceof Map<?, ?> m)) {
                throw new IllegalArgumentException("expected a map of [lower, upper] pairs, got " + v);
            }
            m.forEach((name, pair) -> {
                if (!(pair instanceof List<?> l) || l.size() != 2) {
                    throw new IllegalArgumentException(
                            "the bounds of '" + name + "' must be [lower, upper], got " + pair);
                }
                b.bounds(
                        String.valueOf(name),
                        side(l.get(0), Double.NEGATIVE_INFINITY),
                        side(l.get(1), Double.POSITIVE_INFINITY));
            });
        }

        private double side(Object v, double none) {
            return v == null || String.valueOf(v).isBlank() ? none : number("bounds", v);
        }

        private Map<String, Double> numbers(String key, Object v) {
            if (!(v instanceof Map<?, ?> m)) {
                throw new IllegalArgumentException("expected a map of numbers by parameter name, got " + v);
            }
            Map<String, Double> out = new LinkedHashMap<>();
            m.forEach((name, value) -> out.put(String.valueOf(name), number(key, value)));
            return out;
        }
    }

    private static String text(String key, Object v) {
        if (v instanceof Map<?, ?> || v instanceof List<?>) {
            throw new IllegalArgumentException("expected text, got " + v);
        }
        return String.valueOf(v);
    }

    private static List<String> list(String key, Object v) {
        List<String> out = new ArrayList<>();
        if (v instanceof List<?> l) {
            l.forEach(e -> out.add(String.valueOf(e).strip()));
        } else {
            for (String s : text(key, v).split(",", -1)) {
                out.add(s.strip());
            }
        }
        return out;
    }

    private static String join(List<?> l) {
        List<String> parts = new ArrayList<>();
        l.forEach(e -> parts.add(String.valueOf(e)));
        return String.join(",", parts);
    }

    private static double number(String key, Object v) {
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        if (v instanceof String s) {
            try {
                return DecimalParser.parse(s.strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("cannot read '" + s + "' as a number");
            }
        }
        throw new IllegalArgumentException("expected a number, got " + v);
    }

    private static long integer(String key, Object v) {
        double d = number(key, v);
        if (d != Math.rint(d) || Math.abs(d) > 9.0e15) {
            throw new IllegalArgumentException("expected a whole number, got " + v);
        }
        return (long) d;
    }

    private static boolean bool(String key, Object v) {
        if (v instanceof Boolean b) {
            return b;
        }
        String s = String.valueOf(v).strip().toLowerCase(Locale.ROOT);
        return switch (s) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("expected true or false, got " + v);
        };
    }
}
