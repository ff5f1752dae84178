package org.sparknlsq.ml;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.math3.distribution.TDistribution;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.sparknlsq.fit.FitDiagnostics;
import org.sparknlsq.fit.FitOutcome;
import org.sparknlsq.fit.Predictions;
import org.sparknlsq.optim.FitResult;

/**
 * The statistics of a fit and its residuals, with a text report in the spirit of lmfit's {@code
 * fit_report}. Conventions: χ² = Σ((y − f)/σ)² (2·cost with a robust loss); ν = n − k with k the
 * number of free parameters; AIC = n·ln(χ²/n) + 2k and BIC = n·ln(χ²/n) + k·ln n (lmfit's
 * definitions); R² = 1 − χ²/Σw(y − ȳ)² with the fit's weights.
 */
public final class CurveFitSummary {
    /** Correlations below this magnitude are left out of {@link #report()}. */
    public static final double REPORT_MIN_CORRELATION = 0.1;

    private final FitOutcome outcome;
    private final Dataset<Row> data;
    private final CurveFitModel model;

    CurveFitSummary(FitOutcome outcome, Dataset<Row> data, CurveFitModel model) {
        this.outcome = outcome;
        this.data = data;
        this.model = model;
    }

    /** The library's outcome: result, diagnostics and provenance. */
    public FitOutcome outcome() {
        return outcome;
    }

    public Map<String, Double> parameters() {
        return model.parameters();
    }

    public Map<String, Double> uncertainties() {
        return model.uncertainties();
    }

    public double chiSquared() {
        return result().chiSquared();
    }

    public double reducedChiSquared() {
        return result().reducedChiSquared();
    }

    public double rSquared() {
        return outcome.rSquared();
    }

    /** Free (fitted) parameters: the parameter count less the fixed ones. */
    public int freeParameters() {
        return result().parameterNames().size()
                - outcome.request().fixedParameters().size();
    }

    /** Points fitted. */
    public long points() {
        return result().points();
    }

    /** n − k. */
    public long degreesOfFreedom() {
        return points() - freeParameters();
    }

    /** Akaike's information criterion, n·ln(χ²/n) + 2k. */
    public double aic() {
        return points() * Math.log(chiSquared() / points()) + 2.0 * freeParameters();
    }

    /** Bayesian information criterion, n·ln(χ²/n) + k·ln n. */
    public double bic() {
        return points() * Math.log(chiSquared() / points()) + Math.log(points()) * freeParameters();
    }

    /** The correlation matrix in parameter order (zero rows for fixed parameters). */
    public double[][] correlation() {
        double[][] c = result().correlation();
        double[][] out = new double[c.length][];
        for (int i = 0; i < c.length; i++) {
            out[i] = c[i].clone();
        }
        return out;
    }

    /** The termination, in lower case ({@code ftol}, {@code precision_limit}, {@code max_evaluations}, ...). */
    public String status() {
        return result().termination().name().toLowerCase(Locale.ROOT);
    }

    /** Converged, and (with fault tolerance) enough partitions succeeded. */
    public boolean success() {
        return outcome.success();
    }

    public String message() {
        return result().message();
    }

    public int iterations() {
        return result().iterations();
    }

    public int evaluations() {
        return result().evaluations();
    }

    /** The strategy that ran: STANDARD, LARGE, CHUNKED or STREAMING. */
    public String strategy() {
        return outcome.strategy().name();
    }

    public FitDiagnostics diagnostics() {
        return outcome.diagnostics();
    }

    /**
     * Two-sided confidence intervals p̂ ± t·σ_p at {@code level} (0.95 for 95%), with Student's t
     * on n − k degrees of freedom, as with scipy's {@code t.ppf((1 + level)/2, n - k)}. A fixed
     * parameter's interval is its value.
     *
     * @return {lower, upper} by parameter name
     */
    public Map<String, double[]> confidenceIntervals(double level) {
        if (!(level > 0 && level < 1)) {
            throw new IllegalArgumentException("level must be in (0, 1), got " + level);
        }
        long dof = degreesOfFreedom();
        if (dof < 1) {
            throw new IllegalArgumentException("no confidence interval with " + dof + " degrees of freedom");
        }
        // a null generator: only the quantile function is used
        double t = new TDistribution(null, dof).inverseCumulativeProbability((1 + level) / 2);
        Map<String, double[]> out = new LinkedHashMap<>();
        FitResult r = result();
        for (int i = 0; i < r.parameters().length; i++) {
            double half = t * r.uncertainties()[i];
            out.put(r.parameterNames().get(i), new double[] {r.parameters()[i] - half, r.parameters()[i] + half});
        }
        return Collections.unmodifiableMap(out);
    }

