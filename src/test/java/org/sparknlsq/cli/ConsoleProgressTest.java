package org.sparknlsq.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The progress line is throttled, rewritten in place, and cleared at the end. */
class ConsoleProgressTest {
    @Test
    void updatesAreThrottledRewrittenInPlaceAndCleared() throws InterruptedException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ConsoleProgress p = new ConsoleProgress(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        for (int i = 0; i < 1000; i++) {
            p.onProgress("iteration", i, 1000, Map.of("cost", 1.5, "gradient_norm", 0.25));
        }
        assertEquals("", bytes.toString(StandardCharsets.UTF_8), "nothing within the first interval");
        Thread.sleep(ConsoleProgress.INTERVAL_MS + 50);
        p.onProgress("iteration", 7, 1000, Map.of("cost", 1.5, "gradient_norm", 0.25));
        p.onProgress("iteration", 8, 1000, Map.of("cost", 1.4, "gradient_norm", 0.2));
        String shown = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(shown.startsWith("\r["), shown);
        assertTrue(shown.contains("iteration 7  cost 1.500000e+00  |g| 2.50e-01"), shown);
        assertTrue(!shown.contains("iteration 8"), "the next update waits for the interval");
        assertTrue(!shown.contains("\n"), "one line, rewritten in place");
        p.finish();
        String end = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(end.endsWith("\r"), "the line is blanked and the cursor returned");
    }

    @Test
    void partitionProgressShowsTheTotal() throws InterruptedException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ConsoleProgress p = new ConsoleProgress(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        Thread.sleep(ConsoleProgress.INTERVAL_MS + 50);
        p.onProgress("partition", 4, 16, Map.of());
        assertTrue(bytes.toString(StandardCharsets.UTF_8).contains("partition 4/16"));
    }
}
