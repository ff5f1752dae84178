package org.sparknlsq.model.expr;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparknlsq.model.expr.ExpressionTestSupport.finiteDifferenceMismatch;
import static org.sparknlsq.model.expr.ExpressionTestSupport.model;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The language's semantics, the simplifier's output and the derivative rules. */
class ExpressionModelTest {

    private static double eval(String expression, double x) {
        return model(expression, "x", "").value(new double[0], new double[] {x}, 0, null, 0);
    }

    @ParameterizedTest(name = "{0} at x={1}")
    @CsvSource(
            delimiter = ';',
            value = {
                "-x**2; 3; -9",
                "-x^2; 3; -9",
                "(-x)^2; 3; 9",
                "2**-1; 0; 0.5",
                "x^-1; 4; 0.25",
                "2^3^2; 0; 512",
                "2**3**2; 0; 512",
                "-2^-2; 0; -0.25",
                "2*3+4*x; 1; 10",
                "2+3*x; 4; 14",
                "8/x/2; 4; 1",
                "2-x-4; 3; -5",
                "+x; 7; 7",
                "--x; 7; 7",
                "-+-x; 7; 7",
                "1e-4*x; 1; 1e-4",
                "1E+2 + .5 + 2. + 2.e1 + 0.25e-1; 0; 122.525",
                "pow(x, 3); 2; 8",
                "min(x, 3) + max(x, 3); 5; 8",
                "abs(x) + sqrt(x*x); -3; 6",
                "log10(x) + log(e); 1000; 4",
                "pi; 0; 3.141592653589793",
                "arctan(x) - atan(x) + arcsin(0.5) - asin(0.5) + arccos(0.5) - acos(0.5); 0.3; 0",
            })
    void followsPythonPrecedenceAndNumberSyntax(String expression, double x, double expected) {
        assertEquals(expected, eval(expression, x), 1e-15 * Math.abs(expected));
    }

    @Test
    void ignoresWhitespace() {
        assertEquals(6.0, eval("  x \t*\r\n 2\u2003 ", 3), 0.0);
    }

    @Test
    void everyFunctionMatchesJavaMath() {
        double x = 0.37;
        String[] names = {
            "exp", "log", "log10", "sqrt", "sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh", "tanh", "abs"
        };
        double[] expected = {
            Math.exp(x),
            Math.log(x),
            Math.log10(x),
            Math.sqrt(x),
            Math.sin(x),
            Math.cos(x),
            Math.tan(x),
            Math.asin(x),
            Math.acos(x),
            Math.atan(x),
            Math.sinh(x),
            Math.cosh(x),
            Math.tanh(x),
            Math.abs(x)
        };
        for (int i = 0; i < names.length; i++) {
            assertEquals(expected[i], eval(names[i] + "(x)", x), 0.0, names[i]);
        }
    }

