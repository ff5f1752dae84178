package org.sparknlsq.cli;

import java.util.List;
import org.sparknlsq.fit.FitRequest;
import picocli.CommandLine.Option;

/** The options of {@code fit} that say what to fit: the data, its columns, the model and its parameters. */
final class ProblemArgs {
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
            names = "--fix",
            paramLabel = "NAME,...",
            description = "Hold these parameters at their start values (zero uncertainty; the covariance is over"
                    + " the free parameters).")
    String fix;

    @Option(
            names = "--bad-records",
            defaultValue = "failfast",
            paramLabel = "failfast|drop",
            description = "Records with a missing, non-finite or (sigma) non-positive value: "
                    + "stop (default) or drop and count them.")
    String badRecords;

    /** Sets the problem on {@code b}; the values that do not parse are left out and added to {@code problems}. */
    void apply(FitRequest.Builder b, List<OptionProblem> problems) {
        b.model(model)
                .xColumns(ParameterArgs.columns("--x", x, problems))
                .yColumn(y)
                .sigmaColumn(sigma)
                .badRecords(badRecords);
        ParameterArgs.Starts starts = ParameterArgs.parseParams(params, problems);
        for (int i = 0; i < starts.names().size(); i++) {
            b.initialValue(starts.names().get(i), starts.values()[i]);
        }
        if (bounds != null) {
            ParameterArgs.parseBounds(bounds, problems).forEach((name, lohi) -> b.bounds(name, lohi[0], lohi[1]));
        }
        if (fix != null) {
            b.fixedParameters(ParameterArgs.columns("--fix", fix, problems));
        }
    }
}
