package org.sparknlsq.model.builtin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;
import org.sparknlsq.model.CurveModel;
import org.sparknlsq.model.CurveModelContract;
import org.sparknlsq.model.JacobianChecker;
import org.sparknlsq.model.JacobianReport;

/** Randomized checks across the whole library, complementing the hand-picked contract vectors. */
class BuiltinModelPropertiesTest {

    private static final List<CurveModel> ALL = List.of(
            BuiltinModels.linear(),
            BuiltinModels.polynomial(3),
            BuiltinModels.exponentialDecay(),
            BuiltinModels.doubleExponential(),
            BuiltinModels.stretchedExponential(),
            BuiltinModels.gaussian(),
            BuiltinModels.lorentzian(),
            BuiltinModels.pseudoVoigt(),
            BuiltinModels.powerLaw(),
            BuiltinModels.logistic(),
            BuiltinModels.dampedSine(),
            BuiltinModels.xpcsG2());

    private static final double[] PEAK_X = CurveModelContract.linspace(-5, 5, 41);

    @Provide
    Arbitrary<CurveModel> models() {
        return Arbitraries.of(ALL);
    }

    /** Any double, with the special values and extremes that break careless formulas. */
    @Provide
    Arbitrary<double[]> anyDoubles() {
        return Arbitraries.doubles()
                .withSpecialValue(Double.NaN)
                .withSpecialValue(Double.POSITIVE_INFINITY)
                .withSpecialValue(Double.NEGATIVE_INFINITY)
                .withSpecialValue(Double.MIN_VALUE)
                .withSpecialValue(Double.MAX_VALUE)
                .withSpecialValue(-0.0)
                .array(double[].class)
                .ofSize(6);
    }

    /** Holds for every input, even outside the domain: requesting derivatives never changes the value. */
    @Property(tries = 2000)
    void valueIsTheSameWithAndWithoutDerivatives(
            @ForAll("models") CurveModel model, @ForAll("anyDoubles") double[] p, @ForAll("anyDoubles") double[] x) {
        double[] jac = new double[model.parameterCount()];
        assertEquals(model.value(p, x, 1, null, 0), model.value(p, x, 1, jac, 0));
    }

    /** The case that failed on a fixed grid: a narrow peak lying between the grid's points. */
    @Example
    void aNarrowPeakBetweenGridPointsIsCheckedAcrossThePeak() {
        peakDerivativesMatchCentralDifferences(0.01, 0.0, 0.06, 0.0, 0.0);
    }

    @Property(tries = 300)
    void peakDerivativesMatchCentralDifferences(
            @ForAll @DoubleRange(min = -10, max = 10) double a,
            @ForAll @DoubleRange(min = -3, max = 3) double center,
            @ForAll @DoubleRange(min = 0.05, max = 5) double width,
            @ForAll @DoubleRange(min = -0.5, max = 1.5) double eta,
            @ForAll @DoubleRange(min = -100, max = 100) double c) {
        // Points across the peak (±4 widths), where a peak's data are: on a fixed grid a narrow
        // peak can fall between the points, and the check then compares derivatives of the far
        // tails, ~1e-20 in size, whose central differences are dominated by truncation error.
        double[] x = new double[PEAK_X.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = center + width * 0.8 * PEAK_X[i];
        }
        assertJacobianOk(BuiltinModels.gaussian(), new double[] {a, center, width, c}, x);
        assertJacobianOk(BuiltinModels.lorentzian(), new double[] {a, center, width, c}, x);
        assertJacobianOk(BuiltinModels.pseudoVoigt(), new double[] {a, center, width, eta, c}, x);
    }

    @Property(tries = 300)
    void stepAndDecayDerivativesMatchCentralDifferences(
            @ForAll @DoubleRange(min = -10, max = 10) double a,
            @ForAll @DoubleRange(min = 0.05, max = 5) double rate,
            @ForAll @DoubleRange(min = 0.1, max = 3) double shape,
            @ForAll @DoubleRange(min = -3, max = 3) double shift) {
        double[] positive = CurveModelContract.linspace(0, 10, 41);
        assertJacobianOk(BuiltinModels.logistic(), new double[] {a, 2 * rate * Math.signum(shift), shift, 1}, PEAK_X);
        assertJacobianOk(BuiltinModels.stretchedExponential(), new double[] {a, 1 / rate, shape, shift}, positive);
        assertJacobianOk(BuiltinModels.powerLaw(), new double[] {a, shift, 0.5}, Arrays.copyOfRange(positive, 1, 41));
        assertJacobianOk(BuiltinModels.dampedSine(), new double[] {a, rate / 10, 3 * shape, shift, 0}, positive);
    }

    private static void assertJacobianOk(CurveModel model, double[] p, double[] x) {
        JacobianReport report = JacobianChecker.check(model, p, x, x.length);
        assertTrue(report.ok(CurveModelContract.JACOBIAN_REL_TOL), report::summary);
    }
}
