package org.sparknlsq.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The application jar through Spark's own submit path: a child JVM runs {@code
 * org.apache.spark.deploy.SparkSubmit} (what the {@code spark-submit} script runs) with a
 * classpath of what a Spark distribution ships — Spark, Hadoop, Scala, Jackson, log4j, Janino —
 * and none of this project's classes or its own dependencies, which must come from the jar.
 * Runs in the integration-test phase, after {@code package} has built the jar.
 */
class SparkSubmitIT {
    /** This project's own dependencies: they must be inside the application jar, not beside it. */
    private static final List<String> OWN =
            List.of("/ejml-", "/jhdf-", "/picocli-", "/jackson-dataformat-yaml-", "/snakeyaml-");

    @TempDir
    Path dir;

    private static Path appJar() throws IOException {
        Path target = Path.of(System.getProperty("project.build.directory", "target"));
        try (var files = Files.list(target)) {
            return files.filter(p -> p.getFileName().toString().endsWith("-app.jar"))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no *-app.jar in " + target + "; run mvn verify"));
        }
    }

    private static String distributionClasspath() {
        String build = Path.of(System.getProperty("project.build.directory", "target"))
                .toAbsolutePath()
                .toString();
        return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(e -> e.endsWith(".jar") && !Path.of(e).toAbsolutePath().startsWith(build))
                .filter(e -> OWN.stream().noneMatch(e::contains))
                .filter(e ->
                        !e.contains("junit") && !e.contains("jqwik") && !e.contains("jmh") && !e.contains("opentest4j"))
                .collect(Collectors.joining(File.pathSeparator));
    }

    /** jHDF takes its version from its package's manifest entry, which shading would drop. */
    @Test
    void jhdfInTheAppJarKnowsItsVersion() throws Exception {
        try (URLClassLoader jar = new URLClassLoader(new URL[] {appJar().toUri().toURL()}, null)) {
            Object version =
                    jar.loadClass("io.jhdf.JhdfInfo").getField("VERSION").get(null);
            assertEquals(System.getProperty("sparknlsq.it.jhdf.version"), version);
        }
    }

    @Test
    void theAppJarHoldsNoSparkAndFitsThroughSparkSubmit() throws Exception {
        Path jar = appJar();
        try (ZipFile z = new ZipFile(jar.toFile())) {
            assertFalse(z.stream().anyMatch(e -> e.getName().startsWith("org/apache/spark/")), "no Spark inside");
            assertFalse(z.stream().anyMatch(e -> e.getName().startsWith("org/apache/hadoop/")), "no Hadoop inside");
            assertTrue(z.getEntry("org/sparknlsq/cli/Main.class") != null);
            assertTrue(z.getEntry("org/ejml/data/DMatrixRMaj.class") != null, "own dependencies inside");
        }
        Path out = dir.resolve("result.json");
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(Arrays.asList(System.getProperty("sparknlsq.it.opens", "").split(" ")));
        cmd.removeIf(String::isBlank);
        cmd.addAll(List.of(
                "-cp",
                distributionClasspath(),
                "org.apache.spark.deploy.SparkSubmit",
                "--master",
                "local[2]",
                "--properties-file",
                Path.of("conf/spark-defaults.conf").toAbsolutePath().toString(),
                "--conf",
                "spark.ui.enabled=false",
                "--class",
                "org.sparknlsq.cli.Main",
                jar.toString(),
                "fit",
                "--data",
                Path.of("conf/examples/decay.csv").toAbsolutePath().toString(),
                "--x",
                "x",
                "--y",
                "y",
                "--sigma",
                "sigma",
                "--model",
                "a*exp(-b*x) + c",
                "--params",
                "a=1,b=1,c=0",
                "--strategy",
                "large",
                "--partitions",
                "3",
                "--output",
                out.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        Process p = pb.start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(180, TimeUnit.SECONDS), "spark-submit timed out");
        assertEquals(0, p.exitValue(), log);
        JsonNode j = new ObjectMapper().readTree(out.toFile());
        assertEquals("LARGE", j.get("strategy").asText());
        assertEquals("local[2]", j.get("diagnostics").get("master").asText(), "the master comes from spark-submit");
        assertEquals(3, j.get("diagnostics").get("partitions").asInt());
        assertEquals(3.0, j.get("parameters").get("a").asDouble(), 0.02);
        assertTrue(log.contains("converged"), log);
    }

    @Test
    void theSubmitScriptRunsAFitInLocalMode() throws Exception {
        Path out = dir.resolve("script-result.json");
        List<String> submit = new ArrayList<>();
        submit.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        submit.addAll(Arrays.asList(System.getProperty("sparknlsq.it.opens", "").split(" ")));
        submit.removeIf(String::isBlank);
        submit.addAll(List.of("-cp", distributionClasspath(), "org.apache.spark.deploy.SparkSubmit"));
        ProcessBuilder pb = new ProcessBuilder(
                        "bash",
                        "jobs/submit.sh",
                        "local",
                        "fit",
                        "--config",
                        "conf/examples/decay.yaml",
                        "--output",
                        out.toString())
                .redirectErrorStream(true);
        pb.environment().put("SPARK_SUBMIT", String.join(" ", submit));
        pb.environment().put("APP_JAR", appJar().toString());
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        Process p = pb.start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(180, TimeUnit.SECONDS), "jobs/submit.sh timed out");
        assertEquals(0, p.exitValue(), log);
        JsonNode j = new ObjectMapper().readTree(out.toFile());
        assertTrue(j.get("success").asBoolean());
        assertEquals(3.0, j.get("parameters").get("a").asDouble(), 0.02);
    }
}
