package org.sparknlsq.model.builtin;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.sparknlsq.model.CurveModel;
import org.sparknlsq.model.CurveModelContract;

class LinearTest extends CurveModelContract {

    @Override
    protected CurveModel model() {
        return BuiltinModels.linear();
    }

    @Override
    protected List<double[]> parameterVectors() {
        return List.of(new double[] {2, -1}, new double[] {0, 0}, new double[] {-1e6, 3e5}, new double[] {1e-12, 1});
    }

    @Override
    protected double[] samplePoints() {
        return linspace(-10, 10, 21);
    }

    @Test
    void valueAndDerivatives() {
        double[] p = {2, -1};
        assertEquals(5.0, valueAt(model(), p, 3));
        assertArrayEquals(new double[] {3, 1}, jacobianAt(model(), p, 3));
        assertEquals(List.of("a", "b"), model().parameterNames());
        assertEquals(List.of("x"), model().variableNames());
        assertEquals("a*x + b", model().describe());
    }
}
