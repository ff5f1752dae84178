package org.sparknlsq.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
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
 * <p>With {@code --event-log DIR}, each fit writes Spark's event log there and its row adds a
 * timeline from it, in seconds since the command started: when the application started, when
 * each executor was added, and each stage's span with its tasks' summed deserialization, run and
 * GC time.
 *
 * <p>Each {@code --variant NAME=CLASSES} adds a build to compare (its classes directory, with its
 * app jar beside it, before this JVM's dependency jars); runs then alternate between the
 * variants on the one cluster, {@code --runs} each, and each row names its variant.
 *
 * <p>Each {@code --flag F} adds a JVM flag to the fits' driver JVM (for profiling, say
 * {@code -Dspark.executor.extraJavaOptions=-XX:StartFlightRecording:filename=/tmp/e.jfr}).
 *
 * <pre>
 * java &lt;--add-opens flags&gt; -cp CP org.sparknlsq.bench.ClusterStartup [--runs R] [--event-log DIR] [--flag F]...
 *     [--variant NAME=CLASSES]...
 * </pre>
 */
public final class ClusterStartup {
    private ClusterStartup() {}

    /** The {@code --flag} values. */
    private static final List<String> FLAGS = new ArrayList<>();

    /** The {@code --variant} values: name to classes directory, in the order given. */
    private static final Map<String, String> VARIANTS = new LinkedHashMap<>();

