package org.sparknlsq.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Random;
import org.sparknlsq.kernel.DataBlock;
import org.sparknlsq.model.CurveModel;
import org.sparknlsq.model.builtin.BuiltinModels;
import org.sparknlsq.model.expr.ExpressionModel;

/**
 * The benchmark problem, shared by {@link KernelBenchmark} and {@link FitVsScipy}: an exponential
 * decay {@code y = 3·exp(−1.3·x) + 0.5 + N(0, 0.02²)} on {@code x_i = 5·i/n} (so x in [0, 5)),
 * generated deterministically from {@link #SEED} with {@link java.util.Random} (whose algorithm
 * is specified, so every JVM produces the same bits), and the three ways to write the model.
 */
final class BenchData {
    static final long SEED = 20_240_601L;
    static final double TRUE_A = 3.0;
    static final double TRUE_B = 1.3;
    static final double TRUE_C = 0.5;
    static final double NOISE = 0.02;
    static final double X_MAX = 5.0;

    /** The model as text, for {@link ExpressionModel}. */
    static final String EXPRESSION = "a*exp(-b*x)+c";

    /** The model kinds compared by the benchmarks. */
    static final List<String> MODELS = List.of("builtin", "expression", "handwritten");

    private BenchData() {}

    /** The n-point problem; same seed, same bits. */
    static DataBlock generate(int n) {
        double[] x = new double[n];
        double[] y = new double[n];
        Random random = new Random(SEED);
        for (int i = 0; i < n; i++) {
            double xi = X_MAX * i / n;
            x[i] = xi;
            y[i] = TRUE_A * Math.exp(-TRUE_B * xi) + TRUE_C + NOISE * random.nextGaussian();
        }
        return new DataBlock(x, y, null, 1, 0);
    }

    /** {@code builtin}, {@code expression} or {@code handwritten}. */
    static CurveModel model(String kind) {
        return switch (kind) {
            case "builtin" -> BuiltinModels.exponentialDecay();
            case "expression" -> ExpressionModel.compile(EXPRESSION, List.of("x"), List.of("a", "b", "c"));
            case "handwritten" -> new HandwrittenExpDecay();
            default -> throw new IllegalArgumentException("unknown model kind '" + kind + "', expected " + MODELS);
        };
    }

    /** Writes raw little-endian float64, the layout {@code numpy.fromfile(path, '<f8')} reads. */
    static void writeF64(Path path, double[] values) throws IOException {
        ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
        try (FileChannel ch = FileChannel.open(
                path, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            for (double v : values) {
                if (!buf.hasRemaining()) {
                    buf.flip();
                    while (buf.hasRemaining()) {
                        ch.write(buf);
                    }
                    buf.clear();
                }
                buf.putDouble(v);
            }
            buf.flip();
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
        }
    }

    /** Reads a file written by {@link #writeF64}. */
    static double[] readF64(Path path) throws IOException {
        long bytes = Files.size(path);
        if (bytes % Double.BYTES != 0 || bytes / Double.BYTES > Integer.MAX_VALUE) {
            throw new IOException(path + ": " + bytes + " bytes is not a float64 array");
        }
        double[] out = new double[(int) (bytes / Double.BYTES)];
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            ch.map(FileChannel.MapMode.READ_ONLY, 0, bytes)
                    .order(ByteOrder.LITTLE_ENDIAN)
                    .asDoubleBuffer()
                    .get(out);
        }
        return out;
    }

    /** The first three fields of /proc/loadavg (1, 5, 15 minutes), or "n/a". */
    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "n/a";
        }
    }

    /**
     * CPU time all processes on the machine have used so far (user, nice, system, irq, softirq and
     * steal from the first line of /proc/stat, at 10 ms resolution), in nanoseconds; -1 where
     * /proc is missing. The difference to this process's CPU time over an interval is what the
     * rest of a shared machine used meanwhile.
     */
    static long machineBusyNanos() {
        try (var lines = Files.lines(Path.of("/proc/stat"))) {
            String[] f = lines.findFirst().orElseThrow().trim().split("\\s+");
            // cpu user nice system idle iowait irq softirq steal ...
            long ticks = Long.parseLong(f[1])
                    + Long.parseLong(f[2])
                    + Long.parseLong(f[3])
                    + Long.parseLong(f[6])
                    + Long.parseLong(f[7])
                    + Long.parseLong(f[8]);
            return ticks * 10_000_000L;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * Waits until the rest of the machine has been quiet (below {@code 0.15} cores busy over one
     * second) or {@code maxSeconds} have passed; prints what it saw. Returns the busy cores of
     * the last second.
     */
    static double waitForQuiet(int maxSeconds) {
        double busy = Double.NaN;
        long end = System.nanoTime() + maxSeconds * 1_000_000_000L;
        do {
            long b0 = machineBusyNanos();
            long t0 = System.nanoTime();
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            busy = (machineBusyNanos() - b0) / (double) (System.nanoTime() - t0);
            if (busy < 0.15) {
                break;
            }
        } while (System.nanoTime() < end);
        System.err.printf(java.util.Locale.ROOT, "machine busy (other processes): %.2f cores%n", busy);
        return busy;
    }

    /** CPU time of this whole process (every thread, GC and JIT included), in nanoseconds. */
    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** Peak resident set size of this process in bytes (VmHWM), or -1 where /proc is missing. */
    static long peakRssBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    String[] f = line.trim().split("\\s+");
                    return Long.parseLong(f[1]) * 1024L;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /**
     * The same model written by hand, the way a user would implement {@link CurveModel}: the
     * reference the expression compiler is measured against.
     */
    static final class HandwrittenExpDecay implements CurveModel {
        private static final long serialVersionUID = 1L;
        private static final List<String> PARAMETERS = List.of("a", "b", "c");
        private static final List<String> VARIABLES = List.of("x");

        @Override
        public List<String> parameterNames() {
            return PARAMETERS;
        }

        @Override
        public List<String> variableNames() {
            return VARIABLES;
        }

        @Override
        public double value(double[] p, double[] x, int xOff, double[] jac, int jacOff) {
            double xv = x[xOff];
            double e = Math.exp(-p[1] * xv);
            double ae = p[0] * e;
            if (jac != null) {
                jac[jacOff] = e;
                jac[jacOff + 1] = -xv * ae;
                jac[jacOff + 2] = 1.0;
            }
            return ae + p[2];
        }
    }
}
