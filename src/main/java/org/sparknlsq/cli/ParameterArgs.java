package org.sparknlsq.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.sparknlsq.io.DecimalParser;

/**
 * Parses the list-valued options {@code --params}, {@code --bounds}, {@code --x-scale} and
 * column lists. Every error is a {@link CliException} (exit 2) whose message starts with the
 * option and names the parameter or item at fault.
 */
final class ParameterArgs {
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private ParameterArgs() {}

    /** Start values by name, in the order given on the command line. */
    record Starts(List<String> names, double[] values) {}

    /** Parses {@code b1=500,b2=1e-4}: names must be identifiers, unique, with finite values. */
    static Starts parseParams(String text) {
        List<String> names = new ArrayList<>();
        List<String> items = items("--params", text, "NAME=VALUE");
        double[] values = new double[items.size()];
        for (String item : items) {
            int eq = item.indexOf('=');
            if (eq < 0) {
                throw CliException.config("--params: expected NAME=VALUE, got '" + item + "'");
            }
            String name = name("--params", item.substring(0, eq).strip());
            if (names.contains(name)) {
                throw CliException.config("--params: parameter '" + name + "' is given twice");
            }
            String valueText = item.substring(eq + 1).strip();
            double v = number("--params", valueText, "the start value of '" + name + "'");
            if (!Double.isFinite(v)) {
                throw CliException.config(
                        "--params: the start value of '" + name + "' must be finite, got " + valueText);
            }
            values[names.size()] = v;
            names.add(name);
        }
        return new Starts(List.copyOf(names), values);
    }

    /**
     * Parses {@code b1=0:1000,b2=-inf:} into {lower, upper} by parameter name, in the order given;
     * an empty side means infinite. Whether the names are parameters is the library's check.
     */
    static Map<String, double[]> parseBounds(String text) {
        Map<String, double[]> out = new LinkedHashMap<>();
        for (String item : items("--bounds", text, "NAME=LOWER:UPPER")) {
            int eq = item.indexOf('=');
            int colon = item.indexOf(':', eq + 1);
            if (eq < 0 || colon < 0) {
                throw CliException.config("--bounds: expected NAME=LOWER:UPPER, got '" + item + "'");
            }
            String name = item.substring(0, eq).strip();
            if (out.containsKey(name)) {
                throw CliException.config("--bounds: parameter '" + name + "' is given twice");
            }
            String lo = item.substring(eq + 1, colon).strip();
            String hi = item.substring(colon + 1).strip();
            out.put(name, new double[] {
                lo.isEmpty() ? Double.NEGATIVE_INFINITY : bound(lo, "lower", name),
                hi.isEmpty() ? Double.POSITIVE_INFINITY : bound(hi, "upper", name)
            });
        }
        return out;
    }

    /** Parses a comma-separated list of distinct column names. */
    static List<String> columns(String option, String text) {
        List<String> cols = items(option, text, "COLUMN[,COLUMN...]");
        for (int i = 0; i < cols.size(); i++) {
            if (cols.indexOf(cols.get(i)) != i) {
                throw CliException.config(option + ": column '" + cols.get(i) + "' is listed twice");
            }
        }
        return cols;
    }

    private static List<String> items(String option, String text, String form) {
        if (text == null || text.isBlank()) {
            throw CliException.config(option + ": expected " + form + ", got an empty value");
        }
        List<String> items = new ArrayList<>();
        for (String item : text.split(",", -1)) {
            if (item.isBlank()) {
                throw CliException.config(option + ": empty item in '" + text + "'");
            }
            items.add(item.strip());
        }
        return items;
    }

    private static String name(String option, String name) {
        if (!NAME.matcher(name).matches()) {
            throw CliException.config(option + ": '" + name
                    + "' is not a valid parameter name (letters, digits and _, not starting with a digit)");
        }
        return name;
    }

    private static double bound(String text, String side, String name) {
        double v = number("--bounds", text, "the " + side + " bound of '" + name + "'");
        if (Double.isNaN(v)) {
            throw CliException.config("--bounds: the " + side + " bound of '" + name + "' is NaN");
        }
        return v;
    }

    private static double number(String option, String text, String what) {
        try {
            return DecimalParser.parse(text);
        } catch (NumberFormatException e) {
            throw CliException.config(option + ": cannot parse '" + text + "' as " + what);
        }
    }
}
