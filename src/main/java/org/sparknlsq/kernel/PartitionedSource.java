package org.sparknlsq.kernel;

/**
 * A source whose data come in partitions that can be evaluated one by one, with each partition's
 * failure caught and reported instead of thrown: what fault tolerance needs to retry or exclude a
 * partition while the others go on.
 */
public interface PartitionedSource extends NormalEquationsSource {

    int partitionCount();

    /** Points in partition {@code i}. */
    long partitionPointCount(int i);

    /**
     * Evaluates the listed partitions at {@code p}; a failing partition gives an outcome without
     * sums rather than an exception. Counts as a pass over the listed share of the data.
     *
     * @return one outcome per listed partition, in the order of {@code ids}
     */
    PartitionOutcome[] evaluatePartitions(int[] ids, double[] p, Accumulator.Kind kind);
}
