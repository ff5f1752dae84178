package org.sparknlsq.kernel;

import java.io.Serializable;
import java.util.Arrays;
import java.util.List;

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

    /** Points [from, to) as a new block (the arrays are copied) whose first point is {@code firstIndex}. */
    public DataBlock slice(int from, int to, long firstIndex) {
        int k = variables;
        return new DataBlock(
                Arrays.copyOfRange(x, from * k, to * k),
                Arrays.copyOfRange(y, from, to),
                sigma == null ? null : Arrays.copyOfRange(sigma, from, to),
                k,
                firstIndex);
    }

    /**
     * The points of {@code parts}, in list order, as one new block.
     *
     * @param variables independent variables per point (needed when {@code parts} is empty)
     * @param withSigma whether the parts carry sigma
     * @param firstIndex the global index of the first point
     */
    public static DataBlock concat(List<DataBlock> parts, int variables, boolean withSigma, long firstIndex) {
        int n = 0;
        for (DataBlock b : parts) {
            n += b.size();
        }
        double[] x = new double[n * variables];
        double[] y = new double[n];
        double[] s = withSigma ? new double[n] : null;
        int at = 0;
        for (DataBlock b : parts) {
            System.arraycopy(b.x(), 0, x, at * variables, b.size() * variables);
            System.arraycopy(b.y(), 0, y, at, b.size());
            if (withSigma) {
                System.arraycopy(b.sigma(), 0, s, at, b.size());
            }
            at += b.size();
        }
        return new DataBlock(x, y, s, variables, firstIndex);
    }
}
