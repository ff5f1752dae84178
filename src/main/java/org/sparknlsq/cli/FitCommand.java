package org.sparknlsq.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.sparknlsq.checkpoint.CheckpointInfo;
import org.sparknlsq.fit.CurveFitting;
import org.sparknlsq.fit.FitInput;
import org.sparknlsq.fit.FitOutcome;
import org.sparknlsq.fit.FitRequest;
import org.sparknlsq.fit.InvalidSettingsException;
import org.sparknlsq.io.DataException;
import org.sparknlsq.io.Location;
import org.sparknlsq.optim.FitOptions;
import org.sparknlsq.optim.ProgressListener;
import org.sparknlsq.spark.SparkSessions;
import picocli.CommandLine.Command;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code spark-nlsq fit}: a thin client of {@link CurveFitting}. It parses the options into a
 * {@link FitRequest}, runs the fit, prints the brief report, writes the result JSON and the
 * report files, and maps the outcome to an {@link ExitCode}. Every option is checked (and the
 * model compiled) by the library before the data are read; the output path is checked before the
 * fit, so a typo costs milliseconds, not a full read and fit.
 */
@Command(
        name = "fit",
        mixinStandardHelpOptions = true,
        versionProvider = VersionText.class,
        sortOptions = false,
        defaultValueProvider = FitCommand.OptimizerDefaults.class,
        description =
                "Fit a model to columns of a data set: small local CSV files on this JVM, everything else on Spark.")
