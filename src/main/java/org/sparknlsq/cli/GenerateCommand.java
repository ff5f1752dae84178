package org.sparknlsq.cli;

import java.util.Iterator;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.sparknlsq.fit.FitRequest;
import org.sparknlsq.fit.InvalidSettingsException;
import org.sparknlsq.io.DirectoryOutput;
import org.sparknlsq.model.CurveModel;
import org.sparknlsq.problem.FitProblem;
import org.sparknlsq.spark.SparkSessions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code spark-nlsq generate}: writes a synthetic data set as Parquet, for demos and benchmarks.
 *
 * <p>Point i (0-based) has {@code x = lo + (hi − lo)·i/n}, {@code y = f(x; p) + noise·z_i} and
 * {@code sigma = noise} (the column is left out when the noise is 0). {@code z_i} is a standard
 * normal from Box–Muller on two uniforms of a {@link SplittableRandom} seeded with {@code seed}
 * and i, so every point depends on the seed and its index only: the same command writes the same
 * numbers whatever the partition count or the cluster. Rows are written in index order, one file
 * per partition, each a contiguous range of x.
 */
@Command(
        name = "generate",
        mixinStandardHelpOptions = true,
        versionProvider = VersionText.class,
        sortOptions = false,
        description = "Write a synthetic data set (x, y, sigma) as Parquet, deterministically from a seed.")
