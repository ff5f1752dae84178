package org.sparknlsq.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

/**
 * Times repeated passes on a shared machine: the wall time of every pass, and over all measured
 * passes the CPU time of this process and of the whole machine ({@link
 * BenchData#machineBusyNanos}), so a row can say how many cores it used and how many the rest of
 * the machine took meanwhile.
 */
final class PassTimer {
    private PassTimer() {}

    /**
     * What a row measured.
     *
     * @param wallMs wall time of each measured pass, in order
     * @param cpuSeconds process CPU time over the measured passes (all threads, GC and JIT included)
     * @param wallSeconds wall time over the measured passes
     * @param machineSeconds CPU time of every process on the machine over the measured passes (-1
     *     where /proc is missing)
     * @param othersCoresEach cores the rest of the machine used during each pass (10 ms resolution,
     *     so noisy for short passes)
     * @param last what the last pass returned
     */
    record Timing(
            String name,
            long points,
            double[] wallMs,
            double cpuSeconds,
            double wallSeconds,
            double machineSeconds,
            double[] othersCoresEach,
            Object last) {

        double medianMs() {
            double[] s = wallMs.clone();
            Arrays.sort(s);
            int n = s.length;
            return n % 2 == 1 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
        }

        double bestMs() {
            return Arrays.stream(wallMs).min().orElse(Double.NaN);
        }

        /** Process CPU time over wall time: the cores this process kept busy. */
        double coresUsed() {
            return cpuSeconds / wallSeconds;
        }

        /** Cores the rest of the machine used, averaged over the measured passes. */
        double othersCores() {
            return machineSeconds < 0 ? Double.NaN : Math.max(0, (machineSeconds - cpuSeconds) / wallSeconds);
        }

        /** Million points per second at the median pass. */
        double mpointsPerSecond() {
            return points / medianMs() / 1e3;
        }

        /** Million points per CPU-second of this process. */
        double mpointsPerCpuSecond() {
            return points * (double) wallMs.length / cpuSeconds / 1e6;
        }
    }

    /** Runs {@code warmup} unmeasured passes, then {@code passes} measured ones. */
    static Timing measure(String name, long points, int warmup, int passes, Supplier<?> pass) {
        return measureAlternately(List.of(name), points, warmup, passes, List.of(pass))
                .get(0);
    }

    /**
     * Runs the passes in turn, one of each per round ({@code warmup} unmeasured rounds, then {@code
     * passes} measured ones), so a drift of the machine or the heap affects all of them alike; each
     * gets its own timing, with the CPU times summed over its own passes.
     */
    static List<Timing> measureAlternately(
            List<String> names, long points, int warmup, int passes, List<? extends Supplier<?>> each) {
        int k = each.size();
        Object[] last = new Object[k];
        for (int i = 0; i < warmup; i++) {
            for (int j = 0; j < k; j++) {
                last[j] = each.get(j).get();
            }
        }
        double[][] wall = new double[k][passes];
        double[][] others = new double[k][passes];
        long[] cpu = new long[k];
        long[] machine = new long[k];
        boolean proc = BenchData.machineBusyNanos() >= 0;
        for (int i = 0; i < passes; i++) {
            for (int j = 0; j < k; j++) {
                long m = BenchData.machineBusyNanos();
                long c = BenchData.processCpuNanos();
                long t = System.nanoTime();
                last[j] = each.get(j).get();
                long dt = System.nanoTime() - t;
                long dc = BenchData.processCpuNanos() - c;
                long dm = BenchData.machineBusyNanos() - m;
                wall[j][i] = dt / 1e6;
                cpu[j] += dc;
                machine[j] += dm;
                others[j][i] = Math.max(0, (dm - dc) / (double) dt);
            }
        }
        List<Timing> out = new ArrayList<>(k);
        for (int j = 0; j < k; j++) {
            double wallSeconds = Arrays.stream(wall[j]).sum() / 1e3;
            out.add(new Timing(
                    names.get(j),
                    points,
                    wall[j],
                    cpu[j] / 1e9,
                    wallSeconds,
                    proc ? machine[j] / 1e9 : -1,
                    others[j],
                    last[j]));
        }
        return out;
    }
}
