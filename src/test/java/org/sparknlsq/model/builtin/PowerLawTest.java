package org.sparknlsq.model.builtin;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.sparknlsq.model.CurveModel;
import org.sparknlsq.model.CurveModelContract;

class PowerLawTest extends CurveModelContract {

    @Override
    protected CurveModel model() {
        return BuiltinModels.powerLaw();
    }

    @Override
    protected List<double[]> parameterVectors() {
        return List.of(
                new double[] {2, 1.5, 0.1},
                new double[] {1, -0.5, 0},
                new double[] {3, 0.01, -1},
                new double[] {1e3, 2.5, 1e2},
                new double[] {1, -2, 0});
    }

    @Override
    protected double[] samplePoints() {
        return linspace(0.1, 10, 34);
    }

    @Test
    void valueAndDerivatives() {
        double[] p = {2, 1.5, 0.1};
        assertEquals(16.1, valueAt(model(), p, 4));
        assertArrayEquals(new double[] {8, 16 * Math.log(4), 1}, jacobianAt(model(), p, 4), 1e-14);
        assertEquals(0.0, jacobianAt(model(), p, 1)[1]);
    }

    @Test
    void atZeroTheExponentDerivativeIsItsLimit() {
        double[] p = {2, 1.5, 0.1};
        assertEquals(0.1, valueAt(model(), p, 0));
        assertArrayEquals(new double[] {0, 0, 1}, jacobianAt(model(), p, 0));
    }

    @Test
    void negativeXGivesNaNEvenForIntegerExponents() {
        for (double b : new double[] {1.5, 2}) {
            double[] p = {2, b, 0.1};
            assertTrue(Double.isNaN(valueAt(model(), p, -1)));
            for (double d : jacobianAt(model(), p, -1)) {
                assertTrue(Double.isNaN(d));
            }
        }
    }
}
