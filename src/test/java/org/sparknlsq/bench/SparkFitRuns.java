package org.sparknlsq.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.sparknlsq.kernel.BlockKernel;
import org.sparknlsq.kernel.DataBlock;
import org.sparknlsq.kernel.LocalSource;
import org.sparknlsq.model.builtin.BuiltinModels;
import org.sparknlsq.optim.CurveFitter;
import org.sparknlsq.optim.FitMonitor;
import org.sparknlsq.optim.FitOptions;
import org.sparknlsq.optim.FitResult;
import org.sparknlsq.problem.FitProblem;
import org.sparknlsq.spark.SparkFitResult;
import org.sparknlsq.spark.SparkFitter;
import org.sparknlsq.spark.SparkInput;
import org.sparknlsq.spark.SparkSource;
import org.sparknlsq.strategy.Strategy;

/**
 * The whole-fit part of {@link SparkPassBenchmark}: LARGE fits through {@link SparkFitter} from
 * (1, 1, 0), once cold and {@code repeats} times warm, with the default options and with scipy's
 * tolerances, next to {@code scipy.optimize.curve_fit(method='trf', jac=analytic)} on the same data
 * ({@code src/test/python/scipy_fit.py}, as in {@link FitVsScipy}), in the same run.
 */
final class SparkFitRuns {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final double[] START = {1.0, 1.0, 0.0};

    private SparkFitRuns() {}

    /** What the section produced: everything as JSON, and the Markdown table. */
    record Section(ObjectNode json, String markdown) {}

    /** What one fit reports, from the engine's {@link SparkFitResult} or from the control. */
    private record Outcome(
            FitResult fit, String strategy, int partitions, long sparkJobs, int loadJobs, double loadSeconds) {
        static Outcome of(SparkFitResult r) {
            return new Outcome(r.fit(), r.strategy().name(), r.partitions(), r.sparkJobs(), 1, r.loadSeconds());
        }
    }

    static Section run(
            SparkSession spark,
            SparkJobMetrics metrics,
            DataBlock data,
            int partitions,
            int repeats,
            String python,
            String script,
            Path out,
            LocalSource yardstick,
            int quietWait,
            boolean lineageCutVariant)
            throws IOException, InterruptedException {
        ObjectNode json = JSON.createObjectNode();
        json.put("points", data.size());
        json.put("partitions", partitions);
        json.put("strategy", "LARGE");
        json.set("start", array(START));
        FitProblem problem = FitProblem.of(BuiltinModels.exponentialDecay(), START);
        FitOptions scipyLike =
                FitOptions.defaults().withTolerances(1e-8, 1e-8, 1e-8).withPolishPasses(0);
        ObjectNode java = json.putObject("spark_fits");
        BenchData.waitForQuiet(quietWait);
        FitOptions defaults = FitOptions.defaults();
        java.set(
                "default_options",
                fits(spark, metrics, engine(spark, problem, data, partitions, defaults), defaults, repeats, "default"));
        java.set(
                "scipy_tolerances",
                fits(spark, metrics, engine(spark, problem, data, partitions, scipyLike), scipyLike, repeats, "scipy"));
        if (lineageCutVariant) {
            java.set(
                    "lineage_cut_default_options",
                    fits(
                            spark,
                            metrics,
                            lineageCut(spark, problem, data, partitions, defaults),
                            defaults,
                            repeats,
                            "cut"));
        }

        Path dir = out.resolve("fit-data-" + data.size());
        Files.createDirectories(dir);
        Path xFile = dir.resolve("x.f64");
        Path yFile = dir.resolve("y.f64");
        BenchData.writeF64(xFile, data.x());
        BenchData.writeF64(yFile, data.y());
        System.err.println("fitting with scipy ...");
        BenchData.waitForQuiet(quietWait);
        JsonNode scipy = FitVsScipy.runJson(
                List.of(python, script, xFile.toString(), yFile.toString(), "--repeats", String.valueOf(repeats)));
        json.set("scipy", scipy);

        List<String> runs = new ArrayList<>();
        java.fieldNames().forEachRemaining(runs::add);
        for (String run : runs) {
            FitVsScipy.annotate(yardstick, (ObjectNode) java.get(run));
        }
        FitVsScipy.annotate(yardstick, (ObjectNode) scipy);
        ObjectNode cmp = json.putObject("comparison");
        double scipyBest = scipy.get("wall_seconds").asDouble();
        for (String run : runs) {
            JsonNode r = java.get(run);
            cmp.putObject(run)
                    .put(
                            "scipy_best_over_spark_warm_total",
                            scipyBest / r.get("warm_wall_seconds").asDouble())
                    .put(
                            "scipy_best_over_spark_warm_fit_only",
                            scipyBest / r.get("warm_fit_seconds").asDouble())
                    .put(
                            "max_relative_parameter_difference_vs_scipy",
                            FitVsScipy.maxRelDiff(r.get("parameters"), scipy.get("parameters")))
                    .put(
                            "max_relative_uncertainty_difference_vs_scipy",
                            FitVsScipy.maxRelDiff(r.get("uncertainties"), scipy.get("uncertainties")))
                    .put(
                            "cost_minus_scipy_cost",
                            r.get("yardstick_cost").asDouble()
                                    - scipy.get("yardstick_cost").asDouble());
        }
        if (java.has("lineage_cut_default_options")) {
            cmp.put(
                    "lineage_cut_parameters_identical_to_engine",
                    java.get("lineage_cut_default_options")
                            .get("parameters")
                            .equals(java.get("default_options").get("parameters")));
        }
        return new Section(json, markdown(json));
    }

