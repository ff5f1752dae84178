package org.sparknlsq.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.sparknlsq.checkpoint.FitCheckpoints;
import org.sparknlsq.io.BadRecordPolicy;
import org.sparknlsq.io.CsvData;
import org.sparknlsq.io.CsvReader;
import org.sparknlsq.io.CsvRequest;
import org.sparknlsq.io.DataException;
import org.sparknlsq.io.DataFormat;
import org.sparknlsq.io.FitResultJson;
import org.sparknlsq.io.Location;
import org.sparknlsq.kernel.BlockKernel;
import org.sparknlsq.kernel.DataBlock;
import org.sparknlsq.kernel.LocalSource;
import org.sparknlsq.optim.CurveFitter;
import org.sparknlsq.optim.FitMonitor;
import org.sparknlsq.optim.FitOptions;
import org.sparknlsq.optim.FitResult;
import org.sparknlsq.optim.Method;
import org.sparknlsq.optim.ProgressListener;
import org.sparknlsq.optim.Snapshot;
import org.sparknlsq.optim.streaming.StreamingOptions;
import org.sparknlsq.problem.FitProblem;
import org.sparknlsq.problem.Loss;
import org.sparknlsq.robust.FaultTolerance;
import org.sparknlsq.robust.NumericalException;
import org.sparknlsq.spark.FitHandle;
import org.sparknlsq.spark.SparkFitResult;
import org.sparknlsq.spark.SparkFitter;
import org.sparknlsq.spark.SparkInput;
import org.sparknlsq.spark.SparkSessions;
import org.sparknlsq.strategy.Strategy;
import org.sparknlsq.strategy.StrategyPlanner;
import picocli.CommandLine.Command;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code spark-nlsq fit}: fits a model to columns of a data set, prints a brief report and
 * optionally writes the result as JSON. A local CSV file below a million points (or with {@code
 * --strategy standard}) is read and fitted in this JVM without starting Spark, which keeps a small
 * fit well under two seconds; everything else goes through {@link SparkFitter}, which chooses the
 * strategy unless {@code --strategy} does.
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
        description =
                "Fit a model to columns of a data set: small local CSV files on this JVM, everything else on Spark.")
final class FitCommand implements Callable<Integer> {
    /** The strategy name in the result of a fit without Spark: in-memory data on the local cores. */
    static final String STRATEGY = Strategy.STANDARD.name();

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigFile.Options configFile;

    @Mixin
    CheckpointArgs checkpointArgs;

    @Option(
            names = "--data",
            required = true,
            paramLabel = "PATH|URI",
            description = "Input file, directory or URI (file://, hdfs://, s3a://): CSV with a header row "
                    + "(.tsv/.tab: tab-separated; .gz: compressed), Parquet, ORC, JSON lines or HDF5.")
    String data;

