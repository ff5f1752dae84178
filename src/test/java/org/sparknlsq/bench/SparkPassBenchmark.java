package org.sparknlsq.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.sparknlsq.kernel.Accumulator;
import org.sparknlsq.kernel.BlockKernel;
import org.sparknlsq.kernel.DataBlock;
import org.sparknlsq.kernel.LocalSource;
import org.sparknlsq.model.builtin.BuiltinModels;
import org.sparknlsq.problem.Loss;
import org.sparknlsq.spark.SparkInput;
import org.sparknlsq.spark.SparkSource;

/**
 * The distributed NORMAL pass ({@link SparkSource} over blocks cached by {@link
 * SparkInput#fromArrays}, one Spark job per pass) on a local Spark master, next to the machine's
 * limit in the same run: {@link FusedLimit}, the same arithmetic as a handwritten loop on all
 * cores, and the local engine ({@link LocalSource} on the common pool). Then the fixed overhead of
 * a pass on tiny data, and the whole LARGE fit against scipy ({@link SparkFitRuns}). One JVM, one
 * SparkSession; the data of each size are generated once ({@link BenchData}, built-in model).
 *
 * <p>Every row records its process CPU time over wall time (cores used), the CPU time the rest of
 * the machine used meanwhile (others' cores), and for Spark rows where the time of each job went
 * ({@link SparkJobMetrics}) and the serialized size of one task's partition object. For the first
 * partition count a control source ({@code --no-variant} turns it off) reads the same cached block
 * objects through a view that has no lineage at all ({@code localCheckpoint()}), measured
 * alternately with the engine's source, pass by pass: whatever the engine's row costs more is what
 * the lineage of {@link SparkInput#fromArrays} costs per pass (before the loader shuffled its
 * slices, that was the whole data set in every pass).
 *
 * <p>Usage (run with Spark's {@code --add-opens} flags, {@code -Xmx12g} for 100M points):
 *
 * <pre>
 *   SparkPassBenchmark [--sizes 10000000,100000000] [--partitions 4,2,8,16] [--passes 15] [--warmup 5]
 *                      [--large-passes 15] [--large-warmup 3] [--tiny-passes 60] [--master local[2]]
 *                      [--fit-size 10000000 | --no-fit] [--fit-repeats 2] [--no-variant]
 *                      [--python /usr/bin/python3] [--script src/test/python/scipy_fit.py]
 * </pre>
 *
 * Sizes of {@value #LARGE_SIZE} points or more use the {@code --large-*} pass counts. It waits up to
 * {@code -Dbench.quietWait} s (default 60) for a quiet machine at the start and {@code
 * -Dbench.forkQuietWait} s (default 15) before every row, prints one JSON object on stdout and
 * writes it with a Markdown table to {@code -Dbench.out} (default {@code target-sbench}).
 */
public final class SparkPassBenchmark {
    static final int LARGE_SIZE = 50_000_000;
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Parameters of every timed pass (near the truth, as in {@link KernelBenchmark}). */
    private static final double[] P = {2.9, 1.25, 0.52};

    private SparkPassBenchmark() {}

