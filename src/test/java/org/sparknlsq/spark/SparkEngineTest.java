package org.sparknlsq.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sparknlsq.kernel.Accumulator;
import org.sparknlsq.kernel.BlockKernel;
import org.sparknlsq.kernel.DataBlock;
import org.sparknlsq.model.CurveModel;
import org.sparknlsq.model.builtin.BuiltinModels;
import org.sparknlsq.optim.CurveFitter;
import org.sparknlsq.optim.FitOptions;
import org.sparknlsq.optim.FitResult;
import org.sparknlsq.optim.Termination;
import org.sparknlsq.problem.FitProblem;
import org.sparknlsq.problem.Loss;
import org.sparknlsq.strategy.Strategy;

/** The distributed engine against the local one, on a real local SparkSession. */
class SparkEngineTest {
    private static final SparkSession SPARK = TestSpark.session();
    private static final int N = 200_000;
    private static final DataBlock DATA = decay(N);
    private static final FitProblem PROBLEM = new FitProblem(
            BuiltinModels.exponentialDecay(), new double[] {1, 1, 0}, null, null, Loss.LINEAR, 1.0, false);
    private static final FitResult LOCAL = CurveFitter.fit(PROBLEM, DATA, FitOptions.defaults());

    /** y = 3·exp(−1.3x) + 0.5 + noise, x sorted, sigma varying; fixed seed. */
    static DataBlock decay(int n) {
        Random r = new Random(7);
        double[] x = new double[n];
        double[] y = new double[n];
        double[] s = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = 5.0 * i / n;
            s[i] = 0.01 + 0.02 * (i % 3);
            y[i] = 3 * Math.exp(-1.3 * x[i]) + 0.5 + s[i] * r.nextGaussian();
        }
        return new DataBlock(x, y, s, 1, 0);
    }

    static void assertSameFit(FitResult expected, FitResult actual, double rtol) {
        assertTrue(actual.success(), actual.message());
        for (int i = 0; i < expected.parameters().length; i++) {
            double e = expected.parameters()[i];
            double a = actual.parameters()[i];
            assertTrue(Math.abs(a - e) <= rtol * Math.abs(e), "parameter " + i + ": " + a + " vs " + e);
            double eu = expected.uncertainties()[i];
            double au = actual.uncertainties()[i];
            assertTrue(Math.abs(au - eu) <= 1e-6 * eu, "uncertainty " + i + ": " + au + " vs " + eu);
        }
        assertEquals(expected.points(), actual.points());
    }

    @ParameterizedTest(name = "{0} partition(s)")
    @ValueSource(ints = {1, 2, 7, 64})
    void everyPartitionCountGivesTheLocalOptimum(int partitions) {
        SparkFitResult r = SparkFitter.submit(
                        SPARK,
                        PROBLEM,
                        DATA,
                        partitions,
                        FitOptions.defaults(),
                        SparkFitter.Options.defaults().withStrategy(Strategy.LARGE))
                .result();
        assertEquals(partitions, r.partitions());
        assertEquals(Strategy.LARGE, r.strategy());
        assertEquals("LARGE", r.fit().strategy());
        assertTrue(r.sparkJobs() >= r.fit().dataPasses(), "one job per pass at least");
        assertSameFit(LOCAL, r.fit(), 1e-10);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"STANDARD", "LARGE", "CHUNKED"})
    void exactStrategiesAgreeWithTheLocalFit(String name) {
        Strategy s = Strategy.valueOf(name);
        SparkFitResult r = SparkFitter.submit(
                        SPARK,
                        PROBLEM,
                        DATA,
                        16,
                        FitOptions.defaults(),
                        SparkFitter.Options.defaults().withStrategy(s))
                .result();
        assertEquals(s, r.strategy());
        assertTrue(r.strategyReason().startsWith("requested"), r.strategyReason());
        assertSameFit(LOCAL, r.fit(), 1e-10);
        if (s == Strategy.STANDARD) {
            assertEquals(0, r.sparkJobs(), "STANDARD runs no Spark job per iteration");
        }
    }

    @Test
    void streamingReachesTheSameOptimum() {
        SparkFitResult r = SparkFitter.submit(
                        SPARK,
                        PROBLEM,
                        DATA,
                        20,
                        FitOptions.defaults(),
                        SparkFitter.Options.defaults()
                                .withStrategy(Strategy.STREAMING)
                                .withBatchPoints(40_000))
                .result();
        assertEquals(Strategy.STREAMING, r.strategy());
        assertTrue(r.epochs() >= 1);
        assertSameFit(LOCAL, r.fit(), 1e-8);
    }

    @Test
    void automaticChoiceExplainsItself() {
        SparkFitResult r = SparkFitter.submit(
                        SPARK, PROBLEM, DATA, 4, FitOptions.defaults(), SparkFitter.Options.defaults())
                .result();
        assertEquals(Strategy.STANDARD, r.strategy(), "200,000 points are below the 1M threshold");
        assertTrue(r.strategyReason().contains("200,000 points"), r.strategyReason());
    }

    /** The exponential decay with a hook run at the first point of every block (in the task). */
    abstract static class Hooked implements CurveModel {
        private final CurveModel inner = BuiltinModels.exponentialDecay();

        abstract void atBlockStart();

        @Override
        public List<String> parameterNames() {
            return inner.parameterNames();
        }

        @Override
        public List<String> variableNames() {
            return inner.variableNames();
        }

        @Override
        public double value(double[] p, double[] x, int xOff, double[] jac, int jacOff) {
            if (xOff == 0) {
                atBlockStart();
            }
            return inner.value(p, x, xOff, jac, jacOff);
        }

        static void sleep(long ms) {
            try {
                Thread.sleep(ms);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Sleeps a random time in each partition (so tasks finish in a different order every pass)
     * and fails the first attempt of partition 3 (so Spark retries it).
     */
    static final class Unruly extends Hooked {
        @Override
        void atBlockStart() {
            TaskContext t = TaskContext.get();
            if (t != null && t.partitionId() == 3 && t.attemptNumber() == 0) {
                throw new IllegalStateException("injected failure of the first attempt");
            }
            sleep(ThreadLocalRandom.current().nextInt(30));
        }
    }

    @Test
    void aPassIsBitIdenticalWhateverTheTaskOrderAndRetries() {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(SPARK.sparkContext());
        try (SparkInput.Loaded data = SparkInput.fromArrays(SPARK, DATA, 12, StorageLevel.MEMORY_ONLY());
                SparkSource source = new SparkSource(
                        jsc,
                        data.blocks(),
                        new BlockKernel(new Unruly(), Loss.LINEAR, 1.0),
                        data.partitionPoints(),
                        null,
                        0,
                        null)) {
            double[] p = {2.9, 1.25, 0.52};
            for (Accumulator.Kind kind : List.of(Accumulator.Kind.NORMAL, Accumulator.Kind.QR)) {
                Accumulator first = source.evaluate(p, kind);
                for (int run = 0; run < 3; run++) {
                    Accumulator again = source.evaluate(p, kind);
                    assertArrayEquals(first.packed(), again.packed(), 0.0, kind + " run " + run);
                    assertEquals(Double.doubleToLongBits(first.cost()), Double.doubleToLongBits(again.cost()));
                    assertEquals(first.count(), again.count());
                }
                assertEquals(N, first.count());
            }
        }
    }

    /** Takes about 20 ms per partition, so a fit lasts long enough to cancel. */
    static final class Slow extends Hooked {
        @Override
        void atBlockStart() {
            sleep(20);
        }
    }

    @Test
    void cancelEndsTheFitWithTheBestParametersSoFar() throws Exception {
        FitProblem slow = new FitProblem(new Slow(), new double[] {1, 1, 0}, null, null, Loss.LINEAR, 1.0, false);
        AtomicInteger iterations = new AtomicInteger();
        FitHandle h = SparkFitter.submit(
                SPARK,
                slow,
                DATA,
                8,
                FitOptions.defaults(),
                SparkFitter.Options.defaults()
                        .withStrategy(Strategy.LARGE)
                        .withProgress((unit, step, total, m) -> iterations.incrementAndGet()));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (iterations.get() < 2 && !h.isDone() && System.nanoTime() < deadline) {
            Thread.sleep(2);
        }
        assertFalse(h.isDone(), "the slow fit must still be running when it is cancelled");
        h.cancel();
        SparkFitResult r = h.result(60, TimeUnit.SECONDS);
        assertEquals(Termination.USER_ABORT, r.fit().termination());
        assertFalse(r.fit().success());
        assertEquals("the fit was cancelled", r.fit().message());
        assertTrue(r.fit().cost() < r.fit().initialCost(), "the best point after two iterations beats the start");
        assertTrue(Double.isNaN(r.fit().covariance()[0][0]), "a cancelled fit skips the covariance pass");
    }
}
