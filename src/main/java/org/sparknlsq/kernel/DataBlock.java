package org.sparknlsq.kernel;

import java.io.Serializable;

/**
 * A columnar block of points: independent variables row-major ({@code x[i*k + j]} is variable j
 * of point i), observations {@code y}, and optional standard deviations {@code sigma} (null means
 * all 1). {@code firstIndex} is the global index of the block's first point, used to report where
 * a bad value was found. The arrays are not copied; callers must not modify them afterwards.
 */
public record DataBlock(double[] x, double[] y, double[] sigma, int variables, long firstIndex)
        implements Serializable {

    public DataBlock {
        if (variables < 1) {
            throw new IllegalArgumentException("variables must be >= 1, got " + variables);
        }
        if (x.length != (long) y.length * variables) {
            throw new IllegalArgumentException("x has " + x.length + " values, expected " + (long) y.length * variables
                    + " (" + y.length + " points × " + variables + ")");
        }
        if (sigma != null && sigma.length != y.length) {
            throw new IllegalArgumentException("sigma has " + sigma.length + " values, expected " + y.length);
        }
    }

    /** Number of points. */
    public int size() {
        return y.length;
    }
}