    /** The engine's path: {@code SparkFitter.submit(...).result()} with strategy LARGE. */
    private static Supplier<Outcome> engine(
            SparkSession spark, FitProblem problem, DataBlock data, int partitions, FitOptions options) {
        return () -> Outcome.of(SparkFitter.submit(
                        spark,
                        problem,
                        data,
                        partitions,
                        options,
                        SparkFitter.Options.defaults().withStrategy(Strategy.LARGE))
                .result());
    }

    /**
     * What SparkFitter's LARGE path does (same loading, same source, same optimizer call), except
     * that the cached blocks are read through {@link SparkPassBenchmark#checkpointedView}, which has
     * no lineage at all: the control for what the loader's lineage costs a fit.
     */
    private static Supplier<Outcome> lineageCut(
            SparkSession spark, FitProblem problem, DataBlock data, int partitions, FitOptions options) {
        return () -> {
            long t0 = System.nanoTime();
            JavaSparkContext jsc = SparkPassBenchmark.context(spark);
            SparkInput.Loaded loaded = SparkInput.fromArrays(spark, data, partitions, StorageLevel.MEMORY_ONLY());
            JavaRDD<DataBlock> view = SparkPassBenchmark.checkpointedView(loaded.blocks());
            double load = (System.nanoTime() - t0) / 1e9;
            BlockKernel kernel = new BlockKernel(problem.model(), problem.loss(), problem.fScale());
            try (SparkSource source = new SparkSource(jsc, view, kernel, loaded.partitionPoints(), null, 0, null)) {
                FitResult f = CurveFitter.fit(problem, source, options, FitMonitor.NONE, Strategy.LARGE.name());
                return new Outcome(f, Strategy.LARGE.name(), partitions, source.jobCount(), 2, load);
            } finally {
                view.unpersist(false);
                loaded.close();
            }
        };
    }

    /** One cold and {@code repeats} warm fits; each loads (parallelizes and caches) the data anew. */
    private static ObjectNode fits(
            SparkSession spark,
            SparkJobMetrics metrics,
            Supplier<Outcome> fitOnce,
            FitOptions options,
            int repeats,
            String tag) {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        ObjectNode o = JSON.createObjectNode();
        o.put("ftol_xtol_gtol", options.ftol());
        o.put("polish_passes_max", options.polishPasses());
        ArrayNode each = o.putArray("fits");
        Outcome last = null;
        double bestWall = Double.POSITIVE_INFINITY;
        for (int r = 0; r <= repeats; r++) {
            String row = "fit/" + tag + "/" + r;
            jsc.setLocalProperty(SparkJobMetrics.ROW, row);
            long m0 = BenchData.machineBusyNanos();
            long c0 = BenchData.processCpuNanos();
            long t0 = System.nanoTime();
            Outcome res = fitOnce.get();
            double wall = (System.nanoTime() - t0) / 1e9;
            double cpu = (BenchData.processCpuNanos() - c0) / 1e9;
            double others = Math.max(0, ((BenchData.machineBusyNanos() - m0) / 1e9 - cpu) / wall);
            jsc.setLocalProperty(SparkJobMetrics.ROW, null);
            List<SparkJobMetrics.Job> jobs = metrics.jobs(row, (int) res.sparkJobs() + res.loadJobs());
            long jobMs = 0;
            long deserializeMs = 0;
            for (SparkJobMetrics.Job j : jobs) {
                jobMs += j.jobMs();
                deserializeMs += j.deserializeMsSum();
            }
            FitResult f = res.fit();
            each.addObject()
                    .put("cold", r == 0)
                    .put("wall_seconds", wall)
                    .put("cpu_seconds", cpu)
                    .put("others_cores", others)
                    .put("load_seconds", res.loadSeconds())
                    .put("fit_seconds", f.fitSeconds())
                    .put("spark_jobs", res.sparkJobs())
                    .put("spark_jobs_seen_incl_load", jobs.size())
                    .put("spark_job_ms_sum", jobMs)
                    .put("task_deserialize_ms_sum", deserializeMs);
            if (r > 0 && wall < bestWall) {
                bestWall = wall;
                o.put("warm_wall_seconds", wall);
                o.put("warm_cpu_seconds", cpu);
                o.put("warm_load_seconds", res.loadSeconds());
                o.put("warm_fit_seconds", f.fitSeconds());
            }
            if (last != null && !Arrays.equals(last.fit().parameters(), f.parameters())) {
                throw new IllegalStateException("repeated Spark fits differ: not deterministic");
            }
            last = res;
        }
        JsonNode first = each.get(0);
        o.put("cold_wall_seconds", first.get("wall_seconds").asDouble());
        if (repeats == 0) {
            o.put("warm_wall_seconds", first.get("wall_seconds").asDouble());
            o.put("warm_cpu_seconds", first.get("cpu_seconds").asDouble());
            o.put("warm_load_seconds", first.get("load_seconds").asDouble());
            o.put("warm_fit_seconds", first.get("fit_seconds").asDouble());
        }
        FitResult f = last.fit();
        o.put("strategy", last.strategy());
        o.put("partitions", last.partitions());
        o.set("parameters", array(f.parameters()));
        o.set("uncertainties", array(f.uncertainties()));
        o.put("cost", f.cost());
        o.put("iterations", f.iterations());
        o.put("evaluations", f.evaluations());
        o.put("data_passes", f.dataPasses());
        o.put("spark_jobs", last.sparkJobs());
        o.put("polish_passes_accepted", f.polishPassesAccepted());
        o.put("termination", f.termination().name());
        o.put("success", f.success());
        return o;
    }

