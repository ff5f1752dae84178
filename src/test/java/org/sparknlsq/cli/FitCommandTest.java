package org.sparknlsq.cli;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Real fits of generated CSV files through the command line, checked through the JSON. */
class FitCommandTest {
    private static final ObjectMapper JSON = Cli.JSON;

    /** Every key the result JSON promises. */
    private static final List<String> KEYS = List.of(
            "format",
            "version",
            "success",
            "status",
            "message",
            "strategy",
            "method",
            "loss",
            "f_scale",
            "absolute_sigma",
            "model",
            "model_formula",
            "variables",
            "data",
            "columns",
            "bad_records",
            "n_points",
            "invalid_points",
            "dropped_records",
            "parameter_names",
            "parameters",
            "uncertainties",
            "initial_parameters",
            "bounds",
            "covariance",
            "correlation",
            "chi_squared",
            "reduced_chi_squared",
            "cost",
            "initial_cost",
            "iterations",
            "evaluations",
            "data_passes",
            "polish_passes",
            "scaled_condition",
            "options",
            "timing",
            "history");

    @TempDir
    Path dir;

    @Test
    void exponentialDecayFitWritesEveryField() throws IOException {
        Path data = Cli.curve(dir, "decay.csv", 200, 5, x -> 3 * Math.exp(-1.3 * x) + 0.5);
        Cli.Run run = Cli.run(
                "fit",
                "--data",
                data.toString(),
                "--x",
                "x",
                "--y",
                "y",
                "--model",
                "a*exp(-b*x) + c",
                "--params",
                "a=1,b=1,c=0",
                "--output",
                dir.resolve("result.json").toString());
        assertEquals(0, run.code(), run.err());
        assertEquals("", run.err());
        assertTrue(run.out().startsWith("converged: "), run.out());
        assertTrue(run.out().contains("  a    = 3.0000000"), run.out());
        assertTrue(run.out().contains("strategy STANDARD, points 200"), run.out());
        assertTrue(run.out().contains(", R2 1.0000000"), run.out());

        JsonNode j = JSON.readTree(dir.resolve("result.json").toFile());
        List<String> keys = new ArrayList<>();
        j.fieldNames().forEachRemaining(keys::add);
        assertTrue(
                keys.containsAll(KEYS),
                "missing: " + KEYS.stream().filter(k -> !keys.contains(k)).toList());
        assertEquals(List.of("a", "b", "c"), JSON.convertValue(j.get("parameter_names"), List.class));
        List<String> order = new ArrayList<>();
        j.get("parameters").fieldNames().forEachRemaining(order::add);
        assertEquals(List.of("a", "b", "c"), order);
        assertArrayEquals(new double[] {3, 1.3, 0.5}, Cli.values(j.get("parameters")), 1e-9);
        assertTrue(j.get("success").asBoolean());
        assertEquals("STANDARD", j.get("strategy").asText());
        assertEquals("trf", j.get("method").asText());
        assertEquals("linear", j.get("loss").asText());
        assertEquals("a*exp(-b*x) + c", j.get("model").asText());
        assertEquals(data.toString(), j.get("data").asText());
        assertEquals(200, j.get("n_points").asLong());
        assertEquals(0, j.get("invalid_points").asLong());
        assertEquals(0, j.get("dropped_records").asLong());
        assertTrue(j.get("status").asText().matches("[a-z_]+"), j.get("status").asText());
        assertEquals(3, j.get("covariance").size());
        assertEquals(3, j.get("correlation").get(2).size());
        assertTrue(j.get("cost").asDouble() < 1e-20 * j.get("initial_cost").asDouble() + 1e-25);
        assertTrue(j.get("iterations").asInt() > 0
                && j.get("evaluations").asInt() >= j.get("iterations").asInt());
        // one pass per evaluation, and one for the covariance only when J is not well conditioned
        assertEquals(
                j.get("evaluations").asLong() + (j.get("scaled_condition").asDouble() > 100 ? 1 : 0),
                j.get("data_passes").asLong());
        for (String t : List.of("total_seconds", "fit_seconds", "read_seconds")) {
            assertTrue(j.get("timing").get(t).asDouble() > 0, t);
        }
        JsonNode first = j.get("history").get(0);
        for (String k :
                List.of("iteration", "evaluations", "cost", "gradient_norm", "step_norm", "radius", "accepted")) {
            assertTrue(first.has(k), k);
        }
        assertEquals(j.get("iterations").asInt(), j.get("history").size() - rejected(j.get("history")));
        assertFalse(j.get("version").asText().isEmpty());
    }

