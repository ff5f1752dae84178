package org.sparknlsq.optim;

import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The state of a fit at the end of an iteration (or a STREAMING epoch): what a checkpoint stores
 * and what a resume restores, so that the resumed fit takes the same steps, to the bit, as one
 * that was never interrupted. Plain data; the {@code checkpoint} package writes it to HDF5.
 *
 * @param phase {@code trf}, {@code lm} or {@code streaming}
 * @param x the current parameters (the best so far, for the trust-region loops)
 * @param best the best parameters judged on the full objective
 * @param bestCost their cost
 * @param iteration iterations (or epochs, for {@code streaming}) done
 * @param epoch STREAMING epochs done, else 0
 * @param state the solver's own variables by name: doubles, longs, strings, double and long
 *     arrays (non-empty)
 * @param failedBatchIndices partitions that failed at least once
 * @param retryCounts retries per partition
 * @param errorTypes failures per error type
 * @param excludedPartitions partitions excluded from the objective, in order of exclusion
 */
public record Snapshot(
        String phase,
        double[] x,
        double[] best,
        double bestCost,
        int iteration,
        int epoch,
        SortedMap<String, Object> state,
        long[] failedBatchIndices,
        SortedMap<Long, Long> retryCounts,
        SortedMap<String, Long> errorTypes,
        long[] excludedPartitions) {

    public Snapshot {
        x = x.clone();
        best = best.clone();
        state = Collections.unmodifiableSortedMap(new TreeMap<>(state));
        failedBatchIndices = failedBatchIndices.clone();
        retryCounts = Collections.unmodifiableSortedMap(new TreeMap<>(retryCounts));
        errorTypes = Collections.unmodifiableSortedMap(new TreeMap<>(errorTypes));
        excludedPartitions = excludedPartitions.clone();
    }

    public double number(String key) {
        return ((Number) require(key)).doubleValue();
    }

    public long integer(String key) {
        return ((Number) require(key)).longValue();
    }

    public double[] doubles(String key) {
        return ((double[]) require(key)).clone();
    }

    public long[] longs(String key) {
        Object v = state.get(key);
        return v == null ? new long[0] : ((long[]) v).clone();
    }

    public String text(String key) {
        return (String) require(key);
    }

    private Object require(String key) {
        Object v = state.get(key);
        if (v == null) {
            throw new IllegalArgumentException("the " + phase + " snapshot has no '" + key + "'");
        }
        return v;
    }

    /** Where fits send their snapshots, and where a resumed fit finds its own. */
    public interface Sink {
        /** Called at the end of every iteration (STREAMING: every epoch); must not throw. */
        void onSnapshot(Snapshot s);

        /** The snapshot to resume from, or null to start afresh. */
        default Snapshot resume() {
            return null;
        }

        Sink NONE = s -> {};
    }
}
