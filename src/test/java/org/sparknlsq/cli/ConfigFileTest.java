package org.sparknlsq.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;

/**
 * {@link ConfigFile} against a small command with one option of each type, so that the contract
 * does not depend on {@code fit}'s options; then {@code fit} itself with a realistic config and the
 * example config of the README.
 */
class ConfigFileTest {
    @TempDir
    Path dir;

    /** One option of each type the expansion checks, a multi-valued one and short names. */
    @Command(name = "sample", mixinStandardHelpOptions = true)
    static final class Sample {
        enum Mode {
            FAST,
            CAREFUL
        }

        @Mixin
        ConfigFile.Options configFile;

        @Option(names = "--name")
        String name;

        @Option(names = "--count")
        int count;

        @Option(names = "--f-scale")
        double fScale;

        @Option(names = {"-q", "--quiet"})
        boolean quiet;

        @Option(names = "--mode")
        Mode mode;

        @Option(names = {"-o", "--output"})
        Path output;

        @Option(names = "--bounds")
        String bounds;

        @Option(names = "--tag")
        List<String> tags;
    }

    /** Does not declare {@code --config}, so {@link ConfigFile#expandSubcommand} leaves it alone. */
    @Command(name = "plain")
    static final class Plain {
        @Option(names = "--name")
        String name;
    }

    @Command(
            name = "root",
            subcommands = {Sample.class, Plain.class})
    static final class Root {
        @Option(names = "--verbose")
        boolean verbose;
    }

    // ---- value shapes ----

    @Test
    void scalarsOfEachTypeBecomeOptionArguments() throws IOException {
        String[] args = expand(
                """
                name: decay
                count: 12
                f-scale: 1e-3
                quiet: true
                mode: CAREFUL
                output: out/result.json
                """);
        assertArrayEquals(
                new String[] {
                    "--name=decay",
                    "--count=12",
                    "--f-scale=1e-3",
                    "--quiet",
                    "--mode=CAREFUL",
                    "--output=out/result.json"
                },
                args);
        Sample s = parse(args);
        assertEquals("decay", s.name);
        assertEquals(12, s.count);
        assertEquals(1e-3, s.fScale);
        assertTrue(s.quiet);
        assertEquals(Sample.Mode.CAREFUL, s.mode);
        assertEquals(Path.of("out/result.json"), s.output);
    }

    @Test
    void falseLeavesAFlagOffAndYamlBooleansCount() throws IOException {
        assertArrayEquals(new String[0], expand("quiet: false\n"));
        assertArrayEquals(new String[] {"--quiet"}, expand("quiet: yes\n"));
        assertArrayEquals(new String[] {"--quiet"}, ConfigFile.expand(spec(), new String[] {"--set", "quiet=TRUE"}));
    }

    @Test
    void textIsPassedAsWritten() throws IOException {
        // 012 is not read as octal and 'no' not as false: a string option gets the text.
        assertArrayEquals(new String[] {"--name=012", "--bounds=no"}, expand("name: 012\nbounds: no\n"));
    }

    @Test
    void listIsJoinedWithCommas() throws IOException {
        assertArrayEquals(new String[] {"--name=x1,x2"}, expand("name: [x1, x2]\n"));
        assertArrayEquals(new String[] {"--name=x1,x2"}, expand("name:\n  - x1\n  - x2\n"));
    }

    @Test
    void mappingBecomesKeyValuePairs() throws IOException {
        assertArrayEquals(new String[] {"--bounds=a=1,b=0.5"}, expand("bounds: {a: 1, b: 0.5}\n"));
    }

    @Test
    void pairsBecomeRangesAndYamlInfinitiesBecomeInf() throws IOException {
        assertArrayEquals(
                new String[] {"--bounds=a=0:10,b=-inf:5,c=2,d=1e-3:.inf"},
                expand("bounds: {a: [0, 10], b: [-.inf, 5], c: 2, d: [1e-3, '.inf']}\n"));
        assertArrayEquals(new String[] {"--bounds=a=-inf:inf"}, expand("bounds:\n  a: [-.Inf, +.INF]\n"));
    }

    @Test
    void specialFloatsUseJavaSpellingsForNumberOptions() throws IOException {
        assertEquals(Double.POSITIVE_INFINITY, parse(expand("f-scale: .inf\n")).fScale);
        assertEquals(Double.NEGATIVE_INFINITY, parse(expand("f-scale: -.inf\n")).fScale);
        assertTrue(Double.isNaN(parse(expand("f-scale: .nan\n")).fScale));
        assertArrayEquals(new String[] {"--name=nan"}, expand("name: .NaN\n"));
    }

