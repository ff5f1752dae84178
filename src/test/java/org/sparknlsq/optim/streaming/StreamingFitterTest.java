package org.sparknlsq.optim.streaming;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sparknlsq.kernel.Accumulator;
import org.sparknlsq.kernel.DataBlock;
import org.sparknlsq.kernel.SourceCancelledException;
import org.sparknlsq.model.CurveModel;
import org.sparknlsq.model.builtin.BuiltinModels;
import org.sparknlsq.optim.CurveFitter;
import org.sparknlsq.optim.FitMonitor;
import org.sparknlsq.optim.FitOptions;
import org.sparknlsq.optim.FitResult;
import org.sparknlsq.optim.Termination;
import org.sparknlsq.problem.FitProblem;
import org.sparknlsq.robust.FaultTolerance;

/**
 * STREAMING against the exact strategy on the same data: both must end at the same optimum, with
 * the same uncertainties, whatever the batch order.
 */
class StreamingFitterTest {
    static final CurveModel DECAY = BuiltinModels.exponentialDecay();
    static final double[] DECAY_TRUTH = {3, 1.3, 0.5};
    static final CurveModel PEAK = BuiltinModels.gaussian();
    static final double[] PEAK_TRUTH = {2, 5, 0.5, 0.3};

    /** The largest relative cost rise the exact phase's polish may accept (FitResult's rule). */
    static final double POLISH_NOISE = Math.sqrt(Math.ulp(1.0));

    static List<DataBlock> decay(int n, boolean sorted, int batches) {
        return StreamingData.blocks(DECAY, DECAY_TRUTH, n, 0, 4, 0.05, sorted, batches, 11);
    }

    static List<DataBlock> peak(int n, boolean sorted, int batches) {
        return StreamingData.blocks(PEAK, PEAK_TRUTH, n, 0, 10, 0.05, sorted, batches, 12);
    }

    static StreamingResult streaming(FitProblem problem, List<DataBlock> blocks, StreamingOptions options) {
        return StreamingFitter.fit(
                problem, StreamingData.batchedSource(problem, blocks), FitOptions.defaults(), options, FitMonitor.NONE);
    }

    static FitResult exact(FitProblem problem, List<DataBlock> blocks) {
        return CurveFitter.fit(
                problem,
                StreamingData.exactSource(problem, blocks),
                FitOptions.defaults(),
                FitMonitor.NONE,
                "STANDARD");
    }

    /** Same optimum to 1e-8 relative on every parameter, and the same uncertainties to 1e-6. */
    static void assertSameOptimum(FitResult expected, StreamingResult actual) {
        assertSameOptimum(expected, actual, 1e-8);
    }

    static void assertSameOptimum(FitResult expected, StreamingResult actual, double rtol) {
        FitResult got = actual.fit();
        assertTrue(expected.success(), expected.briefReport());
        assertTrue(got.success(), actual.briefReport());
        assertEquals("STREAMING", got.strategy());
        for (int i = 0; i < expected.parameters().length; i++) {
            double e = expected.parameters()[i];
            assertEquals(e, got.parameters()[i], rtol * Math.abs(e), "parameter " + i + "\n" + actual.briefReport());
            double u = expected.uncertainties()[i];
            assertEquals(u, got.uncertainties()[i], 1e-6 * u, "uncertainty " + i);
        }
        assertEquals(expected.points(), got.points());
    }

    @Test
    void exponentialDecayFromAFarStartReachesTheExactOptimum() {
        List<DataBlock> blocks = decay(400_000, false, 40);
        FitProblem problem = FitProblem.of(DECAY, 1, 1, 0);
        StreamingResult r = streaming(problem, blocks, StreamingOptions.defaults());
        assertSameOptimum(exact(problem, blocks), r);
        assertTrue(r.epochs() >= 1, r.briefReport());
        assertEquals(r.epochs() * 40L, r.batchesProcessed());
        assertTrue(r.fit().initialCost() > 100 * r.fit().cost(), r.briefReport());
        assertEquals(r.startCost(), r.fit().initialCost());
        // one start pass, then per epoch all batches (one pass together) and one judging pass
        assertEquals(1 + 2 * r.epochs(), r.streamingPasses(), 1e-9);
        assertEquals(r.fit().dataPasses(), (long) Math.ceil(r.totalPasses() - 1e-9));
    }

