package org.sparknlsq.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Spark standalone cluster on loopback: Spark's own Master and Workers, each a process
 * started by {@code bin/spark-class} of the Spark distribution inside the pinned PySpark of the
 * project's Python environment ({@code jobs/pyenv --spark-home}, which {@code jobs/test} makes).
 * A Worker can be SIGKILLed with its executors (a lost machine).
 */
public final class StandaloneCluster implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path sparkHome;
    private final Path dir;
    private final int port;
    private final int webPort;
    private Process master;
    private final List<Process> workers = new ArrayList<>();

    private StandaloneCluster(Path sparkHome, Path dir, int port, int webPort) {
        this.sparkHome = sparkHome;
        this.dir = dir;
        this.port = port;
        this.webPort = webPort;
    }

    /** The Spark distribution of the project's Python environment; fails with what to run when missing. */
    public static Path sparkHome() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("jobs/pyenv", "--path")
                .redirectErrorStream(true)
                .start();
        String env = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        p.waitFor(30, TimeUnit.SECONDS);
        Path complete = Path.of(env, ".complete");
        if (!Files.isRegularFile(complete)) {
            throw new IllegalStateException(
                    "no Python environment at " + env + ": run jobs/test (or jobs/pyenv) to make it");
        }
        Process home = new ProcessBuilder("jobs/pyenv", "--spark-home").start();
        String path = new String(home.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        home.waitFor(60, TimeUnit.SECONDS);
        if (home.exitValue() != 0 || !Files.isExecutable(Path.of(path, "bin", "spark-class"))) {
            throw new IllegalStateException(
                    "no Spark distribution in " + env + " (jobs/pyenv --spark-home gave '" + path + "')");
        }
        return Path.of(path);
    }

    /** Starts a Master and {@code workers} Workers of {@code cores} cores and {@code memory} each. */
    public static StandaloneCluster start(Path dir, int workers, int cores, String memory) throws Exception {
        StandaloneCluster c = new StandaloneCluster(sparkHome(), dir, freePort(), freePort());
        try {
            c.master = c.spawn(
                    "master",
                    "org.apache.spark.deploy.master.Master",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    Integer.toString(c.port),
                    "--webui-port",
                    Integer.toString(c.webPort));
            c.awaitWorkers(0);
            for (int i = 0; i < workers; i++) {
                c.workers.add(c.spawn(
                        "worker-" + i,
                        "org.apache.spark.deploy.worker.Worker",
                        "--host",
                        "127.0.0.1",
                        "--cores",
                        Integer.toString(cores),
                        "--memory",
                        memory,
                        "--webui-port",
                        "0",
                        "--work-dir",
                        Files.createDirectories(dir.resolve("work-" + i)).toString(),
                        c.url()));
            }
            c.awaitWorkers(workers);
            return c;
        } catch (Exception e) {
            c.close();
            throw e;
        }
    }

    private Process spawn(String name, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(
                List.of(sparkHome.resolve("bin").resolve("spark-class").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".log").toFile());
        pb.environment().put("SPARK_HOME", sparkHome.toString());
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        pb.environment().put("SPARK_LOG_DIR", dir.toString());
        pb.environment().remove("SPARK_SCALA_VERSION");
        Process p = pb.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> killTree(p)));
        return p;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** {@code spark://127.0.0.1:PORT} */
    public String url() {
        return "spark://127.0.0.1:" + port;
    }

    /** The port of the master's web UI. */
    public int webPort() {
        return webPort;
    }

    /** The Spark distribution the cluster runs. */
    public Path home() {
        return sparkHome;
    }

    /** The master's view ({@code /json/}): workers, their cores and memory, applications. */
    public JsonNode state() throws IOException {
        try (InputStream in =
                URI.create("http://127.0.0.1:" + webPort + "/json/").toURL().openStream()) {
            return JSON.readTree(in);
        }
    }

    private void awaitWorkers(int n) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (true) {
            try {
                if (state().path("aliveworkers").asInt() >= n) {
                    return;
                }
            } catch (IOException notYet) {
                // the master's web UI is not up yet
            }
            if (!master.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("the standalone cluster did not start: see " + dir);
            }
            master.waitFor(200, TimeUnit.MILLISECONDS);
        }
    }

    /** The Worker processes, in start order. */
    public List<Process> workers() {
        return workers;
    }

    /** SIGKILLs a process and everything it started. */
    public static void killTree(Process p) {
        List<ProcessHandle> children = p.descendants().toList();
        p.destroyForcibly();
        children.forEach(ProcessHandle::destroyForcibly);
    }

    @Override
    public void close() {
        workers.forEach(StandaloneCluster::killTree);
        if (master != null) {
            killTree(master);
        }
    }
}
