package org.sparknlsq.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every bad input gives its documented exit code and exactly one stderr line that names the
 * problem and where it is (file:line, column, option, parameter). Nothing goes to stdout.
 */
class FitErrorsTest {
    @TempDir
    Path dir;

    @BeforeEach
    void files() throws IOException {
        Cli.write(dir, "good.csv", "x,y,s\n1,2.1,1\n2,3.9,1\n3,6.2,1\n4,8.1,1\n");
        Cli.write(dir, "bad.csv", "x,y,s\n1,2,1\n2,abc,1\n");
        Cli.write(dir, "short.csv", "x,y,s\n1,2,1\n2,3\n");
        Cli.write(dir, "nan.csv", "x,y,s\n1,2,1\n2,3,1\n3,nan,1\n");
        Cli.write(dir, "zero.csv", "# sigma 0 on line 4\nx,y,s\n1,2,1\n2,3,0\n");
        Cli.write(dir, "empty.csv", "");
        Cli.write(dir, "header.csv", "x,y,s\n# no rows\n");
        Cli.write(dir, "two.csv", "x,y,s\n1,2,1\n2,3,1\n");
        Cli.write(dir, "escape.csv", "\u001b[2Jx,y\n1,2\n2,3\n");
        Cli.write(dir, "bidi.csv", "\u202ex\u200b,y\n1,2\n2,3\n");
    }

