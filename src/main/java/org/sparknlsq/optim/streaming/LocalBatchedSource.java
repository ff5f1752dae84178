package org.sparknlsq.optim.streaming;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicLong;
import org.sparknlsq.kernel.Accumulator;
import org.sparknlsq.kernel.BlockKernel;
import org.sparknlsq.kernel.DataBlock;
import org.sparknlsq.kernel.LocalSource;
import org.sparknlsq.kernel.PartitionOutcome;
import org.sparknlsq.kernel.PartitionedSource;

/**
 * A {@link BatchedSource} over in-memory blocks, evaluated on the local cores by {@link
 * LocalSource}. A batch is a list of blocks; each batch, and the whole data set, is cut into chunks
 * of a fixed size that are reduced in index order, so every result is bit-identical for any
 * parallelism.
 *
 * <p>{@link #evaluate} folds the chunks of all batches in batch order, which is the fold of a
 * {@link LocalSource} over the same blocks: the full objective is bit-identical to the one the
 * exact strategies see on that source.
 *
 * <p>Pass counting follows {@link BatchedSource}: the points visited by all evaluations over the
 * points in the data, rounded up, as the Spark source counts them.
 *
 * <p>As a {@link PartitionedSource}, each block (or piece of a block) of each batch, in order, is
 * one partition.
 */
public final class LocalBatchedSource implements BatchedSource, PartitionedSource {
    private final int parameterCount;
    private final LocalSource all;
    private final LocalSource[] batches;
    private final long[] batchPoints;
    /** Per batch, its first partition (block) index; one more entry for the end. */
    private final int[] firstPartition;

    private final long points;
    private final AtomicLong pointsVisited = new AtomicLong();

    private LocalBatchedSource(
            BlockKernel kernel, List<List<DataBlock>> batchBlocks, int chunkSize, ForkJoinPool pool) {
        if (batchBlocks.isEmpty()) {
            throw new IllegalArgumentException("a batched source needs at least one batch");
        }
        this.parameterCount = kernel.model().parameterCount();
        List<DataBlock> flat = new ArrayList<>();
        this.batches = new LocalSource[batchBlocks.size()];
        this.batchPoints = new long[batchBlocks.size()];
        this.firstPartition = new int[batchBlocks.size() + 1];
        for (int b = 0; b < batches.length; b++) {
            List<DataBlock> blocks = batchBlocks.get(b);
            firstPartition[b] = flat.size();
            batches[b] = new LocalSource(kernel, blocks, chunkSize, pool);
            batchPoints[b] = batches[b].pointCount();
            flat.addAll(blocks);
        }
        firstPartition[batches.length] = flat.size();
        this.all = new LocalSource(kernel, flat, chunkSize, pool);
        this.points = all.pointCount();
    }

    /**
     * Each block is one batch, in list order.
     *
     * @param chunkSize points per chunk, the unit of parallel work and of the fixed-order fold
     * @param pool the pool that runs the chunks, or null for the common pool plus the caller
     */
    public static LocalBatchedSource ofBlocks(
            BlockKernel kernel, List<DataBlock> blocks, int chunkSize, ForkJoinPool pool) {
        List<List<DataBlock>> batches = new ArrayList<>();
        for (DataBlock block : blocks) {
            batches.add(List.of(block));
        }
        return new LocalBatchedSource(kernel, batches, chunkSize, pool);
    }

    /** Each block is one batch, with {@link LocalSource#DEFAULT_CHUNK_SIZE} and the common pool. */
    public static LocalBatchedSource ofBlocks(BlockKernel kernel, List<DataBlock> blocks) {
        return ofBlocks(kernel, blocks, LocalSource.DEFAULT_CHUNK_SIZE, null);
    }

    /**
     * Cuts the points of {@code blocks}, taken in order, into batches of {@code batchPoints}
     * consecutive points (the last batch may be shorter). A batch that spans a block boundary
     * holds a piece of each block. Pieces are copies ({@link DataBlock} has no offset view), so
     * the caller can drop the original blocks afterwards; each piece keeps its global
     * {@code firstIndex}.
     */
    public static LocalBatchedSource ofBatchSize(BlockKernel kernel, List<DataBlock> blocks, int batchPoints) {
        if (batchPoints < 1) {
            throw new IllegalArgumentException("batchPoints must be >= 1, got " + batchPoints);
        }
        List<List<DataBlock>> batches = new ArrayList<>();
        List<DataBlock> current = new ArrayList<>();
        int room = batchPoints;
        for (DataBlock block : blocks) {
            int from = 0;
            while (from < block.size()) {
                int to = Math.min(block.size(), from + room);
                current.add(slice(block, from, to));
                room -= to - from;
                from = to;
                if (room == 0) {
                    batches.add(current);
                    current = new ArrayList<>();
                    room = batchPoints;
                }
            }
        }
        if (!current.isEmpty()) {
            batches.add(current);
        }
        return new LocalBatchedSource(kernel, batches, LocalSource.DEFAULT_CHUNK_SIZE, null);
    }

    private static DataBlock slice(DataBlock block, int from, int to) {
        if (from == 0 && to == block.size()) {
            return block;
        }
        return block.slice(from, to, block.firstIndex() + from);
    }

    @Override
    public int parameterCount() {
        return parameterCount;
    }

    @Override
    public long pointCount() {
        return points;
    }

    @Override
    public int batchCount() {
        return batches.length;
    }

    @Override
    public long batchPointCount(int b) {
        return batchPoints[b];
    }

    @Override
    public Accumulator evaluate(double[] p, Accumulator.Kind kind) {
        pointsVisited.addAndGet(points);
        return all.evaluate(p, kind);
    }

    @Override
    public Accumulator evaluateBatch(int b, double[] p, Accumulator.Kind kind) {
        if (b < 0 || b >= batches.length) {
            throw new IndexOutOfBoundsException("batch " + b + " of " + batches.length);
        }
        pointsVisited.addAndGet(batchPoints[b]);
        return batches[b].evaluate(p, kind);
    }

    @Override
    public int partitionCount() {
        return all.partitionCount();
    }

    @Override
    public long partitionPointCount(int i) {
        return all.partitionPointCount(i);
    }

    @Override
    public int[] batchPartitions(int b) {
        return java.util.stream.IntStream.range(firstPartition[b], firstPartition[b + 1])
                .toArray();
    }

    @Override
    public PartitionOutcome[] evaluatePartitions(int[] ids, double[] p, Accumulator.Kind kind) {
        for (int id : ids) {
            pointsVisited.addAndGet(all.partitionPointCount(id));
        }
        return all.evaluatePartitions(ids, p, kind);
    }

    /** Points visited over the points in the data, rounded up. */
    @Override
    public long dataPasses() {
        long visited = pointsVisited.get();
        return points == 0 ? 0 : (visited + points - 1) / points;
    }
}
