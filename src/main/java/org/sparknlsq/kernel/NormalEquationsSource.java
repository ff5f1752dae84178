package org.sparknlsq.kernel;

/**
 * Where the optimizer gets its sums. An implementation evaluates every point at {@code p} and
 * returns one {@link Accumulator} reduced in a fixed order, so that the same data and parameters
 * always give the same bits, whatever the thread or task timing.
 *
 * <p>The local implementation is {@link LocalSource}; the Spark engine supplies another.
 */
public interface NormalEquationsSource {

    /** Number of parameters the source was built for. */
    int parameterCount();

    /** Total number of points, valid or not. */
    long pointCount();

    /**
     * Evaluates all points at {@code p} (Not modified).
     *
     * @param kind COST for the cost only, NORMAL for the normal equations, QR for the R factor
     */
    Accumulator evaluate(double[] p, Accumulator.Kind kind);

    /** How many passes over the data this source has made so far. */
    long dataPasses();
}
