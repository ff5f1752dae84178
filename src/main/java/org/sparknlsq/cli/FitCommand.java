package org.sparknlsq.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.sparknlsq.io.AtomicFile;
import org.sparknlsq.io.BadRecordPolicy;
import org.sparknlsq.io.CsvData;
import org.sparknlsq.io.CsvReader;
import org.sparknlsq.io.CsvRequest;
import org.sparknlsq.io.DataException;
import org.sparknlsq.io.FitResultJson;
import org.sparknlsq.kernel.BlockKernel;
import org.sparknlsq.kernel.LocalSource;
import org.sparknlsq.optim.CurveFitter;
import org.sparknlsq.optim.FitMonitor;
import org.sparknlsq.optim.FitOptions;
import org.sparknlsq.optim.FitResult;
import org.sparknlsq.optim.Method;
import org.sparknlsq.problem.FitProblem;
import org.sparknlsq.problem.Loss;
import org.sparknlsq.robust.NumericalException;
import picocli.CommandLine.Command;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code spark-nlsq fit}: fits a model to columns of a local CSV file in this JVM (the STANDARD
 * strategy, no Spark), prints a brief report and optionally writes the result as JSON.
 *
 * <p>Order of work: every option is validated (and the model compiled) before the data are read,
 * and the output path is checked before the fit, so a typo costs milliseconds, not a full read and
 * fit. Failures are thrown and turned into one line and an {@link ExitCode} by {@link Main}.
 */
@Command(
        name = "fit",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        sortOptions = false,
        defaultValueProvider = FitCommand.OptimizerDefaults.class,
        description = "Fit a model to columns of a CSV file on the local cores (no Spark).")
final class FitCommand implements Callable<Integer> {
    /** The strategy name in the result: in-memory data on the local cores. */
    static final String STRATEGY = "STANDARD";

    @Spec
    CommandSpec spec;

    @Option(
            names = "--data",
            required = true,
            paramLabel = "FILE",
            description = "CSV file with a header row (.tsv/.tab: tab-separated; .gz: compressed).")
    Path data;

    @Option(
            names = "--x",
            required = true,
            paramLabel = "COLS",
            description = "Independent-variable column(s), comma-separated; an expression uses these names.")
    String x;

    @Option(names = "--y", required = true, paramLabel = "COL", description = "Observation column.")
    String y;

    @Option(names = "--sigma", paramLabel = "COL", description = "Standard-deviation column (weights 1/sigma^2).")
    String sigma;

    @Option(
            names = "--model",
            required = true,
            paramLabel = "EXPR|builtin:NAME",
            description = "Model expression, e.g. 'a*exp(-b*x)+c', or builtin:NAME.")
    String model;

    @Option(
            names = "--params",
            required = true,
            paramLabel = "NAME=VALUE,...",
            description = "Start values; for an expression also the parameter names, in order.")
    String params;

    @Option(
            names = "--bounds",
            paramLabel = "NAME=LO:HI,...",
            description = "Bounds (inf/-inf or an empty side for none); unlisted parameters are free.")
    String bounds;

    @Option(
            names = "--method",
            defaultValue = "trf",
            paramLabel = "trf|lm",
            description = "Trust Region Reflective (default, bounds) or Levenberg-Marquardt (no bounds).")
    String method;

    @Option(
            names = "--loss",
            defaultValue = "linear",
            paramLabel = "NAME",
            description = "linear (default), soft_l1, huber, cauchy or arctan.")
    String loss;

    @Option(
            names = "--f-scale",
            defaultValue = "1.0",
            paramLabel = "C",
            description = "Residual scale of a robust loss (default 1).")
    double fScale;

    @Option(
            names = "--absolute-sigma",
            description = "Sigma is absolute: do not scale the covariance by the reduced chi-squared.")
    boolean absoluteSigma;

    @Option(names = "--ftol", paramLabel = "F", description = "Relative cost tolerance (default ${DEFAULT-VALUE}).")
    double ftol;

    @Option(names = "--xtol", paramLabel = "X", description = "Relative step tolerance (default ${DEFAULT-VALUE}).")
    double xtol;

    @Option(names = "--gtol", paramLabel = "G", description = "Gradient tolerance (default ${DEFAULT-VALUE}).")
    double gtol;

    @Option(
            names = "--max-iterations",
            paramLabel = "N",
            description = "Most accepted steps (default ${DEFAULT-VALUE}).")
    int maxIterations;

    @Option(
            names = "--max-evaluations",
            paramLabel = "N",
            description = "Most evaluations of the data (default ${DEFAULT-VALUE}: 100*(p+1)).")
    int maxEvaluations;