    private static String markdown(ObjectNode json) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(
                Locale.ROOT,
                "Whole fit, %,d points, from (1, 1, 0): Spark LARGE (local, %d partitions) vs scipy curve_fit trf\n\n",
                json.get("points").asLong(),
                json.get("partitions").asInt()));
        b.append("| | cold / first (s) | warm / best (s) | of which load (s) | fit only (s) | CPU (s, warm)"
                + " | data passes | iterations | Spark jobs | others' cores (max) |\n");
        b.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        JsonNode scipy = json.get("scipy");
        b.append(String.format(
                Locale.ROOT,
                "| scipy curve_fit trf | %.2f | %.2f | | | %.2f | nfev %d | | | %.2f |%n",
                scipy.get("first_wall_seconds").asDouble(),
                scipy.get("wall_seconds").asDouble(),
                scipy.get("cpu_seconds").asDouble(),
                scipy.get("nfev").asInt(),
                max(scipy.get("others_cores_each"))));
        List<String> runs = new ArrayList<>();
        json.get("spark_fits").fieldNames().forEachRemaining(runs::add);
        for (String run : runs) {
            JsonNode r = json.get("spark_fits").get(run);
            double others = 0;
            for (JsonNode f : r.get("fits")) {
                others = Math.max(others, f.get("others_cores").asDouble());
            }
            b.append(String.format(
                    Locale.ROOT,
                    "| %s | %.2f | %.2f | %.2f | %.2f | %.2f | %d | %d | %d | %.2f |%n",
                    label(run),
                    r.get("cold_wall_seconds").asDouble(),
                    r.get("warm_wall_seconds").asDouble(),
                    r.get("warm_load_seconds").asDouble(),
                    r.get("warm_fit_seconds").asDouble(),
                    r.get("warm_cpu_seconds").asDouble(),
                    r.get("data_passes").asLong(),
                    r.get("iterations").asInt(),
                    r.get("spark_jobs").asLong(),
                    others));
        }
        b.append("\n");
        for (String run : runs) {
            JsonNode c = json.get("comparison").get(run);
            b.append(String.format(
                    Locale.ROOT,
                    "- %s: scipy best / Spark warm = %.2fx (whole call), %.2fx (fit only, without the load);"
                            + " max relative parameter difference %.1e, uncertainty %.1e, cost − scipy's %.3g%n",
                    label(run),
                    c.get("scipy_best_over_spark_warm_total").asDouble(),
                    c.get("scipy_best_over_spark_warm_fit_only").asDouble(),
                    c.get("max_relative_parameter_difference_vs_scipy").asDouble(),
                    c.get("max_relative_uncertainty_difference_vs_scipy").asDouble(),
                    c.get("cost_minus_scipy_cost").asDouble()));
        }
        JsonNode same = json.get("comparison").get("lineage_cut_parameters_identical_to_engine");
        if (same != null) {
            b.append("- control parameters bit-identical to SparkFitter's: ")
                    .append(same.asBoolean())
                    .append('\n');
        }
        return b.toString();
    }

    private static String label(String run) {
        return switch (run) {
            case "default_options" -> "SparkFitter LARGE, default options";
            case "scipy_tolerances" -> "SparkFitter LARGE, scipy tolerances";
            case "lineage_cut_default_options" ->
                "control: same optimizer and SparkSource, blocks without lineage (localCheckpoint), default options";
            default -> run;
        };
    }

    /** A JSON array (not a POJO node), so {@link FitVsScipy#maxRelDiff} can index it. */
    private static ArrayNode array(double[] values) {
        ArrayNode a = JSON.createArrayNode();
        for (double v : values) {
            a.add(v);
        }
        return a;
    }

    private static double max(JsonNode values) {
        double m = 0;
        for (JsonNode v : values) {
            m = Math.max(m, v.asDouble());
        }
        return m;
    }
}
