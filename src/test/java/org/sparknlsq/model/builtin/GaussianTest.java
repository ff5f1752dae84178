package org.sparknlsq.model.builtin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.sparknlsq.model.CurveModel;
import org.sparknlsq.model.CurveModelContract;

class GaussianTest extends CurveModelContract {

    @Override
    protected CurveModel model() {
        return BuiltinModels.gaussian();
    }

    @Override
    protected List<double[]> parameterVectors() {
        return List.of(
                new double[] {1, 0, 1, 0},
                new double[] {5, 2, 0.5, 1},
                new double[] {-2, -1, 3, 1e3},
                new double[] {1, 0.3, 0.02, 0},
                new double[] {1, 0, -1.5, 0});
    }

    @Override
    protected double[] samplePoints() {
        return concat(linspace(-4, 4, 41), linspace(0.22, 0.38, 17));
    }

    @Test
    void peakAndHalfMaximum() {
        double[] p = {5, 2, 0.5, 1};
        assertEquals(6.0, valueAt(model(), p, 2));
        double halfWidth = 0.5 * Math.sqrt(2 * Math.log(2));
        assertEquals(3.5, valueAt(model(), p, 2 + halfWidth), 1e-14);
        assertEquals(3.5, valueAt(model(), p, 2 - halfWidth), 1e-14);
    }

    @Test
    void tinyWidthBehavesLikeAUnitWidthOnARescaledAxis() {
        double sigma = 1e-200;
        double[] tiny = {3, 0, sigma, 0};
        double[] unit = {3, 0, 1, 0};
        for (double z : linspace(-5, 5, 21)) {
            double[] jTiny = jacobianAt(model(), tiny, z * sigma);
            double[] jUnit = jacobianAt(model(), unit, z);
            assertEquals(valueAt(model(), unit, z), valueAt(model(), tiny, z * sigma), 1e-14);
            assertEquals(jUnit[1], jTiny[1] * sigma, 1e-14);
            assertEquals(jUnit[2], jTiny[2] * sigma, 1e-14);
        }
    }

    @Test
    void farTailDerivativesAreZeroNotNaN() {
        double[] jac = jacobianAt(model(), new double[] {1, 0, 1e-300, 0}, 1.0);
        assertEquals(0.0, jac[0]);
        assertEquals(0.0, jac[1]);
        assertEquals(0.0, jac[2]);
    }
}