    @Option(
            names = "--x-scale",
            defaultValue = "jac",
            paramLabel = "jac|S1,S2,...",
            description = "Parameter scales: jac (default, from the Jacobian) or one number per parameter.")
    String xScale;

    @Option(
            names = "--bad-records",
            defaultValue = "failfast",
            paramLabel = "failfast|drop",
            description = "Records with a missing, non-finite or (sigma) non-positive value: "
                    + "stop (default) or drop and count them.")
    String badRecords;

    @Option(names = "--output", paramLabel = "FILE", description = "Write the result as JSON (atomically).")
    Path output;

    @Option(names = "--quiet", description = "Print nothing on success.")
    boolean quiet;

    @Override
    public Integer call() {
        long t0 = System.nanoTime();
        List<String> xColumns = ParameterArgs.columns("--x", x);
        String yColumn = column("--y", y);
        String sigmaColumn = sigma == null ? null : column("--sigma", sigma);
        BadRecordPolicy policy = parse("--bad-records", () -> BadRecordPolicy.parse(badRecords));
        FitProblem problem = problem(xColumns);
        FitOptions options = options(problem.model().parameterNames());
        checkOutput();

        long t1 = System.nanoTime();
        CsvData csv = read(new CsvRequest(xColumns, yColumn, sigmaColumn, policy));
        double readSeconds = (System.nanoTime() - t1) / 1e9;
        int p = problem.parameterCount();
        if (csv.points() < p) {
            throw new DataException(
                    DataException.Reason.EMPTY,
                    csv.file(),
                    0,
                    null,
                    csv.points() + " data row(s) but the model has " + p + " parameters: the fit is underdetermined");
        }

        long t2 = System.nanoTime();
        FitResult result = fit(problem, csv, options);
        double fitSeconds = (System.nanoTime() - t2) / 1e9;
        PrintWriter out = spec.commandLine().getOut();
        if (!quiet) {
            out.print(result.briefReport());
            if (csv.droppedRecords() > 0) {
                out.println("dropped " + csv.droppedRecords() + " bad record(s) (--bad-records drop); first: "
                        + csv.firstDropped());
            }
            out.flush();
        }
        if (output != null) {
            FitResultJson.Provenance src = new FitResultJson.Provenance(
                    Version.current(),
                    model.strip(),
                    data.toString(),
                    xColumns,
                    yColumn,
                    sigmaColumn,
                    policy,
                    csv.droppedRecords(),
                    readSeconds,
                    fitSeconds,
                    (System.nanoTime() - t0) / 1e9);
            try {
                AtomicFile.write(output, o -> FitResultJson.write(o, result, problem, options, src));
            } catch (IOException e) {
                throw new CliException(ExitCode.CONFIG_ERROR, "--output: cannot write " + output + ": " + reason(e), e);
            }
        }
        if (!result.success()) {
            PrintWriter err = spec.commandLine().getErr();
            err.println(Main.ERROR_PREFIX + "the fit did not converge: " + result.message()
                    + (output == null ? "" : " (best parameters written to " + output + ")"));
            err.flush();
            return ExitCode.NOT_CONVERGED.code();
        }
        return ExitCode.SUCCESS.code();
    }

    /** The model, start values, bounds and loss; all option errors are exit 2. */
    private FitProblem problem(List<String> xColumns) {
        ParameterArgs.Starts starts = ParameterArgs.parseParams(params);
        ModelChoice choice = ModelChoice.of(model, xColumns, starts);
        List<String> names = choice.model().parameterNames();
        double[][] lowerUpper = ParameterArgs.parseBounds(bounds, names);
        double[] lower = lowerUpper == null ? null : lowerUpper[0];
        double[] upper = lowerUpper == null ? null : lowerUpper[1];
        if (lowerUpper != null) {
            ParameterArgs.checkStart(names, choice.start(), lower, upper);
        }
        Loss l = parse("--loss", () -> Loss.parse(loss));
        try {
            FitProblem problem = new FitProblem(choice.model(), choice.start(), lower, upper, l, fScale, absoluteSigma);
            if (parseMethod() == Method.LM && problem.bounded()) {
                throw CliException.config(
                        "--method lm does not support bounds; use --method trf (the default) or drop --bounds");
            }
            return problem;
        } catch (IllegalArgumentException e) {
            throw CliException.config(cliNames(e.getMessage()));
        }
    }

    private FitOptions options(List<String> parameters) {
        FitOptions o = FitOptions.defaults()
                .withMethod(parseMethod())
                .withTolerances(ftol, xtol, gtol)
                .withMaxIterations(maxIterations)
                .withMaxEvaluations(maxEvaluations)
                .withXScale(ParameterArgs.parseXScale(xScale, parameters));
        List<String> errors = o.validate();
        if (!errors.isEmpty()) {
            throw CliException.config(cliNames(String.join("; ", errors)));
        }
        return o;
    }

