package org.sparknlsq.optim.streaming;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.sparknlsq.kernel.Accumulator;
import org.sparknlsq.kernel.BlockKernel;
import org.sparknlsq.kernel.DataBlock;
import org.sparknlsq.kernel.LocalSource;
import org.sparknlsq.model.builtin.BuiltinModels;
import org.sparknlsq.problem.FitProblem;

class LocalBatchedSourceTest {
    static final FitProblem PROBLEM = FitProblem.of(BuiltinModels.exponentialDecay(), 2, 1, 0);
    static final double[] AT = {2.5, 1.1, 0.4};

    static List<DataBlock> blocks(int n, int count) {
        return StreamingData.blocks(
                BuiltinModels.exponentialDecay(), new double[] {3, 1.3, 0.5}, n, 0, 4, 0.05, false, count, 5);
    }

    @Test
    void theFullObjectiveIsTheLocalSourcesBitForBit() {
        List<DataBlock> blocks = blocks(70_001, 7);
        BlockKernel kernel = StreamingData.kernel(PROBLEM);
        LocalSource exact = new LocalSource(kernel, blocks, 1000, null);
        LocalBatchedSource batched = LocalBatchedSource.ofBlocks(kernel, blocks, 1000, null);
        for (Accumulator.Kind kind : Accumulator.Kind.values()) {
            Accumulator e = exact.evaluate(AT, kind);
            Accumulator b = batched.evaluate(AT, kind);
            assertEquals(e.cost(), b.cost(), kind.name());
            assertArrayEquals(e.packed(), b.packed(), kind.name());
            assertEquals(e.count(), b.count());
        }
    }

    @Test
    void batchesPartitionThePointsAndAddUpToTheFullSums() {
        List<DataBlock> blocks = blocks(10_000, 3);
        LocalBatchedSource s = LocalBatchedSource.ofBatchSize(StreamingData.kernel(PROBLEM), blocks, 1_500);
        assertEquals(7, s.batchCount());
        long total = 0;
        Accumulator merged = new Accumulator(Accumulator.Kind.NORMAL, 3);
        for (int b = 0; b < s.batchCount(); b++) {
            total += s.batchPointCount(b);
            Accumulator a = s.evaluateBatch(b, AT, Accumulator.Kind.NORMAL);
            assertEquals(s.batchPointCount(b), a.count());
            merged.merge(a);
        }
        assertEquals(10_000, total);
        assertEquals(1_000, s.batchPointCount(6));
        Accumulator full = s.evaluate(AT, Accumulator.Kind.NORMAL);
        assertEquals(full.cost(), merged.cost(), 1e-12 * full.cost());
        for (int i = 0; i < full.packed().length; i++) {
            assertEquals(full.packed()[i], merged.packed()[i], 1e-11 * Math.abs(full.packed()[i]), "entry " + i);
        }
    }

    @Test
    void aBadPointIsReportedAtItsGlobalIndex() {
        List<DataBlock> blocks = blocks(9_000, 3);
        blocks.get(1).y()[1234] = Double.NaN;
        LocalBatchedSource s = LocalBatchedSource.ofBatchSize(StreamingData.kernel(PROBLEM), blocks, 2_000);
        // global index 3000 + 1234 = 4234 lies in batch 2 (points 4000..5999)
        Accumulator a = s.evaluateBatch(2, AT, Accumulator.Kind.COST);
        assertEquals(1, a.invalidCount());
        assertEquals(4234, a.firstInvalidIndex());
        assertEquals(0, s.evaluateBatch(1, AT, Accumulator.Kind.COST).invalidCount());
    }

    @Test
    void batchEvaluationsCountAsTheirShareOfAPass() {
        LocalBatchedSource s = LocalBatchedSource.ofBlocks(StreamingData.kernel(PROBLEM), blocks(4_000, 4));
        assertEquals(0, s.dataPasses());
        s.evaluate(AT, Accumulator.Kind.COST);
        assertEquals(1, s.dataPasses());
        for (int b = 0; b < 3; b++) {
            s.evaluateBatch(b, AT, Accumulator.Kind.NORMAL);
        }
        assertEquals(2, s.dataPasses(), "one and three quarters round up");
        s.evaluateBatch(3, AT, Accumulator.Kind.NORMAL);
        assertEquals(2, s.dataPasses());
        s.evaluateBatch(0, AT, Accumulator.Kind.NORMAL);
        assertEquals(3, s.dataPasses());
    }

    @Test
    void invalidArgumentsAreRefused() {
        BlockKernel kernel = StreamingData.kernel(PROBLEM);
        assertThrows(IllegalArgumentException.class, () -> LocalBatchedSource.ofBlocks(kernel, List.of()));
        assertThrows(IllegalArgumentException.class, () -> LocalBatchedSource.ofBatchSize(kernel, blocks(10, 1), 0));
        LocalBatchedSource s = LocalBatchedSource.ofBlocks(kernel, blocks(100, 2));
        assertThrows(IndexOutOfBoundsException.class, () -> s.evaluateBatch(2, AT, Accumulator.Kind.COST));
    }
}
