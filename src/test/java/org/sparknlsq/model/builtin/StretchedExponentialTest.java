package org.sparknlsq.model.builtin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.sparknlsq.model.CurveModel;
import org.sparknlsq.model.CurveModelContract;

class StretchedExponentialTest extends CurveModelContract {

    @Override
    protected CurveModel model() {
        return BuiltinModels.stretchedExponential();
    }

    @Override
    protected List<double[]> parameterVectors() {
        return List.of(
                new double[] {1, 2, 0.5, 0.1},
                new double[] {2, 1, 1, 0},
                new double[] {1, 0.5, 1.8, 0.2},
                new double[] {1e3, 10, 0.3, -5},
                new double[] {1, 1, 0.05, 0});
    }

    @Override
    protected double[] samplePoints() {
        return linspace(0, 6, 31);
    }

    @Test
    void betaOneIsAnExponentialDecay() {
        double[] p = {2, 0.8, 1, 0.3};
        double[] decay = {2, 1 / 0.8, 0.3};
        for (double x : samplePoints()) {
            double expected = valueAt(BuiltinModels.exponentialDecay(), decay, x);
            assertEquals(expected, valueAt(model(), p, x), 1e-15 * Math.abs(expected));
        }
    }

    @Test
    void atZeroTheValueIsAPlusCAndTheBetaDerivativeIsItsLimit() {
        double[] p = {2, 0.8, 0.5, 0.3};
        assertEquals(2.3, valueAt(model(), p, 0.0));
        double[] jac = jacobianAt(model(), p, 0.0);
        assertEquals(1.0, jac[0]);
        assertEquals(0.0, jac[1]);
        assertEquals(0.0, jac[2]);
        assertEquals(1.0, jac[3]);
    }

    @Test
    void negativeScaledTimeGivesNaNEvenForIntegerBeta() {
        for (double beta : new double[] {0.5, 2.0}) {
            double[] p = {2, 0.8, beta, 0.3};
            assertTrue(Double.isNaN(valueAt(model(), p, -1.0)));
            for (double d : jacobianAt(model(), p, -1.0)) {
                assertTrue(Double.isNaN(d));
            }
        }
        assertTrue(Double.isNaN(valueAt(model(), new double[] {2, -0.8, 0.5, 0.3}, 1.0)));
    }

    @Test
    void farTailDerivativesAreZeroNotNaN() {
        double[] jac = jacobianAt(model(), new double[] {1, 1e-3, 3, 0}, 1e3);
        assertEquals(0.0, jac[1]);
        assertEquals(0.0, jac[2]);
    }
}
