package org.sparknlsq.cli;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.sparknlsq.spark.SparkSessions;
import org.sparknlsq.testing.CliJvm;

/**
 * A master that is malformed or cannot be reached is a configuration error in one line that names
 * it, before Spark starts (no internal error, no stack trace, no minute of registration retries).
 */
class MasterErrorsTest {
    @Test
    void masterFormsAreCheckedBeforeSparkStarts() {
        for (String ok :
                List.of("local", "local[*]", "local[4]", "local[2,3]", "local[*,2]", "local-cluster[2,1,1024]")) {
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

    /** Well-formed masters that cannot start here are refused at once, each with its reason. */
    @Test
    void mastersThatCannotStartHereAreRefusedWithTheirReason() {
        Map<String, String> why = Map.of(
                "local[100000]", "asks for 100000 threads; at most 1024",
                "local[99999999999999,2]", "threads; at most 1024",
                "local-cluster[1,1,1]", "gives each worker 1 MiB; Spark needs at least 512 MiB",
                "yarn", "needs Spark's YARN support, which is not on this command's class path",
                "k8s://https://127.0.0.1:1", "needs Spark's Kubernetes support");
        why.forEach((master, reason) -> {
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> SparkSessions.checkMaster(master), master);
            assertTrue(e.getMessage().contains(reason), e.getMessage());
        });
        assertDoesNotThrow(() -> SparkSessions.checkMaster("local[1024]"));
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

    /** What a child JVM's fit of decay.csv on {@code master} said on stderr, and its exit code. */
    private record Said(int code, List<String> lines) {}

    /** {@code fit} of conf/examples/decay.csv with {@code --master master}, in a child JVM with {@code jvmFlags}. */
    private static Said fitOn(String master, String... jvmFlags) throws Exception {
        List<String> cmd = CliJvm.command(Path.of(System.getProperty("java.io.tmpdir"), "master-test.log"), jvmFlags);
        cmd.addAll(List.of(Cli.fitArgs(Path.of("conf/examples/decay.csv"), "a*exp(-b*x)+c", "a=1,b=1,c=0")));
        cmd.addAll(List.of("--master", master));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        Process p = pb.start();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), master);
        return new Said(p.exitValue(), err.lines().filter(l -> !l.isBlank()).toList());
    }

    @Test
    void theCommandLineSaysSoInOneLineWithExit2() throws Exception {
        for (String master : List.of("garbage", "local[0]", "spark://127.0.0.1:1")) {
            Said r = fitOn(master);
            assertEquals(ExitCode.CONFIG_ERROR.code(), r.code(), r.toString());
            assertEquals(1, r.lines().size(), r.toString());
            assertTrue(
                    r.lines().get(0).startsWith("spark-nlsq: error: --master: ")
                            && r.lines().get(0).contains(master),
                    r.toString());
        }
    }

    /** Under spark-submit (which sets spark.master), --master may not quietly override its choice. */
    @Test
    void aMasterOtherThanSparkSubmitsIsRefused() throws Exception {
        Said r = fitOn("local[2]", "-Dspark.master=local[1]");
        assertEquals(ExitCode.CONFIG_ERROR.code(), r.code(), r.toString());
        assertEquals(
                List.of("spark-nlsq: error: --master: local[2] would override spark-submit's master local[1]; under"
                        + " spark-submit, leave --master out (or give spark-submit's --master the same)"),
                r.lines());
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
            // Executors given a class path, so that no application jar need be built (unit tests run before package).
            Said r = fitOn(master, "-Dspark.executor.extraClassPath=" + System.getProperty("java.class.path"));
            assertEquals(ExitCode.CONFIG_ERROR.code(), r.code(), r.toString());
            assertEquals(
                    List.of("spark-nlsq: error: the Spark master " + master + " accepts connections but did not"
                            + " register the application within " + SparkSessions.MASTER_REGISTER_TIMEOUT_S
                            + " s (is it a Spark standalone master, of Spark "
                            + org.apache.spark.package$.MODULE$.SPARK_VERSION() + "?)"),
                    r.lines());
        }
    }

    @Test
    void aDriverHeapTooSmallForSparkIsOneLine() throws Exception {
        Said r = fitOn("local[1]", "-Xmx200m");
        assertEquals(ExitCode.CONFIG_ERROR.code(), r.code(), r.toString());
        assertEquals(1, r.lines().size(), r.toString());
        assertTrue(
                r.lines().get(0).startsWith("spark-nlsq: error: Spark could not start with master local[1]: "),
                r.toString());
        assertTrue(r.lines().get(0).contains("memory"), r.toString());
    }
}
