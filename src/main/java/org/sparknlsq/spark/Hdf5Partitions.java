package org.sparknlsq.spark;

import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.SerializableConfiguration;
import org.sparknlsq.io.DataException;
import org.sparknlsq.io.DataException.Reason;
import org.sparknlsq.io.Hdf5Block;
import org.sparknlsq.io.Hdf5Input;
import org.sparknlsq.io.Hdf5Slice;
import org.sparknlsq.kernel.DataBlock;
import scala.Tuple2;

/**
 * HDF5 input on Spark: the driver opens the file only to check the datasets and plan contiguous
 * row ranges; each partition then reads its own slice on an executor through the Hadoop
 * FileSystem API (file://, hdfs://, s3a://), so no node ever holds the whole dataset. The Hadoop
 * configuration travels as one broadcast, destroyed when the data are closed. Slices are already in row order; a requested partition
 * count sets the number of slices (default: one per {@value #DEFAULT_SLICE_POINTS} points).
 */
final class Hdf5Partitions {
    /** Default slice size when no partition count is given: about 24–32 MB of doubles. */
    static final long DEFAULT_SLICE_POINTS = 1_000_000L;

    private Hdf5Partitions() {}

    static SparkInput.Loaded read(SparkSession spark, SparkInput.Spec spec, SparkInput.LevelChoice choice) {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        Hdf5Input input = Hdf5Input.open(spec.path(), conf, spec.x(), spec.y(), spec.sigma());
        SparkInput.requirePartitionsFor(spec.partitions(), input.length());
        int parts = spec.partitions() > 0
                ? spec.partitions()
                : (int) Math.max(
                        1,
                        Math.min(
                                Integer.MAX_VALUE, (input.length() + DEFAULT_SLICE_POINTS - 1) / DEFAULT_SLICE_POINTS));
        List<Hdf5Slice> slices = input.plan(parts);
        Broadcast<SerializableConfiguration> bc = jsc.broadcast(new SerializableConfiguration(conf));
        try {
            JavaRDD<Tuple2<DataBlock, Long>> read = jsc.parallelize(slices, slices.size())
                    .map(s -> {
                        Hdf5Block b = Hdf5Input.read(s, bc.value().value(), spec.policy());
                        return new Tuple2<>(b.block(), b.dropped());
                    });
            StorageLevel level = choice.levelFor(input.length());
            read.persist(level);
            List<Tuple2<Integer, Long>> counts = new ArrayList<>(
                    read.map(t -> new Tuple2<>(t._1().size(), t._2())).collect());
            long[] points = new long[counts.size()];
            long n = 0;
            long dropped = 0;
            for (int i = 0; i < points.length; i++) {
                points[i] = counts.get(i)._1();
                n += points[i];
                dropped += counts.get(i)._2();
            }
            if (n == 0) {
                read.unpersist(false);
                throw new DataException(
                        Reason.EMPTY, spec.path(), 0, null, "all " + dropped + " records were bad and dropped");
            }
            return new SparkInput.Loaded(read.map(Tuple2::_1), points, n, dropped, spec.path(), level, () -> {
                read.unpersist(false);
                bc.destroy();
            });
        } catch (Exception e) {
            bc.destroy();
            throw Failures.unwrap(e);
        }
    }
}
