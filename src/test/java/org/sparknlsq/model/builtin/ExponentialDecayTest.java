package org.sparknlsq.model.builtin;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.sparknlsq.model.CurveModel;
import org.sparknlsq.model.CurveModelContract;

class ExponentialDecayTest extends CurveModelContract {

    @Override
    protected CurveModel model() {
        return BuiltinModels.exponentialDecay();
    }

    @Override
    protected List<double[]> parameterVectors() {
        return List.of(
                new double[] {2, 0.5, 0.1}, new double[] {1e-3, 10, 1e3}, new double[] {-5, -0.2, 0}, new double[] {
                    1, 1e-8, 0
                });
    }

    @Override
    protected double[] samplePoints() {
        return linspace(0, 10, 41);
    }

    @Test
    void valueAndDerivatives() {
        double[] p = {2, 0.5, 0.1};
        assertEquals(2.1, valueAt(model(), p, 0));
        double e = Math.exp(-1.0);
        assertEquals(2 * e + 0.1, valueAt(model(), p, 2), 1e-15);
        assertArrayEquals(new double[] {e, -2 * 2 * e, 1}, jacobianAt(model(), p, 2), 1e-15);
    }
}
