package org.sparknlsq.cli;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.sparknlsq.spark.TestSpark;

/**
 * Every example config in {@code conf/examples} runs as documented (from the repository root), on
 * its data source and strategy, and recovers the parameters the data were generated with.
 */
class ConfExamplesTest {
    static {
        TestSpark.session();
    }

    @TempDir
    Path dir;

    static List<Path> examples() throws IOException {
        try (Stream<Path> s = Files.list(Path.of("conf", "examples"))) {
            return s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
    }

    @ParameterizedTest
    @MethodSource("examples")
    void runsAndRecoversTheTruth(Path config) throws IOException {
        Path out = dir.resolve("result.json");
        Cli.Run r = Cli.run("fit", "--config", config.toString(), "--output", out.toString(), "--quiet");
        assertEquals(0, r.code(), config + ": " + r.err());
        JsonNode j = Cli.JSON.readTree(out.toFile());
        assertTrue(j.get("success").asBoolean(), config.toString());
        String text = Files.readString(config);
        for (String s : List.of("standard", "large", "chunked", "streaming")) {
            if (text.contains("\nstrategy: " + s)) {
                assertEquals(s.toUpperCase(Locale.ROOT), j.get("strategy").asText(), config.toString());
            }
        }
        // the data: y = 3 exp(-1.3 x) + 0.5 + N(0, 0.02²), 1,000 points
        double[] p = Cli.values(j.get("parameters"));
        double[] u = Cli.values(j.get("uncertainties"));
        double[] truth = {3, 1.3, 0.5};
        for (int i = 0; i < 3; i++) {
            assertEquals(truth[i], p[i], 5 * u[i], config + " parameter " + i);
        }
    }
}
