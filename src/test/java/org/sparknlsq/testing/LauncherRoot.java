package org.sparknlsq.testing;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A root for {@code jobs/spark-nlsq} over this build, so tests run the real launcher without it
 * building into {@code target/} while Maven uses it: the script, the log configuration and the
 * pom copied; {@code target/classes} and any app jar linked; the launcher's build stamp and
 * classpath file written after the pom, so it takes the build as current.
 */
public final class LauncherRoot {
    private LauncherRoot() {}

    /** Stages the root in {@code dir} (created) and returns it; run {@code <root>/jobs/spark-nlsq}. */
    public static Path stage(Path dir) throws IOException {
        Path built =
                Path.of(System.getProperty("project.build.directory", "target")).toAbsolutePath();
        Files.createDirectories(dir.resolve("jobs"));
        Files.createDirectories(dir.resolve("conf"));
        Path target = Files.createDirectories(dir.resolve("target"));
        Files.copy(Path.of("jobs/spark-nlsq"), dir.resolve("jobs/spark-nlsq"));
        Files.copy(Path.of("conf/log4j2.properties"), dir.resolve("conf/log4j2.properties"));
        Files.copy(Path.of("pom.xml"), dir.resolve("pom.xml"));
        Files.createSymbolicLink(target.resolve("classes"), built.resolve("classes"));
        try (Stream<Path> jars = Files.list(built)) {
            for (Path jar : jars.filter(f -> f.getFileName().toString().endsWith("-app.jar"))
                    .toList()) {
                Files.createSymbolicLink(target.resolve(jar.getFileName()), jar);
            }
        }
        String dependencies = Stream.of(CliJvm.classPath().split(File.pathSeparator))
                .filter(e -> e.endsWith(".jar"))
                .collect(Collectors.joining(File.pathSeparator));
        Files.writeString(target.resolve("classpath-launcher.txt"), dependencies);
        Files.writeString(target.resolve(".launcher-build"), "");
        return dir;
    }
}