final class GenerateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(
            names = "--model",
            required = true,
            paramLabel = "EXPR|builtin:NAME",
            description = "Model in x, e.g. 'a*exp(-b*x)+c'.")
    String model;

    @Option(names = "--params", required = true, paramLabel = "NAME=VALUE,...", description = "True parameter values.")
    String params;

    @Option(
            names = "--x-range",
            required = true,
            paramLabel = "LO:HI",
            description = "Range of x; x = LO + (HI-LO)*i/n.")
    String xRange;

    @Option(names = "--n", required = true, paramLabel = "N", description = "Number of points.")
    long n;

    @Option(
            names = "--noise",
            defaultValue = "0",
            paramLabel = "S",
            description = "Standard deviation of the Gaussian noise (default 0), also written as column sigma.")
    double noise;

    @Option(
            names = "--partitions",
            defaultValue = "0",
            paramLabel = "P",
            description = "Files to write (default: Spark's parallelism).")
    int partitions;

    @Option(names = "--seed", defaultValue = "42", paramLabel = "K", description = "Random seed (default 42).")
    long seed;

    @Option(
            names = "--out",
            required = true,
            paramLabel = "URI",
            description = "Output directory (Parquet); must not exist. Written beside it and renamed into place.")
    String out;

    @Option(
            names = "--overwrite",
            description = "Replace --out if it exists and is a data set of part files (never a file, another"
                    + " directory or one holding the working directory).")
    boolean overwrite;

    @Option(
            names = "--master",
            paramLabel = "URL",
            description = "Spark master (default: spark-submit's, else local[*]).")
    String master;

    @Override
    public Integer call() {
        ParameterArgs.Starts starts = ParameterArgs.parseParams(params);
        FitRequest.Builder b = FitRequest.builder().model(model).xColumns("x").yColumn("y");
        for (int i = 0; i < starts.names().size(); i++) {
            b.initialValue(starts.names().get(i), starts.values()[i]);
        }
        FitProblem choice;
        try {
            choice = b.build().problem();
        } catch (InvalidSettingsException e) {
            throw CliException.config(FitCommand.optionNames(e));
        }
        String[] range = xRange.split(":", -1);
        double lo;
        double hi;
        try {
            if (range.length != 2) {
                throw new NumberFormatException();
            }
            lo = Double.parseDouble(range[0].strip());
            hi = Double.parseDouble(range[1].strip());
        } catch (NumberFormatException e) {
            throw CliException.config("--x-range: expected LO:HI, e.g. 0:10, got '" + xRange + "'");
        }
        if (!(Double.isFinite(lo) && Double.isFinite(hi) && lo < hi)) {
            throw CliException.config("--x-range: expected finite LO < HI, got '" + xRange + "'");
        }
        if (n < 1) {
            throw CliException.config("--n: expected at least 1 point, got " + n);
        }
        if (!(noise >= 0) || !Double.isFinite(noise)) {
            throw CliException.config("--noise: expected a finite value >= 0, got " + noise);
        }
        if (partitions < 0) {
            throw CliException.config("--partitions: expected 0 (Spark's parallelism) or more, got " + partitions);
        }
        if (partitions > n) {
            throw CliException.config(
                    "--partitions: " + partitions + " files for " + n + " point(s); at most one file per point");
        }
        try (SparkSessions.Owned session = SparkStart.open(master)) {
            SparkSession spark = session.session();
            org.apache.hadoop.fs.Path target = new org.apache.hadoop.fs.Path(out);
            FileSystem fs = fileSystem(spark, target);
            boolean replace = exists(fs, target);
            if (replace && !overwrite) {
                throw CliException.config(
                        "--out: " + out + " exists; choose a new name or add --overwrite to replace it");
            }
            if (replace) {
                refuseToReplace(fs, target);
            }
            int parts = (int)
                    Math.min(partitions > 0 ? partitions : spark.sparkContext().defaultParallelism(), n);
            StructType schema = new StructType().add("x", DataTypes.DoubleType).add("y", DataTypes.DoubleType);
            if (noise > 0) {
                schema = schema.add("sigma", DataTypes.DoubleType);
            }
            JavaRDD<Row> rows = spark.range(0, n, 1, parts)
                    .javaRDD()
                    .mapPartitions(points(choice.model(), choice.start(), lo, hi, n, noise, seed));
            // written beside the target and renamed into place: a killed run leaves only a hidden
            // temporary sibling, never a half-written --out
            StructType columns = schema;
            try {
                DirectoryOutput.write(fs, target, replace, tmp -> spark.createDataFrame(rows, columns)
                        .write()
                        .mode(SaveMode.ErrorIfExists)
                        .parquet(tmp));
            } catch (java.io.IOException e) {
                throw CliException.config("--out: cannot write " + out + ": " + e.getMessage());
            }
            spec.commandLine()
                    .getOut()
                    .printf(Locale.ROOT, "wrote %,d points in %d file(s) to %s%n", n, parts, out)
                    .flush();
        }
        return ExitCode.SUCCESS.code();
    }

    private static FileSystem fileSystem(SparkSession spark, org.apache.hadoop.fs.Path p) {
        try {
            return p.getFileSystem(spark.sparkContext().hadoopConfiguration());
        } catch (java.io.IOException | RuntimeException e) {
            throw CliException.config("--out: cannot use " + p + ": " + e.getMessage());
        }
    }

    private static boolean exists(FileSystem fs, org.apache.hadoop.fs.Path p) {
        try {
            return fs.exists(p);
        } catch (java.io.IOException e) {
            throw CliException.config("--out: cannot check " + p + ": " + e.getMessage());
        }
    }

    /**
     * {@code --overwrite} replaces only what {@code generate} (or any Parquet writer) makes: a
     * directory of part files and their bookkeeping ({@code part-*}, {@code _SUCCESS}, hidden and
     * {@code _}-prefixed entries), and never one that holds the working directory. Anything else
     * (a file, a directory with other contents) is refused, so a mistyped {@code --out} cannot
     * delete someone's work.
     */
    private static void refuseToReplace(FileSystem fs, org.apache.hadoop.fs.Path target) {
        try {
            if (!fs.getFileStatus(target).isDirectory()) {
                throw CliException.config("--out: " + target + " is a file, not a data set written by generate;"
                        + " --overwrite replaces only such a directory");
            }
            if (fs.getUri().getScheme() != null && fs.getUri().getScheme().equals("file")) {
                java.nio.file.Path real =
                        java.nio.file.Path.of(target.toUri().getPath()).toRealPath();
                if (java.nio.file.Path.of("").toAbsolutePath().toRealPath().startsWith(real)) {
                    throw CliException.config(
                            "--out: " + target + " holds the working directory; --overwrite" + " never replaces it");
                }
            }
            for (FileStatus f : fs.listStatus(target)) {
                String name = f.getPath().getName();
                boolean ours = (name.startsWith("part-") && f.isFile()) || name.startsWith("_") || name.startsWith(".");
                if (!ours) {
                    throw CliException.config("--out: " + target + " holds " + name + ", which generate does not"
                            + " write; --overwrite replaces only a data set of part files");
                }
            }
        } catch (java.io.IOException e) {
            throw CliException.config("--out: cannot check " + target + ": " + e.getMessage());
        }
    }

    private static FlatMapFunction<Iterator<Long>, Row> points(
            CurveModel model, double[] p, double lo, double hi, long n, double noise, long seed) {
        return indexes -> new Iterator<>() {
            private final double[] x = new double[1];

            @Override
            public boolean hasNext() {
                return indexes.hasNext();
            }

            @Override
            public Row next() {
                long i = indexes.next();
                x[0] = lo + (hi - lo) * ((double) i / n);
                double y = model.value(p, x, 0, null, 0);
                if (noise == 0) {
                    return RowFactory.create(x[0], y);
                }
                return RowFactory.create(x[0], y + noise * gaussian(seed, i), noise);
            }
        };
    }

    /** Standard normal for point i: Box–Muller on two uniforms of a per-point generator. */
    static double gaussian(long seed, long i) {
        SplittableRandom r = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + i);
        double u1 = 1.0 - r.nextDouble(); // in (0, 1], so the log is finite
        double u2 = r.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }
}
