package org.sparknlsq.bench;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.sparknlsq.kernel.BlockKernel;
import org.sparknlsq.kernel.DataBlock;
import org.sparknlsq.kernel.LocalSource;
import org.sparknlsq.model.CurveModel;
import org.sparknlsq.optim.CurveFitter;
import org.sparknlsq.optim.FitMonitor;
import org.sparknlsq.optim.FitOptions;
import org.sparknlsq.optim.FitResult;
import org.sparknlsq.problem.FitProblem;

/**
 * What fault tolerance costs: the same 10M-point fit (built-in exponential decay from (1, 1, 0),
 * default options, the data cut into 8 partitions, local engine on all cores) with full fault
 * tolerance, in fast mode, and with fault tolerance switched off entirely, i.e. the engine at a
 * commit from before fault tolerance existed ({@code --baseline-classes DIR}, that commit's
 * compiled main classes, which are put first on a child's classpath).
 *
 * <p>Each child JVM generates the data, runs 2 warm-up fits per mode and then {@code --fits} timed
 * fits per mode, the modes alternating fit by fit, and prints one JSON line per mode (median
 * and all wall times, process CPU, parameters). The parent runs {@code --rounds} rounds, each a
 * child of the current build (full and fast, alternating inside it) and a child of the baseline
 * (off), and prints a JSON summary: full vs fast is compared within each JVM, fast vs off across
 * JVMs of the same round. It waits for a quiet machine before every child.
 *
 * <pre>java -cp CP org.sparknlsq.bench.FaultToleranceOverhead --baseline-classes /tmp/ft-off/classes</pre>
 */
