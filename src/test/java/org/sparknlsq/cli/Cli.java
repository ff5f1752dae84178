package org.sparknlsq.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.DoubleUnaryOperator;
import java.util.stream.Stream;

/** Runs {@link Main} in this JVM with captured streams; writes test data; reads the result JSON. */
final class Cli {
    static final ObjectMapper JSON = new ObjectMapper();

    private Cli() {}

    /** The outcome of one command line. */
    record Run(int code, String out, String err) {
        List<String> errLines() {
            return err.lines().toList();
        }
    }

    /** Runs {@code fit --output DIR/result.json ARGS}, checks the exit code and parses the JSON. */
    static JsonNode fitJson(Path dir, int expectedCode, String... args) throws IOException {
        Path out = dir.resolve("result.json");
        Files.deleteIfExists(out);
        Run r = run(concat(new String[] {"fit", "--output", out.toString()}, args));
        assertEquals(expectedCode, r.code(), r.err());
        return JSON.readTree(out.toFile());
    }

    /** The values of a JSON array or object, in order. */
    static double[] values(JsonNode n) {
        double[] v = new double[n.size()];
        int i = 0;
        for (JsonNode e : n) {
            v[i++] = e.asDouble();
        }
        return v;
    }

    /** {@code fit} of {@code data} (columns x, y) with {@code model} from {@code start}, then {@code more}. */
    static String[] fitArgs(Path data, String model, String start, String... more) {
        return concat(
                new String[] {
                    "fit", "--data", data.toString(), "--x", "x", "--y", "y", "--model", model, "--params", start
                },
                more);
    }

    static String[] concat(String[] a, String... b) {
        return Stream.concat(Stream.of(a), Stream.of(b)).toArray(String[]::new);
    }

    static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                args);
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** Writes {@code x,y} for n points on [0, xMax] without noise. */
    static Path curve(Path dir, String name, int n, double xMax, DoubleUnaryOperator f) throws IOException {
        StringBuilder b = new StringBuilder("x,y\n");
        for (int i = 0; i < n; i++) {
            double x = xMax * i / (n - 1);
            b.append(String.format(Locale.ROOT, "%.17g,%.17g%n", x, f.applyAsDouble(x)));
        }
        return write(dir, name, b.toString());
    }

    static Path write(Path dir, String name, String content) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, content, StandardCharsets.UTF_8);
        return p;
    }
}
