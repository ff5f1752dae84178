package org.sparknlsq.model.builtin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sparknlsq.model.CurveModel;
import org.sparknlsq.model.CurveModelContract;

class XpcsG2Test extends CurveModelContract {

    @Override
    protected CurveModel model() {
        return BuiltinModels.xpcsG2();
    }

    @Override
    protected List<double[]> parameterVectors() {
        return List.of(new double[] {1, 0.3, 100}, new double[] {1.02, 0.15, 1e3}, new double[] {1, 0.2, 0.5});
    }

    /** Lag times log-spaced from 1 microsecond to 10 s, as a multi-tau correlator produces. */
    @Override
    protected double[] samplePoints() {
        return Arrays.stream(linspace(-6, 1, 36)).map(e -> Math.pow(10, e)).toArray();
    }

    @Test
    void namesAndContrastAtZeroLag() {
        assertEquals(List.of("tau"), model().variableNames());
        assertEquals(List.of("baseline", "beta", "Gamma"), model().parameterNames());
        assertEquals(1.3, valueAt(model(), new double[] {1, 0.3, 100}, 0.0));
    }

    @Test
    void isAnExponentialDecayInTauWithRateTwoGamma() {
        double[] p = {1.02, 0.15, 1e3};
        double[] decay = {0.15, 2e3, 1.02};
        for (double tau : samplePoints()) {
            assertEquals(valueAt(BuiltinModels.exponentialDecay(), decay, tau), valueAt(model(), p, tau));
            double[] jac = jacobianAt(model(), p, tau);
            double[] decayJac = jacobianAt(BuiltinModels.exponentialDecay(), decay, tau);
            assertEquals(decayJac[0], jac[1]);
            assertEquals(2 * decayJac[1], jac[2]);
        }
    }
}
