package org.sparknlsq.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.api.java.function.PairFlatMapFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.unsafe.types.UTF8String;
import org.sparknlsq.io.BadRecordPolicy;
import org.sparknlsq.io.DataException;
import org.sparknlsq.io.DataException.Reason;
import org.sparknlsq.io.DataFormat;
import org.sparknlsq.kernel.DataBlock;
import scala.Tuple2;

/**
 * Turns input into cached columnar blocks, one {@link DataBlock} per partition, before any
 * fitting: the hot loop never sees a {@code Row}.
 *
 * <h2>Row order</h2>
 *
 * Points keep their order in the input: files in path order, then rows in file order (Spark packs
 * file splits into partitions by size, not by position, so the reader records each row's file and
 * split offset and the blocks are put back in order). The data are then cut into the requested
 * number of partitions of equal size (±1 point) along that order, so a file sorted by x gives each
 * partition a contiguous range of x. This costs one shuffle when the data are loaded, none per
 * iteration. Without a requested count, the input's partition count is kept.
 *
 * <h2>Bad records</h2>
 *
 * Like Spark's own modes: {@link BadRecordPolicy#FAILFAST} (the default) stops at the first bad
 * record with a message naming the file, the partition and the row within it; {@link
 * BadRecordPolicy#DROP} (Spark's DROPMALFORMED) drops it and counts it. A record is bad when it
 * is malformed (CSV: wrong field count or text that is not a number), when x, y or sigma is
 * missing or not finite, or when sigma is not positive.
 */
public final class SparkInput {
    private static final String FILE_COL = "__spark_nlsq_file";
    private static final String BLOCK_COL = "__spark_nlsq_block";
    private static final String CORRUPT_COL = "__spark_nlsq_corrupt";

    private SparkInput() {}

    /** What to read: a path or URI, its format, the columns, the policy and the partition count. */
    public record Spec(
            String path,
            DataFormat format,
            List<String> x,
            String y,
            String sigma,
            BadRecordPolicy policy,
            int partitions)
            implements Serializable {
        public Spec {
            x = List.copyOf(x);
            if (partitions < 0) {
                throw new IllegalArgumentException("partitions must be >= 0 (0: as read), got " + partitions);
            }
        }
    }

    /**
     * The loaded data: one block per partition. {@link #close()} runs {@code release}, which
     * unpersists the cached RDD and destroys what the blocks' lineage needs (a broadcast Hadoop
     * configuration, say): both stay alive while the data are in use, so Spark can recompute a
     * partition lost with an executor.
     */
    public record Loaded(
            JavaRDD<DataBlock> blocks,
            long[] partitionPoints,
            long points,
            long dropped,
            String source,
            StorageLevel level,
            Runnable release)
            implements AutoCloseable {
        public int partitions() {
            return partitionPoints.length;
        }

        /** Releases the cached blocks. */
        @Override
        public void close() {
            release.run();
        }
    }

    /** Chooses the storage level once the number of points is known. */
    @FunctionalInterface
    public interface LevelChoice extends Serializable {
        StorageLevel levelFor(long points);
    }

    /** Reads a file, directory or URI through Spark SQL (CSV, Parquet, ORC, JSON). */
    public static Loaded read(SparkSession spark, Spec spec, LevelChoice level) {
        if (spec.format() == DataFormat.HDF5) {
            return Hdf5Partitions.read(spark, spec, level);
        }
        Dataset<Row> df;
        try {
            df = switch (spec.format()) {
                case CSV -> csv(spark, spec.path(), wanted(spec));
                case PARQUET ->
                    DriverSchemas.parquet(spark, spec.path(), wanted(spec))
                            .map(schema -> spark.read().schema(schema).parquet(spec.path()))
                            .orElseGet(() -> spark.read().parquet(spec.path()));
                case ORC -> spark.read().orc(spec.path());
                case JSON -> spark.read().json(spec.path());
                case HDF5 -> throw new IllegalStateException("unreachable");
            };
        } catch (Exception e) {
            throw new DataException(spec.path(), 0, "cannot read as " + spec.format() + ": " + firstLine(e), e);
        }
        return fromDataset(df, spec, level);
    }

