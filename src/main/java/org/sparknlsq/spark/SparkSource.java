package org.sparknlsq.spark;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.sparknlsq.kernel.Accumulator;
import org.sparknlsq.kernel.BlockKernel;
import org.sparknlsq.kernel.DataBlock;
import org.sparknlsq.kernel.LocalSource;
import org.sparknlsq.kernel.PartitionOutcome;
import org.sparknlsq.kernel.PartitionedSource;
import org.sparknlsq.kernel.SourceCancelledException;
import org.sparknlsq.optim.ProgressListener;
import org.sparknlsq.optim.streaming.BatchedSource;

/**
 * The normal-equations source on Spark partitions: every pass is one Spark job (or, for CHUNKED,
 * one job per wave of partitions) in which each partition accumulates its points with the same
 * {@link BlockKernel} as the local source and returns one {@link Accumulator}. The driver merges
 * the partition accumulators <b>in partition-index order</b>, never in completion order, so a pass
 * gives the same bits whatever the task timing, retries or executor losses.
 *
 * <p>What travels: the kernel (model and loss) is broadcast once per source, so an expression
 * model is deserialized, and compiled, once per executor JVM rather than once per task. The
 * parameter vector, p doubles, rides in each pass's task closure: a broadcast per iteration would
 * add a block-manager round trip per executor for a few bytes.
 *
 * <p>Cancellation: every job runs in this source's job group with interrupt-on-cancel; {@link
 * #cancel()} cancels the group, and the pass in flight ends with a {@link
 * SourceCancelledException}, which the optimizer turns into a USER_ABORT result.
 *
 * <p>{@link #dataPasses()} counts full-data equivalents: points visited divided by the points in
 * the data, rounded up, so a STREAMING batch counts as its share of a pass.
 */
public final class SparkSource implements BatchedSource, PartitionedSource, AutoCloseable {
    private final JavaSparkContext jsc;
    private final JavaRDD<DataBlock> data;
    private final Broadcast<BlockKernel> kernel;
    private final int parameters;
    private final long[] partitionPoints;
    private final long points;
    private final int[][] batches;
    private final int waveSize;
    private final ProgressListener waves;
    private final String jobGroup = "spark-nlsq-" + UUID.randomUUID();
    private final AtomicLong pointsVisited = new AtomicLong();
    private final AtomicLong jobs = new AtomicLong();
    private volatile boolean cancelled;

    /**
     * @param data one block per partition (as made by {@link SparkInput}), already persisted
     * @param partitionPoints points per partition, in partition order
     * @param batches groups of partition indexes, in order, for STREAMING (each partition in one
     *     group); null for one batch of all partitions
     * @param waveSize partitions per job within a pass (CHUNKED); 0 for all at once
     * @param waves progress after each wave ({@code "partition"}, done, total), or null
     */
    public SparkSource(
            JavaSparkContext jsc,
            JavaRDD<DataBlock> data,
            BlockKernel kernel,
            long[] partitionPoints,
            int[][] batches,
            int waveSize,
            ProgressListener waves) {
        if (partitionPoints.length != data.getNumPartitions()) {
            throw new IllegalArgumentException("partitionPoints has " + partitionPoints.length + " entries for "
                    + data.getNumPartitions() + " partitions");
        }
        this.jsc = jsc;
        this.data = data;
        this.kernel = jsc.broadcast(kernel);
        this.parameters = kernel.model().parameterCount();
        this.partitionPoints = partitionPoints.clone();
        long n = 0;
        for (long c : partitionPoints) {
            n += c;
        }
        this.points = n;
        this.batches = batches != null ? batches : new int[][] {range(0, partitionPoints.length)};
        this.waveSize = waveSize <= 0 ? partitionPoints.length : waveSize;
        this.waves = waves;
    }

    @Override
    public int parameterCount() {
        return parameters;
    }

    @Override
    public long pointCount() {
        return points;
    }

    @Override
    public long dataPasses() {
        long visited = pointsVisited.get();
        return points == 0 ? 0 : (visited + points - 1) / points;
    }

    /** Spark jobs run so far. */
    public long jobCount() {
        return jobs.get();
    }

    @Override
    public int partitionCount() {
        return partitionPoints.length;
    }

    @Override
    public long partitionPointCount(int i) {
        return partitionPoints[i];
    }

    /** Each partition's failures are caught in its task and come back as its outcome. */
    @Override
    public PartitionOutcome[] evaluatePartitions(int[] ids, double[] p, Accumulator.Kind kind) {
        JavaRDD<PartitionOutcome> pass = data.mapPartitions(guardedPass(kernel, p.clone(), kind));
        PartitionOutcome[] out = new PartitionOutcome[ids.length];
        int k = 0;
        for (int from = 0; from < ids.length; from += waveSize) {
            int[] wave = Arrays.copyOfRange(ids, from, Math.min(ids.length, from + waveSize));
            for (List<PartitionOutcome> part : run(pass, wave)) {
                out[k++] = part.get(0);
            }
            afterWave(ids, from, wave);
        }
        return out;
    }

