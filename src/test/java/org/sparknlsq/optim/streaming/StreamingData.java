package org.sparknlsq.optim.streaming;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.sparknlsq.kernel.BlockKernel;
import org.sparknlsq.kernel.DataBlock;
import org.sparknlsq.kernel.LocalSource;
import org.sparknlsq.model.CurveModel;
import org.sparknlsq.problem.FitProblem;

/** Synthetic curves with Gaussian noise, cut into consecutive batches; deterministic per seed. */
final class StreamingData {
    private StreamingData() {}

    /**
     * {@code n} points of {@code model} at {@code truth} plus N(0, noise²) noise, x uniform on [lo,
     * hi), cut into {@code batches} consecutive blocks. {@code sorted} orders the points by x, so
     * each batch sees only a slice of the x range (sorted data per partition).
     */
    static List<DataBlock> blocks(
            CurveModel model,
            double[] truth,
            int n,
            double lo,
            double hi,
            double noise,
            boolean sorted,
            int batches,
            long seed) {
        Random rnd = new Random(seed);
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = lo + (hi - lo) * rnd.nextDouble();
        }
        if (sorted) {
            Arrays.sort(x);
        }
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            y[i] = model.value(truth, x, i, null, 0) + noise * rnd.nextGaussian();
        }
        List<DataBlock> out = new ArrayList<>();
        for (int b = 0; b < batches; b++) {
            int from = (int) ((long) n * b / batches);
            int to = (int) ((long) n * (b + 1) / batches);
            out.add(new DataBlock(Arrays.copyOfRange(x, from, to), Arrays.copyOfRange(y, from, to), null, 1, from));
        }
        return out;
    }

    static BlockKernel kernel(FitProblem problem) {
        return new BlockKernel(problem.model(), problem.loss(), problem.fScale());
    }

    /** The exact strategies' source over the same blocks. */
    static LocalSource exactSource(FitProblem problem, List<DataBlock> blocks) {
        return new LocalSource(kernel(problem), blocks, LocalSource.DEFAULT_CHUNK_SIZE, null);
    }

    static LocalBatchedSource batchedSource(FitProblem problem, List<DataBlock> blocks) {
        return LocalBatchedSource.ofBlocks(kernel(problem), blocks);
    }
}
