package org.sparknlsq.cli;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.sparknlsq.io.DecimalParser;

/**
 * Parses the list-valued options {@code --params}, {@code --bounds} and column lists. Each parse
 * records every problem of the value as an {@link OptionProblem} (naming the parameter or item at
 * fault) and keeps the good items; the one-argument forms throw a {@link CliException} (exit 2)
 * listing them all.
 */
final class ParameterArgs {
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private ParameterArgs() {}

    /** Start values by name, in the order given on the command line. */
    record Starts(List<String> names, double[] values) {}

    /** As {@link #parseParams(String, List)}, throwing when there is any problem. */
    static Starts parseParams(String text) {
        return orThrow(p -> parseParams(text, p));
    }

    /**
     * Parses {@code b1=500,b2=1e-4}: names must be identifiers, unique, with finite values. A
     * value that is not a finite number is NaN in the result (its problem recorded), so that the
     * parameter names stay complete.
     */
    static Starts parseParams(String text, List<OptionProblem> problems) {
        String option = "--params";
        List<String> names = new ArrayList<>();
        List<Double> values = new ArrayList<>();
        for (String item : items(option, text, "NAME=VALUE", problems)) {
            int eq = item.indexOf('=');
            if (eq < 0) {
                problems.add(new OptionProblem(option, "expected NAME=VALUE, got '" + item + "'"));
                continue;
            }
            String name = item.substring(0, eq).strip();
            if (!validName(option, name, problems)) {
                continue;
            }
            if (names.contains(name)) {
                problems.add(new OptionProblem(option, "parameter '" + name + "' is given twice"));
                continue;
            }
            String valueText = item.substring(eq + 1).strip();
            Double v = number(option, valueText, "the start value of '" + name + "'", problems);
            if (v != null && !Double.isFinite(v)) {
                problems.add(new OptionProblem(
                        option, "the start value of '" + name + "' must be finite, got " + valueText));
            }
            names.add(name);
            values.add(v != null && Double.isFinite(v) ? v : Double.NaN);
        }
        return new Starts(
                List.copyOf(names),
                values.stream().mapToDouble(Double::doubleValue).toArray());
    }

    /** As {@link #parseBounds(String, List)}, throwing when there is any problem. */
    static Map<String, double[]> parseBounds(String text) {
        return orThrow(p -> parseBounds(text, p));
    }

    /**
     * Parses {@code b1=0:1000,b2=-inf:} into {lower, upper} by parameter name, in the order given;
     * an empty side means infinite. Whether the names are parameters, and the order of the two
     * sides, are the library's checks.
     */
    static Map<String, double[]> parseBounds(String text, List<OptionProblem> problems) {
        String option = "--bounds";
        Map<String, double[]> out = new LinkedHashMap<>();
        Set<String> seen = new HashSet<>();
        for (String item : items(option, text, "NAME=LOWER:UPPER", problems)) {
            int eq = item.indexOf('=');
            int colon = item.indexOf(':', eq + 1);
            if (eq < 0 || colon < 0) {
                problems.add(new OptionProblem(option, "expected NAME=LOWER:UPPER, got '" + item + "'"));
                continue;
            }
            String name = item.substring(0, eq).strip();
            if (!seen.add(name)) {
                problems.add(new OptionProblem(option, "parameter '" + name + "' is given twice"));
                continue;
            }
            Double lo = bound(item.substring(eq + 1, colon).strip(), "lower", name, Double.NEGATIVE_INFINITY, problems);
            Double hi = bound(item.substring(colon + 1).strip(), "upper", name, Double.POSITIVE_INFINITY, problems);
            if (lo != null && hi != null) {
                out.put(name, new double[] {lo, hi});
            }
        }
        return out;
    }

    /** As {@link #columns(String, String, List)}, throwing when there is any problem. */
    static List<String> columns(String option, String text) {
        return orThrow(p -> columns(option, text, p));
    }

    /** Parses a comma-separated list of distinct column names. */
    static List<String> columns(String option, String text, List<OptionProblem> problems) {
        List<String> cols = new ArrayList<>();
        for (String c : items(option, text, "COLUMN[,COLUMN...]", problems)) {
            if (cols.contains(c)) {
                problems.add(new OptionProblem(option, "column '" + c + "' is listed twice"));
            } else {
                cols.add(c);
            }
        }
        return cols;
    }

    private static <T> T orThrow(Function<List<OptionProblem>, T> parse) {
        List<OptionProblem> problems = new ArrayList<>();
        T parsed = parse.apply(problems);
        if (!problems.isEmpty()) {
            throw CliException.config(String.join(
                    "; ", problems.stream().map(OptionProblem::toString).toList()));
        }
        return parsed;
    }

    private static List<String> items(String option, String text, String form, List<OptionProblem> problems) {
        List<String> items = new ArrayList<>();
        if (text == null || text.isBlank()) {
            problems.add(new OptionProblem(option, "expected " + form + ", got an empty value"));
            return items;
        }
        boolean empty = false;
        for (String item : text.split(",", -1)) {
            if (item.isBlank()) {
                empty = true;
            } else {
                items.add(item.strip());
            }
        }
        if (empty) {
            problems.add(new OptionProblem(option, "empty item in '" + text + "'"));
        }
        return items;
    }

    private static boolean validName(String option, String name, List<OptionProblem> problems) {
        if (NAME.matcher(name).matches()) {
            return true;
        }
        problems.add(new OptionProblem(
                option,
                "'" + name + "' is not a valid parameter name (letters, digits and _, not starting with a digit)"));
        return false;
    }

    /** One side of a bound: empty is {@code none}; null when it is not a number or NaN. */
    private static Double bound(String text, String side, String name, double none, List<OptionProblem> problems) {
        if (text.isEmpty()) {
            return none;
        }
        Double v = number("--bounds", text, "the " + side + " bound of '" + name + "'", problems);
        if (v != null && Double.isNaN(v)) {
            problems.add(new OptionProblem("--bounds", "the " + side + " bound of '" + name + "' is NaN"));
            return null;
        }
        return v;
    }

    private static Double number(String option, String text, String what, List<OptionProblem> problems) {
        try {
            return DecimalParser.parse(text);
        } catch (NumberFormatException e) {
            problems.add(new OptionProblem(option, "cannot parse '" + text + "' as " + what));
            return null;
        }
    }
}
