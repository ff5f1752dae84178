package org.sparknlsq.model.builtin;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.sparknlsq.model.CurveModel;
import org.sparknlsq.model.CurveModelContract;

class PolynomialTest extends CurveModelContract {

    @Override
    protected CurveModel model() {
        return BuiltinModels.polynomial(4);
    }

    @Override
    protected List<double[]> parameterVectors() {
        return List.of(
                new double[] {1, -2, 0.5, 3, -0.25},
                new double[] {0, 0, 0, 0, 0},
                new double[] {1e3, -1e2, 10, -1, 0.1},
                new double[] {0, 0, 0, 0, 1e-9});
    }

    @Override
    protected double[] samplePoints() {
        return linspace(-3, 3, 25);
    }

    @Test
    void matchesTheNaiveSumAndPowers() {
        double[] p = {1, -2, 0.5, 3, -0.25};
        for (double x : samplePoints()) {
            double naive = 0;
            for (int j = 0; j < p.length; j++) {
                naive += p[j] * Math.pow(x, j);
            }
            assertEquals(naive, valueAt(model(), p, x), 1e-12 * Math.max(1, Math.abs(naive)));
        }
        assertArrayEquals(new double[] {1, 3, 9, 27, 81}, jacobianAt(model(), p, 3));
    }

    @Test
    void namesAndDescriptionFollowTheDegree() {
        Polynomial cubic = (Polynomial) BuiltinModels.polynomial(3);
        assertEquals(3, cubic.degree());
        assertEquals(List.of("c0", "c1", "c2", "c3"), cubic.parameterNames());
        assertEquals("c0 + c1*x + c2*x^2 + c3*x^3", cubic.describe());
        assertEquals("c0", BuiltinModels.polynomial(0).describe());
    }

    @Test
    void equalityIsByDegree() {
        assertEquals(BuiltinModels.polynomial(3), new Polynomial(3));
        assertEquals(BuiltinModels.polynomial(3).hashCode(), new Polynomial(3).hashCode());
        assertNotEquals(BuiltinModels.polynomial(3), BuiltinModels.polynomial(2));
    }

    @Test
    void rejectsDegreesOutOfRange() {
        assertThrows(IllegalArgumentException.class, () -> BuiltinModels.polynomial(-1));
        assertThrows(IllegalArgumentException.class, () -> BuiltinModels.polynomial(Polynomial.MAX_DEGREE + 1));
        assertEquals(
                Polynomial.MAX_DEGREE + 1,
                BuiltinModels.polynomial(Polynomial.MAX_DEGREE).parameterCount());
    }

    @Nested
    class DegreeZero extends CurveModelContract {

        @Override
        protected CurveModel model() {
            return BuiltinModels.polynomial(0);
        }

        @Override
        protected List<double[]> parameterVectors() {
            return List.of(new double[] {0}, new double[] {-7.5});
        }

        @Override
        protected double[] samplePoints() {
            return linspace(-1, 1, 5);
        }
    }
}
