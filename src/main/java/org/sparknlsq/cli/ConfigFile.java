package org.sparknlsq.cli;

import static org.sparknlsq.cli.ConfigTree.describe;

import com.fasterxml.jackson.core.JsonToken;
import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.sparknlsq.cli.ConfigTree.Field;
import org.sparknlsq.cli.ConfigTree.Mapping;
import org.sparknlsq.cli.ConfigTree.Node;
import org.sparknlsq.cli.ConfigTree.Scalar;
import org.sparknlsq.cli.ConfigTree.Sequence;
import org.sparknlsq.fit.NearestNames;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;

/**
 * Expands {@code --config FILE} and {@code --set KEY=VALUE} into ordinary option arguments, before
 * picocli parses them. A config is therefore nothing but a list of flags: every option of the
 * command can be set, the command never knows where a value came from, and picocli's own
 * conversion and validation apply unchanged. Nothing here names an option of a particular command;
 * everything is read from the {@link CommandSpec}.
 *
 * <p><b>The file</b> is YAML (UTF-8) holding one flat mapping from option name to value. A key is
 * an option's long name without the leading {@code --} ({@code f-scale}), or the same name in
 * {@code snake_case} ({@code f_scale}) or {@code camelCase} ({@code fScale}). Keys are not grouped
 * in nested sections: a nested mapping is a value shape (below), never a namespace, so that every
 * key can be found in {@code --help}. Options without a long name and positional parameters cannot
 * be set. Values are passed on verbatim, so relative paths are relative to the working directory,
 * as on the command line, not to the file. An empty file sets nothing.
 *
 * <p><b>Value shapes</b>:
 *
 * <ul>
 *   <li>a scalar is its text as written ({@code 1e-8} stays {@code 1e-8}; {@code 012} is not read
 *       as octal), except that YAML's {@code .inf}, {@code -.inf} and {@code .nan} become {@code
 *       Infinity}, {@code -Infinity} and {@code NaN} for a {@code double} option and {@code inf},
 *       {@code -inf} and {@code nan} elsewhere, which is what {@code --bounds} reads;
 *   <li>a list is joined with commas: {@code x: [x1, x2]} gives {@code --x=x1,x2};
 *   <li>a mapping becomes {@code k=v,...}: {@code params: {a: 1, b: 0.5}} gives {@code
 *       --params=a=1,b=0.5}; a value that is a two-element list is a range, so {@code bounds: {a:
 *       [0, 10], b: [-.inf, 5]}} gives {@code --bounds=a=0:10,b=-inf:5};
 *   <li>a flag (a boolean option without a value) is given for {@code true} and left out for
 *       {@code false}, so the option's default applies;
 *   <li>a multi-valued option (a {@code List}, array or {@code Map} field) is repeated once per
 *       list item or mapping entry, instead of being joined;
 *   <li>{@code null}, anywhere in a value, is an error: leave the key out instead.
 * </ul>
 *
 * <p><b>Precedence</b>: options on the command line win over {@code --set}, which wins over the
 * file; of two {@code --set} of one key the last wins (as Spark's {@code --conf}). A value that
 * loses is dropped rather than passed on first, so a single-valued option is never given twice,
 * which picocli would reject. The expanded arguments are the surviving config values, in file
 * order and then {@code --set} order, followed by the command-line arguments without {@code
 * --config} and {@code --set}.
 *
 * <p><b>Validation</b> runs over the whole file and every {@code --set}, including values that a
 * command-line option then overrides, and lists every problem in one {@link ConfigException}:
 * unknown keys (with the nearest option names), command-line-only keys ({@code help}, {@code
 * version}, {@code config}, {@code set}), values that do not convert to the option's Java type
 * (integers, numbers, booleans, enums and paths are checked as picocli would convert them; other
 * types are left to picocli), shapes a type cannot take, nulls, duplicate keys, YAML aliases
 * (which Jackson's streaming parser would silently read as the alias name), YAML syntax errors,
 * a top level that is not one mapping, and a missing or unreadable file. When a help or version
 * option is on the command line nothing is read, so that help is never blocked by a broken config.
 */
