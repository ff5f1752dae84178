package org.sparknlsq.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.sparknlsq.cli.Main;
import org.sparknlsq.testing.DecayCommands;

/**
 * The storage tests' common round trip through the real command line: {@code generate} a decay
 * data set to a URI, {@code fit} it from there with its result written to another URI, and read
 * the result back through the session's Hadoop configuration. Both commands must exit 0.
 */
final class RemoteRoundTrip {
    private RemoteRoundTrip() {}

    /** Reads a whole file from any Hadoop file system the test session is configured for. */
    static String read(String uri) throws Exception {
        Path p = new Path(uri);
        FileSystem fs = p.getFileSystem(TestSpark.session().sparkContext().hadoopConfiguration());
        try (InputStream in = fs.open(p)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /**
     * @param points points to generate (true a = 3, b = 1.3, c = 0.5, noise 0.02)
     * @param files Parquet files to generate
     * @param fitOptions further options of {@code fit} (strategy, partitions)
     * @return the result JSON
     */
    static JsonNode generateAndFit(String data, String result, int points, int files, String... fitOptions)
            throws Exception {
        run(DecayCommands.generate(points, files, data).toArray(String[]::new));
        List<String> fit = DecayCommands.fit(data, "--output", result);
        fit.addAll(List.of(fitOptions));
        run(fit.toArray(new String[0]));
        return new ObjectMapper().readTree(read(result));
    }

    private static void run(String... args) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                args);
        assertEquals(0, code, args[0] + ": " + err.toString(StandardCharsets.UTF_8));
    }
}