    /** Arguments after {@code fit --data DIR/file}; expected code; fragments of the message. */
    static Stream<Arguments> cases() {
        return Stream.of(
                c("bad.csv", "", 3, "bad.csv:3: column 'y': cannot parse \"abc\" as a number"),
                c("short.csv", "", 3, "short.csv:3: expected 3 fields (as in the header), found 2"),
                c("good.csv", "--y z", 3, "good.csv:1: no column 'z' in the header; available columns: x, y, s"),
                c("empty.csv", "", 3, "empty.csv: the file is empty (no header row)"),
                c("header.csv", "", 3, "header.csv: no data rows after the header"),
                c("missing.csv", "", 3, "missing.csv: no such file"),
                c(
                        "nan.csv",
                        "",
                        3,
                        "nan.csv:4: column 'y': value \"nan\" is not finite (--bad-records drop skips such records)"),
                c("zero.csv", "--sigma s", 3, "zero.csv:4: column 's': sigma must be positive, got 0"),
                c(
                        "two.csv",
                        "--model a*x^2+b*x+c --params a=1,b=1,c=0",
                        3,
                        "two.csv: 2 data row(s) but the model has 3 parameters: the fit is underdetermined"),
                c("good.csv", "--bounds b=1:5", 2, "--params: the start value of 'b' (0) is outside its bounds [1, 5]"),
                c(
                        "good.csv",
                        "--bounds b=5:1",
                        2,
                        "--bounds: the lower bound of 'b' (5) must be below its upper bound (1)"),
                c("good.csv", "--bounds b=0:0", 2, "the lower bound of 'b' (0) must be below its upper bound (0)"),
                c("good.csv", "--bounds q=0:1", 2, "--bounds: 'q' is not a parameter of the model (parameters: a, b)"),
                c("good.csv", "--bounds b=5", 2, "--bounds: expected NAME=LOWER:UPPER, got 'b=5'"),
                c("good.csv", "--bounds b=x:1", 2, "--bounds: cannot parse 'x' as the lower bound of 'b'"),
                c(
                        "good.csv",
                        "--bounds a=5:1,b=x:1,q=0:1,b=0:1 --max-iterations 0",
                        2,
                        "--bounds: cannot parse 'x' as the lower bound of 'b'; --bounds: parameter 'b' is given twice;"
                                + " --bounds: 'q' is not a parameter of the model (parameters: a, b); --bounds: the"
                                + " lower bound of 'a' (5) must be below its upper bound (1); --max-iterations: must"
                                + " be >= 1, got 0"),
                c(
                        "good.csv",
                        "--params a=1,b=x --bounds a=3:2",
                        2,
                        "error: --params: cannot parse 'x' as the start value of 'b'; --bounds: the lower bound"),
                c("good.csv", "--params a=1,a=2", 2, "--params: parameter 'a' is given twice"),
                c("good.csv", "--params a=1,b=abc", 2, "--params: cannot parse 'abc' as the start value of 'b'"),
                c("good.csv", "--params a=1,b", 2, "--params: expected NAME=VALUE, got 'b'"),
                c("good.csv", "--params a=1,b=inf", 2, "--params: the start value of 'b' must be finite, got inf"),
                c("good.csv", "--params a=1,,b=2", 2, "--params: empty item in 'a=1,,b=2'"),
                c("good.csv", "--params 1a=1,b=0", 2, "--params: '1a' is not a valid parameter name"),
                c(
                        "good.csv",
                        "--model a*x+x --params a=1,x=0",
                        2,
                        "--params: 'x' is both a parameter and a variable (an x column)"),
                c("good.csv", "--method newton", 2, "--method: unknown method 'newton' (expected trf or lm)"),
                c("good.csv", "--loss l2", 2, "--loss: unknown loss 'l2' (expected linear, soft_l1, huber"),
                c("good.csv", "--method lm --bounds a=0:10", 2, "--method: lm does not support bounds"),
                c(
                        "good.csv",
                        "--bad-records skip",
                        2,
                        "--bad-records: unknown policy 'skip' (expected failfast or drop)"),
                c(
                        "good.csv",
                        "--x-scale 1,2,3",
                        2,
                        "--x-scale: expected 'jac' or 2 positive numbers (one per parameter: a, b), got 3"),
                c("good.csv", "--x-scale 1,-2", 2, "--x-scale: the scale of 'b' must be positive and finite, got -2"),
                c(
                        "good.csv",
                        "--ftol -1 --max-iterations 0",
                        2,
                        "--ftol: must be a finite number >= 0, got -1.0; --max-iterations: must be >= 1, got 0"),
                c("good.csv", "--f-scale 0", 2, "--f-scale: must be positive and finite"),
                c("good.csv", "--max-iterations lots", 2, "--max-iterations", "lots"),
                c("good.csv", "--frobnicate", 2, "Unknown option: '--frobnicate'; see 'spark-nlsq fit --help'"),
                c("good.csv", "--x-scal 1", 2, "(did you mean --x-scale?)"),
                c("good.csv", "--model a*expp(x)+b", 2, "--model: unknown function 'expp' at column 3"),
                c("good.csv", "--model a*x --params a=1,b=0", 2, "--model: ", "'b'"),
                c("good.csv", "--model builtin:gausian", 2, "--model: unknown model 'gausian'; valid names: linear"),
                c(
                        "good.csv",
                        "--model builtin:exponential_decay --params a=1,b=1",
                        2,
                        "--params: no start value for c; builtin:exponential_decay"),
                c(
                        "good.csv",
                        "--model builtin:linear --params a=1,b=1,z=3",
                        2,
                        "--params: 'z' is not a parameter of builtin:linear (parameters: a, b)"),
                c(
                        "good.csv",
                        "--x x,s --model builtin:linear",
                        2,
                        "--x: builtin:linear has 1 variable(s) (x), got 2 column(s) (x, s)"),
                c("good.csv", "--x x,x", 2, "--x: column 'x' is listed twice"),
                c("good.csv", "--x y --model a*y+b", 2, "--y: 'y' is also an x column"),
                c("good.csv", "--sigma y", 2, "--sigma: 'y' is also the y column or an x column"),
                c("good.csv", "--report DIR/bad.csv/r", 2, "--report: cannot create directory"),
                c("good.csv", "--model e*x+b --params e=1,b=0", 2, "--params: 'e' is a constant of the expression"),
                c("good.csv", "--model a*x+pi --params a=1,pi=0", 2, "--params: 'pi' is a constant"),
                c("escape.csv", "", 3, "available columns: \\x1b[2Jx, y"),
                c("bidi.csv", "", 3, "available columns: \\u202ex\\u200b, y"),
                c("good.csv", "--params a=" + "9".repeat(100_000) + ",b=0", 2, "more characters)"),
                c(
                        "good.csv",
                        "--output DIR/good.csv/sub/r.json",
                        2,
                        "--output:",
                        "good.csv/sub/r.json is, holds or lies inside an input"),
                c("good.csv", "--output DIR", 2, "--output:", "an output never replaces an input"),
                c(
                        "good.csv",
                        "--model a*log(x-b) --params a=1,b=1.5",
                        6,
                        "good.csv:2: the model is not finite at the start parameters for 1 point(s), the first on this"
                                + " line (start values: a=1, b=1.5)"));
    }

