package org.sparknlsq.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;

/**
 * A real S3-API server on loopback for tests: S3Proxy 3.0.0 (filesystem backend) as a child JVM,
 * with one bucket. It can be killed and started again on the same port and store, which is how
 * tests make an S3 outage.
 */
public final class S3ProxyServer implements AutoCloseable {
    private final Path dir;
    private final int port;
    private final String bucket;
    private Process process;

    private S3ProxyServer(Path dir, int port, String bucket) {
        this.dir = dir;
        this.port = port;
        this.bucket = bucket;
    }

    /** Starts a server whose store lives under {@code dir}, with bucket {@code bucket}. */
    public static S3ProxyServer start(Path dir, String bucket) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Files.createDirectories(dir.resolve("store").resolve(bucket));
        S3ProxyServer s = new S3ProxyServer(dir, port, bucket);
        s.restart();
        return s;
    }

    /** Starts the server process (again), on the same port and store; waits until it listens. */
    public void restart() throws Exception {
        Path jar = Path.of(System.getProperty("project.build.directory", "target"), "s3proxy", "s3proxy.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: mvn copies it in process-test-resources");
        }
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
                        "jclouds.filesystem.basedir=" + dir.resolve("store"),
                        ""));
        Path log = dir.resolve("s3proxy.log");
        process = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx256m",
                        "-jar",
                        jar.toString(),
                        "--properties",
                        props.toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        Process p = process;
        Runtime.getRuntime().addShutdownHook(new Thread(p::destroyForcibly));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                if (!p.isAlive()) {
                    throw new IllegalStateException("S3Proxy exited: " + Files.readString(log));
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("S3Proxy did not start in 60 s");
                }
                Thread.sleep(100);
            }
        }
    }

    /** SIGKILLs the server process (an outage) and waits for it to be gone. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    public String bucketUri() {
        return "s3a://" + bucket;
    }

    /** Points {@code c}'s s3a client at this server, failing fast. */
    public Configuration configure(Configuration c) {
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
        return c;
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null) {
            process.destroy();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
