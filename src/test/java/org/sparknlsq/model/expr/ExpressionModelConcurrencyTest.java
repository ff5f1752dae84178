package org.sparknlsq.model.expr;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.sparknlsq.model.expr.ExpressionTestSupport.model;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Several threads evaluating one instance, including its first use after deserialization. */
class ExpressionModelConcurrencyTest {

    private static final int THREADS = 8;
    private static final int POINTS = 20_000;
    private static final double[] P = {2.5, 4.0, 0.75, 0.1};

    /** Values then Jacobian rows, row-major, for x = 0.001 * i. */
    private static double[] evaluateAll(ExpressionModel m) {
        double[] x = new double[1];
        double[] out = new double[POINTS * 5];
        for (int i = 0; i < POINTS; i++) {
            x[0] = 0.001 * i;
            out[i] = m.value(P, x, 0, out, POINTS + 4 * i);
        }
        return out;
    }

    private static List<double[]> evaluateConcurrently(ExpressionModel m) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<double[]>> futures = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                Callable<double[]> task = () -> {
                    start.await();
                    return evaluateAll(m);
                };
                futures.add(pool.submit(task));
            }
            start.countDown();
            List<double[]> results = new ArrayList<>();
            for (Future<double[]> f : futures) {
                results.add(f.get());
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    @Timeout(60)
    void threadsSeeTheSameNumbersAsOneThread() throws Exception {
        ExpressionModel m = model("a*exp(-((x-mu)/s)^2/2) + c", "x", "a,mu,s,c");
        double[] expected = evaluateAll(m);
        for (double[] result : evaluateConcurrently(m)) {
            assertArrayEquals(expected, result, 0.0);
        }
    }

    @Test
    @Timeout(60)
    void concurrentFirstUseAfterDeserializationCompilesSafely() throws Exception {
        ExpressionModel original = model("a*exp(-((x-mu)/s)^2/2) + c", "x", "a,mu,s,c");
        double[] expected = evaluateAll(original);
        byte[] bytes = ExpressionModelSerializationTest.serialize(original);
        for (int round = 0; round < 5; round++) {
            ExpressionModel copy = (ExpressionModel) ExpressionModelSerializationTest.deserialize(bytes);
            for (double[] result : evaluateConcurrently(copy)) {
                assertArrayEquals(expected, result, 0.0);
            }
        }
    }
}
