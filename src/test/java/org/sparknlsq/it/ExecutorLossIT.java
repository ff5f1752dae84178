package org.sparknlsq.it;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongConsumer;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskStart;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sparknlsq.kernel.DataBlock;
import org.sparknlsq.model.builtin.BuiltinModels;
import org.sparknlsq.optim.FitOptions;
import org.sparknlsq.problem.FitProblem;
import org.sparknlsq.spark.SparkFitResult;
import org.sparknlsq.spark.SparkFitter;
import org.sparknlsq.strategy.Strategy;
import org.sparknlsq.testing.DecayCommands;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Lost machines on a real multi-JVM cluster: {@code local-cluster[3,1,1024]} runs a Master and
 * three Workers in this JVM and each executor in its own process. One executor is SIGKILLed and
 * another SIGSTOPped (hung; found by the heartbeat timeout) in the middle of a LARGE fit, from a
 * listener at the start of a pass's task; both fits end with the parameters of the undisturbed
 * fit to the last bit, and the diagnostics count the executor loss.
 */
class ExecutorLossIT {
    private static final int PARTITIONS = 4;
    private static SparkSession spark;
    private static DataBlock data;
    private static SparkFitResult undisturbed;
    /** Every executor process seen, killed for sure at the end. */
    private static final Set<Long> PIDS = ConcurrentHashMap.newKeySet();

    @BeforeAll
    static void startCluster() throws IOException {
        // the Workers want $SPARK_HOME/jars; the executors get their classes from extraClassPath
        Files.createDirectories(Path.of(System.getenv("SPARK_HOME"), "jars"));
        spark = SparkSession.builder()
                .appName("spark-nlsq-executor-loss")
                .master("local-cluster[3,1,1024]")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.ui.enabled", "false")
                .config("spark.executor.extraClassPath", System.getProperty("java.class.path"))
                .config("spark.executor.extraJavaOptions", System.getProperty("sparknlsq.it.opens", ""))
                // a lost shuffle fetch retries once after 1 s instead of 3 times after 5 s
                .config("spark.shuffle.io.maxRetries", "1")
                .config("spark.shuffle.io.retryWait", "1s")
                // a hung executor is declared lost after about 10 s instead of minutes
                .config("spark.network.timeout", "10s")
                .config("spark.executor.heartbeatInterval", "1s")
                .config("spark.network.timeoutInterval", "2s")
                .getOrCreate();
        Random r = new Random(5);
        int n = 400_000;
        double[] x = new double[n];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = 5.0 * i / n;
            y[i] = 3 * Math.exp(-1.3 * x[i]) + 0.5 + 0.01 * r.nextGaussian();
        }
        data = new DataBlock(x, y, null, 1, 0);
        awaitExecutors(3);
        undisturbed = fit();
        assertTrue(undisturbed.fit().success(), undisturbed.fit().message());
        assertEquals(0L, undisturbed.infrastructure().get("executor_losses"));
    }

    @AfterAll
    static void stopCluster() {
        if (spark != null) {
            spark.stop();
        }
        for (long pid : PIDS) {
            ProcessHandle.of(pid).ifPresent(p -> {
                DecayCommands.signal(pid, "CONT");
                p.destroyForcibly();
            });
        }
    }

    private static SparkFitResult fit() {
        return SparkFitter.submit(
                        spark,
                        FitProblem.of(BuiltinModels.exponentialDecay(), 1.0, 1.0, 0.0),
                        data,
                        PARTITIONS,
                        FitOptions.defaults(),
                        SparkFitter.Options.defaults().withStrategy(Strategy.LARGE))
                .result();
    }

    /** Executor id → process id, from a small job over many partitions. */
    private static Map<String, Long> executorPids() {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Map<String, Long> m = new TreeMap<>();
        for (String s : jsc.parallelize(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11), 12)
                .map(i -> SparkEnv.get().executorId() + "="
                        + ProcessHandle.current().pid())
                .collect()) {
            String[] kv = s.split("=");
            m.put(kv[0], Long.parseLong(kv[1]));
        }
        PIDS.addAll(m.values());
        return m;
    }

    private static void awaitExecutors(int n) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (spark.sparkContext().getExecutorMemoryStatus().size() - 1 < n) {
            assertTrue(System.nanoTime() < deadline, "executors did not register");
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /**
     * Calls {@code action} with the process of the executor that runs the first task of the third
     * pass (the passes are the jobs of the fit's job group; the load's jobs come before).
     */
    private static final class Trigger extends SparkListener {
        final Map<String, Long> pids;
        final LongConsumer action;
        final Set<Integer> passStages = ConcurrentHashMap.newKeySet();
        final AtomicInteger passJobs = new AtomicInteger();
        final AtomicReference<String> hit = new AtomicReference<>();

        Trigger(Map<String, Long> pids, LongConsumer action) {
            this.pids = pids;
            this.action = action;
        }

        @Override
        public void onJobStart(SparkListenerJobStart e) {
            String group = e.properties() == null ? null : e.properties().getProperty("spark.jobGroup.id");
            if (group != null && group.startsWith("spark-nlsq-") && passJobs.incrementAndGet() == 3) {
                for (Object id : CollectionConverters.asJava(e.stageIds())) {
                    passStages.add((Integer) id);
                }
            }
        }

        @Override
        public void onTaskStart(SparkListenerTaskStart e) {
            if (passStages.contains(e.stageId())
                    && hit.compareAndSet(null, e.taskInfo().executorId())) {
                action.accept(pids.get(e.taskInfo().executorId()));
            }
        }
    }

    private static SparkFitResult disturbedFit(LongConsumer action) {
        awaitExecutors(2);
        Trigger t = new Trigger(executorPids(), action);
        spark.sparkContext().addSparkListener(t);
        try {
            SparkFitResult r = fit();
            assertNotNull(t.hit.get(), "the trigger fired");
            return r;
        } finally {
            spark.sparkContext().removeSparkListener(t);
        }
    }

    @Test
    void aKilledExecutorChangesNoBitOfTheAnswer() {
        SparkFitResult r = disturbedFit(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
        assertTrue(r.fit().success(), r.fit().message());
        assertArrayEquals(undisturbed.fit().parameters(), r.fit().parameters(), "bit-identical");
        assertArrayEquals(undisturbed.fit().uncertainties(), r.fit().uncertainties());
        assertTrue(
                r.infrastructure().get("executor_losses") >= 1,
                r.infrastructure().toString());
        assertTrue(
                r.infrastructure().get("task_failures") >= 1, r.infrastructure().toString());
        assertEquals(r.infrastructure(), r.fit().faults().infrastructure(), "in the fault report too");
        assertEquals(List.of(), r.fit().faults().failedBatches(), "an infrastructure failure is not a numerical one");
    }

    @Test
    void aHungExecutorIsDroppedAfterItsHeartbeatsStop() {
        Set<Long> stopped = new HashSet<>();
        try {
            SparkFitResult r = disturbedFit(pid -> {
                stopped.add(pid);
                DecayCommands.signal(pid, "STOP");
            });
            assertTrue(r.fit().success(), r.fit().message());
            assertArrayEquals(undisturbed.fit().parameters(), r.fit().parameters(), "bit-identical");
            assertTrue(
                    r.infrastructure().get("executor_losses") >= 1,
                    r.infrastructure().toString());
        } finally {
            for (long pid : stopped) {
                DecayCommands.signal(pid, "CONT");
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }
}