final class FitCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ConfigFile.Options configFile;

    @Mixin
    ProblemArgs problem;

    @Mixin
    OptimizerArgs optimizer;

    @Option(
            names = "--output",
            paramLabel = "PATH|URI",
            description = "Write the result as JSON, atomically, to a local path or a URI (hdfs://, s3a://).")
    String output;

    @Mixin
    EngineArgs engine;

    @Option(
            names = "--progress",
            defaultValue = "auto",
            paramLabel = "auto|always|never",
            description = "A progress line on stderr (auto: when stderr is a terminal).")
    String progress;

    @Mixin
    CheckpointArgs checkpointArgs;

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

    /** Read by {@link Main} from the command line (see {@link StatusFile}); declared for picocli and help. */
    @Option(
            names = StatusFile.OPTION,
            paramLabel = "PATH|URI",
            description = "When the command ends, whatever the outcome, write {\"exit_code\": N} there (for"
                    + " schedulers that cannot see the driver's exit code, as in cluster deploy mode).")
    String statusFile;

    /** The SparkSession of a fit on Spark, stopped at the end if this command created it. */
    private SparkSessions.Owned session;

    @Override
    public Integer call() {
        long t0 = System.nanoTime();
        String id = jobId != null ? jobId : UUID.randomUUID().toString();
        try {
            FitOutcome o = fit();
            int code = exitCode(o);
            FitEvents.finished(id, code, o, (System.nanoTime() - t0) / 1e9);
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

    private FitOutcome fit() {
        ConsoleProgress console = showProgress() ? new ConsoleProgress(System.err) : null;
        FitRequest request = request(console);
        Location target = output == null ? null : Location.of(output);
        List<String> inputs = new ArrayList<>(List.of(problem.data));
        if (configFile.source != null) {
            inputs.add(configFile.source.toString());
        }
        if (checkpointArgs.resume != null && !checkpointArgs.resume.equals("auto")) {
            inputs.add(checkpointArgs.resume);
        }
        Destinations.requireSharedInClusterMode(
                new String[] {"--data", problem.data},
                new String[] {"--output", output},
                new String[] {"--report", report},
                new String[] {"--checkpoint-dir", checkpointArgs.dir});
        Destinations.refuseOverlaps(inputs, checkpointArgs.dir, output, report, statusFile);
        Destinations.requireRegularFile(StatusFile.OPTION, statusFile);
        Destinations.checkOutput(target);
        Destinations.checkReportDirectory(report);
        FitInput.FileInput input = FitInput.file(problem.data, problem.format).withSpark(this::spark);
        FitOutcome o;
        try {
            o = CurveFitting.fit(input, request);
        } catch (InvalidSettingsException e) {
            throw CliException.config(configFile.locate(optionProblems(e)));
        } catch (DataException e) {
            if (e.reason() == DataException.Reason.BAD_VALUE && !e.getMessage().contains("--bad-records")) {
                throw new CliException(
                        ExitCode.DATA_ERROR, e.getMessage() + " (--bad-records drop skips such records)", e);
            }
            throw e;
        } catch (IllegalArgumentException e) {
            throw CliException.config(e.getMessage());
        } finally {
            if (console != null) {
                console.finish();
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        if (!quiet) {
            out.print(o.briefReport());
            if (o.diagnostics().validation() != null) {
                out.printf(
                        Locale.ROOT,
                        "validation: %s vs STANDARD on the driver, max relative parameter difference %.3e%n",
                        o.strategy(),
                        o.diagnostics().validation().maxRelativeDifference());
            }
            if (o.diagnostics().droppedRecords() > 0) {
                out.println("dropped " + o.diagnostics().droppedRecords() + " bad record(s) (--bad-records drop)"
                        + (o.diagnostics().firstDropped() == null
                                ? ""
                                : "; first: " + o.diagnostics().firstDropped()));
            }
            out.flush();
        }
        if (report != null) {
            FitReports.write(Path.of(report), o.request().problem(), o.result(), o.sample(), quiet ? null : out);
        }
        if (target != null) {
            Configuration conf = target.local()
                    ? null
                    : session != null ? session.session().sparkContext().hadoopConfiguration() : new Configuration();
            try {
                target.write(conf, o::writeJson);
            } catch (IOException e) {
                throw new CliException(ExitCode.CONFIG_ERROR, "--output: cannot write " + target + ": " + reason(e), e);
            }
        }
        CheckpointInfo ck = o.diagnostics().checkpoints();
        if (ck != null && (ck.failedSaves() > 0 || ck.skippedSaves() > 0)) {
            PrintWriter err = spec.commandLine().getErr();
            err.println(Main.WARNING_PREFIX + ck.failedSaves() + " checkpoint save(s) failed and " + ck.skippedSaves()
                    + " were skipped in " + ck.directory() + " (first: "
                    + (ck.errors().isEmpty() ? "none" : ck.errors().get(0)) + "); the fit went on without them");
            err.flush();
        }
        int code = exitCode(o);
        if (code != ExitCode.SUCCESS.code()) {
            String why =
                    code == ExitCode.BATCH_FAILURE.code() ? "the fit is not a success: " : "the fit did not converge: ";
            String where =
                    code == ExitCode.BATCH_FAILURE.code() ? "best parameters and diagnostics" : "best parameters";
            PrintWriter err = spec.commandLine().getErr();
            err.println(Main.ERROR_PREFIX
                    + why
                    + o.result().message()
                    + (target == null ? "" : " (" + where + " written to " + target + ")"));
            err.flush();
        }
        return o;
    }

    /** The options as the library's request; every problem at once, named by its option. */
    private FitRequest request(ConsoleProgress console) {
        FitRequest.Builder b = FitRequest.builder()
                .checkpoints(checkpointArgs.settings())
                .progress(console != null ? console : ProgressListener.NONE);
        List<OptionProblem> problems = new ArrayList<>();
        problem.apply(b, problems);
        optimizer.apply(b);
        engine.apply(b);
        FitRequest built = null;
        try {
            built = b.build();
        } catch (InvalidSettingsException e) {
            // a start value that did not parse is missing from the request: not a second problem
            boolean badStarts = problems.stream().anyMatch(p -> p.option().equals("--params"));
            for (OptionProblem p : optionProblems(e)) {
                if (!(badStarts && p.option().equals("--params"))) {
                    problems.add(p);
                }
            }
        }
        if (!problems.isEmpty()) {
            throw CliException.config(configFile.locate(problems));
        }
        return built;
    }

    /** Each problem under the option the user typed, from {@link OptionNames}. */
    static List<OptionProblem> optionProblems(InvalidSettingsException e) {
        return e.problems().stream()
                .map(p -> new OptionProblem(OptionNames.of(p.key()), p.message()))
                .distinct()
                .toList();
    }

    /** The problems as one message, each under the option the user typed. */
    static String optionNames(InvalidSettingsException e) {
        return String.join(
                "; ", optionProblems(e).stream().map(OptionProblem::toString).toList());
    }

    private SparkSession spark() {
        if (session == null) {
            session = SparkStart.open(engine.master, SparkSessions.ExecutorWait.WATCH);
        }
        return session.session();
    }

    private static int exitCode(FitOutcome o) {
        if (o.result().faults() != null && !o.result().faults().successRateMet()) {
            return ExitCode.BATCH_FAILURE.code();
        }
        return o.success() ? ExitCode.SUCCESS.code() : ExitCode.NOT_CONVERGED.code();
    }

    private boolean showProgress() {
        return switch (progress.strip().toLowerCase(Locale.ROOT)) {
            case "auto" -> System.console() != null;
            case "always" -> true;
            case "never" -> false;
            default -> throw CliException.config("--progress: expected auto, always or never, got '" + progress + "'");
        };
    }

    /** An I/O failure in words: the OS reason when there is one, else the exception's own. */
    static String reason(IOException e) {
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        String kind = e.getClass().getSimpleName().replace("Exception", "");
        return e.getMessage() == null ? kind : kind + ": " + e.getMessage();
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
}