    /**
     * Uses an existing {@code Dataset<Row>} (for notebook users). Columns must be numeric; CSV
     * text columns are parsed by {@link #read}.
     */
    public static Loaded fromDataset(Dataset<Row> df, Spec spec, LevelChoice level) {
        return fromDataset(df, spec, level, SEGMENT_POINTS);
    }

    /** With the segment size as a parameter, so tests can make many segments from small data. */
    static Loaded fromDataset(Dataset<Row> df, Spec spec, LevelChoice level, int segmentPoints) {
        StructType schema = df.schema();
        List<String> wanted = new ArrayList<>(spec.x());
        wanted.add(spec.y());
        if (spec.sigma() != null) {
            wanted.add(spec.sigma());
        }
        List<String> problems = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        List<Column> cols = new ArrayList<>();
        for (String c : wanted) {
            StructField f = field(schema, c);
            if (f == null) {
                missing.add("'" + c + "'");
            } else if (!(f.dataType() instanceof NumericType)) {
                problems.add("column '" + c + "' has type " + f.dataType().simpleString() + ", expected a number");
            } else {
                cols.add(functions.col(quote(f.name())).cast(DataTypes.DoubleType));
            }
        }
        if (!missing.isEmpty()) {
            String what = missing.size() == 1
                    ? "column " + missing.get(0) + " is"
                    : "columns " + String.join(", ", missing) + " are";
            List<String> present = Arrays.stream(schema.fieldNames())
                    .filter(n -> !n.startsWith("__spark_nlsq"))
                    .toList();
            problems.add(0, what + " missing (columns: " + String.join(", ", present) + ")");
        }
        if (!problems.isEmpty()) {
            throw new DataException(
                    missing.isEmpty() ? Reason.MALFORMED : Reason.MISSING_COLUMN,
                    spec.path(),
                    0,
                    null,
                    String.join("; ", problems));
        }
        boolean corrupt = field(schema, CORRUPT_COL) != null;
        cols.add(functions.input_file_name().as(FILE_COL));
        cols.add(functions.input_file_block_start().as(BLOCK_COL));
        if (corrupt) {
            cols.add(functions.col(CORRUPT_COL));
        }
        Dataset<Row> selected = df.select(cols.toArray(new Column[0]));
        RowLayout layout = new RowLayout(
                spec.x().size(),
                spec.sigma() != null,
                corrupt,
                wanted.toArray(new String[0]),
                spec.policy(),
                spec.path(),
                segmentPoints);
        // Spark's internal rows, not Row objects: no conversion per row, and no deserializer for the
        // executors to generate and compile before their first row (a cold executor's largest cost).
        JavaRDD<Segment> segments =
                selected.queryExecution().toRdd().toJavaRDD().mapPartitionsWithIndex(toSegments(layout), true);
        return order(JavaSparkContext.fromSparkContext(df.sparkSession().sparkContext()), segments, spec, level);
    }

    /**
     * Splits in-memory arrays into {@code partitions} blocks in order (for notebooks and tests).
     *
     * <p>The slices go through one shuffle before they are cached. A parallelized collection
     * keeps its data inside its partition objects, and every task of every later pass over a
     * child RDD serializes its partition object: without the shuffle each pass would ship the
     * whole data set to the executors again (measured: 40 MB per task and 3.6x slower passes at
     * 10M points). Behind the shuffle a partition is a small index, and a lost cached block is
     * recomputed from the shuffle output.
     */
    public static Loaded fromArrays(SparkSession spark, DataBlock data, int partitions, StorageLevel level) {
        int parts = Math.max(1, partitions);
        long[] bounds = boundaries(data.size(), parts);
        List<Tuple2<Integer, DataBlock>> slices = new ArrayList<>(parts);
        for (int j = 0; j < parts; j++) {
            slices.add(
                    new Tuple2<>(j, data.slice((int) bounds[j], (int) bounds[j + 1], data.firstIndex() + bounds[j])));
        }
        JavaRDD<DataBlock> rdd = JavaSparkContext.fromSparkContext(spark.sparkContext())
                .parallelizePairs(slices, parts)
                .partitionBy(new HashPartitioner(parts))
                .values();
        rdd.persist(level);
        rdd.count();
        return new Loaded(rdd, sizes(bounds), data.size(), 0, "in-memory arrays", level, () -> rdd.unpersist(false));
    }

