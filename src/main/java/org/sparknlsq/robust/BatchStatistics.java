package org.sparknlsq.robust;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A ring buffer of the most recent batch records with all-time totals (the seed's {@code
 * BatchStatistics}). A batch is one partition's contribution to one pass. Not thread-safe: the
 * driver records, in partition order, after each pass.
 */
public final class BatchStatistics {

    /**
     * One batch attempt.
     *
     * @param batchIndex the partition (LARGE, CHUNKED, STANDARD) or streaming batch index
     * @param pass the evaluation it belonged to (1-based; a STREAMING batch is one of its own)
     * @param loss the batch's cost ½Σρ, NaN if it failed
     * @param gradientNorm ‖Jᵀr‖₂ of the batch alone, NaN if it failed or the pass had no Jacobian
     * @param seconds the batch's own time inside its task
     * @param success whether it gave finite sums
     * @param retries how many times this batch had been retried before this attempt
     * @param errorType null on success
     */
    public record Batch(
            int batchIndex,
            long pass,
            double loss,
            double gradientNorm,
            double seconds,
            boolean success,
            int retries,
            String errorType) {}

    private final Batch[] ring;
    private int next;
    private int size;
    private long succeeded;
    private long failed;
    private long skipped;
    private long rateSucceeded;
    private long rateFailed;

    public BatchStatistics(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1, got " + capacity);
        }
        ring = new Batch[capacity];
    }

    /** Records {@code b}, counted in the success rate. */
    public void record(Batch b) {
        record(b, true);
    }

    /**
     * Records {@code b}.
     *
     * @param inRate whether it counts in {@link #successRate()}: false for the batches of a trial
     *     point where some batch failed, since the step rather than the data may be at fault
     */
    public void record(Batch b, boolean inRate) {
        if (inRate) {
            if (b.success()) {
                rateSucceeded++;
            } else {
                rateFailed++;
            }
        }
        ring[next] = b;
        next = (next + 1) % ring.length;
        size = Math.min(size + 1, ring.length);
        if (b.success()) {
            succeeded++;
        } else {
            failed++;
        }
    }

    /** Counts {@code n} batches that were not attempted because their partitions are excluded. */
    public void skip(int n) {
        skipped += n;
    }

    /**
     * The counters (succeeded, failed, skipped, and the two counted in the rate), for a
     * checkpoint; {@link #restoreCounts} puts them back. The ring buffer is not kept.
     */
    public long[] counts() {
        return new long[] {succeeded, failed, skipped, rateSucceeded, rateFailed};
    }

    /** Sets the counters from {@link #counts()} of a checkpoint. */
    public void restoreCounts(long[] c) {
        succeeded = c[0];
        failed = c[1];
        skipped = c[2];
        rateSucceeded = c[3];
        rateFailed = c[4];
    }

    public int capacity() {
        return ring.length;
    }

    /** The buffered records, oldest first (at most {@link #capacity()}). */
    public List<Batch> recent() {
        List<Batch> out = new ArrayList<>(size);
        int start = size < ring.length ? 0 : next;
        for (int i = 0; i < size; i++) {
            out.add(ring[(start + i) % ring.length]);
        }
        return out;
    }

    public long attempted() {
        return succeeded + failed;
    }

    public long succeeded() {
        return succeeded;
    }

    public long failed() {
        return failed;
    }

    public long skipped() {
        return skipped;
    }

    /**
     * Successful batches over all batches counted in the rate, an excluded partition counting as
     * a failed batch in every pass after its exclusion (so the rate tends to the share of good
     * partitions, as in the seed's streaming optimizer where a bad batch fails in every epoch).
     * NaN when no batch was counted.
     */
    public double successRate() {
        long all = rateSucceeded + rateFailed + skipped;
        return all == 0 ? Double.NaN : (double) rateSucceeded / all;
    }

    /**
     * Over the successful records in the buffer: mean and standard deviation of the loss, mean
     * gradient norm, mean batch time, minimum and maximum loss (NaN when there are none).
     */
    public Map<String, Double> aggregates() {
        double n = 0;
        double mean = 0;
        double m2 = 0;
        double gSum = 0;
        double tSum = 0;
        double min = Double.NaN;
        double max = Double.NaN;
        for (Batch b : recent()) {
            if (!b.success()) {
                continue;
            }
            n++;
            // Welford's running mean and variance
            double d = b.loss() - mean;
            mean += d / n;
            m2 += d * (b.loss() - mean);
            gSum += b.gradientNorm();
            tSum += b.seconds();
            min = Double.isNaN(min) ? b.loss() : Math.min(min, b.loss());
            max = Double.isNaN(max) ? b.loss() : Math.max(max, b.loss());
        }
        Map<String, Double> a = new LinkedHashMap<>();
        a.put("mean_loss", n > 0 ? mean : Double.NaN);
        a.put("std_loss", n > 1 ? Math.sqrt(m2 / (n - 1)) : Double.NaN);
        a.put("mean_gradient_norm", n > 0 ? gSum / n : Double.NaN);
        a.put("mean_batch_time", n > 0 ? tSum / n : Double.NaN);
        a.put("min_loss", min);
        a.put("max_loss", max);
        return a;
    }
}