    @Test
    void specialFloatsWrittenByJacksonReadBackAsTheSameNumbers() throws IOException {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("f-scale", Double.NEGATIVE_INFINITY);
        config.put(
                "bounds",
                Map.of("a", List.of(Double.NEGATIVE_INFINITY, 2.5), "b", List.of(0.0, Double.POSITIVE_INFINITY)));
        Path file = dir.resolve("written.yaml");
        new YAMLMapper().writeValue(file.toFile(), config);
        Sample s = parse(ConfigFile.expand(spec(), new String[] {"--config", file.toString()}));
        assertEquals(Double.NEGATIVE_INFINITY, s.fScale);
        Map<String, double[]> bounds = ParameterArgs.parseBounds(s.bounds);
        assertArrayEquals(new double[] {Double.NEGATIVE_INFINITY, 2.5}, bounds.get("a"));
        assertArrayEquals(new double[] {0.0, Double.POSITIVE_INFINITY}, bounds.get("b"));

        new YAMLMapper().writeValue(file.toFile(), Map.of("f-scale", Double.NaN));
        assertTrue(Double.isNaN(parse(ConfigFile.expand(spec(), new String[] {"--config", file.toString()})).fScale));
    }

    @Test
    void multiValuedOptionIsRepeated() throws IOException {
        String[] args = expand("tag: [a, 'b,c']\n");
        assertArrayEquals(new String[] {"--tag=a", "--tag=b,c"}, args);
        assertEquals(List.of("a", "b,c"), parse(args).tags);
    }

    @Test
    void keysMaySpellAnOptionInSnakeOrCamelCase() throws IOException {
        assertArrayEquals(new String[] {"--f-scale=2"}, expand("f_scale: 2\n"));
        assertArrayEquals(new String[] {"--f-scale=2"}, expand("fScale: 2\n"));
        assertArrayEquals(new String[] {"--f-scale=3"}, ConfigFile.expand(spec(), new String[] {"--set", "fScale=3"}));
    }

    @Test
    void emptyFileSetsNothing() throws IOException {
        assertArrayEquals(new String[] {"--count", "1"}, expand("# nothing yet\n", "--count", "1"));
    }

    // ---- precedence ----

    @Test
    void commandLineWinsOverSetWhichWinsOverTheFile() throws IOException {
        String[] args = expand(
                "name: file\ncount: 1\nmode: FAST\n",
                "--set",
                "name=set",
                "--set=count=2",
                "--count",
                "3",
                "--set",
                "mode=CAREFUL");
        // The file's order; the command line's count replaces both others, after them.
        assertArrayEquals(new String[] {"--name=set", "--mode=CAREFUL", "--count", "3"}, args);
        Sample s = parse(args);
        assertEquals("set", s.name);
        assertEquals(3, s.count);
        assertEquals(Sample.Mode.CAREFUL, s.mode);
    }

    @Test
    void theLastSetOfAKeyWins() {
        String[] args = ConfigFile.expand(spec(), new String[] {"--set", "name=a", "--set", "name=b=c"});
        assertArrayEquals(new String[] {"--name=b=c"}, args);
    }

    @Test
    void optionsOnTheCommandLineAreRecognisedInEveryForm() throws IOException {
        String yaml = "quiet: true\noutput: a.json\nname: n\ncount: 1\ntag: [t]\n";
        // -qo: clustered short options, the last taking the next argument; --name=: attached.
        String[] args = expand(yaml, "-qo", "b.json", "--name=m", "--tag", "u");
        assertArrayEquals(new String[] {"--count=1", "-qo", "b.json", "--name=m", "--tag", "u"}, args);
        Sample s = parse(args);
        assertEquals(Path.of("b.json"), s.output);
        assertEquals(List.of("u"), s.tags);
        // An attached short value; everything after -- is left alone.
        assertArrayEquals(
                new String[] {"--quiet", "--name=n", "--count=1", "--tag=t", "-ob.json", "--", "--count"},
                expand(yaml, "-ob.json", "--", "--count"));
    }

    @Test
    void configFileMayBeAttachedWithEquals() throws IOException {
        Path file = Files.writeString(dir.resolve("c.yaml"), "count: 4\n");
        assertArrayEquals(new String[] {"--count=4"}, ConfigFile.expand(spec(), new String[] {"--config=" + file}));
    }

    @Test
    void argumentsWithoutConfigOrSetAreReturnedUnchanged() {
        String[] args = {"--name", "x", "--", "--config"};
        assertSame(args, ConfigFile.expand(spec(), args));
    }

