package org.sparknlsq.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;
import java.util.function.DoubleSupplier;
import org.sparknlsq.kernel.Accumulator;
import org.sparknlsq.kernel.BlockKernel;
import org.sparknlsq.kernel.DataBlock;
import org.sparknlsq.kernel.LocalSource;
import org.sparknlsq.problem.Loss;

/**
 * How far the per-point NORMAL pass is from a fused loop: one thread, the handwritten model, CPU
 * time of this thread per point (so a busy machine inflates it less than wall time). Not a JMH
 * benchmark; a quick experiment whose output is quoted in BENCHMARKS.md.
 *
 * <ul>
 *   <li>{@code engine}: {@link BlockKernel#accumulate} over 16,384-point chunks (what one {@link
 *       LocalSource} pass does on one thread, without the pool).
 *   <li>{@code fused}: the same sums (JᵀJ, Jᵀr, compensated ½Σr², count, finiteness check) in
 *       scalar locals, the model inlined by hand: a lower bound for what the kernel could cost.
 *   <li>{@code exp-only}: just {@code Σ (a·exp(−b·x) + c − y)²}, the floor set by {@code Math.exp}.
 * </ul>
 *
 * It also times {@code new LocalSource(kernel, data)}, which {@code CurveFitter.fit(problem,
 * data, options)} does once per fit.
 *
 * <p>Usage: {@code KernelHeadroom [points]} (default 10,000,000).
 */
public final class KernelHeadroom {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private KernelHeadroom() {}

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 10_000_000;
        DataBlock data = BenchData.generate(n);
        double[] p = {2.9, 1.25, 0.52};
        double[] x = data.x();
        double[] y = data.y();
        BlockKernel kernel = new BlockKernel(new BenchData.HandwrittenExpDecay(), Loss.LINEAR, 1.0);
        int chunk = LocalSource.DEFAULT_CHUNK_SIZE;

        DoubleSupplier engine = () -> {
            Accumulator total = new Accumulator(Accumulator.Kind.NORMAL, 3);
            for (int from = 0; from < n; from += chunk) {
                Accumulator a = new Accumulator(Accumulator.Kind.NORMAL, 3);
                kernel.accumulate(p, data, from, Math.min(n, from + chunk), a);
                total.merge(a);
            }
            return total.cost() + total.packed()[0];
        };
        DoubleSupplier fused = () -> fusedNormal(p, x, y);
        DoubleSupplier expOnly = () -> {
            double s = 0;
            for (int i = 0; i < n; i++) {
                double r = p[0] * Math.exp(-p[1] * x[i]) + p[2] - y[i];
                s += r * r;
            }
            return s;
        };

        System.out.printf(Locale.ROOT, "%d points, one thread, load average %s%n", n, BenchData.loadAverage());
        double e = measure("engine (BlockKernel + Accumulator)", engine, n);
        double f = measure("fused scalar loop", fused, n);
        double x0 = measure("exp-only loop", expOnly, n);
        System.out.printf(
                Locale.ROOT,
                "engine / fused = %.2fx, engine / exp-only = %.2fx, fused / exp-only = %.2fx%n",
                e / f,
                e / x0,
                f / x0);

        // CurveFitter.fit(problem, data, options) builds a new LocalSource per fit, which copies the
        // data into 16,384-point chunks.
        double best = Double.POSITIVE_INFINITY;
        long sink = 0;
        for (int i = 0; i < 8; i++) {
            long t0 = System.nanoTime();
            LocalSource s = new LocalSource(kernel, data);
            best = Math.min(best, (System.nanoTime() - t0) / 1e6);
            sink += s.pointCount();
        }
        System.out.printf(
                Locale.ROOT,
                "new LocalSource(kernel, %d points): %.0f ms (fastest of 8; copies %d MB)%s%n",
                n,
                best,
                2L * n * Double.BYTES >> 20,
                sink > 0 ? "" : "?");
    }

    /** ns of thread CPU per point, best of 7 after 5 warm-up passes. */
    private static double measure(String name, DoubleSupplier pass, int n) {
        double sink = 0;
        for (int i = 0; i < 5; i++) {
            sink += pass.getAsDouble();
        }
        double best = Double.POSITIVE_INFINITY;
        for (int i = 0; i < 7; i++) {
            long c0 = THREADS.getCurrentThreadCpuTime();
            sink += pass.getAsDouble();
            best = Math.min(best, (THREADS.getCurrentThreadCpuTime() - c0) / (double) n);
        }
        System.out.printf(
                Locale.ROOT,
                "%-36s %6.1f ns/point CPU  (%.1f Mpoints/s/core)   [%s]%n",
                name,
                best,
                1e3 / best,
                Double.isFinite(sink) ? "ok" : "not finite");
        return best;
    }

    private static double fusedNormal(double[] p, double[] x, double[] y) {
        double[] out = new double[FusedLimit.OUT];
        FusedLimit.accumulate(p, x, y, 0, y.length, out);
        double s = 0;
        for (double v : out) {
            s += v;
        }
        return s;
    }
}
