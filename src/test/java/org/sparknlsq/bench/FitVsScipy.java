package org.sparknlsq.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.sparknlsq.kernel.Accumulator;
import org.sparknlsq.kernel.BlockKernel;
import org.sparknlsq.kernel.DataBlock;
import org.sparknlsq.kernel.LocalSource;
import org.sparknlsq.model.CurveModel;
import org.sparknlsq.optim.CurveFitter;
import org.sparknlsq.optim.FitOptions;
import org.sparknlsq.optim.FitResult;
import org.sparknlsq.problem.FitProblem;
import org.sparknlsq.problem.Loss;

/**
 * Local fit time next to scipy {@code curve_fit(method='trf', jac=analytic)} on the same data, in
 * the same run.
 *
 * <ol>
 *   <li>Generates the n-point problem of {@link BenchData} and writes x and y as raw little-endian
 *       float64 into {@code <out>/fit-data-<n>/}.
 *   <li>For each model kind (builtin, expression; handwritten with {@code --handwritten}) starts a
 *       fresh JVM ({@code --child}),
 *       so each gets a cold first fit and a call site that sees only its own model class; the child
 *       loads the files, fits from (1, 1, 0) with the default options (tolerances 1e-15 plus
 *       polish) once cold and {@code --repeats} times warm, then with scipy's tolerances (1e-8, no
 *       polish), and prints JSON.
 *   <li>Runs {@code src/test/python/scipy_fit.py} with {@code /usr/bin/python3} on the same files.
 *   <li>Evaluates the cost and gradient of every solution with one compensated pass over the same
 *       data (so costs compare on one yardstick), and prints one JSON object with everything, the
 *       time ratios and the largest relative parameter difference. It is also written to {@code
 *       <out>/fit-vs-scipy-<n>.json}.
 * </ol>
 *
 * Usage: {@code FitVsScipy [--size N] [--repeats R] [--python PATH] [--script PATH] [--out DIR]
 * [--child-heap 4g] [--scipy-tight] [--handwritten]}. Before each fresh JVM and before scipy it
 * waits up to {@code -Dbench.forkQuietWait} seconds (default 15; 60 at the start, {@code
 * -Dbench.quietWait}) for the shared machine to be quiet, and it records how many cores other
 * processes used during every fit ({@code others_cores_each}).
 */
public final class FitVsScipy {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final double[] START = {1.0, 1.0, 0.0};

