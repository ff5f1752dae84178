package org.sparknlsq.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.sparknlsq.kernel.Accumulator;
import org.sparknlsq.kernel.BlockKernel;
import org.sparknlsq.kernel.DataBlock;
import org.sparknlsq.kernel.LocalSource;
import org.sparknlsq.spark.SparkInput;
import org.sparknlsq.spark.SparkSource;

/** The rows of {@link SparkPassBenchmark}'s pass tables: how each engine is timed, and the tables. */
final class PassRows {
    /**
     * One measured row.
     *
     * @param jobs the Spark jobs of the measured passes (empty for the local rows)
     * @param setupSeconds wall time to parallelize, shuffle and cache the data (Spark rows; for the
     *     control, to build its view), else 0
     * @param taskPartitionBytes Java-serialized size of the partition object every task of a pass
     *     carries (Spark rows), else 0
     * @param maxRelDiffVsLimit largest relative difference of the pass's sums from the limit loop's
     */
    record Row(
            String section,
            String engine,
            int partitions,
            PassTimer.Timing timing,
            List<SparkJobMetrics.Job> jobs,
            double setupSeconds,
            long taskPartitionBytes,
            double maxRelDiffVsLimit) {

        double jobMedian(ToLongFunction<SparkJobMetrics.Job> f) {
            if (jobs.isEmpty()) {
                return Double.NaN;
            }
            double[] v =
                    jobs.stream().mapToDouble(j -> f.applyAsLong(j)).sorted().toArray();
            int n = v.length;
            return n % 2 == 1 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
        }

        ObjectNode json(ObjectMapper m) {
            ObjectNode o = m.createObjectNode();
            o.put("section", section);
            o.put("engine", engine);
            o.put("partitions", partitions);
            o.put("points", timing.points());
            o.put("passes", timing.wallMs().length);
            o.put("ms_median", timing.medianMs());
            o.put("ms_best", timing.bestMs());
            o.put("mpoints_per_s_median", timing.mpointsPerSecond());
            o.put("cores_used", timing.coresUsed());
            o.put("mpoints_per_cpu_s", timing.mpointsPerCpuSecond());
            o.put("others_cores", timing.othersCores());
            o.putPOJO("ms_each", timing.wallMs());
            o.putPOJO("others_cores_each", timing.othersCoresEach());
            o.put("max_rel_diff_vs_limit_sums", maxRelDiffVsLimit);
            if (!jobs.isEmpty()) {
                o.put("setup_seconds", setupSeconds);
                o.put("task_partition_bytes", taskPartitionBytes);
                o.put("jobs", jobs.size());
                o.put("job_ms_median", jobMedian(SparkJobMetrics.Job::jobMs));
                o.put("tasks_per_job", jobMedian(SparkJobMetrics.Job::tasks));
                o.put("task_deserialize_ms_sum_median", jobMedian(SparkJobMetrics.Job::deserializeMsSum));
                o.put("task_run_ms_max_median", jobMedian(SparkJobMetrics.Job::runMsMax));
                o.put("task_run_ms_sum_median", jobMedian(SparkJobMetrics.Job::runMsSum));
                o.put("task_gc_ms_sum_median", jobMedian(SparkJobMetrics.Job::gcMsSum));
                o.put("scheduler_delay_ms_sum_median", jobMedian(SparkJobMetrics.Job::schedulerDelayMsSum));
                o.put("result_bytes_sum_median", jobMedian(SparkJobMetrics.Job::resultBytesSum));
            }
            return o;
        }
    }

    static final String ENGINE = "SparkSource";
    static final String CONTROL = "control: SparkSource, same blocks without lineage";

    private final SparkSession spark;
    private final SparkJobMetrics metrics;
    private final BlockKernel kernel;
    private final double[] p;
    private final int quietWait;
    private final Map<String, double[]> limitSums = new HashMap<>();

    PassRows(SparkSession spark, SparkJobMetrics metrics, BlockKernel kernel, double[] p, int quietWait) {
        this.spark = spark;
        this.metrics = metrics;
        this.kernel = kernel;
        this.p = p.clone();
        this.quietWait = quietWait;
    }

