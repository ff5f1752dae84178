package org.sparknlsq.optim;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.sparknlsq.kernel.Accumulator;
import org.sparknlsq.kernel.NormalEquationsSource;
import org.sparknlsq.kernel.PartitionOutcome;
import org.sparknlsq.kernel.PartitionedSource;
import org.sparknlsq.optim.streaming.BatchedSource;
import org.sparknlsq.robust.BatchFailureException;
import org.sparknlsq.robust.BatchStatistics;
import org.sparknlsq.robust.FaultReport;
import org.sparknlsq.robust.FaultTolerance;

/**
 * The failed-partition ledger between the optimizer and a {@link PartitionedSource}: every pass
 * asks each active partition for its outcome, records it, and merges the successful sums in
 * partition order.
 *
 * <p>Two kinds of evaluation, because a failure means different things at each:
 *
 * <ul>
 *   <li>{@link #evaluate} at a point that defines the objective (the start, the current point when
 *       it is re-evaluated, the final covariance pass). A failed partition is re-evaluated
 *       unchanged up to {@code maxRetriesPerBatch} times ({@code retry_in_place}: transient faults
 *       pass), then excluded for the rest of the fit, so the objective stays one well-defined sum.
 *   <li>{@link #evaluateTrial} at a trial point. A failure there may be the step's fault (the step
 *       went where the model is not finite) rather than the data's, so nothing is excluded: the
 *       result is marked invalid and the optimizer applies the recovery strategies ({@link
 *       LoopState#nextRecovery}); only a partition that then also fails at the current point,
 *       where it succeeded before, is excluded ({@link #excludeFailingAt}).
 * </ul>
 *
 * <p>For STREAMING ({@link #evaluateBatchTrial}) a batch is a group of partitions: a failure in
 * one of them makes the batch give no step in that epoch, and the full-data evaluations follow the
 * two kinds above.
 *
 * <p>Not thread-safe; the optimizer drives it from one thread.
 */
public final class FaultTolerantSource implements NormalEquationsSource {
    private final PartitionedSource inner;
    private final FaultTolerance config;
    private final BatchStatistics stats;
    private final boolean[] excluded;
    private final List<FaultReport.Excluded> exclusions = new ArrayList<>();
    private final TreeMap<Integer, Integer> retries = new TreeMap<>();
    private final TreeSet<Integer> failedEver = new TreeSet<>();
    private final TreeMap<String, Long> errorTypes = new TreeMap<>();
    private final List<FaultReport.Recovery> actions = new ArrayList<>();
    private List<PartitionOutcome> lastFailures = List.of();
    private long passes;
    private long totalRetries;
    private int iteration;

    public FaultTolerantSource(PartitionedSource inner, FaultTolerance config) {
        this.inner = inner;
        this.config = config;
        this.stats = new BatchStatistics(config.batchStatsBufferSize());
        this.excluded = new boolean[inner.partitionCount()];
    }

    @Override
    public int parameterCount() {
        return inner.parameterCount();
    }

    @Override
    public long pointCount() {
        return inner.pointCount();
    }

    @Override
    public long dataPasses() {
        return inner.dataPasses();
    }

    FaultTolerance config() {
        return config;
    }

    /** The optimizer iteration that recovery records are attributed to. */
    void atIteration(int i) {
        iteration = i;
    }

    /** Partitions not excluded. */
    int activeCount() {
        return active().length;
    }

    /** Exclusions so far; a change means the objective changed. */
    int exclusionCount() {
        return exclusions.size();
    }

    /** The partitions that failed in the last {@link #evaluateTrial}, in partition order. */
    List<PartitionOutcome> lastFailures() {
        return lastFailures;
    }

    /**
     * A point that defines the objective: failures are retried in place, then excluded.
     *
     * @throws BatchFailureException when no partition is left
     */
    @Override
    public Accumulator evaluate(double[] p, Accumulator.Kind kind) {
        int[] active = active();
        PartitionOutcome[] out = pass(active, p, kind, excluded.length - active.length, false);
        List<PartitionOutcome> failed = failures(out);
        for (int r = 1; r <= config.maxRetriesPerBatch() && !failed.isEmpty(); r++) {
            int[] ids = ids(failed);
            record("retry_in_place", failed, "attempt " + (r + 1) + " at the same parameters");
            PartitionOutcome[] again = pass(ids, p, kind, -1, false);
            for (PartitionOutcome o : again) {
                for (int i = 0; i < out.length; i++) {
                    if (out[i].partition() == o.partition()) {
                        out[i] = o;
                    }
                }
            }
            failed = failures(again);
        }
        for (PartitionOutcome o : failed) {
            exclude(o);
        }
        lastFailures = List.of();
        if (active().length == 0) {
            PartitionOutcome first = failed.get(0);
            boolean allNonFinite = true;
            long invalid = 0;
            for (PartitionOutcome o : failed) {
                allNonFinite &= PartitionOutcome.NON_FINITE.equals(o.errorType());
                invalid += o.invalidPoints();
            }
            throw new BatchFailureException(
                    "every partition failed; the first, partition " + first.partition() + ": " + first.errorType()
                            + (first.message().isEmpty() ? "" : " (" + first.message() + ")"),
                    Map.of("partitions", excluded.length),
                    allNonFinite,
                    invalid,
                    first.firstInvalidIndex());
        }
        return merge(out, kind);
    }

