package org.sparknlsq.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.sparknlsq.io.BadRecordPolicy;
import org.sparknlsq.io.DataException;
import org.sparknlsq.io.DataFormat;
import org.sparknlsq.kernel.DataBlock;

/** Readers through Spark SQL: every format, row order, partitioning and bad-record policies. */
class SparkInputTest {
    private static final SparkSession SPARK = TestSpark.session();
    private static final int N = 10_007;
    private static final SparkInput.LevelChoice MEMORY = n -> StorageLevel.MEMORY_ONLY();

    @TempDir
    static Path dir;

    /** Rows (x, y, sigma, label) with x = i, y = 2i + 1, sigma = 1 + i % 5, written as 5 files. */
    static Dataset<Row> frame() {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < N; i++) {
            rows.add(RowFactory.create((double) i, 2.0 * i + 1, 1.0 + i % 5, "r" + i));
        }
        StructType schema = new StructType()
                .add("x", DataTypes.DoubleType)
                .add("y", DataTypes.DoubleType)
                .add("sigma", DataTypes.DoubleType)
                .add("label", DataTypes.StringType);
        return SPARK.createDataFrame(rows, schema).repartition(1).coalesce(1);
    }

    /** The blocks in partition order, concatenated. */
    static DataBlock concat(SparkInput.Loaded loaded) {
        List<DataBlock> blocks = loaded.blocks().collect();
        long at = 0;
        for (DataBlock b : blocks) {
            assertEquals(at, b.firstIndex(), "firstIndex is the global index of the block's first point");
            at += b.size();
        }
        return DataBlock.concat(blocks, 1, true, 0);
    }

    static Path write(DataFormat f) {
        Path p = dir.resolve("data-" + f.name().toLowerCase() + "." + f.name().toLowerCase());
        if (!Files.exists(p)) {
            // 5 files of different sizes, so Spark's size-ordered packing would reorder them
            Dataset<Row> df = frame();
            Dataset<Row> parts = df.sortWithinPartitions("x")
                    .repartitionByRange(5, df.col("x"))
                    .sortWithinPartitions("x");
            var w = parts.write().option("header", "true");
            switch (f) {
                case CSV -> w.csv(p.toString());
                case PARQUET -> w.parquet(p.toString());
                case ORC -> w.orc(p.toString());
                case JSON -> w.json(p.toString());
                default -> throw new IllegalArgumentException(f.name());
            }
        }
        return p;
    }

    @ParameterizedTest
    @EnumSource(
            value = DataFormat.class,
            names = {"CSV", "PARQUET", "ORC", "JSON"})
    void everyFormatReadsInRowOrderIntoEqualPartitions(DataFormat f) {
        Path p = write(f);
        for (int parts : new int[] {1, 3, 7}) {
            SparkInput.Spec spec =
                    new SparkInput.Spec(p.toString(), f, List.of("x"), "y", "sigma", BadRecordPolicy.FAILFAST, parts);
            try (SparkInput.Loaded loaded = SparkInput.read(SPARK, spec, MEMORY)) {
                assertEquals(parts, loaded.partitions());
                assertEquals(N, loaded.points());
                long min = Long.MAX_VALUE;
                long max = 0;
                for (long c : loaded.partitionPoints()) {
                    min = Math.min(min, c);
                    max = Math.max(max, c);
                }
                assertTrue(max - min <= 1, "equal partitions, ±1 point");
                DataBlock all = concat(loaded);
                for (int i = 0; i < N; i++) {
                    assertEquals(i, all.x()[i], f + ": row order at " + i);
                    assertEquals(2.0 * i + 1, all.y()[i]);
                    assertEquals(1.0 + i % 5, all.sigma()[i]);
                }
            }
        }
    }

    @Test
    void manySmallSegmentsPerSplitKeepTheOrder() {
        Path p = write(DataFormat.PARQUET);
        SparkInput.Spec spec = new SparkInput.Spec(
                p.toString(), DataFormat.PARQUET, List.of("x"), "y", "sigma", BadRecordPolicy.FAILFAST, 4);
        try (SparkInput.Loaded loaded = SparkInput.fromDataset(SPARK.read().parquet(p.toString()), spec, MEMORY, 333)) {
            DataBlock all = concat(loaded);
            assertEquals(N, all.size());
            for (int i = 0; i < N; i++) {
                assertEquals(i, all.x()[i], "row order at " + i);
            }
        }
    }

    @Test
    void aMissingColumnIsNamedWithTheColumnsThereAre() {
        Path p = write(DataFormat.PARQUET);
        SparkInput.Spec spec = new SparkInput.Spec(
                p.toString(), DataFormat.PARQUET, List.of("x"), "z", null, BadRecordPolicy.FAILFAST, 0);
        DataException e = assertThrows(DataException.class, () -> SparkInput.read(SPARK, spec, MEMORY));
        assertEquals(DataException.Reason.MISSING_COLUMN, e.reason());
        assertTrue(e.getMessage().contains("column 'z' is missing (columns: x, y, sigma, label)"), e.getMessage());
        SparkInput.Spec text = new SparkInput.Spec(
                p.toString(), DataFormat.PARQUET, List.of("x"), "label", null, BadRecordPolicy.FAILFAST, 0);
        DataException t = assertThrows(DataException.class, () -> SparkInput.read(SPARK, text, MEMORY));
        assertTrue(t.getMessage().contains("column 'label' has type string, expected a number"), t.getMessage());
    }

    static Path badCsv() throws IOException {
        Path p = dir.resolve("bad.csv");
        StringBuilder b = new StringBuilder("x,y,sigma\n");
        for (int i = 0; i < 100; i++) {
            String line =
                    switch (i) {
                        case 10 -> "10,abc,1"; // not a number
                        case 20 -> "20,41"; // too few fields
                        case 30 -> "30,NaN,1"; // not finite
                        case 40 -> "40,81,0"; // sigma not positive
                        case 50 -> "50,,1"; // missing
                        default -> i + "," + (2 * i + 1) + ",1";
                    };
            b.append(line).append('\n');
        }
        Files.writeString(p, b.toString());
        return p;
    }

    @Test
    void failFastNamesTheFileThePartitionAndTheRow() throws IOException {
        Path p = badCsv();
        SparkInput.Spec spec = new SparkInput.Spec(
                p.toString(), DataFormat.CSV, List.of("x"), "y", "sigma", BadRecordPolicy.FAILFAST, 2);
        DataException e = assertThrows(DataException.class, () -> SparkInput.read(SPARK, spec, MEMORY));
        assertEquals(DataException.Reason.BAD_VALUE, e.reason());
        assertTrue(e.getMessage().contains("bad.csv"), e.getMessage());
        assertTrue(
                e.getMessage().contains("partition 0, row 10 of the partition: malformed record '10,abc,1'"),
                e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), "one line");
    }

    @Test
    void dropSkipsAndCountsEveryKindOfBadRecord() throws IOException {
        Path p = badCsv();
        SparkInput.Spec spec =
                new SparkInput.Spec(p.toString(), DataFormat.CSV, List.of("x"), "y", "sigma", BadRecordPolicy.DROP, 3);
        try (SparkInput.Loaded loaded = SparkInput.read(SPARK, spec, MEMORY)) {
            assertEquals(5, loaded.dropped());
            assertEquals(95, loaded.points());
            DataBlock all = concat(loaded);
            List<Double> xs = new ArrayList<>();
            for (double v : all.x()) {
                xs.add(v);
            }
            for (double gone : new double[] {10, 20, 30, 40, 50}) {
                assertTrue(!xs.contains(gone), "row " + gone + " dropped");
            }
            assertEquals(99.0, all.x()[94]);
        }
    }

    @Test
    void inMemoryArraysAreCutInOrder() {
        DataBlock data = SparkEngineTest.decay(1000);
        try (SparkInput.Loaded loaded = SparkInput.fromArrays(SPARK, data, 7, StorageLevel.MEMORY_ONLY())) {
            DataBlock all = concat(loaded);
            assertArrayEquals(data.x(), all.x());
            assertArrayEquals(data.y(), all.y());
            assertArrayEquals(data.sigma(), all.sigma());
        }
    }
}