final class ConfigFile {
    static final String CONFIG = "--config";
    static final String SET = "--set";

    private static final int FROM_SET = ConfigProblems.FROM_SET;
    private static final int WHOLE_FILE = ConfigProblems.WHOLE_FILE;

    private static final List<String> META_KEYS = List.of("help", "version", "config", "set");
    private static final Set<String> SPECIAL_FLOATS = Set.of(".inf", "+.inf", "-.inf", ".nan");

    private final CommandSpec spec;
    /** Every accepted spelling of every settable option. */
    private final Map<String, Target> keys = new HashMap<>();
    /** The options' names without {@code --}, for suggestions. */
    private final List<String> names = new ArrayList<>();

    private final Set<String> metaKeys = new HashSet<>();
    private final ConfigProblems problems = new ConfigProblems();
    /** Filled by {@link #expand(String[])}. */
    private final Map<String, ConfigOrigin> origins = new HashMap<>();

    /**
     * Declares {@code --config} and {@code --set} for a command: {@code @Mixin ConfigFile.Options
     * config;}. picocli then accepts them and {@code --help} lists them, and {@link
     * #expandSubcommand} expands them for that command. The fields stay unset, because expansion
     * removes both options before picocli parses the arguments.
     */
    static final class Options {
        @Option(
                names = CONFIG,
                paramLabel = "FILE",
                description = "Read options from a YAML file: a flat mapping of option names without '--' "
                        + "to values. Options on the command line win over the file.")
        Path config;

        @Option(
                names = SET,
                paramLabel = "KEY=VALUE",
                description = "Set one config key, overriding the file (repeatable); "
                        + "options on the command line still win.")
        List<String> set;

        /**
         * The file {@code --config} named, recorded by {@link #expandSubcommand} (the option itself
         * is removed before picocli parses), so the command can refuse an output that would
         * replace it.
         */
        Path source;

        /** Where the file or {@code --set} gave each option the command line did not, by option name. */
        Map<String, ConfigOrigin> origins = Map.of();

        /** The problems as one message, each placed where its value came from ({@link ConfigOrigin#locate}). */
        String locate(List<OptionProblem> problems) {
            return ConfigOrigin.locate(origins, problems);
        }
    }

    /** Every problem with a config file and the {@code --set} overrides, in one message (exit 2). */
    static final class ConfigException extends CliException {
        private final List<String> problems;

        ConfigException(List<String> problems) {
            super(ExitCode.CONFIG_ERROR, String.join("; ", problems));
            this.problems = List.copyOf(problems);
        }

        /** The problems in the order of the message: the file's by line, then the command line's. */
        List<String> problems() {
            return problems;
        }
    }

    /** An option a key sets, and the name of it to pass on. */
    private record Target(OptionSpec option, String name) {}

    /** The arguments a key expands to, and where it was set. */
    private record Choice(String key, int line, List<String> arguments, Map<String, Integer> entryLines) {}

    /** The command line with {@code --config} and {@code --set} taken out. */
    private record Scan(String config, List<Field> sets, List<String> rest, Set<OptionSpec> present, boolean help) {}

    /** How a value of a Java type is checked before picocli converts it. */
    private record TypeRule(String label, Predicate<String> accepts) {}

    private ConfigFile(CommandSpec spec) {
        this.spec = spec;
        metaKeys.addAll(META_KEYS);
        for (OptionSpec o : spec.options()) {
            List<String> own = Arrays.asList(o.names());
            boolean meta = o.usageHelp() || o.versionHelp() || own.contains(CONFIG) || own.contains(SET);
            for (String name : own) {
                if (!name.startsWith("--")) {
                    continue;
                }
                String key = name.substring(2);
                List<String> spellings = Stream.of(key, key.replace('-', '_'), camel(key))
                        .distinct()
                        .toList();
                if (meta) {
                    metaKeys.addAll(spellings);
                } else {
                    names.add(key);
                    spellings.forEach(s -> keys.putIfAbsent(s, new Target(o, name)));
                }
            }
        }
    }