    @Test
    void helpIsNeverBlockedByABrokenConfig() {
        String[] args = {"--config", dir.resolve("missing.yaml").toString(), "--set", "oops", "--help"};
        assertArrayEquals(new String[] {"--help"}, ConfigFile.expand(spec(), args));
    }

    @Test
    void expandSubcommandExpandsOnlyCommandsThatDeclareConfig() throws IOException {
        Path file = Files.writeString(dir.resolve("c.yaml"), "name: n\n");
        CommandLine root = new CommandLine(new Root());
        String[] args = ConfigFile.expandSubcommand(
                root, new String[] {"--verbose", "sample", "--config", file.toString(), "--count", "2"});
        assertArrayEquals(new String[] {"--verbose", "sample", "--name=n", "--count", "2"}, args);
        root.parseArgs(args);

        String[] plain = {"plain", "--config", file.toString()};
        assertSame(plain, ConfigFile.expandSubcommand(root, plain));
    }

    @Test
    void theMixinDocumentsConfigAndSet() {
        String usage = new CommandLine(new Sample()).getUsageMessage();
        assertTrue(usage.contains("--config=FILE"), usage);
        assertTrue(usage.contains("--set=KEY=VALUE"), usage);
    }

    // ---- problems ----

    static Stream<Arguments> fileProblems() {
        return Stream.of(
                Arguments.of("nmae: x\n", "line 1: unknown key 'nmae' (did you mean 'name'?)"),
                Arguments.of("F_SCALE: 1\n", "line 1: unknown key 'F_SCALE' (did you mean 'f-scale'?)"),
                Arguments.of("zzz: 1\n", "line 1: unknown key 'zzz'"),
                Arguments.of("count: ten\n", "line 1: 'count' expects an integer, got 'ten'"),
                Arguments.of("count: 1.5\n", "line 1: 'count' expects an integer, got '1.5'"),
                Arguments.of("count: [1, 2]\n", "line 1: 'count' expects an integer, got a list of 2"),
                Arguments.of("f-scale: big\n", "line 1: 'f-scale' expects a number, got 'big'"),
                Arguments.of("mode: fast\n", "line 1: 'mode' expects one of FAST, CAREFUL, got 'fast'"),
                Arguments.of("quiet: maybe\n", "line 1: 'quiet' is a flag: expects true or false, got 'maybe'"),
                Arguments.of("output: {a: 1}\n", "line 1: 'output' expects a path, got a mapping"),
                Arguments.of("name: [a, [b]]\n", "line 1: 'name[1]' must be a single value, got a list of 1"),
                Arguments.of("name:\n", "line 1: 'name' has no value (null); leave the key out instead"),
                Arguments.of("quiet: ~\n", "line 1: 'quiet' has no value (null); leave the key out instead"),
                Arguments.of(
                        "bounds: {a: [0, ~]}\n",
                        "line 1: 'bounds.a[1]' has no value (null); leave the key out instead"),
                Arguments.of(
                        "bounds:\n  a: [0, 1, 2]\n",
                        "line 2: 'bounds.a' must be a value or a [low, high] pair, got a list of 3"),
                Arguments.of("help: true\n", "line 1: 'help' can only be given on the command line"),
                Arguments.of("version: true\n", "line 1: 'version' can only be given on the command line"),
                Arguments.of("config: other.yaml\n", "line 1: 'config' can only be given on the command line"),
                Arguments.of("set: [a=1]\n", "line 1: 'set' can only be given on the command line"),
                Arguments.of("name: a\nname: b\n", "line 2: duplicate key 'name' (first on line 1)"),
                Arguments.of("bounds:\n  a: 1\n  a: 2\n", "line 3: duplicate key 'a' (first on line 2)"),
                Arguments.of(
                        "f-scale: 1\nf_scale: 2\n", "line 2: 'f_scale' sets the same option as 'f-scale' on line 1"),
                Arguments.of(
                        "name: &n x\nbounds: *n\n", "line 2: YAML aliases (*n) are not supported; repeat the value"),
                Arguments.of(
                        "- a\n- b\n",
                        "line 1: the top level must be a mapping of option names to values, got a list of 2"),
                Arguments.of("name: a\n---\ncount: 1\n", "line 3: a second YAML document; a config is one mapping"),
                Arguments.of(
                        "name: [a, b\ncount: 3\n",
                        "line 2, column 6: YAML syntax error: while parsing a flow sequence: "
                                + "expected ',' or ']', but got :"),
                Arguments.of(
                        "name: a: b\n", "line 1, column 8: YAML syntax error: mapping values are not allowed here"));
    }

