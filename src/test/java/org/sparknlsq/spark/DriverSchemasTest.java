package org.sparknlsq.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.zip.GZIPOutputStream;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparknlsq.io.BadRecordPolicy;
import org.sparknlsq.io.DataFormat;

/** Schemas the driver reads itself, and the cases it leaves to Spark's inference. */
class DriverSchemasTest {
    private static final SparkSession SPARK = TestSpark.session();

    @TempDir
    Path dir;

    private Path parquet(String name, String select) {
        Path p = dir.resolve(name);
        SPARK.sql("SELECT " + select + " FROM range(0, 40)").coalesce(1).write().parquet(p.toString());
        return p;
    }

    private static Optional<List<String>> fields(Optional<StructType> s) {
        return s.map(t -> java.util.Arrays.stream(t.fields())
                .map(f -> f.name() + ":" + f.dataType().simpleString())
                .toList());
    }

    @Test
    void parquetGivesTheWantedColumnsTypesFromAFooter() {
        Path p = parquet("plain", "CAST(id AS INT) AS x, id * 0.5D AS y, CAST(1 AS FLOAT) AS s, 'a' AS label");
        assertEquals(
                Optional.of(List.of("x:int", "y:double", "s:float")),
                fields(DriverSchemas.parquet(SPARK, p.toString(), List.of("x", "y", "s"))));
    }

    @Test
    void parquetLeavesToSparkWhatIsNotPlain() throws Exception {
        Path p = parquet("labelled", "id * 1.0 AS x, id * 0.5 AS y, 'a' AS label");
        for (List<String> wanted : List.of(List.of("x", "nope"), List.of("x", "label"), List.of("X", "y"))) {
            assertEquals(Optional.empty(), DriverSchemas.parquet(SPARK, p.toString(), wanted), wanted.toString());
        }
        Path partitioned = dir.resolve("partitioned");
        SPARK.sql("SELECT id * 1.0 AS x, id * 0.5 AS y, id % 2 AS k FROM range(0, 40)")
                .write()
                .partitionBy("k")
                .parquet(partitioned.toString());
        assertEquals(Optional.empty(), DriverSchemas.parquet(SPARK, partitioned.toString(), List.of("x", "y")));
        assertEquals(
                Optional.empty(),
                DriverSchemas.parquet(SPARK, dir.resolve("absent").toString(), List.of("x", "y")));
        Path empty = Files.createDirectories(dir.resolve("empty"));
        Files.writeString(empty.resolve("_SUCCESS"), "");
        assertEquals(Optional.empty(), DriverSchemas.parquet(SPARK, empty.toString(), List.of("x", "y")));
        Path notParquet = Files.writeString(dir.resolve("text.parquet"), "x,y\n1,2\n");
        assertEquals(Optional.empty(), DriverSchemas.parquet(SPARK, notParquet.toString(), List.of("x", "y")));
    }

    @Test
    void aReadStartsNoJobBeforeTheReadItself() throws Exception {
        Path csv = Files.writeString(dir.resolve("jobs.csv"), "x,y\n" + "1,2\n".repeat(40));
        assertEquals(
                List.of("collect", "count"), jobsOfRead(parquet("jobs.parquet", "id * 1.0 AS x, exp(-id * 0.1) AS y")));
        assertEquals(List.of("collect", "count"), jobsOfRead(csv));
    }

    /** The Spark jobs that loading {@code data} (x, y) runs, by the first word of their names. */
    private static List<String> jobsOfRead(Path data) throws Exception {
        List<String> jobs = new ArrayList<>();
        SparkListener listener = new SparkListener() {
            @Override
            public void onJobStart(SparkListenerJobStart e) {
                synchronized (jobs) {
                    jobs.add(e.stageInfos().last().name().split(" ")[0]);
                }
            }
        };
        SPARK.sparkContext().addSparkListener(listener);
        SparkInput.Spec spec = new SparkInput.Spec(
                data.toString(),
                DataFormat.infer(data.toString()),
                List.of("x"),
                "y",
                null,
                BadRecordPolicy.FAILFAST,
                2);
        try (SparkInput.Loaded loaded = SparkInput.read(SPARK, spec, n -> StorageLevel.MEMORY_ONLY())) {
            assertEquals(40, loaded.points());
        } finally {
            SPARK.sparkContext().listenerBus().waitUntilEmpty();
            SPARK.sparkContext().removeSparkListener(listener);
        }
        synchronized (jobs) {
            return List.copyOf(jobs);
        }
    }

    private Path text(String name, String content) throws Exception {
        return Files.writeString(dir.resolve(name), content);
    }

    @Test
    void aCsvHeaderIsTheFirstLineThatIsNoCommentOrBlank() throws Exception {
        Path p = text("plain.csv", "# made by a test\n\n  \nx,y,sigma\n1,2,3\n");
        assertEquals(
                Optional.of(List.of("x:string", "y:string", "sigma:string")),
                fields(DriverSchemas.csvHeader(SPARK, p.toString(), ",")));
        Path tsv = text("plain.tsv", "t\tcounts\r\n1\t2\r\n");
        assertEquals(
                Optional.of(List.of("t:string", "counts:string")),
                fields(DriverSchemas.csvHeader(SPARK, tsv.toString(), "\t")));
        Path gz = dir.resolve("packed.csv.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
            out.write("a,b\n1,2\n".getBytes(StandardCharsets.UTF_8));
        }
        assertEquals(
                Optional.of(List.of("a:string", "b:string")),
                fields(DriverSchemas.csvHeader(SPARK, gz.toString(), ",")));
    }

    @Test
    void aDirectoryOfCsvFilesTakesTheLargestFilesHeader() throws Exception {
        Path d = Files.createDirectories(dir.resolve("parts"));
        Files.writeString(d.resolve("a.csv"), "small,header\n1,2\n");
        Files.writeString(d.resolve("b.csv"), "large,header\n1,2\n3,4\n5,6\n");
        Files.writeString(d.resolve(".hidden.csv"), "hidden,header\n" + "1,2\n".repeat(100));
        assertEquals(
                Optional.of(List.of("large:string", "header:string")),
                fields(DriverSchemas.csvHeader(SPARK, d.toString(), ",")));
    }

    @Test
    void aCsvHeaderSparkWouldRewriteIsLeftToSpark() throws Exception {
        for (String header : List.of("\"x\",y", "x,,y", "x,y,X", "\uFEFFx,y", "# only a comment")) {
            Path p = text("h.csv", header + "\n");
            assertEquals(Optional.empty(), DriverSchemas.csvHeader(SPARK, p.toString(), ","), header);
        }
        assertEquals(
                Optional.empty(),
                DriverSchemas.csvHeader(SPARK, dir.resolve("absent.csv").toString(), ","));
    }
}