    /** A trial point: a failure marks the result invalid and is kept in {@link #lastFailures}. */
    public Accumulator evaluateTrial(double[] p, Accumulator.Kind kind) {
        int[] ids = active();
        return trial(ids, p, kind, excluded.length - ids.length);
    }

    /**
     * The active partitions of STREAMING batch {@code b} at {@code p}, as a trial: a failure
     * marks the result invalid and is kept in {@link #lastFailures}. For a source that is a
     * {@link BatchedSource} (StreamingFitter builds the ledger only over such sources).
     */
    public Accumulator evaluateBatchTrial(int b, double[] p, Accumulator.Kind kind) {
        int[] all = ((BatchedSource) inner).batchPartitions(b);
        int[] ids = java.util.Arrays.stream(all).filter(id -> !excluded[id]).toArray();
        return trial(ids, p, kind, all.length - ids.length);
    }

    /** Whether the last trial evaluation had a failed partition. */
    public boolean lastTrialFailed() {
        return !lastFailures.isEmpty();
    }

    private Accumulator trial(int[] ids, double[] p, Accumulator.Kind kind, int skipped) {
        PartitionOutcome[] out = pass(ids, p, kind, skipped, true);
        List<PartitionOutcome> failed = failures(out);
        lastFailures = failed;
        if (!failed.isEmpty()) {
            Accumulator bad = new Accumulator(kind, parameterCount());
            long at = failed.get(0).firstInvalidIndex();
            bad.addInvalid(Math.max(at, 0));
            return bad;
        }
        return merge(out, kind);
    }

    /**
     * Re-evaluates {@code failed} at {@code current}, where every active partition succeeded
     * before, and excludes those that fail there too: their failure is the data's, not the step's.
     *
     * @return true if a partition was excluded (the objective changed)
     */
    boolean excludeFailingAt(List<PartitionOutcome> failed, double[] current, Accumulator.Kind kind) {
        record("check_at_current", failed, "re-evaluated at the current parameters");
        boolean changed = false;
        for (PartitionOutcome o : pass(ids(failed), current, kind, -1, false)) {
            if (!o.ok()) {
                exclude(o);
                changed = true;
            }
        }
        return changed;
    }

    /** Records a recovery action against the partitions that triggered it; each counts a retry. */
    void record(String action, List<PartitionOutcome> failed, String detail) {
        List<Integer> parts = new ArrayList<>();
        for (PartitionOutcome o : failed) {
            parts.add(o.partition());
            retries.merge(o.partition(), 1, Integer::sum);
            totalRetries++;
        }
        actions.add(new FaultReport.Recovery(
                iteration, action, List.copyOf(parts), failed.get(0).errorType(), detail));
    }

    public FaultReport report() {
        long excludedPoints = 0;
        for (FaultReport.Excluded e : exclusions) {
            excludedPoints += e.points();
        }
        long n = inner.pointCount();
        return new FaultReport(
                true,
                excluded.length,
                config.minSuccessRate(),
                stats.successRate(),
                stats.attempted(),
                stats.succeeded(),
                stats.failed(),
                stats.skipped(),
                totalRetries,
                List.copyOf(failedEver),
                Collections.unmodifiableSortedMap(new TreeMap<>(retries)),
                Collections.unmodifiableMap(new TreeMap<>(errorTypes)),
                List.copyOf(exclusions),
                excludedPoints,
                n == 0 ? 0 : (double) excludedPoints / n,
                List.copyOf(actions),
                stats.recent(),
                stats.aggregates(),
                Map.of());
    }

    /** Adds the ledger's counters and exclusions to a snapshot's state (see {@link #restore}). */
    public void exportTo(Map<String, Object> state) {
        long[] c = stats.counts();
        state.put("ft_counts", new long[] {passes, totalRetries, c[0], c[1], c[2], c[3], c[4]});
        if (!exclusions.isEmpty()) {
            state.put(
                    "ft_excluded_after_pass",
                    exclusions.stream()
                            .mapToLong(FaultReport.Excluded::afterPass)
                            .toArray());
            state.put(
                    "ft_excluded_error_types",
                    exclusions.stream().map(FaultReport.Excluded::errorType).toArray(String[]::new));
            state.put(
                    "ft_excluded_messages",
                    exclusions.stream().map(FaultReport.Excluded::message).toArray(String[]::new));
        }
    }

    public long[] failedIndices() {
        return failedEver.stream().mapToLong(Integer::longValue).toArray();
    }

