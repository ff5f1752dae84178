package org.sparknlsq.io;

import ch.randelshofer.fastdoubleparser.JavaDoubleParser;

/**
 * Parses decimal numbers from ASCII bytes, correctly rounded, without allocating for the usual
 * inputs of a data file.
 *
 * <p>Grammar: {@code [+-]? (digits [. digits?] | . digits) ([eE] [+-]? digits)?}, plus the
 * case-insensitive words {@code nan}, {@code inf} and {@code infinity} with an optional sign (as
 * numpy and pandas write them). Unlike {@link Double#parseDouble}, hexadecimal numbers, the
 * suffixes {@code d}/{@code f} and surrounding blanks are rejected: callers trim fields.
 *
 * <p>Why hand-written: a data file of 10⁷ rows holds tens of millions of numbers, and {@link
 * Double#parseDouble} needs a {@link String} for each. Here a mantissa of at most 18 significant
 * digits with a decimal exponent in [−22, 22] is converted with one IEEE multiplication or
 * division of two exactly representable numbers, which is correctly rounded (Clinger's fast path);
 * anything else (17 significant digits, as numpy and Python's {@code repr} write them, or a large
 * exponent) is converted from the already validated bytes by FastDoubleParser, also correctly
 * rounded and without a {@link String} (Eisel-Lemire: Lemire 2021, "Number parsing at a gigabyte
 * per second").
 *
 * <p>Not thread-safe: an instance keeps the failure flag of its last call.
 */
public final class DecimalParser {
    private static final double[] POW10 = {
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19,
        1e20, 1e21, 1e22
    };
    private static final int MAX_DIGITS = 18;
    private static final long MAX_EXACT = 1L << 53;

    private boolean failed;

    /**
     * Parses {@code b[from, to)}. Check {@link #failed()} afterwards: on a syntax error the result
     * is NaN and the flag is set.
     */
    public double parse(byte[] b, int from, int to) {
        failed = false;
        int i = from;
        boolean negative = false;
        if (i < to && (b[i] == '-' || b[i] == '+')) {
            negative = b[i] == '-';
            i++;
        }
        if (i < to && isLetter(b[i])) {
            return word(b, i, to, negative);
        }
        long mantissa = 0;
        int digits = 0;
        int exponent = 0;
        boolean any = false;
        boolean truncated = false;
        while (i < to && isDigit(b[i])) {
            any = true;
            if (digits < MAX_DIGITS) {
                mantissa = mantissa * 10 + (b[i] - '0');
                digits += mantissa != 0 ? 1 : 0;
            } else {
                exponent++;
                truncated |= b[i] != '0';
            }
            i++;
        }
        if (i < to && b[i] == '.') {
            i++;
            while (i < to && isDigit(b[i])) {
                any = true;
                if (digits < MAX_DIGITS) {
                    mantissa = mantissa * 10 + (b[i] - '0');
                    digits += mantissa != 0 ? 1 : 0;
                    exponent--;
                } else {
                    truncated |= b[i] != '0';
                }
                i++;
            }
        }
        if (!any) {
            return fail();
        }
        if (i < to && (b[i] == 'e' || b[i] == 'E')) {
            i++;
            boolean negativeExponent = false;
            if (i < to && (b[i] == '-' || b[i] == '+')) {
                negativeExponent = b[i] == '-';
                i++;
            }
            if (i >= to || !isDigit(b[i])) {
                return fail();
            }
            int e = 0;
            while (i < to && isDigit(b[i])) {
                // Saturate: beyond 10^±100000 every input is 0 or infinity anyway.
                e = e < 100_000 ? e * 10 + (b[i] - '0') : e;
                i++;
            }
            exponent += negativeExponent ? -e : e;
        }
        if (i != to) {
            return fail();
        }
        if (!truncated) {
            if (mantissa == 0) {
                return negative ? -0.0 : 0.0;
            }
            if (mantissa <= MAX_EXACT && exponent >= -22 && exponent <= 22) {
                double v = exponent >= 0 ? mantissa * POW10[exponent] : mantissa / POW10[-exponent];
                return negative ? -v : v;
            }
        }
        return JavaDoubleParser.parseDouble(b, from, to - from);
    }

    /** Whether the last {@link #parse} call saw text that is not a number. */
    public boolean failed() {
        return failed;
    }

    /**
     * Parses a whole string with the same grammar, ignoring surrounding blanks.
     *
     * @throws NumberFormatException if the text is not a number
     */
    public static double parse(String text) {
        String t = text.strip();
        byte[] bytes = new byte[t.length()];
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (c > 127) {
                throw new NumberFormatException("not a number: \"" + text + "\"");
            }
            bytes[i] = (byte) c;
        }
        DecimalParser p = new DecimalParser();
        double v = p.parse(bytes, 0, bytes.length);
        if (p.failed) {
            throw new NumberFormatException("not a number: \"" + text + "\"");
        }
        return v;
    }

    private double word(byte[] b, int from, int to, boolean negative) {
        if (matches(b, from, to, "nan")) {
            return Double.NaN;
        }
        if (matches(b, from, to, "inf") || matches(b, from, to, "infinity")) {
            return negative ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        }
        return fail();
    }

    private static boolean matches(byte[] b, int from, int to, String word) {
        if (to - from != word.length()) {
            return false;
        }
        for (int i = 0; i < word.length(); i++) {
            if ((b[from + i] | 0x20) != word.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private double fail() {
        failed = true;
        return Double.NaN;
    }

    private static boolean isDigit(byte c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isLetter(byte c) {
        int lower = c | 0x20;
        return lower >= 'a' && lower <= 'z';
    }
}