    /**
     * Expands {@code --config} and {@code --set} in the arguments of one command (without the
     * command's name). Arguments without either are returned as they are.
     *
     * @throws ConfigException listing every problem found
     */
    static String[] expand(CommandSpec spec, String[] args) {
        return mentioned(args) ? new ConfigFile(spec).expand(args) : args;
    }

    private static boolean mentioned(String[] args) {
        return Stream.of(args).takeWhile(a -> !a.equals("--")).anyMatch(a -> isOption(a, CONFIG) || isOption(a, SET));
    }

    /**
     * Expands the arguments of a whole command line: finds the subcommand they run and, if it
     * declares {@code --config} (see {@link Options}), expands the arguments after its name.
     * Commands that do not declare it get their arguments unchanged, so picocli reports {@code
     * --config} as unknown there.
     *
     * @throws ConfigException listing every problem found
     */
    static String[] expandSubcommand(CommandLine root, String[] args) {
        CommandLine command = root;
        int start = 0;
        for (int i = 0; i < args.length && !args[i].equals("--"); i++) {
            CommandLine sub = command.getSubcommands().get(args[i]);
            if (sub != null) {
                command = sub;
                start = i + 1;
            }
        }
        if (!command.getCommandSpec().optionsMap().containsKey(CONFIG)) {
            return args;
        }
        String[] own = Arrays.copyOfRange(args, start, args.length);
        ConfigFile file = new ConfigFile(command.getCommandSpec());
        String[] tail = mentioned(own) ? file.expand(own) : own;
        recordSource(command.getCommandSpec(), own, file.origins);
        return Stream.concat(Arrays.stream(args, 0, start), Stream.of(tail)).toArray(String[]::new);
    }

    /**
     * Sets {@link Options#source} of the command's mixin to the file {@code --config} names, and
     * {@link Options#origins} to where each expanded option came from.
     */
    private static void recordSource(CommandSpec spec, String[] args, Map<String, ConfigOrigin> origins) {
        Path file = null;
        for (int i = 0; i < args.length && !args[i].equals("--"); i++) {
            if (args[i].equals(CONFIG) && i + 1 < args.length) {
                file = Path.of(args[i + 1]);
            } else if (args[i].startsWith(CONFIG + "=")) {
                file = Path.of(args[i].substring(CONFIG.length() + 1));
            }
        }
        for (CommandSpec mixin : spec.mixins().values()) {
            if (mixin.userObject() instanceof Options o) {
                o.source = file;
                o.origins = Map.copyOf(origins);
            }
        }
    }

    private String[] expand(String[] args) {
        Scan scan = scan(args);
        if (scan.help()) {
            return scan.rest().toArray(String[]::new);
        }
        Map<OptionSpec, Choice> chosen = new LinkedHashMap<>();
        if (scan.config() != null) {
            ConfigTree.readFile(scan.config(), problems).forEach(f -> choose(chosen, f));
        }
        scan.sets().forEach(f -> choose(chosen, f));
        problems.throwIfAny();
        List<String> out = new ArrayList<>();
        chosen.forEach((option, choice) -> {
            if (!scan.present().contains(option)) {
                out.addAll(choice.arguments());
                origins.put(
                        option.longestName(),
                        new ConfigOrigin(scan.config(), choice.line(), choice.key(), choice.entryLines()));
            }
        });
        out.addAll(scan.rest());
        return out.toArray(String[]::new);
    }

    private static boolean isOption(String arg, String name) {
        return arg.equals(name) || arg.startsWith(name + "=");
    }

