package org.sparknlsq.optim;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.sparknlsq.kernel.DataBlock;
import org.sparknlsq.model.CurveModel;
import org.sparknlsq.problem.FitProblem;
import org.sparknlsq.robust.NumericalException;

class TrustRegionTest {
    /** f(x; a) = a: a linear model whose quadratic model is exact, so every ratio is 1. */
    static final CurveModel CONSTANT = new CurveModel() {
        @Override
        public List<String> parameterNames() {
            return List.of("a");
        }

        @Override
        public List<String> variableNames() {
            return List.of("x");
        }

        @Override
        public double value(double[] p, double[] x, int xo, double[] j, int jo) {
            if (j != null) {
                j[jo] = 1;
            }
            return p[0];
        }
    };

    /**
     * TRF on y = 1000 from a = 1 with n = 4 points: scaled column norm √n, so Δ₀ = ‖a·√n‖ = 2 and
     * the Gauss–Newton step (999 in a, 1998 scaled) is truncated at the boundary. The model is
     * exact, so ρ = 1 > ¾ with the boundary hit doubles the radius (scipy update_tr_radius): radii
     * 4, 8, ..., 1024 while a goes 2, 4, ..., 512. The last, full step (976 scaled) lands on 1000
     * inside the region, but it is longer than 0.95·Δ, which scipy counts as reaching the
     * boundary, so the radius doubles once more to 2048.
     */
    @Test
    void trfRadiusSequenceIsExact() {
        int n = 4;
        DataBlock d = new DataBlock(new double[n], new double[] {1000, 1000, 1000, 1000}, null, 1, 0);
        FitResult r = CurveFitter.fit(
                FitProblem.of(CONSTANT, 1.0), d, FitOptions.defaults().withPolishPasses(0));
        List<IterationRecord> h = r.history();
        double[] expected = {4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048};
        assertEquals(expected.length, h.size(), h.toString());
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], h.get(i).radius(), 1e-12 * expected[i], "iteration " + (i + 1));
            assertTrue(h.get(i).accepted());
        }
        assertEquals(1000.0, r.parameters()[0], 1e-12);
        assertEquals(Termination.GTOL, r.termination());
    }

    @Test
    void lmRejectsBounds() {
        DataBlock d = new DataBlock(new double[2], new double[] {1, 1}, null, 1, 0);
        FitProblem p = FitProblem.of(CONSTANT, 0.5).withBounds(new double[] {0}, new double[] {2});
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> CurveFitter.fit(p, d, FitOptions.defaults().withMethod(Method.LM)));
        assertTrue(e.getMessage().contains("lm does not support bounds"), e.getMessage());
    }

    @Test
    void boundsAreRespectedAndActiveBoundIsReached() {
        DataBlock d = new DataBlock(new double[3], new double[] {5, 5, 5}, null, 1, 0);
        FitProblem p = FitProblem.of(CONSTANT, 0.5).withBounds(new double[] {0}, new double[] {2});
        FitResult r = CurveFitter.fit(p, d, FitOptions.defaults());
        assertTrue(r.parameters()[0] <= 2 && r.parameters()[0] > 2 - 1e-8, "a = " + r.parameters()[0]);
        assertTrue(r.success(), r.briefReport());
    }

    @Test
    void invalidOptionsListEveryViolation() {
        FitOptions o = new FitOptions(
                Method.TRF,
                -1,
                Double.NaN,
                0,
                0,
                -1,
                new double[] {0},
                -2,
                org.sparknlsq.robust.FaultTolerance.defaults());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, o::requireValid);
        for (String s : List.of("ftol", "xtol", "maxIterations", "maxEvaluations", "polishPasses", "xScale[0]")) {
            assertTrue(e.getMessage().contains(s), s + " missing from: " + e.getMessage());
        }
    }

    @Test
    void invalidProblemListsEveryViolation() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FitProblem.of(CONSTANT, 5.0)
                .withBounds(new double[] {3}, new double[] {1}));
        assertTrue(
                e.getMessage().contains("lower bound of a (3.0) must be below its upper bound (1.0)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> FitProblem.of(CONSTANT, 5.0)
                .withBounds(new double[] {0}, new double[] {1}));
        assertTrue(e.getMessage().contains("start value of a (5.0) is outside its bounds"), e.getMessage());
    }

    @Test
    void fewerPointsThanParametersIsRefused() {
        DataBlock d = new DataBlock(new double[1], new double[] {1}, null, 1, 0);
        CurveModel two = new CurveModel() {
            @Override
            public List<String> parameterNames() {
                return List.of("a", "b");
            }

            @Override
            public List<String> variableNames() {
                return List.of("x");
            }

            @Override
            public double value(double[] p, double[] x, int xo, double[] j, int jo) {
                if (j != null) {
                    j[jo] = 1;
                    j[jo + 1] = x[xo];
                }
                return p[0] + p[1] * x[xo];
            }
        };
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> CurveFitter.fit(FitProblem.of(two, 1, 1), d, FitOptions.defaults()));
        assertTrue(e.getMessage().contains("fewer points (1) than parameters (2)"), e.getMessage());
    }

    @Test
    void nonFiniteStartIsANumericalExceptionAtTheLossPoint() {
        CurveModel sqrt = new CurveModel() {
            @Override
            public List<String> parameterNames() {
                return List.of("a");
            }

            @Override
            public List<String> variableNames() {
                return List.of("x");
            }

            @Override
            public double value(double[] p, double[] x, int xo, double[] j, int jo) {
                if (j != null) {
                    j[jo] = Math.sqrt(x[xo]);
                }
                return p[0] * Math.sqrt(x[xo]);
            }
        };
        DataBlock d = new DataBlock(new double[] {1, 2, -3, 4}, new double[] {1, 2, 3, 4}, null, 1, 0);
        NumericalException e = assertThrows(
                NumericalException.class, () -> CurveFitter.fit(FitProblem.of(sqrt, 1), d, FitOptions.defaults()));
        assertEquals(NumericalException.DetectionPoint.LOSS, e.point());
        assertTrue(e.getMessage().contains("first at data row 2"), e.getMessage());
    }

    @Test
    void monitorCanCancelAndTheBestPointIsKept() {
        int n = 4;
        DataBlock d = new DataBlock(new double[n], new double[] {1000, 1000, 1000, 1000}, null, 1, 0);
        FitResult r = CurveFitter.fit(
                FitProblem.of(CONSTANT, 1.0),
                new org.sparknlsq.kernel.LocalSource(
                        new org.sparknlsq.kernel.BlockKernel(CONSTANT, org.sparknlsq.problem.Loss.LINEAR, 1), d),
                FitOptions.defaults(),
                rec -> rec.iteration() < 3,
                "STANDARD");
        assertEquals(Termination.USER_ABORT, r.termination());
        assertFalse(r.success());
        assertEquals(8.0, r.parameters()[0], 1e-12); // 1 → 2 → 4 → 8
        assertTrue(r.cost() < r.initialCost());
    }
}
