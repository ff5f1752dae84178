package org.sparknlsq.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparknlsq.testing.DecayCommands;
import org.sparknlsq.testing.LauncherRoot;

/**
 * The launcher's class-data-sharing archive: made once from a training fit when the application
 * jar is current, used by every later run, and left out when the jar is older than the classes.
 */
class LauncherCdsTest {
    @TempDir
    Path dir;

    private record Run(int code, String out, String err) {}

    private static Run run(Path launcher, boolean dryRun, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(launcher.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("MVN", "false");
        pb.environment().remove("JAVA_OPTS");
        if (dryRun) {
            pb.environment().put("DRY_RUN", "1");
        }
        Path err = Files.createTempFile("launcher", ".err");
        pb.redirectError(err.toFile());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the launcher timed out");
        String errText = Files.readString(err);
        Files.delete(err);
        return new Run(p.exitValue(), out, errText);
    }

    /** A stand-in for the shaded jar: the built classes, which is all the launcher's fit needs. */
    private static Path appJar(Path root) throws Exception {
        String version = Files.readAllLines(root.resolve("pom.xml")).stream()
                .filter(l -> l.startsWith("  <version>"))
                .findFirst()
                .orElseThrow()
                .replaceAll(".*<version>(.*)</version>.*", "$1");
        Path jar = root.resolve("target/spark-nlsq-" + version + "-app.jar");
        Files.deleteIfExists(jar);
        Path classes = root.resolve("target/classes").toRealPath();
        try (OutputStream raw = Files.newOutputStream(jar);
                JarOutputStream out = new JarOutputStream(raw);
                Stream<Path> files = Files.walk(classes)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                out.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
                Files.copy(f, out);
                out.closeEntry();
            }
        }
        return jar;
    }

    /** The JVM flags of a java command line, for a short failure message. */
    private static String flags(List<String> javaLine) {
        return javaLine.subList(0, javaLine.indexOf("-cp")).toString();
    }

    private static String first(String classPath) {
        return classPath.split(":", 2)[0];
    }

    private static String classPath(List<String> javaLine) {
        return javaLine.get(javaLine.indexOf("-cp") + 1);
    }

    @Test
    void aCurrentApplicationJarRunsWithAnArchiveMadeOnce() throws Exception {
        Path root = LauncherRoot.stage(dir.resolve("root"));
        Path launcher = root.resolve("jobs/spark-nlsq");
        Path jar = appJar(root);
        Path archive = root.resolve("target/launcher.jsa");

        List<String> line = run(launcher, true, "--version").out().lines().toList();
        assertTrue(line.contains("-XX:SharedArchiveFile=" + archive), flags(line));
        assertTrue(classPath(line).startsWith(jar + ":"), first(classPath(line)));
        assertTrue(Files.size(archive) > 1_000_000, "archive of " + Files.size(archive) + " bytes");
        FileTime made = Files.getLastModifiedTime(archive);

        Path result = dir.resolve("result.json");
        Run fit = run(
                launcher,
                false,
                DecayCommands.fit(
                                Path.of("conf/examples/decay.csv")
                                        .toAbsolutePath()
                                        .toString(),
                                "--quiet",
                                "--output",
                                result.toString())
                        .toArray(String[]::new));
        assertEquals(0, fit.code(), fit.err());
        assertEquals("", fit.err());
        assertTrue(Cli.JSON.readTree(result.toFile()).get("success").asBoolean(), Files.readString(result));
        assertEquals(made, Files.getLastModifiedTime(archive), "the archive was made again");
    }

    @Test
    void classesNewerThanTheApplicationJarRunWithoutAnArchive() throws Exception {
        Path root = LauncherRoot.stage(dir.resolve("root"));
        Path jar = appJar(root);
        Files.setLastModifiedTime(jar, FileTime.fromMillis(0));
        List<String> line = run(root.resolve("jobs/spark-nlsq"), true, "--version")
                .out()
                .lines()
                .toList();
        assertTrue(line.stream().noneMatch(w -> w.startsWith("-XX:SharedArchiveFile")), flags(line));
        assertTrue(classPath(line).startsWith(root.resolve("target/classes") + ":"), first(classPath(line)));
        assertFalse(Files.exists(root.resolve("target/launcher.jsa")));
    }
}