    /**
     * A file, directory or URI as a DataFrame, as a fit reads it: CSV with a header row, {@code #}
     * comment lines and the {@code numeric} columns typed as double; Parquet, ORC and JSON lines
     * as Spark reads them. A CSV record that is malformed (text that is no number in a numeric
     * column, a wrong field count) is a {@link DataException} naming it, found by one Spark job
     * that scans the file before the frame is returned: nothing is nulled silently.
     */
    public static Dataset<Row> frame(SparkSession spark, String path, DataFormat format, List<String> numeric) {
        return switch (format) {
            case CSV -> {
                Dataset<Row> df = csv(spark, path, numeric);
                List<Column> cols = new ArrayList<>();
                List<String> present = List.of(df.columns());
                for (String c : numeric) {
                    if (present.contains(c)) { // a missing one is the caller's to name
                        cols.add(functions.col(quote(c)));
                    }
                }
                if (cols.isEmpty()) {
                    yield df.drop(CORRUPT_COL); // Spark will not scan for the corrupt column alone
                }
                cols.add(functions.col(CORRUPT_COL));
                List<Row> bad = df.select(cols.toArray(Column[]::new))
                        .filter(functions.col(CORRUPT_COL).isNotNull())
                        .limit(1)
                        .collectAsList();
                if (!bad.isEmpty()) {
                    throw new DataException(
                            Reason.MALFORMED,
                            path,
                            0,
                            null,
                            "record \"" + shown(bad.get(0).getString(cols.size() - 1)) + "\" is malformed (a value"
                                    + " that is no number in " + String.join(", ", numeric)
                                    + ", or a wrong field count)");
                }
                yield df.drop(CORRUPT_COL);
            }
            case PARQUET -> spark.read().parquet(path);
            case ORC -> spark.read().orc(path);
            case JSON -> spark.read().json(path);
            case HDF5 -> throw new IllegalArgumentException("HDF5 is read for fits only; convert it to Parquet");
        };
    }

    private static List<String> wanted(Spec spec) {
        List<String> wanted = new ArrayList<>(spec.x());
        wanted.add(spec.y());
        if (spec.sigma() != null) {
            wanted.add(spec.sigma());
        }
        return wanted;
    }

    private static Dataset<Row> csv(SparkSession spark, String path, List<String> wanted) {
        String p = path.toLowerCase(Locale.ROOT);
        String sep = p.endsWith(".tsv") || p.endsWith(".tab") || p.endsWith(".tsv.gz") ? "\t" : ",";
        // Lines starting with # are comments, as for the local reader. The header first (one
        // line), then the file with the wanted columns typed as double and a
        // corrupt-record column, so a malformed line is reported, not silently nulled.
        StructType header = DriverSchemas.csvHeader(spark, path, sep).orElseGet(() -> spark.read()
                .option("header", "true")
                .option("sep", sep)
                .option("comment", "#")
                .csv(path)
                .schema());
        StructType schema = new StructType();
        for (StructField f : header.fields()) {
            schema = schema.add(f.name(), wanted.contains(f.name()) ? DataTypes.DoubleType : DataTypes.StringType);
        }
        schema = schema.add(CORRUPT_COL, DataTypes.StringType);
        return spark.read()
                .option("header", "true")
                .option("sep", sep)
                .option("comment", "#")
                .option("mode", "PERMISSIVE")
                .option("columnNameOfCorruptRecord", CORRUPT_COL)
                .option("enforceSchema", "false")
                .schema(schema)
                .csv(path);
    }