    private static Arguments c(String file, String extra, int code, String... fragments) {
        return Arguments.of(file, extra, code, fragments);
    }

    @ParameterizedTest(name = "[{index}] {0} {1} -> {2}")
    @MethodSource("cases")
    void badInputGivesOneLineAndItsExitCode(String file, String extra, int code, String[] fragments) {
        List<String> extras = extra.isEmpty()
                ? List.of()
                : List.of(extra.replace("DIR", dir.toString()).split(" "));
        List<String> args =
                new ArrayList<>(List.of("fit", "--data", dir.resolve(file).toString()));
        String[][] defaults = {{"--x", "x"}, {"--y", "y"}, {"--model", "a*x+b"}, {"--params", "a=1,b=0"}};
        for (String[] d : defaults) {
            if (!extras.contains(d[0])) {
                args.addAll(List.of(d));
            }
        }
        args.addAll(extras);
        Cli.Run r = Cli.run(args.toArray(new String[0]));
        assertEquals(code, r.code(), r.err());
        assertEquals("", r.out());
        assertEquals(1, r.errLines().size(), r.err());
        String line = r.errLines().get(0);
        assertTrue(line.startsWith(Main.ERROR_PREFIX), line);
        assertTrue(line.length() < 2_000, () -> "a message of " + line.length() + " characters");
        for (String f : fragments) {
            assertTrue(line.contains(f), () -> "expected \"" + f + "\" in: " + line);
        }
    }

    @Test
    void everyBadValueOfAConfigIsReportedAtOnceAtItsLine() throws IOException {
        Path config = Cli.write(
                dir,
                "fit.yaml",
                String.join(
                        "\n",
                        "data: " + dir.resolve("good.csv"),
                        "x: x",
                        "y: y",
                        "model: a*x+b+c",
                        "params: {a: 1, b: 0, c: 0}",
                        "bounds:",
                        "  a: [10, 0]",
                        "  b: 3",
                        "  c: [.nan, 2]",
                        "  d: [0, 1]",
                        "max-iterations: -3",
                        ""));
        Cli.Run r = Cli.run("fit", "--config", config.toString(), "--set", "xtol=-1");
        assertEquals(2, r.code(), r.err());
        assertEquals(1, r.errLines().size(), r.err());
        String f = config.toString();
        assertEquals(
                Main.ERROR_PREFIX
                        + f + ": line 7: bounds: the lower bound of 'a' (10) must be below its upper bound (0); "
                        + f + ": line 8: bounds: expected NAME=LOWER:UPPER, got 'b=3'; "
                        + f + ": line 9: bounds: the lower bound of 'c' is NaN; "
                        + f + ": line 10: bounds: 'd' is not a parameter of the model (parameters: a, b, c); "
                        + f + ": line 11: max-iterations: must be >= 1, got -3; "
                        + "--set: xtol: must be a finite number >= 0, got -1.0",
                r.errLines().get(0));
        // an option on the command line wins over the file, and its problem names the option
        Cli.Run cl = Cli.run("fit", "--config", config.toString(), "--bounds", "a=0:1,b=0:1,c=0:1,d=1:0");
        assertEquals(
                Main.ERROR_PREFIX
                        + f + ": line 11: max-iterations: must be >= 1, got -3; "
                        + "--bounds: 'd' is not a parameter of the model (parameters: a, b, c)",
                cl.errLines().get(0));
    }

    @Test
    void missingSubcommandAndMissingOptionsAreUsageErrors() {
        Cli.Run none = Cli.run();
        assertEquals(2, none.code());
        assertEquals(
                List.of(
                        Main.ERROR_PREFIX
                                + "missing command (one of: fit, predict, generate, checkpoints, help); see 'spark-nlsq --help'"),
                none.errLines());
        Cli.Run missing = Cli.run("fit", "--x", "x");
        assertEquals(2, missing.code());
        assertEquals(1, missing.errLines().size());
        assertTrue(missing.err().contains("Missing required options: '--data=PATH|URI'"), missing.err());
    }

