package org.sparknlsq.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The deployment files, checked with the tools that work without a Docker engine: the Dockerfiles
 * lint clean ({@code dockerfile-utils}, installed by jobs/test into .ci/node), the compose file is
 * valid ({@code docker-compose config -q}), and {@code jobs/submit.sh} builds the documented
 * spark-submit command line for each cluster manager ({@code DRY_RUN=1}).
 */
class DeploymentFilesTest {
    private static final Path LINTER = Path.of(".ci", "node", "node_modules", ".bin", "dockerfile-utils");

    record Run(int code, String out) {}

    private static Run run(Map<String, String> env, String... cmd) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), String.join(" ", cmd) + " timed out");
        return new Run(p.exitValue(), out);
    }

    @Test
    void theDockerfilesLintClean() throws Exception {
        assertTrue(
                Files.isExecutable(LINTER),
                LINTER + " is missing: jobs/test installs it (npm install --prefix" + " .ci/node dockerfile-utils)");
        for (String f : List.of("docker/Dockerfile", "docker/s3proxy.Dockerfile")) {
            Run r = run(Map.of(), LINTER.toString(), "lint", f);
            assertEquals(0, r.code(), f + ":\n" + r.out());
        }
        String dockerfile = Files.readString(Path.of("docker/Dockerfile"));
        assertTrue(dockerfile.contains("\nFROM apache/spark:4.1.0-java17\n"), "the official Spark image, Java 17");
        assertTrue(dockerfile.contains("-DincludeArtifactIds=hadoop-aws"), "S3 support");
        List<String> users =
                dockerfile.lines().filter(l -> l.startsWith("USER ")).toList();
        assertEquals("USER 185", users.get(users.size() - 1), "runs as the image's non-root user");
    }

    @Test
    void theComposeFileIsValid() throws Exception {
        Run r = run(Map.of(), "docker-compose", "-f", "docker/docker-compose.yml", "config", "-q");
        assertEquals(0, r.code(), r.out());
    }

    private static String dryRun(String mode, Map<String, String> env) throws Exception {
        Map<String, String> e = new java.util.HashMap<>(env);
        e.put("DRY_RUN", "1");
        e.put("APP_JAR", "/app.jar");
        Run r = run(e, "bash", "jobs/submit.sh", mode, "fit", "--config", "conf/examples/decay.yaml");
        assertEquals(0, r.code(), r.out());
        return r.out();
    }

    @Test
    void theSubmitScriptBuildsEachClusterManagersCommand() throws Exception {
        String local = dryRun("local", Map.of());
        assertTrue(local.contains("--class org.sparknlsq.cli.Main --properties-file "), local);
        assertTrue(local.contains("--master local\\[\\*\\] /app.jar fit --config conf/examples/decay.yaml"), local);
        String standalone = dryRun("standalone", Map.of("SPARK_MASTER_URL", "spark://m:7077", "EXECUTORS", "3"));
        assertTrue(
                standalone.contains("--master spark://m:7077 --deploy-mode client --total-executor-cores 3"
                        + " --executor-cores 1 --executor-memory 1g"),
                standalone);
        assertTrue(standalone.contains("--driver-memory 1g"), "defaults that fit a small cluster: " + standalone);
        // SPARK_HOME's spark-submit, and --dry-run as a flag
        Run home = run(
                Map.of("SPARK_HOME", "/opt/spark", "APP_JAR", "/app.jar"),
                "bash",
                "jobs/submit.sh",
                "--dry-run",
                "local",
                "fit");
        assertEquals(0, home.code(), home.out());
        assertTrue(home.out().startsWith("/opt/spark/bin/spark-submit --class org.sparknlsq.cli.Main"), home.out());
        Run none = run(Map.of("SPARK_HOME", "/nonexistent"), "bash", "jobs/submit.sh", "local", "fit");
        assertEquals(2, none.code(), none.out());
        assertTrue(
                none.out().startsWith("submit.sh: error: no spark-submit (/nonexistent/bin/spark-submit)"), none.out());
        String yarn = dryRun("yarn", Map.of("HADOOP_CONF_DIR", "/etc/hadoop", "YARN_QUEUE", "fits"));
        assertTrue(yarn.contains("--master yarn --deploy-mode cluster --queue fits"), yarn);
        String k8s = dryRun("k8s", Map.of("K8S_API", "https://k:443", "K8S_IMAGE", "spark-nlsq:0.1"));
        assertTrue(k8s.contains("--master k8s://https://k:443 --deploy-mode cluster"), k8s);
        assertTrue(k8s.contains("spark.kubernetes.container.image=spark-nlsq:0.1"), k8s);
        assertTrue(k8s.contains("local:///opt/spark-nlsq/spark-nlsq-app.jar fit"), "the jar inside the image");
        String s3 = dryRun("local", Map.of("S3_ENDPOINT", "http://s3:80", "AWS_ACCESS_KEY_ID", "k"));
        assertTrue(s3.contains("spark.hadoop.fs.s3a.endpoint=http://s3:80"), s3);
        assertTrue(s3.contains("spark.hadoop.fs.s3a.path.style.access=true"), s3);
        assertTrue(s3.contains("spark.hadoop.fs.s3a.access.key=k"), s3);
        List<String> missing = new ArrayList<>();
        for (String mode : List.of("standalone", "yarn", "k8s")) {
            Run r = run(Map.of("DRY_RUN", "1"), "bash", "jobs/submit.sh", mode, "fit");
            if (r.code() == 0) {
                missing.add(mode);
            }
        }
        assertEquals(List.of(), missing, "modes that should refuse to run without their settings");
        assertEquals(2, run(Map.of(), "bash", "jobs/submit.sh", "mesos").code());
    }
}