    @Test
    void boundedProblemWithTheOptimumOnABound() {
        // c ≤ 0.45 while the data say 0.5: the constrained optimum has c on its bound
        List<DataBlock> blocks = decay(200_000, false, 20);
        FitProblem problem =
                FitProblem.of(DECAY, 1, 1, 0.1).withBounds(new double[] {0, 0, 0}, new double[] {10, 5, 0.45});
        StreamingResult r = streaming(problem, blocks, StreamingOptions.defaults());
        FitResult e = exact(problem, blocks);
        assertSameOptimum(e, r);
        double c = r.fit().parameters()[2];
        assertTrue(c <= 0.45 && c > 0.45 - 1e-8, "c = " + c);
    }

    @Test
    void boundsHoldDuringTheStreamingPhase() {
        // a tight box that holds the optimum on two faces: no evaluation, batch or full, leaves it
        List<DataBlock> blocks = decay(100_000, true, 10);
        double[] lo = {0.5, 0.5, 0.0};
        double[] hi = {2.5, 1.2, 0.6};
        FitProblem problem = FitProblem.of(DECAY, 1, 1, 0.1).withBounds(lo, hi);
        AtomicInteger outside = new AtomicInteger();
        LocalBatchedSource source = StreamingData.batchedSource(problem, blocks);
        BatchedSource checking = new BoxCheckingSource(source, lo, hi, outside);
        StreamingResult r = StreamingFitter.fit(
                problem, checking, FitOptions.defaults(), StreamingOptions.defaults(), FitMonitor.NONE);
        assertEquals(0, outside.get(), "evaluations outside the box");
        // Two parameters on their bounds: TRF approaches an active bound geometrically, and where
        // it stops depends on its path, so the free parameter agrees to 1e-6 here, not 1e-8.
        assertSameOptimum(exact(problem, blocks), r, 1e-6);
        assertTrue(r.fit().parameters()[0] > 2.5 - 1e-8, "a should sit on its upper bound: " + r.briefReport());
    }

    @Test
    void gaussianPeakFromAPoorStart() {
        List<DataBlock> blocks = peak(200_000, false, 20);
        // a wide peak two units left of the true one, no offset
        FitProblem problem = FitProblem.of(PEAK, 1, 3, 2, 0);
        StreamingResult r = streaming(problem, blocks, StreamingOptions.defaults());
        assertSameOptimum(exact(problem, blocks), r);
    }

    /**
     * Data sorted by x, one slice of the curve per batch (sorted partitions): the hard case for
     * incremental steps, which must still end at the exact optimum. The peak's width is kept
     * positive by a bound, as a user would: the model is even in sigma, so without it the two
     * fits may end at mirror images (+σ and −σ) of the same optimum.
     */
    @ParameterizedTest
    @ValueSource(ints = {10, 25, 50})
    void xSortedBatchesReachTheSameOptimum(int batchCount) {
        List<DataBlock> d = decay(250_000, true, batchCount);
        FitProblem pd = FitProblem.of(DECAY, 1, 1, 0);
        assertSameOptimum(exact(pd, d), streaming(pd, d, StreamingOptions.defaults()));

        List<DataBlock> g = peak(250_000, true, batchCount);
        double inf = Double.POSITIVE_INFINITY;
        FitProblem pg = FitProblem.of(PEAK, 1, 3, 2, 0)
                .withBounds(new double[] {-inf, -inf, 1e-3, -inf}, new double[] {inf, inf, inf, inf});
        assertSameOptimum(exact(pg, g), streaming(pg, g, StreamingOptions.defaults()));
    }

