package org.sparknlsq.model.expr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparknlsq.model.expr.ExpressionTestSupport.finiteDifferenceMismatch;
import static org.sparknlsq.model.expr.ExpressionTestSupport.model;
import static org.sparknlsq.model.expr.ExpressionTestSupport.relativeError;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * NIST StRD model functions, written as NIST prints them, against handwritten Java value and
 * Jacobian and against finite differences, at certified parameter values.
 */
class NistModelsTest {

    /** Value (and Jacobian into {@code jac}) written by hand from the NIST formula. */
    interface Handwritten {
        double value(double[] p, double[] x, double[] jac);
    }

    record Case(
            String name,
            String expression,
            String variables,
            String parameters,
            double[] p,
            double[][] points,
            Handwritten java) {
        @Override
        public String toString() {
            return name;
        }
    }

    // Measured maxima over these cases: value 1.3e-15 and Jacobian 2.8e-15 against handwritten
    // Java (Thurber, whose handwritten form groups b3*x*x differently), and 1.2e-9 against finite
    // differences (Eckerle4); the bounds leave a margin of 7x or more.
    private static final double VALUE_TOLERANCE = 1e-14;
    private static final double JACOBIAN_TOLERANCE = 1e-13;
    private static final double FD_TOLERANCE = 1e-7;

