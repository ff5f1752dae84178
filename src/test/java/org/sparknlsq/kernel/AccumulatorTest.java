package org.sparknlsq.kernel;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.Random;
import java.util.concurrent.ForkJoinPool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.sparknlsq.model.CurveModel;
import org.sparknlsq.problem.Loss;

/** Split/merge contracts of the accumulator and the local source's fixed-order reduction. */
class AccumulatorTest {
    /** y = a·exp(−b·x) + c, handwritten so this test depends on nothing else. */
    static final CurveModel EXP = new CurveModel() {
        @Override
        public List<String> parameterNames() {
            return List.of("a", "b", "c");
        }

        @Override
        public List<String> variableNames() {
            return List.of("x");
        }

        @Override
        public double value(double[] p, double[] x, int xo, double[] j, int jo) {
            double e = Math.exp(-p[1] * x[xo]);
            if (j != null) {
                j[jo] = e;
                j[jo + 1] = -p[0] * x[xo] * e;
                j[jo + 2] = 1;
            }
            return p[0] * e + p[2];
        }
    };

    static DataBlock data(int n, long seed, boolean withSigma) {
        Random rnd = new Random(seed);
        double[] x = new double[n];
        double[] y = new double[n];
        double[] s = withSigma ? new double[n] : null;
        for (int i = 0; i < n; i++) {
            x[i] = 5.0 * i / n;
            y[i] = 3 * Math.exp(-1.3 * x[i]) + 0.5 + 0.01 * rnd.nextGaussian();
            if (s != null) {
                s[i] = 0.005 + 0.01 * rnd.nextDouble();
            }
        }
        return new DataBlock(x, y, s, 1, 0);
    }

    static final double[] P = {2.5, 1.1, 0.4};

    private static Accumulator direct(Accumulator.Kind kind, DataBlock d, Loss loss) {
        Accumulator a = new Accumulator(kind, 3);
        new BlockKernel(EXP, loss, 0.05).accumulate(P, d, 0, d.size(), a);
        return a;
    }

