package org.sparknlsq.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link CurveModel} promises, checked at the parameter vectors and sample
 * points a subclass supplies. Extend it once per model (built-in or expression) and implement the
 * three providers; pick parameter vectors that include the model's awkward regions (tiny widths,
 * plateaus, offsets large compared with the signal).
 */
public abstract class CurveModelContract {

    /**
     * Relative Jacobian tolerance for {@link JacobianChecker}, in its column-scaled measure.
     * Measured on every parameter vector of the built-in model tests: ordinary vectors give at
     * most 9e-9 (most below 1e-9); the near-edge vectors with peak widths of 0.02-0.05 at unit
     * parameter scale give up to 9e-8, because the finite-difference step (6e-6) is then a visible
     * fraction of the width and the truncation error grows like (step/width)^2. A wrong
     * derivative gives errors of order 1 (a flipped sign gives 2). 1e-6 leaves a ten-fold
     * margin over the worst correct case and is still six orders below a real mistake; a test
     * with still narrower features should rescale its variables rather than raise the tolerance.
     */
    public static final double JACOBIAN_REL_TOL = 1e-6;

    /** A quiet NaN with a payload no arithmetic produces, so a write of NaN is still detected. */
    private static final double SENTINEL = Double.longBitsToDouble(0x7ff8_dead_beef_0001L);

    private static final int PAD = 3;

    /** The model under test; may return the same instance every time. */
    protected abstract CurveModel model();

    /** Parameter vectors, each of length {@code parameterCount()}; every check runs at each. */
    protected abstract List<double[]> parameterVectors();

    /**
     * Sample points, row-major {@code n * variableCount()}. They must lie where the model is
     * finite and smooth for every parameter vector, within a finite-difference step.
     */
    protected abstract double[] samplePoints();

    /** Tolerance for the Jacobian check; override only with a measured reason. */
    protected double jacobianTolerance() {
        return JACOBIAN_REL_TOL;
    }

    @Test
    void namesMatchCountsAndAreDistinct() {
        CurveModel model = model();
        assertEquals(model.parameterNames().size(), model.parameterCount());
        assertEquals(model.variableNames().size(), model.variableCount());
        assertEquals(model.parameterCount(), new HashSet<>(model.parameterNames()).size());
        assertEquals(model.variableCount(), new HashSet<>(model.variableNames()).size());
        for (double[] p : parameterVectors()) {
            assertEquals(model.parameterCount(), p.length, "parameter vector length");
        }
        assertEquals(0, samplePoints().length % model.variableCount(), "sample points length");
        assertFalse(model.describe().isBlank(), "describe()");
    }

    @Test
    void analyticJacobianMatchesCentralDifferences() {
        CurveModel model = model();
        double[] x = samplePoints();
        for (double[] p : parameterVectors()) {
            JacobianReport report = JacobianChecker.check(model, p, x, pointCount());
            assertTrue(report.ok(jacobianTolerance()), () -> "at p = " + Arrays.toString(p) + "\n" + report);
        }
    }

    @Test
    void valueWithoutJacobianEqualsValueWithJacobian() {
        CurveModel model = model();
        double[] x = samplePoints();
        double[] jac = new double[model.parameterCount()];
        for (double[] p : parameterVectors()) {
            for (int i = 0; i < pointCount(); i++) {
                int xOff = i * model.variableCount();
                assertEquals(model.value(p, x, xOff, null, 0), model.value(p, x, xOff, jac, 0), where(p, i));
            }
        }
    }

    @Test
    void jacobianIsWrittenExactlyAtItsOffset() {
        CurveModel model = model();
        int m = model.parameterCount();
        double[] x = samplePoints();
        for (int jacOff : new int[] {0, PAD}) {
            double[] jac = new double[jacOff + m + PAD];
            for (double[] p : parameterVectors()) {
                for (int i = 0; i < pointCount(); i++) {
                    Arrays.fill(jac, SENTINEL);
                    model.value(p, x, i * model.variableCount(), jac, jacOff);
                    for (int j = 0; j < jac.length; j++) {
                        boolean untouched = Double.doubleToRawLongBits(jac[j]) == Double.doubleToRawLongBits(SENTINEL);
                        boolean inSlot = j >= jacOff && j < jacOff + m;
                        assertEquals(!inSlot, untouched, where(p, i) + ", jac index " + j + ", jacOff " + jacOff);
                    }
                }
            }
        }
    }