    private static int rejected(JsonNode history) {
        int n = 0;
        for (JsonNode h : history) {
            n += h.get("accepted").asBoolean() ? 0 : 1;
        }
        return n;
    }

    @Test
    void twoVariableFitNamesVariablesByColumn() throws IOException {
        StringBuilder b = new StringBuilder("x1,x2,z\n");
        for (int i = 0; i < 60; i++) {
            double x1 = i * 0.1;
            double x2 = (i * 7 % 11) * 0.3;
            b.append(String.format(Locale.ROOT, "%.17g,%.17g,%.17g%n", x1, x2, 2 * x1 + 0.7 * Math.exp(-0.4 * x2)));
        }
        Path data = Cli.write(dir, "two.csv", b.toString());
        JsonNode j = Cli.fitJson(
                dir,
                0,
                "--data",
                data.toString(),
                "--x",
                "x1,x2",
                "--y",
                "z",
                "--model",
                "a*x1 + b*exp(-c*x2)",
                "--params",
                "a=1,b=1,c=1",
                "--quiet");
        assertArrayEquals(new double[] {2, 0.7, 0.4}, Cli.values(j.get("parameters")), 1e-9);
        assertEquals(List.of("x1", "x2"), JSON.convertValue(j.get("variables"), List.class));
    }

    @Test
    void builtinModelTakesStartValuesByNameAndColumnsByPosition() throws IOException {
        Path data = Cli.curve(dir, "decay.csv", 100, 4, x -> 2 * Math.exp(-0.5 * x) + 1);
        Files.writeString(data, Files.readString(data).replaceFirst("x,y", "t,y"));
        JsonNode j = Cli.fitJson(
                dir,
                0,
                "--data",
                data.toString(),
                "--x",
                "t",
                "--y",
                "y",
                "--model",
                "builtin:exponential_decay",
                "--params",
                "c=0,b=1,a=1",
                "--quiet");
        assertEquals(List.of("a", "b", "c"), JSON.convertValue(j.get("parameter_names"), List.class));
        assertArrayEquals(new double[] {2, 0.5, 1}, Cli.values(j.get("parameters")), 1e-9);
        assertEquals("builtin:exponential_decay", j.get("model").asText());
        assertEquals("a*exp(-b*x) + c", j.get("model_formula").asText());
    }

    @Test
    void exactlyDeterminedFitWritesNonFiniteNumbersAsStrings() throws IOException {
        Path data = Cli.write(dir, "two.csv", "x,y\n0,1\n1,3\n");
        JsonNode j = Cli.fitJson(
                dir,
                0,
                "--data",
                data.toString(),
                "--x",
                "x",
                "--y",
                "y",
                "--model",
                "a*x + b",
                "--params",
                "a=0,b=0",
                "--quiet");
        assertArrayEquals(new double[] {2, 1}, Cli.values(j.get("parameters")), 1e-12);
        assertEquals("nan", j.get("reduced_chi_squared").asText());
        assertTrue(j.get("covariance").get(0).get(0).isTextual());
        assertEquals("inf", j.get("uncertainties").get("a").asText());
    }

    @Test
    void dropPolicyCountsDroppedRecords() throws IOException {
        StringBuilder b = new StringBuilder("x,y,s\n");
        for (int i = 0; i < 30; i++) {
            double x = i * 0.2;
            String y = i == 3 ? "nan" : i == 9 ? "" : Double.toString(3 * x - 1);
            b.append(x)
                    .append(',')
                    .append(y)
                    .append(',')
                    .append(i == 20 ? "0" : "1")
                    .append('\n');
        }
        Path data = Cli.write(dir, "drop.csv", b.toString());
        Path out = dir.resolve("result.json");
        Cli.Run run = Cli.run(
                "fit",
                "--data",
                data.toString(),
                "--x",
                "x",
                "--y",
                "y",
                "--sigma",
                "s",
                "--model",
                "a*x + b",
                "--params",
                "a=1,b=0",
                "--bad-records",
                "drop",
                "--output",
                out.toString());
        assertEquals(0, run.code(), run.err());
        assertTrue(
                run.out()
                        .contains("dropped 3 bad record(s) (--bad-records drop); first: " + data
                                + ":5: column 'y': value \"nan\" is not finite"),
                run.out());
        JsonNode j = JSON.readTree(out.toFile());
        assertEquals(3, j.get("dropped_records").asLong());
        assertEquals(27, j.get("n_points").asLong());
        assertEquals("drop", j.get("bad_records").asText());
        assertArrayEquals(new double[] {3, -1}, Cli.values(j.get("parameters")), 1e-9);
    }

