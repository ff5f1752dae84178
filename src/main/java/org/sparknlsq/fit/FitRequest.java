package org.sparknlsq.fit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.sparknlsq.io.BadRecordPolicy;
import org.sparknlsq.io.DecimalParser;
import org.sparknlsq.model.CurveModel;
import org.sparknlsq.model.builtin.BuiltinModels;
import org.sparknlsq.model.expr.ExpressionModel;
import org.sparknlsq.optim.FitOptions;
import org.sparknlsq.optim.Method;
import org.sparknlsq.optim.ProgressListener;
import org.sparknlsq.optim.streaming.StreamingOptions;
import org.sparknlsq.problem.FitProblem;
import org.sparknlsq.problem.Loss;
import org.sparknlsq.robust.FaultTolerance;
import org.sparknlsq.strategy.Strategy;

/**
 * Everything a fit needs besides the data, checked as a whole: one {@link Builder} yields one
 * request, and {@link Builder#build()} reports every unusable setting at once in an {@link
 * InvalidSettingsException} whose problems carry the setting's key (the {@link
 * org.sparknlsq.ml.CurveFit} Param name). The model is compiled by {@code build()}, so a typo in
 * the expression costs milliseconds, not a read of the data.
 *
 * <p>Parameter order: a built-in model has its own; for an expression it is the order in which
 * the start values were given.
 *
 * @param modelText the model as the user gave it: an expression or {@code builtin:NAME}
 * @param xColumns the independent-variable columns (an HDF5 dataset path such as {@code /scan/t}
 *     is called by its last component, {@code t}, in the expression)
 * @param yColumn the observation column
 * @param sigmaColumn the standard-deviation column, or null
 * @param problem the model over every parameter, the start values, bounds and loss
 * @param fixed the parameters held at their start values, in model order (all false by default)
 * @param options the optimizer options; {@code xScale}, when given, has one entry per parameter
 * @param badRecords what to do with a missing, non-finite or non-positive-sigma value
 * @param strategy how the data are held, or null to choose by size and memory
 * @param partitions cut the data into this many equal partitions along the row order (0: as read)
 * @param batchPoints STREAMING points per batch (0: automatic)
 * @param streaming the STREAMING options
 * @param validate also fit the same points with STANDARD on the driver and compare
 * @param checkpoints where checkpoints go and whether to resume
 * @param master the Spark master for a session this library opens (null: spark-submit's, else
 *     {@code local[*]}); also sends a file that would be fitted without Spark to Spark
 * @param progress where progress goes
 */