    public static void main(String[] args) throws Exception {
        int runs = 3;
        Path events = null;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--runs" -> runs = Integer.parseInt(args[i + 1]);
                case "--event-log" ->
                    events = Files.createDirectories(Path.of(args[i + 1]).toAbsolutePath());
                case "--flag" -> FLAGS.add(args[i + 1]);
                case "--variant" -> {
                    String[] v = args[i + 1].split("=", 2);
                    VARIANTS.put(v[0], Path.of(v[1]).toAbsolutePath().toString());
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Path dir = Files.createTempDirectory("cluster-startup");
        List<Map<String, Object>> rows = new ArrayList<>();
        try (StandaloneCluster cluster =
                StandaloneCluster.start(Files.createDirectories(dir.resolve("cluster")), 2, 1, "1g")) {
            Path data = dir.resolve("decay.parquet");
            run(dir, "generate", DecayCommands.generate(1_000_000, 4, data.toString()), null, 0, null, null);
            List<String> variants =
                    VARIANTS.isEmpty() ? java.util.Arrays.asList((String) null) : List.copyOf(VARIANTS.keySet());
            for (int i = 0; i < runs * variants.size(); i++) {
                String variant = variants.get(i % variants.size());
                Path ckpt = dir.resolve("ckpt-" + i);
                Path out = dir.resolve("fit-" + i + ".json");
                List<String> fit = DecayCommands.largeFit(
                        data.toString(),
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
                Path log = events == null ? null : Files.createDirectories(events.resolve("fit-" + i));
                long started = System.currentTimeMillis();
                double[] t = run(dir, "fit-" + i, fit, ckpt, 1, log, variant);
                JsonNode j = new ObjectMapper().readTree(out.toFile());
                Map<String, Object> row = new LinkedHashMap<>();
                if (variant != null) {
                    row.put("variant", variant);
                }
                row.put("first_iteration_seconds", t[0]);
                row.put("load_seconds", j.get("diagnostics").get("load_seconds").asDouble());
                row.put("command_seconds", t[1]);
                row.put("iterations", j.get("iterations").asInt());
                if (log != null) {
                    row.put("timeline", timeline(log, started));
                }
                rows.add(row);
            }
        }
        System.out.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(rows));
        try (Stream<Path> all = Files.walk(dir)) {
            // deepest first, so each directory is empty when its turn comes
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** Runs the command line; returns {seconds to checkpoint {@code k} (NaN without), seconds to exit}. */
    private static double[] run(
            Path dir, String name, List<String> args, Path ckpt, int k, Path eventLog, String variant)
            throws Exception {
        List<String> flags = new ArrayList<>(List.of("-Dspark.executor.memory=512m"));
        flags.addAll(FLAGS);
        if (eventLog != null) {
            flags.addAll(List.of(
                    "-Dspark.eventLog.enabled=true",
                    "-Dspark.eventLog.dir=" + eventLog.toUri(),
                    // one plain JSON file (Spark 4 rolls and compresses by default)
                    "-Dspark.eventLog.rolling.enabled=false",
                    "-Dspark.eventLog.compress=false"));
        }
        List<String> cmd = CliJvm.command(dir.resolve(name + ".spark.log"), flags.toArray(new String[0]));
        if (variant != null) {
            // the variant's classes (and, beside them, its app jar) before the shared dependencies
            int cp = cmd.indexOf("-cp") + 1;
            String deps = java.util.Arrays.stream(cmd.get(cp).split(java.io.File.pathSeparator))
                    .filter(e -> e.endsWith(".jar"))
                    .collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator));
            cmd.set(cp, VARIANTS.get(variant) + java.io.File.pathSeparator + deps);
        }
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

    /** The events of the one application logged in {@code dir}, as lines of seconds since {@code started}. */
    private static List<String> timeline(Path dir, long started) throws Exception {
        Path file;
        try (Stream<Path> s = Files.list(dir)) {
            file = s.filter(Files::isRegularFile).findFirst().orElseThrow();
        }
        ObjectMapper json = new ObjectMapper();
        Map<Integer, double[]> taskSums = new LinkedHashMap<>();
        Map<Integer, String> stageNames = new LinkedHashMap<>();
        Map<Integer, double[]> stageSpans = new LinkedHashMap<>();
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            JsonNode e = json.readTree(line);
            String kind = e.get("Event").asText();
            switch (kind) {
                case "SparkListenerApplicationStart" ->
                    out.add(String.format(
                            Locale.ROOT,
                            "%6.2f application start",
                            (e.get("Timestamp").asLong() - started) / 1e3));
                case "SparkListenerExecutorAdded" ->
                    out.add(String.format(
                            Locale.ROOT,
                            "%6.2f executor %s added",
                            (e.get("Timestamp").asLong() - started) / 1e3,
                            e.get("Executor ID").asText()));
                case "SparkListenerTaskEnd" -> {
                    JsonNode m = e.get("Task Metrics");
                    if (m != null) {
                        double[] sum =
                                taskSums.computeIfAbsent(e.get("Stage ID").asInt(), id -> new double[4]);
                        sum[0] += m.get("Executor Deserialize Time").asLong() / 1e3;
                        sum[1] += m.get("Executor Run Time").asLong() / 1e3;
                        sum[2] += m.get("JVM GC Time").asLong() / 1e3;
                        sum[3]++;
                    }
                }
                case "SparkListenerStageCompleted" -> {
                    JsonNode st = e.get("Stage Info");
                    int id = st.get("Stage ID").asInt();
                    stageNames.put(id, st.get("Stage Name").asText());
                    stageSpans.put(id, new double[] {
                        (st.get("Submission Time").asLong() - started) / 1e3,
                        (st.get("Completion Time").asLong() - started) / 1e3
                    });
                }
                default -> {
                    // other events are not part of the timeline
                }
            }
        }
        for (Map.Entry<Integer, double[]> st : stageSpans.entrySet()) {
            double[] sum = taskSums.getOrDefault(st.getKey(), new double[4]);
            out.add(String.format(
                    Locale.ROOT,
                    "%6.2f-%6.2f stage %d %s: %d tasks, deserialize %.2f s, run %.2f s, gc %.2f s",
                    st.getValue()[0],
                    st.getValue()[1],
                    st.getKey(),
                    stageNames.get(st.getKey()),
                    (int) sum[3],
                    sum[0],
                    sum[1],
                    sum[2]));
        }
        out.sort(Comparator.naturalOrder());
        return out;
    }
}
