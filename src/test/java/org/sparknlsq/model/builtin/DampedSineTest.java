package org.sparknlsq.model.builtin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.sparknlsq.model.CurveModel;
import org.sparknlsq.model.CurveModelContract;

class DampedSineTest extends CurveModelContract {

    @Override
    protected CurveModel model() {
        return BuiltinModels.dampedSine();
    }

    @Override
    protected List<double[]> parameterVectors() {
        return List.of(
                new double[] {1, 0.1, 2, 0.3, 0},
                new double[] {-2, 0.5, 10, -1, 1},
                new double[] {1, 0, 1, 0, 0},
                new double[] {3, -0.05, 0.5, 3, 100});
    }

    @Override
    protected double[] samplePoints() {
        return linspace(0, 10, 51);
    }

    @Test
    void undampedIsASine() {
        double[] p = {2, 0, 3, 0.5, 1};
        for (double x : samplePoints()) {
            assertEquals(2 * Math.sin(3 * x + 0.5) + 1, valueAt(model(), p, x), 1e-15);
            assertEquals(2 * Math.cos(3 * x + 0.5), jacobianAt(model(), p, x)[3], 1e-15);
        }
        assertEquals(List.of("a", "gamma", "omega", "phi", "c"), model().parameterNames());
    }
}
