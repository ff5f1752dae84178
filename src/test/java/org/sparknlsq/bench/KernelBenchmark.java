package org.sparknlsq.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.sparknlsq.kernel.Accumulator;
import org.sparknlsq.kernel.BlockKernel;
import org.sparknlsq.kernel.DataBlock;
import org.sparknlsq.kernel.LocalSource;
import org.sparknlsq.model.CurveModel;
import org.sparknlsq.model.expr.ExpressionModel;
import org.sparknlsq.problem.Loss;

/**
 * Kernel throughput: one {@link LocalSource#evaluate} pass over an n-point exponential decay (see
 * {@link BenchData}), for the built-in, the expression and a handwritten model, with the common
 * pool (all cores) and with a one-thread pool (honest per-core figure). Each parameter
 * combination runs in its own JVM fork, so the call site {@code model.value} in {@link
 * BlockKernel} only ever sees one model class (unless {@code pollute} says otherwise).
 *
 * <p>Besides the time per pass, the process CPU time spent inside the measured passes is recorded
 * ({@code cpuNanos}, {@code wallNanos}); their ratio is the number of cores actually used. The CPU
 * time of the whole machine over the same passes ({@code machineNanos}) shows how much of it other
 * processes took ("others' cores"): on a shared machine, rows where that is well above 0 were
 * disturbed. {@code main} first waits up to {@code -Dbench.quietWait} seconds (default 60) for
 * the machine to be quiet, and each fork waits up to {@code -Dbench.forkQuietWait} seconds
 * (default 15) before its warmup.
 *
 * <p>Every pass is timed (JMH SampleTime); the table shows the median and the fastest pass, which a
 * busy shared machine disturbs less than the mean, and the throughput per core from CPU time.
 *
 * <p>{@code main} runs a fixed plan with modest settings (1 fork, 3×1 s warmup, 5×1 s measurement)
 * and prints a table; see BENCHMARKS.md. Usage:
 *
 * <pre>
 *   KernelBenchmark                       NORMAL passes, 10,000,000 points, common pool and one thread (6 forks)
 *   KernelBenchmark --kinds               COST and QR passes on the common pool (6 forks)
 *   KernelBenchmark --pollution           NORMAL, one thread, clean and polluted type profiles (9 forks)
 *   KernelBenchmark --size 1000000 ...    any of these at another size
 *   KernelBenchmark --jmh ARGS...         plain JMH command line (e.g. -p model=expression -p kind=QR)
 * </pre>
 *
 * The directory for the result files is {@code -Dbench.out} (default {@code target-bench}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms3g", "-Xmx3g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class KernelBenchmark {

    /** Number of points. */
    @Param({"10000000"})
    public int size;

    /** builtin, expression or handwritten. */
    @Param({"builtin", "expression", "handwritten"})
    public String model;

    /** What one pass accumulates. */
    @Param({"NORMAL"})
    public Accumulator.Kind kind;

    /** common: the common ForkJoinPool (as CurveFitter uses); single: a ForkJoinPool(1). */
    @Param({"common", "single"})
    public String threads;

    /**
     * none; kernel: before measuring, run all three model classes through {@link
     * BlockKernel#accumulate} so its {@code model.value} call site is megamorphic (what happens in
     * a JVM that fits with several model classes); expr: before measuring, evaluate two other
     * compiled expressions so the call into the generated class inside {@link ExpressionModel}
     * is megamorphic (what happens in a JVM that compiled several expressions). expr is a no-op
     * for the other model kinds.
     */
    @Param({"none"})
    public String pollute;

    /** Rows where other processes used more cores than this are marked as disturbed. */
    private static final double DISTURBED = 0.25;

    private LocalSource source;
    private ForkJoinPool pool;
    private final double[] parameters = {2.9, 1.25, 0.52};

    /** Process CPU time and wall time spent in the measured passes; cpu/wall = cores used. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class CpuCounters {
        public long cpuNanos;
        public long wallNanos;
        /** CPU time of the whole machine (every process) during the passes. */
        public long machineNanos;

        @Setup(Level.Iteration)
        public void reset() {
            cpuNanos = 0;
            wallNanos = 0;
            machineNanos = 0;
        }
    }

    @Setup(Level.Trial)
    public void setUp() {
        DataBlock data = BenchData.generate(size);
        CurveModel m = BenchData.model(model);
        BenchData.waitForQuiet(Integer.getInteger("bench.forkQuietWait", 15));
        if (pollute.equals("kernel")) {
            polluteKernelCallSite();
        } else if (pollute.equals("expr") && m instanceof ExpressionModel) {
            polluteExpressionCallSite();
        } else if (!pollute.equals("none") && !pollute.equals("expr")) {
            throw new IllegalArgumentException("pollute must be none, kernel or expr, got " + pollute);
        }
        BlockKernel kernel = new BlockKernel(m, Loss.LINEAR, 1.0);
        switch (threads) {
            case "common" -> pool = null;
            case "single" -> pool = new ForkJoinPool(1);
            default -> throw new IllegalArgumentException("threads must be common or single, got " + threads);
        }
        source = new LocalSource(kernel, List.of(data), LocalSource.DEFAULT_CHUNK_SIZE, pool);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (pool != null) {
            pool.shutdown();
        }
    }

    @Benchmark
    public Accumulator pass(CpuCounters counters) {
        long m0 = BenchData.machineBusyNanos();
        long cpu0 = BenchData.processCpuNanos();
        long t0 = System.nanoTime();
        Accumulator a = source.evaluate(parameters, kind);
        counters.wallNanos += System.nanoTime() - t0;
        counters.cpuNanos += BenchData.processCpuNanos() - cpu0;
        counters.machineNanos += BenchData.machineBusyNanos() - m0;
        return a;
    }

    /** Runs the three model classes, interleaved, through BlockKernel until C2 has compiled it. */
    private static void polluteKernelCallSite() {
        DataBlock small = BenchData.generate(LocalSource.DEFAULT_CHUNK_SIZE);
        List<BlockKernel> kernels = new ArrayList<>();
        for (String kind : BenchData.MODELS) {
            kernels.add(new BlockKernel(BenchData.model(kind), Loss.LINEAR, 1.0));
        }
        runFor(1500, () -> {
            for (BlockKernel k : kernels) {
                Accumulator a = new Accumulator(Accumulator.Kind.NORMAL, 3);
                k.accumulate(new double[] {2.9, 1.25, 0.52}, small, 0, small.size(), a);
                if (a.count() != small.size()) {
                    throw new IllegalStateException("pollution pass lost points");
                }
            }
        });
    }

    /** Evaluates three distinct compiled expressions of the same model, interleaved. */
    private static void polluteExpressionCallSite() {
        List<CurveModel> others = List.of(
                ExpressionModel.compile("c+a*exp(-b*x)", List.of("x"), List.of("a", "b", "c")),
                ExpressionModel.compile("a*exp(-(b*x))+c", List.of("x"), List.of("a", "b", "c")),
                BenchData.model("expression"));
        double[] xs = BenchData.generate(LocalSource.DEFAULT_CHUNK_SIZE).x();
        double[] p = {2.9, 1.25, 0.52};
        double[] jac = new double[3];
        double[] sink = new double[1];
        runFor(1500, () -> {
            for (CurveModel m : others) {
                double s = 0;
                for (int i = 0; i < xs.length; i++) {
                    s += m.value(p, xs, i, jac, 0) + jac[1];
                }
                sink[0] += s;
            }
        });
        if (!Double.isFinite(sink[0])) {
            throw new IllegalStateException("pollution pass was not finite");
        }
    }

    private static void runFor(long millis, Runnable r) {
        long end = System.nanoTime() + millis * 1_000_000L;
        while (System.nanoTime() < end) {
            r.run();
        }
    }

    // ---------------------------------------------------------------- main: plan, run, summarize

    public static void main(String[] args) throws RunnerException, IOException {
        Path out = Path.of(System.getProperty("bench.out", "target-bench"));
        Files.createDirectories(out);
        if (args.length > 0 && args[0].equals("--jmh")) {
            String[] rest = java.util.Arrays.copyOfRange(args, 1, args.length);
            CommandLineOptions cli;
            try {
                cli = new CommandLineOptions(rest);
            } catch (org.openjdk.jmh.runner.options.CommandLineOptionException e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
            ChainedOptionsBuilder b = new OptionsBuilder().parent(cli);
            if (cli.getIncludes().isEmpty()) {
                b.include(KernelBenchmark.class.getName());
            }
            report("custom", new Runner(b.build()).run(), out.resolve("kernel-custom.md"));
            return;
        }
        int size = 10_000_000;
        String plan = "normal";
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--size" -> size = Integer.parseInt(args[++i]);
                case "--pollution" -> plan = "pollution";
                case "--kinds" -> plan = "kinds";
                default ->
                    throw new IllegalArgumentException("unknown argument " + args[i]
                            + "; usage: KernelBenchmark [--size N] [--kinds | --pollution] | --jmh JMH-ARGS...");
            }
        }
        BenchData.waitForQuiet(Integer.getInteger("bench.quietWait", 60));
        String loadBefore = BenchData.loadAverage();
        String tag = plan + "-" + size;
        Path json = out.resolve("jmh-kernel-" + tag + ".json");
        Collection<RunResult> all =
                switch (plan) {
                    case "pollution" ->
                        run(
                                size,
                                new String[] {"NORMAL"},
                                new String[] {"single"},
                                new String[] {"none", "kernel", "expr"},
                                json);
                    case "kinds" ->
                        run(size, new String[] {"COST", "QR"}, new String[] {"common"}, new String[] {"none"}, json);
                    default ->
                        run(
                                size,
                                new String[] {"NORMAL"},
                                new String[] {"common", "single"},
                                new String[] {"none"},
                                json);
                };
        System.out.println("load average before: " + loadBefore + ", after: " + BenchData.loadAverage());
        report(tag, all, out.resolve("kernel-" + tag + ".md"));
    }

    private static Collection<RunResult> run(int size, String[] kinds, String[] threads, String[] pollute, Path json)
            throws RunnerException {
        return new Runner(new OptionsBuilder()
                        .include(KernelBenchmark.class.getName() + ".pass")
                        .param("size", String.valueOf(size))
                        .param("kind", kinds)
                        .param("threads", threads)
                        .param("pollute", pollute)
                        .forks(1)
                        .warmupIterations(3)
                        .warmupTime(TimeValue.seconds(1))
                        .measurementIterations(5)
                        .measurementTime(TimeValue.seconds(1))
                        .resultFormat(ResultFormatType.JSON)
                        .result(json.toString())
                        .build())
                .run();
    }

    private static double score(Map<String, ?> results, String name) {
        return ((Result<?>) results.get(name)).getScore();
    }

    private static String key(String kind, String threads, String pollute, String model) {
        return kind + "/" + threads + "/" + pollute + "/" + model;
    }

    /** Prints (and writes to {@code md}) a table with points/s, cores used and the ratios. */
    private static void report(String tag, Collection<RunResult> results, Path md) throws IOException {
        StringBuilder b = new StringBuilder();
        b.append("Kernel throughput (")
                .append(tag)
                .append("), ")
                .append(Runtime.getRuntime().availableProcessors())
                .append(" cores visible, load average at the end ")
                .append(BenchData.loadAverage())
                .append("\n\n");
        b.append("| model | kind | threads | pollute | passes | ms/pass median | min | mean | Mpoints/s (median)"
                + " | cores used | others' cores | Mpoints/s/core (CPU time) |\n");
        b.append("|---|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        Map<String, double[]> byKey = new TreeMap<>();
        for (RunResult r : results) {
            var p = r.getParams();
            int n = Integer.parseInt(p.getParam("size"));
            Result<?> primary = r.getPrimaryResult();
            var stats = primary.getStatistics();
            double ms = stats.getPercentile(50.0);
            double min = stats.getMin();
            double mean = stats.getMean();
            Map<String, ?> sec = r.getSecondaryResults();
            double cores = Double.NaN;
            double others = Double.NaN;
            if (sec.containsKey("cpuNanos") && sec.containsKey("wallNanos")) {
                double wall = score(sec, "wallNanos");
                cores = score(sec, "cpuNanos") / wall;
                if (sec.containsKey("machineNanos")) {
                    others = Math.max(0, score(sec, "machineNanos") / wall - cores);
                }
            }
            double mpts = n / (ms / 1e3) / 1e6;
            double mptsCore = mpts / cores;
            byKey.put(
                    key(p.getParam("kind"), p.getParam("threads"), p.getParam("pollute"), p.getParam("model")),
                    new double[] {ms, mptsCore, min, others});
            b.append(String.format(
                    Locale.ROOT,
                    "| %s | %s | %s | %s | %d | %.1f | %.1f | %.1f | %.1f | %.2f | %.2f | %.1f |%n",
                    p.getParam("model"),
                    p.getParam("kind"),
                    p.getParam("threads"),
                    p.getParam("pollute"),
                    stats.getN(),
                    ms,
                    min,
                    mean,
                    mpts,
                    cores,
                    others,
                    mptsCore));
        }
        b.append("\nRelative to the handwritten model (same kind and threads, unpolluted, same run; goal for the"
                + " expression: <= 1.25x): median wall time per pass, fastest pass, and CPU time per point.\n\n");
        for (var e : byKey.entrySet()) {
            String[] k = e.getKey().split("/");
            if (k[3].equals("handwritten") && k[2].equals("none")) {
                continue;
            }
            double[] base = byKey.get(key(k[0], k[1], "none", "handwritten"));
            if (base != null) {
                b.append(String.format(
                        Locale.ROOT,
                        "- %s: median %.2fx, fastest %.2fx, CPU %.2fx%s%n",
                        e.getKey(),
                        e.getValue()[0] / base[0],
                        e.getValue()[2] / base[2],
                        base[1] / e.getValue()[1],
                        Math.max(e.getValue()[3], base[3]) > DISTURBED
                                ? String.format(
                                        Locale.ROOT,
                                        "  (DISTURBED: other processes used up to %.2f cores)",
                                        Math.max(e.getValue()[3], base[3]))
                                : ""));
            }
        }
        System.out.println();
        System.out.println(b);
        Files.writeString(md, b.toString());
        System.out.println("written: " + md);
    }
}
