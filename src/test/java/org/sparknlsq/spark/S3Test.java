package org.sparknlsq.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparknlsq.io.Location;
import org.sparknlsq.testing.S3ProxyServer;

/**
 * A real S3 API (S3Proxy on loopback, a child JVM, objects on local disk) behind s3a://: a result
 * is one PUT, and a whole fit reads its data from S3 and writes its result back.
 */
class S3Test {
    private static final SparkSession SPARK = TestSpark.session();
    private static final String BUCKET = "nlsq";
    private static S3ProxyServer server;

    @TempDir
    static Path dir;

    @BeforeAll
    static void startS3() throws Exception {
        server = S3ProxyServer.start(dir, BUCKET);
        server.configure(SPARK.sparkContext().hadoopConfiguration());
    }

    @AfterAll
    static void stopS3() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aResultIsOnePutThatReplacesTheOldOne() throws Exception {
        Configuration conf = SPARK.sparkContext().hadoopConfiguration();
        String uri = "s3a://" + BUCKET + "/results/r.json";
        Location target = Location.of(uri);
        target.write(conf, out -> out.write("{\"v\": 1}\n".getBytes(StandardCharsets.UTF_8)));
        assertEquals("{\"v\": 1}\n", RemoteRoundTrip.read(uri));
        target.write(conf, out -> out.write("{\"v\": 2}\n".getBytes(StandardCharsets.UTF_8)));
        assertEquals("{\"v\": 2}\n", RemoteRoundTrip.read(uri));
    }

    @Test
    void aFitReadsFromS3AndWritesItsResultThere() throws Exception {
        JsonNode j = RemoteRoundTrip.generateAndFit(
                "s3a://" + BUCKET + "/data/decay.parquet",
                "s3a://" + BUCKET + "/results/fit.json",
                20_000,
                2,
                "--strategy",
                "chunked");
        assertEquals("CHUNKED", j.get("strategy").asText());
        assertEquals(20_000, j.get("n_points").asLong());
        assertEquals(
                1.3,
                j.get("parameters").get("b").asDouble(),
                5 * j.get("uncertainties").get("b").asDouble());
    }
}