    @Override
    public int batchCount() {
        return batches.length;
    }

    @Override
    public long batchPointCount(int b) {
        long n = 0;
        for (int i : batches[b]) {
            n += partitionPoints[i];
        }
        return n;
    }

    @Override
    public Accumulator evaluate(double[] p, Accumulator.Kind kind) {
        return evaluateMerged(range(0, partitionPoints.length), p, kind);
    }

    @Override
    public int[] batchPartitions(int b) {
        return batches[b].clone();
    }

    @Override
    public Accumulator evaluateBatch(int b, double[] p, Accumulator.Kind kind) {
        return evaluateMerged(batches[b], p, kind);
    }

    /** Stops the pass in flight and every later one. */
    public void cancel() {
        cancelled = true;
        jsc.cancelJobGroup(jobGroup);
    }

    public boolean cancelled() {
        return cancelled;
    }

    private Accumulator evaluateMerged(int[] ids, double[] p, Accumulator.Kind kind) {
        JavaRDD<Accumulator> pass = data.mapPartitions(partitionPass(kernel, p.clone(), kind));
        Accumulator total = new Accumulator(kind, parameters);
        for (int from = 0; from < ids.length; from += waveSize) {
            int[] wave = Arrays.copyOfRange(ids, from, Math.min(ids.length, from + waveSize));
            List<Accumulator>[] parts = run(pass, wave);
            // fixed order: the partitions of the wave in index order, waves in order
            for (List<Accumulator> part : parts) {
                for (Accumulator a : part) {
                    total.merge(a);
                }
            }
            afterWave(ids, from, wave);
        }
        return total;
    }

    private void afterWave(int[] ids, int from, int[] wave) {
        for (int i : wave) {
            pointsVisited.addAndGet(partitionPoints[i]);
        }
        if (waves != null && ids.length > waveSize) {
            waves.onProgress("partition", Math.min(ids.length, from + waveSize), ids.length, Map.of());
        }
    }

    private <T> List<T>[] run(JavaRDD<T> pass, int[] wave) {
        if (cancelled) {
            throw new SourceCancelledException("the fit was cancelled", null);
        }
        jsc.setJobGroup(jobGroup, "spark-nlsq pass", true);
        jobs.incrementAndGet();
        try {
            return pass.collectPartitions(wave);
        } catch (Exception e) {
            if (cancelled) {
                throw new SourceCancelledException("the fit was cancelled during a pass", e);
            }
            throw Failures.unwrap(e);
        } finally {
            jsc.clearJobGroup();
        }
    }

    /** The task: a static factory so the closure holds the broadcast, p and kind, not this. */
    private static FlatMapFunction<Iterator<DataBlock>, Accumulator> partitionPass(
            Broadcast<BlockKernel> kernel, double[] p, Accumulator.Kind kind) {
        return blocks -> {
            BlockKernel k = kernel.value();
            TaskContext task = TaskContext.get();
            Runnable killCheck = task == null ? () -> {} : task::killTaskIfInterrupted;
            Accumulator acc = new Accumulator(kind, k.model().parameterCount());
            while (blocks.hasNext()) {
                acc.merge(k.accumulate(p, blocks.next(), kind, LocalSource.DEFAULT_CHUNK_SIZE, killCheck));
            }
            List<Accumulator> one = new ArrayList<>(1);
            one.add(acc);
            return one.iterator();
        };
    }

    /** As {@link #partitionPass}, with the model's failures caught: one outcome per partition. */
    private static FlatMapFunction<Iterator<DataBlock>, PartitionOutcome> guardedPass(
            Broadcast<BlockKernel> kernel, double[] p, Accumulator.Kind kind) {
        return blocks -> {
            BlockKernel k = kernel.value();
            TaskContext task = TaskContext.get();
            Runnable killCheck = task == null ? () -> {} : task::killTaskIfInterrupted;
            int index = task == null ? -1 : task.partitionId();
            List<PartitionOutcome> one = new ArrayList<>(1);
            one.add(k.accumulatePartition(index, p, blocks, kind, LocalSource.DEFAULT_CHUNK_SIZE, killCheck));
            return one.iterator();
        };
    }

    static int[] range(int from, int to) {
        int[] r = new int[to - from];
        for (int i = 0; i < r.length; i++) {
            r[i] = from + i;
        }
        return r;
    }

    /** Removes the broadcast kernel from the executors and the driver. */
    @Override
    public void close() {
        kernel.destroy();
    }
}
