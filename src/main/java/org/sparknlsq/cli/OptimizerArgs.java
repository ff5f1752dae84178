package org.sparknlsq.cli;

import org.sparknlsq.fit.FitRequest;
import picocli.CommandLine.Option;

/** The optimizer options of {@code fit}: method, loss, tolerances, limits and scaling. */
final class OptimizerArgs {
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

    void apply(FitRequest.Builder b) {
        b.method(method)
                .loss(loss)
                .fScale(fScale)
                .absoluteSigma(absoluteSigma)
                .tolerances(ftol, xtol, gtol)
                .maxIterations(maxIterations)
                .maxEvaluations(maxEvaluations)
                .xScale(xScale);
    }
}
