package org.sparknlsq.cli;

import java.util.ArrayList;
import java.util.Arrays;
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
    record Starts(List<String> names, double[] values) {
        Map<String, Double> asMap() {
            Map<String, Double> m = new LinkedHashMap<>();
            for (int i = 0; i < names.size(); i++) {
                m.put(names.get(i), values[i]);
            }
            return m;
        }
    }

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
     * Parses {@code b1=0:1000,b2=-inf:} into {@code {lower, upper}} in model order; parameters
     * not listed are unbounded, and an empty side means infinite. Null text gives null.
     */
    static double[][] parseBounds(String text, List<String> parameters) {
        if (text == null) {
            return null;
        }
        int p = parameters.size();
        double[] lower = new double[p];
        double[] upper = new double[p];
        Arrays.fill(lower, Double.NEGATIVE_INFINITY);
        Arrays.fill(upper, Double.POSITIVE_INFINITY);
        boolean[] seen = new boolean[p];
        for (String item : items("--bounds", text, "NAME=LOWER:UPPER")) {
            int eq = item.indexOf('=');
            int colon = item.indexOf(':', eq + 1);
            if (eq < 0 || colon < 0) {
                throw CliException.config("--bounds: expected NAME=LOWER:UPPER, got '" + item + "'");
            }
            String name = item.substring(0, eq).strip();
            int i = parameters.indexOf(name);
            if (i < 0) {
                throw CliException.config("--bounds: '" + name + "' is not a parameter of the model (parameters: "
                        + String.join(", ", parameters) + ")");
            }
            if (seen[i]) {
                throw CliException.config("--bounds: parameter '" + name + "' is given twice");
            }
            seen[i] = true;
            String lo = item.substring(eq + 1, colon).strip();
            String hi = item.substring(colon + 1).strip();
            lower[i] = lo.isEmpty() ? Double.NEGATIVE_INFINITY : bound(lo, "lower", name);
            upper[i] = hi.isEmpty() ? Double.POSITIVE_INFINITY : bound(hi, "upper", name);
            if (!(lower[i] < upper[i])) {
                throw CliException.config("--bounds: the lower bound of '" + name + "' (" + lo
                        + ") must be below its upper bound (" + hi + ")");
            }
        }
        return new double[][] {lower, upper};
    }

    /** Fails unless every start value lies within its bounds. */
    static void checkStart(List<String> names, double[] start, double[] lower, double[] upper) {
        for (int i = 0; i < start.length; i++) {
            if (start[i] < lower[i] || start[i] > upper[i]) {
                throw CliException.config("--params: the start value of '" + names.get(i) + "' (" + format(start[i])
                        + ") is outside its bounds [" + format(lower[i]) + ", " + format(upper[i])
                        + "] given in --bounds");
            }
        }
    }

    /** Parses {@code jac} (null: scale by the Jacobian) or one positive number per parameter. */
    static double[] parseXScale(String text, List<String> parameters) {
        if (text == null || text.strip().equalsIgnoreCase("jac")) {
            return null;
        }
        List<String> items = items("--x-scale", text, "jac or one number per parameter");
        if (items.size() != parameters.size()) {
            throw CliException.config("--x-scale: expected 'jac' or " + parameters.size()
                    + " positive numbers (one per parameter: " + String.join(", ", parameters) + "), got "
                    + items.size());
        }
        double[] scale = new double[items.size()];
        for (int i = 0; i < scale.length; i++) {
            String who = "the scale of '" + parameters.get(i) + "'";
            scale[i] = number("--x-scale", items.get(i), who);
            if (!(scale[i] > 0) || !Double.isFinite(scale[i])) {
                throw CliException.config("--x-scale: " + who + " must be positive and finite, got " + items.get(i));
            }
        }
        return scale;
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

    /** A number for a message: integers without a decimal point, infinities as {@code inf}. */
    static String format(double v) {
        if (Double.isInfinite(v)) {
            return v > 0 ? "inf" : "-inf";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return Double.toString(v);
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