    /**
     * The training points with their fit: the x columns, y (and sigma), {@code prediction},
     * {@code residual} = y − prediction, and {@code normalized_residual} = residual/σ (the
     * residual itself without sigma). Rows dropped by the bad-record policy are not included; a
     * row with a missing value has null residuals.
     */
    public Dataset<Row> residuals() {
        FitOutcome o = outcome;
        List<Column> cols = new ArrayList<>();
        for (String x : o.request().xColumns()) {
            cols.add(functions
                    .col(Predictions.quote(x))
                    .cast(DataTypes.DoubleType)
                    .as(x));
        }
        String y = o.request().yColumn();
        String sigma = o.request().sigmaColumn();
        cols.add(functions.col(Predictions.quote(y)).cast(DataTypes.DoubleType).as(y));
        if (sigma != null) {
            cols.add(functions
                    .col(Predictions.quote(sigma))
                    .cast(DataTypes.DoubleType)
                    .as(sigma));
        }
        CurveFitModel m = model.copy(new org.apache.spark.ml.param.ParamMap())
                .setPredictionCol("prediction")
                .setPredictionStdCol("");
        Dataset<Row> d = m.transform(data.select(cols.toArray(new Column[0])));
        Column residual = functions.col(Predictions.quote(y)).minus(functions.col("prediction"));
        d = d.withColumn("residual", residual);
        return d.withColumn(
                "normalized_residual",
                sigma == null
                        ? functions.col("residual")
                        : functions.col("residual").divide(functions.col(Predictions.quote(sigma))));
    }

    /**
     * A text report: fit statistics, the parameters with uncertainties, % errors and start values,
     * and the correlations of magnitude at least {@link #REPORT_MIN_CORRELATION}.
     */
    public String report() {
        FitResult r = result();
        StringBuilder b = new StringBuilder();
        b.append("[[Fit Statistics]]\n");
        line(b, "model", outcome.request().modelText());
        line(b, "method", r.method().name().toLowerCase(Locale.ROOT) + ", strategy " + strategy());
        line(b, "status", (success() ? "success: " : "NOT a success: ") + status() + " (" + r.message() + ")");
        line(b, "iterations", r.iterations() + " (" + r.evaluations() + " evaluations)");
        line(b, "data points", Long.toString(points()));
        line(b, "free parameters", Integer.toString(freeParameters()));
        line(b, "chi-square", fmt(chiSquared()));
        line(b, "reduced chi-square", fmt(reducedChiSquared()));
        line(b, "Akaike info crit", fmt(aic()));
        line(b, "Bayesian info crit", fmt(bic()));
        line(b, "R-squared", fmt(rSquared()));
        b.append("[[Variables]]\n");
        List<String> names = r.parameterNames();
        List<String> fixed = outcome.request().fixedParameters();
        double[] start = outcome.request().problem().start();
        int w = names.stream().mapToInt(String::length).max().orElse(1);
        for (int i = 0; i < names.size(); i++) {
            double v = r.parameters()[i];
            String rest;
            if (fixed.contains(names.get(i))) {
                rest = " (fixed)";
            } else {
                double sd = r.uncertainties()[i];
                String pct = v != 0 ? String.format(Locale.ROOT, " (%.2f%%)", 100 * Math.abs(sd / v)) : "";
                rest = " +/- " + fmt(sd) + pct + " (init = " + fmt(start[i]) + ")";
            }
            b.append(String.format(Locale.ROOT, "    %-" + (w + 1) + "s %s%s%n", names.get(i) + ":", fmt(v), rest));
        }
        StringBuilder corr = new StringBuilder();
        double[][] c = r.correlation();
        List<int[]> pairs = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            for (int k = i + 1; k < names.size(); k++) {
                if (Math.abs(c[i][k]) >= REPORT_MIN_CORRELATION) {
                    pairs.add(new int[] {i, k});
                }
            }
        }
        pairs.sort((p, q) -> Double.compare(Math.abs(c[q[0]][q[1]]), Math.abs(c[p[0]][p[1]])));
        for (int[] p : pairs) {
            corr.append(String.format(
                    Locale.ROOT, "    C(%s, %s) = %+.4f%n", names.get(p[0]), names.get(p[1]), c[p[0]][p[1]]));
        }
        if (!corr.isEmpty()) {
            b.append(String.format(
                    Locale.ROOT, "[[Correlations]] (unreported correlations are < %.3f)%n", REPORT_MIN_CORRELATION));
            b.append(corr);
        }
        return b.toString();
    }

    private FitResult result() {
        return outcome.result();
    }

    private static void line(StringBuilder b, String label, String value) {
        b.append(String.format(Locale.ROOT, "    %-20s = %s%n", label, value));
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.10g", v);
    }
}