    /** The example file in src/test/resources/cli: comments, a quoted text column, two bad records. */
    @Test
    void exampleFileFailsFastThenFitsWithDrop() throws IOException {
        Path data = dir.resolve("decay-with-gaps.csv");
        try (var in = getClass().getResourceAsStream("/cli/decay-with-gaps.csv")) {
            Files.copy(in, data);
        }
        String[] common = {
            "--data",
            data.toString(),
            "--x",
            "t",
            "--y",
            "y",
            "--sigma",
            "s",
            "--model",
            "builtin:exponential_decay",
            "--params",
            "a=1,b=1,c=0"
        };
        Cli.Run failed = Cli.run(Cli.concat(new String[] {"fit"}, common));
        assertEquals(3, failed.code());
        assertTrue(failed.err().contains(data + ":9: column 'y': value \"nan\" is not finite"), failed.err());
        JsonNode j = Cli.fitJson(dir, 0, Cli.concat(common, "--bad-records", "drop", "--absolute-sigma", "--quiet"));
        assertEquals(2, j.get("dropped_records").asLong());
        assertEquals(58, j.get("n_points").asLong());
        double[] p = Cli.values(j.get("parameters"));
        double[] u = Cli.values(j.get("uncertainties"));
        double[] truth = {2.5, 0.8, 0.3};
        for (int i = 0; i < 3; i++) {
            assertEquals(truth[i], p[i], 5 * u[i], "parameter " + i);
        }
    }

    @Test
    void nonConvergingFitExits4AndStillWritesTheBestPoint() throws IOException {
        Path data = Cli.curve(dir, "decay.csv", 100, 5, x -> 3 * Math.exp(-1.3 * x) + 0.5);
        Path out = dir.resolve("result.json");
        Cli.Run run = Cli.run(
                "fit",
                "--data",
                data.toString(),
                "--x",
                "x",
                "--y",
                "y",
                "--model",
                "a*exp(-b*x) + c",
                "--params",
                "a=1,b=1,c=0",
                "--max-evaluations",
                "3",
                "--output",
                out.toString());
        assertEquals(4, run.code());
        assertTrue(run.out().startsWith("NOT converged: MAX_EVALUATIONS"), run.out());
        assertEquals(
                List.of(Main.ERROR_PREFIX + "the fit did not converge: the maximum number of evaluations was "
                        + "reached (best parameters written to " + out + ")"),
                run.errLines());
        JsonNode j = JSON.readTree(out.toFile());
        assertFalse(j.get("success").asBoolean());
        assertEquals("max_evaluations", j.get("status").asText());
        assertEquals(3, j.get("parameters").size());
        assertTrue(j.get("cost").asDouble() < j.get("initial_cost").asDouble());
    }

    @Test
    void quietPrintsNothingAndTheOutputDirectoryHoldsOnlyTheResult() throws IOException {
        Path data = Cli.curve(dir, "line.csv", 10, 1, x -> 2 * x);
        Path out = dir.resolve("result.json");
        Cli.Run run = Cli.run(
                "fit",
                "--data",
                data.toString(),
                "--x",
                "x",
                "--y",
                "y",
                "--model",
                "a*x",
                "--params",
                "a=1",
                "--quiet",
                "--output",
                out.toString());
        assertEquals(0, run.code(), run.err());
        assertEquals("", run.out());
        assertEquals("", run.err());
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(
                    List.of("line.csv", "result.json"),
                    files.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void helpAndVersionSucceed() {
        Cli.Run help = Cli.run("fit", "--help");
        assertEquals(0, help.code());
        assertTrue(help.out().contains("--bad-records"), help.out());
        Cli.Run version = Cli.run("--version");
        assertEquals(0, version.code());
        assertTrue(version.out().startsWith("spark-nlsq "), version.out());
    }

    /** picocli reports a description it cannot format (a bare '%') on System.err, not on ours. */
    @Test
    void everyCommandsHelpFormatsWithoutAWarning() {
        PrintStream saved = System.err;
        ByteArrayOutputStream stray = new ByteArrayOutputStream();
        System.setErr(new PrintStream(stray, true, StandardCharsets.UTF_8));
        try {
            CommandLine root = new CommandLine(new Main());
            List<CommandLine> all = new ArrayList<>(List.of(root));
            for (int i = 0; i < all.size(); i++) {
                all.addAll(all.get(i).getSubcommands().values());
            }
            for (CommandLine c : all) {
                assertFalse(c.getUsageMessage().isBlank(), c.getCommandName());
            }
            assertTrue(all.size() > 4, "subcommands found: " + all.size());
        } finally {
            System.setErr(saved);
        }
        assertEquals("", stray.toString(StandardCharsets.UTF_8));
    }
}
