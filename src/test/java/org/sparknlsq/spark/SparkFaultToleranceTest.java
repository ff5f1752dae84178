package org.sparknlsq.spark;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sparknlsq.kernel.BlockKernel;
import org.sparknlsq.kernel.DataBlock;
import org.sparknlsq.kernel.LocalSource;
import org.sparknlsq.model.CurveModel;
import org.sparknlsq.model.builtin.BuiltinModels;
import org.sparknlsq.model.expr.ExpressionModel;
import org.sparknlsq.optim.CurveFitter;
import org.sparknlsq.optim.FitMonitor;
import org.sparknlsq.optim.FitOptions;
import org.sparknlsq.optim.FitResult;
import org.sparknlsq.problem.FitProblem;
import org.sparknlsq.problem.Loss;
import org.sparknlsq.strategy.Strategy;

/**
 * Fault tolerance on a real SparkSession ({@code local[2,3]}): a failing partition is caught in
 * its task and excluded, the answer is that of the valid partitions alone on every strategy, and
 * a failed task attempt (infrastructure) is left to Spark and changes nothing.
 */
class SparkFaultToleranceTest {
    private static final SparkSession SPARK = TestSpark.session();
    private static final int N = 20_000;
    private static final int P = 10;
    private static final CurveModel SQRT_MODEL =
            ExpressionModel.compile("a*exp(-b*x) + c*sqrt(x-2)", List.of("x"), List.of("a", "b", "c"));

    /** x sorted in [0, 10): the first 20% of the rows lie below 2, where sqrt(x-2) is NaN. */
    static DataBlock data() {
        Random r = new Random(3);
        double[] x = new double[N];
        double[] y = new double[N];
        for (int i = 0; i < N; i++) {
            x[i] = 10.0 * i / N;
            y[i] = 3 * Math.exp(-0.5 * x[i]) + (x[i] >= 2 ? 0.7 * Math.sqrt(x[i] - 2) : 0) + 0.01 * r.nextGaussian();
        }
        return new DataBlock(x, y, null, 1, 0);
    }

    static List<DataBlock> slices(DataBlock d, int from, int to) {
        List<DataBlock> out = new ArrayList<>();
        int per = N / P;
        for (int i = from; i < to; i++) {
            out.add(d.slice(i * per, (i + 1) * per, (long) i * per));
        }
        return out;
    }

    static FitProblem problem(CurveModel m) {
        return FitProblem.of(m, 2.0, 0.3, 1.0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"STANDARD", "LARGE", "CHUNKED"})
    void poisonedPartitionsAreExcludedOnEveryStrategy(String name) {
        DataBlock d = data();
        SparkFitResult r = SparkFitter.submit(
                        SPARK,
                        problem(SQRT_MODEL),
                        d,
                        P,
                        FitOptions.defaults(),
                        SparkFitter.Options.defaults().withStrategy(Strategy.valueOf(name)))
                .result();
        FitResult f = r.fit();
        assertTrue(f.success(), f.message());
        assertEquals(List.of(0, 1), f.faults().failedBatches());
        assertEquals(
                List.of(0, 1),
                f.faults().excludedPartitions().stream().map(e -> e.partition()).toList());
        assertEquals(0.2, f.faults().excludedFraction(), 1e-15);
        // the valid partitions alone, on the driver: the same sums in the same order
        FitProblem problem = problem(SQRT_MODEL);
        LocalSource valid = new LocalSource(
                new BlockKernel(SQRT_MODEL, Loss.LINEAR, 1.0), slices(d, 2, P), LocalSource.DEFAULT_CHUNK_SIZE, null);
        FitResult ref = CurveFitter.fit(problem, valid, FitOptions.defaults(), FitMonitor.NONE, "REF");
        assertArrayEquals(ref.parameters(), f.parameters(), name);
        assertEquals(0L, f.faults().infrastructure().get("task_failures"));
    }

    /** Fails the first attempt of partition 3 while reading it: Spark's to retry, not ours. */
    static FlatMapFunction<Iterator<DataBlock>, DataBlock> failFirstAttemptOfPartition3() {
        return blocks -> {
            TaskContext t = TaskContext.get();
            if (t.partitionId() == 3 && t.attemptNumber() == 0) {
                throw new IllegalStateException("injected read failure, attempt 0");
            }
            return blocks;
        };
    }

    @Test
    void aFailedTaskAttemptIsRetriedBySparkAndChangesNothing() {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(SPARK.sparkContext());
        CurveModel m = BuiltinModels.exponentialDecay();
        FitProblem problem = FitProblem.of(m, 1.0, 1.0, 0.0);
        DataBlock d = data();
        try (SparkInput.Loaded loaded = SparkInput.fromArrays(SPARK, d, 6, StorageLevel.MEMORY_ONLY())) {
            JavaRDD<DataBlock> flaky = loaded.blocks().mapPartitions(failFirstAttemptOfPartition3(), true);
            BlockKernel k = new BlockKernel(m, Loss.LINEAR, 1.0);
            FitResult clean;
            try (SparkSource s = new SparkSource(jsc, loaded.blocks(), k, loaded.partitionPoints(), null, 0, null)) {
                clean = CurveFitter.fit(problem, s, FitOptions.defaults(), FitMonitor.NONE, "LARGE");
            }
            FitResult disturbed;
            Map<String, Long> events;
            try (InfrastructureListener infra = InfrastructureListener.install(jsc);
                    SparkSource s = new SparkSource(jsc, flaky, k, loaded.partitionPoints(), null, 0, null)) {
                disturbed = CurveFitter.fit(problem, s, FitOptions.defaults(), FitMonitor.NONE, "LARGE");
                events = infra.counts();
            }
            assertTrue(disturbed.success());
            assertArrayEquals(clean.parameters(), disturbed.parameters(), "bit-identical");
            assertEquals(List.of(), disturbed.faults().failedBatches(), "not a numerical failure");
            // every pass re-ran partition 3 once
            assertEquals(disturbed.dataPasses(), events.get("task_failures"), events.toString());
            assertEquals(disturbed.dataPasses(), events.get("recomputed_tasks"), events.toString());
            assertEquals(0L, events.get("executor_losses"));
        }
    }
}
