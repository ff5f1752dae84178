package org.sparknlsq.fit;

import java.io.IOException;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructType;
import org.sparknlsq.io.DataException;
import org.sparknlsq.io.DataFormat;
import org.sparknlsq.io.DirectoryOutput;
import org.sparknlsq.io.Location;
import org.sparknlsq.spark.SparkInput;

/**
 * Predictions of a fitted model on a DataFrame, and the {@code predict} workflow on files: read,
 * add the prediction and its standard error, write.
 *
 * <p>A row whose x values are null (or not numbers) gets null predictions, never a made-up
 * number. The standard error is the delta method's (see {@link Predictor}).
 */
public final class Predictions {
    private static final String TMP = "__spark_nlsq_prediction";

    private Predictions() {}

    /**
     * {@code df} with {@code predictionCol} and, unless {@code stdCol} is null or empty, {@code
     * stdCol} added (doubles).
     *
     * @param xCols the columns that feed the model's variables, in model order
     */
    public static Dataset<Row> add(
            Dataset<Row> df, Predictor predictor, List<String> xCols, String predictionCol, String stdCol) {
        int k = xCols.size();
        if (k != predictor.variables().size()) {
            throw new InvalidSettingsException(
                    "xCols",
                    "the model has " + predictor.variables().size() + " variable(s) " + predictor.variables() + ", got "
                            + k + " column(s) " + xCols);
        }
        Column[] cols = new Column[k];
        for (int i = 0; i < k; i++) {
            cols[i] = functions.col(quote(xCols.get(i))).cast(DataTypes.DoubleType);
        }
        StructType type = new StructType().add("p", DataTypes.DoubleType).add("s", DataTypes.DoubleType);
        UserDefinedFunction f = functions.udf(
                (UDF1<Row, Row>) r -> {
                    double[] point = new double[k];
                    for (int i = 0; i < k; i++) {
                        if (r.isNullAt(i)) {
                            return RowFactory.create(null, null);
                        }
                        point[i] = r.getDouble(i);
                    }
                    double[] ps = new double[2];
                    predictor.predictWithError(point, ps);
                    return RowFactory.create(ps[0], ps[1]);
                },
                type);
        Dataset<Row> d = df.withColumn(TMP, f.apply(functions.struct(cols)));
        d = d.withColumn(predictionCol, functions.col(TMP + ".p"));
        if (stdCol != null && !stdCol.isEmpty()) {
            d = d.withColumn(stdCol, functions.col(TMP + ".s"));
        }
        return d.drop(TMP);
    }

    /**
     * Predicts for the points of a file and writes them with the input's columns: reads {@code
     * data}, adds the prediction columns, and writes {@code output} through a temporary sibling
     * directory renamed into place, so a crash never leaves a half-written output under the final
     * name. An existing output is refused, never replaced.
     *
     * @param dataFormat the input's format, or null to infer it from the name
     * @param outputFormat the output's format, or null to infer it from the name
     * @param xCols the columns for the model's variables, or null for the fit's own
     * @return the rows written
     */
    public static long predictFile(
            SparkSession spark,
            SavedFit fit,
            String data,
            String dataFormat,
            List<String> xCols,
            String output,
            String outputFormat,
            String predictionCol,
            String stdCol) {
        DataFormat in = format("format", dataFormat, data);
        DataFormat out = format("outputFormat", outputFormat, output);
        if (out == DataFormat.HDF5) {
            throw new InvalidSettingsException("outputFormat", "HDF5 is not written; use csv, parquet, orc or json");
        }
        if (in == DataFormat.HDF5) {
            throw new InvalidSettingsException(
                    "format", "HDF5 is read for fits only; predict reads csv, parquet, orc or json");
        }
        List<String> cols = xCols != null ? xCols : fit.xColumns();
        Dataset<Row> df = SparkInput.frame(spark, data, in, cols);
        List<String> present = List.of(df.columns());
        for (String c : cols) {
            if (!present.contains(c)) {
                throw new InvalidSettingsException(
                        "xCols",
                        "column '" + c + "' is not in " + data + " (columns: " + String.join(", ", present) + ")");
            }
            DataType type = df.schema().apply(c).dataType();
            if (!(type instanceof NumericType)) {
                throw new DataException(
                        DataException.Reason.MALFORMED,
                        data,
                        0,
                        c,
                        "has type " + type.simpleString() + "; the model's variables must be numeric");
            }
        }
        refuseColumnClash(present, predictionCol, stdCol);
        Dataset<Row> result = add(df, fit.predictor(), cols, predictionCol, stdCol);
        Path target = new Path(output);
        try {
            FileSystem fs = target.getFileSystem(spark.sparkContext().hadoopConfiguration());
            if (fs.exists(target)) {
                throw new InvalidSettingsException(
                        "output", output + " exists; choose a new name (outputs are never replaced)");
            }
            var writer = result.write();
            if (out == DataFormat.CSV) {
                writer = writer.option("header", "true");
            }
            var format = writer.format(out.name().toLowerCase(Locale.ROOT));
            DirectoryOutput.write(fs, target, false, format::save);
            return spark.read()
                    .format(out.name().toLowerCase(Locale.ROOT))
                    .option("header", "true")
                    .load(output)
                    .count();
        } catch (IOException e) {
            throw new InvalidSettingsException("output", "cannot write " + output + ": " + e.getMessage());
        }
    }

    /** The new columns must be new, and two: a prediction never replaces an input column. */
    private static void refuseColumnClash(List<String> present, String predictionCol, String stdCol) {
        if (present.contains(predictionCol)) {
            throw new InvalidSettingsException(
                    "predictionCol", "'" + predictionCol + "' is already a column of the data; choose a new name");
        }
        if (stdCol != null && !stdCol.isEmpty()) {
            if (present.contains(stdCol)) {
                throw new InvalidSettingsException(
                        "stdCol", "'" + stdCol + "' is already a column of the data; choose a new name");
            }
            if (stdCol.equals(predictionCol)) {
                throw new InvalidSettingsException(
                        "stdCol", "'" + stdCol + "' is also the prediction column; give the two different names");
            }
        }
    }

    private static DataFormat format(String key, String name, String path) {
        try {
            return name != null ? DataFormat.parse(name) : DataFormat.infer(path);
        } catch (IllegalArgumentException e) {
            throw new InvalidSettingsException(key, e.getMessage());
        }
    }

    /** A column name for {@code functions.col}: backquoted, so dots and spaces are literal. */
    public static String quote(String column) {
        return "`" + column.replace("`", "``") + "`";
    }

    /** True when {@code a} and {@code b} name the same place, or one lies inside the other. */
    public static boolean overlaps(String a, String b) {
        Location la = Location.of(a);
        Location lb = Location.of(b);
        if (la.local() && lb.local()) {
            java.nio.file.Path pa = real(la.localPath());
            java.nio.file.Path pb = real(lb.localPath());
            return pa.startsWith(pb) || pb.startsWith(pa);
        }
        String na = new Path(a).toUri().normalize().toString();
        String nb = new Path(b).toUri().normalize().toString();
        return na.equals(nb) || na.startsWith(nb + "/") || nb.startsWith(na + "/");
    }

    /** The real path of what exists of {@code p} (symlinks and {@code ..} resolved), plus the rest. */
    private static java.nio.file.Path real(java.nio.file.Path p) {
        java.nio.file.Path abs = p.toAbsolutePath().normalize();
        java.nio.file.Path existing = abs;
        while (existing != null && !java.nio.file.Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return abs;
        }
        try {
            return existing.toRealPath().resolve(existing.relativize(abs));
        } catch (IOException e) {
            return abs;
        }
    }
}
