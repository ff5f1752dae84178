package org.sparknlsq.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The PySpark facade ({@code src/main/python/spark_nlsq}) under pytest, with Debian's jpype as the
 * JVM bridge in place of py4j: a child Python process starts a JVM on this test's classpath and
 * calls the facade as PySpark code would.
 */
class PythonFacadeTest {
    @Test
    void theFacadeTestsPass() throws Exception {
        ProcessBuilder pb = new ProcessBuilder(
                        "/usr/bin/python3",
                        "-m",
                        "pytest",
                        "-q",
                        "-p",
                        "no:cacheprovider",
                        "src/test/python/test_facade.py")
                .redirectErrorStream(true);
        pb.environment().put("SPARK_NLSQ_CLASSPATH", System.getProperty("java.class.path"));
        pb.environment().put("SPARK_NLSQ_JVM_OPTIONS", System.getProperty("sparknlsq.test.opens", ""));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "pytest timed out");
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("6 passed"), out);
    }
}