    static Stream<Case> cases() {
        List<Case> cases = new ArrayList<>();
        cases.add(new Case(
                "Misra1a",
                "b1*(1-exp(-b2*x))",
                "x",
                "b1,b2",
                new double[] {238.94212918, 5.5015643181e-4},
                xs(77.6, 300, 790),
                (p, x, j) -> {
                    double e = Math.exp(-p[1] * x[0]);
                    j[0] = 1 - e;
                    j[1] = p[0] * x[0] * e;
                    return p[0] * (1 - e);
                }));
        cases.add(new Case(
                "Chwirut",
                "exp(-b1*x)/(b2+b3*x)",
                "x",
                "b1,b2,b3",
                new double[] {0.19027818370, 6.1314004477e-3, 1.0530908399e-2},
                xs(0.5, 3, 6),
                (p, x, j) -> {
                    double e = Math.exp(-p[0] * x[0]);
                    double den = p[1] + p[2] * x[0];
                    j[0] = -x[0] * e / den;
                    j[1] = -e / (den * den);
                    j[2] = -x[0] * e / (den * den);
                    return e / den;
                }));
        cases.add(new Case(
                "Gauss1",
                "b1*exp( -b2*x ) + b3*exp( -(x-b4)**2 / b5**2 ) + b6*exp( -(x-b7)**2 / b8**2 )",
                "x",
                "b1,b2,b3,b4,b5,b6,b7,b8",
                new double[] {
                    98.778210871,
                    1.0497276517e-2,
                    100.48990633,
                    67.481111276,
                    23.129773360,
                    71.994503004,
                    178.99805021,
                    18.389389025
                },
                xs(1, 70, 150, 250),
                (p, x, j) -> {
                    double e1 = Math.exp(-p[1] * x[0]);
                    double a = x[0] - p[3];
                    double b = x[0] - p[6];
                    double g1 = Math.exp(-(a * a) / (p[4] * p[4]));
                    double g2 = Math.exp(-(b * b) / (p[7] * p[7]));
                    j[0] = e1;
                    j[1] = -p[0] * x[0] * e1;
                    j[2] = g1;
                    j[3] = p[2] * g1 * 2 * a / (p[4] * p[4]);
                    j[4] = p[2] * g1 * 2 * a * a / (p[4] * p[4] * p[4]);
                    j[5] = g2;
                    j[6] = p[5] * g2 * 2 * b / (p[7] * p[7]);
                    j[7] = p[5] * g2 * 2 * b * b / (p[7] * p[7] * p[7]);
                    return p[0] * e1 + p[2] * g1 + p[5] * g2;
                }));
        cases.add(new Case(
                "Roszman1",
                "b1 - b2*x - arctan(b3/(x-b4))/pi",
                "x",
                "b1,b2,b3,b4",
                new double[] {0.20196866396, -6.1953516256e-6, 1204.4556708, -181.34269537},
                xs(-4868.68, -1000, 500, 2000),
                (p, x, j) -> {
                    double d = x[0] - p[3];
                    double u = p[2] / d;
                    double s = 1 / (Math.PI * (1 + u * u));
                    j[0] = 1;
                    j[1] = -x[0];
                    j[2] = -s / d;
                    j[3] = -s * p[2] / (d * d);
                    return p[0] - p[1] * x[0] - Math.atan(u) / Math.PI;
                }));
        cases.add(new Case(
                "ENSO (two periods)",
                "b1 + b2*cos( 2*pi*x/12 ) + b3*sin( 2*pi*x/12 ) + b5*cos( 2*pi*x/b4 ) + b6*sin( 2*pi*x/b4 )",
                "x",
                "b1,b2,b3,b4,b5,b6",
                new double[] {10.510749193, 3.0762128085, 0.53280138227, 44.311088700, -1.6231428586, 0.52554493756},
                xs(1, 50, 168),
                (p, x, j) -> {
                    double w12 = 2 * Math.PI * x[0] / 12;
                    double w = 2 * Math.PI * x[0] / p[3];
                    double dw = -2 * Math.PI * x[0] / (p[3] * p[3]);
                    j[0] = 1;
                    j[1] = Math.cos(w12);
                    j[2] = Math.sin(w12);
                    j[3] = -p[4] * Math.sin(w) * dw + p[5] * Math.cos(w) * dw;
                    j[4] = Math.cos(w);
                    j[5] = Math.sin(w);
                    return p[0] + p[1] * Math.cos(w12) + p[2] * Math.sin(w12) + p[4] * Math.cos(w) + p[5] * Math.sin(w);
                }));
        cases.add(new Case(
                "Thurber",
                "(b1 + b2*x + b3*x**2 + b4*x**3) / (1 + b5*x + b6*x**2 + b7*x**3)",
                "x",
                "b1,b2,b3,b4,b5,b6,b7",
                new double[] {
                    1288.1396800,
                    1491.0792535,
                    583.23836877,
                    75.416644291,
                    0.96629502864,
                    0.39797285797,
                    4.9727297349e-2
                },
                xs(-3.067, -1, 0.5, 2.2),
                (p, x, j) -> {
                    double t = x[0];
                    double n = p[0] + p[1] * t + p[2] * t * t + p[3] * t * t * t;
                    double d = 1 + p[4] * t + p[5] * t * t + p[6] * t * t * t;
                    double[] powers = {1, t, t * t, t * t * t};
                    for (int k = 0; k < 4; k++) {
                        j[k] = powers[k] / d;
                    }
                    for (int k = 1; k < 4; k++) {
                        j[3 + k] = -n * powers[k] / (d * d);
                    }
                    return n / d;
                }));
        cases.add(new Case(
                "Bennett5",
                "b1 * (b2+x)**(-1/b3)",
                "x",
                "b1,b2,b3",
                new double[] {-2523.5058043, 46.736564644, 0.93218483193},
                xs(7.447, 10, 11.76),
                (p, x, j) -> {
                    double a = p[1] + x[0];
                    double c = -1 / p[2];
                    double f = Math.pow(a, c);
                    j[0] = f;
                    j[1] = p[0] * c * Math.pow(a, c - 1);
                    j[2] = p[0] * f * Math.log(a) / (p[2] * p[2]);
                    return p[0] * f;
                }));
        cases.add(new Case(
                "Rat43",
                "b1 / ((1+exp(b2-b3*x))**(1/b4))",
                "x",
                "b1,b2,b3,b4",
                new double[] {699.64181164, 5.2771253025, 0.75962938329, 1.2792483859},
                xs(1, 5, 15),
                (p, x, j) -> {
                    double e = Math.exp(p[1] - p[2] * x[0]);
                    double b = 1 + e;
                    double c = -1 / p[3];
                    double f = Math.pow(b, c);
                    j[0] = f;
                    j[1] = p[0] * c * Math.pow(b, c - 1) * e;
                    j[2] = -p[0] * c * Math.pow(b, c - 1) * e * x[0];
                    j[3] = p[0] * f * Math.log(b) / (p[3] * p[3]);
                    return p[0] * f;
                }));
        cases.add(new Case(
                "Eckerle4",
                "(b1/b2) * exp(-0.5*((x-b3)/b2)**2)",
                "x",
                "b1,b2,b3",
                new double[] {1.5543827178, 4.0888321754, 451.54121844},
                xs(400, 450, 500),
                (p, x, j) -> {
                    double u = (x[0] - p[2]) / p[1];
                    double g = Math.exp(-0.5 * u * u);
                    j[0] = g / p[1];
                    j[1] = -p[0] / (p[1] * p[1]) * g + p[0] / p[1] * g * u * u / p[1];
                    j[2] = p[0] / p[1] * g * u / p[1];
                    return p[0] / p[1] * g;
                }));
        cases.add(new Case(
                "Nelson",
                "b1 - b2*x1 * exp(-b3*x2)",
                "x1,x2",
                "b1,b2,b3",
                new double[] {2.5906836021, 5.6177717026e-9, -5.7701013174e-2},
                new double[][] {{1, 180}, {16, 300}, {64, 150}},
                (p, x, j) -> {
                    double e = Math.exp(-p[2] * x[1]);
                    j[0] = 1;
                    j[1] = -x[0] * e;
                    j[2] = p[1] * x[0] * x[1] * e;
                    return p[0] - p[1] * x[0] * e;
                }));
        cases.add(new Case(
                "MGH10",
                "b1 * exp(b2/(x+b3))",
                "x",
                "b1,b2,b3",
                new double[] {5.6096364710e-3, 6181.3463463, 345.22363462},
                xs(50, 80, 125),
                (p, x, j) -> {
                    double d = x[0] + p[2];
                    double e = Math.exp(p[1] / d);
                    j[0] = e;
                    j[1] = p[0] * e / d;
                    j[2] = -p[0] * e * p[1] / (d * d);
                    return p[0] * e;
                }));
        cases.add(new Case(
                "DanWood",
                "b1*x**b2",
                "x",
                "b1,b2",
                new double[] {0.76886226176, 3.8604055871},
                xs(1.309, 1.6, 2.0),
                (p, x, j) -> {
                    double f = Math.pow(x[0], p[1]);
                    j[0] = f;
                    j[1] = p[0] * f * Math.log(x[0]);
                    return p[0] * f;
                }));
        cases.add(new Case(
                "Misra1c",
                "b1 * (1-(1+2*b2*x)**(-.5))",
                "x",
                "b1,b2",
                new double[] {636.42725809, 2.0813627256e-4},
                xs(77.6, 790),
                (p, x, j) -> {
                    double a = 1 + 2 * p[1] * x[0];
                    j[0] = 1 - 1 / Math.sqrt(a);
                    j[1] = p[0] * x[0] / (a * Math.sqrt(a));
                    return p[0] * (1 - 1 / Math.sqrt(a));
                }));
        cases.add(new Case(
                "Misra1d",
                "b1*b2*x*((1+b2*x)**(-1))",
                "x",
                "b1,b2",
                new double[] {437.36970754, 3.0227324449e-4},
                xs(77.6, 790),
                (p, x, j) -> {
                    double a = 1 + p[1] * x[0];
                    j[0] = p[1] * x[0] / a;
                    j[1] = p[0] * x[0] / (a * a);
                    return p[0] * p[1] * x[0] * (1 / a);
                }));
        cases.add(new Case(
                "MGH09",
                "b1*(x**2+x*b2) / (x**2+x*b3+b4)",
                "x",
                "b1,b2,b3,b4",
                new double[] {0.19280693458, 0.19128232873, 0.12305650693, 0.13606233068},
                xs(4, 0.5, 0.0625),
                (p, x, j) -> {
                    double t = x[0];
                    double n = t * t + t * p[1];
                    double d = t * t + t * p[2] + p[3];
                    j[0] = n / d;
                    j[1] = p[0] * t / d;
                    j[2] = -p[0] * n * t / (d * d);
                    j[3] = -p[0] * n / (d * d);
                    return p[0] * n / d;
                }));
        cases.add(new Case(
                "Rat42",
                "b1 / (1+exp(b2-b3*x))",
                "x",
                "b1,b2,b3",
                new double[] {72.462237576, 2.6180768402, 6.7359200066e-2},
                xs(9, 35, 79),
                (p, x, j) -> {
                    double e = Math.exp(p[1] - p[2] * x[0]);
                    double b = 1 + e;
                    j[0] = 1 / b;
                    j[1] = -p[0] * e / (b * b);
                    j[2] = p[0] * e * x[0] / (b * b);
                    return p[0] / b;
                }));
        return cases.stream();
    }

