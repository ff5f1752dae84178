package org.sparknlsq.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparknlsq.testing.LauncherRoot;

/**
 * The launcher's JIT choice, from its {@code DRY_RUN=1} command line: C1 only for an input known
 * to be under 32 MiB (a file, a local directory's files together, a .gz counted 4x), the default
 * tiered compiler for a larger one and for one of unknown size (a URI, a config file's data).
 */
class LauncherJitTest {
    private static final String C1_ONLY = "-XX:TieredStopAtLevel=1";
    private static final int MIB = 1 << 20;

    @TempDir
    static Path dir;

    private static Path launcher;

    @BeforeAll
    static void stage() throws Exception {
        launcher = LauncherRoot.stage(dir.resolve("root")).resolve("jobs/spark-nlsq");
    }

    /** The java command line the launcher would run with {@code args} (and {@code javaOpts}). */
    private static List<String> javaLine(String javaOpts, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(launcher.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("DRY_RUN", "1");
        pb.environment().put("MVN", "false");
        pb.environment().remove("JAVA_OPTS");
        if (javaOpts != null) {
            pb.environment().put("JAVA_OPTS", javaOpts);
        }
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the launcher timed out");
        assertEquals(0, p.exitValue(), out);
        return out.lines().toList();
    }

    private static Path file(String name, long bytes) throws Exception {
        Path f = dir.resolve(name);
        Files.createDirectories(f.getParent());
        byte[] block = new byte[MIB];
        try (OutputStream out = Files.newOutputStream(f)) {
            // written, not sparse: the launcher counts a directory's blocks on disk
            for (long left = bytes; left > 0; left -= block.length) {
                out.write(block, 0, (int) Math.min(left, block.length));
            }
        }
        return f;
    }

    @Test
    void inputsKnownToBeSmallGetC1Only() throws Exception {
        Path csv = file("small.csv", 1000);
        Path parts = file("small.parquet/part-0.parquet", 2 * MIB).getParent();
        for (List<String> args : List.of(
                List.of("fit", "--data", csv.toString()),
                List.of("fit", "--data=" + csv),
                List.of("fit", "--data", "file://" + csv),
                List.of("fit", "--data", parts.toString()),
                List.of("fit", "--data", dir.resolve("absent.csv").toString()),
                List.of("fit", "--help"))) {
            assertTrue(javaLine(null, args.toArray(new String[0])).contains(C1_ONLY), args.toString());
        }
    }

    @Test
    void largeInputsAndInputsOfUnknownSizeGetTheDefaultCompiler() throws Exception {
        Path big = file("big.parquet/part-0.parquet", 20 * MIB).getParent();
        file("big.parquet/part-1.parquet", 13 * MIB);
        Path gz = file("packed.csv.gz", 9 * MIB);
        Path config = Files.writeString(dir.resolve("fit.yaml"), "data: hdfs://nn/d.parquet\n");
        for (List<String> args : List.of(
                List.of("fit", "--data", big.toString()),
                List.of("fit", "--data", gz.toString()),
                List.of("fit", "--data", "hdfs://nn:8020/data/decay.parquet"),
                List.of("fit", "--data=s3a://bucket/decay"),
                List.of("fit", "--config", config.toString()))) {
            assertTrue(!javaLine(null, args.toArray(new String[0])).contains(C1_ONLY), args.toString());
        }
    }

    @Test
    void javaOptsComeAfterTheDefaultsAndTheArgumentsLast() throws Exception {
        Path csv = file("opts.csv", 1000);
        List<String> line = javaLine("-XX:TieredStopAtLevel=4 -Xmx2g", "fit", "--data", csv.toString());
        assertTrue(line.indexOf("-XX:TieredStopAtLevel=4") > line.indexOf(C1_ONLY), line.toString());
        assertTrue(line.contains("-Xmx2g"), line.toString());
        assertEquals(
                List.of("org.sparknlsq.cli.Main", "fit", "--data", csv.toString()),
                line.subList(line.size() - 4, line.size()));
    }
}