    @Test
    void variablesAreReadAtTheirOffset() {
        CurveModel model = model();
        int m = model.parameterCount();
        int k = model.variableCount();
        double[] x = samplePoints();
        double[] padded = new double[PAD + k + PAD];
        double[] expectedJac = new double[m];
        double[] actualJac = new double[m];
        for (double[] p : parameterVectors()) {
            for (int i = 0; i < pointCount(); i++) {
                Arrays.fill(padded, Double.NaN);
                System.arraycopy(x, i * k, padded, PAD, k);
                double expected = model.value(p, Arrays.copyOfRange(x, i * k, i * k + k), 0, expectedJac, 0);
                double actual = model.value(p, padded, PAD, actualJac, 0);
                assertEquals(expected, actual, where(p, i));
                assertArrayEquals(expectedJac, actualJac, where(p, i));
            }
        }
    }

    @Test
    void inputsAreNotModified() {
        CurveModel model = model();
        double[] x = samplePoints();
        double[] xCopy = x.clone();
        double[] jac = new double[model.parameterCount()];
        for (double[] p : parameterVectors()) {
            double[] pCopy = p.clone();
            for (int i = 0; i < pointCount(); i++) {
                model.value(p, x, i * model.variableCount(), jac, 0);
                model.value(p, x, i * model.variableCount(), null, 0);
            }
            assertArrayEquals(pCopy, p);
            assertArrayEquals(xCopy, x);
        }
    }

    @Test
    void serializationRoundTripGivesIdenticalValues() throws IOException, ClassNotFoundException {
        CurveModel model = model();
        CurveModel copy = roundTrip(model);
        assertNotNull(copy);
        assertEquals(model.parameterNames(), copy.parameterNames());
        assertEquals(model.variableNames(), copy.variableNames());
        assertEquals(model.describe(), copy.describe());
        for (double[] p : parameterVectors()) {
            assertArrayEquals(evaluateAll(model, p), evaluateAll(copy, p), Arrays.toString(p));
        }
    }

    @Test
    void evaluationIsDeterministicAcrossCallsAndThreads() throws Exception {
        CurveModel model = model();
        List<double[]> vectors = parameterVectors();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (double[] p : vectors) {
                double[] expected = evaluateAll(model, p);
                assertArrayEquals(expected, evaluateAll(model, p), Arrays.toString(p));
                Future<double[]> first = pool.submit(() -> evaluateAll(model, p));
                Future<double[]> second = pool.submit(() -> evaluateAll(model, p));
                assertArrayEquals(expected, first.get(), Arrays.toString(p));
                assertArrayEquals(expected, second.get(), Arrays.toString(p));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** Number of sample points. */
    protected final int pointCount() {
        return samplePoints().length / model().variableCount();
    }

    /** Value and Jacobian row of every sample point, concatenated: {@code n * (1 + m)} doubles. */
    protected final double[] evaluateAll(CurveModel model, double[] p) {
        double[] x = samplePoints();
        int m = model.parameterCount();
        int n = x.length / model.variableCount();
        double[] out = new double[n * (1 + m)];
        for (int i = 0; i < n; i++) {
            out[i * (1 + m)] = model.value(p, x, i * model.variableCount(), out, i * (1 + m) + 1);
        }
        return out;
    }

    /** The model's value at one point. */
    public static double valueAt(CurveModel model, double[] p, double... x) {
        return model.value(p, x, 0, null, 0);
    }

    /** The model's Jacobian row at one point. */
    public static double[] jacobianAt(CurveModel model, double[] p, double... x) {
        double[] jac = new double[model.parameterCount()];
        model.value(p, x, 0, jac, 0);
        return jac;
    }

    /** {@code n} evenly spaced points from {@code from} to {@code to} inclusive. */
    public static double[] linspace(double from, double to, int n) {
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = n == 1 ? from : from + (to - from) * i / (n - 1);
        }
        return out;
    }

    /** The arrays one after another. */
    public static double[] concat(double[]... parts) {
        return Arrays.stream(parts).flatMapToDouble(Arrays::stream).toArray();
    }

    /** Java-serializes and deserializes a model, as Spark does when shipping it to executors. */
    public static CurveModel roundTrip(CurveModel model) throws IOException, ClassNotFoundException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(model);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return (CurveModel) in.readObject();
        }
    }

    private static String where(double[] p, int point) {
        return "p = " + Arrays.toString(p) + ", point " + point;
    }
}
