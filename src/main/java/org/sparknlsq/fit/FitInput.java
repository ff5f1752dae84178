package org.sparknlsq.fit;

import java.util.function.Supplier;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.sparknlsq.kernel.DataBlock;

/**
 * The data of a fit: a {@code Dataset<Row>} the caller already has, a file or URI with its
 * format, or arrays in memory. The columns to use are named by the {@link FitRequest}.
 */
public sealed interface FitInput {

    /** A Dataset of the caller's session; numeric columns are cast to double. */
    static FitInput of(Dataset<Row> data) {
        return new DatasetInput(data);
    }

    /**
     * A file, directory or URI ({@code file://}, {@code hdfs://}, {@code s3a://}).
     *
     * @param format {@code csv}, {@code parquet}, {@code orc}, {@code json}, {@code hdf5}, or null
     *     to infer it from the name
     */
    static FileInput file(String path, String format) {
        return new FileInput(path, format, null);
    }

    /**
     * Points held in memory: {@code x} row-major, {@code variables} doubles per point; {@code
     * sigma} may be null. The arrays are not copied and must not change during the fit.
     */
    static ArrayInput arrays(double[] x, int variables, double[] y, double[] sigma) {
        return new ArrayInput(new DataBlock(x, y, sigma, variables, 0), null);
    }

    /**
     * @param data the caller's Dataset
     */
    record DatasetInput(Dataset<Row> data) implements FitInput {}

    /**
     * @param path the file, directory or URI as the user named it
     * @param format its format name, or null to infer it
     * @param spark the session to use when the fit needs Spark, or null for {@link
     *     org.sparknlsq.spark.SparkSessions#getOrCreate} with the request's master; a small local
     *     CSV file is fitted on this JVM without asking for one
     */
    record FileInput(String path, String format, Supplier<SparkSession> spark) implements FitInput {
        public FileInput withSpark(Supplier<SparkSession> s) {
            return new FileInput(path, format, s);
        }
    }

    /**
     * @param data the points
     * @param spark the session to fit them on, or null to fit them on this JVM's cores (STANDARD)
     */
    record ArrayInput(DataBlock data, SparkSession spark) implements FitInput {
        public ArrayInput withSpark(SparkSession s) {
            return new ArrayInput(data, s);
        }
    }
}
