package org.sparknlsq.optim;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.sparknlsq.kernel.DataBlock;
import org.sparknlsq.model.CurveModel;
import org.sparknlsq.model.builtin.BuiltinModels;
import org.sparknlsq.problem.FitProblem;
import org.sparknlsq.problem.Loss;

/** What every trust-region method must do, run for TRF and LM alike. */
class MethodContractTest {
    private static final CurveModel DECAY = BuiltinModels.exponentialDecay();

    /** y = 3·exp(−1.3x) + 0.5 with noise of standard deviation 0.02 (seeded). */
    static DataBlock decay(int n, long seed, double outlierEvery) {
        Random rnd = new Random(seed);
        double[] x = new double[n];
        double[] y = new double[n];
        double[] s = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = 5.0 * i / n;
            y[i] = 3 * Math.exp(-1.3 * x[i]) + 0.5 + 0.02 * rnd.nextGaussian();
            if (outlierEvery > 0 && i % (int) outlierEvery == 0) {
                y[i] += 5;
            }
            s[i] = 0.02;
        }
        return new DataBlock(x, y, s, 1, 0);
    }

    @ParameterizedTest
    @EnumSource(Method.class)
    void recoversTheGeneratingParameters(Method m) {
        FitResult r = CurveFitter.fit(
                FitProblem.of(DECAY, 1, 1, 0),
                decay(2000, 1, 0),
                FitOptions.defaults().withMethod(m));
        assertTrue(r.success(), r.briefReport());
        double[] truth = {3, 1.3, 0.5};
        for (int i = 0; i < 3; i++) {
            // within four standard deviations of the truth
            assertEquals(truth[i], r.parameters()[i], 4 * r.uncertainties()[i], r.briefReport());
        }
        // reduced chi-square near 1 because sigma is the true noise level
        assertEquals(1.0, r.reducedChiSquared(), 0.1);
        assertTrue(r.cost() < r.initialCost());
        assertEquals(r.evaluations(), r.dataPasses(), "well conditioned: the covariance needs no pass");
    }

    @ParameterizedTest
    @EnumSource(Method.class)
    void bothMethodsReachTheSameOptimum(Method m) {
        DataBlock d = decay(500, 2, 0);
        FitResult ref = CurveFitter.fit(FitProblem.of(DECAY, 1, 1, 0), d, FitOptions.defaults());
        FitResult r = CurveFitter.fit(
                FitProblem.of(DECAY, 2, 0.5, 1), d, FitOptions.defaults().withMethod(m));
        for (int i = 0; i < 3; i++) {
            assertEquals(ref.parameters()[i], r.parameters()[i], 1e-10 * Math.abs(ref.parameters()[i]));
        }
    }

    @ParameterizedTest
    @EnumSource(Method.class)
    void evaluationLimitStopsWithoutSuccessAndKeepsTheBestPoint(Method m) {
        FitResult r = CurveFitter.fit(
                FitProblem.of(DECAY, 1, 1, 0),
                decay(500, 3, 0),
                FitOptions.defaults().withMethod(m).withMaxEvaluations(3));
        assertEquals(Termination.MAX_EVALUATIONS, r.termination());
        assertFalse(r.success());
        assertTrue(r.evaluations() <= 3);
        double best = r.initialCost();
        for (IterationRecord rec : r.history()) {
            best = Math.min(best, rec.cost());
        }
        assertEquals(best, r.cost(), "the result is the best point seen");
    }

    @ParameterizedTest
    @EnumSource(Method.class)
    void softL1ResistsOutliersThatPullTheLinearFit(Method m) {
        DataBlock d = decay(1000, 4, 20);
        FitProblem p = FitProblem.of(DECAY, 1, 1, 0);
        FitResult linear = CurveFitter.fit(p, d, FitOptions.defaults().withMethod(m));
        FitResult robust = CurveFitter.fit(
                p.withLoss(Loss.SOFT_L1, 1.0), d, FitOptions.defaults().withMethod(m));
        assertTrue(robust.success(), robust.briefReport());
        assertEquals(0.5, robust.parameter("c"), 0.02, robust.briefReport());
        assertTrue(Math.abs(linear.parameter("c") - 0.5) > 0.1, linear.briefReport());
    }

    @ParameterizedTest
    @EnumSource(Method.class)
    void absoluteSigmaChangesOnlyTheCovarianceScale(Method m) {
        DataBlock d = decay(300, 5, 0);
        FitProblem p = FitProblem.of(DECAY, 1, 1, 0);
        FitResult rel = CurveFitter.fit(p, d, FitOptions.defaults().withMethod(m));
        FitResult abs = CurveFitter.fit(
                p.withAbsoluteSigma(true), d, FitOptions.defaults().withMethod(m));
        assertArrayEquals(rel.parameters(), abs.parameters());
        for (int i = 0; i < 3; i++) {
            assertEquals(
                    rel.covariance()[i][i],
                    abs.covariance()[i][i] * rel.reducedChiSquared(),
                    1e-12 * rel.covariance()[i][i]);
        }
    }

    @ParameterizedTest
    @EnumSource(Method.class)
    void fixedXScaleAlsoConverges(Method m) {
        FitResult r = CurveFitter.fit(
                FitProblem.of(DECAY, 1, 1, 0),
                decay(500, 6, 0),
                FitOptions.defaults().withMethod(m).withXScale(new double[] {1, 1, 0.1}));
        assertTrue(r.success(), r.briefReport());
        assertEquals(3, r.parameter("a"), 0.05);
    }
}