    private static double[][] xs(double... values) {
        double[][] points = new double[values.length][];
        for (int i = 0; i < values.length; i++) {
            points[i] = new double[] {values[i]};
        }
        return points;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void valueAndJacobianMatchHandwrittenJava(Case c) {
        ExpressionModel m = model(c.expression(), c.variables(), c.parameters());
        int n = c.p().length;
        for (double[] x : c.points()) {
            double[] jac = new double[n];
            double[] expectedJac = new double[n];
            double v = m.value(c.p(), x, 0, jac, 0);
            double expected = c.java().value(c.p(), x, expectedJac);
            assertTrue(relativeError(v, expected, 1e-300) <= VALUE_TOLERANCE, () -> "value " + v + " vs " + expected);
            for (int j = 0; j < n; j++) {
                double got = jac[j];
                double want = expectedJac[j];
                String param = m.parameterNames().get(j);
                assertTrue(
                        relativeError(got, want, 1e-300) <= JACOBIAN_TOLERANCE,
                        () -> param + " at x=" + x[0] + ": " + got + " vs " + want);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void jacobianMatchesFiniteDifferences(Case c) {
        ExpressionModel m = model(c.expression(), c.variables(), c.parameters());
        int n = c.p().length;
        for (double[] x : c.points()) {
            double[] jac = new double[n];
            m.value(c.p(), x, 0, jac, 0);
            for (int j = 0; j < n; j++) {
                double mismatch = finiteDifferenceMismatch(m, c.p(), x, j, jac[j]);
                String param = m.parameterNames().get(j);
                assertTrue(mismatch <= FD_TOLERANCE, () -> param + " at x=" + x[0] + ": mismatch " + mismatch);
            }
        }
    }

    /** The printed derivative re-parses to exactly the function the generated code computes. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void printedDerivativesRecompileToTheSameNumbers(Case c) {
        ExpressionModel m = model(c.expression(), c.variables(), c.parameters());
        List<String> asVariables = new ArrayList<>(m.variableNames());
        asVariables.addAll(m.parameterNames());
        int n = c.p().length;
        for (int j = 0; j < n; j++) {
            ExpressionModel d = ExpressionModel.compile(
                    m.derivativeExpression(m.parameterNames().get(j)), asVariables, List.of());
            for (double[] x : c.points()) {
                double[] jac = new double[n];
                m.value(c.p(), x, 0, jac, 0);
                double[] point = new double[x.length + n];
                System.arraycopy(x, 0, point, 0, x.length);
                System.arraycopy(c.p(), 0, point, x.length, n);
                assertEquals(jac[j], d.value(new double[0], point, 0, null, 0), 0.0, d.describe());
            }
        }
    }

    /** Natural evaluation order: the value is bit-for-bit the same Java written the same way. */
    @Test
    void valueKeepsTheWrittenEvaluationOrder() {
        double[] p = {
            1288.1396800, 1491.0792535, 583.23836877, 75.416644291, 0.96629502864, 0.39797285797, 4.9727297349e-2
        };
        ExpressionModel m =
                model("(b1 + b2*x + b3*x**2 + b4*x**3) / (1 + b5*x + b6*x**2 + b7*x**3)", "x", "b1,b2,b3,b4,b5,b6,b7");
        for (double t = -3.1; t < 2.2; t += 0.37) {
            double java = (p[0] + p[1] * t + p[2] * (t * t) + p[3] * (t * t * t))
                    / (1 + p[4] * t + p[5] * (t * t) + p[6] * (t * t * t));
            assertEquals(java, m.value(p, new double[] {t}, 0, null, 0), 0.0);
        }
        ExpressionModel roszman = model("b1 - b2*x - arctan(b3/(x-b4))/pi", "x", "b1,b2,b3,b4");
        double[] q = {0.20196866396, -6.1953516256e-6, 1204.4556708, -181.34269537};
        for (double t = -4868.68; t < 2000; t += 317.3) {
            double java = q[0] - q[1] * t - Math.atan(q[2] / (t - q[3])) / Math.PI;
            assertEquals(java, roszman.value(q, new double[] {t}, 0, null, 0), 0.0);
        }
    }
}
