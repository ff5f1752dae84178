package org.sparknlsq.it;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.sparknlsq.testing.CliJvm;
import org.sparknlsq.testing.DecayCommands;
import org.sparknlsq.testing.LauncherRoot;
import org.sparknlsq.testing.StandaloneCluster;

/**
 * The command line on a real standalone cluster (Spark's own Master and two Workers of one core,
 * separate processes, from the Spark distribution inside the pinned PySpark): started as the
 * launcher starts it (by {@code jobs/spark-nlsq} itself over this build: the application jar
 * shipped to the executors), and through {@code jobs/submit.sh}; an executor SIGKILLed, a whole Worker SIGKILLed, and the driver
 * SIGKILLed then resumed. Every fit ends with the parameters of {@code local[2]} to the last bit.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StandaloneClusterIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    private static StandaloneCluster cluster;
    private static Path data;
    private static JsonNode local;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = StandaloneCluster.start(Files.createDirectories(dir.resolve("cluster")), 2, 1, "1g");
        data = dir.resolve("decay.parquet");
        assertEquals(0, run("generate", DecayCommands.generate(400_000, 4, data.toString())));
        local = fit("local", "--master", "local[2]");
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static ProcessBuilder child(String name, List<String> args) {
        // the executors of a 1-core Worker: 512 MB, so that two fit on a small machine
        return child(name, args, "-Dspark.executor.memory=512m");
    }

    private static ProcessBuilder child(String name, List<String> args, String... jvmFlags) {
        List<String> cmd = CliJvm.command(dir.resolve(name + ".spark.log"), jvmFlags);
        cmd.add(1, "-Xmx1g");
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".log").toFile());
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        return pb;
    }

    private static int run(String name, List<String> args) throws Exception {
        Process p = child(name, args).start();
        try {
            assertTrue(p.waitFor(300, TimeUnit.SECONDS), name + " timed out");
        } finally {
            StandaloneCluster.killTree(p);
        }
        return p.exitValue();
    }

    private static List<String> fitArgs(String name, String... more) {
        List<String> a = DecayCommands.largeFit(
                data.toString(),
                "--progress",
                "never",
                "--output",
                dir.resolve(name + ".json").toString());
        a.addAll(List.of(more));
        return a;
    }

    private static JsonNode fit(String name, String... more) throws Exception {
        int code = run(name, fitArgs(name, more));
        assertEquals(0, code, Files.readString(dir.resolve(name + ".log")));
        return JSON.readTree(dir.resolve(name + ".json").toFile());
    }

    private static void assertSameBits(JsonNode r, String what) {
        assertEquals(local.get("parameters").toString(), r.get("parameters").toString(), what + ": bit-identical");
        assertEquals(
                local.get("uncertainties").toString(), r.get("uncertainties").toString(), what);
    }

    /** The pids of the cluster's executor processes (children of the Workers). */
    private static List<Long> executors() {
        return cluster.workers().stream()
                .flatMap(Process::descendants)
                .map(ProcessHandle::pid)
                .filter(StandaloneClusterIT::isExecutor)
                .toList();
    }

    private static boolean isExecutor(long pid) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(pid), "cmdline"))
                    .contains("CoarseGrainedExecutorBackend");
        } catch (IOException gone) {
            return false;
        }
    }

    private static int newestCheckpoint(Path ckpt) throws IOException {
        if (!Files.isDirectory(ckpt)) {
            return 0;
        }
        try (Stream<Path> s = Files.list(ckpt)) {
            return s.map(f -> f.getFileName().toString())
                    .filter(n -> n.matches("checkpoint-[0-9a-f]{12}-\\d+\\.h5"))
                    .mapToInt(n -> Integer.parseInt(n.substring(n.lastIndexOf('-') + 1, n.length() - 3)))
                    .max()
                    .orElse(0);
        }
    }

    /** Starts a checkpointed fit on the cluster and waits for its checkpoint {@code k}. */
    private static Process fitUntilCheckpoint(String name, Path ckpt, int k) throws Exception {
        Process p = child(
                        name,
                        fitArgs(
                                name,
                                "--master",
                                cluster.url(),
                                "--checkpoint-dir",
                                ckpt.toString(),
                                "--checkpoint-every",
                                "1"))
                .start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
        while (newestCheckpoint(ckpt) < k) {
            assertTrue(
                    p.isAlive(),
                    name + " ended before checkpoint " + k + ": " + Files.readString(dir.resolve(name + ".log")));
            assertTrue(System.nanoTime() < deadline, name + " reached no checkpoint " + k);
            p.waitFor(20, TimeUnit.MILLISECONDS);
        }
        return p;
    }

    private static JsonNode finish(String name, Process p) throws Exception {
        try {
            assertTrue(p.waitFor(300, TimeUnit.SECONDS), name + " timed out");
        } finally {
            StandaloneCluster.killTree(p);
        }
        assertEquals(0, p.exitValue(), Files.readString(dir.resolve(name + ".log")));
        return JSON.readTree(dir.resolve(name + ".json").toFile());
    }

    @Test
    @Order(1)
    void theLauncherOnASparkUrlShipsItsJarAndGivesTheSameBits() throws Exception {
        List<String> cmd = new ArrayList<>(List.of(LauncherRoot.stage(dir.resolve("launcher-root"))
                .resolve("jobs/spark-nlsq")
                .toString()));
        cmd.addAll(fitArgs("launcher", "--master", cluster.url()));
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("launcher.log").toFile());
        // the launcher itself chooses the loopback address for a master on loopback
        pb.environment().remove("SPARK_LOCAL_IP");
        pb.environment()
                .put(
                        "JAVA_OPTS",
                        "-Xmx1g -Dspark.executor.memory=512m -Dspark.ui.enabled=false -Dsparknlsq.log.file="
                                + dir.resolve("launcher.spark.log"));
        pb.environment().put("MVN", "false");
        JsonNode r = finish("launcher", pb.start());
        assertFalse(Files.readString(dir.resolve("launcher.log")).contains("building"), "ran what was built");
        assertSameBits(r, "jobs/spark-nlsq on " + cluster.url());
        assertEquals(
                cluster.url(),
                r.get("diagnostics").get("master").asText(),
                r.get("diagnostics").toString());
    }

    @Test
    @Order(2)
    void jobsSubmitInClientModeGivesTheSameBits() throws Exception {
        ProcessBuilder pb = new ProcessBuilder(
                        Stream.concat(Stream.of("jobs/submit.sh", "standalone"), fitArgs("submit").stream())
                                .toList())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("submit.log").toFile());
        pb.environment().put("SPARK_HOME", cluster.home().toString());
        pb.environment().remove("SPARK_SUBMIT");
        pb.environment().put("SPARK_MASTER_URL", cluster.url());
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        pb.environment().put("EXECUTORS", "2");
        pb.environment().put("EXECUTOR_CORES", "1");
        pb.environment().put("EXECUTOR_MEMORY", "512m");
        pb.environment().put("DRIVER_MEMORY", "1g");
        Process p = pb.start();
        JsonNode r = finish("submit", p);
        assertSameBits(r, "jobs/submit.sh standalone");
    }

    /** {@code DEPLOY_MODE=cluster jobs/submit.sh standalone fit ...}: the driver on a Worker. */
    private static Process submitInClusterMode(String name, List<String> fit) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("jobs/submit.sh", "standalone"));
        cmd.addAll(fit);
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".log").toFile());
        pb.environment().put("SPARK_HOME", cluster.home().toString());
        pb.environment().remove("SPARK_SUBMIT");
        pb.environment().put("SPARK_MASTER_URL", cluster.url());
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        pb.environment().put("DEPLOY_MODE", "cluster");
        pb.environment().put("EXECUTORS", "1");
        pb.environment().put("EXECUTOR_CORES", "1");
        pb.environment().put("EXECUTOR_MEMORY", "512m");
        pb.environment().put("DRIVER_MEMORY", "512m");
        return pb.start();
    }

    @Test
    @Order(20)
    void clusterModeWaitsAndGivesTheSameBits() throws Exception {
        JsonNode r = finish("cluster-mode", submitInClusterMode("cluster-mode", fitArgs("cluster-mode")));
        assertSameBits(r, "cluster deploy mode");
        assertEquals("{\"exit_code\": 0}\n", Files.readString(dir.resolve("cluster-mode.json.status")));
    }

    @Test
    @Order(21)
    void clusterModeExitsWithTheFitsOwnCode() throws Exception {
        List<String> fit = fitArgs("cluster-fails");
        fit.set(fit.indexOf("y"), "no_such_column");
        Process p = submitInClusterMode("cluster-fails", fit);
        try {
            assertTrue(p.waitFor(300, TimeUnit.SECONDS), "cluster-fails timed out");
        } finally {
            StandaloneCluster.killTree(p);
        }
        assertEquals(3, p.exitValue(), Files.readString(dir.resolve("cluster-fails.log")));
        // a relative output is refused before anything is submitted
        List<String> relative = fitArgs("cluster-relative");
        relative.set(relative.indexOf("--output") + 1, "relative.json");
        Process q = submitInClusterMode("cluster-relative", relative);
        assertTrue(q.waitFor(60, TimeUnit.SECONDS));
        assertEquals(2, q.exitValue());
        assertTrue(
                Files.readString(dir.resolve("cluster-relative.log"))
                        .startsWith("submit.sh: error: --output 'relative.json' is relative"),
                Files.readString(dir.resolve("cluster-relative.log")));
    }

    @Test
    @Order(3)
    void anExecutorKilledMidFitChangesNoBit() throws Exception {
        Process p = fitUntilCheckpoint("executor-kill", dir.resolve("ckpt-executor"), 2);
        List<Long> executors = executors();
        assertFalse(executors.isEmpty(), "executors found");
        ProcessHandle.of(executors.get(0)).ifPresent(ProcessHandle::destroyForcibly);
        JsonNode r = finish("executor-kill", p);
        assertSameBits(r, "an executor killed");
        assertTrue(
                r.get("diagnostics").findValue("executor_losses").asInt() >= 1,
                r.get("diagnostics").toString());
    }

    @Test
    @Order(4)
    void theDriverKilledAndResumedGivesTheSameBits() throws Exception {
        Path ckpt = dir.resolve("ckpt-driver");
        Process p = fitUntilCheckpoint("driver-kill", ckpt, 2);
        StandaloneCluster.killTree(p);
        p.waitFor(30, TimeUnit.SECONDS);
        Process resumed = child(
                        "driver-kill",
                        fitArgs(
                                "driver-kill",
                                "--master",
                                cluster.url(),
                                "--checkpoint-dir",
                                ckpt.toString(),
                                "--checkpoint-every",
                                "1",
                                "--resume",
                                "auto"))
                .start();
        JsonNode r = finish("driver-kill", resumed);
        assertSameBits(r, "the driver killed and resumed");
        assertTrue(r.get("diagnostics")
                        .get("checkpoint_info")
                        .get("resumed_at_iteration")
                        .asInt()
                >= 2);
    }

    @Test
    @Order(50)
    void aClusterTooSmallForTheRequestSaysSoWithinTheWait() throws Exception {
        // a fit watches for executors while it plans its read; generate waits for one first
        List<List<String>> commands = List.of(
                fitArgs("too-small", "--master", cluster.url()),
                DecayCommands.generate(1000, 1, dir.resolve("too-small.parquet").toString()));
        for (int i = 0; i < commands.size(); i++) {
            List<String> args = new ArrayList<>(commands.get(i));
            if (i == 1) {
                args.addAll(List.of("--master", cluster.url()));
            }
            String name = "too-small-" + args.get(0);
            Process p = child(
                            name,
                            args,
                            "-Dspark.executor.memory=4g",
                            "-Dspark.nlsq.executorWait=10s",
                            "-Dspark.master.ui.port=" + cluster.webPort())
                    .start();
            try {
                assertTrue(p.waitFor(120, TimeUnit.SECONDS), name + " timed out");
            } finally {
                StandaloneCluster.killTree(p);
            }
            String said = Files.readString(dir.resolve(name + ".log"));
            assertEquals(2, p.exitValue(), said);
            assertEquals(
                    List.of("spark-nlsq: error: no executor was granted within 10 s by " + cluster.url()
                            + ": asked for executors of all of a Worker's core(s) and 4g (spark.executor.cores,"
                            + " spark.executor.memory); its live Workers have free: 1 core(s) and 1024 MB, 1 core(s)"
                            + " and 1024 MB (spark.nlsq.executorWait sets the wait)"),
                    said.lines().filter(l -> !l.isBlank()).toList(),
                    name);
        }
    }

    /** Last: the cluster has one Worker left afterwards. */
    @Test
    @Order(100)
    void aWorkerKilledMidFitChangesNoBit() throws Exception {
        Process p = fitUntilCheckpoint("worker-kill", dir.resolve("ckpt-worker"), 2);
        StandaloneCluster.killTree(cluster.workers().get(0));
        JsonNode r = finish("worker-kill", p);
        assertSameBits(r, "a Worker killed");
        assertTrue(
                r.get("diagnostics").findValue("executor_losses").asInt() >= 1,
                r.get("diagnostics").toString());
    }
}
