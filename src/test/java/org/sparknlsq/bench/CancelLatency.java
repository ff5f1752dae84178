package org.sparknlsq.bench;

import java.util.Arrays;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.sql.SparkSession;
import org.sparknlsq.kernel.DataBlock;
import org.sparknlsq.model.builtin.BuiltinModels;
import org.sparknlsq.optim.FitOptions;
import org.sparknlsq.optim.Termination;
import org.sparknlsq.problem.FitProblem;
import org.sparknlsq.spark.FitHandle;
import org.sparknlsq.spark.SparkFitResult;
import org.sparknlsq.spark.SparkFitter;
import org.sparknlsq.strategy.Strategy;

/**
 * How long {@link FitHandle#cancel()} takes to end a running LARGE fit on {@code local[2]}: the
 * time from the call to the result being available, with the cancel landing at a random moment
 * (mostly in the middle of a pass). Prints JSON: the latencies in ms (median, max, each run).
 *
 * <p>Run: {@code java <spark opens> -cp "$CP" org.sparknlsq.bench.CancelLatency [--size N] [--runs R]}
 */
public final class CancelLatency {
    private CancelLatency() {}

    public static void main(String[] args) throws Exception {
        int size = 10_000_000;
        int runs = 15;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--size" -> size = Integer.parseInt(args[++i]);
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        SparkSession spark = SparkSession.builder()
                .master("local[2]")
                .appName("cancel-latency")
                .config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .getOrCreate();
        spark.sparkContext().setLogLevel("ERROR");
        DataBlock data = BenchData.generate(size);
        FitProblem problem = FitProblem.of(BuiltinModels.exponentialDecay(), 1, 1, 0);
        Random random = new Random(1);
        double[] latency = new double[runs];
        for (int run = 0; run < runs; run++) {
            AtomicInteger iterations = new AtomicInteger();
            FitHandle h = SparkFitter.submit(
                    spark,
                    problem,
                    data,
                    8,
                    FitOptions.defaults(),
                    SparkFitter.Options.defaults()
                            .withStrategy(Strategy.LARGE)
                            .withProgress((unit, step, total, m) -> iterations.incrementAndGet()));
            while (iterations.get() < 1 && !h.isDone()) {
                Thread.sleep(1);
            }
            // land anywhere within the next pass (~50-150 ms at 10M points)
            Thread.sleep(random.nextInt(100));
            long t0 = System.nanoTime();
            h.cancel();
            SparkFitResult r = h.result(60, TimeUnit.SECONDS);
            latency[run] = (System.nanoTime() - t0) / 1e6;
            if (r.fit().termination() != Termination.USER_ABORT) {
                throw new IllegalStateException(
                        "run " + run + " ended with " + r.fit().termination());
            }
        }
        double[] sorted = latency.clone();
        Arrays.sort(sorted);
        StringBuilder each = new StringBuilder();
        for (double l : latency) {
            each.append(each.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.1f", l));
        }
        System.out.printf(
                Locale.ROOT,
                "{\"points\": %d, \"runs\": %d, \"median_ms\": %.1f, \"max_ms\": %.1f, \"latencies_ms\": [%s]}%n",
                size,
                runs,
                sorted[runs / 2],
                sorted[runs - 1],
                each);
        spark.stop();
    }
}