    @Test
    void aStartAtTheOptimumCostsOnePassAndIsKept() {
        List<DataBlock> blocks = decay(100_000, false, 10);
        FitResult e = exact(FitProblem.of(DECAY, 1, 1, 0), blocks);
        StreamingResult r = streaming(FitProblem.of(DECAY, e.parameters()), blocks, StreamingOptions.defaults());
        assertEquals(StreamingResult.Stop.COST_TOLERANCE, r.stop());
        assertEquals(0, r.epochs());
        assertEquals(1.0, r.streamingPasses());
        assertTrue(r.fit().cost() <= r.startCost() * (1 + POLISH_NOISE), r.briefReport());
        assertSameOptimum(e, r);
    }

    /**
     * The best-point rule with epochs that go wrong: almost no damping and a memory of about one
     * batch on x-sorted data. Whatever the epochs do, only a lower full cost is accepted, and the
     * result is never worse than the best epoch end or the start.
     */
    @Test
    void neverWorseThanTheStartOrTheBestEpoch() {
        List<DataBlock> blocks = peak(100_000, true, 20);
        FitProblem problem = FitProblem.of(PEAK, 1, 3, 2, 0);
        StreamingOptions wild = StreamingOptions.defaults()
                .withInitialDamping(1e-12)
                .withForgettingFactor(0.05)
                .withCostTolerance(0)
                .withMaxEpochs(4);
        StreamingResult r = streaming(problem, blocks, wild);
        assertTrue(r.epochsRejected() >= 1, "the scenario needs rejected epochs: " + r.epochHistory());
        double best = r.startCost();
        for (EpochRecord e : r.epochHistory()) {
            if (e.accepted()) {
                assertTrue(e.cost() < best, e.toString());
                best = e.cost();
            } else {
                assertFalse(e.cost() < best, e.toString());
            }
        }
        assertEquals(best, r.bestEpochCost());
        assertTrue(r.bestEpochCost() <= r.startCost());
        assertTrue(r.fit().cost() <= r.bestEpochCost() * (1 + POLISH_NOISE), r.briefReport());
        assertTrue(r.fit().cost() < r.startCost(), r.briefReport());
    }

    @Test
    void twoRunsAreBitIdentical() {
        List<DataBlock> blocks = peak(100_000, true, 20);
        FitProblem problem = FitProblem.of(PEAK, 1, 3, 2, 0);
        StreamingResult a = streaming(problem, blocks, StreamingOptions.defaults());
        StreamingResult b = streaming(problem, blocks, StreamingOptions.defaults());
        assertArrayEquals(a.fit().parameters(), b.fit().parameters());
        assertArrayEquals(a.fit().uncertainties(), b.fit().uncertainties());
        assertEquals(a.epochHistory(), b.epochHistory());
        assertEquals(a.fit().cost(), b.fit().cost());
    }

    @Test
    void cancellingInTheSecondEpochReturnsTheFirstEpochsEndPoint() {
        List<DataBlock> blocks = decay(100_000, false, 10);
        FitProblem problem = FitProblem.of(DECAY, 1, 1, 0);
        LocalBatchedSource source = StreamingData.batchedSource(problem, blocks);
        // epoch 1 has 11 steps (its opening full-data step and 10 batch steps): stop in epoch 2
        AtomicInteger calls = new AtomicInteger();
        FitMonitor monitor = rec -> calls.incrementAndGet() < 15;
        StreamingResult r = StreamingFitter.fit(
                problem,
                source,
                FitOptions.defaults(),
                StreamingOptions.defaults().withCostTolerance(0),
                monitor);
        assertEquals(15, calls.get());
        assertEquals(StreamingResult.Stop.USER_ABORT, r.stop());
        assertEquals(Termination.USER_ABORT, r.fit().termination());
        assertFalse(r.fit().success());
        assertEquals(2, r.epochs());
        assertEquals(1, r.epochHistory().size());
        EpochRecord first = r.epochHistory().get(0);
        assertTrue(first.accepted());
        // the summary re-evaluates the best point: the same bits as the pass that judged it
        assertEquals(first.cost(), r.fit().cost());
        assertEquals(first.cost(), r.bestEpochCost());
        assertTrue(Double.isFinite(r.fit().uncertainties()[0]), r.briefReport());
        assertEquals(0, r.fit().iterations());
        assertTrue(r.fit().message().contains("cancelled"), r.fit().message());
    }