    /** Each derivative rule, including both branches of min/max and the general power. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = ';',
            value = {
                "sin(a*x) + cos(b*x) + tan(c*x); 0.7,1.3,0.4",
                "asin(a*x) + acos(b*x) + atan(c*x); 0.7,-1.1,2.4",
                "sinh(a*x) + cosh(b*x) + tanh(c*x); 0.7,-1.3,2.4",
                "log(a*x) + log10(b*x) + sqrt(c*x); 0.7,1.3,2.4",
                "exp(-((x-a)/b)^2/2)*c; 0.7,1.3,2.4",
                "abs(a - x) + min(a*x, b) + max(c, b*x); 0.7,1.3,2.4",
                "abs(a + x) + min(b, a*x) + max(b*x, c); -0.9,0.1,-2.4",
                "x^2.5*a + b^-2 + c^0.5 + (a*x)^3 + (b*x)^-1 + (c*x)^-0.5; 0.7,1.3,2.4",
                "(a + b*x)^c + a^(b*x) + pow(c, a); 0.7,1.3,2.4",
                "a/(b/(c/x)) - a*x/(b - c*x); 0.7,1.3,2.4",
                "-a**2 + 2**-b + e^(c*x) + pi*a; 0.7,1.3,2.4",
                "b1*(b2+x)**(-1/b3) + b1 * (1-(1+2*b2*x)**(-.5)); -2523.5,46.7,0.93",
            })
    void derivativesMatchFiniteDifferences(String expression, String params) {
        String names = expression.contains("b1") ? "b1,b2,b3" : "a,b,c";
        ExpressionModel m = model(expression, "x", names);
        double[] p = Arrays.stream(params.split(","))
                .mapToDouble(Double::parseDouble)
                .toArray();
        for (double x : new double[] {0.3, 0.55, 0.8}) {
            double[] jac = new double[3];
            m.value(p, new double[] {x}, 0, jac, 0);
            for (int j = 0; j < 3; j++) {
                double mismatch = finiteDifferenceMismatch(m, p, new double[] {x}, j, jac[j]);
                int jj = j;
                // Measured at most 1.1e-11 over these expressions.
                assertTrue(mismatch < 1e-9, () -> m.parameterNames().get(jj) + " at x=" + x + ": " + mismatch);
            }
        }
    }

    @ParameterizedTest(name = "d({0})/d{2}")
    @CsvSource(
            delimiter = ';',
            value = {
                "b1*(1-exp(-b2*x)); b1,b2; b2; b1*(exp(-(b2*x))*x)",
                "b1*(1-exp(-b2*x)); b1,b2; b1; 1 - exp(-(b2*x))",
                "a*x + b; a,b; a; x",
                "a*x + b; a,b; b; 1",
                "a^2*x; a; a; 2*a*x",
                "a^3; a; a; 3*a^2",
                "x^a; a; a; x^a*log(x)",
                "a^x; a; a; a^x*(x/a)",
                "-(-a) * 1 + 0; a; a; 1",
                "a*x^1 + b^0*0; a,b; a; x",
                "a*x^1 + b^0*0; a,b; b; 0",
                "exp(a)/a; a; a; (exp(a) - exp(a)/a)/a",
                "log10(a); a; a; 1/(a*2.302585092994046)",
                "abs(a); a; a; signum(a)",
                "min(a, x); a; a; (a <= x ? 1 : 0)",
                "max(a, x); a; a; (x <= a ? 1 : 0)",
            })
    void derivativesAreSimplified(String expression, String params, String param, String expected) {
        assertEquals(expected, model(expression, "x", params).derivativeExpression(param));
    }

    @Test
    void neutralOperationsAndConstantsFold() {
        ExpressionModel m = model("a*1 + 0 + x*0 - -b + 2*pi*x/12 + (3 - 1)^2*a^1*b^0", "x", "a,b");
        assertEquals("a + b + 6.283185307179586*x/12 + 4*a", m.simplifiedExpression());
    }

    @Test
    void sharedSubexpressionsAreComputedOnce() {
        String misra = model("b1*(1-exp(-b2*x))", "x", "b1,b2").generatedSource();
        assertEquals(1, count(misra, "Math.exp"), misra);
        String gauss = model("a*exp(-((x-mu)/s)^2/2) + c", "x", "a,mu,s,c").generatedSource();
        assertEquals(1, count(gauss, "Math.exp"), gauss);
        assertEquals(1, count(gauss, "(x[xOff + 0] - p[1])"), gauss);
    }

    @Test
    void derivativeOnlyWorkComesAfterTheValueOnlyExit() {
        String source = model("b1*x**b2", "x", "b1,b2").generatedSource();
        assertTrue(source.indexOf("Math.log") > source.indexOf("jac == null"), source);
    }

    @Test
    void declaredNamesShadowTheConstants() {
        assertEquals(Math.E * 2, eval("e*x", 2), 0.0);
        ExpressionModel paramE = model("e*x", "x", "e");
        assertEquals(10.0, paramE.value(new double[] {5}, new double[] {2}, 0, null, 0), 0.0);
        assertEquals("x", paramE.derivativeExpression("e"));
        ExpressionModel varPi = model("a*pi", "pi", "a");
        assertEquals(6.0, varPi.value(new double[] {2}, new double[] {3}, 0, null, 0), 0.0);
    }

    @Test
    void honoursOffsetsAndLeavesTheRestOfTheArraysAlone() {
        ExpressionModel m = model("b1 - b2*x1 * exp(-b3*x2)", "x1,x2", "b1,b2,b3");
        double[] p = {2.5, 0.5, 0.1};
        double[] x = {99, 99, 2, 3, 99};
        double[] jac = {-7, -7, 0, 0, 0, -7};
        double v = m.value(p, x, 2, jac, 2);
        double e = Math.exp(-0.1 * 3);
        assertEquals(2.5 - 0.5 * 2 * e, v, 0.0);
        assertArrayEquals(new double[] {-7, -7, 1, -2 * e, 0.5 * 2 * (e * 3), -7}, jac, 1e-15);
        assertEquals(v, m.value(p, x, 2, null, 0), 0.0);
        assertArrayEquals(new double[] {99, 99, 2, 3, 99}, x, 0.0);
        assertArrayEquals(new double[] {2.5, 0.5, 0.1}, p, 0.0);
    }

    /** Folded constants and run-time values use the same special cases for powers. */
    @Test
    void powerSpecialCasesAgreeBetweenFoldingAndGeneratedCode() {
        for (String exponent : new String[] {"2", "3", "-1", "0.5", "-0.5", "2.5", "-3", "0"}) {
            for (double base : new double[] {0.3, 1.7, -2.2, 0.0, 1e300}) {
                double folded = eval("(" + Printer.number(base) + ")^" + exponent + " + 0*x", 0);
                double runtime = eval("x^" + exponent, base);
                assertEquals(folded, runtime, 0.0, base + "^" + exponent);
            }
        }
        assertEquals(0.3 * 0.3 * 0.3, eval("x^3", 0.3), 0.0);
        assertEquals(Math.pow(0.3, 2.5), eval("x^2.5", 0.3), 0.0);
    }

