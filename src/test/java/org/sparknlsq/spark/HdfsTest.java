package org.sparknlsq.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sparknlsq.io.Location;
import org.sparknlsq.testing.MiniHdfs;

/**
 * A real HDFS (MiniDFSCluster: a NameNode and a DataNode in this JVM): results written there
 * atomically, and a whole fit that reads its data from HDFS and writes its result back.
 */
class HdfsTest {
    private static final SparkSession SPARK = TestSpark.session();
    private static MiniHdfs hdfs;
    private static MiniDFSCluster cluster;
    private static String root;

    @BeforeAll
    static void startHdfs() throws Exception {
        hdfs = MiniHdfs.start();
        cluster = hdfs.cluster();
        root = hdfs.root();
    }

    @AfterAll
    static void stopHdfs() {
        if (hdfs != null) {
            hdfs.close();
        }
    }

    @Test
    void aResultIsReplacedWholeAndNoTemporaryFileIsLeft() throws Exception {
        Configuration conf = cluster.getConfiguration(0);
        FileSystem fs = cluster.getFileSystem();
        String uri = root + "/results/r.json";
        fs.mkdirs(new org.apache.hadoop.fs.Path(root + "/results"));
        Location target = Location.of(uri);
        assertTrue(!target.local());
        target.write(conf, out -> out.write("{\"v\": 1}\n".getBytes(StandardCharsets.UTF_8)));
        assertEquals("{\"v\": 1}\n", RemoteRoundTrip.read(uri));
        target.write(conf, out -> out.write("{\"v\": 2}\n".getBytes(StandardCharsets.UTF_8)));
        assertEquals("{\"v\": 2}\n", RemoteRoundTrip.read(uri), "the rename replaces the old result");
        IOException failed = assertThrows(
                IOException.class,
                () -> target.write(conf, out -> {
                    out.write("{\"v\": 3, partial".getBytes(StandardCharsets.UTF_8));
                    throw new IOException("the writer failed half way");
                }));
        assertEquals("the writer failed half way", failed.getMessage());
        assertEquals("{\"v\": 2}\n", RemoteRoundTrip.read(uri), "a failed write leaves the previous result");
        FileStatus[] files = fs.listStatus(new org.apache.hadoop.fs.Path(root + "/results"));
        assertEquals(
                List.of("r.json"),
                Arrays.stream(files).map(f -> f.getPath().getName()).toList(),
                "no temp files");
    }

    @Test
    void aFitReadsFromHdfsAndWritesItsResultThere() throws Exception {
        String data = root + "/data/decay.parquet";
        JsonNode j = RemoteRoundTrip.generateAndFit(
                data, root + "/results/fit.json", 30_000, 3, "--strategy", "large", "--partitions", "4");
        assertEquals("LARGE", j.get("strategy").asText());
        assertEquals(30_000, j.get("n_points").asLong());
        assertEquals(data, j.get("data").asText());
        assertEquals(
                1.3,
                j.get("parameters").get("b").asDouble(),
                5 * j.get("uncertainties").get("b").asDouble());
    }
}
