package org.sparknlsq.fit;

import static org.junit.jupiter.api.Assertions.*;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparknlsq.io.CsvReader;
import org.sparknlsq.strategy.Strategy;
import org.sparknlsq.strategy.StrategyPlanner;

/** Which local CSV files are fitted on this JVM without Spark, and how that is decided. */
class LocalFileRoutingTest {
    @TempDir
    Path dir;

    private Path decay(String name, int n) throws IOException {
        Path p = dir.resolve(name);
        try (BufferedWriter w = Files.newBufferedWriter(p)) {
            w.write("x,y\n");
            for (int i = 0; i < n; i++) {
                double x = 10.0 * i / n;
                double noise = ((i * 7919L) % 1000 - 499.5) * 1e-5;
                w.write(String.format(Locale.ROOT, "%.17g,%.17g%n", x, 3 * Math.exp(-0.7 * x) + 0.5 + noise));
            }
        }
        return p;
    }

    /** Above the seed's 1M-point STANDARD limit, a file whose data fit the heap still needs no Spark. */
    @Test
    void aLocalFileAboveAMillionPointsIsFittedHereWithoutSpark() throws IOException {
        Path data = decay("big.csv", 1_200_000);
        FitOutcome o = CurveFitting.fit(
                FitInput.file(data.toString(), null),
                FitRequest.builder()
                        .model("a*exp(-b*x) + c")
                        .xColumns("x")
                        .yColumn("y")
                        .initialValue("a", 1)
                        .initialValue("b", 1)
                        .initialValue("c", 0)
                        .build());
        assertTrue(o.success());
        assertEquals(Strategy.STANDARD, o.strategy());
        assertNull(o.diagnostics().master());
        assertEquals(0, o.diagnostics().sparkJobs());
        assertTrue(
                o.diagnostics().strategyReason().startsWith("1,200,000 points, 18.3 MiB: a local file whose data fit"),
                o.diagnostics().strategyReason());
        assertArrayEquals(new double[] {3, 0.7, 0.5}, o.result().parameters(), 1e-4);
    }

    @Test
    void theDriverTakesAFileWhoseDataTakeAtMostAQuarterOfTheHeap() {
        long bytes = StrategyPlanner.dataBytes(1_000_000, 1, true);
        assertEquals(24_000_000, bytes);
        assertTrue(StrategyPlanner.fitsDriver(1_000_000, 1, true, 4 * bytes));
        assertFalse(StrategyPlanner.fitsDriver(1_000_000, 1, true, 4 * bytes - 4));
        assertFalse(StrategyPlanner.fitsDriver(1_000_001, 1, true, 4 * bytes));
    }

    @Test
    void recordsAreCountedInASmallFileAndEstimatedInALargeOne() throws IOException {
        assertEquals(11, CsvReader.estimateRecords(decay("small.csv", 10)));
        long estimate = CsvReader.estimateRecords(decay("large.csv", 200_000));
        assertTrue(estimate >= 200_000 && estimate <= 1.2 * 200_000, "estimate " + estimate);
        assertEquals(0, CsvReader.estimateRecords(dir.resolve("missing.csv")));
    }
}