    /** The handwritten fused loop on all cores; its sums become the section's reference. */
    Row limit(String section, DataBlock data, int warmup, int passes) {
        int threads = Runtime.getRuntime().availableProcessors();
        try (FusedLimit limit = new FusedLimit(threads)) {
            BenchData.waitForQuiet(quietWait);
            PassTimer.Timing t = PassTimer.measure(
                    section + "/limit", data.size(), warmup, passes, () -> limit.pass(p, data.x(), data.y()));
            double[] sums = (double[]) t.last();
            if (sums[11] != data.size()) {
                throw new IllegalStateException("limit loop counted " + sums[11] + " points of " + data.size());
            }
            limitSums.put(section, sums);
            return new Row(section, "limit: fused loop, " + threads + " threads", 0, t, List.of(), 0, 0, 0);
        }
    }

    /** {@link LocalSource} on the common pool (the engine without Spark). */
    Row local(String section, DataBlock data, LocalSource source, int warmup, int passes) {
        BenchData.waitForQuiet(quietWait);
        PassTimer.Timing t = PassTimer.measure(
                section + "/local", data.size(), warmup, passes, () -> source.evaluate(p, Accumulator.Kind.NORMAL));
        return new Row(section, "LocalSource, common pool", 0, t, List.of(), 0, 0, diff(section, t));
    }

    /**
     * {@link SparkSource} over {@link SparkInput#fromArrays} blocks cached MEMORY_ONLY in {@code
     * parts} partitions. With {@code control}, a second source reads the same cached block objects
     * through {@link SparkPassBenchmark#checkpointedView} (no lineage), and the two are measured
     * alternately, pass by pass: two rows.
     */
    List<Row> spark(String section, DataBlock data, int parts, boolean control, int warmup, int passes)
            throws IOException {
        JavaSparkContext jsc = SparkPassBenchmark.context(spark);
        List<String> engines = control ? List.of(ENGINE, CONTROL) : List.of(ENGINE);
        List<String> names =
                engines.stream().map(e -> section + "/" + e + "/" + parts).toList();
        System.err.println("rows " + names + " ...");
        long t0 = System.nanoTime();
        SparkInput.Loaded loaded = SparkInput.fromArrays(spark, data, parts, StorageLevel.MEMORY_ONLY());
        double setup = (System.nanoTime() - t0) / 1e9;
        JavaRDD<DataBlock> view = control ? SparkPassBenchmark.checkpointedView(loaded.blocks()) : null;
        double viewSetup = (System.nanoTime() - t0) / 1e9 - setup;
        List<JavaRDD<DataBlock>> rdds = control ? List.of(loaded.blocks(), view) : List.of(loaded.blocks());
        List<SparkSource> sources = new ArrayList<>();
        try {
            List<Supplier<Accumulator>> passFns = new ArrayList<>();
            for (int j = 0; j < rdds.size(); j++) {
                SparkSource source = new SparkSource(jsc, rdds.get(j), kernel, loaded.partitionPoints(), null, 0, null);
                sources.add(source);
                String row = names.get(j);
                passFns.add(() -> {
                    jsc.setLocalProperty(SparkJobMetrics.ROW, row);
                    try {
                        return source.evaluate(p, Accumulator.Kind.NORMAL);
                    } finally {
                        jsc.setLocalProperty(SparkJobMetrics.ROW, null);
                    }
                });
            }
            BenchData.waitForQuiet(quietWait);
            for (int i = 0; i < warmup; i++) {
                for (SparkSource source : sources) {
                    source.evaluate(p, Accumulator.Kind.NORMAL);
                }
            }
            List<PassTimer.Timing> timings = PassTimer.measureAlternately(names, data.size(), 0, passes, passFns);
            List<Row> rows = new ArrayList<>();
            for (int j = 0; j < rdds.size(); j++) {
                PassTimer.Timing t = timings.get(j);
                rows.add(new Row(
                        section,
                        engines.get(j),
                        parts,
                        t,
                        metrics.jobs(names.get(j), passes),
                        j == 0 ? setup : viewSetup,
                        SparkPassBenchmark.javaSerializedBytes(
                                rdds.get(j).partitions().get(0)),
                        diff(section, t)));
            }
            return rows;
        } finally {
            for (SparkSource source : sources) {
                source.close();
            }
            if (view != null) {
                view.unpersist(false);
            }
            loaded.close();
            System.gc();
        }
    }

    private double diff(String section, PassTimer.Timing t) {
        double[] ref = limitSums.get(section);
        return ref == null ? Double.NaN : SparkPassBenchmark.maxRelDiff((Accumulator) t.last(), ref);
    }

