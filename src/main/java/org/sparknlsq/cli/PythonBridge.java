package org.sparknlsq.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The entry point of the Python facade ({@code src/main/python/spark_nlsq}): {@code fit} with its
 * options as one JSON object, whose keys are those of a YAML config (option names without
 * {@code --}, in kebab, snake or camel case), run in this JVM exactly as the command line runs it.
 * Under PySpark the fit uses the active SparkSession (the one Python holds) and leaves it running.
 * Returns the result document (the JSON of {@code --output}) as a string.
 */
public final class PythonBridge {
    private PythonBridge() {}

    /**
     * @param optionsJson e.g. {@code {"data": "d.csv", "x": "x", "y": "y", "model": "a*exp(-b*x)",
     *     "params": {"a": 1, "b": 1}}}
     * @return the result JSON; for a fit that ran but is not a success (exit 4 or 7) too, with
     *     {@code success: false}
     * @throws IllegalArgumentException with the command line's one-line message when the fit could
     *     not run (bad options, unreadable data, ...)
     */
    public static String fit(String optionsJson) {
        Path dir = null;
        try {
            dir = Files.createTempDirectory("spark-nlsq-py");
            // JSON is YAML: the options file is read by the same code as --config
            Path config = Files.writeString(dir.resolve("options.yaml"), optionsJson, StandardCharsets.UTF_8);
            Path result = dir.resolve("result.json");
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);
            int code = Main.run(
                    new PrintStream(java.io.OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8),
                    errStream,
                    "fit",
                    "--config",
                    config.toString(),
                    "--output",
                    result.toString(),
                    "--quiet");
            if (Files.exists(result)) {
                return Files.readString(result, StandardCharsets.UTF_8);
            }
            String message = err.toString(StandardCharsets.UTF_8).strip();
            throw new IllegalArgumentException(
                    (message.isEmpty() ? "fit failed" : message) + " (exit code " + code + ")");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (dir != null) {
                deleteQuietly(dir);
            }
        }
    }

    private static void deleteQuietly(Path dir) {
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temporary directory left behind is harmless
        }
    }
}