    @ParameterizedTest
    @MethodSource("fileProblems")
    void aProblemInTheFileNamesTheFileAndLine(String yaml, String expected) throws IOException {
        ConfigFile.ConfigException e = assertThrows(ConfigFile.ConfigException.class, () -> expand(yaml));
        assertEquals(dir.resolve("c.yaml") + ": " + expected, e.getMessage());
    }

    static Stream<Arguments> commandLineProblems() {
        return Stream.of(
                Arguments.of(new String[] {"--set", "count"}, "--set: expected KEY=VALUE, got 'count'"),
                Arguments.of(new String[] {"--set", "=1"}, "--set: expected KEY=VALUE, got '=1'"),
                Arguments.of(new String[] {"--set"}, "--set: expected KEY=VALUE, got nothing"),
                Arguments.of(new String[] {"--config"}, "--config: missing file name"),
                Arguments.of(new String[] {"--config="}, "--config: missing file name"),
                Arguments.of(new String[] {"--set", "nmae=x"}, "--set: unknown key 'nmae' (did you mean 'name'?)"),
                Arguments.of(new String[] {"--set", "count=ten"}, "--set: 'count' expects an integer, got 'ten'"),
                Arguments.of(
                        new String[] {"--set", "quiet=yes"},
                        "--set: 'quiet' is a flag: expects true or false, got 'yes'"),
                Arguments.of(
                        new String[] {"--set", "help=true"}, "--set: 'help' can only be given on the command line"));
    }

    @ParameterizedTest
    @MethodSource("commandLineProblems")
    void aProblemOnTheCommandLineNamesTheOption(String[] args, String expected) {
        ConfigFile.ConfigException e =
                assertThrows(ConfigFile.ConfigException.class, () -> ConfigFile.expand(spec(), args));
        assertEquals(expected, e.getMessage());
    }

    @Test
    void aMissingOrUnreadableFileIsNamed() throws IOException {
        Path missing = dir.resolve("missing.yaml");
        assertEquals(missing + ": no such file", failure("--config", missing.toString()));
        assertEquals(dir + ": is a directory", failure("--config", dir.toString()));
        Path latin1 = Files.write(dir.resolve("latin1.yaml"), new byte[] {'n', 'a', 'm', 'e', ':', ' ', (byte) 0xe9});
        assertEquals(latin1 + ": cannot read: not UTF-8 text", failure("--config", latin1.toString()));
        Path c = Files.writeString(dir.resolve("c.yaml"), "count: 1\n");
        assertEquals(
                "--config: given more than once (use --set to override single keys)",
                failure("--config", c.toString(), "--config", c.toString()));
    }

    @Test
    void everyProblemIsReportedAtOnce() throws IOException {
        Path file = Files.writeString(
                dir.resolve("c.yaml"),
                """
                nmae: x
                count: ten
                quiet: maybe
                help: true
                count: 3
                bounds: {a: [0, 1, 2], b: ~}
                """);
        ConfigFile.ConfigException e = assertThrows(
                ConfigFile.ConfigException.class,
                () -> ConfigFile.expand(spec(), new String[] {
                    "--set", "f-scale=big", "--config", file.toString(), "--set", "oops", "--count", "2"
                }));
        List<String> expected = List.of(
                file + ": line 1: unknown key 'nmae' (did you mean 'name'?)",
                "line 2: 'count' expects an integer, got 'ten'",
                "line 3: 'quiet' is a flag: expects true or false, got 'maybe'",
                "line 4: 'help' can only be given on the command line",
                "line 5: duplicate key 'count' (first on line 2)",
                "line 6: 'bounds.a' must be a value or a [low, high] pair, got a list of 3",
                "line 6: 'bounds.b' has no value (null); leave the key out instead",
                "--set: expected KEY=VALUE, got 'oops'",
                "--set: 'f-scale' expects a number, got 'big'");
        assertEquals(expected, e.problems());
        assertEquals(String.join("; ", expected), e.getMessage());
        assertEquals(
                ExitCode.CONFIG_ERROR, assertInstanceOf(CliException.class, e).exitCode());
    }

    // ---- the fit command ----

