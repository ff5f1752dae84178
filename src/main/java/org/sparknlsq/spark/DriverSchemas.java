package org.sparknlsq.spark;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.datasources.parquet.ParquetToSparkSchemaConverter;
import org.apache.spark.sql.internal.SQLConf;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Schemas read by the driver itself, in place of the Spark job with which Spark infers them
 * (Parquet reads a footer, a CSV header is the first line, each in a job on the executors). With
 * the schema known, a fit plans its whole read while the cluster's executors are still starting,
 * and their first task is the read itself.
 *
 * <p>Each reader answers only in the plain case and is empty otherwise, so that Spark's own
 * inference decides (and reports) everything else: a path with subdirectories (partitioned
 * data), no data file, a wanted column that is missing or not a number, a header with quotes,
 * a byte-order mark or repeated names, any error.
 */
final class DriverSchemas {
    private DriverSchemas() {}

    /**
     * The wanted columns' types from the footer of the first Parquet file (in name order, where
     * Spark takes its first part-file and assumes that all agree).
     */
    static Optional<StructType> parquet(SparkSession spark, String path, List<String> wanted) {
        try {
            Configuration conf = spark.sparkContext().hadoopConfiguration();
            Optional<FileStatus> first = dataFiles(path, conf).stream().findFirst();
            if (first.isEmpty()) {
                return Optional.empty();
            }
            StructType all;
            try (ParquetFileReader r = ParquetFileReader.open(HadoopInputFile.fromStatus(first.get(), conf))) {
                all = new ParquetToSparkSchemaConverter(SQLConf.get())
                        .convert(r.getFooter().getFileMetaData().getSchema());
            }
            StructType schema = new StructType();
            for (String name : wanted) {
                StructField f = Arrays.stream(all.fields())
                        .filter(c -> c.name().equals(name))
                        .findFirst()
                        .orElse(null);
                if (f == null || !(f.dataType() instanceof NumericType)) {
                    return Optional.empty();
                }
                schema = schema.add(f);
            }
            return Optional.of(schema);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * The header of the largest CSV file (the one whose first line Spark takes), its columns as
     * strings: the first line that is neither empty nor a {@code #} comment, split at {@code sep}.
     */
    static Optional<StructType> csvHeader(SparkSession spark, String path, String sep) {
        try {
            Configuration conf = spark.sparkContext().hadoopConfiguration();
            Optional<FileStatus> largest =
                    dataFiles(path, conf).stream().max(Comparator.comparingLong(FileStatus::getLen));
            if (largest.isEmpty()) {
                return Optional.empty();
            }
            String line = firstLine(largest.get().getPath(), conf);
            if (line == null || line.indexOf('"') >= 0 || line.startsWith("\uFEFF")) {
                return Optional.empty();
            }
            String[] names = line.split(Pattern.quote(sep), -1);
            Set<String> seen = new HashSet<>();
            StructType schema = new StructType();
            for (String name : names) {
                // Spark renames empty and repeated names (case-insensitively): its own inference decides
                if (name.isEmpty() || !seen.add(name.toLowerCase(java.util.Locale.ROOT))) {
                    return Optional.empty();
                }
                schema = schema.add(name, DataTypes.StringType);
            }
            return Optional.of(schema);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The files Spark would read at {@code path}, in name order; empty where a subdirectory is. */
    private static List<FileStatus> dataFiles(String path, Configuration conf) throws IOException {
        Path p = new Path(path);
        FileSystem fs = p.getFileSystem(conf);
        FileStatus status = fs.getFileStatus(p);
        if (status.isFile()) {
            return List.of(status);
        }
        List<FileStatus> files = new ArrayList<>();
        for (FileStatus s : fs.listStatus(p)) {
            String name = s.getPath().getName();
            if (s.isDirectory()) {
                return List.of();
            }
            // Spark's rule for files it skips: hidden, and metadata such as _SUCCESS
            if (!name.startsWith("_") && !name.startsWith(".")) {
                files.add(s);
            }
        }
        files.sort(Comparator.comparing(s -> s.getPath().getName()));
        return files;
    }

    private static String firstLine(Path file, Configuration conf) throws IOException {
        CompressionCodec codec = new CompressionCodecFactory(conf).getCodec(file);
        try (InputStream raw = file.getFileSystem(conf).open(file);
                InputStream in = codec == null ? raw : codec.createInputStream(raw);
                BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                // Spark's rule: a line that is blank or starts with the comment character
                if (!line.trim().isEmpty() && !line.startsWith("#")) {
                    return line;
                }
            }
            return null;
        }
    }
}