    private Method parseMethod() {
        return switch (method.strip().toLowerCase(Locale.ROOT)) {
            case "trf" -> Method.TRF;
            case "lm" -> Method.LM;
            default -> throw CliException.config("--method: unknown method '" + method + "' (expected trf or lm)");
        };
    }

    /** Fails before the fit, not after it, when the result could not be written. */
    private void checkOutput() {
        if (output == null) {
            return;
        }
        Path target = output.toAbsolutePath();
        Path dir = target.getParent();
        if (Files.isDirectory(target)) {
            throw CliException.config("--output: " + output + " is a directory");
        }
        if (dir == null || !Files.isDirectory(dir)) {
            throw CliException.config("--output: directory " + dir + " does not exist");
        }
        if (!Files.isWritable(dir)) {
            throw CliException.config("--output: directory " + dir + " is not writable");
        }
    }

    private CsvData read(CsvRequest request) {
        try {
            return CsvReader.read(data, request);
        } catch (DataException e) {
            if (e.reason() == DataException.Reason.BAD_VALUE) {
                throw new CliException(
                        ExitCode.DATA_ERROR, e.getMessage() + " (--bad-records drop skips such records)", e);
            }
            throw e;
        }
    }

    /**
     * Runs the fit on the blocks as read (they have the local source's chunk size, so nothing is
     * copied). A model that is not finite at the start is reported at its line in the file.
     */
    private static FitResult fit(FitProblem problem, CsvData csv, FitOptions options) {
        BlockKernel kernel = new BlockKernel(problem.model(), problem.loss(), problem.fScale());
        LocalSource source = new LocalSource(kernel, csv.blocks(), LocalSource.DEFAULT_CHUNK_SIZE, null);
        try {
            return CurveFitter.fit(problem, source, options, FitMonitor.NONE, STRATEGY);
        } catch (NumericalException e) {
            long[] where = e.sampleIndexes();
            long line =
                    e.point() == NumericalException.DetectionPoint.LOSS && where.length > 0 ? csv.lineOf(where[0]) : 0;
            StringBuilder starts = new StringBuilder();
            List<String> names = problem.model().parameterNames();
            for (int i = 0; i < names.size(); i++) {
                starts.append(i == 0 ? "" : ", ")
                        .append(names.get(i))
                        .append('=')
                        .append(ParameterArgs.format(problem.start()[i]));
            }
            // The library counts points from 0; with a line number that index would only confuse.
            String message = line > 0
                    ? csv.file() + ":" + line + ": "
                            + e.getMessage().replaceFirst(", first at data row \\d+", ", the first on this line")
                    : e.getMessage();
            throw new CliException(ExitCode.NUMERICAL_ERROR, message + " (start values: " + starts + ")", e);
        }
    }

    /** An I/O failure in words: the OS reason when there is one, else the exception's own. */
    private static String reason(IOException e) {
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        String kind = e.getClass().getSimpleName().replace("Exception", "");
        return e.getMessage() == null ? kind : kind + ": " + e.getMessage();
    }

    private static String column(String option, String column) {
        if (column.isBlank()) {
            throw CliException.config(option + ": expected a column name, got an empty value");
        }
        return column.strip();
    }

    private static <T> T parse(String option, Supplier<T> parser) {
        try {
            return parser.get();
        } catch (IllegalArgumentException e) {
            throw CliException.config(option + ": " + e.getMessage());
        }
    }

    /**
     * Takes the optimizer option defaults from {@link FitOptions#defaults()}, so the help text
     * and the behaviour cannot drift from the library.
     */
    static final class OptimizerDefaults implements IDefaultValueProvider {
        @Override
        public String defaultValue(ArgSpec arg) {
            if (!(arg instanceof OptionSpec option)) {
                return null;
            }
            FitOptions d = FitOptions.defaults();
            return switch (option.longestName()) {
                case "--ftol" -> Double.toString(d.ftol());
                case "--xtol" -> Double.toString(d.xtol());
                case "--gtol" -> Double.toString(d.gtol());
                case "--max-iterations" -> Integer.toString(d.maxIterations());
                case "--max-evaluations" -> Integer.toString(d.maxEvaluations());
                default -> null;
            };
        }
    }

    /** Replaces the Java names in library messages by the options a user typed. */
    private static String cliNames(String message) {
        return message.replaceAll("\\bmaxIterations\\b", "--max-iterations")
                .replaceAll("\\bmaxEvaluations\\b", "--max-evaluations")
                .replaceAll("\\bxScale\\b", "--x-scale")
                .replaceAll("\\bfScale\\b", "--f-scale")
                .replaceAll("\\b([fxg]tol)\\b", "--$1");
    }
}