    @Test
    void cancellingInTheFirstEpochReturnsTheStart() {
        List<DataBlock> blocks = decay(50_000, false, 10);
        FitProblem problem = FitProblem.of(DECAY, 1, 1, 0);
        StreamingResult r = StreamingFitter.fit(
                problem,
                StreamingData.batchedSource(problem, blocks),
                FitOptions.defaults(),
                StreamingOptions.defaults(),
                rec -> false);
        assertEquals(Termination.USER_ABORT, r.fit().termination());
        assertArrayEquals(new double[] {1, 1, 0}, r.fit().parameters());
        assertEquals(r.startCost(), r.fit().cost());
        assertEquals(1, r.stepsTaken());
        assertEquals(0, r.batchesProcessed());
    }

    @Test
    void aSourceCancelledMidEpochEndsAtTheBestPointWithoutFurtherPasses() {
        List<DataBlock> blocks = decay(100_000, false, 10);
        FitProblem problem = FitProblem.of(DECAY, 1, 1, 0);
        LocalBatchedSource inner = StreamingData.batchedSource(problem, blocks);
        // epoch 1 evaluates batches 1–10; the 15th batch evaluation is in epoch 2
        StreamingResult r = StreamingFitter.fit(
                problem,
                new CancelledAtBatch(inner, 15),
                FitOptions.defaults(),
                StreamingOptions.defaults().withCostTolerance(0),
                FitMonitor.NONE);
        assertEquals(StreamingResult.Stop.USER_ABORT, r.stop());
        assertEquals(Termination.USER_ABORT, r.fit().termination());
        assertEquals(1, r.epochHistory().size());
        assertEquals(r.epochHistory().get(0).cost(), r.fit().cost());
        assertTrue(Double.isNaN(r.fit().uncertainties()[0]), "no pass was possible for the covariance");
        assertEquals(0, r.exactPasses());
        assertEquals(r.startCost(), r.fit().initialCost());
    }

    /** a·sqrt(x − s) from s = −3 with nearly undamped steps, on data with s = −0.2. */
    static StreamingResult overshooting(FitOptions exact) {
        // the steps overshoot the data's s = −0.2 into the data range, where some batch is no
        // longer finite
        CurveModel shifted = new ShiftedRoot();
        List<DataBlock> blocks =
                StreamingData.blocks(shifted, new double[] {2, -0.2}, 40_000, 0, 4, 0.01, false, 8, 13);
        FitProblem problem = FitProblem.of(shifted, 1, -3);
        StreamingOptions bold = StreamingOptions.defaults().withInitialDamping(1e-12);
        return StreamingFitter.fit(problem, StreamingData.batchedSource(problem, blocks), exact, bold, FitMonitor.NONE);
    }

    @Test
    void withoutFaultToleranceABatchThatIsNotFiniteRejectsTheStepAndTheEpoch() {
        StreamingResult r = overshooting(FitOptions.defaults().withFaultTolerance(FaultTolerance.fast()));
        assertTrue(r.stepsRejected() >= 1, r.briefReport());
        assertAbandonedEpochs(r);
        assertNull(r.fit().faults());
    }

    @Test
    void withFaultToleranceABatchThatIsNotFiniteGivesNoStepAndItsEpochIsJudged() {
        StreamingResult r = overshooting(FitOptions.defaults());
        assertEquals(0, r.stepsRejected(), "the failing batch is skipped, not stepped");
        assertAbandonedEpochs(r);
        assertTrue(r.fit().success(), r.fit().message());
        assertFalse(r.fit().faults().failedBatches().isEmpty());
        assertEquals(List.of(), r.fit().faults().excludedPartitions(), "the steps were at fault, not the data");
        assertEquals(1.0, r.fit().faults().batchSuccessRate(), "failed trials are not in the rate");
    }

