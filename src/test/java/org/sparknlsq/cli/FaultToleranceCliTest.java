package org.sparknlsq.cli;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparknlsq.spark.TestSpark;

/**
 * The black-box behaviour of the issue: a CSV sorted by x whose model is not finite below a cut,
 * fitted on 10 partitions through the real command line (on the shared test SparkSession).
 */
class FaultToleranceCliTest {
    static {
        TestSpark.session();
    }

    @TempDir
    Path dir;

    /** x sorted in [0, 10), y = 3e^(−0.5x) + 0.7√(x−2) (0 below 2) + noise; only rows with x ≥ from. */
    private Path csv(String name, double from) throws IOException {
        Random r = new Random(11);
        StringBuilder b = new StringBuilder("x,y\n");
        int n = 10_000;
        for (int i = 0; i < n; i++) {
            double x = 10.0 * i / n;
            double y = 3 * Math.exp(-0.5 * x) + (x >= 2 ? 0.7 * Math.sqrt(x - 2) : 0) + 0.01 * r.nextGaussian();
            if (x >= from) {
                b.append(String.format(Locale.ROOT, "%.17g,%.17g%n", x, y));
            }
        }
        return Cli.write(dir, name, b.toString());
    }

    private static String[] fitArgs(Path data, String model, String... more) {
        return Cli.fitArgs(data, model, "a=2,b=0.3,c=1", more);
    }

    private JsonNode fit(Path data, String model, int partitions, int code) throws IOException {
        String[] args = fitArgs(data, model, "--partitions", Integer.toString(partitions));
        return Cli.fitJson(dir, code, java.util.Arrays.copyOfRange(args, 1, args.length));
    }

    @Test
    void twentyPercentPoisonedIsExcludedAndMatchesTheValidRowsAlone() throws IOException {
        JsonNode all = fit(csv("all.csv", 0), "a*exp(-b*x) + c*sqrt(x-2)", 10, 0);
        assertTrue(all.get("success").asBoolean());
        JsonNode d = all.get("diagnostics");
        assertEquals("[0,1]", d.get("failed_batches").toString());
        assertEquals(2, d.get("excluded_partitions").size());
        assertEquals(0, d.get("excluded_partitions").get(0).get("partition").asInt());
        assertEquals(1000, d.get("excluded_partitions").get(0).get("points").asInt());
        assertEquals(
                "NonFiniteValue",
                d.get("excluded_partitions").get(0).get("error_type").asText());
        assertEquals(0.2, d.get("excluded_fraction").asDouble());
        assertTrue(d.get("batch_success_rate").asDouble() >= 0.5);
        assertEquals(4, d.get("total_retries").asInt());
        assertTrue(d.get("convergence_achieved").asBoolean());
        assertTrue(d.has("recent_batch_stats") && d.has("aggregate_stats") && d.has("infrastructure"));
        assertEquals(8000, all.get("n_points").asInt());

        JsonNode valid = fit(csv("valid.csv", 2), "a*exp(-b*x) + c*sqrt(x-2)", 8, 0);
        assertEquals("[]", valid.get("diagnostics").get("failed_batches").toString());
        assertArrayEquals(Cli.values(valid.get("parameters")), Cli.values(all.get("parameters")));
    }

    @Test
    void eightyPercentPoisonedFailsWithItsExitCodeAndExplainsWhy() throws IOException {
        Path data = csv("all.csv", 0);
        Path out = dir.resolve("result.json");
        Cli.Run r =
                Cli.run(fitArgs(data, "a*exp(-b*x) + c*sqrt(x-8)", "--output", out.toString(), "--partitions", "10"));
        assertEquals(ExitCode.BATCH_FAILURE.code(), r.code(), r.err());
        assertEquals(7, r.code());
        assertEquals(1, r.errLines().size(), r.err());
        assertTrue(r.err().startsWith("spark-nlsq: error: the fit is not a success: only "), r.err());
        assertTrue(r.err().contains("8 of 10 partitions excluded, 80.0% of the points"), r.err());
        JsonNode j = Cli.JSON.readTree(out.toFile());
        assertFalse(j.get("success").asBoolean());
        assertTrue(
                j.get("message").asText().contains("(minimum 50.0%)"),
                j.get("message").asText());
        for (double v : Cli.values(j.get("parameters"))) {
            assertTrue(Double.isFinite(v));
        }
        JsonNode d = j.get("diagnostics");
        assertTrue(d.get("batch_success_rate").asDouble() < 0.5);
        assertEquals(0.5, d.get("min_success_rate").asDouble());
        assertEquals(8, d.get("excluded_partitions").size());
    }

    @Test
    void fastModeStopsAtTheFirstNonFinitePartition() throws IOException {
        Path data = csv("all.csv", 0);
        Cli.Run r = Cli.run(
                fitArgs(data, "a*exp(-b*x) + c*sqrt(x-2)", "--partitions", "10", "--enable-fault-tolerance", "false"));
        assertEquals(ExitCode.NUMERICAL_ERROR.code(), r.code(), r.err());
        assertTrue(r.err().contains("the model is not finite at the start parameters"), r.err());
    }

    @Test
    void badFaultToleranceSettingsAreOneConfigError() throws IOException {
        Path data = csv("all.csv", 0);
        Cli.Run r =
                Cli.run(fitArgs(data, "a*exp(-b*x) + c", "--min-success-rate", "1.5", "--max-retries-per-batch", "-1"));
        assertEquals(ExitCode.CONFIG_ERROR.code(), r.code(), r.err());
        assertEquals(1, r.errLines().size(), r.err());
        assertTrue(r.err().contains("--min-success-rate: must be in [0, 1], got 1.5"), r.err());
        assertTrue(r.err().contains("--max-retries-per-batch: must be >= 0, got -1"), r.err());
    }

    @Test
    void theOptionsHaveTheirYamlNames() throws IOException {
        Path data = csv("all.csv", 0);
        Path yaml = Cli.write(
                dir,
                "ft.yaml",
                "data: " + data + "\nx: x\ny: y\nmodel: a*exp(-b*x) + c*sqrt(x-2)\nparams: {a: 2, b: 0.3, c: 1}\n"
                        + "partitions: 10\nenableFaultTolerance: true\nminSuccessRate: 0.9\nmaxRetriesPerBatch: 0\n"
                        + "batchStatsBufferSize: 5\n");
        Path out = dir.resolve("result.json");
        Cli.Run r = Cli.run("fit", "--config", yaml.toString(), "--output", out.toString());
        // 20% excluded: a rate of about 0.8 is below the required 0.9
        assertEquals(ExitCode.BATCH_FAILURE.code(), r.code(), r.err());
        JsonNode d = Cli.JSON.readTree(out.toFile()).get("diagnostics");
        assertEquals(0.9, d.get("min_success_rate").asDouble());
        assertEquals(0, d.get("total_retries").asInt(), "no retries in place");
        assertEquals(5, d.get("recent_batch_stats").size());
    }
}
