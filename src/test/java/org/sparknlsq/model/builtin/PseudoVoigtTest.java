package org.sparknlsq.model.builtin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.sparknlsq.model.CurveModel;
import org.sparknlsq.model.CurveModelContract;

class PseudoVoigtTest extends CurveModelContract {

    @Override
    protected CurveModel model() {
        return BuiltinModels.pseudoVoigt();
    }

    @Override
    protected List<double[]> parameterVectors() {
        return List.of(
                new double[] {1, 0, 1, 0.5, 0},
                new double[] {2, 1, 0.5, 0, 0.1},
                new double[] {2, 1, 0.5, 1, 0.1},
                new double[] {1, 0.3, 0.05, 0.3, 0},
                new double[] {-1, 0, -2, 1.2, 10});
    }

    @Override
    protected double[] samplePoints() {
        return concat(linspace(-4, 4, 41), linspace(0.22, 0.38, 17));
    }

    @Test
    void aIsThePeakHeightAndWTheFullWidthAtHalfMaximumForEveryEta() {
        for (double eta : new double[] {0, 0.25, 0.5, 1}) {
            double[] p = {2, 1, 0.5, eta, 0.1};
            assertEquals(2.1, valueAt(model(), p, 1), 1e-15);
            assertEquals(1.1, valueAt(model(), p, 1.25), 1e-15);
            assertEquals(1.1, valueAt(model(), p, 0.75), 1e-15);
        }
    }

    @Test
    void endMembersAreTheLorentzianAndTheGaussian() {
        double w = 0.8;
        double sigma = w / (2 * Math.sqrt(2 * Math.log(2)));
        for (double x : linspace(-3, 3, 25)) {
            assertEquals(
                    valueAt(BuiltinModels.lorentzian(), new double[] {2, 0.1, w / 2, 0.5}, x),
                    valueAt(model(), new double[] {2, 0.1, w, 1, 0.5}, x),
                    1e-15);
            assertEquals(
                    valueAt(BuiltinModels.gaussian(), new double[] {2, 0.1, sigma, 0.5}, x),
                    valueAt(model(), new double[] {2, 0.1, w, 0, 0.5}, x),
                    1e-14);
        }
    }

    @Test
    void etaDerivativeIsTheComponentDifference() {
        double[] p = {3, 0, 1, 0.4, 0};
        double x = 0.7;
        double lorentz = valueAt(model(), new double[] {1, 0, 1, 1, 0}, x);
        double gauss = valueAt(model(), new double[] {1, 0, 1, 0, 0}, x);
        assertEquals(3 * (lorentz - gauss), jacobianAt(model(), p, x)[3], 1e-15);
    }

    @Test
    void farTailDerivativesAreZeroNotNaN() {
        double[] jac = jacobianAt(model(), new double[] {1, 0, 1e-300, 0.5, 0}, 1e10);
        assertEquals(0.0, jac[1]);
        assertEquals(0.0, jac[2]);
    }
}