    private static void assertAbandonedEpochs(StreamingResult r) {
        boolean sawAbandoned = false;
        for (EpochRecord e : r.epochHistory()) {
            if (Double.isNaN(e.cost())) {
                assertFalse(e.accepted());
                sawAbandoned = true;
            }
        }
        assertTrue(sawAbandoned, r.epochHistory().toString());
        assertTrue(r.fit().cost() < r.startCost(), r.briefReport());
        assertTrue(Double.isFinite(r.fit().cost()));
    }

    @Test
    void refusesBeforeAnyPass() {
        List<DataBlock> blocks = decay(1_000, false, 2);
        FitProblem problem = FitProblem.of(DECAY, 1, 1, 0);
        LocalBatchedSource source = StreamingData.batchedSource(problem, blocks);
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> StreamingFitter.fit(
                        problem, source, FitOptions.defaults(), new StreamingOptions(0, 2, -1, 0), FitMonitor.NONE));
        assertTrue(e.getMessage().contains("maxEpochs"), e.getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () -> StreamingFitter.fit(
                        FitProblem.of(PEAK, 1, 3, 2, 0),
                        source,
                        FitOptions.defaults(),
                        StreamingOptions.defaults(),
                        FitMonitor.NONE));
        assertEquals(0, source.dataPasses());
    }

    /** {@code a·sqrt(x − s)}: NaN left of s. */
    static final class ShiftedRoot implements CurveModel {
        @Override
        public List<String> parameterNames() {
            return List.of("a", "s");
        }

        @Override
        public List<String> variableNames() {
            return List.of("x");
        }

        @Override
        public double value(double[] p, double[] x, int xo, double[] j, int jo) {
            double r = Math.sqrt(x[xo] - p[1]);
            if (j != null) {
                j[jo] = r;
                j[jo + 1] = -0.5 * p[0] / r;
            }
            return p[0] * r;
        }
    }

    /** Counts evaluations at parameters outside [lo, hi]. */
    static final class BoxCheckingSource extends ForwardingSource {
        private final double[] lo;
        private final double[] hi;
        private final AtomicInteger outside;

        BoxCheckingSource(BatchedSource inner, double[] lo, double[] hi, AtomicInteger outside) {
            super(inner);
            this.lo = lo;
            this.hi = hi;
            this.outside = outside;
        }

        private void check(double[] p) {
            for (int i = 0; i < p.length; i++) {
                if (p[i] < lo[i] || p[i] > hi[i]) {
                    outside.incrementAndGet();
                    return;
                }
            }
        }

        @Override
        public Accumulator evaluateBatch(int b, double[] p, Accumulator.Kind kind) {
            check(p);
            return super.evaluateBatch(b, p, kind);
        }

        @Override
        public Accumulator evaluate(double[] p, Accumulator.Kind kind) {
            check(p);
            return super.evaluate(p, kind);
        }
    }

    /** Cancelled, as FitHandle.cancel() cancels a Spark source, at its n-th batch evaluation. */
    static final class CancelledAtBatch extends ForwardingSource {
        private final int n;
        private int batchCalls;
        private boolean cancelled;

        CancelledAtBatch(BatchedSource inner, int n) {
            super(inner);
            this.n = n;
        }

        @Override
        public Accumulator evaluateBatch(int b, double[] p, Accumulator.Kind kind) {
            cancelled |= ++batchCalls >= n;
            if (cancelled) {
                throw new SourceCancelledException("the fit was cancelled", null);
            }
            return super.evaluateBatch(b, p, kind);
        }

        @Override
        public Accumulator evaluate(double[] p, Accumulator.Kind kind) {
            if (cancelled) {
                throw new SourceCancelledException("the fit was cancelled", null);
            }
            return super.evaluate(p, kind);
        }
    }
}
