package org.sparknlsq.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class JacobianCheckerTest {

    private static final double[] X = CurveModelContract.linspace(0, 5, 21);

    /** {@code a*exp(-b*x)}; optionally with the sign of the b-derivative flipped, a classic slip. */
    private static final class Decay implements CurveModel {
        private final boolean wrongSign;

        Decay(boolean wrongSign) {
            this.wrongSign = wrongSign;
        }

        @Override
        public List<String> parameterNames() {
            return List.of("a", "b");
        }

        @Override
        public List<String> variableNames() {
            return List.of("x");
        }

        @Override
        public double value(double[] p, double[] x, int xOff, double[] jac, int jacOff) {
            double e = Math.exp(-p[1] * x[xOff]);
            if (jac != null) {
                jac[jacOff] = e;
                jac[jacOff + 1] = (wrongSign ? 1 : -1) * x[xOff] * p[0] * e;
            }
            return p[0] * e;
        }
    }

    /** {@code sqrt(a - x)}: NaN beyond x = a, like a model evaluated outside its domain. */
    private static final class SquareRoot implements CurveModel {
        @Override
        public List<String> parameterNames() {
            return List.of("a");
        }

        @Override
        public List<String> variableNames() {
            return List.of("x");
        }

        @Override
        public double value(double[] p, double[] x, int xOff, double[] jac, int jacOff) {
            double r = Math.sqrt(p[0] - x[xOff]);
            if (jac != null) {
                jac[jacOff] = 0.5 / r;
            }
            return r;
        }
    }

    @Test
    void passesACorrectJacobian() {
        JacobianReport report = JacobianChecker.check(new Decay(false), new double[] {2, 0.7}, X, X.length);
        assertTrue(report.ok(1e-8), report::summary);
        assertTrue(report.maxRelativeError() < 1e-8, report::summary);
        assertEquals(X.length, report.points());
        assertEquals(
                List.of("a", "b"),
                report.parameters().stream()
                        .map(JacobianReport.ParameterCheck::name)
                        .toList());
    }

    @Test
    void flagsAWrongDerivativeAndNamesIt() {
        JacobianReport report = JacobianChecker.check(new Decay(true), new double[] {2, 0.7}, X, X.length);
        assertFalse(report.ok(1e-3), report::summary);
        JacobianReport.ParameterCheck a = report.parameters().get(0);
        JacobianReport.ParameterCheck b = report.parameters().get(1);
        assertTrue(a.ok(1e-8), report::summary);
        assertFalse(b.ok(1e-3), report::summary);
        // Opposite signs: |d - (-d)| / |d| = 2 wherever the derivative is non-zero.
        assertEquals(2.0, b.maxRelativeError(), 1e-6);
        assertTrue(b.worstPoint() > 0, report::summary);
        assertTrue(report.summary().contains("b"));
    }

    @Test
    void reportsNonFiniteValuesInsteadOfThrowing() {
        // x > 1.5 is outside the domain; x = 1.5 is on its edge, where the derivative is infinite.
        JacobianReport report = JacobianChecker.check(new SquareRoot(), new double[] {1.5}, X, X.length);
        JacobianReport.ParameterCheck a = report.parameters().get(0);
        int firstBad = 6;
        assertEquals(1.5, X[firstBad]);
        assertEquals(X.length - firstBad, a.nonFiniteCount(), report::summary);
        assertEquals(firstBad, a.firstNonFinitePoint());
        assertFalse(report.ok(1.0));
        assertEquals(Double.POSITIVE_INFINITY, report.maxRelativeError());
        assertTrue(a.maxRelativeError() < 1e-6, report::summary);
        assertTrue(report.summary().contains(a.nonFiniteCount() + " (first #" + firstBad + ")"), report::summary);
    }

    @Test
    void usesTheNocedalWrightStepAndLeavesInputsAlone() {
        double[] p = {0.5, -300};
        double[] pCopy = p.clone();
        double[] xCopy = X.clone();
        JacobianReport report = JacobianChecker.check(new Decay(false), p, X, 3);
        double cbrtEps = Math.cbrt(Math.ulp(1.0));
        assertEquals(cbrtEps, report.parameters().get(0).step(), 1e-9 * cbrtEps);
        assertEquals(300 * cbrtEps, report.parameters().get(1).step(), 1e-9 * 300 * cbrtEps);
        assertArrayEquals(pCopy, p);
        assertArrayEquals(xCopy, X);
    }

    @Test
    void largeOffsetsDoNotTurnRoundingNoiseIntoFailures() {
        // f ~ 1e6 while df/dmu ~ 1: the difference quotient's rounding noise is ~eps*1e6/h ~ 4e-5,
        // which the |f|/max(|p_j|,1) floor keeps from being read as a 4e-5 relative error.
        CurveModel gaussian = org.sparknlsq.model.builtin.BuiltinModels.gaussian();
        JacobianReport report = JacobianChecker.check(gaussian, new double[] {1, 2.5, 1, 1e6}, X, X.length);
        assertTrue(report.ok(1e-8), report::summary);
    }

    @Test
    void noPointsIsAnEmptyButValidReport() {
        JacobianReport report = JacobianChecker.check(new Decay(false), new double[] {1, 1}, new double[0], 0);
        assertTrue(report.ok(0));
        assertEquals(-1, report.parameters().get(0).worstPoint());
        assertEquals(0.0, report.maxRelativeError());
    }

    @Test
    void rejectsMismatchedSizes() {
        assertThrows(
                IllegalArgumentException.class, () -> JacobianChecker.check(new Decay(false), new double[] {1}, X, 1));
        assertThrows(
                IllegalArgumentException.class,
                () -> JacobianChecker.check(new Decay(false), new double[] {1, 1}, X, X.length + 1));
        assertThrows(
                IllegalArgumentException.class,
                () -> JacobianChecker.check(new Decay(false), new double[] {1, 1}, X, -1));
    }

    @Test
    void reportIsImmutable() {
        JacobianReport report = JacobianChecker.check(new Decay(false), new double[] {1, 1}, X, 2);
        assertThrows(
                UnsupportedOperationException.class, () -> report.parameters().clear());
        assertEquals(report.summary(), report.toString());
    }
}
