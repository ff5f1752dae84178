package org.sparknlsq.optim.streaming;

import org.sparknlsq.kernel.Accumulator;
import org.sparknlsq.kernel.NormalEquationsSource;

/**
 * A data source that can also be evaluated one batch at a time, in a fixed batch order. The
 * STREAMING strategy steps after every batch; {@link #evaluate} (all batches, reduced in batch
 * order) gives the full objective it is judged on.
 *
 * <p>Implementations: the Spark engine's (a batch is a group of consecutive partitions) and a local
 * one over in-memory blocks.
 */
public interface BatchedSource extends NormalEquationsSource {

    /** Number of batches, at least 1. */
    int batchCount();

    /** Points in batch {@code b}, valid or not. */
    long batchPointCount(int b);

    /** Evaluates the points of batch {@code b} at {@code p} (Not modified); counts as a data pass only over that batch. */
    Accumulator evaluateBatch(int b, double[] p, Accumulator.Kind kind);
}
