package org.sparknlsq.cli;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparknlsq.spark.TestSpark;

/**
 * The Airflow DAG (jobs/airflow/spark_nlsq_fit.py): its pytest suite (against a stand-in Airflow
 * that rejects argument names the real operator lacks) passes, and the command line it renders for
 * a logical date runs in the real CLI, twice, as a retry or rerun would: the second run resumes
 * from the first one's checkpoints and writes the same parameters to the same place.
 */
class AirflowDagTest {
    private static final SparkSession SPARK = TestSpark.session();
    private static final String PYTHON = "/usr/bin/python3";

    @TempDir
    Path dir;

    private static String python(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(PYTHON));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "python timed out");
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + ":\n" + out);
        return out;
    }

    @Test
    void thePytestSuitePasses() throws Exception {
        String out = python("-m", "pytest", "-q", "-p", "no:cacheprovider", "src/test/python/test_airflow_dag.py");
        assertTrue(out.contains("passed"), out);
    }

    @Test
    void theRenderedCommandRunsAndARerunResumesToTheSameParameters() throws Exception {
        String root = dir.toUri().toString().replaceAll("/$", "");
        String[] args = Cli.JSON.readValue(
                python("src/test/python/test_airflow_dag.py", "render", "2026-11-29", root), String[].class);
        // one day's scans, where the DAG looks for them: t, g2, sigma as Parquet
        StructType schema = new StructType()
                .add("t", DataTypes.DoubleType)
                .add("g2", DataTypes.DoubleType)
                .add("sigma", DataTypes.DoubleType);
        List<Row> rows = new ArrayList<>();
        Random r = new Random(9);
        for (int i = 0; i < 5_000; i++) {
            double t = 5.0 * i / 5_000;
            rows.add(RowFactory.create(t, 3 * Math.exp(-1.3 * t) + 0.5 + 0.02 * r.nextGaussian(), 0.02));
        }
        Dataset<Row> df = SPARK.createDataFrame(rows, schema).coalesce(2);
        df.write().parquet(dir.resolve("scans").resolve("2026-11-29").toString());

        Cli.Run first = Cli.run(args);
        assertEquals(0, first.code(), first.err());
        Path result = dir.resolve("fits").resolve("2026-11-29").resolve("result.json");
        JsonNode a = Cli.JSON.readTree(result.toFile());
        assertTrue(a.get("success").asBoolean());
        assertEquals(3.0, a.get("parameters").get("a").asDouble(), 0.02);
        try (var files = Files.list(dir.resolve("checkpoints").resolve("2026-11-29"))) {
            assertTrue(files.count() >= 1, "checkpoints written");
        }

        Cli.Run rerun = Cli.run(args);
        assertEquals(0, rerun.code(), rerun.err());
        JsonNode b = Cli.JSON.readTree(result.toFile());
        assertEquals(a.get("parameters").toString(), b.get("parameters").toString());
        assertFalse(
                b.get("diagnostics").get("checkpoint_info").get("resumed_from").isNull(), "the rerun resumed");
    }
}
