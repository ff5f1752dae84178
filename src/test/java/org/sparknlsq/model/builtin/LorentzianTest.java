package org.sparknlsq.model.builtin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.sparknlsq.model.CurveModel;
import org.sparknlsq.model.CurveModelContract;

class LorentzianTest extends CurveModelContract {

    @Override
    protected CurveModel model() {
        return BuiltinModels.lorentzian();
    }

    @Override
    protected List<double[]> parameterVectors() {
        return List.of(
                new double[] {1, 0, 1, 0}, new double[] {3, 1, 0.25, -1}, new double[] {1, 0.3, 0.02, 0}, new double[] {
                    -1, 0, -2, 100
                });
    }

    @Override
    protected double[] samplePoints() {
        return concat(linspace(-4, 4, 41), linspace(0.22, 0.38, 17));
    }

    @Test
    void peakAndHalfMaximumAtGamma() {
        double[] p = {3, 1, 0.25, -1};
        assertEquals(2.0, valueAt(model(), p, 1));
        assertEquals(0.5, valueAt(model(), p, 1.25));
        assertEquals(0.5, valueAt(model(), p, 0.75));
    }

    @Test
    void derivativesMatchTheTextbookForm() {
        double a = 2;
        double x0 = 0.5;
        double gamma = 0.7;
        for (double x : linspace(-3, 3, 13)) {
            double d = x - x0;
            double q = d * d + gamma * gamma;
            double[] jac = jacobianAt(model(), new double[] {a, x0, gamma, 0}, x);
            assertEquals(gamma * gamma / q, jac[0], 1e-15);
            assertEquals(2 * a * gamma * gamma * d / (q * q), jac[1], 1e-14);
            assertEquals(2 * a * gamma * d * d / (q * q), jac[2], 1e-14);
        }
    }

    @Test
    void tinyWidthDoesNotUnderflow() {
        double gamma = 1e-200;
        double[] p = {4, 0, gamma, 0};
        assertEquals(2.0, valueAt(model(), p, gamma));
        double[] jac = jacobianAt(model(), p, gamma);
        assertEquals(2.0 / gamma, jac[1], 1e-14 / gamma);
        assertEquals(2.0 / gamma, jac[2], 1e-14 / gamma);
    }

    @Test
    void farTailDerivativesAreZeroNotNaN() {
        double[] jac = jacobianAt(model(), new double[] {1, 0, 1e-300, 0}, 1e10);
        assertEquals(0.0, jac[0]);
        assertEquals(0.0, jac[1]);
        assertEquals(0.0, jac[2]);
    }
}
