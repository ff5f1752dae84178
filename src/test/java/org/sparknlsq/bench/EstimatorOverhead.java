package org.sparknlsq.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.sparknlsq.io.BadRecordPolicy;
import org.sparknlsq.io.DataFormat;
import org.sparknlsq.ml.CurveFit;
import org.sparknlsq.ml.CurveFitModel;
import org.sparknlsq.model.expr.ExpressionModel;
import org.sparknlsq.optim.FitOptions;
import org.sparknlsq.problem.FitProblem;
import org.sparknlsq.spark.SparkFitResult;
import org.sparknlsq.spark.SparkFitter;
import org.sparknlsq.spark.SparkInput;
import org.sparknlsq.strategy.Strategy;

/**
 * What the Estimator costs over the engine it calls, end to end on the same cached DataFrame: a
 * {@code CurveFit.fit(df)} (schema check, settings, load, the R² pass, the fit, the outcome and
 * the model with its result document) against {@code SparkFitter} on the same DataFrame through
 * {@code SparkInput.fromDataset} (load and fit only). Both run LARGE on {@code local[2]},
 * alternating, after one warm-up each; prints one JSON line with the medians and every run.
 *
 * <p>{@code java -cp "$CP" org.sparknlsq.bench.EstimatorOverhead [--size N] [--runs R]}
 */
public final class EstimatorOverhead {
    private EstimatorOverhead() {}

    public static void main(String[] args) {
        int n = 5_000_000;
        int runs = 5;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--size" -> n = Integer.parseInt(args[++i]);
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        SparkSession spark = SparkSession.builder()
                .master("local[2]")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.ui.enabled", "false")
                .getOrCreate();
        spark.sparkContext().setLogLevel("ERROR");
        Dataset<Row> df = spark.range(n)
                .repartition(4)
                .sortWithinPartitions("id")
                .select(functions.col("id").multiply(5.0 / n).as("x"))
                .withColumn(
                        "y",
                        functions
                                .exp(functions.col("x").multiply(-1.3))
                                .multiply(3)
                                .plus(0.5))
                .withColumn("sigma", functions.lit(0.02))
                .cache();
        df.count();
        CurveFit estimator = new CurveFit()
                .setModel("a*exp(-b*x) + c")
                .setInitialValues(Map.of("a", 1.0, "b", 1.0, "c", 0.0))
                .setXCols(new String[] {"x"})
                .setYCol("y")
                .setSigmaCol("sigma")
                .setStrategy("large");
        FitProblem problem = FitProblem.of(
                ExpressionModel.compile("a*exp(-b*x) + c", List.of("x"), List.of("a", "b", "c")), 1, 1, 0);
        SparkInput.Spec spec = new SparkInput.Spec(
                "DataFrame", DataFormat.PARQUET, List.of("x"), "y", "sigma", BadRecordPolicy.FAILFAST, 0);
        SparkFitter.Options engine = SparkFitter.Options.defaults().withStrategy(Strategy.LARGE);
        List<Double> est = new ArrayList<>();
        List<Double> raw = new ArrayList<>();
        double[] pEst = null;
        double[] pRaw = null;
        for (int r = 0; r <= runs; r++) {
            long t0 = System.nanoTime();
            CurveFitModel m = estimator.fit(df);
            double e = (System.nanoTime() - t0) / 1e9;
            long t1 = System.nanoTime();
            SparkFitResult f = SparkFitter.submit(
                            spark,
                            problem,
                            choice -> SparkInput.fromDataset(df, spec, choice),
                            FitOptions.defaults(),
                            engine)
                    .result();
            double w = (System.nanoTime() - t1) / 1e9;
            if (r > 0) {
                est.add(e);
                raw.add(w);
            }
            pEst = m.parameters().values().stream()
                    .mapToDouble(Double::doubleValue)
                    .toArray();
            pRaw = f.fit().parameters();
        }
        double me = median(est);
        double mr = median(raw);
        System.out.println(String.format(
                Locale.ROOT,
                "{\"points\": %d, \"runs\": %d, \"estimator_median_s\": %.3f, \"engine_median_s\": %.3f,"
                        + " \"overhead_s\": %.3f, \"overhead_fraction\": %.3f, \"same_bits\": %b,"
                        + " \"estimator_s\": %s, \"engine_s\": %s}",
                n,
                runs,
                me,
                mr,
                me - mr,
                (me - mr) / mr,
                Arrays.equals(pEst, pRaw),
                est,
                raw));
        spark.stop();
    }

    private static double median(List<Double> v) {
        double[] a = v.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
    }
}
