package org.sparknlsq.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.sparknlsq.testing.CliJvm;
import org.sparknlsq.testing.DecayCommands;
import org.sparknlsq.testing.StandaloneCluster;

/**
 * Time to the first iteration on a real standalone cluster (Spark's own Master and two Workers of
 * one core and 1g, from the pinned PySpark): the command line in a fresh JVM, as the launcher runs
 * it, fits 1,000,000 decay points (4 Parquet files, LARGE, 4 partitions) with a checkpoint after
 * every iteration; the first checkpoint's file marks the end of the first iteration. Prints JSON:
 * per run, seconds to the first iteration, the load as the fit reports it, and the whole command.
 *
 * <pre>
 * java &lt;--add-opens flags&gt; -cp CP org.sparknlsq.bench.ClusterStartup [--runs R]
 * </pre>
 */
public final class ClusterStartup {
    private ClusterStartup() {}

    public static void main(String[] args) throws Exception {
        int runs = args.length == 2 && args[0].equals("--runs") ? Integer.parseInt(args[1]) : 3;
        Path dir = Files.createTempDirectory("cluster-startup");
        List<Map<String, Object>> rows = new ArrayList<>();
        try (StandaloneCluster cluster =
                StandaloneCluster.start(Files.createDirectories(dir.resolve("cluster")), 2, 1, "1g")) {
            Path data = dir.resolve("decay.parquet");
            run(dir, "generate", DecayCommands.generate(1_000_000, 4, data.toString()), null, 0);
            for (int i = 0; i < runs; i++) {
                Path ckpt = dir.resolve("ckpt-" + i);
                Path out = dir.resolve("fit-" + i + ".json");
                List<String> fit = DecayCommands.fit(
                        data.toString(),
                        "--strategy",
                        "large",
                        "--partitions",
                        "4",
                        "--master",
                        cluster.url(),
                        "--checkpoint-dir",
                        ckpt.toString(),
                        "--checkpoint-every",
                        "1",
                        "--progress",
                        "never",
                        "--output",
                        out.toString());
                double[] t = run(dir, "fit-" + i, fit, ckpt, 1);
                JsonNode j = new ObjectMapper().readTree(out.toFile());
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("first_iteration_seconds", t[0]);
                row.put("load_seconds", j.get("diagnostics").get("load_seconds").asDouble());
                row.put("command_seconds", t[1]);
                row.put("iterations", j.get("iterations").asInt());
                rows.add(row);
            }
        }
        System.out.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(rows));
    }

    /** Runs the command line; returns {seconds to checkpoint {@code k} (NaN without), seconds to exit}. */
    private static double[] run(Path dir, String name, List<String> args, Path ckpt, int k) throws Exception {
        List<String> cmd = CliJvm.command(dir.resolve(name + ".spark.log"), "-Dspark.executor.memory=512m");
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".log").toFile());
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        long t0 = System.nanoTime();
        Process p = pb.start();
        double first = Double.NaN;
        while (p.isAlive()) {
            if (ckpt != null && Double.isNaN(first) && Files.isDirectory(ckpt)) {
                try (Stream<Path> s = Files.list(ckpt)) {
                    if (s.anyMatch(f -> f.getFileName().toString().matches("checkpoint-.*-0*" + k + "\\.h5"))) {
                        first = (System.nanoTime() - t0) / 1e9;
                    }
                }
            }
            p.waitFor(10, TimeUnit.MILLISECONDS);
        }
        double total = (System.nanoTime() - t0) / 1e9;
        if (p.exitValue() != 0) {
            throw new IllegalStateException(name + " failed: " + Files.readString(dir.resolve(name + ".log")));
        }
        System.err.printf(Locale.ROOT, "%s: first iteration %.2f s, exit %.2f s%n", name, first, total);
        return new double[] {first, total};
    }
}
