package org.sparknlsq.strategy;

import java.util.Locale;

/**
 * Chooses a {@link Strategy} from the size of the data and the memory that can hold it, and sizes
 * the STREAMING batches. Pure arithmetic, so it is tested without Spark.
 *
 * <h2>Strategy rule</h2>
 *
 * Bytes per point held = 8·(k + 1 + s) for k independent variables, y, and s = 1 with sigma.
 *
 * <ul>
 *   <li>STANDARD when n &lt; {@value #STANDARD_MAX_POINTS} and the data take at most
 *       {@value #DRIVER_SHARE} of the driver heap: the driver's own cores beat a Spark job per
 *       iteration below that size.
 *   <li>LARGE when n &lt; {@value #LARGE_MAX_POINTS} and the data take at most
 *       {@value #CACHE_SHARE} of the executors' storage memory (the rest stays for Spark).
 *   <li>CHUNKED when n &lt; {@value #CHUNKED_MAX_POINTS}, or when LARGE's data would not fit:
 *       cached with spill to disk.
 *   <li>STREAMING otherwise, and always for an unbounded source.
 * </ul>
 *
 * The point thresholds are the seed's; memory only ever moves a fit to a later strategy, never to
 * an earlier one, so a small cluster degrades to spilling rather than to failing.
 *
 * <h2>Batch size (STREAMING)</h2>
 *
 * Like the seed's {@code build_streaming_config}: a batch may use {@value #BATCH_MEMORY_SHARE} of
 * the memory available to it, counting the data and the Jacobian row of each point, 8·(k + 1 + s)
 * + 8·(p + 1) bytes. The seed bounds batches to 1,000–100,000 points because its batches are
 * processed in one Python process; here a batch is a group of Spark partitions, and a Spark task
 * costs a few milliseconds of scheduling, so a partition smaller than about 100,000 points is
 * dominated by overhead (the kernel runs ~40 M points/s per core). The bounds are therefore
 * {@value #MIN_BATCH_POINTS}–{@value #MAX_BATCH_POINTS} points per batch, rounded down to a
 * multiple of {@value #BATCH_ROUNDING}.
 */
public final class StrategyPlanner {
    public static final long STANDARD_MAX_POINTS = 1_000_000L;
    public static final long LARGE_MAX_POINTS = 10_000_000L;
    public static final long CHUNKED_MAX_POINTS = 100_000_000L;
    static final double DRIVER_SHARE = 0.25;
    static final double CACHE_SHARE = 0.5;
    static final double BATCH_MEMORY_SHARE = 0.1;
    public static final long MIN_BATCH_POINTS = 100_000L;
    public static final long MAX_BATCH_POINTS = 10_000_000L;
    static final long BATCH_ROUNDING = 1_000L;

    private StrategyPlanner() {}

    /** The choice, and why, in words the result can show. */
    public record Plan(Strategy strategy, String reason) {}

    /**
     * @param points number of points n
     * @param variables independent variables per point k
     * @param sigma whether sigma is stored
     * @param driverHeapBytes the driver's maximum heap
     * @param storageBytes the executors' memory for cached blocks, summed
     * @param override the user's choice, or null for automatic
     */
    public static Plan choose(
            long points, int variables, boolean sigma, long driverHeapBytes, long storageBytes, Strategy override) {
        long bytes = dataBytes(points, variables, sigma);
        String size = String.format(Locale.ROOT, "%,d points, %s", points, human(bytes));
        if (override != null) {
            return new Plan(override, "requested (" + size + ")");
        }
        if (points < STANDARD_MAX_POINTS) {
            if (bytes <= DRIVER_SHARE * driverHeapBytes) {
                return new Plan(Strategy.STANDARD, size + ": below " + STANDARD_MAX_POINTS + " points");
            }
        } else if (points < LARGE_MAX_POINTS && bytes <= CACHE_SHARE * storageBytes) {
            return new Plan(Strategy.LARGE, size + ": fits in executor memory (" + human(storageBytes) + ")");
        }
        if (points < LARGE_MAX_POINTS) {
            return new Plan(
                    Strategy.CHUNKED,
                    size + ": does not fit in " + (points < STANDARD_MAX_POINTS ? "the driver heap" : "executor memory")
                            + " (" + human(points < STANDARD_MAX_POINTS ? driverHeapBytes : storageBytes)
                            + "); cached with spill");
        }
        if (points < CHUNKED_MAX_POINTS) {
            return new Plan(Strategy.CHUNKED, size + ": between " + LARGE_MAX_POINTS + " and " + CHUNKED_MAX_POINTS);
        }
        return new Plan(Strategy.STREAMING, size + ": at least " + CHUNKED_MAX_POINTS + " points");
    }

    /**
     * Whether a local file's data, {@code points} of them, fit in this JVM: at most {@value
     * #DRIVER_SHARE} of {@code heapBytes}, the share STANDARD allows. Such a file is read and
     * fitted on the driver's own cores whatever its point count, since Spark on the same machine
     * has no more cores to give and adds a job per pass.
     */
    public static boolean fitsDriver(long points, int variables, boolean sigma, long heapBytes) {
        return dataBytes(points, variables, sigma) <= DRIVER_SHARE * heapBytes;
    }

    /** Why a fit ran on this JVM without Spark, in the words of {@link Plan#reason()}. */
    public static String onDriverReason(long points, int variables, boolean sigma, long heapBytes, boolean file) {
        String size = String.format(Locale.ROOT, "%,d points, %s", points, human(dataBytes(points, variables, sigma)));
        return file
                ? size + ": a local file whose data fit in " + Math.round(100 * DRIVER_SHARE) + "% of this JVM's heap ("
                        + human(heapBytes) + "), fitted on its cores without Spark"
                : size + ": arrays given without a SparkSession, fitted on this JVM's cores";
    }

    /** Bytes held per point for the data: x, y and optionally sigma as doubles. */
    public static long dataBytes(long points, int variables, boolean sigma) {
        return points * 8L * (variables + 1 + (sigma ? 1 : 0));
    }

    /**
     * Points per STREAMING batch for {@code memoryBytes} available to one batch (see the class
     * comment for the rule and the bounds).
     */
    public static long batchPoints(long memoryBytes, int variables, boolean sigma, int parameters) {
        long perPoint = 8L * (variables + 1 + (sigma ? 1 : 0)) + 8L * (parameters + 1);
        long target = (long) (BATCH_MEMORY_SHARE * memoryBytes) / perPoint;
        long bounded = Math.max(MIN_BATCH_POINTS, Math.min(MAX_BATCH_POINTS, target));
        return bounded / BATCH_ROUNDING * BATCH_ROUNDING;
    }

    static String human(long bytes) {
        if (bytes < 1L << 20) {
            return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
        }
        if (bytes < 1L << 30) {
            return String.format(Locale.ROOT, "%.1f MiB", bytes / (double) (1L << 20));
        }
        return String.format(Locale.ROOT, "%.2f GiB", bytes / (double) (1L << 30));
    }
}
