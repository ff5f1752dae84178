package org.sparknlsq.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparknlsq.cli.Main;
import org.sparknlsq.io.BadRecordPolicy;
import org.sparknlsq.io.DataFormat;
import org.sparknlsq.kernel.DataBlock;
import org.sparknlsq.model.builtin.BuiltinModels;
import org.sparknlsq.optim.CurveFitter;
import org.sparknlsq.optim.FitOptions;
import org.sparknlsq.optim.FitResult;
import org.sparknlsq.problem.FitProblem;
import org.sparknlsq.strategy.Strategy;

/**
 * HDF5 on Spark: a chunked, gzip-compressed file written by h5py is read in slices by the
 * executors and fitted to the same optimum as the same numbers in memory.
 */
class SparkHdf5Test {
    private static final SparkSession SPARK = TestSpark.session();
    private static final int N = 50_000;
    private static final DataBlock DATA = SparkEngineTest.decay(N);

    @TempDir
    static Path dir;

    private static final String WRITER =
            """
            import sys, numpy as np, h5py
            raw, out = sys.argv[1], sys.argv[2]
            a = np.fromfile(raw, dtype='<f8').reshape(3, -1)
            with h5py.File(out, 'w') as f:
                g = f.create_group('scan')
                for name, col in zip(('t', 'g2', 'err'), a):
                    g.create_dataset(name, data=col, chunks=(4096,), compression='gzip', shuffle=True)
            """;

    @BeforeAll
    static void writeWithH5py() throws IOException, InterruptedException {
        Path raw = dir.resolve("data.f64");
        ByteBuffer b = ByteBuffer.allocate(3 * N * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (double[] col : List.of(DATA.x(), DATA.y(), DATA.sigma())) {
            for (double v : col) {
                b.putDouble(v);
            }
        }
        Files.write(raw, b.array());
        Process p = new ProcessBuilder(
                        "/usr/bin/python3",
                        "-c",
                        WRITER,
                        raw.toString(),
                        dir.resolve("scan.h5").toString())
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "h5py writer timed out");
        assertEquals(0, p.exitValue(), "h5py writer failed (apt-get install python3-h5py): " + out);
    }

    @Test
    void aChunkedGzipFileFromH5pyFitsLikeTheSameNumbersInMemory() {
        FitProblem problem = FitProblem.of(BuiltinModels.exponentialDecay(), 1, 1, 0);
        FitResult local = CurveFitter.fit(problem, DATA, FitOptions.defaults());
        SparkInput.Spec spec = new SparkInput.Spec(
                dir.resolve("scan.h5").toUri().toString(),
                DataFormat.HDF5,
                List.of("/scan/t"),
                "/scan/g2",
                "/scan/err",
                BadRecordPolicy.FAILFAST,
                7);
        SparkFitResult r = SparkFitter.fit(
                SPARK,
                problem,
                spec,
                FitOptions.defaults(),
                SparkFitter.Options.defaults().withStrategy(Strategy.LARGE));
        assertEquals(7, r.partitions());
        assertEquals(N, r.fit().points());
        SparkEngineTest.assertSameFit(local, r.fit(), 1e-10);
    }

    @Test
    void theCommandLineNamesHdf5VariablesByTheLastPathComponent() throws Exception {
        Path out = dir.resolve("fit.json");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                "fit",
                "--data",
                dir.resolve("scan.h5").toString(),
                "--x",
                "/scan/t",
                "--y",
                "/scan/g2",
                "--sigma",
                "/scan/err",
                "--model",
                "a*exp(-b*t)+c",
                "--params",
                "a=1,b=1,c=0",
                "--strategy",
                "large",
                "--partitions",
                "5",
                "--output",
                out.toString());
        assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
        JsonNode j = new ObjectMapper().readTree(out.toFile());
        assertEquals(N, j.get("n_points").asLong());
        assertEquals(5, j.get("diagnostics").get("partitions").asInt());
        FitResult local =
                CurveFitter.fit(FitProblem.of(BuiltinModels.exponentialDecay(), 1, 1, 0), DATA, FitOptions.defaults());
        assertEquals(local.parameter("b"), j.get("parameters").get("b").asDouble(), 1e-10 * local.parameter("b"));
    }
}