    @Test
    void aRealisticConfigParsesAsFitArguments() throws IOException {
        Path file = Files.writeString(
                dir.resolve("fit.yaml"),
                """
                data: conf/examples/decay.csv
                x: [x]
                y: y
                sigma: sigma
                model: "a*exp(-b*x) + c"
                params: {a: 1, b: 1, c: 0}
                bounds: {a: [0, .inf], b: [0, 10], c: [-.inf, .inf]}
                method: trf
                loss: soft_l1
                f_scale: 0.1
                maxIterations: 50
                absolute-sigma: true
                output: result.json
                """);
        // Compared as the strings picocli matched, so the test does not depend on fit's field types.
        Map<String, List<String>> matched =
                matchedOptions(new String[] {"--config", file.toString(), "--max-iterations", "20"});
        Map<String, List<String>> expected = new LinkedHashMap<>();
        expected.put("--data", List.of("conf/examples/decay.csv"));
        expected.put("--x", List.of("x"));
        expected.put("--y", List.of("y"));
        expected.put("--sigma", List.of("sigma"));
        expected.put("--model", List.of("a*exp(-b*x) + c"));
        expected.put("--params", List.of("a=1,b=1,c=0"));
        expected.put("--bounds", List.of("a=0:inf,b=0:10,c=-inf:inf"));
        expected.put("--method", List.of("trf"));
        expected.put("--loss", List.of("soft_l1"));
        expected.put("--f-scale", List.of("0.1"));
        expected.put("--absolute-sigma", List.of("true"));
        expected.put("--output", List.of("result.json"));
        expected.put("--max-iterations", List.of("20"));
        assertEquals(expected, matched);
        Map<String, double[]> bounds =
                ParameterArgs.parseBounds(matched.get("--bounds").get(0));
        assertEquals(10, bounds.get("b")[1]);
        assertArrayEquals(new double[] {0, Double.POSITIVE_INFINITY}, bounds.get("a"));
    }

    @Test
    void theExampleConfigIsTheReadmeQuickstart() throws IOException {
        String prefix = "jobs/spark-nlsq fit --data conf/examples/decay.csv";
        String command = Files.readAllLines(Path.of("README.md")).stream()
                .filter(l -> l.startsWith(prefix))
                .findFirst()
                .orElseThrow();
        List<String> words = shellWords(command);
        String[] readme = words.subList(2, words.size()).toArray(String[]::new);
        String[] config = {"--config", "conf/examples/decay.yaml"};
        assertEquals(matchedOptions(readme), matchedOptions(config));

        // And it runs: the fit converges (exit 0).
        CommandLine cl = new CommandLine(new FitCommand());
        cl.setOut(new PrintWriter(new StringWriter()));
        assertEquals(0, cl.execute(ConfigFile.expand(cl.getCommandSpec(), config)));
    }

    // ---- helpers ----

    private static CommandSpec spec() {
        return new CommandLine(new Sample()).getCommandSpec();
    }

    /** Writes the YAML to c.yaml and expands {@code --config c.yaml ARGS} for {@link Sample}. */
    private String[] expand(String yaml, String... args) throws IOException {
        Path file = Files.writeString(dir.resolve("c.yaml"), yaml);
        String[] all = Stream.concat(Stream.of("--config", file.toString()), Stream.of(args))
                .toArray(String[]::new);
        return ConfigFile.expand(spec(), all);
    }

    private static String failure(String... args) {
        return assertThrows(ConfigFile.ConfigException.class, () -> ConfigFile.expand(spec(), args))
                .getMessage();
    }

    private static Sample parse(String... args) {
        Sample s = new Sample();
        new CommandLine(s).parseArgs(args);
        return s;
    }

    /** The options {@code fit} matched, with their values as given, after expansion. */
    private static Map<String, List<String>> matchedOptions(String[] args) {
        CommandLine cl = new CommandLine(new FitCommand());
        return cl.parseArgs(ConfigFile.expand(cl.getCommandSpec(), args)).matchedOptions().stream()
                .collect(Collectors.toMap(OptionSpec::longestName, OptionSpec::stringValues));
    }

    /** Splits a shell command line in words, honouring single quotes (all the README uses). */
    private static List<String> shellWords(String line) {
        List<String> words = new ArrayList<>();
        Matcher m = Pattern.compile("'([^']*)'|(\\S+)").matcher(line);
        while (m.find()) {
            words.add(m.group(1) != null ? m.group(1) : m.group(2));
        }
        return words;
    }

    @Test
    void aYamlAliasBombIsOneShortLineWithEachProblemOnce() throws IOException {
        Path bomb = Files.writeString(
                dir.resolve("bomb.yaml"),
                "a: &a [\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\"]\n"
                        + "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
                        + "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
                        + "params: *c\n");
        Cli.Run r = Cli.run("fit", "--config", bomb.toString());
        assertEquals(ExitCode.CONFIG_ERROR.code(), r.code());
        assertEquals(1, r.errLines().size(), r.err());
        assertTrue(r.err().length() < 600, r.err());
        assertEquals(1, r.err().split("aliases \\(\\*a\\)", -1).length - 1, r.err());
    }
}
