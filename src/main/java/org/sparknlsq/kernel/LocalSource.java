package org.sparknlsq.kernel;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

/**
 * Evaluates in-memory data on the local cores. The data are cut into chunks of
 * {@code chunkSize} points independent of the thread count; each chunk gets its own accumulator,
 * and the chunks are merged in index order, so the result is bit-identical for any parallelism.
 */
public final class LocalSource implements NormalEquationsSource {
    /** Chunk size: large enough to amortize a task, small enough to balance two cores. */
    public static final int DEFAULT_CHUNK_SIZE = 16_384;

    private final BlockKernel kernel;
    private final List<DataBlock> chunks;
    private final long points;
    private final ForkJoinPool pool;
    private final AtomicLong passes = new AtomicLong();

    /**
     * @param pool the pool to run chunks on, or null for the common pool
     */
    public LocalSource(BlockKernel kernel, List<DataBlock> blocks, int chunkSize, ForkJoinPool pool) {
        if (chunkSize < 1) {
            throw new IllegalArgumentException("chunkSize must be >= 1, got " + chunkSize);
        }
        this.kernel = kernel;
        this.pool = pool;
        this.chunks = new ArrayList<>();
        long n = 0;
        for (DataBlock b : blocks) {
            if (b.variables() != kernel.model().variableCount()) {
                throw new IllegalArgumentException("data has " + b.variables()
                        + " independent variable(s) per point, the model expects "
                        + kernel.model().variableCount());
            }
            for (int from = 0; from < b.size(); from += chunkSize) {
                int to = Math.min(b.size(), from + chunkSize);
                chunks.add(from == 0 && to == b.size() ? b : b.slice(from, to));
            }
            n += b.size();
        }
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
        Runnable work = () -> IntStream.range(0, parts.length).parallel().forEach(i -> {
            Accumulator a = new Accumulator(kind, np);
            DataBlock c = chunks.get(i);
            kernel.accumulate(p, c, 0, c.size(), a);
            parts[i] = a;
        });
        if (pool == null) {
            work.run();
        } else {
            pool.submit(work).join();
        }
        Accumulator total = new Accumulator(kind, np);
        for (Accumulator a : parts) {
            total.merge(a);
        }
        return total;
    }
}