public record FitRequest(
        String modelText,
        List<String> xColumns,
        String yColumn,
        String sigmaColumn,
        FitProblem problem,
        boolean[] fixed,
        FitOptions options,
        BadRecordPolicy badRecords,
        Strategy strategy,
        int partitions,
        long batchPoints,
        StreamingOptions streaming,
        boolean validate,
        CheckpointSettings checkpoints,
        String master,
        ProgressListener progress) {

    /** Names an expression reads as constants; refused as parameter or variable names. */
    static final List<String> CONSTANTS = List.of("pi", "e");

    /** The prefix of a built-in model's name. */
    public static final String BUILTIN = "builtin:";

    public FitRequest {
        xColumns = List.copyOf(xColumns);
        fixed = fixed.clone();
    }

    public static Builder builder() {
        return new Builder();
    }

    public List<String> parameterNames() {
        return problem.model().parameterNames();
    }

    /** The names of the fixed parameters, in model order. */
    public List<String> fixedParameters() {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < fixed.length; i++) {
            if (fixed[i]) {
                out.add(parameterNames().get(i));
            }
        }
        return out;
    }

    FixedParameters fixing() {
        return new FixedParameters(problem.model(), fixed, problem.start());
    }

    /** The problem the optimizer solves: over the free parameters only. */
    FitProblem solverProblem() {
        FixedParameters f = fixing();
        if (!f.any()) {
            return problem;
        }
        return new FitProblem(
                f.reducedModel(),
                f.free(problem.start()),
                f.free(problem.lower()),
                f.free(problem.upper()),
                problem.loss(),
                problem.fScale(),
                problem.absoluteSigma());
    }

    /** The optimizer options for {@link #solverProblem()}: the x-scale of the free parameters. */
    FitOptions solverOptions() {
        return options.xScale() == null ? options : options.withXScale(fixing().free(options.xScale()));
    }

    /**
     * The model's names for the x columns: an HDF5 dataset path such as {@code /scan/t} is called
     * by its last component; other names as given.
     */
    static List<String> variableNames(List<String> columns) {
        List<String> names = new ArrayList<>();
        for (String c : columns) {
            names.add(c.substring(c.lastIndexOf('/') + 1));
        }
        return names;
    }

    /**
     * Collects settings; {@link #build()} checks them together. Setters with text (method, loss,
     * strategy, ...) accept the command line's spellings, case-insensitive.
     */
    public static final class Builder {
        private String model;
        private List<String> x = List.of();
        private String y;
        private String sigma;
        private final Map<String, Double> start = new LinkedHashMap<>();
        private final Map<String, Double> lower = new LinkedHashMap<>();
        private final Map<String, Double> upper = new LinkedHashMap<>();
        private final Set<String> fixed = new LinkedHashSet<>();
        private String loss = "linear";
        private double fScale = 1.0;
        private boolean absoluteSigma;
        private String method = "trf";
        private final FitOptions defaults = FitOptions.defaults();
        private double ftol = defaults.ftol();
        private double xtol = defaults.xtol();
        private double gtol = defaults.gtol();
        private int maxIterations = defaults.maxIterations();
        private int maxEvaluations = defaults.maxEvaluations();
        private int polishPasses = defaults.polishPasses();
        private String xScale = "jac";
        private String badRecords = "failfast";
        private String strategy = "auto";
        private int partitions;
        private long batchPoints;
        private int maxEpochs = StreamingOptions.defaults().maxEpochs();
        private double forgettingFactor = StreamingOptions.defaults().forgettingFactor();
        private boolean validate;
        private FaultTolerance faultTolerance = FaultTolerance.defaults();
        private CheckpointSettings checkpoints = CheckpointSettings.none();
        private String master;
        private ProgressListener progress = ProgressListener.NONE;
        private final List<InvalidSettingsException.Problem> early = new ArrayList<>();

        private Builder() {}

        /** An expression such as {@code a*exp(-b*x) + c}, or {@code builtin:NAME}. */
        public Builder model(String m) {
            model = m;
            return this;
        }

        public Builder xColumns(List<String> cols) {
            x = List.copyOf(cols);
            return this;
        }

        public Builder xColumns(String... cols) {
            return xColumns(Arrays.asList(cols));
        }

        public Builder yColumn(String c) {
            y = c;
            return this;
        }

        /** The sigma column (weights 1/σ²), or null for none. */
        public Builder sigmaColumn(String c) {
            sigma = c;
            return this;
        }

        /** Adds a parameter with its start value; for an expression the order of calls is the parameter order. */
        public Builder initialValue(String name, double value) {
            if (start.containsKey(name)) {
                early.add(new InvalidSettingsException.Problem(
                        "initialValues", "parameter '" + name + "' is given twice"));
            }
            start.put(name, value);
            return this;
        }

        /** {@link #initialValue} for each entry, in the map's iteration order. */
        public Builder initialValues(Map<String, Double> values) {
            values.forEach(this::initialValue);
            return this;
        }

        /** Bounds of one parameter; ±∞ for a free side. Unlisted parameters are unbounded. */
        public Builder bounds(String name, double lo, double hi) {
            lower.put(name, lo);
            upper.put(name, hi);
            return this;
        }

        public Builder lowerBounds(Map<String, Double> lo) {
            lower.putAll(lo);
            return this;
        }

        public Builder upperBounds(Map<String, Double> hi) {
            upper.putAll(hi);
            return this;
        }

        /** Holds these parameters at their start values (lmfit's {@code vary=False}). */
        public Builder fixedParameters(List<String> names) {
            fixed.addAll(names);
            return this;
        }

        /** {@code linear}, {@code soft_l1}, {@code huber}, {@code cauchy} or {@code arctan}. */
        public Builder loss(String l) {
            loss = l;
            return this;
        }

        public Builder fScale(double c) {
            fScale = c;
            return this;
        }

        public Builder absoluteSigma(boolean a) {
            absoluteSigma = a;
            return this;
        }

        /** {@code trf} (default; bounds) or {@code lm}. */
        public Builder method(String m) {
            method = m;
            return this;
        }

        public Builder tolerances(double f, double x, double g) {
            ftol = f;
            xtol = x;
            gtol = g;
            return this;
        }

        /** Relative cost tolerance. */
        public Builder ftol(double f) {
            ftol = f;
            return this;
        }

        /** Relative step tolerance. */
        public Builder xtol(double x) {
            xtol = x;
            return this;
        }

        /** Gradient tolerance. */
        public Builder gtol(double g) {
            gtol = g;
            return this;
        }

        public Builder maxIterations(int n) {
            maxIterations = n;
            return this;
        }

        /** Most evaluations of the data; 0 means 200·(p+1). */
        public Builder maxEvaluations(int n) {
            maxEvaluations = n;
            return this;
        }

        public Builder polishPasses(int n) {
            polishPasses = n;
            return this;
        }

        /** {@code jac} (default) or one positive number per parameter, comma-separated, in model order. */
        public Builder xScale(String s) {
            xScale = s;
            return this;
        }

        /** {@code failfast} (default) or {@code drop}. */
        public Builder badRecords(String policy) {
            badRecords = policy;
            return this;
        }

        /** {@code auto} (default), {@code standard}, {@code large}, {@code chunked} or {@code streaming}. */
        public Builder strategy(String s) {
            strategy = s;
            return this;
        }

        public Builder partitions(int n) {
            partitions = n;
            return this;
        }

        public Builder batchPoints(long n) {
            batchPoints = n;
            return this;
        }

        public Builder maxEpochs(int n) {
            maxEpochs = n;
            return this;
        }

        public Builder forgettingFactor(double lambda) {
            forgettingFactor = lambda;
            return this;
        }

        public Builder validate(boolean v) {
            validate = v;
            return this;
        }

        public Builder faultTolerance(FaultTolerance ft) {
            faultTolerance = ft;
            return this;
        }

        public Builder checkpoints(CheckpointSettings c) {
            checkpoints = c;
            return this;
        }

        public Builder master(String m) {
            master = m;
            return this;
        }

        public Builder progress(ProgressListener p) {
            progress = p;
            return this;
        }

        /** Checks every setting, compiles the model and returns the request. */
        public FitRequest build() {
            List<InvalidSettingsException.Problem> problems = new ArrayList<>(early);
            Problems p = new Problems(problems);
            List<String> xCols = columns(p);
            String yCol = column(p, "yCol", y, true);
            String sigmaCol = column(p, "sigmaCol", sigma, false);
            if (yCol != null && xCols != null && xCols.contains(yCol)) {
                p.add("yCol", "'" + yCol + "' is also an x column: the fit would model a column by itself");
            }
            if (sigmaCol != null && (sigmaCol.equals(yCol) || (xCols != null && xCols.contains(sigmaCol)))) {
                p.add("sigmaCol", "'" + sigmaCol + "' is also the y column or an x column; sigma needs its own column");
            }
            Loss l = p.parse("loss", () -> Loss.parse(loss));
            Method m = p.parse("method", () -> parseMethod(method));
            BadRecordPolicy policy = p.parse("badRecords", () -> BadRecordPolicy.parse(badRecords));
            Strategy s = p.parse("strategy", () -> Strategy.parse(strategy));
            if (partitions < 0) {
                p.add("partitions", "expected 0 (as read) or more, got " + partitions);
            }
            if (batchPoints < 0) {
                p.add("batchPoints", "expected 0 (automatic) or more, got " + batchPoints);
            }
            StreamingOptions streaming =
                    StreamingOptions.defaults().withMaxEpochs(maxEpochs).withForgettingFactor(forgettingFactor);
            p.addAll(streaming.validate());
            checkCheckpoints(p);
            CurveModel curve = xCols == null ? null : model(p, xCols);
            FitProblem problem = null;
            boolean[] fixedMask = null;
            FitOptions options = null;
            if (curve != null) {
                List<String> names = curve.parameterNames();
                double[] p0 = startValues(p, names);
                double[][] lohi = bounds(p, names);
                fixedMask = fixedMask(p, names);
                double[] scale = p.parse("xScale", () -> parseXScale(xScale, names));
                options = FitOptions.defaults()
                        .withMethod(m == null ? Method.TRF : m)
                        .withTolerances(ftol, xtol, gtol)
                        .withMaxIterations(maxIterations)
                        .withMaxEvaluations(maxEvaluations)
                        .withPolishPasses(polishPasses)
                        .withXScale(scale)
                        .withFaultTolerance(faultTolerance);
                p.addAll(options.validate());
                if (m == Method.LM && lohi != null && hasFiniteBound(lohi)) {
                    p.add("method", "lm does not support bounds; use trf (the default) or drop the bounds");
                }
                if (p0 != null && l != null && problems.isEmpty()) {
                    try {
                        problem = new FitProblem(
                                curve,
                                p0,
                                lohi == null ? null : lohi[0],
                                lohi == null ? null : lohi[1],
                                l,
                                fScale,
                                absoluteSigma);
                    } catch (IllegalArgumentException e) {
                        for (String msg : e.getMessage().split("; ")) {
                            if (msg.startsWith("fScale ")) {
                                p.add("fScale", msg.substring("fScale ".length()));
                            } else {
                                p.add("initialValues", msg);
                            }
                        }
                    }
                }
            } else if (!(fScale > 0) || !Double.isFinite(fScale)) {
                p.add("fScale", "must be positive and finite, got " + fScale);
            }
            if (!problems.isEmpty()) {
                throw new InvalidSettingsException(problems);
            }
            return new FitRequest(
                    model.strip(),
                    xCols,
                    yCol,
                    sigmaCol,
                    problem,
                    fixedMask,
                    options,
                    policy,
                    s,
                    partitions,
                    batchPoints,
                    streaming,
                    validate,
                    checkpoints,
                    master,
                    progress);
        }

        private List<String> columns(Problems p) {
            if (x.isEmpty()) {
                p.add("xCols", "expected at least one column");
                return null;
            }
            List<String> cols = new ArrayList<>();
            for (String c : x) {
                String col = column(p, "xCols", c, true);
                if (col != null && cols.contains(col)) {
                    p.add("xCols", "column '" + col + "' is listed twice");
                }
                cols.add(col);
            }
            List<String> names =
                    variableNames(cols.stream().map(c -> c == null ? "" : c).toList());
            for (int i = 0; i < names.size(); i++) {
                if (names.indexOf(names.get(i)) != i && !cols.get(i).equals(cols.get(names.indexOf(names.get(i))))) {
                    p.add(
                            "xCols",
                            "columns " + cols + " give the model the variable '" + names.get(i)
                                    + "' twice; rename a dataset");
                }
            }
            return cols.contains(null) ? null : cols;
        }

        private static String column(Problems p, String key, String c, boolean required) {
            if (c == null) {
                if (required) {
                    p.add(key, "expected a column name, got none");
                }
                return null;
            }
            if (c.isBlank()) {
                p.add(key, "expected a column name, got an empty value");
                return null;
            }
            return c.strip();
        }

        private CurveModel model(Problems p, List<String> xCols) {
            if (model == null || model.isBlank()) {
                p.add("model", "expected an expression or builtin:NAME, got an empty value");
                return null;
            }
            String spec = model.strip();
            List<String> variables = variableNames(xCols);
            if (spec.startsWith(BUILTIN)) {
                CurveModel b = p.parse("model", () -> BuiltinModels.byName(spec.substring(BUILTIN.length())));
                if (b != null && b.variableCount() != xCols.size()) {
                    p.add(
                            "xCols",
                            spec + " has " + b.variableCount() + " variable(s) (" + String.join(", ", b.variableNames())
                                    + "), got " + xCols.size() + " column(s) (" + String.join(", ", xCols) + ")");
                    return null;
                }
                return b;
            }
            for (String name : start.keySet()) {
                if (CONSTANTS.contains(name)) {
                    p.add(
                            "initialValues",
                            "'" + name + "' is a constant of the expression language ("
                                    + (name.equals("pi") ? "3.14159..." : "2.71828...")
                                    + "); a parameter of that name would"
                                    + " hide it, so name the parameter differently (" + name + "0, say)");
                    return null;
                }
            }
            for (String name : variables) {
                if (CONSTANTS.contains(name)) {
                    p.add(
                            "xCols",
                            "'" + name + "' is a constant of the expression language; a variable of that name"
                                    + " would hide it, so rename the column");
                    return null;
                }
            }
            for (String name : start.keySet()) {
                if (variables.contains(name)) {
                    p.add("initialValues", "'" + name + "' is both a parameter and a variable (an x column)");
                    return null;
                }
            }
            if (start.isEmpty()) {
                p.add("initialValues", "expected a start value for each parameter of the expression, got none");
                return null;
            }
            try {
                return ExpressionModel.compile(spec, variables, List.copyOf(start.keySet()));
            } catch (IllegalArgumentException e) {
                // an ExpressionException already says "model expression: ... at column n"
                p.add("model", e.getMessage().replaceFirst("^model expression: ", ""));
                return null;
            }
        }

        private double[] startValues(Problems p, List<String> names) {
            List<String> unknown = new ArrayList<>();
            for (String n : start.keySet()) {
                if (!names.contains(n)) {
                    unknown.add(n);
                }
            }
            for (String n : unknown) {
                p.add(
                        "initialValues",
                        "'" + n + "' is not a parameter of " + model.strip() + " (parameters: "
                                + String.join(", ", names) + ")");
            }
            List<String> missing = new ArrayList<>();
            double[] p0 = new double[names.size()];
            for (int i = 0; i < p0.length; i++) {
                Double v = start.get(names.get(i));
                if (v == null) {
                    missing.add(names.get(i));
                } else if (!Double.isFinite(v)) {
                    p.add("initialValues", "the start value of '" + names.get(i) + "' must be finite, got " + v);
                } else {
                    p0[i] = v;
                }
            }
            if (!missing.isEmpty()) {
                String needs = model.strip().startsWith(BUILTIN)
                        ? "; " + model.strip() + " = " + builtinFormula(model.strip()) + " needs "
                                + String.join(", ", names)
                        : "";
                p.add("initialValues", "no start value for " + String.join(", ", missing) + needs);
            }
            return unknown.isEmpty() && missing.isEmpty() ? p0 : null;
        }

        /** {lower, upper} in model order, or null when none is given. */
        private double[][] bounds(Problems p, List<String> names) {
            if (lower.isEmpty() && upper.isEmpty()) {
                return null;
            }
            double[] lo = new double[names.size()];
            double[] hi = new double[names.size()];
            Arrays.fill(lo, Double.NEGATIVE_INFINITY);
            Arrays.fill(hi, Double.POSITIVE_INFINITY);
            // each unknown name once, though it has two sides
            Set<String> given = new LinkedHashSet<>(lower.keySet());
            given.addAll(upper.keySet());
            boolean ok = true;
            for (String name : given) {
                if (!names.contains(name)) {
                    p.add(
                            "lowerBounds",
                            "'" + name + "' is not a parameter of the model (parameters: " + String.join(", ", names)
                                    + ")");
                    ok = false;
                }
            }
            lower.forEach((name, v) -> {
                if (names.contains(name)) {
                    lo[names.indexOf(name)] = v;
                }
            });
            upper.forEach((name, v) -> {
                if (names.contains(name)) {
                    hi[names.indexOf(name)] = v;
                }
            });
            // every parameter's bounds are checked, so that one run reports them all
            for (int i = 0; i < lo.length; i++) {
                if (Double.isNaN(lo[i]) || Double.isNaN(hi[i])) {
                    p.add("lowerBounds", "the bounds of '" + names.get(i) + "' must not be NaN");
                    ok = false;
                } else if (!(lo[i] < hi[i])) {
                    p.add(
                            "lowerBounds",
                            "the lower bound of '" + names.get(i) + "' (" + format(lo[i])
                                    + ") must be below its upper bound (" + format(hi[i]) + ")");
                    ok = false;
                } else if (start.containsKey(names.get(i))
                        && (start.get(names.get(i)) < lo[i] || start.get(names.get(i)) > hi[i])) {
                    p.add(
                            "initialValues",
                            "the start value of '" + names.get(i) + "' (" + format(start.get(names.get(i)))
                                    + ") is outside its bounds [" + format(lo[i]) + ", " + format(hi[i]) + "]");
                    ok = false;
                }
            }
            return ok ? new double[][] {lo, hi} : null;
        }

        private boolean[] fixedMask(Problems p, List<String> names) {
            boolean[] mask = new boolean[names.size()];
            for (String f : fixed) {
                int i = names.indexOf(f);
                if (i < 0) {
                    p.add(
                            "fixedParameters",
                            "'" + f + "' is not a parameter of the model (parameters: " + String.join(", ", names)
                                    + ")");
                } else {
                    mask[i] = true;
                }
            }
            if (!names.isEmpty() && fixed.containsAll(names)) {
                p.add("fixedParameters", "every parameter is fixed; at least one must vary");
            }
            return mask;
        }

        private void checkCheckpoints(Problems p) {
            CheckpointSettings c = checkpoints;
            if (c.every() < 1) {
                p.add("checkpointEvery", "expected 1 or more, got " + c.every());
            }
            if (c.keep() < 1) {
                p.add("keepCheckpoints", "expected 1 or more, got " + c.keep());
            }
            if ("auto".equals(c.resume()) && c.dir() == null) {
                p.add("resume", "auto needs a checkpoint directory");
            }
            if (c.resume() != null && c.resume().isBlank()) {
                p.add("resume", "expected auto or a checkpoint path, got an empty value");
            }
        }

        private static boolean hasFiniteBound(double[][] lohi) {
            for (int i = 0; i < lohi[0].length; i++) {
                if (lohi[0][i] != Double.NEGATIVE_INFINITY || lohi[1][i] != Double.POSITIVE_INFINITY) {
                    return true;
                }
            }
            return false;
        }
    }

    private static String builtinFormula(String spec) {
        return BuiltinModels.byName(spec.substring(BUILTIN.length())).describe();
    }

    /**
     * Names in the order of first appearance in the expression {@code model}; names it does not
     * use follow in sorted order (and are then reported by {@link Builder#build()}). The parameter
     * order for start values that come in a map (the Estimator's, the keyed settings'), where no
     * order can be relied on; a built-in model keeps its own.
     */
    public static List<String> parameterOrder(String model, java.util.Collection<String> names) {
        List<String> order = new ArrayList<>();
        if (model != null && !model.strip().startsWith(BUILTIN)) {
            for (String n : ExpressionModel.namesInOrder(model)) {
                if (names.contains(n)) {
                    order.add(n);
                }
            }
        }
        for (String n : new java.util.TreeSet<>(names)) {
            if (!order.contains(n)) {
                order.add(n);
            }
        }
        return order;
    }

    static Method parseMethod(String m) {
        return switch (m.strip().toLowerCase(Locale.ROOT)) {
            case "trf" -> Method.TRF;
            case "lm" -> Method.LM;
            default -> throw new IllegalArgumentException("unknown method '" + m + "' (expected trf or lm)");
        };
    }

    /** {@code jac} (null: scale by the Jacobian) or one positive number per parameter. */
    static double[] parseXScale(String text, List<String> parameters) {
        if (text == null || text.strip().equalsIgnoreCase("jac")) {
            return null;
        }
        String[] items = text.split(",", -1);
        if (items.length != parameters.size()) {
            throw new IllegalArgumentException("expected 'jac' or " + parameters.size()
                    + " positive numbers (one per parameter: " + String.join(", ", parameters) + "), got "
                    + items.length);
        }
        double[] scale = new double[items.length];
        for (int i = 0; i < scale.length; i++) {
            String who = "the scale of '" + parameters.get(i) + "'";
            try {
                scale[i] = DecimalParser.parse(items[i].strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("cannot parse '" + items[i].strip() + "' as " + who);
            }
            if (!(scale[i] > 0) || !Double.isFinite(scale[i])) {
                throw new IllegalArgumentException(who + " must be positive and finite, got " + items[i].strip());
            }
        }
        return scale;
    }

    /** A number for a message: integers without a decimal point, infinities as {@code inf}. */
    static String format(double v) {
        if (Double.isInfinite(v)) {
            return v > 0 ? "inf" : "-inf";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return Double.toString(v);
    }

    /** Collects keyed problems; library messages that start with their field's name give the key. */
    private record Problems(List<InvalidSettingsException.Problem> list) {
        void add(String key, String message) {
            list.add(new InvalidSettingsException.Problem(key, message));
        }

        /** Messages of the options' own {@code validate()}, which begin with the field name. */
        void addAll(List<String> messages) {
            for (String m : messages) {
                int space = m.indexOf(' ');
                String first = space < 0 ? m : m.substring(0, space);
                if (first.matches("[a-z][A-Za-z]*") && !first.equals("at")) {
                    add(first, m.substring(space + 1));
                } else {
                    add("ftol", m);
                }
            }
        }

        <T> T parse(String key, Supplier<T> parser) {
            try {
                return parser.get();
            } catch (IllegalArgumentException e) {
                add(key, e.getMessage());
                return null;
            }
        }
    }
}
