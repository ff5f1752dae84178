package org.sparknlsq.optim;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sparknlsq.kernel.BlockKernel;
import org.sparknlsq.kernel.DataBlock;
import org.sparknlsq.kernel.LocalSource;
import org.sparknlsq.model.CurveModel;
import org.sparknlsq.model.builtin.BuiltinModels;
import org.sparknlsq.optim.streaming.LocalBatchedSource;
import org.sparknlsq.optim.streaming.StreamingFitter;
import org.sparknlsq.optim.streaming.StreamingOptions;
import org.sparknlsq.problem.FitProblem;

/**
 * A fit resumed from the snapshot of any iteration ends with the parameters of the uninterrupted
 * fit, to the bit: plain, with excluded partitions, and with bounds.
 */
class ResumeTest {
    /** Keeps every snapshot; resumes from the given one. */
    static final class Recorder implements Snapshot.Sink {
        final List<Snapshot> all = new ArrayList<>();
        final Snapshot from;

        Recorder(Snapshot from) {
            this.from = from;
        }

        @Override
        public void onSnapshot(Snapshot s) {
            all.add(s);
        }

        @Override
        public Snapshot resume() {
            return from;
        }
    }

    static FitResult fit(FitProblem problem, List<DataBlock> blocks, Recorder r) {
        return fit(problem, blocks, r, FitOptions.defaults());
    }

    static FitResult fit(FitProblem problem, List<DataBlock> blocks, Recorder r, FitOptions options) {
        BlockKernel k = new BlockKernel(problem.model(), problem.loss(), problem.fScale());
        return CurveFitter.fit(
                problem,
                new LocalSource(k, blocks, LocalSource.DEFAULT_CHUNK_SIZE, null),
                options,
                FitMonitor.NONE,
                "TEST",
                r);
    }

    static void assertResumesExactly(FitProblem problem, List<DataBlock> blocks) {
        assertResumesExactly(problem, blocks, FitOptions.defaults());
    }

    static void assertResumesExactly(FitProblem problem, List<DataBlock> blocks, FitOptions options) {
        Recorder first = new Recorder(null);
        FitResult whole = fit(problem, blocks, first, options);
        assertTrue(whole.success(), whole.message());
        assertTrue(first.all.size() >= 4, "iterations: " + first.all.size());
        for (Snapshot at : first.all) {
            Recorder again = new Recorder(at);
            FitResult resumed = fit(problem, blocks, again, options);
            assertArrayEquals(whole.parameters(), resumed.parameters(), "resumed after iteration " + at.iteration());
            assertArrayEquals(whole.uncertainties(), resumed.uncertainties());
            assertEquals(whole.iterations(), resumed.iterations());
            assertEquals(whole.termination(), resumed.termination());
            // the snapshots after the resume point are the same as the uninterrupted ones
            if (!again.all.isEmpty()) {
                Snapshot last = again.all.get(again.all.size() - 1);
                assertArrayEquals(first.all.get(first.all.size() - 1).x(), last.x());
            }
        }
    }

    @Test
    void fromEveryIteration() {
        FitProblem problem = FitProblem.of(BuiltinModels.exponentialDecay(), 1.0, 1.0, 0.0);
        assertResumesExactly(problem, FaultToleranceTest.blocks(false));
    }

    @Test
    void levenbergMarquardtFromEveryIteration() {
        FitProblem problem = FitProblem.of(BuiltinModels.exponentialDecay(), 1.0, 1.0, 0.0);
        FitOptions lm = FitOptions.defaults().withMethod(Method.LM);
        assertResumesExactly(problem, FaultToleranceTest.blocks(false), lm);
        Recorder r = new Recorder(null);
        fit(problem, FaultToleranceTest.blocks(false), r, lm);
        assertEquals("lm", r.all.get(0).phase());
    }

    @Test
    void withExcludedPartitions() {
        CurveModel m = FaultToleranceTest.SQRT_MODEL;
        assertResumesExactly(FitProblem.of(m, 2.0, 0.3, 1.0), FaultToleranceTest.blocks());
    }

    @Test
    void withBounds() {
        // the data have b = 0.5: the bound on b is active at the solution
        FitProblem problem = FitProblem.of(BuiltinModels.exponentialDecay(), 1.0, 0.3, 0.0)
                .withBounds(new double[] {0, 0, -10}, new double[] {10, 0.45, 10});
        assertResumesExactly(problem, FaultToleranceTest.blocks(false));
    }

    static FitResult stream(FitProblem problem, List<DataBlock> blocks, Recorder r) {
        BlockKernel k = new BlockKernel(problem.model(), problem.loss(), problem.fScale());
        return StreamingFitter.fit(
                        problem,
                        LocalBatchedSource.ofBlocks(k, blocks),
                        FitOptions.defaults(),
                        StreamingOptions.defaults().withCostTolerance(0).withMaxEpochs(4),
                        FitMonitor.NONE,
                        r)
                .fit();
    }

    @Test
    void streamingFromEveryEpochAndEveryExactIteration() {
        FitProblem problem = FitProblem.of(FaultToleranceTest.SQRT_MODEL, 2.0, 0.3, 1.0);
        List<DataBlock> blocks = FaultToleranceTest.blocks();
        Recorder first = new Recorder(null);
        FitResult whole = stream(problem, blocks, first);
        assertTrue(whole.success(), whole.message());
        long epochs =
                first.all.stream().filter(x -> x.phase().equals("streaming")).count();
        assertTrue(epochs >= 2, "epoch snapshots: " + epochs);
        assertTrue(first.all.stream().anyMatch(x -> x.phase().equals("trf")), "exact-phase snapshots");
        for (Snapshot at : first.all) {
            FitResult resumed = stream(problem, blocks, new Recorder(at));
            assertArrayEquals(
                    whole.parameters(), resumed.parameters(), "resumed at " + at.phase() + " " + at.iteration());
            assertArrayEquals(whole.uncertainties(), resumed.uncertainties());
            assertEquals(
                    whole.faults().excludedPartitions().size(),
                    resumed.faults().excludedPartitions().size());
        }
    }
}