    /** Takes out {@code --config} and {@code --set}, and notes which options the rest sets. */
    private Scan scan(String[] args) {
        String config = null;
        List<Field> sets = new ArrayList<>();
        List<String> rest = new ArrayList<>();
        Set<OptionSpec> present = new HashSet<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--")) {
                rest.addAll(Arrays.asList(args).subList(i, args.length));
                break;
            }
            String meta = isOption(arg, CONFIG) ? CONFIG : isOption(arg, SET) ? SET : null;
            if (meta == null) {
                rest.add(arg);
                for (int values = matchOptions(arg, present); values > 0 && i + 1 < args.length; values--) {
                    rest.add(args[++i]);
                }
                continue;
            }
            String value = arg.length() > meta.length()
                    ? arg.substring(meta.length() + 1)
                    : i + 1 < args.length ? args[++i] : null;
            if (meta.equals(CONFIG)) {
                if (value == null || value.isBlank()) {
                    problems.argument(CONFIG + ": missing file name");
                } else if (config != null) {
                    problems.argument(CONFIG + ": given more than once (use " + SET + " to override single keys)");
                } else {
                    config = value;
                    problems.file(value);
                }
            } else {
                int eq = value == null ? -1 : value.indexOf('=');
                if (eq <= 0) {
                    problems.argument(
                            SET + ": expected KEY=VALUE, got " + (value == null ? "nothing" : "'" + value + "'"));
                } else {
                    String key = value.substring(0, eq).strip();
                    sets.add(new Field(
                            key, FROM_SET, new Scalar(value.substring(eq + 1), JsonToken.VALUE_STRING, FROM_SET)));
                }
            }
        }
        boolean help = present.stream().anyMatch(o -> o.usageHelp() || o.versionHelp());
        return new Scan(config, sets, rest, present, help);
    }

    /**
     * Adds the options a command-line argument sets to {@code present}, as picocli would match
     * them: an exact name, {@code name=value}, or clustered short options ({@code -qo FILE}).
     * Returns how many following arguments are the last option's values, so that a value is
     * never mistaken for an option.
     */
    private int matchOptions(String arg, Set<OptionSpec> present) {
        int cut = arg.indexOf(spec.parser().separator());
        String name = cut > 0 ? arg.substring(0, cut) : arg;
        OptionSpec option =
                spec.optionsMap().getOrDefault(name, spec.negatedOptionsMap().get(name));
        if (option != null) {
            present.add(option);
            return cut > 0 ? 0 : option.arity().min();
        }
        if (arg.startsWith("-") && !arg.startsWith("--") && spec.parser().posixClusteredShortOptionsAllowed()) {
            for (int j = 1; j < arg.length(); j++) {
                OptionSpec shortOption = spec.posixOptionsMap().get(arg.charAt(j));
                if (shortOption == null) {
                    return 0;
                }
                present.add(shortOption);
                if (shortOption.arity().max() > 0) {
                    return j + 1 < arg.length() ? 0 : shortOption.arity().min();
                }
            }
        }
        return 0;
    }

    /** Records the arguments of one key, or its problems; a later choice of an option wins. */
    private void choose(Map<OptionSpec, Choice> chosen, Field field) {
        String key = field.key();
        Target target = keys.get(key);
        if (target == null) {
            problems.add(
                    field.line(),
                    metaKeys.contains(key)
                            ? "'" + key + "' can only be given on the command line"
                            : "unknown key '" + key + "'" + suggestion(key));
            return;
        }
        List<String> arguments = arguments(target, key, field.value());
        Choice earlier = chosen.get(target.option());
        if (earlier != null && field.line() != FROM_SET) {
            problems.add(
                    field.line(),
                    "'" + key + "' sets the same option as '" + earlier.key() + "' on line " + earlier.line());
        } else {
            Map<String, Integer> entries = new LinkedHashMap<>();
            if (field.value() instanceof Mapping m) {
                m.fields().forEach(f -> entries.putIfAbsent(f.key(), f.line()));
            }
            chosen.put(target.option(), new Choice(key, field.line(), arguments, entries));
        }
    }

    /** The option arguments for a value, or none when it is invalid (its problems are recorded). */
    private List<String> arguments(Target target, String key, Node value) {
        OptionSpec option = target.option();
        if (option.arity().max() == 0) {
            if (value instanceof Scalar s && isNull(key, s)) {
                return List.of();
            }
            Boolean on = value instanceof Scalar s ? flag(s) : null;
            if (on == null) {
                problems.add(value.line(), "'" + key + "' is a flag: expects true or false, got " + describe(value));
                return List.of();
            }
            return on ? List.of(target.name()) : List.of();
        }
        int before = problems.count();
        List<String> texts = new ArrayList<>();
        if (!option.isMultiValue()) {
            texts.add(text(key, value, option.type(), ""));
        } else if (option.typeInfo().isMap() && value instanceof Mapping mapping) {
            Class<?>[] types = option.auxiliaryTypes();
            for (Field f : mapping.fields()) {
                String path = key + "." + f.key();
                texts.add(f.key() + "=" + text(path, f.value(), types[types.length - 1], option.splitRegex()));
            }
        } else {
            Class<?> element = option.typeInfo().isMap() ? String.class : option.auxiliaryTypes()[0];
            List<Node> items = value instanceof Sequence s ? s.items() : List.of(value);
            for (int i = 0; i < items.size(); i++) {
                String path = value instanceof Sequence ? key + "[" + i + "]" : key;
                texts.add(text(path, items.get(i), element, option.splitRegex()));
            }
        }
        String prefix = target.name() + spec.parser().separator();
        return problems.count() > before
                ? List.of()
                : texts.stream().map(t -> prefix + t).toList();
    }

    /**
     * The text of one value for a type, recording a problem when it does not fit. {@code split}
     * is the option's split regex: picocli converts each piece, so each piece is checked.
     */
    private String text(String path, Node value, Class<?> type, String split) {
        TypeRule rule = rule(type);
        if (value instanceof Scalar s) {
            if (isNull(path, s)) {
                return "";
            }
            String text = scalar(s, type);
            String[] pieces = split.isEmpty() ? new String[] {text} : text.split(split, -1);
            if (rule != null && !Stream.of(pieces).allMatch(rule.accepts())) {
                problems.add(s.line(), "'" + path + "' expects " + rule.label() + ", got '" + s.text() + "'");
            }
            return text;
        }
        if (rule != null) {
            problems.add(value.line(), "'" + path + "' expects " + rule.label() + ", got " + describe(value));
            return "";
        }
        List<String> parts = new ArrayList<>();
        if (value instanceof Sequence sequence) {
            for (int i = 0; i < sequence.items().size(); i++) {
                parts.add(item(path + "[" + i + "]", sequence.items().get(i), "a single value"));
            }
        } else if (value instanceof Mapping mapping) {
            for (Field f : mapping.fields()) {
                String at = path + "." + f.key();
                String v = f.value() instanceof Sequence pair && pair.items().size() == 2
                        ? item(at + "[0]", pair.items().get(0), "a single value") + ":"
                                + item(at + "[1]", pair.items().get(1), "a single value")
                        : item(at, f.value(), "a value or a [low, high] pair");
                parts.add(f.key() + "=" + v);
            }
        }
        return String.join(",", parts);
    }

    /** The text of a scalar inside a list or mapping of a text option. */
    private String item(String path, Node value, String expected) {
        if (value instanceof Scalar s) {
            return isNull(path, s) ? "" : scalar(s, String.class);
        }
        problems.add(value.line(), "'" + path + "' must be " + expected + ", got " + describe(value));
        return "";
    }

    /** Records a YAML null ({@code ~}, {@code null} or nothing), which has no option text. */
    private boolean isNull(String path, Scalar s) {
        if (s.token() == JsonToken.VALUE_NULL) {
            problems.add(s.line(), "'" + path + "' has no value (null); leave the key out instead");
            return true;
        }
        return false;
    }

    /** A scalar's text for a type: as written, except YAML's special floats and booleans. */
    private static String scalar(Scalar s, Class<?> type) {
        String lower = s.text().toLowerCase(Locale.ROOT);
        if (s.token() == JsonToken.VALUE_NUMBER_FLOAT && SPECIAL_FLOATS.contains(lower)) {
            // Java's spelling for picocli's Double.valueOf; inf/nan for the project's own parsers.
            boolean java = type == double.class || type == Double.class || type == float.class || type == Float.class;
            if (lower.endsWith("nan")) {
                return java ? "NaN" : "nan";
            }
            return (lower.startsWith("-") ? "-" : "") + (java ? "Infinity" : "inf");
        }
        boolean yamlBoolean = s.token() == JsonToken.VALUE_TRUE || s.token() == JsonToken.VALUE_FALSE;
        if (yamlBoolean && (type == boolean.class || type == Boolean.class)) {
            return Boolean.toString(s.token() == JsonToken.VALUE_TRUE);
        }
        return s.text();
    }

    /** A YAML boolean ({@code true}, {@code yes}, ...) or the text true/false; otherwise null. */
    private static Boolean flag(Scalar s) {
        if (s.token() == JsonToken.VALUE_TRUE || s.text().equalsIgnoreCase("true")) {
            return true;
        }
        if (s.token() == JsonToken.VALUE_FALSE || s.text().equalsIgnoreCase("false")) {
            return false;
        }
        return null;
    }

    /**
     * The check for a type, mirroring picocli's built-in converters ({@code Integer.valueOf},
     * {@code Double.valueOf}, ...); null for types left to picocli (text and custom types).
     */
    private TypeRule rule(Class<?> type) {
        if (type == int.class || type == Integer.class) {
            return parses("an integer", Integer::parseInt);
        } else if (type == long.class || type == Long.class) {
            return parses("an integer", Long::parseLong);
        } else if (type == short.class || type == Short.class) {
            return parses("an integer", Short::parseShort);
        } else if (type == byte.class || type == Byte.class) {
            return parses("an integer", Byte::parseByte);
        } else if (type == double.class || type == Double.class) {
            return parses("a number", Double::parseDouble);
        } else if (type == float.class || type == Float.class) {
            return parses("a number", Float::parseFloat);
        } else if (type == boolean.class || type == Boolean.class) {
            return new TypeRule("true or false", t -> t.equalsIgnoreCase("true") || t.equalsIgnoreCase("false"));
        } else if (type.isEnum()) {
            List<String> constants = Stream.of(type.getEnumConstants())
                    .map(c -> ((Enum<?>) c).name())
                    .toList();
            boolean anyCase = spec.parser().caseInsensitiveEnumValuesAllowed();
            return new TypeRule("one of " + String.join(", ", constants), t -> constants.stream()
                    .anyMatch(c -> anyCase ? c.equalsIgnoreCase(t) : c.equals(t)));
        } else if (Path.class.isAssignableFrom(type) || type == File.class) {
            return parses("a path", t -> Path.of(t));
        }
        return null;
    }

    private static TypeRule parses(String label, Consumer<String> parser) {
        return new TypeRule(label, text -> {
            try {
                parser.accept(text);
                return true;
            } catch (IllegalArgumentException e) { // NumberFormatException, InvalidPathException
                return false;
            }
        });
    }

    /** The nearest option names, by edit distance on the kebab-case spelling of the key. */
    private String suggestion(String key) {
        List<String> near = new ArrayList<>();
        for (String name : NearestNames.nearest(kebab(key), names)) {
            near.add("'" + name + "'");
        }
        if (near.isEmpty()) {
            return "";
        }
        String last = near.remove(near.size() - 1);
        return " (did you mean " + (near.isEmpty() ? "" : String.join(", ", near) + " or ") + last + "?)";
    }

    /** {@code fScale}, {@code f_scale}, {@code F-Scale} all become {@code f-scale}. */
    static String kebab(String key) {
        return key.replaceAll("([a-z0-9])([A-Z])", "$1-$2").replace('_', '-').toLowerCase(Locale.ROOT);
    }

    /** {@code max-iterations} becomes {@code maxIterations}. */
    private static String camel(String name) {
        StringBuilder b = new StringBuilder(name.length());
        boolean upper = false;
        for (char c : name.toCharArray()) {
            if (c == '-') {
                upper = true;
            } else {
                b.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return b.toString();
    }
}
