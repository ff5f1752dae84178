package org.sparknlsq.optim.streaming;

import org.sparknlsq.kernel.Accumulator;
import org.sparknlsq.kernel.NormalEquationsSource;

/**
 * A data source that can also be evaluated one batch at a time, in a fixed batch order. The
 * STREAMING strategy steps after every batch; {@link #evaluate} (all batches, reduced in batch
 * order) gives the full objective it is judged on.
 *
 * <p>Contract, in addition to {@link NormalEquationsSource}'s:
 *
 * <ul>
 *   <li>The batches partition the points: every point belongs to exactly one batch, and
 *       {@code Σ batchPointCount(b) = pointCount()}. The batch order is fixed for the life of the
 *       source, so a batch index always names the same points.
 *   <li>{@link #evaluateBatch} reduces the batch's points in a fixed order, so the same batch and
 *       parameters always give the same bits. Merging the batch results in batch order equals
 *       {@link #evaluate} up to rounding (implementations may fold at a finer grain).
 *   <li>{@link #dataPasses()} counts full-data equivalents: the points visited by all
 *       evaluations, full and batch, divided by {@link #pointCount()} and rounded up. A full
 *       {@link #evaluate} adds exactly one; a batch evaluation adds its share
 *       {@code batchPointCount(b) / pointCount()}. Callers that need the exact fraction compute it
 *       from {@link #batchPointCount}.
 * </ul>
 *
 * <p>Implementations: the Spark engine's (a batch is a group of consecutive partitions) and
 * {@link LocalBatchedSource}, over in-memory blocks.
 */
public interface BatchedSource extends NormalEquationsSource {

    /** Number of batches, at least 1. */
    int batchCount();

    /** Points in batch {@code b}, valid or not. */
    long batchPointCount(int b);

    /**
     * Evaluates the points of batch {@code b} at {@code p} (Not modified); counts as a data pass
     * over that batch only, its share of a full pass in {@link #dataPasses()}.
     */
    Accumulator evaluateBatch(int b, double[] p, Accumulator.Kind kind);

    /**
     * The partitions (the indexes of {@link org.sparknlsq.kernel.PartitionedSource}, or the blocks)
     * that make up batch {@code b}, in order: fault tolerance judges a batch by its partitions.
     */
    int[] batchPartitions(int b);
}
