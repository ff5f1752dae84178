package org.sparknlsq.cli;

import java.util.Map;

/**
 * The command line's name for each library setting key (the {@link org.sparknlsq.ml.CurveFit}
 * Param names that {@link org.sparknlsq.fit.InvalidSettingsException} reports), for error messages.
 */
final class OptionNames {
    private static final Map<String, String> OPTION_OF_KEY = Map.ofEntries(
            Map.entry("data", "--data"),
            Map.entry("format", "--format"),
            Map.entry("model", "--model"),
            Map.entry("initialValues", "--params"),
            Map.entry("xCols", "--x"),
            Map.entry("yCol", "--y"),
            Map.entry("sigmaCol", "--sigma"),
            Map.entry("lowerBounds", "--bounds"),
            Map.entry("upperBounds", "--bounds"),
            Map.entry("fixedParameters", "--fix"),
            Map.entry("method", "--method"),
            Map.entry("loss", "--loss"),
            Map.entry("fScale", "--f-scale"),
            Map.entry("ftol", "--ftol"),
            Map.entry("xtol", "--xtol"),
            Map.entry("gtol", "--gtol"),
            Map.entry("maxIterations", "--max-iterations"),
            Map.entry("maxEvaluations", "--max-evaluations"),
            Map.entry("xScale", "--x-scale"),
            Map.entry("badRecords", "--bad-records"),
            Map.entry("strategy", "--strategy"),
            Map.entry("partitions", "--partitions"),
            Map.entry("batchPoints", "--batch-points"),
            Map.entry("maxEpochs", "--max-epochs"),
            Map.entry("forgettingFactor", "--forgetting-factor"),
            Map.entry("minSuccessRate", "--min-success-rate"),
            Map.entry("maxRetriesPerBatch", "--max-retries-per-batch"),
            Map.entry("batchStatsBufferSize", "--batch-stats-buffer-size"),
            Map.entry("checkpointDir", "--checkpoint-dir"),
            Map.entry("checkpointEvery", "--checkpoint-every"),
            Map.entry("keepCheckpoints", "--keep-checkpoints"),
            Map.entry("resume", "--resume"),
            Map.entry("output", "--output"),
            Map.entry("outputFormat", "--output-format"));

    private OptionNames() {}

    /** The option for {@code key}: from the table, else the key in kebab case ({@code absoluteSigma}: {@code --absolute-sigma}). */
    static String of(String key) {
        String option = OPTION_OF_KEY.get(key);
        return option != null ? option : "--" + ConfigFile.kebab(key);
    }
}
