package org.sparknlsq.fit;

import java.io.IOException;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.sparknlsq.io.FitResultJson;
import org.sparknlsq.kernel.DataBlock;
import org.sparknlsq.optim.FitResult;
import org.sparknlsq.strategy.Strategy;

/**
 * What a fit produced: the result over every parameter (fixed ones included, at their values
 * with zero uncertainty), the strategy that ran, how it ran, and where the data came from.
 */
public final class FitOutcome {
    private final FitResult result;
    private final FitRequest request;
    private final Strategy strategy;
    private final FitDiagnostics diagnostics;
    private final FitResultJson.Provenance provenance;
    private final double rSquared;
    private final Supplier<DataBlock> sample;

    FitOutcome(
            FitResult result,
            FitRequest request,
            Strategy strategy,
            FitDiagnostics diagnostics,
            FitResultJson.Provenance provenance,
            double rSquared,
            Supplier<DataBlock> sample) {
        this.result = result;
        this.request = request;
        this.strategy = strategy;
        this.diagnostics = diagnostics;
        this.provenance = provenance;
        this.rSquared = rSquared;
        this.sample = sample;
    }

    /** Parameters, uncertainties, covariance, χ², termination and counters. */
    public FitResult result() {
        return result;
    }

    /** The request the fit ran with. */
    public FitRequest request() {
        return request;
    }

    public Strategy strategy() {
        return strategy;
    }

    public FitDiagnostics diagnostics() {
        return diagnostics;
    }

    /** The version, the model as given, the data source and columns, and the timings. */
    public FitResultJson.Provenance provenance() {
        return provenance;
    }

    /**
     * The coefficient of determination 1 − χ²/Σw(y − ȳ)², with the weights of the fit (so
     * weighted R² with sigma) and χ² = 2·cost (Σr² for the linear loss); NaN when y is constant.
     */
    public double rSquared() {
        return rSquared;
    }

    /** Converged, and (with fault tolerance) enough partitions succeeded. */
    public boolean success() {
        return result.success();
    }

    /**
     * Up to about {@link org.sparknlsq.report.FitReport#MAX_POINTS} of the fitted points, evenly
     * thinned, for plots. Data on Spark are read again for it (not cached).
     */
    public DataBlock sample() {
        return sample.get();
    }

    /**
     * The console report: the termination in words, the strategy, χ², R², the parameters with
     * uncertainties, and the correlations whose magnitude is above 0.5.
     */
    public String briefReport() {
        StringBuilder b = new StringBuilder();
        FitResult r = result;
        String verdict =
                r.success() ? "converged" : r.termination().converged() ? "converged, NOT a success" : "NOT converged";
        b.append(String.format(
                Locale.ROOT,
                "%s: %s (%s, %s)%n",
                verdict,
                r.termination(),
                r.method().name().toLowerCase(Locale.ROOT),
                r.message()));
        b.append(String.format(
                Locale.ROOT,
                "strategy %s, points %d, iterations %d, evaluations %d%n",
                strategy,
                r.points(),
                r.iterations(),
                r.evaluations()));
        b.append(String.format(
                Locale.ROOT,
                "chi2 %.6e, reduced chi2 %.6e, R2 %.8f, cost %.6e -> %.6e%n",
                r.chiSquared(),
                r.reducedChiSquared(),
                rSquared,
                r.initialCost(),
                r.cost()));
        List<String> names = r.parameterNames();
        int w = 4;
        for (String n : names) {
            w = Math.max(w, n.length());
        }
        List<String> fixed = request.fixedParameters();
        for (int i = 0; i < names.size(); i++) {
            b.append(String.format(
                    Locale.ROOT,
                    "  %-" + w + "s = %.12g +/- %.4g%s%n",
                    names.get(i),
                    r.parameters()[i],
                    r.uncertainties()[i],
                    fixed.contains(names.get(i)) ? " (fixed)" : ""));
        }
        StringBuilder corr = new StringBuilder();
        for (int i = 0; i < names.size(); i++) {
            for (int k = i + 1; k < names.size(); k++) {
                double c = r.correlation()[i][k];
                if (Math.abs(c) > 0.5) {
                    corr.append(String.format(Locale.ROOT, "  C(%s, %s) = %+.4f%n", names.get(i), names.get(k), c));
                }
            }
        }
        if (!corr.isEmpty()) {
            b.append("correlations above 0.5:").append(System.lineSeparator()).append(corr);
        }
        return b.toString();
    }

    /** Writes the result document (the JSON of {@code --output}) to {@code out}, not closed. */
    public void writeJson(OutputStream out) throws IOException {
        FitResultJson.write(
                out,
                result,
                request.problem(),
                request.options(),
                provenance,
                jsonDiagnostics(),
                request.fixedParameters(),
                rSquared);
    }

    /** The {@code diagnostics} object of the result document. */
    Map<String, Object> jsonDiagnostics() {
        FitDiagnostics d = diagnostics;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("strategy_reason", d.strategyReason());
        if (d.checkpoints() != null) {
            m.put("checkpoint_info", d.checkpoints().toJsonObject());
        }
        if (d.master() != null) {
            m.put("master", d.master());
        }
        m.put("partitions", d.partitions());
        m.put("spark_jobs", d.sparkJobs());
        if (strategy == Strategy.STREAMING) {
            m.put("epochs", d.epochs());
            m.put("final_epoch", d.epochs());
        }
        if (d.master() != null) {
            m.put("load_seconds", d.readSeconds());
            // with fault tolerance on, the fault report writes them next to the numerical failures
            if (result.faults() == null) {
                m.put("infrastructure", new LinkedHashMap<>(d.infrastructure()));
            }
        }
        if (d.validation() != null) {
            Map<String, Object> v = new LinkedHashMap<>();
            v.put("reference", Strategy.STANDARD.name());
            v.put("max_relative_difference", d.validation().maxRelativeDifference());
            Map<String, Object> ref = new LinkedHashMap<>();
            for (int i = 0; i < d.validation().parameterNames().size(); i++) {
                ref.put(d.validation().parameterNames().get(i), d.validation().parameters()[i]);
            }
            v.put("reference_parameters", ref);
            m.put("validation", v);
        }
        return m;
    }
}
