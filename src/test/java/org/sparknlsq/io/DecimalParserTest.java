package org.sparknlsq.io;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DecimalParserTest {
    private final DecimalParser parser = new DecimalParser();

    private double parse(String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        double v = parser.parse(b, 0, b.length);
        assertFalse(parser.failed(), () -> "failed on \"" + s + "\"");
        return v;
    }

    /** Bit-for-bit agreement with the JDK (correct rounding) on the formats data files use. */
    @Test
    void agreesWithParseDoubleOnRandomNumbers() {
        Random rnd = new Random(7);
        for (int i = 0; i < 40_000; i++) {
            double v =
                    switch (i % 4) {
                        case 0 -> rnd.nextGaussian();
                        case 1 -> rnd.nextDouble() * Math.pow(10, rnd.nextInt(40) - 20);
                        case 2 -> Double.longBitsToDouble(rnd.nextLong());
                        default -> rnd.nextInt(2_000_000) - 1_000_000;
                    };
            if (!Double.isFinite(v)) {
                continue;
            }
            for (String s : new String[] {
                Double.toString(v),
                String.format(Locale.ROOT, "%.6f", v),
                String.format(Locale.ROOT, "%.17g", v),
                String.format(Locale.ROOT, "%.15e", v),
                String.format(Locale.ROOT, "%.3E", v)
            }) {
                assertEquals(
                        Double.doubleToRawLongBits(Double.parseDouble(s)), Double.doubleToRawLongBits(parse(s)), s);
            }
        }
    }

    @Test
    void acceptsTheUsualSpellings() {
        assertEquals(1.5, parse("1.5"));
        assertEquals(1.0, parse("1."));
        assertEquals(0.5, parse(".5"));
        assertEquals(150.0, parse("+1.5e2"));
        assertEquals(-1.5e-2, parse("-1.5E-2"));
        assertEquals(1e-320, parse("1e-320"));
        assertEquals(1.2345678901234568e25, parse("12345678901234567890123456"));
        assertEquals(0.1, parse("0.1000000000000000000000000000001"));
        assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(parse("-0.000")));
        assertEquals(Double.POSITIVE_INFINITY, parse("1e400"));
        assertEquals(0.0, parse("1e-400"));
        assertEquals(0.0, parse("0e99999999999"));
    }

    /** Inputs beyond the exact fast path, where a conversion is most easily off by one ulp. */
    @Test
    void roundsTheHardCasesLikeTheJdk() {
        String longMantissa = "1." + "2".repeat(800) + "e-5";
        for (String s : new String[] {
            "9007199254740993", // 2^53 + 1: a tie, to even
            "9007199254740995",
            "2.4703282292062328e-324", // just above half the smallest subnormal
            "2.4703282292062327e-324", // just below it
            "4.9406564584124654e-324",
            "2.2250738585072011e-308", // the largest subnormal, spelled out
            "1.7976931348623157e308",
            "1.7976931348623158e308", // still rounds down to the largest double
            "1.7976931348623159e308", // overflows
            "0.30000000000000004",
            "123456789012345678901234567890e-20",
            "1e23",
            "8.533e+68",
            "4.1006e-184",
            longMantissa,
            "1e-99999999999",
            "-7.2057594037927933e16"
        }) {
            assertEquals(Double.doubleToRawLongBits(Double.parseDouble(s)), Double.doubleToRawLongBits(parse(s)), s);
        }
    }

    @Test
    void readsNonFiniteWords() {
        assertTrue(Double.isNaN(parse("nan")));
        assertTrue(Double.isNaN(parse("NaN")));
        assertEquals(Double.POSITIVE_INFINITY, parse("inf"));
        assertEquals(Double.NEGATIVE_INFINITY, parse("-Infinity"));
        assertEquals(Double.POSITIVE_INFINITY, parse("+INF"));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "", "-", "+", ".", "-.", "1e", "1e+", "e5", "0x10", "1.5d", "1.5f", "1..2", "abc", "1,5", " 1", "1 ",
                "1e5.5", "--1", "infinit", "nana", "1_000"
            })
    void rejectsWhatIsNotANumber(String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        assertTrue(Double.isNaN(parser.parse(b, 0, b.length)));
        assertTrue(parser.failed(), s);
        assertThrows(NumberFormatException.class, () -> DecimalParser.parse(s.isBlank() ? "x" : s + "x"));
    }

    @Test
    void stringVersionIgnoresBlanksAndRejectsNonAscii() {
        assertEquals(2.5, DecimalParser.parse("  2.5 "));
        assertThrows(NumberFormatException.class, () -> DecimalParser.parse("２"));
        assertThrows(NumberFormatException.class, () -> DecimalParser.parse(""));
    }

    @Test
    void parsesASliceOfABuffer() {
        byte[] b = "x,12.25,y".getBytes(StandardCharsets.US_ASCII);
        assertEquals(12.25, parser.parse(b, 2, 7));
        assertFalse(parser.failed());
    }
}
