package org.sparknlsq.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparknlsq.spark.TestSpark;

/**
 * With the launcher's log configuration, a failure the command reports in one line shows no stack
 * trace: Spark's own report of it goes to the log file, and to the console only with --verbose.
 */
class QuietFailuresTest {
    @TempDir
    Path dir;

    record Run(int code, String err) {}

    private Run fit(Path data, Path log, String... more) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(Arrays.asList(System.getProperty("sparknlsq.test.opens", "").split(" ")));
        cmd.removeIf(String::isBlank);
        cmd.add("-Dlog4j2.configurationFile="
                + Path.of("conf/log4j2.properties").toAbsolutePath());
        cmd.add("-Dsparknlsq.log.file=" + log);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "org.sparknlsq.cli.Main"));
        cmd.addAll(List.of(Cli.fitArgs(data, "a*exp(-b*x)+c", "a=1,b=1,c=0")));
        cmd.addAll(List.of("--master", "local[2]"));
        cmd.addAll(List.of(more));
        Process p = new ProcessBuilder(cmd)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(180, TimeUnit.SECONDS));
        return new Run(p.exitValue(), err);
    }

    @Test
    void aBadRecordInParquetIsOneLineWithTheTraceInTheLogFile() throws Exception {
        List<org.apache.spark.sql.Row> rows = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            rows.add(RowFactory.create(0.01 * i, i == 150 ? null : Math.exp(-0.01 * i)));
        }
        Path data = dir.resolve("bad.parquet");
        TestSpark.session()
                .createDataFrame(
                        rows, new StructType().add("x", DataTypes.DoubleType).add("y", DataTypes.DoubleType))
                .coalesce(1)
                .write()
                .parquet(data.toString());
        Path log = dir.resolve("spark-nlsq.log");
        Run quiet = fit(data, log);
        assertEquals(ExitCode.DATA_ERROR.code(), quiet.code(), quiet.err());
        List<String> lines = quiet.err().lines().filter(l -> !l.isBlank()).toList();
        assertEquals(1, lines.size(), quiet.err());
        assertTrue(
                lines.get(0).startsWith("spark-nlsq: error: ") && lines.get(0).contains("bad.parquet"), lines.get(0));
        assertFalse(quiet.err().contains("\tat "), quiet.err());
        assertTrue(Files.readString(log).contains("\tat "), "the trace is in the log file");

        Run verbose = fit(data, dir.resolve("verbose.log"), "--verbose");
        assertEquals(ExitCode.DATA_ERROR.code(), verbose.code(), verbose.err());
        assertTrue(verbose.err().contains("\tat "), "--verbose shows Spark's report: " + verbose.err());
    }
}
