package org.sparknlsq.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparknlsq.io.Location;

/**
 * A real S3 API (S3Proxy on loopback, a child JVM, objects on local disk) behind s3a://: a result
 * is one PUT, and a whole fit reads its data from S3 and writes its result back.
 */
class S3Test {
    private static final SparkSession SPARK = TestSpark.session();
    private static final String BUCKET = "nlsq";
    private static Process server;

    @TempDir
    static Path dir;

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @BeforeAll
    static void startS3() throws Exception {
        Path jar = Path.of(System.getProperty("project.build.directory", "target"), "s3proxy", "s3proxy.jar");
        assertTrue(Files.isRegularFile(jar), jar + " is missing: mvn copies it in process-test-resources");
        int port = freePort();
        Path store =
                Files.createDirectories(dir.resolve("store").resolve(BUCKET)).getParent();
        Path props = dir.resolve("s3proxy.properties");
        Files.writeString(
                props,
                String.join(
                        "\n",
                        "s3proxy.endpoint=http://127.0.0.1:" + port,
                        "s3proxy.authorization=aws-v2-or-v4",
                        "s3proxy.identity=test-key",
                        "s3proxy.credential=test-secret",
                        "jclouds.provider=filesystem",
                        "jclouds.filesystem.basedir=" + store,
                        ""));
        server = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx256m",
                        "-jar",
                        jar.toString(),
                        "--properties",
                        props.toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("s3proxy.log").toFile())
                .start();
        Runtime.getRuntime().addShutdownHook(new Thread(server::destroyForcibly));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                break;
            } catch (IOException notYet) {
                assertTrue(server.isAlive(), "S3Proxy exited: " + Files.readString(dir.resolve("s3proxy.log")));
                assertTrue(System.nanoTime() < deadline, "S3Proxy did not start in 60 s");
                Thread.sleep(100);
            }
        }
        Configuration c = SPARK.sparkContext().hadoopConfiguration();
        c.set("fs.s3a.endpoint", "http://127.0.0.1:" + port);
        c.set("fs.s3a.endpoint.region", "us-east-1");
        c.set("fs.s3a.path.style.access", "true");
        c.set("fs.s3a.connection.ssl.enabled", "false");
        c.set("fs.s3a.aws.credentials.provider", "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider");
        c.set("fs.s3a.access.key", "test-key");
        c.set("fs.s3a.secret.key", "test-secret");
        c.set("fs.s3a.attempts.maximum", "1");
        c.set("fs.s3a.retry.limit", "2");
        c.set("fs.s3a.retry.interval", "100ms");
    }

    @AfterAll
    static void stopS3() throws Exception {
        if (server != null) {
            server.destroy();
            server.waitFor(10, TimeUnit.SECONDS);
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