    @Test
    void debugAddsTheStackTraceAfterTheMessage() {
        Cli.Run r = Cli.run(
                "fit",
                "--data",
                dir.resolve("bad.csv").toString(),
                "--x",
                "x",
                "--y",
                "y",
                "--model",
                "a*x",
                "--params",
                "a=1",
                "--debug");
        assertEquals(3, r.code());
        assertTrue(r.errLines().size() > 3, r.err());
        assertTrue(r.errLines().get(0).startsWith(Main.ERROR_PREFIX + dir.resolve("bad.csv") + ":3:"));
        assertTrue(r.err().contains("at org.sparknlsq.io.CsvReader"), r.err());
    }

    @Test
    void internalErrorsAreOneLineWithAHint() {
        StringWriter s = new StringWriter();
        int code = Main.report(new IllegalStateException("boom\nsecond line"), new PrintWriter(s), false);
        assertEquals(ExitCode.INTERNAL_ERROR.code(), code);
        assertEquals(
                Main.ERROR_PREFIX + "internal error: java.lang.IllegalStateException: boom second line"
                        + " (see --debug for the stack trace)",
                s.toString().strip());
        StringWriter oom = new StringWriter();
        assertEquals(1, Main.report(new OutOfMemoryError("Java heap space"), new PrintWriter(oom), false));
        assertTrue(oom.toString().contains("out of memory"), oom.toString());
    }

    @Test
    void noTemporaryFileIsLeftWhenTheOutputCannotBeWritten() throws IOException {
        Path target = dir.resolve("busy");
        Files.createDirectory(target);
        Cli.Run r = Cli.run(Cli.fitArgs(dir.resolve("good.csv"), "a*x+b", "a=1,b=0", "--output", target.toString()));
        assertEquals(2, r.code());
        try (Stream<Path> files = Files.list(dir)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")));
        }
    }

    /** Whatever ends the command, --status-file holds its exit code (a scheduler's only view in cluster mode). */
    @Test
    void theStatusFileHoldsTheExitCodeOfEveryOutcome() throws IOException {
        Path status = dir.resolve("out").resolve("fit.status");
        String[][] runs = {
            {
                "0",
                "--data",
                dir.resolve("good.csv").toString(),
                "--x",
                "x",
                "--y",
                "y",
                "--model",
                "a*x+b",
                "--params",
                "a=1,b=0"
            },
            {
                "3",
                "--data",
                dir.resolve("good.csv").toString(),
                "--x",
                "x",
                "--y",
                "nope",
                "--model",
                "a*x+b",
                "--params",
                "a=1,b=0"
            },
            {"2", "--data", dir.resolve("good.csv").toString(), "--bogus"},
        };
        for (String[] r : runs) {
            List<String> args = new ArrayList<>(List.of("fit", "--status-file", status.toString()));
            args.addAll(List.of(r).subList(1, r.length));
            Cli.Run run = Cli.run(args.toArray(new String[0]));
            assertEquals(Integer.parseInt(r[0]), run.code(), run.err());
            assertEquals("{\"exit_code\": " + r[0] + "}\n", Files.readString(status), String.join(" ", args));
        }
        // from a config file too
        Path config = Cli.write(
                dir,
                "status.yaml",
                "status-file: " + status + "\ndata: " + dir.resolve("missing.csv")
                        + "\nx: x\ny: y\nmodel: a*x+b\nparams: {a: 1, b: 0}\n");
        assertEquals(3, Cli.run("fit", "--config", config.toString()).code());
        assertEquals("{\"exit_code\": 3}\n", Files.readString(status));
    }

    @Test
    void inClusterDeployModeRelativePathsAreRefused() {
        String saved = System.getProperty("spark.submit.deployMode");
        System.setProperty("spark.submit.deployMode", "cluster");
        try {
            Cli.Run r = Cli.run(Cli.fitArgs(dir.resolve("good.csv"), "a*x+b", "a=1,b=0", "--output", "result.json"));
            assertEquals(2, r.code(), r.err());
            assertEquals(
                    List.of(Main.ERROR_PREFIX + "--output: 'result.json' is relative, and in cluster deploy mode the"
                            + " driver runs on a cluster node; give an absolute path on a shared filesystem or a URI"
                            + " (hdfs://, s3a://)"),
                    r.errLines());
        } finally {
            if (saved == null) {
                System.clearProperty("spark.submit.deployMode");
            } else {
                System.setProperty("spark.submit.deployMode", saved);
            }
        }
    }

    @Test
    void exitCodesAreStable() {
        int[] codes = Stream.of(ExitCode.values()).mapToInt(ExitCode::code).toArray();
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6, 7}, codes);
    }
}
