package org.sparknlsq.model.builtin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.sparknlsq.model.CurveModel;
import org.sparknlsq.model.CurveModelContract;

class DoubleExponentialTest extends CurveModelContract {

    @Override
    protected CurveModel model() {
        return BuiltinModels.doubleExponential();
    }

    @Override
    protected List<double[]> parameterVectors() {
        return List.of(
                new double[] {3, 0.2, 1, 2, 0.5},
                new double[] {1, 1, 1, 1.0001, 0},
                new double[] {-2, 5, 4, 0.1, -1},
                new double[] {1, 0.5, 0, 0, 1e3});
    }

    @Override
    protected double[] samplePoints() {
        return linspace(0, 8, 33);
    }

    @Test
    void eachComponentIsAnExponentialDecay() {
        double[] p = {3, 0.2, 1, 2, 0.5};
        CurveModel single = BuiltinModels.exponentialDecay();
        for (double x : samplePoints()) {
            double expected =
                    valueAt(single, new double[] {3, 0.2, 0}, x) + valueAt(single, new double[] {1, 2, 0.5}, x);
            assertEquals(expected, valueAt(model(), p, x), 1e-15 * Math.abs(expected));
            double[] jac = jacobianAt(model(), p, x);
            double[] first = jacobianAt(single, new double[] {3, 0.2, 0}, x);
            double[] second = jacobianAt(single, new double[] {1, 2, 0.5}, x);
            assertEquals(first[0], jac[0]);
            assertEquals(first[1], jac[1]);
            assertEquals(second[0], jac[2]);
            assertEquals(second[1], jac[3]);
            assertEquals(1.0, jac[4]);
        }
        assertEquals(List.of("a1", "b1", "a2", "b2", "c"), model().parameterNames());
    }
}
