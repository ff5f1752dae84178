package org.sparknlsq.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.sparknlsq.fit.InvalidSettingsException;
import org.sparknlsq.fit.Predictions;
import org.sparknlsq.fit.SavedFit;
import org.sparknlsq.io.DataException;
import org.sparknlsq.io.Location;
import org.sparknlsq.spark.SparkSessions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code spark-nlsq predict}: a thin client of {@link Predictions#predictFile}. Reads a result
 * document written by {@code fit --output} (or a saved model's {@code data/result.json}), and
 * writes the input's rows with the prediction and its delta-method standard error.
 */
@Command(
        name = "predict",
        mixinStandardHelpOptions = true,
        versionProvider = VersionText.class,
        sortOptions = false,
        description = "Predict with a fitted model (a result JSON of fit --output) at the points of a data set.")
final class PredictCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--result", required = true, paramLabel = "FILE", description = "The result JSON of a fit.")
    String result;

    @Option(
            names = "--data",
            required = true,
            paramLabel = "PATH|URI",
            description = "Points to predict at: CSV with a header row, Parquet, ORC or JSON lines.")
    String data;

    @Option(
            names = "--format",
            paramLabel = "csv|parquet|orc|json",
            description = "Input format (default: from the name).")
    String format;

    @Option(
            names = "--x",
            paramLabel = "COLS",
            description = "Columns for the model's variables, in model order (default: the fit's x columns).")
    String x;

    @Option(
            names = "--output",
            required = true,
            paramLabel = "PATH|URI",
            description = "Where to write (a new directory, as Spark writes; never an existing one).")
    String output;

    @Option(
            names = "--output-format",
            paramLabel = "csv|parquet|orc|json",
            description = "Output format (default: from the name of --output).")
    String outputFormat;

    @Option(
            names = "--prediction-col",
            defaultValue = "prediction",
            paramLabel = "NAME",
            description = "Prediction column (default ${DEFAULT-VALUE}).")
    String predictionCol;

    @Option(
            names = "--std-col",
            defaultValue = "prediction_std",
            paramLabel = "NAME",
            description = "Standard-error column, delta method (default ${DEFAULT-VALUE}); empty for none.")
    String stdCol;

    @Option(
            names = "--master",
            paramLabel = "URL",
            description = "Spark master (default: spark-submit's, else local[*]).")
    String master;

    @Override
    public Integer call() {
        for (String input : new String[] {data, result}) {
            if (Predictions.overlaps(output, input)) {
                throw CliException.config("--output: " + output + " is or contains an input (" + input
                        + "); an output never replaces an input");
            }
        }
        SavedFit fit = read(result);
        Location source = Location.of(data);
        if (source.local() && !Files.exists(source.localPath())) {
            throw new DataException(DataException.Reason.UNREADABLE, data, 0, null, "no such file");
        }
        try (SparkSessions.Owned session = SparkStart.open(master)) {
            long rows = Predictions.predictFile(
                    session.session(),
                    fit,
                    data,
                    format,
                    x == null ? null : ParameterArgs.columns("--x", x),
                    output,
                    outputFormat,
                    predictionCol,
                    stdCol);
            spec.commandLine().getOut().println("predicted " + rows + " row(s) into " + output);
            spec.commandLine().getOut().flush();
        } catch (InvalidSettingsException e) {
            InvalidSettingsException.Problem p = e.problems().get(0);
            throw CliException.config(OptionNames.of(p.key()) + ": " + p.message());
        }
        return ExitCode.SUCCESS.code();
    }

    private static SavedFit read(String file) {
        Location where = Location.of(file);
        if (!where.local()) {
            throw CliException.config("--result: a local result file is expected, got " + file);
        }
        try {
            SavedFit fit =
                    SavedFit.parse(Files.readString(Path.of(where.localPath().toString()), StandardCharsets.UTF_8));
            fit.predictor(); // the model must compile over its variables, before Spark starts
            return fit;
        } catch (IOException e) {
            throw CliException.config("--result: cannot read " + file + ": " + FitCommand.reason(e));
        } catch (IllegalArgumentException e) { // an ExpressionException among them
            throw CliException.config("--result: " + file + ": " + e.getMessage());
        }
    }
}
