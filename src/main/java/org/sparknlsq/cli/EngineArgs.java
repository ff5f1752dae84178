package org.sparknlsq.cli;

import org.sparknlsq.fit.FitRequest;
import org.sparknlsq.robust.FaultTolerance;
import picocli.CommandLine.Option;

/** The options of {@code fit} that decide where and how the data are held, and fault tolerance. */
final class EngineArgs {
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
            description = "STREAMING: points per batch, whole partitions (default: 10%% of memory, see README).")
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
            description = "Recovery attempts for a failing partition before it is excluded (default ${DEFAULT-VALUE}).")
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
                    "Seed of the random directions of the perturb_parameters recovery (default ${DEFAULT-VALUE}).")
    long recoverySeed;

    void apply(FitRequest.Builder b) {
        b.master(master)
                .strategy(strategy)
                .partitions(partitions)
                .batchPoints(batchPoints)
                .maxEpochs(maxEpochs)
                .forgettingFactor(forgettingFactor)
                .validate(validate)
                .faultTolerance(new FaultTolerance(
                        enableFaultTolerance,
                        enableFaultTolerance && validateNumerics,
                        minSuccessRate,
                        maxRetriesPerBatch,
                        batchStatsBufferSize,
                        recoverySeed));
    }
}
