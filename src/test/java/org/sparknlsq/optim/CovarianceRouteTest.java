package org.sparknlsq.optim;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.sparknlsq.kernel.Accumulator;
import org.sparknlsq.kernel.BlockKernel;
import org.sparknlsq.kernel.DataBlock;
import org.sparknlsq.kernel.LocalSource;
import org.sparknlsq.linalg.Covariance;
import org.sparknlsq.model.CurveModel;
import org.sparknlsq.model.builtin.BuiltinModels;
import org.sparknlsq.problem.FitProblem;

/**
 * Where the covariance comes from: the loop's own JᵀWJ, with no extra pass, when the scaled
 * condition number is at most {@link Covariance#NORMAL_CONDITION_LIMIT}, else a QR pass at the
 * solution; either way the same matrix as a QR pass gives, to rounding.
 */
class CovarianceRouteTest {

    /** pinv(JᵀWJ)·factor from a QR pass at {@code r}'s solution, as the fit would scale it. */
    private static double[][] fromQrPass(FitProblem problem, DataBlock data, FitResult r) {
        BlockKernel kernel = new BlockKernel(problem.model(), problem.loss(), problem.fScale());
        Accumulator qr = new LocalSource(kernel, data).evaluate(r.parameters(), Accumulator.Kind.QR);
        int p = r.parameters().length;
        double[] pinv = Covariance.fromR(qr.rFactor(), p, qr.count()).pinv();
        double[][] cov = new double[p][p];
        for (int i = 0; i < p; i++) {
            for (int j = 0; j < p; j++) {
                cov[i][j] = pinv[i * p + j] * r.reducedChiSquared();
            }
        }
        return cov;
    }

    private static DataBlock noisy(CurveModel model, double[] truth, double x0, double width, int n) {
        Random rnd = new Random(11);
        double[] x = new double[n];
        double[] y = new double[n];
        double[] s = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = x0 + width * i / n;
            y[i] = model.value(truth, x, i, null, 0) + 0.02 * rnd.nextGaussian();
            s[i] = 0.02;
        }
        return new DataBlock(x, y, s, 1, 0);
    }

    @Test
    void aWellConditionedFitTakesItsCovarianceFromTheLoopWithoutAPass() {
        CurveModel decay = BuiltinModels.exponentialDecay();
        DataBlock data = noisy(decay, new double[] {3, 1.3, 0.5}, 0, 5, 5_000);
        FitProblem problem = FitProblem.of(decay, 1, 1, 0);
        FitResult r = CurveFitter.fit(problem, data, FitOptions.defaults());
        assertTrue(r.success(), r.briefReport());
        assertTrue(r.scaledCondition() <= Covariance.NORMAL_CONDITION_LIMIT, "condition " + r.scaledCondition());
        assertEquals(r.evaluations(), r.dataPasses(), "no covariance pass");
        double[][] qr = fromQrPass(problem, data, r);
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                double scale = Math.sqrt(qr[i][i] * qr[j][j]);
                assertEquals(qr[i][j], r.covariance()[i][j], 2e-12 * scale, "entry " + i + "," + j);
            }
        }
    }

    @Test
    void anIllConditionedFitMakesTheQrPass() {
        // a straight line far from x = 0: the intercept and slope columns are nearly parallel
        CurveModel line = BuiltinModels.linear();
        DataBlock data = noisy(line, new double[] {2, 0.5}, 1_000, 1, 2_000);
        FitProblem problem = FitProblem.of(line, 0, 0);
        FitResult r = CurveFitter.fit(problem, data, FitOptions.defaults());
        assertTrue(r.scaledCondition() > Covariance.NORMAL_CONDITION_LIMIT, "condition " + r.scaledCondition());
        assertEquals(r.evaluations() + 1, r.dataPasses(), "one QR pass for the covariance");
        double[][] qr = fromQrPass(problem, data, r);
        for (int i = 0; i < 2; i++) {
            assertArrayEquals(qr[i], r.covariance()[i], 0.0);
        }
    }
}
