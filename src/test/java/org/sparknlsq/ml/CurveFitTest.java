package org.sparknlsq.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.SQLTransformer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparknlsq.cli.Main;
import org.sparknlsq.fit.InvalidSettingsException;
import org.sparknlsq.io.DataException;
import org.sparknlsq.robust.CheckpointException;
import org.sparknlsq.spark.TestSpark;

/** The Spark ML Estimator on a real SparkSession. */
class CurveFitTest {
    static final double A = 3.0;
    static final double B = 1.3;
    static final double C = 0.5;

    static SparkSession spark;
    static Dataset<Row> data;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        spark = TestSpark.session();
        data = decay(2000, 7);
    }

    /** y = A·exp(−B·x) + C with Gaussian noise of 0.02, sigma 0.02; x on [0, 5]. */
    static Dataset<Row> decay(int n, long seed) {
        Random r = new Random(seed);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            double x = 5.0 * i / (n - 1);
            rows.add(RowFactory.create(x, A * Math.exp(-B * x) + C + 0.02 * r.nextGaussian(), 0.02));
        }
        StructType schema = new StructType()
                .add("x", DataTypes.DoubleType)
                .add("y", DataTypes.DoubleType)
                .add("sigma", DataTypes.DoubleType);
        return spark.createDataFrame(rows, schema).repartition(3);
    }

    static CurveFit decayFit() {
        return new CurveFit()
                .setModel("a*exp(-b*x) + c")
                .setInitialValues(Map.of("a", 1.0, "b", 1.0, "c", 0.0))
                .setXCols(new String[] {"x"})
                .setYCol("y")
                .setSigmaCol("sigma");
    }

    @Test
    void theIssueExampleFitsPredictsSummarizesAndRoundTrips() {
        CurveFitModel m = decayFit().setPredictionStdCol("prediction_std").fit(data);
        Map<String, Double> p = m.parameters();
        assertEquals(List.of("a", "b", "c"), m.parameterNames());
        assertEquals(A, p.get("a"), 0.02);
        assertEquals(B, p.get("b"), 0.02);
        assertEquals(C, p.get("c"), 0.01);
        CurveFitSummary s = m.summary();
        assertTrue(s.success(), s.message());
        assertEquals(2000, s.points());
        assertTrue(s.rSquared() > 0.99 && s.rSquared() < 1, "R2 " + s.rSquared());
        assertEquals(s.chiSquared() / (2000 - 3), s.reducedChiSquared(), 1e-12 * s.reducedChiSquared());
        String report = s.report();
        assertTrue(
                report.contains("[[Variables]]") && report.contains("(init = 1") && report.contains("C(a, "), report);
        Dataset<Row> out = m.transform(data);
        assertTrue(List.of(out.columns()).containsAll(List.of("x", "y", "sigma", "prediction", "prediction_std")));
        // Student t on n - k = 1997 degrees of freedom: t(0.975) = 1.9611526 (scipy.stats.t.ppf)
        Map<String, double[]> ci = s.confidenceIntervals(0.95);
        double sd = m.uncertainties().get("b");
        assertEquals(1.9611526, (ci.get("b")[1] - ci.get("b")[0]) / (2 * sd), 1e-6);
        assertEquals(p.get("b"), (ci.get("b")[1] + ci.get("b")[0]) / 2, 1e-15);
        double aic = 2000 * Math.log(s.chiSquared() / 2000) + 2 * 3;
        assertEquals(aic, s.aic(), 1e-9 * Math.abs(aic));
        assertEquals(aic - 6 + 3 * Math.log(2000), s.bic(), 1e-9 * Math.abs(aic));
        assertEquals(2000, out.count());
    }

    @Test
    void predictionAndItsStandardErrorMatchAnIndependentComputation() {
        CurveFitModel m = decayFit().setPredictionStdCol("prediction_std").fit(data);
        double a = m.parameters().get("a");
        double b = m.parameters().get("b");
        double c = m.parameters().get("c");
        double[][] cov = m.covariance();
        for (Row r :
                m.transform(data).select("x", "prediction", "prediction_std").collectAsList()) {
            double x = r.getDouble(0);
            double e = Math.exp(-b * x);
            double f = a * e + c;
            double[] g = {e, -a * x * e, 1};
            double var = 0;
            for (int i = 0; i < 3; i++) {
                for (int k = 0; k < 3; k++) {
                    var += g[i] * cov[i][k] * g[k];
                }
            }
            assertEquals(f, r.getDouble(1), 1e-13 * Math.abs(f), "prediction at x=" + x);
            assertEquals(Math.sqrt(var), r.getDouble(2), 1e-9 * Math.sqrt(var), "standard error at x=" + x);
        }
    }

    @Test
    void theResidualsAreTheDataMinusTheFit() {
        CurveFitModel m = decayFit().fit(data);
        double a = m.parameters().get("a");
        double b = m.parameters().get("b");
        double c = m.parameters().get("c");
        Dataset<Row> res = m.summary().residuals();
        assertEquals(
                List.of("x", "y", "sigma", "prediction", "residual", "normalized_residual"), List.of(res.columns()));
        List<Row> rows = res.collectAsList();
        assertEquals(2000, rows.size());
        double chi2 = 0;
        for (Row r : rows) {
            double f = a * Math.exp(-b * r.getDouble(0)) + c;
            double residual = r.getDouble(1) - f;
            assertEquals(residual, r.getDouble(4), 1e-12);
            assertEquals(residual / 0.02, r.getDouble(5), 1e-9);
            chi2 += r.getDouble(5) * r.getDouble(5);
        }
        assertEquals(m.summary().chiSquared(), chi2, 1e-9 * chi2);
    }

    @Test
    void saveAndLoadPredictIdentically() throws Exception {
        CurveFitModel m = decayFit().setPredictionStdCol("prediction_std").fit(data);
        String path = dir.resolve("model").toString();
        m.write().overwrite().save(path);
        m.write().overwrite().save(path);
        CurveFitModel back = CurveFitModel.load(path);
        assertEquals(m.uid(), back.uid());
        assertEquals(m.parameters(), back.parameters());
        assertArrayEquals(m.covariance(), back.covariance());
        assertFalse(back.hasSummary());
        assertThrows(IllegalStateException.class, back::summary);
        List<Row> before =
                m.transform(data).select("prediction", "prediction_std").collectAsList();
        List<Row> after =
                back.transform(data).select("prediction", "prediction_std").collectAsList();
        assertEquals(before, after);
        assertThrows(Exception.class, () -> m.write().save(path), "an existing model is not overwritten silently");
    }

    @Test
    void itRunsInsideAPipelineThatSavesAndLoads() throws Exception {
        SQLTransformer shift = new SQLTransformer().setStatement("SELECT x, y, sigma, x * 2 AS t FROM __THIS__");
        CurveFit fit = decayFit().setModel("a*exp(-b*t/2) + c").setXCols(new String[] {"t"});
        PipelineModel pm =
                new Pipeline().setStages(new PipelineStage[] {shift, fit}).fit(data);
        CurveFitModel m = (CurveFitModel) pm.stages()[1];
        assertEquals(B, m.parameters().get("b"), 0.02);
        String path = dir.resolve("pipeline").toString();
        pm.write().overwrite().save(path);
        PipelineModel back = PipelineModel.load(path);
        assertEquals(
                pm.transform(data).select("prediction").collectAsList(),
                back.transform(data).select("prediction").collectAsList());
        assertEquals(m.parameters(), ((CurveFitModel) back.stages()[1]).parameters());
    }

    @Test
    void theEstimatorItselfSavesAndLoadsWithItsParams() throws Exception {
        CurveFit fit = decayFit().setFixedParameters("c").setBounds("b", 0, 10).setMaxIterations(77);
        String path = dir.resolve("estimator").toString();
        fit.write().overwrite().save(path);
        CurveFit back = CurveFit.load(path);
        assertEquals(fit.getInitialValues(), back.getInitialValues());
        assertEquals(fit.getUpperBounds(), back.getUpperBounds());
        assertArrayEquals(fit.getFixedParameters(), back.getFixedParameters());
        assertEquals(77, (Integer) back.getOrDefault(back.maxIterations));
    }

    @Test
    void theEstimatorAndTheCommandLineGiveTheSameBits() throws Exception {
        Path parquet = dir.resolve("decay.parquet");
        data.write().parquet(parquet.toString());
        Path out = dir.resolve("cli.json");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                "fit",
                "--data",
                parquet.toString(),
                "--x",
                "x",
                "--y",
                "y",
                "--sigma",
                "sigma",
                "--model",
                "a*exp(-b*x) + c",
                "--params",
                "a=1,b=1,c=0",
                "--strategy",
                "large",
                "--output",
                out.toString());
        assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
        JsonNode cli = new ObjectMapper().readTree(out.toFile());
        assertEquals("LARGE", cli.get("strategy").asText());
        CurveFitModel m = decayFit().setStrategy("large").fit(spark.read().parquet(parquet.toString()));
        assertEquals("LARGE", m.summary().strategy());
        for (String name : List.of("a", "b", "c")) {
            assertEquals(
                    Double.doubleToLongBits(cli.get("parameters").get(name).asDouble()),
                    Double.doubleToLongBits(m.parameters().get(name)),
                    name);
        }
    }

    @Test
    void aFixedParameterStaysAtItsValueWithZeroUncertainty() {
        CurveFitModel m = decayFit()
                .setInitialValues(Map.of("a", 1.0, "b", 1.0, "c", 0.45))
                .setFixedParameters("c")
                .fit(data);
        assertEquals(0.45, m.parameters().get("c"));
        assertEquals(0.0, m.uncertainties().get("c"));
        double[][] cov = m.covariance();
        for (int i = 0; i < 3; i++) {
            assertEquals(0.0, cov[2][i]);
            assertEquals(0.0, cov[i][2]);
        }
        assertTrue(cov[0][0] > 0 && cov[1][1] > 0);
        assertEquals(2, m.summary().freeParameters());
        assertEquals(m.summary().chiSquared() / (2000 - 2), m.summary().reducedChiSquared(), 1e-12);
        assertTrue(m.summary().report().contains("c:") && m.summary().report().contains("(fixed)"));
    }

    @Test
    void missingOrMistypedColumnsAndBadSettingsFailBeforeAnySparkJob() {
        Dataset<Row> text = data.selectExpr("x", "cast(y as string) as y", "sigma");
        Dataset<Row> noSigma = data.select("x", "y");
        String group = "no-job-" + UUID.randomUUID();
        spark.sparkContext().setJobGroup(group, "schema checks", false);
        try {
            IllegalArgumentException e1 = assertThrows(
                    IllegalArgumentException.class, () -> decayFit().fit(text));
            assertTrue(
                    e1.getMessage().contains("yCol: column 'y' has type string, expected a number"), e1.getMessage());
            IllegalArgumentException e2 = assertThrows(
                    IllegalArgumentException.class, () -> decayFit().fit(noSigma));
            assertTrue(e2.getMessage().contains("sigmaCol: column 'sigma' does not exist"), e2.getMessage());
            IllegalArgumentException e3 = assertThrows(
                    IllegalArgumentException.class,
                    () -> decayFit().setXCols(new String[] {"t"}).fit(data));
            assertTrue(e3.getMessage().contains("xCols: column 't' does not exist"), e3.getMessage());
            InvalidSettingsException e4 = assertThrows(
                    InvalidSettingsException.class,
                    () -> decayFit().setMaxIterations(0).setLoss("l3").fit(data));
            assertEquals(
                    List.of("loss", "maxIterations"),
                    e4.problems().stream()
                            .map(InvalidSettingsException.Problem::key)
                            .toList(),
                    e4.getMessage());
            InvalidSettingsException e5 = assertThrows(
                    InvalidSettingsException.class,
                    () -> decayFit().setModel("a*exp(").fit(data));
            assertEquals("model", e5.problems().get(0).key());
        } finally {
            spark.sparkContext().clearJobGroup();
        }
        assertEquals(0, spark.sparkContext().statusTracker().getJobIdsForGroup(group).length);
    }

    @Test
    void tooFewRowsAreADataErrorNamingTheCounts() {
        DataException e = assertThrows(DataException.class, () -> decayFit().fit(data.limit(2)));
        assertTrue(e.getMessage().contains("2 data row(s) but the model has 3 parameters"), e.getMessage());
        DataException none = assertThrows(DataException.class, () -> decayFit().fit(data.limit(0)));
        assertTrue(none.getMessage().contains("DataFrame: no data rows"), none.getMessage());
    }

    @Test
    void aCheckpointedFitRefusesOtherDataAndResumesTheSameToTheBit() throws Exception {
        String ckpt = dir.resolve("ckpt").toString();
        CurveFitModel plain = decayFit().fit(data);
        CurveFitModel first =
                decayFit().setCheckpointDir(ckpt).setCheckpointEvery(1).fit(data);
        assertEquals(plain.parameters(), first.parameters());
        assertNotNull(first.summary().diagnostics().checkpoints());
        assertTrue(first.summary().diagnostics().checkpoints().saves() > 0);
        try (var files = Files.list(Path.of(ckpt))) {
            assertTrue(files.anyMatch(f -> f.getFileName().toString().endsWith(".h5")));
        }

        // a resume on other data: refused when the checkpoint is named; with auto, another fit's
        // checkpoints are never used (a directory can hold several fits), so the fit starts afresh
        Dataset<Row> other = decay(2000, 8);
        String newest = first.summary().diagnostics().checkpoints().lastCheckpoint();
        CheckpointException refused = assertThrows(
                CheckpointException.class,
                () -> decayFit().setResume(ckpt + "/" + newest).fit(other));
        assertTrue(refused.getMessage().contains("other data"), refused.getMessage());
        CurveFitModel otherAuto =
                decayFit().setCheckpointDir(ckpt).setResume("auto").fit(other);
        assertEquals(null, otherAuto.summary().diagnostics().checkpoints().resumedFrom());
        assertEquals(decayFit().fit(other).parameters(), otherAuto.parameters());

        CurveFitModel resumed =
                decayFit().setCheckpointDir(ckpt).setResume("auto").fit(data);
        assertNotNull(resumed.summary().diagnostics().checkpoints().resumedFrom());
        for (String name : List.of("a", "b", "c")) {
            assertEquals(
                    Double.doubleToLongBits(plain.parameters().get(name)),
                    Double.doubleToLongBits(resumed.parameters().get(name)),
                    name);
        }
    }
}
