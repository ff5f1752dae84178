package org.sparknlsq.kernel;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * Evaluates in-memory data on the local cores. The data are cut into chunks of
 * {@code chunkSize} points independent of the thread count; each chunk gets its own accumulator,
 * and the chunks are merged in index order, so the result is bit-identical for any parallelism.
 *
 * <p>As a {@link PartitionedSource}, each block given to the constructor is one partition.
 */
public final class LocalSource implements PartitionedSource {
    /** Chunk size: large enough to amortize a task, small enough to balance two cores. */
    public static final int DEFAULT_CHUNK_SIZE = 16_384;

    private final BlockKernel kernel;
    /** Rows [from, to) of a block; ranges, so the caller's arrays are never copied. */
    private record Chunk(int partition, DataBlock block, int from, int to) {}

    private final List<Chunk> chunks;
    /** Per partition (block): its first chunk index and its point count. */
    private final int[] firstChunk;

    private final long[] blockPoints;
    private final long points;
    private final ForkJoinPool pool;
    /** The common pool is sized cores − 1 and expects the caller to work too; a given pool does not. */
    private final boolean callerRuns;

    private final AtomicLong passes = new AtomicLong();
    private final BooleanSupplier cancelled;

    /**
     * @param pool the pool whose threads run the chunks, or null for the common pool plus the
     *     calling thread
     */
    public LocalSource(BlockKernel kernel, List<DataBlock> blocks, int chunkSize, ForkJoinPool pool) {
        this(kernel, blocks, chunkSize, pool, () -> false);
    }

    /**
     * @param cancelled polled before each chunk; once true, the pass in flight ends with a {@link
     *     SourceCancelledException}
     */
    public LocalSource(
            BlockKernel kernel, List<DataBlock> blocks, int chunkSize, ForkJoinPool pool, BooleanSupplier cancelled) {
        if (chunkSize < 1) {
            throw new IllegalArgumentException("chunkSize must be >= 1, got " + chunkSize);
        }
        this.kernel = kernel;
        this.cancelled = cancelled;
        this.callerRuns = pool == null;
        this.pool = pool == null ? ForkJoinPool.commonPool() : pool;
        this.chunks = new ArrayList<>();
        this.firstChunk = new int[blocks.size() + 1];
        this.blockPoints = new long[blocks.size()];
        long n = 0;
        for (int bi = 0; bi < blocks.size(); bi++) {
            DataBlock b = blocks.get(bi);
            firstChunk[bi] = chunks.size();
            blockPoints[bi] = b.size();
            if (b.variables() != kernel.model().variableCount()) {
                throw new IllegalArgumentException("data has " + b.variables()
                        + " independent variable(s) per point, the model expects "
                        + kernel.model().variableCount());
            }
            for (int from = 0; from < b.size(); from += chunkSize) {
                int to = Math.min(b.size(), from + chunkSize);
                chunks.add(new Chunk(bi, b, from, to));
            }
            n += b.size();
        }
        firstChunk[blocks.size()] = chunks.size();
        this.points = n;
    }

    public LocalSource(BlockKernel kernel, DataBlock data) {
        this(kernel, List.of(data), DEFAULT_CHUNK_SIZE, null);
    }

    @Override
    public int parameterCount() {
        return kernel.model().parameterCount();
    }

    @Override
    public long pointCount() {
        return points;
    }

    @Override
    public long dataPasses() {
        return passes.get();
    }

    @Override
    public Accumulator evaluate(double[] p, Accumulator.Kind kind) {
        passes.incrementAndGet();
        int np = parameterCount();
        Accumulator[] parts = new Accumulator[chunks.size()];
        runChunks(parts.length, i -> {
            Chunk c = chunks.get(i);
            Accumulator a = new Accumulator(kind, np);
            kernel.accumulate(p, c.block(), c.from(), c.to(), a);
            parts[i] = a;
        });
        Accumulator total = new Accumulator(kind, np);
        for (Accumulator a : parts) {
            total.merge(a);
        }
        return total;
    }

    @Override
    public int partitionCount() {
        return blockPoints.length;
    }

    @Override
    public long partitionPointCount(int i) {
        return blockPoints[i];
    }

    /**
     * Each listed block's chunks are evaluated with the model's failures caught; a block fails as
     * a whole with the failure of its first failing chunk. Counts as one pass.
     */
    @Override
    public PartitionOutcome[] evaluatePartitions(int[] ids, double[] p, Accumulator.Kind kind) {
        passes.incrementAndGet();
        int np = parameterCount();
        List<Chunk> listed = new ArrayList<>();
        for (int id : ids) {
            listed.addAll(chunks.subList(firstChunk[id], firstChunk[id + 1]));
        }
        PartitionOutcome[] parts = new PartitionOutcome[listed.size()];
        runChunks(parts.length, i -> {
            Chunk c = listed.get(i);
            parts[i] = BlockKernel.guarded(c.partition(), () -> {
                Accumulator a = new Accumulator(kind, np);
                kernel.accumulate(p, c.block(), c.from(), c.to(), a);
                return a;
            });
        });
        PartitionOutcome[] out = new PartitionOutcome[ids.length];
        int k = 0;
        for (int j = 0; j < ids.length; j++) {
            Accumulator sum = new Accumulator(kind, np);
            PartitionOutcome failed = null;
            long nanos = 0;
            long invalid = 0;
            for (int c = firstChunk[ids[j]]; c < firstChunk[ids[j] + 1]; c++, k++) {
                PartitionOutcome o = parts[k];
                nanos += o.nanos();
                invalid += o.invalidPoints();
                if (!o.ok()) {
                    failed = failed == null ? o : failed;
                } else if (failed == null) {
                    sum.merge(o.sums());
                }
            }
            out[j] = failed == null
                    ? new PartitionOutcome(ids[j], sum, null, null, null, -1, 0, nanos)
                    : new PartitionOutcome(
                            ids[j],
                            null,
                            failed.errorType(),
                            failed.category(),
                            failed.message(),
                            failed.firstInvalidIndex(),
                            invalid,
                            nanos);
        }
        return out;
    }

    /**
     * Runs {@code body} for indexes [0, n) on the pool and the calling thread. Workers take one
     * index at a time, so a delayed thread holds up at most one chunk (a parallel stream would
     * hand out a quarter of the chunks at once).
     */
    private void runChunks(int n, java.util.function.IntConsumer body) {
        AtomicInteger next = new AtomicInteger();
        Runnable worker = () -> {
            for (int i = next.getAndIncrement(); i < n; i = next.getAndIncrement()) {
                if (cancelled.getAsBoolean()) {
                    return;
                }
                body.accept(i);
            }
        };
        int workers = Math.min(pool.getParallelism(), n - (callerRuns ? 1 : 0));
        ForkJoinTask<?>[] tasks = new ForkJoinTask<?>[Math.max(workers, 0)];
        for (int t = 0; t < tasks.length; t++) {
            tasks[t] = pool.submit(worker);
        }
        if (callerRuns || tasks.length == 0) {
            worker.run();
        }
        for (ForkJoinTask<?> t : tasks) {
            t.join();
        }
        if (cancelled.getAsBoolean()) {
            throw new SourceCancelledException("the fit was cancelled", null);
        }
    }
}
