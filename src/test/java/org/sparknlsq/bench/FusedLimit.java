package org.sparknlsq.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The machine's limit for a NORMAL pass of the benchmark model {@code a·exp(−b·x) + c}: the same
 * arithmetic as {@code BlockKernel} + {@code Accumulator} (value, Jacobian row, the rank-1 update
 * of the packed upper triangle of {@code [J r]}, compensated cost, count, finiteness check), written
 * as one fused loop in scalar locals with the model inlined by hand, on {@code threads} platform
 * threads that take 16,384-point chunks from a shared counter, merged in chunk order.
 *
 * <p>It is what a handwritten single-process program could do on this data; the engine's passes
 * are measured against it. Not thread-safe; {@link #close()} stops the threads.
 */
final class FusedLimit implements AutoCloseable {
    /** Entries of {@link #accumulate}'s output: the 10 packed sums, cost, count, invalid count. */
    static final int OUT = 13;

    private static final int CHUNK = 16_384;

    private final ExecutorService pool;
    private final int threads;

    FusedLimit(int threads) {
        this.threads = threads;
        this.pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "fused-limit");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * One pass over {@code x}, {@code y} (Not modified) on all threads; returns {@link #OUT} values
     * (packed Σaᵀa for a = [j0 j1 j2 r] row-major, ½Σr², count, invalid), summed chunk by chunk in
     * chunk order.
     */
    double[] pass(double[] p, double[] x, double[] y) {
        int n = y.length;
        int chunks = (n + CHUNK - 1) / CHUNK;
        double[][] parts = new double[chunks][];
        AtomicInteger next = new AtomicInteger();
        Runnable worker = () -> {
            for (int c = next.getAndIncrement(); c < chunks; c = next.getAndIncrement()) {
                double[] out = new double[OUT];
                accumulate(p, x, y, c * CHUNK, Math.min(n, (c + 1) * CHUNK), out);
                parts[c] = out;
            }
        };
        List<Future<?>> running = new ArrayList<>(threads);
        for (int t = 0; t < threads; t++) {
            running.add(pool.submit(worker));
        }
        try {
            for (Future<?> f : running) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
        double[] total = new double[OUT];
        for (double[] part : parts) {
            for (int i = 0; i < OUT; i++) {
                total[i] += part[i];
            }
        }
        return total;
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }

    /**
     * Adds points [from, to) into {@code out} (Modified; {@link #OUT} entries): the fused loop of the
     * exponential decay, one thread.
     */
    static void accumulate(double[] p, double[] x, double[] y, int from, int to, double[] out) {
        double a = p[0];
        double b = p[1];
        double c = p[2];
        double s00 = 0, s01 = 0, s02 = 0, s03 = 0, s11 = 0, s12 = 0, s13 = 0, s22 = 0, s23 = 0, s33 = 0;
        double cost = 0;
        double comp = 0;
        long count = 0;
        long invalid = 0;
        for (int i = from; i < to; i++) {
            double xv = x[i];
            double ex = Math.exp(-b * xv);
            double ae = a * ex;
            double j0 = ex;
            double j1 = -xv * ae;
            double j2 = 1.0;
            double r = ae + c - y[i];
            if (!Double.isFinite(r + j0 + j1)) {
                invalid++;
                continue;
            }
            double pc = 0.5 * r * r;
            double t = cost + pc;
            comp += Math.abs(cost) >= Math.abs(pc) ? (cost - t) + pc : (pc - t) + cost;
            cost = t;
            count++;
            s00 += j0 * j0;
            s01 += j0 * j1;
            s02 += j0 * j2;
            s03 += j0 * r;
            s11 += j1 * j1;
            s12 += j1 * j2;
            s13 += j1 * r;
            s22 += j2 * j2;
            s23 += j2 * r;
            s33 += r * r;
        }
        out[0] += s00;
        out[1] += s01;
        out[2] += s02;
        out[3] += s03;
        out[4] += s11;
        out[5] += s12;
        out[6] += s13;
        out[7] += s22;
        out[8] += s23;
        out[9] += s33;
        out[10] += cost + comp;
        out[11] += count;
        out[12] += invalid;
    }
}