public final class FaultToleranceOverhead {
    private FaultToleranceOverhead() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            a.put(args[i], args[i + 1]);
        }
        int n = Integer.parseInt(a.getOrDefault("--size", "10000000"));
        int fits = Integer.parseInt(a.getOrDefault("--fits", "8"));
        int partitions = Integer.parseInt(a.getOrDefault("--partitions", "8"));
        if (a.containsKey("--child")) {
            child(a.get("--child").split(","), n, fits, partitions);
        } else {
            parent(a, n, fits, partitions);
        }
    }

    private static void parent(Map<String, String> a, int n, int fits, int partitions) throws Exception {
        String baseline = a.get("--baseline-classes");
        if (baseline == null) {
            throw new IllegalArgumentException("--baseline-classes DIR is required (a pre-fault-tolerance build)");
        }
        int rounds = Integer.parseInt(a.getOrDefault("--rounds", "3"));
        String cp = System.getProperty("java.class.path");
        // the baseline child gets the same classpath with the current main classes replaced
        List<String> rest = new ArrayList<>();
        for (String e : cp.split(File.pathSeparator)) {
            if (!Path.of(e, "org", "sparknlsq", "robust", "FaultTolerance.class")
                    .toFile()
                    .exists()) {
                rest.add(e);
            }
        }
        String baselineCp = baseline + File.pathSeparator + String.join(File.pathSeparator, rest);
        List<String> out = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            // alternate which build goes first, so a slow drift of the machine hits both
            List<String[]> order =
                    new ArrayList<>(List.of(new String[] {cp, "full,fast"}, new String[] {baselineCp, "off"}));
            if (r % 2 == 1) {
                java.util.Collections.reverse(order);
            }
            for (String[] c : order) {
                double busy = BenchData.waitForQuiet(Integer.getInteger("bench.forkQuietWait", 20));
                for (String line : runChild(c[0], c[1], n, fits, partitions)) {
                    out.add(line.substring(0, line.length() - 1)
                            + String.format(Locale.ROOT, ", \"round\": %d, \"others_cores_before\": %.2f}", r, busy));
                }
            }
        }
        System.out.println("[");
        System.out.println(String.join(",\n", out));
        System.out.println("]");
    }

    private static List<String> runChild(String cp, String modes, int n, int fits, int partitions) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx4g",
                "-cp",
                cp,
                FaultToleranceOverhead.class.getName(),
                "--child",
                modes,
                "--size",
                Integer.toString(n),
                "--fits",
                Integer.toString(fits),
                "--partitions",
                Integer.toString(partitions)));
        Process p = new ProcessBuilder(cmd)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        List<String> lines = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                if (line.startsWith("{")) {
                    lines.add(line);
                }
            }
        }
        if (p.waitFor() != 0) {
            throw new IllegalStateException("child " + modes + " exited with " + p.exitValue());
        }
        return lines;
    }

    /** full and fast need the fault-tolerance API, looked up by name so this runs on a baseline too. */
    private static FitOptions options(String mode) throws ReflectiveOperationException {
        FitOptions o = FitOptions.defaults();
        if (mode.equals("off")) {
            // the baseline has no such API; assert it so that "off" can never measure the current build
            try {
                Class.forName("org.sparknlsq.robust.FaultTolerance");
                throw new IllegalStateException("mode off must run on a build without fault tolerance");
            } catch (ClassNotFoundException expected) {
                return o;
            }
        }
        Class<?> ft = Class.forName("org.sparknlsq.robust.FaultTolerance");
        Object config = ft.getMethod(mode.equals("fast") ? "fast" : "defaults").invoke(null);
        return (FitOptions) FitOptions.class.getMethod("withFaultTolerance", ft).invoke(o, config);
    }

    private static void child(String[] modes, int n, int fits, int partitions) throws Exception {
        DataBlock d = BenchData.generate(n);
        List<DataBlock> blocks = new ArrayList<>();
        for (int i = 0; i < partitions; i++) {
            int from = (int) ((long) n * i / partitions);
            int to = (int) ((long) n * (i + 1) / partitions);
            blocks.add(d.slice(from, to, from));
        }
        CurveModel m = BenchData.model("builtin");
        FitProblem problem = FitProblem.of(m, 1.0, 1.0, 0.0);
        BlockKernel kernel = new BlockKernel(m, problem.loss(), problem.fScale());
        FitOptions[] opts = new FitOptions[modes.length];
        for (int i = 0; i < modes.length; i++) {
            opts[i] = options(modes[i]);
        }
        double[][] wall = new double[modes.length][fits];
        double[][] cpu = new double[modes.length][fits];
        double[][] params = new double[modes.length][];
        long[] passes = new long[modes.length];
        for (int f = -2; f < fits; f++) {
            for (int i = 0; i < modes.length; i++) {
                LocalSource source = new LocalSource(kernel, blocks, LocalSource.DEFAULT_CHUNK_SIZE, null);
                long c0 = BenchData.processCpuNanos();
                long t0 = System.nanoTime();
                FitResult r = CurveFitter.fit(problem, source, opts[i], FitMonitor.NONE, "STANDARD");
                long t1 = System.nanoTime();
                long c1 = BenchData.processCpuNanos();
                if (!r.success()) {
                    throw new IllegalStateException(modes[i] + ": " + r.message());
                }
                params[i] = r.parameters();
                passes[i] = r.dataPasses();
                if (f >= 0) {
                    wall[i][f] = (t1 - t0) / 1e9;
                    cpu[i][f] = (c1 - c0) / 1e9;
                }
            }
        }
        for (int i = 0; i < modes.length; i++) {
            System.out.printf(
                    Locale.ROOT,
                    "{\"mode\": \"%s\", \"points\": %d, \"partitions\": %d, \"median_s\": %.4f, \"min_s\": %.4f,"
                            + " \"median_cpu_s\": %.4f, \"data_passes\": %d, \"wall_s\": %s, \"parameters\": %s}%n",
                    modes[i],
                    n,
                    partitions,
                    median(wall[i]),
                    Arrays.stream(wall[i]).min().orElse(Double.NaN),
                    median(cpu[i]),
                    passes[i],
                    Arrays.toString(round(wall[i])),
                    Arrays.toString(params[i]));
        }
    }

    private static double[] round(double[] v) {
        double[] r = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            r[i] = Math.round(v[i] * 1e4) / 1e4;
        }
        return r;
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int k = s.length;
        return k % 2 == 1 ? s[k / 2] : 0.5 * (s[k / 2 - 1] + s[k / 2]);
    }
}