    @Option(
            names = "--format",
            paramLabel = "csv|parquet|orc|json|hdf5",
            description = "Input format (default: from the name of --data).")
    String format;

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
            description = "Most evaluations of the data (default ${DEFAULT-VALUE}: 200*(p+1)).")
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

    @Option(
            names = "--output",
            paramLabel = "PATH|URI",
            description = "Write the result as JSON, atomically, to a local path or a URI (hdfs://, s3a://).")
    String output;

    @Option(
            names = "--master",
            paramLabel = "URL",
            description = "Run on Spark with this master (local[*], spark://..., yarn, k8s://...). Default: "
                    + "spark-submit's master, else local[*] when Spark is needed.")
    String master;

    @Option(
            names = "--strategy",
            defaultValue = "auto",
            paramLabel = "auto|standard|large|chunked|streaming",
            description = "How the data are held (default auto: by size and memory). standard: on this JVM, no Spark "
                    + "job per iteration; large: cached on executors; chunked: cached with spill, passes in waves; "
                    + "streaming: a step per batch of partitions, then an exact polish.")
    String strategy;

    @Option(
            names = "--partitions",
            defaultValue = "0",
            paramLabel = "N",
            description = "Cut the data into N equal partitions keeping row order (default: as read).")
    int partitions;

    @Option(
            names = "--batch-points",
            defaultValue = "0",
            paramLabel = "N",
            description = "STREAMING: points per batch, whole partitions (default: 10% of memory, see README).")
    long batchPoints;

    @Option(
            names = "--max-epochs",
            defaultValue = "10",
            paramLabel = "N",
            description = "STREAMING: most epochs before the exact polish (default ${DEFAULT-VALUE}).")
    int maxEpochs;

    @Option(
            names = "--forgetting-factor",
            defaultValue = "1.0",
            paramLabel = "L",
            description = "STREAMING: weight in (0, 1] of earlier batches' information within an epoch "
                    + "(default ${DEFAULT-VALUE}: none forgotten).")
    double forgettingFactor;

    @Option(
            names = "--validate",
            description = "Also fit the same points with STANDARD on the driver and report the largest relative "
                    + "parameter difference (the side-by-side check of a migration).")
    boolean validate;

    @Option(
            names = "--progress",
            defaultValue = "auto",
            paramLabel = "auto|always|never",
            description = "A progress line on stderr (auto: when stderr is a terminal).")
    String progress;

    @Option(
            names = "--enable-fault-tolerance",
            arity = "1",
            defaultValue = "true",
            paramLabel = "true|false",
            description = "Catch failing partitions, retry them with recovery strategies, exclude those that keep "
                    + "failing, and keep batch statistics (default ${DEFAULT-VALUE}). false is the fast mode: a "
                    + "failing partition fails the fit.")
    boolean enableFaultTolerance;

    @Option(
            names = "--validate-numerics",
            arity = "1",
            defaultValue = "true",
            paramLabel = "true|false",
            description = "Check the gradient, the parameters (finite, inside the bounds) and the cost for "
                    + "non-finite values (default ${DEFAULT-VALUE}; always off in the fast mode).")
    boolean validateNumerics;

    @Option(
            names = "--min-success-rate",
            defaultValue = "0.5",
            paramLabel = "R",
            description = "A fit succeeds only if at least this share of batches succeeded (default "
                    + "${DEFAULT-VALUE}); exit code 7 otherwise.")
    double minSuccessRate;

    @Option(
            names = "--max-retries-per-batch",
            defaultValue = "2",
            paramLabel = "N",
            description =
                    "Recovery attempts for a failing partition before it is excluded (default " + "${DEFAULT-VALUE}).")
    int maxRetriesPerBatch;

    @Option(
            names = "--batch-stats-buffer-size",
            defaultValue = "100",
            paramLabel = "N",
            description = "Recent batch records kept in the diagnostics (default ${DEFAULT-VALUE}).")
    int batchStatsBufferSize;

    @Option(
            names = "--recovery-seed",
            defaultValue = "0",
            paramLabel = "S",
            description =
                    "Seed of the random directions of the perturb_parameters recovery (default " + "${DEFAULT-VALUE}).")
    long recoverySeed;

    @Option(
            names = "--report",
            paramLabel = "DIR",
            description = "Also write fit-report.png (data and fit, residuals, convergence, partitions) and"
                    + " fit-report.html into this local directory.")
    String report;

    @Option(
            names = "--job-id",
            paramLabel = "ID",
            description = "Names this run in the structured log event (conf/log4j2-json.properties; default: a"
                    + " random UUID), e.g. an Airflow run id.")
    String jobId;

    @Option(names = "--quiet", description = "Print nothing on success.")
    boolean quiet;

    /** What a fit produced, whichever way it ran. */
    private record Outcome(
            FitResult result,
            long dropped,
            String firstDropped,
            double readSeconds,
            double fitSeconds,
            Map<String, Object> diagnostics,
            Supplier<Configuration> hadoop,
            Supplier<DataBlock> sample) {}

    /** What the fit produced, for the structured log event; null until it has run. */
    private Outcome outcome;

    /** The SparkSession of a fit on Spark, stopped at the end if this command created it. */
    private SparkSessions.Owned session;

    @Override
    public Integer call() {
        long t0 = System.nanoTime();
        String id = jobId != null ? jobId : UUID.randomUUID().toString();
        try {
            int code = run();
            if (outcome != null) {
                FitEvents.finished(id, code, outcome.result(), outcome.diagnostics(), (System.nanoTime() - t0) / 1e9);
            }
            return code;
        } catch (RuntimeException | Error e) {
            FitEvents.failed(id, e);
            throw e;
        } finally {
            if (session != null) {
                session.close();
            }
        }
    }

    private Integer run() {
        long t0 = System.nanoTime();
        List<String> xColumns = ParameterArgs.columns("--x", x);
        String yColumn = column("--y", y);
        String sigmaColumn = sigma == null ? null : column("--sigma", sigma);
        BadRecordPolicy policy = parse("--bad-records", () -> BadRecordPolicy.parse(badRecords));
        FitProblem problem = problem(variableNames(xColumns));
        FitOptions options = options(problem.model().parameterNames());
        Strategy requested = parse("--strategy", () -> Strategy.parse(strategy));
        streamingOptions();
        DataFormat fmt = format != null
                ? parse("--format", () -> DataFormat.parse(format))
                : parse("--data", () -> DataFormat.infer(data));
        if (partitions < 0) {
            throw CliException.config("--partitions: expected 0 (as read) or more, got " + partitions);
        }
        if (batchPoints < 0) {
            throw CliException.config("--batch-points: expected 0 (automatic) or more, got " + batchPoints);
        }
        boolean showProgress = showProgress();
        Location target = output == null ? null : parse("--output", () -> Location.of(output));
        checkOutput(target);
        SparkInput.Spec input = new SparkInput.Spec(data, fmt, xColumns, yColumn, sigmaColumn, policy, partitions);
        Location source = Location.of(data);
        if (source.local() && !Files.exists(source.localPath())) {
            // said at once, before a SparkSession is started for nothing
            throw new DataException(DataException.Reason.UNREADABLE, data, 0, null, "no such file");
        }

        boolean onDriver = master == null
                && !validate
                && partitions == 0
                && fmt == DataFormat.CSV
                && (requested == null || requested == Strategy.STANDARD)
                && localFile(data);
        Outcome o = onDriver
                ? fitLocalCsv(problem, options, input, requested, showProgress)
                : fitOnSpark(problem, options, input, requested, showProgress, null);
        outcome = o;
        FitResult result = o.result();
        PrintWriter out = spec.commandLine().getOut();
        if (!quiet) {
            out.print(result.briefReport());
            if (o.dropped() > 0) {
                out.println("dropped " + o.dropped() + " bad record(s) (--bad-records drop)"
                        + (o.firstDropped() == null ? "" : "; first: " + o.firstDropped()));
            }
            out.flush();
        }
        if (report != null) {
            FitReports.write(Path.of(report), problem, result, o.sample().get(), quiet ? null : out);
        }
        if (target != null) {
            FitResultJson.Provenance src = new FitResultJson.Provenance(
                    Version.current(),
                    model.strip(),
                    data,
                    xColumns,
                    yColumn,
                    sigmaColumn,
                    policy,
                    o.dropped(),
                    o.readSeconds(),
                    o.fitSeconds(),
                    (System.nanoTime() - t0) / 1e9);
            try {
                target.write(
                        target.local() ? null : o.hadoop().get(),
                        w -> FitResultJson.write(w, result, problem, options, src, o.diagnostics()));
            } catch (IOException e) {
                throw new CliException(ExitCode.CONFIG_ERROR, "--output: cannot write " + target + ": " + reason(e), e);
            }
        }
        if (result.faults() != null && !result.faults().successRateMet()) {
            PrintWriter err = spec.commandLine().getErr();
            err.println(Main.ERROR_PREFIX + "the fit is not a success: " + result.message()
                    + (target == null ? "" : " (best parameters and diagnostics written to " + target + ")"));
            err.flush();
            return ExitCode.BATCH_FAILURE.code();
        }
        if (!result.success()) {
            PrintWriter err = spec.commandLine().getErr();
            err.println(Main.ERROR_PREFIX + "the fit did not converge: " + result.message()
                    + (target == null ? "" : " (best parameters written to " + target + ")"));
            err.flush();
            return ExitCode.NOT_CONVERGED.code();
        }
        return ExitCode.SUCCESS.code();
    }

    /**
     * A local CSV read by this JVM's own reader: below {@link StrategyPlanner#STANDARD_MAX_POINTS}
     * points (or with {@code --strategy standard}) it is fitted here with no SparkSession at all;
     * a larger file in automatic mode goes to Spark as in-memory arrays, where the planner
     * chooses.
     */
    private Outcome fitLocalCsv(
            FitProblem problem, FitOptions options, SparkInput.Spec input, Strategy requested, boolean showProgress) {
        long t1 = System.nanoTime();
        CsvData csv = read(new CsvRequest(input.x(), input.y(), input.sigma(), input.policy()));
        double readSeconds = (System.nanoTime() - t1) / 1e9;
        requireEnoughPoints(csv.file(), csv.points(), problem.parameterCount());
        if (requested == null && csv.points() >= StrategyPlanner.STANDARD_MAX_POINTS) {
            return fitOnSpark(problem, options, input, null, showProgress, csv);
        }
        long t2 = System.nanoTime();
        FitCheckpoints checkpoints = checkpointArgs.open(
                problem,
                options,
                settings(input, requested, 0),
                data,
                checkpointArgs.dir != null && !Location.of(checkpointArgs.dir).local() ? new Configuration() : null);
        Thread onTerm = CheckpointArgs.saveOnTerm(checkpoints);
        FitResult result;
        try {
            result = fit(problem, csv, options, checkpoints != null ? checkpoints : Snapshot.Sink.NONE);
        } finally {
            CheckpointArgs.removeHook(onTerm);
        }
        double fitSeconds = (System.nanoTime() - t2) / 1e9;
        Map<String, Object> diagnostics = new LinkedHashMap<>();
        if (checkpoints != null) {
            diagnostics.put("checkpoint_info", checkpoints.diagnostics());
        }
        diagnostics.put(
                "strategy_reason",
                requested != null
                        ? "requested"
                        : String.format(
                                Locale.ROOT,
                                "%,d points: below %,d, fitted on this JVM without Spark",
                                csv.points(),
                                StrategyPlanner.STANDARD_MAX_POINTS));
        diagnostics.put("partitions", 1);
        diagnostics.put("spark_jobs", 0);
        return new Outcome(
                result,
                csv.droppedRecords(),
                csv.firstDropped(),
                readSeconds,
                fitSeconds,
                diagnostics,
                // Hadoop's classes take a second to load: only for a remote --output
                Configuration::new,
                () -> FitReports.sample(csv.blocks()));
    }

    /** Runs the fit through {@link SparkFitter}; {@code csv}, when given, is data already read here. */
    private Outcome fitOnSpark(
            FitProblem problem,
            FitOptions options,
            SparkInput.Spec input,
            Strategy requested,
            boolean showProgress,
            CsvData csv) {
        session = SparkSessions.open(master);
        SparkSession spark = session.session();
        ConsoleProgress console = showProgress ? new ConsoleProgress(System.err) : null;
        int cut = csv == null ? input.partitions() : spark.sparkContext().defaultParallelism();
        FitCheckpoints checkpoints = checkpointArgs.open(
                problem,
                options,
                settings(input, requested, cut),
                data,
                spark.sparkContext().hadoopConfiguration());
        SparkFitter.Options so = SparkFitter.Options.defaults()
                .withStreaming(streamingOptions())
                .withStrategy(requested)
                .withBatchPoints(batchPoints)
                .withValidation(validate)
                .withProgress(console != null ? console : ProgressListener.NONE)
                .withCheckpoints(checkpoints != null ? checkpoints : Snapshot.Sink.NONE);
        FitHandle handle = csv == null
                ? SparkFitter.submit(spark, problem, input, options, so)
                : SparkFitter.submit(
                        spark,
                        problem,
                        DataBlock.concat(
                                csv.blocks(),
                                csv.blocks().get(0).variables(),
                                csv.blocks().get(0).sigma() != null,
                                0),
                        spark.sparkContext().defaultParallelism(),
                        options,
                        so);
        SparkFitResult r;
        Thread onTerm = CheckpointArgs.saveOnTerm(checkpoints);
        try {
            r = handle.result();
        } catch (IllegalArgumentException e) {
            throw CliException.config(e.getMessage());
        } catch (DataException e) {
            if (e.reason() == DataException.Reason.BAD_VALUE) {
                throw new CliException(ExitCode.DATA_ERROR, e.getMessage(), e);
            }
            throw e;
        } finally {
            if (console != null) {
                console.finish();
            }
            CheckpointArgs.removeHook(onTerm);
        }
        Map<String, Object> diagnostics = new LinkedHashMap<>();
        diagnostics.put("strategy_reason", r.strategyReason());
        if (checkpoints != null) {
            diagnostics.put("checkpoint_info", checkpoints.diagnostics());
        }
        diagnostics.put("master", spark.sparkContext().master());
        diagnostics.put("partitions", r.partitions());
        diagnostics.put("spark_jobs", r.sparkJobs());
        if (r.strategy() == Strategy.STREAMING) {
            diagnostics.put("epochs", r.epochs());
            diagnostics.put("final_epoch", r.epochs());
        }
        diagnostics.put("load_seconds", r.loadSeconds());
        // with fault tolerance on, the fault report writes them next to the numerical failures
        if (r.fit().faults() == null) {
            diagnostics.put("infrastructure", r.infrastructure());
        }
        if (r.validation() != null) {
            Map<String, Object> v = new LinkedHashMap<>();
            v.put("reference", Strategy.STANDARD.name());
            v.put("max_relative_difference", r.validation().maxRelativeDifference());
            Map<String, Object> ref = new LinkedHashMap<>();
            List<String> names = r.validation().standard().parameterNames();
            for (int i = 0; i < names.size(); i++) {
                ref.put(names.get(i), r.validation().standard().parameters()[i]);
            }
            v.put("reference_parameters", ref);
            diagnostics.put("validation", v);
            if (!quiet) {
                spec.commandLine()
                        .getOut()
                        .printf(
                                Locale.ROOT,
                                "validation: %s vs STANDARD on the driver, max relative parameter difference %.3e%n",
                                r.strategy(),
                                r.validation().maxRelativeDifference());
            }
        }
        long dropped = r.droppedRecords() + (csv == null ? 0 : csv.droppedRecords());
        return new Outcome(
                r.fit(),
                dropped,
                csv == null ? null : csv.firstDropped(),
                r.loadSeconds(),
                r.fit().fitSeconds(),
                diagnostics,
                spark.sparkContext()::hadoopConfiguration,
                () -> csv != null ? FitReports.sample(csv.blocks()) : FitReports.sparkSample(spark, input));
    }

    /** The STREAMING options; every violation reported at once, with the option names. */
    private StreamingOptions streamingOptions() {
        StreamingOptions streaming =
                StreamingOptions.defaults().withMaxEpochs(maxEpochs).withForgettingFactor(forgettingFactor);
        List<String> problems = streaming.validate();
        if (!problems.isEmpty()) {
            throw CliException.config(String.join("; ", problems)
                    .replaceAll("\\bmaxEpochs\\b", "--max-epochs")
                    .replaceAll("\\bforgettingFactor\\b", "--forgetting-factor"));
        }
        return streaming;
    }

    private boolean showProgress() {
        return switch (progress.strip().toLowerCase(Locale.ROOT)) {
            case "auto" -> System.console() != null;
            case "always" -> true;
            case "never" -> false;
            default -> throw CliException.config("--progress: expected auto, always or never, got '" + progress + "'");
        };
    }

    /** A path (or file: URI) to an existing local regular file. */
    private static boolean localFile(String path) {
        Location t = Location.of(path);
        return t.local() && Files.isRegularFile(t.localPath());
    }

    private static void requireEnoughPoints(String file, long points, int p) {
        if (points < p) {
            throw new DataException(
                    DataException.Reason.EMPTY,
                    file,
                    0,
                    null,
                    points + " data row(s) but the model has " + p + " parameters: the fit is underdetermined");
        }
    }

    /**
     * The model's names for the x columns: an HDF5 dataset path such as {@code /scan/t} is
     * called by its last component ({@code t}) in the expression; other names are used as given.
     */
    static List<String> variableNames(List<String> columns) {
        List<String> names = new ArrayList<>();
        for (String c : columns) {
            String name = c.substring(c.lastIndexOf('/') + 1);
            if (names.contains(name)) {
                throw CliException.config("--x: columns " + columns + " give the model the variable '" + name
                        + "' twice; rename a dataset");
            }
            names.add(name);
        }
        return names;
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
                .withXScale(ParameterArgs.parseXScale(xScale, parameters))
                .withFaultTolerance(new FaultTolerance(
                        enableFaultTolerance,
                        enableFaultTolerance && validateNumerics,
                        minSuccessRate,
                        maxRetriesPerBatch,
                        batchStatsBufferSize,
                        recoverySeed));
        List<String> errors = o.validate();
        if (!errors.isEmpty()) {
            throw CliException.config(cliNames(String.join("; ", errors)));
        }
        return o;
    }

    /** The input settings that decide a fit's steps, for the checkpoints' config hash. */
    private String settings(SparkInput.Spec input, Strategy requested, int partitionsUsed) {
        return String.format(
                Locale.ROOT,
                "x=%s y=%s sigma=%s policy=%s format=%s partitions=%d/%d strategy=%s batch=%d epochs=%d lambda=%s%n",
                input.x(),
                input.y(),
                input.sigma(),
                input.policy(),
                input.format(),
                input.partitions(),
                partitionsUsed,
                requested,
                batchPoints,
                maxEpochs,
                forgettingFactor);
    }

    private Method parseMethod() {
        return switch (method.strip().toLowerCase(Locale.ROOT)) {
            case "trf" -> Method.TRF;
            case "lm" -> Method.LM;
            default -> throw CliException.config("--method: unknown method '" + method + "' (expected trf or lm)");
        };
    }

    /**
     * Fails before the fit, not after it, when a local result could not be written. A URI is
     * checked when it is written: asking a remote store first would cost a round trip and prove
     * little.
     */
    private static void checkOutput(Location output) {
        if (output == null || !output.local()) {
            return;
        }
        Path target = output.localPath().toAbsolutePath();
        Path dir = target.getParent();
        if (Files.isDirectory(target)) {
            throw CliException.config("--output: " + output + " is a directory");
        }
        if (dir == null) {
            throw CliException.config("--output: " + output + " has no directory");
        }
        if (!Files.isDirectory(dir)) {
            // as on HDFS and S3, missing parent directories are made (a date-keyed output, say)
            try {
                Files.createDirectories(dir);
            } catch (IOException e) {
                throw CliException.config("--output: cannot create directory " + dir + " (" + reason(e) + ")");
            }
        }
        if (!Files.isWritable(dir)) {
            throw CliException.config("--output: directory " + dir + " is not writable");
        }
    }

    private CsvData read(CsvRequest request) {
        try {
            return CsvReader.read(Location.of(data).localPath(), request);
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
    private static FitResult fit(FitProblem problem, CsvData csv, FitOptions options, Snapshot.Sink checkpoints) {
        BlockKernel kernel = new BlockKernel(problem.model(), problem.loss(), problem.fScale());
        LocalSource source = new LocalSource(kernel, csv.blocks(), LocalSource.DEFAULT_CHUNK_SIZE, null);
        try {
            return CurveFitter.fit(problem, source, options, FitMonitor.NONE, STRATEGY, checkpoints);
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
                .replaceAll("\\b([fxg]tol)\\b", "--$1")
                .replaceAll("\\bminSuccessRate\\b", "--min-success-rate")
                .replaceAll("\\bmaxRetriesPerBatch\\b", "--max-retries-per-batch")
                .replaceAll("\\bbatchStatsBufferSize\\b", "--batch-stats-buffer-size");
    }
}