    private static void assertClose(double[] expected, double[] actual, double rel) {
        double scale = 0;
        for (double e : expected) {
            scale = Math.max(scale, Math.abs(e));
        }
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], rel * scale, "entry " + i);
        }
    }

    @ParameterizedTest
    @EnumSource(Loss.class)
    void splittingIntoChunksOfOneTwoAndSevenMatchesOnePass(Loss loss) {
        DataBlock d = data(1000, 1, true);
        for (Accumulator.Kind kind : List.of(Accumulator.Kind.NORMAL, Accumulator.Kind.QR)) {
            Accumulator whole = direct(kind, d, loss);
            for (int chunk : new int[] {1, 2, 7}) {
                LocalSource src = new LocalSource(new BlockKernel(EXP, loss, 0.05), List.of(d), chunk, null);
                Accumulator split = src.evaluate(P, kind);
                assertEquals(whole.count(), split.count());
                assertEquals(whole.cost(), split.cost(), 1e-14 * whole.cost(), kind + " chunk " + chunk);
                assertClose(whole.normalMatrix(), split.normalMatrix(), 1e-13);
                assertClose(whole.gradient(), split.gradient(), 1e-13);
            }
        }
    }

    @Test
    void resultIsBitIdenticalForAnyThreadCount() {
        DataBlock d = data(50_000, 2, false);
        BlockKernel k = new BlockKernel(EXP, Loss.LINEAR, 1.0);
        Accumulator ref =
                new LocalSource(k, List.of(d), 1000, new ForkJoinPool(1)).evaluate(P, Accumulator.Kind.NORMAL);
        for (int threads : new int[] {2, 3, 8}) {
            ForkJoinPool pool = new ForkJoinPool(threads);
            try {
                Accumulator a = new LocalSource(k, List.of(d), 1000, pool).evaluate(P, Accumulator.Kind.NORMAL);
                assertArrayEquals(ref.packed(), a.packed(), "threads " + threads);
                assertEquals(ref.cost(), a.cost());
            } finally {
                pool.shutdown();
            }
        }
    }

    @Test
    void qrFactorReproducesTheNormalEquations() {
        DataBlock d = data(500, 3, true);
        Accumulator n = direct(Accumulator.Kind.NORMAL, d, Loss.LINEAR);
        Accumulator q = direct(Accumulator.Kind.QR, d, Loss.LINEAR);
        assertClose(n.normalMatrix(), q.normalMatrix(), 1e-13);
        assertClose(n.gradient(), q.gradient(), 1e-12);
        assertEquals(n.cost(), q.cost(), 1e-15 * n.cost());
        // the last diagonal of R is the norm of the residual orthogonal to J's range
        int last = Accumulator.packedIndex(4, 3, 3);
        double rPerp = q.packed()[last];
        assertTrue(rPerp * rPerp <= 2 * n.cost() * (1 + 1e-12));
    }

    @ParameterizedTest(name = "p = {0}")
    @ValueSource(ints = {1, 2, 3, 4, 7, 11, 14})
    void aBatchOfRowsEqualsTheSameRowsAddedOneByOne(int p) {
        Random r = new Random(p);
        int n = 61;
        int q = p + 1;
        double[] cols = new double[q * 64];
        double[] costs = new double[64];
        Accumulator oneByOne = new Accumulator(Accumulator.Kind.NORMAL, p);
        for (int b = 0; b < n; b++) {
            double[] row = new double[q];
            for (int j = 0; j < q; j++) {
                row[j] = r.nextGaussian() * Math.pow(10, j - 2);
                cols[j * 64 + b] = row[j];
            }
            costs[b] = 0.5 * row[p] * row[p];
            oneByOne.add(row, costs[b]);
        }
        Accumulator batch = new Accumulator(Accumulator.Kind.NORMAL, p);
        batch.addBatch(cols, 64, n, costs);
        assertEquals(oneByOne.count(), batch.count());
        assertEquals(oneByOne.cost(), batch.cost(), 0.0, "costs are added one by one in both");
        double[] a = oneByOne.packed();
        double[] b = batch.packed();
        for (int i = 0; i < a.length; i++) {
            assertEquals(a[i], b[i], 1e-14 * Math.abs(a[i]) + 1e-300, "packed entry " + i);
        }
    }

    @Test
    void emptyAccumulatorMergesAsNoOp() {
        DataBlock d = data(100, 4, false);
        for (Accumulator.Kind kind : Accumulator.Kind.values()) {
            Accumulator a = direct(kind, d, Loss.LINEAR);
            double[] before = a.packed().clone();
            double cost = a.cost();
            a.merge(new Accumulator(kind, 3));
            assertArrayEquals(before, a.packed());
            assertEquals(cost, a.cost());
            Accumulator empty = new Accumulator(kind, 3).merge(a);
            assertArrayEquals(before, empty.packed());
            assertEquals(cost, empty.cost());
        }
    }

    @Test
    void mergeChecksKindAndDimension() {
        Accumulator a = new Accumulator(Accumulator.Kind.NORMAL, 3);
        assertThrows(IllegalArgumentException.class, () -> a.merge(new Accumulator(Accumulator.Kind.NORMAL, 2)));
        assertThrows(IllegalArgumentException.class, () -> a.merge(new Accumulator(Accumulator.Kind.QR, 3)));
    }

    @Test
    void nonFinitePointsAreCountedWithTheirGlobalIndex() {
        double[] x = {0, 1, 2, 3};
        double[] y = {1, Double.NaN, 1, Double.POSITIVE_INFINITY};
        DataBlock d = new DataBlock(x, y, null, 1, 100);
        Accumulator a = new Accumulator(Accumulator.Kind.NORMAL, 3);
        new BlockKernel(EXP, Loss.LINEAR, 1).accumulate(P, d, 0, 4, a);
        assertEquals(2, a.count());
        assertEquals(2, a.invalidCount());
        assertEquals(101, a.firstInvalidIndex());
    }
}