    /** The command line. */
    private record Settings(
            List<Integer> sizes,
            List<Integer> partitions,
            int passes,
            int warmup,
            int largePasses,
            int largeWarmup,
            int tinyPasses,
            String master,
            int fitSize,
            int fitRepeats,
            boolean variant,
            String python,
            String script) {

        static Settings parse(String[] args) {
            int cores = Runtime.getRuntime().availableProcessors();
            List<Integer> sizes = List.of(10_000_000, 100_000_000);
            List<Integer> parts =
                    List.of(2 * cores, cores, 8, 16).stream().distinct().toList();
            int passes = 15, warmup = 5, largePasses = 15, largeWarmup = 3, tinyPasses = 60;
            String master = "local[2]";
            int fitSize = 10_000_000, fitRepeats = 2;
            boolean variant = true;
            String python = "/usr/bin/python3", script = "src/test/python/scipy_fit.py";
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--sizes" -> sizes = ints(args[++i]);
                    case "--partitions" -> parts = ints(args[++i]);
                    case "--passes" -> passes = Integer.parseInt(args[++i]);
                    case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                    case "--large-passes" -> largePasses = Integer.parseInt(args[++i]);
                    case "--large-warmup" -> largeWarmup = Integer.parseInt(args[++i]);
                    case "--tiny-passes" -> tinyPasses = Integer.parseInt(args[++i]);
                    case "--master" -> master = args[++i];
                    case "--fit-size" -> fitSize = Integer.parseInt(args[++i]);
                    case "--no-fit" -> fitSize = 0;
                    case "--fit-repeats" -> fitRepeats = Integer.parseInt(args[++i]);
                    case "--no-variant" -> variant = false;
                    case "--python" -> python = args[++i];
                    case "--script" -> script = args[++i];
                    default -> throw new IllegalArgumentException("unknown argument " + args[i]);
                }
            }
            return new Settings(
                    sizes,
                    parts,
                    passes,
                    warmup,
                    largePasses,
                    largeWarmup,
                    tinyPasses,
                    master,
                    fitSize,
                    fitRepeats,
                    variant,
                    python,
                    script);
        }

        private static List<Integer> ints(String csv) {
            return Arrays.stream(csv.split(","))
                    .map(String::trim)
                    .map(Integer::valueOf)
                    .toList();
        }
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        Settings s = Settings.parse(args);
        Path out = Path.of(System.getProperty("bench.out", "target-sbench"));
        Files.createDirectories(out);
        int quiet = Integer.getInteger("bench.forkQuietWait", 15);
        BenchData.waitForQuiet(Integer.getInteger("bench.quietWait", 60));

        ObjectNode report = JSON.createObjectNode();
        report.put("benchmark", "SparkPassBenchmark");
        report.put("date", Instant.now().toString());
        report.put("master", s.master());
        report.put("cores", Runtime.getRuntime().availableProcessors());
        report.put("max_heap_bytes", Runtime.getRuntime().maxMemory());
        report.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        report.put("model", "builtin exponentialDecay a*exp(-b*x)+c, NORMAL pass at p = " + Arrays.toString(P));
        report.put("load_average_at_start", BenchData.loadAverage());
        ArrayNode rowsJson = report.putArray("rows");
        List<PassRows.Row> rows = new ArrayList<>();
        StringBuilder md = new StringBuilder();

        SparkSession spark = SparkSession.builder()
                .appName("spark-nlsq-bench")
                .master(s.master())
                .config("spark.ui.enabled", "false")
                .config("spark.ui.showConsoleProgress", "false")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .getOrCreate();
        try {
            report.put("spark", spark.version());
            SparkJobMetrics metrics = SparkJobMetrics.register(spark);
            PassRows passRows = new PassRows(spark, metrics, kernel(), P, quiet);

            // the fixed overhead of a pass, on tiny data
            DataBlock tiny = BenchData.generate(1_000);
            LocalSource tinyLocal = new LocalSource(kernel(), tiny);
            List<PassRows.Row> tinyRows = new ArrayList<>();
            tinyRows.addAll(passRows.spark("tiny", tiny, 2, false, 50, s.tinyPasses()));
            tinyRows.add(passRows.local("tiny", tiny, tinyLocal, 50, s.tinyPasses()));
            rows.addAll(tinyRows);
            md.append(PassRows.tinyTable(tinyRows)).append('\n');

            for (int n : s.sizes()) {
                boolean large = n >= LARGE_SIZE;
                int warm = large ? s.largeWarmup() : s.warmup();
                int passes = large ? s.largePasses() : s.passes();
                String section = String.format(java.util.Locale.ROOT, "%,d", n);
                System.err.println("generating " + section + " points ...");
                DataBlock data = BenchData.generate(n);
                LocalSource local = new LocalSource(kernel(), data);
                List<PassRows.Row> sizeRows = new ArrayList<>();
                PassRows.Row limit = passRows.limit(section, data, warm, passes);
                sizeRows.add(limit);
                sizeRows.add(passRows.local(section, data, local, warm, passes));
                for (int parts : s.partitions()) {
                    boolean control = s.variant() && parts == s.partitions().get(0);
                    sizeRows.addAll(passRows.spark(section, data, parts, control, warm, passes));
                }
                rows.addAll(sizeRows);
                md.append(PassRows.passTable(section, sizeRows, limit)).append('\n');
                if (n == s.fitSize()) {
                    SparkFitRuns.Section fit = SparkFitRuns.run(
                            spark,
                            metrics,
                            data,
                            s.partitions().get(0),
                            s.fitRepeats(),
                            s.python(),
                            s.script(),
                            out,
                            local,
                            quiet,
                            s.variant());
                    report.set("fit", fit.json());
                    md.append(fit.markdown()).append('\n');
                }
                // drop this size's arrays before generating the next
                data = null;
                local = null;
                System.gc();
            }
        } finally {
            spark.stop();
        }
        for (PassRows.Row r : rows) {
            rowsJson.add(r.json(JSON));
        }
        report.put("load_average_at_end", BenchData.loadAverage());
        report.put("peak_rss_bytes", BenchData.peakRssBytes());
        md.insert(
                0,
                "Spark pass benchmark, master " + s.master() + ", "
                        + Runtime.getRuntime().availableProcessors()
                        + " cores, load average at start "
                        + report.get("load_average_at_start").asText()
                        + ", at end " + report.get("load_average_at_end").asText() + "\n\n");
        String text = JSON.writerWithDefaultPrettyPrinter().writeValueAsString(report);
        Path json = out.resolve("spark-pass.json");
        Path table = out.resolve("spark-pass.md");
        Files.writeString(json, text + "\n");
        Files.writeString(table, md.toString());
        System.out.println(text);
        System.err.println();
        System.err.println(md);
        System.err.println("written: " + json + ", " + table);
    }

    /** The kernel of every engine row: the built-in model, linear loss. */
    private static BlockKernel kernel() {
        return new BlockKernel(BuiltinModels.exponentialDecay(), Loss.LINEAR, 1.0);
    }

    /**
     * A view of {@code blocks} whose lineage is cut by {@code localCheckpoint()}: the same cached
     * block objects, and partitions that carry nothing but an index. {@code localCheckpoint()} must
     * come before the view's first job: Spark checkpoints an RDD at the end of its first job, never later.
     */
    static JavaRDD<DataBlock> checkpointedView(JavaRDD<DataBlock> blocks) {
        JavaRDD<DataBlock> view = blocks.mapPartitions(it -> it, true);
        view.persist(StorageLevel.MEMORY_ONLY());
        view.rdd().localCheckpoint();
        view.count();
        return view;
    }

    /** Bytes of {@code o} under Java serialization (how Spark's default serializer ships a task). */
    static long javaSerializedBytes(Object o) throws IOException {
        long[] count = {0};
        OutputStream counter = new OutputStream() {
            @Override
            public void write(int b) {
                count[0]++;
            }

            @Override
            public void write(byte[] b, int off, int len) {
                count[0] += len;
            }
        };
        try (ObjectOutputStream out = new ObjectOutputStream(counter)) {
            out.writeObject(o);
        }
        return count[0];
    }

    /** The largest relative difference of the packed sums and the cost of {@code a} from {@code limit}. */
    static double maxRelDiff(Accumulator a, double[] limit) {
        double m = 0;
        double[] packed = a.packed();
        for (int i = 0; i < packed.length; i++) {
            m = Math.max(m, Math.abs(packed[i] - limit[i]) / Math.abs(limit[i]));
        }
        return Math.max(m, Math.abs(a.cost() - limit[10]) / Math.abs(limit[10]));
    }

    /** The Java view of the session's context. */
    static JavaSparkContext context(SparkSession spark) {
        return JavaSparkContext.fromSparkContext(spark.sparkContext());
    }
}