    /** The table of one size: every engine next to the limit. */
    static String passTable(String section, List<Row> rows, Row limit) {
        StringBuilder b = new StringBuilder();
        b.append("NORMAL pass, ").append(section).append(" points\n\n");
        b.append("| engine | partitions | passes | ms/pass median | best | Mpoints/s | cores used | others' cores"
                + " | throughput vs limit (median, best) | job ms | task deserialize ms/job | longest task ms"
                + " | scheduler delay ms/job | GC ms/job | task partition bytes | setup s | sums vs limit |\n");
        b.append("|---|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        double limMedian = limit.timing().medianMs();
        double limBest = limit.timing().bestMs();
        for (Row r : rows) {
            PassTimer.Timing t = r.timing();
            boolean sp = !r.jobs().isEmpty();
            b.append(String.format(
                    Locale.ROOT,
                    "| %s | %s | %d | %.1f | %.1f | %.1f | %s | %s | %.2f, %.2f | %s | %s | %s | %s | %s | %s | %s |"
                            + " %s |%n",
                    r.engine(),
                    r.partitions() > 0 ? String.valueOf(r.partitions()) : "",
                    t.wallMs().length,
                    t.medianMs(),
                    t.bestMs(),
                    t.mpointsPerSecond(),
                    cores(t, t.coresUsed()),
                    cores(t, t.othersCores()),
                    limMedian / t.medianMs(),
                    limBest / t.bestMs(),
                    sp ? fmt(r.jobMedian(SparkJobMetrics.Job::jobMs)) : "",
                    sp ? fmt(r.jobMedian(SparkJobMetrics.Job::deserializeMsSum)) : "",
                    sp ? fmt(r.jobMedian(SparkJobMetrics.Job::runMsMax)) : "",
                    sp ? fmt(r.jobMedian(SparkJobMetrics.Job::schedulerDelayMsSum)) : "",
                    sp ? fmt(r.jobMedian(SparkJobMetrics.Job::gcMsSum)) : "",
                    sp ? String.format(Locale.ROOT, "%,d", r.taskPartitionBytes()) : "",
                    sp ? String.format(Locale.ROOT, "%.1f", r.setupSeconds()) : "",
                    r.maxRelDiffVsLimit() == 0 ? "—" : String.format(Locale.ROOT, "%.0e", r.maxRelDiffVsLimit())));
        }
        return b.toString();
    }

    /** The per-pass overhead table (tiny data). */
    static String tinyTable(List<Row> rows) {
        StringBuilder b = new StringBuilder();
        b.append("Fixed overhead per pass, tiny data (goal for Spark: median <= 30 ms)\n\n");
        b.append("| engine | points | partitions | passes | ms/pass median | best | 90th percentile | cores used"
                + " | others' cores | job ms | task deserialize ms/job | longest task ms | scheduler delay ms/job"
                + " | task partition bytes |\n");
        b.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Row r : rows) {
            PassTimer.Timing t = r.timing();
            double[] sorted = t.wallMs().clone();
            Arrays.sort(sorted);
            boolean sp = !r.jobs().isEmpty();
            b.append(String.format(
                    Locale.ROOT,
                    "| %s | %,d | %s | %d | %.2f | %.2f | %.2f | %s | %s | %s | %s | %s | %s | %s |%n",
                    r.engine(),
                    t.points(),
                    r.partitions() > 0 ? String.valueOf(r.partitions()) : "",
                    sorted.length,
                    t.medianMs(),
                    t.bestMs(),
                    sorted[(int) Math.ceil(0.9 * sorted.length) - 1],
                    cores(t, t.coresUsed()),
                    cores(t, t.othersCores()),
                    sp ? fmt(r.jobMedian(SparkJobMetrics.Job::jobMs)) : "",
                    sp ? fmt(r.jobMedian(SparkJobMetrics.Job::deserializeMsSum)) : "",
                    sp ? fmt(r.jobMedian(SparkJobMetrics.Job::runMsMax)) : "",
                    sp ? fmt(r.jobMedian(SparkJobMetrics.Job::schedulerDelayMsSum)) : "",
                    sp ? String.format(Locale.ROOT, "%,d", r.taskPartitionBytes()) : ""));
        }
        return b.toString();
    }

    /**
     * A cores figure, or n/a when the measured passes took less than half a second in all: the
     * machine's CPU counters tick every 10 ms, so shorter totals say nothing.
     */
    private static String cores(PassTimer.Timing t, double v) {
        return t.wallSeconds() < 0.5 ? "n/a" : String.format(Locale.ROOT, "%.2f", v);
    }

    private static String fmt(double v) {
        return Double.isNaN(v)
                ? ""
                : v == Math.rint(v) ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.1f", v);
    }
}
