package org.sparknlsq.model.builtin;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.sparknlsq.model.CurveModel;
import org.sparknlsq.model.CurveModelContract;

class LogisticTest extends CurveModelContract {

    @Override
    protected CurveModel model() {
        return BuiltinModels.logistic();
    }

    @Override
    protected List<double[]> parameterVectors() {
        return List.of(
                new double[] {1, 1, 0, 0},
                new double[] {2, 5, 1, -1},
                new double[] {1, -3, 0.5, 0},
                new double[] {1, 20, 0, 0},
                new double[] {10, 0.01, 5, 3});
    }

    @Override
    protected double[] samplePoints() {
        return concat(linspace(-10, 10, 41), linspace(-0.2, 0.2, 9));
    }

    @Test
    void midpointAndSymmetry() {
        double[] p = {2, 5, 1, -1};
        assertEquals(0.0, valueAt(model(), p, 1));
        for (double d : linspace(0.1, 3, 30)) {
            assertEquals(0.0, (valueAt(model(), p, 1 + d) + valueAt(model(), p, 1 - d)) / 2, 1e-15);
        }
        assertEquals(List.of("L", "k", "x0", "c"), model().parameterNames());
    }

    @Test
    void plateausKeepFullRelativeAccuracy() {
        double[] p = {1, 1, 0, 0};
        double x = -40;
        double e = Math.exp(-40);
        double slope = e / ((1 + e) * (1 + e));
        assertArrayEquals(new double[] {e / (1 + e), slope * x, -slope, 1}, jacobianAt(model(), p, x), 1e-30);
        double[] far = jacobianAt(model(), p, 1e4);
        assertArrayEquals(new double[] {1, 0, -0.0, 1}, far);
        assertEquals(0.0, valueAt(model(), p, -1e4));
    }
}