    public java.util.SortedMap<Long, Long> retryCounts() {
        java.util.SortedMap<Long, Long> m = new TreeMap<>();
        retries.forEach((k, v) -> m.put((long) k, (long) v));
        return m;
    }

    public java.util.SortedMap<String, Long> errorTypeCounts() {
        return new TreeMap<>(errorTypes);
    }

    public long[] excludedPartitions() {
        return exclusions.stream().mapToLong(FaultReport.Excluded::partition).toArray();
    }

    /** Puts back the ledger of a snapshot: exclusions, retries, error types, counters. */
    public void restore(Snapshot r) {
        long[] excl = r.excludedPartitions();
        long[] after = r.longs("ft_excluded_after_pass");
        String[] types = excl.length == 0 ? new String[0] : (String[]) r.state().get("ft_excluded_error_types");
        String[] messages =
                excl.length == 0 ? new String[0] : (String[]) r.state().get("ft_excluded_messages");
        for (int i = 0; i < excl.length; i++) {
            int id = Math.toIntExact(excl[i]);
            if (excluded[id]) {
                // already excluded again by this run (a STREAMING phase run anew before the resume)
                continue;
            }
            excluded[id] = true;
            exclusions.add(
                    new FaultReport.Excluded(id, inner.partitionPointCount(id), types[i], messages[i], (int) after[i]));
        }
        for (long f : r.failedBatchIndices()) {
            failedEver.add((int) f);
        }
        r.retryCounts().forEach((k, v) -> retries.put(k.intValue(), v.intValue()));
        errorTypes.putAll(r.errorTypes());
        long[] c = r.longs("ft_counts");
        if (c.length == 7) {
            passes = c[0];
            totalRetries = c[1];
            stats.restoreCounts(java.util.Arrays.copyOfRange(c, 2, 7));
        }
    }

    private int[] active() {
        int k = 0;
        for (boolean e : excluded) {
            k += e ? 0 : 1;
        }
        int[] ids = new int[k];
        for (int i = 0, j = 0; i < excluded.length; i++) {
            if (!excluded[i]) {
                ids[j++] = i;
            }
        }
        return ids;
    }

    /**
     * Runs the listed partitions and records every outcome.
     *
     * @param skipped excluded partitions this evaluation would have covered, counted as skipped
     *     batches; -1 for a retry, which is not a new evaluation
     * @param trial a trial point: if a partition fails, the step may be at fault rather than the
     *     data, so the evaluation is recorded but left out of the success rate
     */
    private PartitionOutcome[] pass(int[] ids, double[] p, Accumulator.Kind kind, int skipped, boolean trial) {
        PartitionOutcome[] out = inner.evaluatePartitions(ids, p, kind);
        boolean inRate = !trial || failures(out).isEmpty();
        if (skipped >= 0) {
            passes++;
            if (inRate) {
                stats.skip(skipped);
            }
        }
        for (PartitionOutcome o : out) {
            double loss = Double.NaN;
            double gNorm = Double.NaN;
            if (o.ok()) {
                loss = o.sums().cost();
                if (kind != Accumulator.Kind.COST) {
                    double s = 0;
                    for (double g : o.sums().gradient()) {
                        s += g * g;
                    }
                    gNorm = Math.sqrt(s);
                }
            } else {
                failedEver.add(o.partition());
                errorTypes.merge(o.errorType(), 1L, Long::sum);
            }
            stats.record(
                    new BatchStatistics.Batch(
                            o.partition(),
                            passes,
                            loss,
                            gNorm,
                            o.nanos() / 1e9,
                            o.ok(),
                            retries.getOrDefault(o.partition(), 0),
                            o.errorType()),
                    inRate);
        }
        return out;
    }

    private void exclude(PartitionOutcome o) {
        if (!excluded[o.partition()]) {
            excluded[o.partition()] = true;
            exclusions.add(new FaultReport.Excluded(
                    o.partition(), inner.partitionPointCount(o.partition()), o.errorType(), o.message(), (int) passes));
        }
    }

    private static List<PartitionOutcome> failures(PartitionOutcome[] out) {
        List<PartitionOutcome> f = new ArrayList<>();
        for (PartitionOutcome o : out) {
            if (!o.ok()) {
                f.add(o);
            }
        }
        return f;
    }

    private static int[] ids(List<PartitionOutcome> list) {
        int[] ids = new int[list.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = list.get(i).partition();
        }
        return ids;
    }

    /** The successful partitions' sums, merged in partition order (fixed, so bit-reproducible). */
    private Accumulator merge(PartitionOutcome[] out, Accumulator.Kind kind) {
        Accumulator total = new Accumulator(kind, parameterCount());
        for (PartitionOutcome o : out) {
            if (o.ok() && !excluded[o.partition()]) {
                total.merge(o.sums());
            }
        }
        return total;
    }
}