    private static StructField field(StructType schema, String name) {
        for (StructField f : schema.fields()) {
            if (f.name().equals(name)) {
                return f;
            }
        }
        return null;
    }

    /** A record for a message: its first 60 characters (the command escapes what is not printable). */
    private static String shown(String record) {
        String r = record.strip();
        return r.length() <= 60 ? r : r.substring(0, 60) + "...";
    }

    private static String quote(String name) {
        return "`" + name.replace("`", "``") + "`";
    }

    static String firstLine(Throwable e) {
        String m = String.valueOf(e.getMessage());
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    /** What a task needs to turn rows into blocks. */
    private record RowLayout(
            int variables,
            boolean sigma,
            boolean corrupt,
            String[] names,
            BadRecordPolicy policy,
            String source,
            int segmentPoints)
            implements Serializable {}

    /** Consecutive rows of one file split within one input partition. */
    record Segment(String file, long blockStart, int partition, int position, DataBlock block, long dropped)
            implements Serializable {
        Info info() {
            return new Info(file, blockStart, partition, position, block.size(), dropped);
        }
    }

    /** A segment without its data, for ordering on the driver. */
    record Info(String file, long blockStart, int partition, int position, int size, long dropped)
            implements Serializable {
        long key() {
            return ((long) partition << 32) | position;
        }
    }

    /**
     * Rows of at most this many points make one segment, so a task holds a bounded amount of data
     * (about 6 MB with sigma) however large its file split: the reader runs in small executors.
     */
    static final int SEGMENT_POINTS = 1 << 18;

    private static Function2<Integer, Iterator<InternalRow>, Iterator<Segment>> toSegments(RowLayout l) {
        return (partition, rows) -> new SegmentReader(l, partition, rows);
    }

    /**
     * Reads rows into segments lazily, one segment at a time: a segment ends where the file or
     * split changes, or at the layout's segment size ({@link #SEGMENT_POINTS} by default).
     */
    private static final class SegmentReader implements Iterator<Segment> {
        private final RowLayout l;
        private final int partition;
        private final Iterator<InternalRow> rows;
        private final int values;
        private final double[] v;
        private InternalRow pending;
        private int position;
        private long row;

        SegmentReader(RowLayout l, int partition, Iterator<InternalRow> rows) {
            this.l = l;
            this.partition = partition;
            this.rows = rows;
            this.values = l.variables() + 1 + (l.sigma() ? 1 : 0);
            this.v = new double[values];
        }

        @Override
        public boolean hasNext() {
            return pending != null || rows.hasNext();
        }

        @Override
        public Segment next() {
            InternalRow first = pending != null ? pending : rows.next();
            pending = null;
            // a copy: the reader reuses its row's buffer for the next row
            UTF8String fileName = first.getUTF8String(values).clone();
            String file = fileName.toString();
            long block = first.getLong(values + 1);
            Growable g = new Growable(l.variables(), l.sigma());
            long dropped = 0;
            long taken = 0;
            InternalRow r = first;
            while (true) {
                String bad = check(r);
                if (bad != null) {
                    if (l.policy() == BadRecordPolicy.FAILFAST) {
                        String where = file == null || file.isEmpty() ? l.source() : file;
                        throw new DataException(
                                Reason.BAD_VALUE,
                                where,
                                0,
                                null,
                                "partition " + partition + ", row " + row + " of the partition: " + bad
                                        + " (use --bad-records drop to skip bad records)");
                    }
                    dropped++;
                } else {
                    g.add(v);
                }
                row++;
                taken++;
                if (!rows.hasNext()) {
                    break;
                }
                r = rows.next();
                if (!r.getUTF8String(values).equals(fileName)
                        || r.getLong(values + 1) != block
                        || taken >= l.segmentPoints()) {
                    pending = r.copy();
                    break;
                }
            }
            return new Segment(file, block, partition, position++, g.block(), dropped);
        }

        /** Fills {@code v} from the row; returns what is wrong with it, or null. */
        private String check(InternalRow r) {
            if (l.corrupt() && !r.isNullAt(values + 2)) {
                return "malformed record '" + abbreviate(r.getString(values + 2)) + "'";
            }
            for (int i = 0; i < values; i++) {
                if (r.isNullAt(i)) {
                    return "column '" + l.names()[i] + "' is missing";
                }
                v[i] = r.getDouble(i);
                if (!Double.isFinite(v[i])) {
                    return "column '" + l.names()[i] + "' is not finite (" + v[i] + ")";
                }
                if (l.sigma() && i == values - 1 && v[i] <= 0) {
                    return "sigma column '" + l.names()[i] + "' must be > 0, got " + v[i];
                }
            }
            return null;
        }
    }

    private static String abbreviate(String s) {
        String t = s.strip();
        return t.length() <= 60 ? t : t.substring(0, 57) + "...";
    }

    /** Column arrays that grow as rows arrive. */
    private static final class Growable {
        private final int k;
        private final boolean sigma;
        private double[] x;
        private double[] y;
        private double[] s;
        private int n;

        Growable(int k, boolean sigma) {
            this.k = k;
            this.sigma = sigma;
            this.x = new double[1024 * k];
            this.y = new double[1024];
            this.s = sigma ? new double[1024] : null;
        }

        void add(double[] v) {
            if (n == y.length) {
                int cap = y.length * 2;
                x = Arrays.copyOf(x, cap * k);
                y = Arrays.copyOf(y, cap);
                s = sigma ? Arrays.copyOf(s, cap) : null;
            }
            System.arraycopy(v, 0, x, n * k, k);
            y[n] = v[k];
            if (sigma) {
                s[n] = v[k + 1];
            }
            n++;
        }

        DataBlock block() {
            return new DataBlock(
                    Arrays.copyOf(x, n * k), Arrays.copyOf(y, n), sigma ? Arrays.copyOf(s, n) : null, k, 0);
        }
    }

    /**
     * Puts the segments in input order, numbers the points, and cuts them into equal partitions
     * (see the class comment).
     */
    static Loaded order(JavaSparkContext jsc, JavaRDD<Segment> segments, Spec spec, LevelChoice choice) {
        // Read once, used twice (sizes, then the shuffle); on disk, so loading takes no storage
        // memory from a small executor.
        segments.persist(StorageLevel.DISK_ONLY());
        try {
            List<Info> infos = new ArrayList<>(segments.map(Segment::info).collect());
            infos.sort(Comparator.comparing(Info::file)
                    .thenComparingLong(Info::blockStart)
                    .thenComparingInt(Info::partition)
                    .thenComparingInt(Info::position));
            Map<Long, Long> starts = new HashMap<>();
            long n = 0;
            long dropped = 0;
            for (Info i : infos) {
                starts.put(i.key(), n);
                n += i.size();
                dropped += i.dropped();
            }
            if (n == 0) {
                throw new DataException(
                        Reason.EMPTY,
                        spec.path(),
                        0,
                        null,
                        dropped > 0 ? "all " + dropped + " records were bad and dropped" : "no data rows");
            }
            requirePartitionsFor(spec.partitions(), n);
            int parts = spec.partitions() > 0 ? spec.partitions() : Math.max(1, segments.getNumPartitions());
            long[] bounds = boundaries(n, parts);
            JavaRDD<DataBlock> blocks = segments.flatMapToPair(cut(starts, bounds))
                    .partitionBy(new HashPartitioner(parts))
                    .mapPartitionsWithIndex(assemble(bounds, spec.x().size(), spec.sigma() != null), true);
            StorageLevel level = choice.levelFor(n);
            blocks.persist(level);
            blocks.count();
            return new Loaded(blocks, sizes(bounds), n, dropped, spec.path(), level, () -> blocks.unpersist(false));
        } catch (Exception e) {
            throw Failures.unwrap(e);
        } finally {
            segments.unpersist(false);
        }
    }

    /** Points per partition below which a requested partition count is refused. */
    public static final int MIN_POINTS_PER_PARTITION = 10;

    /** A requested partition count that the data cannot fill. */
    public static final class TooManyPartitionsException extends IllegalArgumentException {
        TooManyPartitionsException(int partitions, long points) {
            super(String.format(
                    Locale.ROOT,
                    "%,d partitions for %,d points: at most one partition per %d points, here %,d",
                    partitions,
                    points,
                    MIN_POINTS_PER_PARTITION,
                    maxPartitions(points)));
        }
    }

    /** The most partitions {@code points} may be cut into: one per {@link #MIN_POINTS_PER_PARTITION}, at least 1. */
    public static long maxPartitions(long points) {
        return Math.max(1, points / MIN_POINTS_PER_PARTITION);
    }

    /**
     * Refuses a requested count (0: as read, never refused) above {@link #maxPartitions}: tiny
     * partitions only add tasks, and a count far above the points (say 100,000 for 1,000) keeps
     * a fit busy with empty tasks for minutes.
     */
    public static void requirePartitionsFor(int partitions, long points) {
        if (partitions > maxPartitions(points)) {
            throw new TooManyPartitionsException(partitions, points);
        }
    }

    /** Partition j holds points [bounds[j], bounds[j+1]): equal sizes ±1. */
    static long[] boundaries(long n, int parts) {
        long[] b = new long[parts + 1];
        for (int j = 0; j <= parts; j++) {
            b[j] = Math.multiplyExact(j, n) / parts;
        }
        b[parts] = n;
        return b;
    }

    private static long[] sizes(long[] bounds) {
        long[] s = new long[bounds.length - 1];
        for (int j = 0; j < s.length; j++) {
            s[j] = bounds[j + 1] - bounds[j];
        }
        return s;
    }

    /** A piece of a segment bound for one target partition, with its global start. */
    record Piece(long start, DataBlock block) implements Serializable {}

    private static PairFlatMapFunction<Segment, Integer, Piece> cut(Map<Long, Long> starts, long[] bounds) {
        return seg -> {
            List<Tuple2<Integer, Piece>> out = new ArrayList<>();
            long start = starts.get(seg.info().key());
            int size = seg.block().size();
            int from = 0;
            while (from < size) {
                long g = start + from;
                int j = Arrays.binarySearch(bounds, g);
                j = j >= 0 ? j : -j - 2;
                // skip empty partitions that share this start
                while (j + 1 < bounds.length - 1 && bounds[j + 1] <= g) {
                    j++;
                }
                int to = (int) Math.min(size, bounds[j + 1] - start);
                out.add(new Tuple2<>(j, new Piece(g, seg.block().slice(from, to, g))));
                from = to;
            }
            return out.iterator();
        };
    }

    private static Function2<Integer, Iterator<Tuple2<Integer, Piece>>, Iterator<DataBlock>> assemble(
            long[] bounds, int k, boolean sigma) {
        return (j, it) -> {
            List<Piece> pieces = new ArrayList<>();
            it.forEachRemaining(t -> pieces.add(t._2()));
            pieces.sort(Comparator.comparingLong(Piece::start));
            long n = bounds[j + 1] - bounds[j];
            List<DataBlock> blocks = new ArrayList<>(pieces.size());
            for (Piece p : pieces) {
                blocks.add(p.block());
            }
            DataBlock block = DataBlock.concat(blocks, k, sigma, bounds[j]);
            if (block.size() != n) {
                throw new IllegalStateException(
                        "partition " + j + " assembled " + block.size() + " points, expected " + n);
            }
            return List.of(block).iterator();
        };
    }
}
