package org.sparknlsq.it;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code conf/log4j2-json.properties} in a child JVM: stderr carries JSON log lines, and one event
 * per fit with the job id, status, exit code, metrics and diagnostics (success and error).
 */
class StructuredLogIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    record Run(int code, List<String> err) {}

    private static Run run(String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(Arrays.asList(System.getProperty("sparknlsq.it.opens", "").split(" ")));
        cmd.removeIf(String::isBlank);
        cmd.add("-Dlog4j2.configurationFile="
                + Path.of("conf/log4j2-json.properties").toAbsolutePath());
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "org.sparknlsq.cli.Main"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        return new Run(p.exitValue(), err.lines().toList());
    }

    /** Every line that is not the plain one-line error parses as JSON; returns the fit's event. */
    private static JsonNode event(Run r) throws Exception {
        JsonNode event = null;
        for (String line : r.err()) {
            if (line.startsWith("spark-nlsq: error: ")) {
                continue;
            }
            JsonNode j = JSON.readTree(line);
            assertTrue(j.has("timestamp") && j.has("level") && j.has("logger"), line);
            if (j.has("event")) {
                assertNull(event, "one event per fit");
                event = j.get("event");
            }
        }
        assertNotNull(event, "no event in " + r.err());
        return event;
    }

    @Test
    void aFitEndsWithOneJsonEvent() throws Exception {
        Run r = run("fit", "--config", "conf/examples/decay.yaml", "--job-id", "airflow-2026-11-29");
        assertEquals(0, r.code(), r.err().toString());
        JsonNode e = event(r);
        assertEquals("airflow-2026-11-29", e.get("job_id").asText());
        assertEquals("success", e.get("status").asText());
        assertEquals(0, e.get("exit_code").asInt());
        assertEquals(1000, e.get("metrics").get("points").asInt());
        assertTrue(e.get("metrics").get("iterations").asInt() > 0);
        assertEquals("STANDARD", e.get("diagnostics").get("strategy").asText());
        assertEquals(1.0, e.get("diagnostics").get("batch_success_rate").asDouble());
    }

    @Test
    void anErrorIsAnEventToo() throws Exception {
        Run r = run("fit", "--data", "no-such.csv", "--x", "x", "--y", "y", "--model", "a*x", "--params", "a=1");
        assertEquals(3, r.code());
        JsonNode e = event(r);
        assertEquals("error", e.get("status").asText());
        assertEquals(3, e.get("exit_code").asInt());
        assertTrue(e.get("message").asText().contains("no-such.csv"), e.toString());
        assertTrue(e.get("job_id").asText().matches("[0-9a-f-]{36}"), "a random UUID by default");
        assertTrue(r.err().stream().anyMatch(l -> l.startsWith("spark-nlsq: error: ")), "the plain line stays");
    }
}
