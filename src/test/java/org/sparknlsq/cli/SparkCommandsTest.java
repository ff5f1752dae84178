package org.sparknlsq.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparknlsq.spark.TestSpark;

/** {@code generate} and {@code fit} on Spark, through the real command line, in the test JVM. */
class SparkCommandsTest {
    private static final SparkSession SPARK = TestSpark.session();

    @TempDir
    Path dir;

    private static final String[] DECAY = {
        "--model", "a*exp(-b*x)+c", "--params", "a=3,b=1.3,c=0.5", "--x-range", "0:5", "--n", "20000", "--noise", "0.02"
    };

    private String generate(String name, int partitions) {
        String out = dir.resolve(name).toString();
        Cli.Run r = Cli.run(Cli.concat(
                Cli.concat(new String[] {"generate"}, DECAY),
                "--partitions",
                Integer.toString(partitions),
                "--seed",
                "7",
                "--out",
                out));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("wrote 20,000 points in " + partitions + " file(s)"), r.out());
        return out;
    }

    @Test
    void generateWritesTheSameNumbersForAnyPartitionCount() {
        List<Row> three =
                SPARK.read().parquet(generate("three.parquet", 3)).orderBy("x").collectAsList();
        List<Row> five =
                SPARK.read().parquet(generate("five.parquet", 5)).orderBy("x").collectAsList();
        assertEquals(20_000, three.size());
        assertEquals(three, five);
        assertEquals(0.0, three.get(0).getDouble(0));
        assertEquals(5.0 * 19_999 / 20_000, three.get(19_999).getDouble(0));
        assertEquals(0.02, three.get(0).getDouble(2), "sigma is the noise level");
        double sumSq = 0;
        for (Row r : three) {
            double x = r.getDouble(0);
            double z = (r.getDouble(1) - (3 * Math.exp(-1.3 * x) + 0.5)) / 0.02;
            sumSq += z * z;
        }
        assertEquals(1.0, sumSq / three.size(), 0.05, "the noise has the requested standard deviation");
    }

    @Test
    void fitOnSparkWritesTheStrategyAndWhyAndRecoversTheTruth() throws IOException {
        String data = generate("decay.parquet", 4);
        JsonNode j = Cli.fitJson(
                dir,
                0,
                "--data",
                data,
                "--x",
                "x",
                "--y",
                "y",
                "--sigma",
                "sigma",
                "--model",
                "a*exp(-b*x)+c",
                "--params",
                "a=1,b=1,c=0",
                "--strategy",
                "chunked",
                "--partitions",
                "6",
                "--validate");
        assertEquals("CHUNKED", j.get("strategy").asText());
        assertTrue(j.get("success").asBoolean());
        assertEquals(20_000, j.get("n_points").asLong());
        JsonNode d = j.get("diagnostics");
        assertEquals(6, d.get("partitions").asInt());
        assertTrue(d.get("strategy_reason").asText().startsWith("requested"), d.toString());
        assertTrue(d.get("spark_jobs").asLong() >= j.get("data_passes").asLong(), d.toString());
        JsonNode v = d.get("validation");
        assertEquals("STANDARD", v.get("reference").asText());
        assertTrue(v.get("max_relative_difference").asDouble() <= 1e-10, v.toString());
        JsonNode p = j.get("parameters");
        JsonNode u = j.get("uncertainties");
        assertEquals(3.0, p.get("a").asDouble(), 5 * u.get("a").asDouble());
        assertEquals(1.3, p.get("b").asDouble(), 5 * u.get("b").asDouble());
        assertEquals(0.5, p.get("c").asDouble(), 5 * u.get("c").asDouble());
    }

    @Test
    void aMissingColumnOnSparkIsADataErrorInOneLine() {
        String data = generate("cols.parquet", 2);
        Cli.Run r = Cli.run(
                "fit",
                "--data",
                data,
                "--x",
                "t",
                "--y",
                "y",
                "--model",
                "a*exp(-b*t)+c",
                "--params",
                "a=1,b=1,c=0",
                "--strategy",
                "large");
        assertEquals(ExitCode.DATA_ERROR.code(), r.code(), r.err());
        assertEquals(1, r.errLines().size(), r.err());
        assertTrue(r.err().contains("column 't' is missing (columns: x, y, sigma)"), r.err());
    }

    @Test
    void badStreamingOptionsAreAllReportedBeforeAnyData() {
        Cli.Run r = Cli.run(
                "fit",
                "--data",
                "/nonexistent/never-read.parquet",
                "--x",
                "x",
                "--y",
                "y",
                "--model",
                "a*x",
                "--params",
                "a=1",
                "--strategy",
                "streaming",
                "--max-epochs",
                "0",
                "--forgetting-factor",
                "1.5");
        assertEquals(ExitCode.CONFIG_ERROR.code(), r.code(), r.err());
        assertTrue(r.err().contains("--max-epochs: must be >= 1, got 0"), r.err());
        assertTrue(r.err().contains("--forgetting-factor: must be in (0, 1], got 1.5"), r.err());
    }
}
