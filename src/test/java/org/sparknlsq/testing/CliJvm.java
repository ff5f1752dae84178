package org.sparknlsq.testing;

import java.io.File;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The command line of a child JVM that runs {@code org.sparknlsq.cli.Main} as the launcher runs
 * it: Spark's module openings, the shipped {@code conf/log4j2.properties} (Spark's failure reports
 * to a log file), no Spark UI (another Spark on the machine would add a port warning), and this
 * JVM's classpath made absolute (an executor runs in its own work directory).
 */
public final class CliJvm {
    private CliJvm() {}

    /** The --add-opens flags Spark needs on Java 17: failsafe's or surefire's property, else this JVM's own. */
    public static List<String> opens() {
        String given = System.getProperty("sparknlsq.it.opens", System.getProperty("sparknlsq.test.opens"));
        List<String> flags = new ArrayList<>();
        if (given != null) {
            flags.addAll(Arrays.asList(given.split(" ")));
        } else {
            for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
                if (a.startsWith("--add-") || a.startsWith("-Djdk.reflect.") || a.startsWith("-Dio.netty.")) {
                    flags.add(a);
                }
            }
        }
        flags.removeIf(String::isBlank);
        return flags;
    }

    /** This JVM's classpath with every entry absolute. */
    public static String classPath() {
        return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .map(e -> Path.of(e).toAbsolutePath().toString())
                .collect(Collectors.joining(File.pathSeparator));
    }

    /** {@code java <opens> <jvmFlags> <logging> -cp <classpath> org.sparknlsq.cli.Main}; add the arguments. */
    public static List<String> command(Path sparkLog, String... jvmFlags) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(opens());
        cmd.addAll(List.of(jvmFlags));
        cmd.addAll(List.of(
                "-Dspark.ui.enabled=false",
                "-Dlog4j2.configurationFile="
                        + Path.of("conf", "log4j2.properties").toAbsolutePath(),
                "-Dsparknlsq.log.file=" + sparkLog,
                "-cp",
                classPath(),
                "org.sparknlsq.cli.Main"));
        return cmd;
    }
}