    private FitVsScipy() {}

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("--child")) {
            child(args);
            return;
        }
        int size = 10_000_000;
        int repeats = 2;
        String python = "/usr/bin/python3";
        String script = "src/test/python/scipy_fit.py";
        String heap = "4g";
        boolean scipyTight = false;
        List<String> models = new ArrayList<>(List.of("builtin", "expression"));
        int forkQuietWait = Integer.getInteger("bench.forkQuietWait", 15);
        Path out = Path.of(System.getProperty("bench.out", "target-bench"));
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--size" -> size = Integer.parseInt(args[++i]);
                case "--repeats" -> repeats = Integer.parseInt(args[++i]);
                case "--python" -> python = args[++i];
                case "--script" -> script = args[++i];
                case "--out" -> out = Path.of(args[++i]);
                case "--child-heap" -> heap = args[++i];
                case "--scipy-tight" -> scipyTight = true;
                case "--handwritten" -> models.add("handwritten");
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }

        BenchData.waitForQuiet(Integer.getInteger("bench.quietWait", 60));
        Path dir = out.resolve("fit-data-" + size);
        Files.createDirectories(dir);
        Path xFile = dir.resolve("x.f64");
        Path yFile = dir.resolve("y.f64");
        DataBlock data = BenchData.generate(size);
        BenchData.writeF64(xFile, data.x());
        BenchData.writeF64(yFile, data.y());
        System.err.printf("wrote %d points to %s%n", size, dir);

        ObjectNode report = JSON.createObjectNode();
        report.put("benchmark", "FitVsScipy");
        report.put("date", Instant.now().toString());
        report.put("points", size);
        report.put("model", "a*exp(-b*x)+c");
        report.put("truth", "a=3, b=1.3, c=0.5, noise N(0, 0.02^2), x_i = 5*i/n, seed " + BenchData.SEED);
        report.putPOJO("start", START);
        report.put("cores", Runtime.getRuntime().availableProcessors());
        report.put("load_average_at_start", BenchData.loadAverage());
        report.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));

        ObjectNode java = report.putObject("java_fits");
        for (String kind : models) {
            System.err.println("fitting with the " + kind + " model in a fresh JVM ...");
            List<String> cmd = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx" + heap,
                    "-Dbench.forkQuietWait=" + forkQuietWait,
                    "-cp",
                    System.getProperty("java.class.path"),
                    FitVsScipy.class.getName(),
                    "--child",
                    kind,
                    xFile.toString(),
                    yFile.toString(),
                    String.valueOf(repeats)));
            java.set(kind, runJson(cmd));
        }

        System.err.println("fitting with scipy ...");
        BenchData.waitForQuiet(forkQuietWait);
        ObjectNode scipy = report.putObject("scipy_fits");
        String r = String.valueOf(repeats);
        scipy.set(
                "scipy_tolerances",
                runJson(List.of(python, script, xFile.toString(), yFile.toString(), "--repeats", r)));
        if (scipyTight) {
            scipy.set(
                    "tight_tolerances",
                    runJson(List.of(
                            python, script, xFile.toString(), yFile.toString(), "--tol", "tight", "--repeats", r)));
        }

        // one yardstick for every solution: compensated cost and gradient on the same data
        BlockKernel yardstick = new BlockKernel(new BenchData.HandwrittenExpDecay(), Loss.LINEAR, 1.0);
        LocalSource source = new LocalSource(yardstick, data);
        for (JsonNode s : java) {
            for (String run : List.of("default_options", "scipy_tolerances")) {
                annotate(source, (ObjectNode) s.get(run));
            }
        }
        scipy.forEach(s -> annotate(source, (ObjectNode) s));

        ObjectNode cmp = report.putObject("comparison");
        JsonNode ref = scipy.get("scipy_tolerances");
        double scipyWall = ref.get("wall_seconds").asDouble();
        double scipyFirstWall = ref.get("first_wall_seconds").asDouble();
        double scipyCpu = ref.get("cpu_seconds").asDouble();
        for (String kind : models) {
            JsonNode j = java.get(kind);
            ObjectNode c = cmp.putObject(kind);
            for (String run : List.of("default_options", "scipy_tolerances")) {
                JsonNode res = j.get(run);
                ObjectNode o = c.putObject(run);
                o.put(
                        "scipy_wall_over_java_warm_wall",
                        scipyWall / res.get("warm_wall_seconds").asDouble());
                o.put(
                        "scipy_first_wall_over_java_cold_wall",
                        scipyFirstWall / res.get("cold_wall_seconds").asDouble());
                o.put(
                        "scipy_cpu_over_java_warm_cpu",
                        scipyCpu / res.get("warm_cpu_seconds").asDouble());
                o.put(
                        "max_relative_parameter_difference_vs_scipy",
                        maxRelDiff(res.get("parameters"), ref.get("parameters")));
                o.put(
                        "max_relative_uncertainty_difference_vs_scipy",
                        maxRelDiff(res.get("uncertainties"), ref.get("uncertainties")));
                o.put(
                        "cost_minus_scipy_cost",
                        res.get("yardstick_cost").asDouble()
                                - ref.get("yardstick_cost").asDouble());
            }
        }
        if (models.contains("handwritten")) {
            compareModels(cmp, java);
        } else {
            JsonNode b = java.get("builtin").get("default_options");
            JsonNode e = java.get("expression").get("default_options");
            ((ObjectNode) cmp.get("expression"))
                    .put(
                            "warm_wall_over_builtin_warm_wall",
                            e.get("warm_wall_seconds").asDouble()
                                    / b.get("warm_wall_seconds").asDouble())
                    .put(
                            "max_relative_parameter_difference_vs_builtin",
                            maxRelDiff(e.get("parameters"), b.get("parameters")));
        }

        report.put("load_average_at_end", BenchData.loadAverage());
        String text = JSON.writerWithDefaultPrettyPrinter().writeValueAsString(report);
        Path file = out.resolve("fit-vs-scipy-" + size + ".json");
        Files.writeString(file, text + "\n");
        System.out.println(text);
        System.err.println("written: " + file);
        System.err.printf(
                "%nload average at start %s, at end %s%n",
                report.get("load_average_at_start").asText(),
                report.get("load_average_at_end").asText());
        System.err.printf(
                "scipy curve_fit trf: first %.3f s, best %.3f s (cpu %.2f s), nfev %d, others' cores up to %.2f,"
                        + " peak RSS %d MB%n",
                scipyFirstWall,
                scipyWall,
                scipyCpu,
                ref.get("nfev").asInt(),
                max(ref.get("others_cores_each")),
                ref.get("peak_rss_bytes").asLong() >> 20);
        for (String kind : models) {
            for (String run : List.of("default_options", "scipy_tolerances")) {
                JsonNode res = java.get(kind).get(run);
                JsonNode c = cmp.get(kind).get(run);
                System.err.printf(
                        "%-11s %-16s cold %.3f s, warm %.3f s (cpu %.2f s), %d passes, others' cores up to %.2f;"
                                + " scipy/java warm %.2fx; max rel param diff %.1e%n",
                        kind,
                        run,
                        res.get("cold_wall_seconds").asDouble(),
                        res.get("warm_wall_seconds").asDouble(),
                        res.get("warm_cpu_seconds").asDouble(),
                        res.get("data_passes").asInt(),
                        max(res.get("others_cores_each")),
                        c.get("scipy_wall_over_java_warm_wall").asDouble(),
                        c.get("max_relative_parameter_difference_vs_scipy").asDouble());
            }
        }
    }

    /** Differences between the Java models themselves (expression vs builtin vs handwritten). */
    private static void compareModels(ObjectNode cmp, ObjectNode java) {
        JsonNode hand = java.get("handwritten").get("default_options");
        for (String kind : List.of("builtin", "expression")) {
            JsonNode r = java.get(kind).get("default_options");
            ((ObjectNode) cmp.get(kind))
                    .put(
                            "warm_wall_over_handwritten_warm_wall",
                            r.get("warm_wall_seconds").asDouble()
                                    / hand.get("warm_wall_seconds").asDouble())
                    .put(
                            "max_relative_parameter_difference_vs_handwritten",
                            maxRelDiff(r.get("parameters"), hand.get("parameters")));
        }
    }

    static void annotate(LocalSource source, ObjectNode run) {
        double[] p = toArray(run.get("parameters"));
        Accumulator a = source.evaluate(p, Accumulator.Kind.NORMAL);
        double[] g = a.gradient();
        double[] n = a.normalMatrix();
        double gScaled = 0;
        for (int i = 0; i < g.length; i++) {
            // gradient component over the column norm: the scale-free first-order optimality test
            gScaled = Math.max(gScaled, Math.abs(g[i]) / Math.sqrt(n[i * g.length + i]));
        }
        run.put("yardstick_cost", a.cost());
        run.put("yardstick_scaled_gradient_inf_norm", gScaled);
    }

    private static double max(JsonNode values) {
        double m = 0;
        for (JsonNode v : values) {
            m = Math.max(m, v.asDouble());
        }
        return m;
    }

    static double maxRelDiff(JsonNode a, JsonNode b) {
        double m = 0;
        for (int i = 0; i < a.size(); i++) {
            double x = a.get(i).asDouble();
            double y = b.get(i).asDouble();
            m = Math.max(m, Math.abs(x - y) / Math.abs(y));
        }
        return m;
    }

    private static double[] toArray(JsonNode a) {
        double[] v = new double[a.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = a.get(i).asDouble();
        }
        return v;
    }

    /** Runs a command, passes its stderr through, and parses the last line of its stdout as JSON. */
    static JsonNode runJson(List<String> cmd) throws IOException, InterruptedException {
        Process proc = new ProcessBuilder(cmd)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        String stdout = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int rc = proc.waitFor();
        String[] lines = stdout.strip().split("\n");
        if (rc != 0 || lines.length == 0 || lines[lines.length - 1].isBlank()) {
            throw new IllegalStateException(
                    "command failed (exit " + rc + "): " + String.join(" ", cmd) + "\n" + stdout);
        }
        return JSON.readTree(lines[lines.length - 1]);
    }

    // ------------------------------------------------------------------------ child: the Java fits

    private static void child(String[] args) throws IOException {
        String kind = args[1];
        BenchData.waitForQuiet(Integer.getInteger("bench.forkQuietWait", 15));
        double[] x = BenchData.readF64(Path.of(args[2]));
        double[] y = BenchData.readF64(Path.of(args[3]));
        int repeats = Integer.parseInt(args[4]);
        DataBlock data = new DataBlock(x, y, null, 1, 0);
        CurveModel model = BenchData.model(kind);
        FitProblem problem = FitProblem.of(model, START);

        ObjectNode out = JSON.createObjectNode();
        out.put("model", kind);
        out.put("describe", model.describe());
        out.put("points", y.length);
        out.put(
                "threads",
                "common ForkJoinPool (" + (java.util.concurrent.ForkJoinPool.getCommonPoolParallelism())
                        + " workers + caller)");
        FitOptions defaults = FitOptions.defaults();
        FitOptions scipyLike =
                FitOptions.defaults().withTolerances(1e-8, 1e-8, 1e-8).withPolishPasses(0);
        out.set("default_options", fitRuns(problem, data, defaults, repeats));
        out.set("scipy_tolerances", fitRuns(problem, data, scipyLike, repeats));
        out.put("peak_rss_bytes", BenchData.peakRssBytes());
        out.put("max_heap_bytes", Runtime.getRuntime().maxMemory());
        System.out.println(JSON.writeValueAsString(out));
    }

    /** One cold (first in this JVM for these options) and {@code repeats} warm fits. */
    private static ObjectNode fitRuns(FitProblem problem, DataBlock data, FitOptions options, int repeats) {
        ObjectNode o = JSON.createObjectNode();
        o.put("ftol_xtol_gtol", options.ftol());
        o.put("polish_passes_max", options.polishPasses());
        ArrayNode walls = o.putArray("wall_seconds_each");
        ArrayNode cpus = o.putArray("cpu_seconds_each");
        ArrayNode others = o.putArray("others_cores_each");
        FitResult last = null;
        double best = Double.POSITIVE_INFINITY;
        double bestCpu = Double.NaN;
        for (int r = 0; r <= repeats; r++) {
            long m0 = BenchData.machineBusyNanos();
            long c0 = BenchData.processCpuNanos();
            long t0 = System.nanoTime();
            FitResult res = CurveFitter.fit(problem, data, options);
            double wall = (System.nanoTime() - t0) / 1e9;
            double cpu = (BenchData.processCpuNanos() - c0) / 1e9;
            double machine = (BenchData.machineBusyNanos() - m0) / 1e9;
            walls.add(wall);
            cpus.add(cpu);
            others.add(Math.max(0, (machine - cpu) / wall));
            if (r == 0) {
                o.put("cold_wall_seconds", wall);
                o.put("cold_cpu_seconds", cpu);
            } else if (wall < best) {
                best = wall;
                bestCpu = cpu;
            }
            if (last != null && !java.util.Arrays.equals(last.parameters(), res.parameters())) {
                throw new IllegalStateException("repeated fits differ: not deterministic");
            }
            last = res;
        }
        o.put(
                "warm_wall_seconds",
                repeats > 0 ? best : o.get("cold_wall_seconds").asDouble());
        o.put(
                "warm_cpu_seconds",
                repeats > 0 ? bestCpu : o.get("cold_cpu_seconds").asDouble());
        o.put("fit_seconds_reported", last.fitSeconds());
        o.putPOJO("parameters", last.parameters());
        o.putPOJO("uncertainties", last.uncertainties());
        o.put("cost", last.cost());
        o.put("iterations", last.iterations());
        o.put("evaluations", last.evaluations());
        o.put("data_passes", last.dataPasses());
        o.put("polish_passes_accepted", last.polishPassesAccepted());
        o.put("termination", last.termination().name());
        o.put("success", last.success());
        ArrayNode history = o.putArray("history_iteration_evaluations_cost_step_radius_accepted");
        for (var h : last.history()) {
            history.addArray()
                    .add(h.iteration())
                    .add(h.evaluations())
                    .add(h.cost())
                    .add(h.stepNorm())
                    .add(h.radius())
                    .add(h.accepted());
        }
        return o;
    }
}