    @Test
    void divisionByAPowerOfTwoBecomesAnExactMultiplication() {
        assertEquals(
                "x*0.25 + x/3 - x*(-2)", model("x/4 + x/3 - x/-0.5", "x", "").simplifiedExpression());
        double[] samples = {1, 3, 0.1, -7.3e-310, Double.MIN_VALUE, Double.MAX_VALUE, 1e-300, Double.NaN};
        for (double x : samples) {
            assertEquals(x / 4 + x / 3 - x / -0.5, eval("x/4 + x/3 - x/-0.5", x), 0.0);
            assertEquals(x / 0x1p-1023, eval("x/2^-1023", x), 0.0);
        }
    }

    @Test
    void constantExponentDerivativeIsFiniteAtZero() {
        ExpressionModel m = model("a^2 + a^3", "", "a");
        double[] jac = new double[1];
        m.value(new double[] {0}, new double[0], 0, jac, 0);
        assertEquals(0.0, jac[0], 0.0);
    }

    @Test
    void accessorsEqualityAndDescription() {
        ExpressionModel m = model("b1*(1-exp(-b2*x))", "x", "b1,b2");
        assertEquals("b1*(1-exp(-b2*x))", m.describe());
        assertEquals(List.of("b1", "b2"), m.parameterNames());
        assertEquals(List.of("x"), m.variableNames());
        assertEquals(2, m.parameterCount());
        assertEquals(1, m.variableCount());
        assertEquals(m, model("b1*(1-exp(-b2*x))", "x", "b1,b2"));
        assertEquals(m.hashCode(), model("b1*(1-exp(-b2*x))", "x", "b1,b2").hashCode());
        assertNotEquals(m, model("b1*(1-exp(-b2*x))", "x", "b2,b1"));
        assertThrows(IllegalArgumentException.class, () -> m.derivativeExpression("b3"));
        assertThrows(NullPointerException.class, () -> ExpressionModel.compile(null, List.of(), List.of()));
    }

    @Test
    void variablesNeedNotBeUsedAndModelsNeedNoParameters() {
        ExpressionModel m = model("2*x2", "x1,x2,x3", "");
        assertEquals(8.0, m.value(new double[0], new double[] {1, 4, 9}, 0, new double[0], 0), 0.0);
    }

    private static int count(String haystack, String needle) {
        int n = 0;
        for (int i = haystack.indexOf(needle); i >= 0; i = haystack.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }
}
