package org.sparknlsq.cli;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.sparknlsq.spark.SparkSessions;

/**
 * A master that is malformed or cannot be reached is a configuration error in one line that names
 * it, before Spark starts (no internal error, no stack trace, no minute of registration retries).
 */
class MasterErrorsTest {
    @Test
    void masterFormsAreCheckedBeforeSparkStarts() {
        for (String ok : List.of(
                "local",
                "local[*]",
                "local[4]",
                "local[2,3]",
                "local[*,2]",
                "local-cluster[2,1,1024]",
                "yarn",
                "k8s://https://10.0.0.1:6443")) {
            assertDoesNotThrow(() -> SparkSessions.checkMaster(ok), ok);
        }
        for (String bad : List.of(
                "garbage",
                "local[0]",
                "local[-1]",
                "local[x]",
                "spark://",
                "spark://host",
                "k8s://",
                "mesos://host:5050")) {
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> SparkSessions.checkMaster(bad), bad);
            assertTrue(e.getMessage().contains("unknown master '" + bad + "'"), e.getMessage());
        }
    }

    @Test
    void anUnreachableStandaloneMasterIsNamed() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String master = "spark://127.0.0.1:" + port;
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> SparkSessions.checkMaster(master));
        assertTrue(e.getMessage().startsWith("cannot reach the Spark master " + master + " ("), e.getMessage());
        try (ServerSocket listening = new ServerSocket(0)) {
            assertDoesNotThrow(() ->
                    SparkSessions.checkMaster("spark://127.0.0.1:" + port + ",127.0.0.1:" + listening.getLocalPort()));
        }
    }

    @Test
    void theCommandLineSaysSoInOneLineWithExit2() throws Exception {
        for (String master : List.of("garbage", "local[0]", "spark://127.0.0.1:1")) {
            List<String> cmd = new ArrayList<>();
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            cmd.addAll(
                    Arrays.asList(System.getProperty("sparknlsq.test.opens", "").split(" ")));
            cmd.removeIf(String::isBlank);
            cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "org.sparknlsq.cli.Main"));
            cmd.addAll(List.of(Cli.fitArgs(Path.of("conf/examples/decay.csv"), "a*exp(-b*x)+c", "a=1,b=1,c=0")));
            cmd.addAll(List.of("--master", master));
            Process p = new ProcessBuilder(cmd)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), master);
            assertEquals(ExitCode.CONFIG_ERROR.code(), p.exitValue(), err);
            List<String> lines = err.lines().filter(l -> !l.isBlank()).toList();
            assertEquals(1, lines.size(), err);
            assertTrue(
                    lines.get(0).startsWith("spark-nlsq: error: --master: ")
                            && lines.get(0).contains(master),
                    err);
        }
    }

    /** A port that answers but speaks no Spark: one line within the documented limit, not Spark's minute. */
    @Test
    void aPortThatIsNoSparkMasterIsGivenUpAfterTheRegistrationLimit() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            Thread accept = new Thread(() -> {
                List<java.net.Socket> held = new ArrayList<>();
                try {
                    while (true) {
                        held.add(silent.accept());
                    }
                } catch (java.io.IOException closed) {
                    held.forEach(s -> {
                        try {
                            s.close();
                        } catch (java.io.IOException ignored) {
                            // closing anyway
                        }
                    });
                }
            });
            accept.setDaemon(true);
            accept.start();
            String master = "spark://127.0.0.1:" + silent.getLocalPort();
            List<String> cmd = new ArrayList<>();
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            cmd.addAll(
                    Arrays.asList(System.getProperty("sparknlsq.test.opens", "").split(" ")));
            cmd.removeIf(String::isBlank);
            cmd.add("-Dlog4j2.configurationFile="
                    + Path.of("conf/log4j2.properties").toAbsolutePath());
            cmd.add("-Dsparknlsq.log.file=" + Path.of(System.getProperty("java.io.tmpdir"), "master-test.log"));
            cmd.add("-Dspark.ui.enabled=false");
            cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "org.sparknlsq.cli.Main"));
            cmd.addAll(List.of(Cli.fitArgs(Path.of("conf/examples/decay.csv"), "a*exp(-b*x)+c", "a=1,b=1,c=0")));
            cmd.addAll(List.of("--master", master));
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD);
            pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
            Process p = pb.start();
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(120, TimeUnit.SECONDS));
            assertEquals(ExitCode.CONFIG_ERROR.code(), p.exitValue(), err);
            List<String> lines = err.lines().filter(l -> !l.isBlank()).toList();
            assertEquals(
                    List.of("spark-nlsq: error: the Spark master " + master + " accepts connections but did not"
                            + " register the application within " + SparkSessions.MASTER_REGISTER_TIMEOUT_S
                            + " s (is it a Spark standalone master, of Spark "
                            + org.apache.spark.package$.MODULE$.SPARK_VERSION() + "?)"),
                    lines);
        }
    }

    @Test
    void aDriverHeapTooSmallForSparkIsOneLine() throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx200m");
        cmd.addAll(Arrays.asList(System.getProperty("sparknlsq.test.opens", "").split(" ")));
        cmd.removeIf(String::isBlank);
        cmd.add("-Dlog4j2.configurationFile="
                + Path.of("conf/log4j2.properties").toAbsolutePath());
        cmd.add("-Dsparknlsq.log.file=" + Path.of(System.getProperty("java.io.tmpdir"), "heap-test.log"));
        // another Spark on this machine would make it say which UI port it took instead
        cmd.add("-Dspark.ui.enabled=false");
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "org.sparknlsq.cli.Main"));
        cmd.addAll(List.of(Cli.fitArgs(Path.of("conf/examples/decay.csv"), "a*exp(-b*x)+c", "a=1,b=1,c=0")));
        cmd.addAll(List.of("--master", "local[1]"));
        Process p = new ProcessBuilder(cmd)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(ExitCode.CONFIG_ERROR.code(), p.exitValue(), err);
        List<String> lines = err.lines().filter(l -> !l.isBlank()).toList();
        assertEquals(1, lines.size(), err);
        assertTrue(lines.get(0).startsWith("spark-nlsq: error: Spark could not start with master local[1]: "), err);
        assertTrue(lines.get(0).contains("memory"), err);
    }
}
