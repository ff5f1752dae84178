package org.sparknlsq.spark;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.sparknlsq.kernel.BlockKernel;
import org.sparknlsq.kernel.DataBlock;
import org.sparknlsq.kernel.LocalSource;
import org.sparknlsq.optim.CurveFitter;
import org.sparknlsq.optim.FitMonitor;
import org.sparknlsq.optim.FitOptions;
import org.sparknlsq.optim.FitResult;
import org.sparknlsq.optim.ProgressListener;
import org.sparknlsq.optim.Snapshot;
import org.sparknlsq.optim.streaming.StreamingFitter;
import org.sparknlsq.optim.streaming.StreamingOptions;
import org.sparknlsq.optim.streaming.StreamingResult;
import org.sparknlsq.problem.FitProblem;
import org.sparknlsq.robust.FitMetrics;
import org.sparknlsq.strategy.Strategy;
import org.sparknlsq.strategy.StrategyPlanner;
import scala.Tuple2;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Fits data held by Spark: loads them once into cached columnar blocks, chooses a {@link
 * Strategy} from their size and the memory at hand (or takes the caller's), and runs the same
 * optimizer as the local engine against a {@link SparkSource}.
 *
 * <p>Storage level by strategy: LARGE caches {@code MEMORY_ONLY} (the data fit by construction);
 * CHUNKED {@code MEMORY_AND_DISK} (what does not fit spills) and evaluates each pass in waves of
 * partitions with progress per wave; STREAMING {@code DISK_ONLY}, so executor memory does not grow
 * with the data; STANDARD collects the blocks to the driver and runs no Spark job per iteration.
 *
 * <p>Every fit runs on its own thread behind a {@link FitHandle}, so it can be cancelled.
 */
public final class SparkFitter {
    /** Partitions per wave in CHUNKED mode, per executor core. */
    static final int WAVE_PARTITIONS_PER_CORE = 2;

    private SparkFitter() {}

    /**
     * Options of the Spark side.
     *
     * @param strategy the strategy, or null to choose by size
     * @param batchPoints points per STREAMING batch (whole partitions are grouped until a batch
     *     holds at least this many), or 0 for {@link StrategyPlanner#batchPoints}
     * @param streaming STREAMING options
     * @param progress where progress goes
     * @param validate also fit the same points with STANDARD on the driver and report the largest
     *     relative parameter difference (refused when the data would take more than a quarter of
     *     the driver heap)
     * @param checkpoints where the fit's snapshots go and where it finds one to resume from
     *     ({@link Snapshot.Sink#NONE} by default); the exact phase of STREAMING checkpoints and
     *     resumes, its streaming phase runs again on resume
     */
    public record Options(
            Strategy strategy,
            long batchPoints,
            StreamingOptions streaming,
            ProgressListener progress,
            boolean validate,
            Snapshot.Sink checkpoints) {
        public static Options defaults() {
            return new Options(null, 0, StreamingOptions.defaults(), ProgressListener.NONE, false, Snapshot.Sink.NONE);
        }

        public Options withCheckpoints(Snapshot.Sink c) {
            return new Options(strategy, batchPoints, streaming, progress, validate, c);
        }

        public Options withStrategy(Strategy s) {
            return new Options(s, batchPoints, streaming, progress, validate, checkpoints);
        }

        public Options withBatchPoints(long n) {
            return new Options(strategy, n, streaming, progress, validate, checkpoints);
        }

        public Options withProgress(ProgressListener p) {
            return new Options(strategy, batchPoints, streaming, p, validate, checkpoints);
        }

        public Options withStreaming(StreamingOptions s) {
            return new Options(strategy, batchPoints, s, progress, validate, checkpoints);
        }

        public Options withValidation(boolean v) {
            return new Options(strategy, batchPoints, streaming, progress, v, checkpoints);
        }
    }

    /** Starts a fit of a file or URI; the data are read by the fit's thread. */
    public static FitHandle submit(
            SparkSession spark, FitProblem problem, SparkInput.Spec input, FitOptions options, Options sparkOptions) {
        return submit(spark, problem, choice -> SparkInput.read(spark, input, choice), options, sparkOptions);
    }

    /** Starts a fit of in-memory arrays cut into {@code partitions} partitions. */
    public static FitHandle submit(
            SparkSession spark, FitProblem problem, DataBlock data, int partitions, FitOptions options, Options o) {
        return submit(
                spark,
                problem,
                choice -> SparkInput.fromArrays(spark, data, partitions, choice.levelFor(data.size())),
                options,
                o);
    }

    /** Fits and waits: {@code submit(...).result()}. */
    public static SparkFitResult fit(
            SparkSession spark, FitProblem problem, SparkInput.Spec input, FitOptions options, Options o) {
        return submit(spark, problem, input, options, o).result();
    }

    /**
     * Starts a fit of the data {@code loader} returns; it is called on the fit's thread with the
     * storage-level choice of the strategy planner.
     */
    public static FitHandle submit(
            SparkSession spark,
            FitProblem problem,
            Function<SparkInput.LevelChoice, SparkInput.Loaded> loader,
            FitOptions options,
            Options o) {
        options.requireValid();
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        FitHandle handle = new FitHandle(jsc);
        Thread t = new Thread(
                () -> {
                    try {
                        handle.complete(run(jsc, problem, loader, options, o, handle));
                    } catch (Throwable e) {
                        handle.fail(e);
                    }
                },
                "spark-nlsq-fit");
        t.setDaemon(true);
        t.start();
        return handle;
    }

    /** The fit with Spark's infrastructure events of its duration counted alongside. */
    private static SparkFitResult run(
            JavaSparkContext jsc,
            FitProblem problem,
            Function<SparkInput.LevelChoice, SparkInput.Loaded> loader,
            FitOptions options,
            Options o,
            FitHandle handle) {
        FitMetrics.fitStarted();
        long t0 = System.nanoTime();
        SparkFitResult r;
        try (InfrastructureListener infra = InfrastructureListener.install(jsc)) {
            r = runFit(jsc, problem, loader, options, o, handle).withInfrastructure(infra.counts());
        } catch (RuntimeException | Error e) {
            FitMetrics.fitFailed();
            throw e;
        }
        FitResult f = r.fit();
        FitMetrics.fitEnded(
                f.success(),
                (System.nanoTime() - t0) / 1e9,
                f.iterations(),
                f.cost(),
                f.faults(),
                r.infrastructure().getOrDefault("executor_losses", 0L));
        return r;
    }

    private static SparkFitResult runFit(
            JavaSparkContext jsc,
            FitProblem problem,
            Function<SparkInput.LevelChoice, SparkInput.Loaded> loader,
            FitOptions options,
            Options o,
            FitHandle handle) {
        long t0 = System.nanoTime();
        int k = problem.model().variableCount();
        long driverHeap = Runtime.getRuntime().maxMemory();
        long storage = storageMemory(jsc);
        StrategyPlanner.Plan[] plan = new StrategyPlanner.Plan[1];
        SparkInput.LevelChoice choice = n -> {
            // sigma is unknown before reading; planning with it is the cautious choice
            plan[0] = StrategyPlanner.choose(n, k, true, driverHeap, storage, o.strategy());
            return level(plan[0].strategy());
        };
        handle.enterLoad();
        SparkInput.Loaded data;
        try {
            data = loader.apply(choice);
        } catch (Exception e) {
            throw Failures.unwrap(e);
        } finally {
            handle.leaveLoad();
        }
        double loadSeconds = (System.nanoTime() - t0) / 1e9;
        Strategy strategy = plan[0].strategy();
        if (o.validate()) {
            requireValidatable(data, k);
        }
        BlockKernel kernel = new BlockKernel(problem.model(), problem.loss(), problem.fScale());
        FitMonitor monitor = record -> {
            o.progress()
                    .onProgress(
                            "iteration",
                            record.iteration(),
                            options.maxIterations(),
                            Map.of("cost", record.cost(), "gradient_norm", record.gradientNorm()));
            return !handle.cancelRequested();
        };
        try (data) {
            if (strategy == Strategy.STANDARD) {
                List<DataBlock> blocks = new ArrayList<>(data.blocks().collect());
                LocalSource local =
                        new LocalSource(kernel, blocks, LocalSource.DEFAULT_CHUNK_SIZE, null, handle::cancelRequested);
                FitResult fit = CurveFitter.fit(problem, local, options, monitor, strategy.name(), o.checkpoints());
                // with STANDARD the fit is its own reference
                SparkFitResult.Validation v = o.validate() ? new SparkFitResult.Validation(0, fit) : null;
                return new SparkFitResult(
                        fit,
                        strategy,
                        plan[0].reason(),
                        data.partitions(),
                        data.dropped(),
                        0,
                        0,
                        loadSeconds,
                        v,
                        Map.of());
            }
            int[][] batches = strategy == Strategy.STREAMING
                    ? batches(data.partitionPoints(), batchTarget(o, k, problem.parameterCount()))
                    : null;
            int wave = strategy == Strategy.CHUNKED ? WAVE_PARTITIONS_PER_CORE * jsc.defaultParallelism() : 0;
            try (SparkSource source =
                    new SparkSource(jsc, data.blocks(), kernel, data.partitionPoints(), batches, wave, o.progress())) {
                handle.attach(source);
                FitResult fit;
                int epochs = 0;
                if (strategy == Strategy.STREAMING) {
                    StreamingResult r =
                            StreamingFitter.fit(problem, source, options, o.streaming(), monitor, o.checkpoints());
                    fit = r.fit();
                    epochs = r.epochs();
                } else {
                    fit = CurveFitter.fit(problem, source, options, monitor, strategy.name(), o.checkpoints());
                }
                long jobs = source.jobCount();
                SparkFitResult.Validation v = o.validate() ? validate(problem, options, data, kernel, fit) : null;
                return new SparkFitResult(
                        fit,
                        strategy,
                        plan[0].reason(),
                        data.partitions(),
                        data.dropped(),
                        jobs,
                        epochs,
                        loadSeconds,
                        v,
                        Map.of());
            }
        } catch (Exception e) {
            throw Failures.unwrap(e);
        }
    }

    /** Refuses validation, before the fit, when the data would not fit on the driver. */
    private static void requireValidatable(SparkInput.Loaded data, int k) {
        long bytes = StrategyPlanner.dataBytes(data.points(), k, true);
        long heap = Runtime.getRuntime().maxMemory();
        if (bytes > heap / 4) {
            throw new IllegalArgumentException(String.format(
                    Locale.ROOT,
                    "validation needs the data on the driver: %,d points need about %,d MB, more than a quarter"
                            + " of the driver heap (%,d MB); raise the driver memory or validate on a sample file",
                    data.points(),
                    bytes >> 20,
                    heap >> 20));
        }
    }

    /** The side-by-side check: the same points fitted on the driver with STANDARD. */
    private static SparkFitResult.Validation validate(
            FitProblem problem, FitOptions options, SparkInput.Loaded data, BlockKernel kernel, FitResult fit) {
        List<DataBlock> blocks = new ArrayList<>(data.blocks().collect());
        LocalSource local = new LocalSource(kernel, blocks, LocalSource.DEFAULT_CHUNK_SIZE, null);
        FitResult standard = CurveFitter.fit(problem, local, options, FitMonitor.NONE, Strategy.STANDARD.name());
        double max = 0;
        for (int i = 0; i < problem.parameterCount(); i++) {
            double ref = standard.parameters()[i];
            double diff = Math.abs(fit.parameters()[i] - ref);
            max = Math.max(max, ref == 0 ? diff : diff / Math.abs(ref));
        }
        return new SparkFitResult.Validation(max, standard);
    }

    static StorageLevel level(Strategy s) {
        return switch (s) {
            case STANDARD, CHUNKED -> StorageLevel.MEMORY_AND_DISK();
            case LARGE -> StorageLevel.MEMORY_ONLY();
            case STREAMING -> StorageLevel.DISK_ONLY();
        };
    }

    static long batchTarget(Options o, int variables, int parameters) {
        return o.batchPoints() > 0
                ? o.batchPoints()
                : StrategyPlanner.batchPoints(Runtime.getRuntime().maxMemory(), variables, true, parameters);
    }

    /** Consecutive partitions grouped into batches of at least {@code target} points (the last may be smaller). */
    static int[][] batches(long[] partitionPoints, long target) {
        List<int[]> out = new ArrayList<>();
        List<Integer> current = new ArrayList<>();
        long n = 0;
        for (int i = 0; i < partitionPoints.length; i++) {
            current.add(i);
            n += partitionPoints[i];
            if (n >= target) {
                out.add(current.stream().mapToInt(Integer::intValue).toArray());
                current.clear();
                n = 0;
            }
        }
        if (!current.isEmpty()) {
            out.add(current.stream().mapToInt(Integer::intValue).toArray());
        }
        return out.toArray(new int[0][]);
    }

    /** Storage memory of all block managers (executors, and the driver in local mode). */
    static long storageMemory(JavaSparkContext jsc) {
        long total = 0;
        for (Tuple2<Object, Object> m :
                CollectionConverters.asJava(jsc.sc().getExecutorMemoryStatus()).values()) {
            total += (Long) m._1();
        }
        return total;
    }
}
